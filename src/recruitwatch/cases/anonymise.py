"""What of an appeal may reach the statistics: the closed answers, mapped to contract fields, and the month.

An appeal holds a story, perhaps a name and a contact; none of that ever
leaves the case. With the person's consent, a caseworker may link the case
to a published incident, and then only `anonymised_fields` is suggested for
the incident, to be accepted or dismissed by an analyst: values from closed
lists (nationality, citizenship, situation) turned into the extraction
contract's vocabulary, and the month the appeal came in. No name, no
contact, no free text, no day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .workflow import CaseError

# The questionnaire's closed answers (the same values as the public help pages).
NATIONALITIES = ("UZ", "TJ", "KG", "KZ", "other")
CITIZENSHIP = ("yes", "no", "unknown")
SITUATIONS = (
    "summons",
    "police_pressure_contract",
    "relative_prisoner_pressed",
    "relative_sent_to_front",
    "signed_want_out",
    "other",
)
QUESTIONS = {"nationality": NATIONALITIES, "citizen": CITIZENSHIP, "situation": SITUATIONS}

# Russian citizenship answered: yes → naturalised (a Central Asian national with a Russian
# passport); no → migrant worker, the contract's category for foreign nationals in Russia.
_STATUS_BY_CITIZENSHIP = {"yes": "naturalised_citizen", "no": "migrant_worker"}
_FIELDS_BY_SITUATION: dict[str, dict] = {
    "summons": {"perpetrators": ["enlistment_office"], "methods": ["summons"]},
    "police_pressure_contract": {"perpetrators": ["police"], "methods": ["threat"]},
    "relative_prisoner_pressed": {"victim_status": "prisoner"},  # wins over the citizenship answer
    "relative_sent_to_front": {"outcomes": ["deployed"]},
    "signed_want_out": {"outcomes": ["signed_contract"]},
    "other": {},
}


def clean_answers(raw: Mapping[str, object]) -> dict[str, str]:
    """Only the known questions, only their listed values; unanswered ones are left out."""
    answers = {}
    for question, allowed in QUESTIONS.items():
        value = raw.get(question)
        if value in (None, ""):
            continue
        if value not in allowed:
            raise CaseError(f"{question} must be one of {', '.join(allowed)} (got {str(value)[:40]!r})", key="bad_answer")
        answers[question] = value
    return answers


def anonymised_fields(case) -> dict:
    """The contract fields an appeal may suggest for an incident, from `case.answers` and `case.created_at` only.

    Answers are re-checked against the closed lists, so even a tampered row
    cannot carry free text into the statistics.
    """
    answers = clean_answers({k: v for k, v in (case.answers or {}).items() if k in QUESTIONS and v in QUESTIONS[k]})
    fields: dict = {}
    nationality = answers.get("nationality")
    if nationality and nationality != "other":
        fields["victim_nationalities"] = [nationality]
    status = _STATUS_BY_CITIZENSHIP.get(answers.get("citizen", ""))
    if status:
        fields["victim_status"] = status
    for field, value in _FIELDS_BY_SITUATION.get(answers.get("situation", ""), {}).items():
        fields[field] = value if isinstance(value, str) else list(value)
    month = reported_month(case.created_at)
    if month:
        fields["reported_month"] = month
    return fields


def reported_month(when: dt.date | dt.datetime | None) -> str | None:
    """The date coarsened to its month (YYYY-MM): the day could help tell who wrote."""
    return f"{when.year:04d}-{when.month:02d}" if when else None

