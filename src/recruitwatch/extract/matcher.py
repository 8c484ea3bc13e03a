"""Find lexicon phrases in text by word keys: the one matching engine of the extractor.

Lexicon forms and text are cut into words the same way and compared by key
(see text/keys.py), so inflection is handled once, here, for every lexicon.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..text.keys import keyer
from ..text.tokens import WORD_RE, Token


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon form compiled for one language."""

    words: tuple[tuple[bool, str], ...]  # (is_prefix, key or prefix) per word
    group: str  # which lexicon: "methods", "regions", …
    concept: str  # vocabulary id, ISO code or canonical name
    role: str = "form"  # "form", "context", "demonym", "adjective", "name", …
    proper: bool = False  # must start with a capital letter in the text
    # Where endings are added to a name (Turkic languages, Tajik): the name as written, which a word
    # of the text must begin with. Keys cut what looks like an ending, so "Магадан" and the pronoun
    # "мага" share a key; "Магаданга" begins with the name, "Мага" does not.
    base: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)
    start: int  # character offsets into the text
    end: int

    @property
    def concept(self) -> str:
        return self.entry.concept

    @property
    def group(self) -> str:
        return self.entry.group


SUFFIXING = frozenset({"uz", "ky", "kk", "tg"})  # languages that add endings to names
# Raised when a compiled index changes shape (Entry): a cached index of another shape is never
# loaded, though the data files it was built from are the same (extract/cache.py keys by data).
INDEX_FORMAT = 2
_WORD_MEMO = 50_000  # distinct words remembered per index (~15 MB at most; then it starts afresh)



def form_words(form: str) -> list[tuple[str, bool]]:
    """A lexicon form's words as matched: each printed word cut at its hyphens and apostrophes
    (WORD_RE), and whether it is a prefix (a trailing * on the last part)."""
    words = []
    for raw in form.split():
        parts = WORD_RE.findall(raw.rstrip("*"))
        words += [(part, raw.endswith("*") and i == len(parts) - 1) for i, part in enumerate(parts)]
    return words

class PhraseIndex:
    """All compiled forms of one language, indexed by their first word."""

    def __init__(self, lang: str):
        self.lang = lang
        self.keyer = keyer(lang)
        self._exact: dict[str, list[Entry]] = defaultdict(list)
        self._prefix: dict[str, list[Entry]] = defaultdict(list)
        self._prefix_lengths: list[int] = []
        self._words: dict[str, tuple[str, str, tuple[Entry, ...]]] = {}  # see _word

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["keyer"]  # functions with caches: rebuilt from the language on load
        state["_words"] = {}
        state["_exact"], state["_prefix"] = dict(self._exact), dict(self._prefix)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._words = {}
        self.keyer = keyer(self.lang)
        self._exact = defaultdict(list, self._exact)
        self._prefix = defaultdict(list, self._prefix)

    def compile_form(self, form: str) -> tuple[tuple[bool, str], ...]:
        return tuple(
            (True, self.keyer.fold(part)) if is_prefix else (False, self.keyer.key(part))
            for part, is_prefix in form_words(str(form))
        )

    def add(self, form: str, group: str, concept: str, role: str = "form", proper: bool = False):
        self._words.clear()
        words = self.compile_form(form)
        if not words or not words[0][1]:
            return
        first, first_is_prefix = form_words(str(form))[0]
        base = self.keyer.fold(first) if proper and not first_is_prefix and self.lang in SUFFIXING else ""
        entry = Entry(words, group, concept, role, proper, base)
        is_prefix, head = words[0]
        if is_prefix:
            self._prefix[head].append(entry)
            if len(head) not in self._prefix_lengths:
                self._prefix_lengths.append(len(head))
                self._prefix_lengths.sort()
        else:
            self._exact[head].append(entry)

    def _word(self, text: str) -> tuple[str, str, tuple[Entry, ...]]:
        """Key, fold and the entries that may start at a word: news repeats its words, so
        this is worked out once per distinct word (bounded memo), not at every token."""
        found = self._words.get(text)
        if found is None:
            key, fold = self.keyer.key(text), self.keyer.fold(text)
            candidates = list(self._exact.get(key, ()))
            for n in self._prefix_lengths:
                if n > len(fold):
                    break
                candidates.extend(self._prefix.get(fold[:n], ()))
            if len(self._words) >= _WORD_MEMO:
                self._words.clear()
            # Equal entries (one form listed twice) would give equal matches: keep the first.
            found = self._words[text] = (key, fold, tuple(dict.fromkeys(candidates)))
        return found

    def find(self, tokens: list[Token]) -> list[Match]:
        """Every match of every form, longest first at each start, in text order."""
        words = [self._word(t.text) for t in tokens]
        keys = [w[0] for w in words]
        folds = [w[1] for w in words]
        count = len(tokens)
        matches: list[Match] = []
        for i, (_, f, candidates) in enumerate(words):
            if not candidates:
                continue
            token = tokens[i]
            for entry in candidates:  # their first word matches this token by construction
                if entry.proper and not token.capitalised and not _uz_demonym(self.lang, f):
                    continue
                if entry.base and not f.startswith(entry.base):
                    continue
                size = len(entry.words)
                last = i + size - 1
                if size > 1:
                    if last >= count:
                        continue
                    is_prefix, value = entry.words[1]  # most multi-word forms fail here: checked inline
                    if not (folds[i + 1].startswith(value) if is_prefix else keys[i + 1] == value):
                        continue
                    if size > 2 and not _rest_matches(entry.words, keys, folds, i):
                        continue
                matches.append(Match(entry, i, last, token.start, tokens[last].end))
        matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return matches

    def __len__(self) -> int:
        return sum(map(len, self._exact.values())) + sum(map(len, self._prefix.values()))


def _rest_matches(words, keys, folds, i) -> bool:
    """Do the words after the first two follow token i?"""
    for offset in range(2, len(words)):
        is_prefix, value = words[offset]
        if not (folds[i + offset].startswith(value) if is_prefix else keys[i + offset] == value):
            return False
    return True


def _uz_demonym(lang: str, fold: str) -> bool:
    """Uzbek and Kyrgyz write demonyms in lower case: hindistonlik, qozog'istonliklar, кыргызстандык."""
    if lang == "uz":
        return "lik" in fold[-9:]
    return lang in ("ky", "kk") and any(x in fold[-9:] for x in ("дык", "лык", "тык", "дық", "лық", "тық"))
