"""Person names as keys that survive scripts and spellings, and how two names compare.

One outlet writes Suresh Kumar, another സുരേഷ് കുമാർ, a third सुरेश
कुमार; Odhiambo, Одиамбо; Rahimov, Рахимов, B. Rahimov. anyascii
gives every script Latin letters; what stays different is vowels (anyascii
leaves out the a that Brahmic scripts do not write, "mnprit" for मनप्रीत,
so it is put back: "manaprit"), aspiration and digraphs
(kh/x/h, ch/c, sh/ş), the anusvara ("anmd" for आनंद), doubled letters. So each name
word gets a *skeleton*: its consonants after those spellings are folded, which
Brahmic, Cyrillic and Latin spellings of one name share. Words compare by
skeleton (and, for long ones, a small edit distance), initials compare with any
word of that first letter, and word order is free. Hindi news often writes the
z of Azam or Aziz as ज, so a j of a Brahmic word may stand for a Latin z.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler, Levenshtein

# Spellings of one sound, folded before vowels are dropped (longest first).
_DIGRAPHS = (
    ("dzh", "j"), ("tch", "c"), ("sch", "s"), ("kh", "h"), ("gh", "g"), ("ch", "c"), ("sh", "s"),
    ("zh", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("bh", "b"), ("jh", "j"), ("ts", "s"),
    ("dj", "j"), ("ck", "k"),
)
# x is Uzbek's kh (Xurshid, Хуршид, Khurshid, Hurshid): with kh and h it is dropped, as Cyrillic х
# stands for h in Sahil / Сахіл.
_LETTERS = str.maketrans({"q": "k", "x": "", "c": "k", "w": "v", "z": "s", "h": ""})
_SOFT_C = re.compile(r"c(?=[eiy])")
_VOWELS = re.compile(r"[aeiouy]+")
# A nasal before a consonant made at another place is written m by anyascii for the anusvara
# (आनंद -> anmd) and n in Latin spellings (Anand): one letter for both.
_NASAL = re.compile(r"m(?=[^aeiouybpmv\W])")
_WORD = re.compile(r"[a-z]+")
_ABUGIDA = re.compile(r"[\u0900-\u0DFF\u0F00-\u0FFF\u1000-\u109F]")  # Devanagari to Sinhala, Tibetan, Myanmar
# Devanagari to Malayalam (U+0900-U+0D7F) share one layout, a block of 128 each: where in its block a
# character stands says what it is. A consonant not followed by a vowel sign or the virama
# (after an optional nukta) is read with the inherent a.
_BRAHMIC = range(0x0900, 0x0D80)
_CONSONANTS = frozenset(range(0x15, 0x3A)) | frozenset(range(0x58, 0x60))
_NUKTA = 0x3C
_NO_INHERENT_A = frozenset(range(0x3E, 0x4E)) | {0x4E, 0x4F, 0x55, 0x56, 0x57, 0x62, 0x63}  # vowel signs, virama
_NUKTA_Z = re.compile(r"j'")  # ज़: anyascii writes the nukta as an apostrophe
CLOSE_SPELLING = 0.88  # Jaro-Winkler of two spellings of one short word (lemekhani / lemekhandi: 0.95)


_INITIALS_WORD = re.compile(r"(?:\w{1,2}\.){2,}")  # "T.B.", "A.K.": initials written together
_INITIALS = re.compile(r"\w{1,2}\.")


@dataclass(frozen=True)
class NameWord:
    text: str  # folded Latin spelling, lower case: "sandeep"
    skeleton: str  # consonants: "sndp"
    initial: bool  # written as an initial ("Sh.", "Б.")
    vowels_written: bool = True  # False for Brahmic scripts, which leave the inherent vowel out

    @property
    def skeletons(self) -> tuple[str, ...]:
        """Every skeleton the word may have (namekeys.forms)."""
        return tuple(dict.fromkeys(skeleton for skeleton, _spelt in forms(self.text, self.vowels_written)))


@dataclass(frozen=True)
class Name:
    raw: str
    words: tuple[NameWord, ...]

    @property
    def full_words(self) -> tuple[NameWord, ...]:
        return tuple(w for w in self.words if not w.initial)


@lru_cache(maxsize=65_536)
def latin(text: str) -> str:
    """Lower-case Latin letters of any script, apostrophes and marks dropped."""
    if _ABUGIDA.search(text):
        ascii_text = _NUKTA_Z.sub("z", anyascii(with_inherent_vowels(text)))
    else:
        ascii_text = anyascii(text)
    return ascii_text.lower().replace("'", "")


def with_inherent_vowels(text: str) -> str:
    """Brahmic text with a Latin a after each consonant read with its inherent vowel inside a word
    (मनप्रीत -> मaनaप्रीत), so that anyascii's consonants do not run together: the "mn" of मन is not
    an anusvara before n. A word's last consonant is left bare, as Hindi and Punjabi say it."""
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        out.append(char)
        i += 1
        if not _brahmic(char, _CONSONANTS):
            continue
        if i < len(text) and _brahmic(text[i], {_NUKTA}):
            out.append(text[i])
            i += 1
        if i < len(text) and _brahmic(text[i]) and not _brahmic(text[i], _NO_INHERENT_A):
            out.append("a")  # another letter of the word follows (or an anusvara, a visarga)
    return "".join(out)


def _brahmic(char: str, offsets=None) -> bool:
    """Is `char` of the Brahmic blocks (and, given offsets, at one of them within its block)?"""
    code = ord(char)
    return code in _BRAHMIC and (offsets is None or code & 0x7F in offsets)


@lru_cache(maxsize=65_536)
def spelling(word: str) -> str:
    """A (Latin, lower-case) word with its consonants' spelling variants folded, vowels kept:
    Prigozhin and Prigojin are one spelling, Mirzoev and Mirziyoev are not."""
    w = _NASAL.sub("n", word)
    w = _SOFT_C.sub("s", w)  # Valcárcel / Valcarsel
    for old, new in _DIGRAPHS:
        w = w.replace(old, new)
    w = re.sub(r"ng$", "n", w).translate(_LETTERS)  # Singh / सिंह (simh)
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=65_536)
def skeleton(word: str) -> str:
    """The consonants of a (Latin, lower-case) word after spelling variants are folded."""
    return re.sub(r"(.)\1+", r"\1", _VOWELS.sub("", spelling(word)))


@lru_cache(maxsize=65_536)
def parse_name(raw: str) -> Name:
    """A name as written, in any script, as comparable words. "B. Rahimov" has an initial."""
    words = []
    # "Kumar's": an English possessive; "Sh.Tojiboyev": an initial glued to the surname.
    parts = re.split(r"[\s\-‐]+|(?<=\b\w\.)(?=\w)|(?<=\b\w\w\.)(?=\w)", re.sub(r"['’]s$", "", raw.strip()))
    owners = [i for i, part in enumerate(parts[:-1]) if re.search(r"['’]s$", part)]
    if owners:  # "Lagos's Chidi": the possessor is not part of the name
        parts = parts[owners[-1] + 1 :]
    parts = [p for part in parts for p in (_INITIALS.findall(part) if _INITIALS_WORD.fullmatch(part) else [part])]
    for part in parts:
        initial = bool(re.fullmatch(r"\w{1,3}\.", part)) or (len(part) == 1 and part.isalpha())
        text = "".join(_WORD.findall(latin(part)))
        if not text:
            continue
        full = abbreviations().get(text)
        if full:  # "Mohd", "Md.": the given name written short
            text, initial = full, False
        words.append(NameWord(text, skeleton(text) or text[:1], initial, not _ABUGIDA.search(part)))
    return Name(raw, tuple(words))


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Short written forms of given names and the names they stand for (extract/data/given_names.yaml)."""
    from ..extract.data_files import extract_data

    return {str(k).lower(): str(v).lower() for k, v in (extract_data("given_names.yaml").get("abbreviations") or {}).items()}


@lru_cache(maxsize=1)
def given_name_endings() -> tuple[str, ...]:
    """Endings Central Asian given names take and drop (Jasurbek, Jasur): extract/data/name_suffixes.yaml."""
    from ..extract.data_files import extract_data

    return tuple(str(e) for e in extract_data("name_suffixes.yaml").get("given_name_endings") or ())


@lru_cache(maxsize=65_536)
def forms(text: str, vowels_written: bool = True) -> tuple[tuple[str, str], ...]:
    """(skeleton, spelling) of each form a name word may take in another report: itself; without a given
    name's ending (Jasurbek: Jasur); with a last p or f read as the other (Yusup, Yusuf: Turkic and
    Russian spellings of one name); and for a Brahmic word with its j read as z (आजम: Azam)."""
    spelt = spelling(text)
    found = [(skeleton(text), spelt)]
    for ending in given_name_endings():
        stem = spelt[: -len(ending)]
        if spelt.endswith(ending) and len(stem) >= 3 and len(skeleton(stem)) >= 2:
            found.append((skeleton(stem), stem))
    for skel, form in list(found):
        if len(skel) >= 2 and skel[-1] in "pf":
            found.append((skel[:-1] + ("f" if skel[-1] == "p" else "p"), form))
    if not vowels_written:
        found += [(skel.replace("j", "s"), form) for skel, form in found if "j" in skel]
    return tuple(dict.fromkeys(found))


def words_agree(a: NameWord, b: NameWord) -> bool:
    """One word in two spellings: Kumar / കുമാർ / Кумар, Valcárcel / Valcarcel (one consonant apart in long
    words), Jasurbek / Jasur, Yusup / Юсуф."""
    if a.initial or b.initial:
        return a.text[:1] == b.text[:1] or a.skeleton[:1] == b.skeleton[:1]
    for skel_a, form_a in forms(a.text, a.vowels_written):
        for skel_b, form_b in forms(b.text, b.vowels_written):
            if skel_a != skel_b:
                continue
            if len(skel_a) < 2:
                if a.text == b.text:
                    return True
                continue
            # Vowels must not differ wholesale: not in length (Mirzoev / Mirziyoyev) nor in place
            # (Sufiyan / Asfan share s-f-n); Muhammad / Mohammed, Qurbonov / Kurbanov differ in a vowel or
            # two. Brahmic scripts write every vowel but the inherent a, which is left out of both.
            if a.vowels_written and b.vowels_written:
                if _vowels_close(form_a, form_b):
                    return True
            elif _vowels_close(form_a.replace("a", ""), form_b.replace("a", ""), length_gap=None):
                return True
    if min(len(a.skeleton), len(b.skeleton)) < 3 or Levenshtein.distance(a.skeleton, b.skeleton) > 1:
        return False
    # Otieno / Otiyeno, Mwangi / Mwanghi: one consonant apart in words of about one length,
    # spelt alike; not Nazarov / Nazarbayev, Mirzoev / Mirziyoyev.
    return abs(len(a.text) - len(b.text)) <= 1 and JaroWinkler.similarity(a.text, b.text) >= CLOSE_SPELLING


def _vowels_close(a: str, b: str, length_gap: int | None = 2) -> bool:
    """Two spellings with one skeleton are one name where they differ by at most two letters (a third
    of the shorter, for long words) and, where vowels are written on both sides, by at most two in length."""
    if length_gap is not None and abs(len(a) - len(b)) > length_gap:
        return False
    return Levenshtein.distance(a, b) <= max(2, min(len(a), len(b)) // 3)


@dataclass(frozen=True)
class NameAgreement:
    """How two names compare: words of each that the other spells too."""

    matched: tuple[str, ...]  # skeletons of the full words both have
    initials: int  # initials of one that agree with a word of the other
    unmatched_a: int  # full words of a with no counterpart in b
    unmatched_b: int

    @property
    def level(self) -> str:
        """full: two or more words agree (given name and surname, in any order); partial: one;
        conflict: both have two or more full words and at most one agrees, none: nothing agrees."""
        if len(self.matched) >= 2:
            return "full"
        if len(self.matched) == 1:
            if self.initials:
                return "full"
            return "partial"
        return "none"


def compare_names(a: Name, b: Name) -> NameAgreement:
    """Greedy one-to-one agreement of the words of two names (order free)."""
    used: set[int] = set()
    matched: list[str] = []
    initials = 0
    for wa in a.full_words:
        for j, wb in enumerate(b.words):
            if j not in used and not wb.initial and words_agree(wa, wb):
                used.add(j)
                matched.append(wa.skeleton)
                break
    for i, wb in enumerate(b.words):
        if wb.initial and i not in used and any(words_agree(wa, wb) for wa in a.full_words):
            initials += 1
    for wa in a.words:
        if wa.initial and any(words_agree(wa, wb) for j, wb in enumerate(b.words) if j not in used and not wb.initial):
            initials += 1
    unmatched_a = len(a.full_words) - len(matched)
    unmatched_b = len(b.full_words) - len(matched)
    return NameAgreement(tuple(matched), initials, unmatched_a, unmatched_b)
