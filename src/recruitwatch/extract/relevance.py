"""Is this text about coerced recruitment of foreigners or prisoners? A calibrated score.

The score is a logistic function of a few interpretable features; its weights
are data (data/relevance.yaml). The features are the contract's definition
made countable: recruitment into Russia's war and a foreign or imprisoned
person in one passage, with signs of a near topic (a home country's own
call-up, Ukraine's foreign legion, Russians' mobilisation…) counted against,
and so are people said to be Russian citizens and wars other than the one
against Ukraine, where they outweigh it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..errors import DataError
from .analysis import Analysis
from .data_files import extract_data
from .dates import WAR_START  # a report published before it cannot be about recruitment for the war
from .names import gazetteer_given_names
from .roles import victims
from .victims import is_specific, nationality_mentions

# (group, concept) pairs whose presence means "recruitment into the war".
RECRUITMENT_SIGNS = {
    ("cues", "recruitment"),
    ("perpetrators", "pmc"),
    ("perpetrators", "enlistment_office"),
    ("methods", "summons"),
    ("outcomes", "signed_contract"),
    ("outcomes", "deployed"),
    ("outcomes", "captured"),
    ("outcomes", "prosecuted_at_home"),
}
# What ties the recruitment to Russia's war against Ukraine.
WAR_SIGNS = {("cues", "war"), ("perpetrators", "pmc"), ("perpetrators", "military"), ("outcomes", "captured")}
# Statuses that make a target only in a text that names a foreigner somewhere.
LOCAL_UNLESS_FOREIGN = {"student"}
# The war feature is capped so that war words alone cannot outweigh the lack of a
# recruitment passage: the cascade's cheap stage relies on that bound.
WAR_CAP = math.log1p(2)
OUTCOME_SIGNS = {"signed_contract", "deployed", "injured", "killed", "captured", "prosecuted_at_home"}


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    features: dict[str, float]


def _sentences_with(doc: Analysis, pairs) -> set[int]:
    found = set()
    for group, concept in pairs:
        for sentence, matches in doc.hits.get(group, {}).items():
            if any(m.concept == concept for m in matches):
                found.add(sentence)
    return found


# Near topics that explain away recruitment words in their passage. Job-advert
# language is not among them: a bait advert is part of many deception cases.
EXPLAINING_TOPICS = {
    "neg_ukraine_recruitment",
    "neg_home_conscription",
    "neg_russian_mobilisation",
    "neg_prisoner_exchange",
    "neg_state_troops",
    "neg_labour_trafficking",
    "neg_remittances",
}
# Near topics with a feature of their own (not in the `negative` count).
OTHER_WAR, RUSSIAN_CITIZENS, UKRAINE_SIDE = "neg_other_war", "neg_russian_citizens", "neg_ukraine_recruitment"
UKRAINE_STATE = "neg_ukraine_state"
OWN_FEATURE_TOPICS = {OTHER_WAR, RUSSIAN_CITIZENS, UKRAINE_SIDE, UKRAINE_STATE}
# Years in the text: a text whose latest year is before the full-scale war tells an older story
# (a 2014 volunteer, Wagner in Syria); 1990-2039, written as digits.
_YEAR = re.compile(r"(?<!\d)(199\d|20[0-3]\d)(?!\d)")
WAR_YEAR = 2022
PRE_WAR_CEILING = 0.05  # the score of such a report: under any threshold, and still ordered
# Near topics about who is mobilised: beside a foreign or naturalised person they are that person's case.
WHO_TOPICS = {"neg_russian_mobilisation"}
# Near topics that are part of a named foreign victim's life story in a sentence naming him ("Mr
# Tamang regularly sent money home"): news of remittances is near-topic, a victim's own are not.
LIFE_TOPICS = {"neg_remittances"}


def _cue_sentences(doc: Analysis, concepts: set[str]) -> set[int]:
    return {s for s, matches in doc.hits.get("cues", {}).items() if any(m.concept in concepts for m in matches)}


def ukraine_war_sentences(doc: Analysis) -> set[int]:
    """Sentences with a war cue that is not part of another war ("war" inside "the war in Syria")."""
    return _memo(doc, "ukraine_war", _ukraine_war_sentences)


def _ukraine_war_sentences(doc: Analysis) -> set[int]:
    """A war word in a sentence about another war ("sent to the front in Syria") belongs to that
    war, unless the sentence also names Ukraine."""
    ukraine = {doc.sentence_of(m.start) for m in doc.all_hits("countries") if m.concept == "UA"}
    ukraine |= {doc.sentence_of(m.start) for m in doc.all_hits("regions") if m.concept.startswith("UA-")}
    found = set()
    for s, matches in doc.hits.get("cues", {}).items():
        other = [m for m in matches if m.concept == OTHER_WAR]
        if other and s not in ukraine:
            continue
        if any(m.concept == "war" and not any(o.start < m.end and m.start < o.end for o in other) for m in matches):
            found.add(s)
    return found


def _memo(doc: Analysis, name: str, compute):
    """Computed once per document: several features read the same sentence sets."""
    key = f"relevance.{name}"
    if key not in doc.memo:
        doc.memo[key] = compute(doc)
    return doc.memo[key]


def _targets(doc: Analysis) -> set[int]:
    return _memo(doc, "targets", _target_sentences)


def _foreign_people(doc: Analysis) -> set[int]:
    """Sentences naming a person of a foreign nationality (an Uzbek, a citizen of Nepal)."""
    return _memo(doc, "foreign_people", lambda d: {m.sentence for m in _foreign_mentions(d)})


def _near(sentences: set[int], s: int, window: int) -> bool:
    return any(p in sentences for p in range(s - window, s + window + 1))


def near_topic_cues(doc: Analysis, window: int) -> list[tuple[int, str]]:
    """(sentence, concept) of near-topic cues, less those about who is mobilised in a sentence that
    names a foreign person and no Russian citizens, or beside new citizens or foreigners (the
    migrants' "partial mobilisation", naturalised "draft dodgers")."""
    russians = _cue_sentences(doc, {RUSSIAN_CITIZENS})
    foreign = _targets(doc)
    naturalised = _naturalised_sentences(doc) | _cue_sentences(doc, {"foreigner"})
    return [
        (s, m.concept)
        for s, matches in doc.hits.get("cues", {}).items()
        for m in matches
        if m.concept.startswith("neg_")
        and not (
            m.concept in WHO_TOPICS and s not in russians and (s in foreign or _near(naturalised, s, window))
        )
        and not (m.concept in LIFE_TOPICS and s in _chained(doc))
    ]


def _naturalised_sentences(doc: Analysis) -> set[int]:
    return {s for s, ms in doc.hits.get("statuses", {}).items() if any(m.concept == "naturalised_citizen" for m in ms)}


def near_topic_sentences(doc: Analysis, window: int) -> set[int]:
    """Sentences within `window` of a near-topic cue (a home country's call-up, a POW exchange,
    another war where no cue of the war against Ukraine is near)."""
    cued = {s for s, concept in near_topic_cues(doc, window) if concept in EXPLAINING_TOPICS}
    ukraine = ukraine_war_sentences(doc)
    other = _cue_sentences(doc, {OTHER_WAR})
    if len(other) > len(ukraine):
        # Another war is the subject: recruitment anywhere is for it, unless a Ukraine cue is near.
        return {s for s in range(len(doc.sentences)) if not _near(ukraine, s, window)} | {
            p for s in cued for p in range(s - window, s + window + 1)
        }
    cued |= {s for s in other if not _near(ukraine, s, window)}
    return {p for s in cued for p in range(s - window, s + window + 1)}


def russian_citizen_sentences(doc: Analysis) -> set[int]:
    """Sentences calling people Russian citizens ("Russian students", "россияне"), with no
    foreigner, foreign nationality or naturalisation in them ("Russian citizens of Uzbek origin")."""
    said = _cue_sentences(doc, {RUSSIAN_CITIZENS})
    if not said:
        return set()
    return said - _cue_sentences(doc, {"foreigner"}) - _foreign_people(doc) - _naturalised_sentences(doc)


def sentence_flags(doc: Analysis, window: int = 1) -> tuple[set[int], set[int]]:
    """Sentences about recruitment (not explained by a near topic), and sentences naming a foreign or
    imprisoned person (a student who is said to be Russian is not one)."""
    recruit = _sentences_with(doc, RECRUITMENT_SIGNS) - near_topic_sentences(doc, window)
    return recruit, _targets(doc)


def _target_sentences(doc: Analysis) -> set[int]:
    return _named_targets(doc) | _chained(doc)


def _named_targets(doc: Analysis) -> set[int]:
    """Sentences that say a person is foreign or imprisoned (before victim chains)."""
    return _memo(doc, "named_targets", _targets_named_in)


# The press of victims' own countries names its compatriots without saying whose citizens they are: in
# an Uzbek, Kyrgyz, Tajik or Kazakh report, a victim named in full with a Central Asian given name is a
# foreigner to Russia's army.
HOME_PRESS = {"uz", "ky", "tg", "kk"}


def _compatriots(doc: Analysis) -> set[int]:
    """Sentences naming a victim in full whose given name is Central Asian (given_names.yaml): Russian
    officials named in the same report (a deputy minister) are not compatriots."""
    if doc.lang not in HOME_PRESS:
        return set()
    local = gazetteer_given_names("central_asia")
    return {
        m.sentence for p in victims(doc)
        if len(p.parts) >= 2 and any(part.casefold() in local for part in p.parts)
        for m in p.mentions
    }


def _targets_named_in(doc: Analysis) -> set[int]:
    foreign = _sentences_with(doc, {("cues", "foreigner")}) | _foreign_people(doc) | _compatriots(doc)
    # Students are in scope as foreigners: in a text that names no foreigner they are the country's own.
    statuses = {
        s for s, ms in doc.hits.get("statuses", {}).items()
        if foreign or any(m.concept not in LOCAL_UNLESS_FOREIGN for m in ms)
    }
    return ((foreign | statuses) - russian_citizen_sentences(doc)) | _foreign_people(doc)


def _chained(doc: Analysis) -> set[int]:
    return _memo(doc, "chained", lambda d: _victim_chains(d, _named_targets(d)))


def _victim_chains(doc: Analysis, targets: set[int]) -> set[int]:
    """Every sentence naming a victim who is named once beside his nationality or status: "the
    Nepali, Mr Man Bahadur Tamang" at the top makes "Mr Tamang joined the Russian army" a sentence
    about a foreign person, however far below."""
    found: set[int] = set()
    for person in victims(doc):
        sentences = {m.sentence for m in person.mentions}
        if sentences & targets:
            found |= sentences
    return found


@cache
def _config() -> tuple[float, float, int, dict[str, float]]:
    """bias, threshold, window and weights of data/relevance.yaml, checked once."""
    config = extract_data("relevance.yaml")
    try:
        weights = {name: float(value) for name, value in config["weights"].items()}
        return float(config["bias"]), float(config["threshold"]), int(config.get("window", 1)), weights
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"relevance.yaml: every weight, the bias and the threshold must be numbers ({exc})") from exc


@cache
def _ukraine_side_nationalities() -> frozenset[str]:
    """Countries whose citizens in this war are near always volunteers for Ukraine (relevance.yaml)."""
    return frozenset(str(c) for c in extract_data("relevance.yaml").get("ukraine_side_nationalities") or ())


def western_share(doc: Analysis) -> float:
    """The share of the people described by nationality who are of a country whose citizens fight
    for Ukraine, not for Russia ("three Britons, a Croat and a Swede tried as mercenaries")."""
    mentions = _foreign_mentions(doc)
    if not mentions:
        return 0.0
    western = _ukraine_side_nationalities()
    return sum(1 for m in mentions if m.value in western) / len(mentions)


def _foreign_mentions(doc: Analysis):
    return _memo(doc, "foreign_mentions", nationality_mentions)


def score_relevance(doc: Analysis, published: dt.date | None = None) -> Relevance:
    """The relevance of an analysed text; `published`, when known, dates the story too."""
    bias, threshold, window, w = _config()
    recruit, target = sentence_flags(doc, window)
    linked_passages = [s for s in recruit if any(abs(s - t) <= window for t in target)]
    # "his son", "the man": a person near the recruitment, in a text that names foreigners elsewhere.
    persons = {
        s for s, ms in doc.hits.get("cues", {}).items()
        if any(m.concept == "victim_noun" and is_specific(doc, doc.tokens[m.last].text) for m in ms)
    }
    person_passages = [
        s for s in recruit if s not in linked_passages and any(abs(s - p) <= window for p in persons)
    ] if target else []
    linked = {p for s in linked_passages + person_passages for p in range(s - window, s + window + 1)}
    coercion = sum(
        len(doc.in_sentence("methods", s)) + sum(1 for m in doc.in_sentence("cues", s) if m.concept == "coercion")
        for s in linked
    )
    outcomes = sum(1 for s in linked for m in doc.in_sentence("outcomes", s) if m.concept in OUTCOME_SIGNS)
    cue_counts = Counter(concept for _, concept in near_topic_cues(doc, window))
    negative = sum(n for concept, n in cue_counts.items() if concept not in OWN_FEATURE_TOPICS)
    years = [int(y) for y in _YEAR.findall(doc.text)]
    ukraine_war = ukraine_war_sentences(doc)
    # Russia's war: war words, a PMC, the front, or the recruitment happening in Russia.
    war = bool(ukraine_war or _sentences_with(doc, WAR_SIGNS - {("cues", "war")})) or any(
        m.concept.startswith("UA-") or (m.concept.startswith("RU-") and doc.sentence_of(m.start) in linked)
        for m in doc.all_hits("regions")
    ) or any(
        m.concept == "RU" and m.entry.role == "name" and doc.sentence_of(m.start) in recruit
        for m in doc.all_hits("countries")
    )
    # People said to be Russian citizens, with no word of naturalisation: Russians' own mobilisation.
    naturalised = any(m.concept == "naturalised_citizen" for m in doc.all_hits("statuses"))
    russians = 0 if naturalised else len(russian_citizen_sentences(doc))
    # Another war (Syria, Libya, Africa) counts where it outweighs the war against Ukraine.
    other_wars = len(_cue_sentences(doc, {OTHER_WAR}))
    features = {
        "link": math.log1p(len(linked_passages)),
        # Presence as well as counts: a short report of one case has one passage, and it is enough.
        "any_link": 1.0 if linked_passages else 0.0,
        "pressed_link": 1.0 if linked_passages and coercion + outcomes else 0.0,
        # Counts grow with length; the share of sentences in such passages does not, so a short
        # report of one case is judged by what it says, not by its size.
        "link_share": len(linked) / max(1, len(doc.sentences)),
        "person_link": math.log1p(len(person_passages)),
        "coercion": math.log1p(coercion),
        "outcome": math.log1p(outcomes),
        "recruitment": math.log1p(len(recruit)),
        "target": math.log1p(len(target)),
        "headline": 1.0 if 0 in recruit and target & {0, 1} else 0.0,
        "negative": -math.log1p(negative),
        "russian_citizens": -math.log1p(russians),
        "no_war": -1.0 if not war else 0.0,
        "other_war": -max(0.0, math.log1p(other_wars) - math.log1p(len(ukraine_war))),
        "ukraine_side": -math.log1p(cue_counts[UKRAINE_SIDE]),
        "war": min(WAR_CAP, math.log1p(len(ukraine_war))),
        "ukraine_state": -math.log1p(cue_counts[UKRAINE_STATE]),
        "before_war": -1.0 if years and max(years) < WAR_YEAR else 0.0,
        "western": -western_share(doc),
    }
    missing = set(features) - set(w)
    if missing:
        raise DataError(f"relevance.yaml has no weight for {', '.join(sorted(missing))}")
    z = bias + sum(w[name] * value for name, value in features.items())
    score = 1.0 / (1.0 + math.exp(-z))
    if published is not None and published < WAR_START:
        # Published before the full-scale war began: whatever its words, the story is not about
        # recruitment for it (a 2014-2021 Donbas volunteer, migrants' pre-war troubles).
        score = min(score, PRE_WAR_CEILING)
    return Relevance(round(score, 4), score >= threshold, features)
