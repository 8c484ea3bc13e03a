"""The words a search index holds and a query asks for, so inflected forms meet.

A relevant document is indexed by the keys of its words (Russian lemmas, folded
Uzbek stems: "в Москве" -> "москва", "Toshkentda" -> "toşkent") plus its plain
words; other documents by their plain lower-cased words only (cheap, for the
firehose). A query word asks for its keys in every language and, for long
words, its stem as a prefix, so it finds both kinds.
"""

from __future__ import annotations

from .keys import keyer, uz_fold
from .tokens import WORD_RE

QUERY_LANGUAGES = ("en", "ru", "uz")
STEM_MIN = 5  # words at least this long are also searched by their first letters


def index_text(text: str, lang: str | None, *, keyed: bool) -> str:
    if not keyed or not lang:
        return " ".join(WORD_RE.findall(text.lower()))
    words = [w.lower() for w in WORD_RE.findall(text)]
    k = keyer(lang)
    keys = [k.key(w) for w in WORD_RE.findall(text)]
    return " ".join(words + [key for key, word in zip(keys, words, strict=True) if key != word])


def looks_like_a_name(word: str) -> bool:
    """A capitalised word (Davlatov, Давлатов), not an all-capitals one (FSB): searched as a name."""
    return len(word) >= NAME_MIN and word[0].isupper() and not word.isupper()


NAME_MIN = 4


def query_terms(query: str) -> list[set[str]]:
    """For each word of the query, the set of index words that count as a match
    (a trailing '*' marks a prefix). A name is matched as written and in its inflections
    (Davlatov, Davlatova, Давлатову), never by a stem that makes it another word: the
    Uzbek stem of Davlatov is davlat, "state"."""
    terms = []
    for word in WORD_RE.findall(query):
        low = word.lower()
        if looks_like_a_name(word):
            folded = uz_fold(word)  # Давлатов -> davlatov: the index keys Uzbek in Latin letters
            terms.append({low, low + "*", folded, folded + "*"} - {"", "*"})
            continue
        alternatives = {low}
        for lang in QUERY_LANGUAGES:
            alternatives.add(keyer(lang).key(word))
        if len(low) >= STEM_MIN:
            alternatives.add(low[: max(4, len(low) - 2)] + "*")
        terms.append({a for a in alternatives if a})
    return terms
