"""Relevance decides publication, not linkage: a screened-in report judged not relevant (or a
relevant one that gave no incident) joins the incident whose victim it is about, in either order of arrival, marked as a low-relevance link, and
never makes an incident of its own. The names it is kept by are sealed."""

from __future__ import annotations

import datetime as dt

import pytest

from recruitwatch.extract.pipeline import candidate_names, extract_text
from recruitwatch.ingest import LOW_RELEVANCE_REASON, Ingestor
from recruitwatch.link.names import name_match
from recruitwatch.sources.base import SourceItem

# Invented reports. The first tells what was done to the runner; the second, a union's question,
# is too thin to be judged relevant, but is about the same man.
INCIDENT = (
    "Kenyan runner forced to sign Russian army contract\n\n"
    "Joseph Mwangi, a 29-year-old Kenyan athlete, was invited to a race in Russia in March 2025. "
    "After he arrived in Moscow, recruiters took his passport and made him sign a contract with the "
    "Russian army, his brother said. Mwangi was sent to the front near Vovchansk two weeks later. "
    "Mwangi told his family by phone that he had been deceived."
)
QUESTION = (
    "Athletes' union asks about Joseph Mwangi\n\n"
    "The athletes' union in Nairobi asked the foreign ministry on Monday for news of Joseph Mwangi. "
    "Mwangi, who won a marathon in Eldoret last year, has not called his coach since spring. "
    "The union said Mwangi's family had heard he was with the army. The ministry did not reply."
)
OTHER = QUESTION.replace("Joseph Mwangi", "Peter Otieno").replace("Mwangi", "Otieno")


def _item(name: str, text: str) -> SourceItem:
    return SourceItem("jsonl", f"https://outlet.test/{name}", text.encode(), dt.datetime(2025, 5, 1, tzinfo=dt.UTC), text=text)


def _mentions(url: str) -> list[tuple[str, int, str]]:
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Document, Mention, Report

    with sessions(url)() as session:
        rows = session.query(Document.locator, Mention.incident_id, Mention.link_reason).join(
            Report, Report.document_id == Document.id).join(Mention, Mention.report_id == Report.id)
        return sorted((locator.rsplit("/", 1)[1], incident, reason) for locator, incident, reason in rows)


def test_the_reports_are_what_the_test_needs():
    assert extract_text(INCIDENT)["relevant"] and not extract_text(QUESTION)["relevant"]
    assert candidate_names(QUESTION, "en")[:2] == (("Joseph Mwangi",), True)


@pytest.mark.parametrize("order", [("incident", "question"), ("question", "incident")])
def test_a_report_not_judged_relevant_joins_its_victims_incident(db_url, order):
    texts = {"incident": INCIDENT, "question": QUESTION, "other": OTHER}
    Ingestor(db_url).run([_item(name, texts[name]) for name in (*order, "other")])
    found = _mentions(db_url)
    assert [name for name, _, _ in found] == ["incident", "question"]  # "other" names someone else
    (_, incident, _), (_, joined, reason) = found
    assert joined == incident and reason == LOW_RELEVANCE_REASON


def test_candidate_names_are_sealed(db_url):
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import CandidateVictim

    Ingestor(db_url).run([_item("question", QUESTION)])
    with sessions(db_url)() as session:
        rows = session.query(CandidateVictim).all()
    assert rows and all("Mwangi" not in r.name_enc and "mwangi" not in r.key.lower() for r in rows)
    assert _mentions(db_url) == []  # kept, but no incident is made from it


SECOND_QUESTION = (
    "Coach worried about Joseph Mwangi\n\n"
    "Joseph Mwangi's coach in Iten said on Tuesday that he had lost touch with the runner in April. "
    "Mwangi had told friends that he was offered work in Russia and that the army was mentioned. "
    "The coach has written to the foreign ministry about Mwangi."
)


def test_reports_not_judged_relevant_about_one_victim_make_an_unpublished_incident_together(db_url):
    from recruitwatch.ingest import LOW_RELEVANCE_GROUP_REASON
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident

    assert not extract_text(SECOND_QUESTION)["relevant"] and candidate_names(SECOND_QUESTION, "en")[:2] == (("Joseph Mwangi",), True)
    Ingestor(db_url).run([_item("question", QUESTION), _item("coach", SECOND_QUESTION), _item("other", OTHER)])
    found = _mentions(db_url)
    assert [(name, reason) for name, _, reason in found] == [
        ("coach", LOW_RELEVANCE_GROUP_REASON), ("question", LOW_RELEVANCE_GROUP_REASON)]
    with sessions(db_url)() as session:
        incident = session.get(Incident, found[0][1])
        assert incident.review_state == "machine"  # the staff's to judge; the public sees verified incidents only
        assert incident.fields["victim_names"] == ["Joseph Mwangi"]
    # The relevant report, arriving later, joins that incident and brings what happened.
    Ingestor(db_url).run([_item("incident", INCIDENT)])
    found = _mentions(db_url)
    assert len({incident for _, incident, _ in found}) == 1 and [n for n, _, _ in found] == ["coach", "incident", "question"]
    with sessions(db_url)() as session:
        assert "signed_contract" in session.get(Incident, found[0][1]).fields["outcomes"]


# A relevant piece on the trend: it tells of no one incident, but its people are the runner's family.
TREND = (
    "Kenyan families ask about relatives in the Russian army\n\n"
    "Families of Kenyans recruited into the Russian army met in Nairobi on Saturday. Recruiters usually "
    "promise such men jobs as guards and Russian citizenship, and many sign contracts they cannot read, "
    "activists said. The meeting was called by the family of Joseph Mwangi. Joseph Mwangi's brother told "
    "the meeting that the government must do more. The foreign ministry says about 200 Kenyans have been "
    "recruited this year."
)


def test_a_relevant_report_that_gave_no_incident_joins_the_incident_of_the_victim_it_names(db_url):
    record = extract_text(TREND)
    assert record["relevant"] and record["incidents"] == [] and candidate_names(TREND, "en")[:2] == (("Joseph Mwangi",), True)
    Ingestor(db_url).run([_item("trend", TREND), _item("incident", INCIDENT), _item("other", OTHER)])
    found = _mentions(db_url)
    assert [name for name, _, _ in found] == ["incident", "trend"]
    assert found[0][1] == found[1][1] and found[1][2] == LOW_RELEVANCE_REASON


# A report about two people named as often as each other: the runner, and the man who tells his story.
TOLD = (
    "Video: a story from Iten\n\n"
    "In a video on Sunday, Peter Otieno told his followers about Joseph Mwangi. Otieno, who runs a channel "
    "about athletics, said Mwangi went to Russia and has not called his coach since the army was mentioned. "
    "Mwangi won a marathon in Eldoret last year, Otieno said."
)


def test_a_report_equally_about_two_people_joins_the_known_victim_among_them_but_makes_no_incident(db_url):
    assert not extract_text(TOLD)["relevant"]
    assert candidate_names(TOLD, "en")[:2] == (("Peter Otieno", "Joseph Mwangi"), False)
    Ingestor(db_url).run([_item("told", TOLD)])
    assert _mentions(db_url) == []  # kept, but it names no main victim to make an incident of
    Ingestor(db_url).run([_item("incident", INCIDENT)])
    found = _mentions(db_url)
    assert [name for name, _, _ in found] == ["incident", "told"] and found[0][1] == found[1][1]


def test_a_source_joined_by_name_can_be_split_off_and_the_incident_keeps_what_its_reports_say(db_url):
    from recruitwatch.store import review
    from recruitwatch.store.database import sessions
    from recruitwatch.store.models import Incident, Mention

    Ingestor(db_url).run([_item("incident", INCIDENT), _item("question", QUESTION)])
    with sessions(db_url)() as session, session.begin():
        joined = session.query(Mention).filter(Mention.link_reason == LOW_RELEVANCE_REASON).one()
        incident_id = joined.incident_id
        new = review.split(session, incident_id, [joined.id], actor="ana", reason="another runner")
        assert new.fields["victim_names"] == []  # the question said nothing of an incident: nothing to rebuild
        assert "signed_contract" in session.get(Incident, incident_id).fields["outcomes"]


def test_a_candidate_is_named_in_its_dictionary_form_whatever_its_case():
    uzbek = ("Ўзбекистон фуқароси Бахтиёр Раҳимовнинг видеоси ижтимоий тармоқларда тарқалди. Видеода у Москвада "
             "тўрт йил қурилишда ишлаганини айтади. Бахтиёрнинг онаси ўғлини қайтаришни сўради.")
    assert candidate_names(uzbek, "uz")[:2] == (("Бахтиёр Раҳимов",), True)  # not "Раҳимовнинг", his genitive
    russian = "Задержанный Бахтиёр Рахимов рассказал о вербовке. Бахтиёром Рахимовым заинтересовались правозащитники."
    assert candidate_names(russian, "ru")[:2] == (("Бахтиёр Рахимов",), True)  # one man, not two tied spellings
    english = "Lagos's Chidi Okafor was recruited in Moscow, his cousin said. Chidi Okafor has not called since."
    assert name_match(list(candidate_names(english, "en").names), ["Chidi Okafor"]) == "full"  # the place is no name


# Another man of the same name: older, elsewhere, years earlier (ages apart: never one incident).
NAMESAKE = (
    "Kenyan truck driver detained in Novosibirsk signs army contract\n\n"
    "Joseph Mwangi, a 47-year-old Kenyan truck driver, was detained by police in Novosibirsk in October 2023 "
    "and made to sign a contract with the Russian army, his wife said. Mwangi was sent to the front in November."
)


@pytest.mark.parametrize("order", [("question", "incident", "namesake"), ("incident", "question", "namesake"),
                                   ("incident", "namesake", "question")])
def test_a_report_linked_by_name_alone_is_linked_only_while_one_incident_has_that_name(db_url, order):
    texts = {"incident": INCIDENT, "question": QUESTION, "namesake": NAMESAKE}
    for name in order:  # one run each: the order in which they arrive must not decide
        Ingestor(db_url).run([_item(name, texts[name])])
    found = _mentions(db_url)
    assert [name for name, _, _ in found] == ["incident", "namesake"] and found[0][1] != found[1][1]


AGED_QUESTION = QUESTION.replace("for news of Joseph Mwangi.", "for news of Joseph Mwangi, 29, a runner from Iten.")


@pytest.mark.parametrize("order", [("question", "incident", "namesake"), ("incident", "namesake", "question"),
                                   ("namesake", "question", "incident")])
def test_of_two_men_of_one_name_a_report_joins_the_one_whose_age_it_gives(db_url, order):
    assert candidate_names(AGED_QUESTION, "en").ages == (29,)
    texts = {"incident": INCIDENT, "question": AGED_QUESTION, "namesake": NAMESAKE}
    for name in order:
        Ingestor(db_url).run([_item(name, texts[name])])
    found = {name: incident for name, incident, _ in _mentions(db_url)}
    assert found["question"] == found["incident"] != found["namesake"]


# A given name with the age in brackets is how the Indian and Nepali press write a person; in a
# script without capitals it is the one sign that a word names someone. Invented reports.
RAHUL = (
    "Kerala man killed at the front after recruiters promised him a job\n\n"
    "Rahul Menon, 34, from Kottayam, went to Russia in April 2024 after an agency promised him work in a "
    "restaurant. He was made to sign a contract with the Russian army and sent to the front, where he was "
    "killed in a drone strike, his family said."
)
RAHUL_OTHER = RAHUL.replace("Rahul Menon", "Rahul Nair").replace("Kottayam", "Kollam")
MALAYALAM = (
    "റഷ്യൻ സൈന്യത്തിൽ ചേർക്കപ്പെട്ട കോട്ടയം സ്വദേശി രാഹുൽ (34) യുദ്ധത്തിൽ കൊല്ലപ്പെട്ടു. "
    "കുടുംബം എംബസിയെ സമീപിച്ചു. മൃതദേഹം നാട്ടിലെത്തിക്കാനുള്ള ശ്രമം തുടരുന്നു."
)


def test_a_caseless_report_offers_the_words_before_an_age_in_brackets():
    from recruitwatch.link.identity import aged_words, parse_aged

    found = candidate_names(MALAYALAM, "ml").aged
    assert "രാഹുൽ (34)" in found and parse_aged("രാഹുൽ (34)") == ("രാഹുൽ", 34)
    assert aged_words("രാഹുൽ (3) അല്ല (120)") == []  # not an age a recruit can have
    assert candidate_names(RAHUL, "en").aged == ()  # capitals name people where there are capitals


def _report_joins(db_url, texts: dict[str, str], order) -> str:
    """Ingest the texts in this order; the reason the report joined the incident text's incident (it must have joined it)."""
    Ingestor(db_url).run([_item(name, texts[name]) for name in order])
    found = {name: (incident, reason) for name, incident, reason in _mentions(db_url)}
    assert found["report"][0] == found["incident"][0]
    return found["report"][1]


@pytest.mark.parametrize("order", [("incident", "report"), ("report", "incident")])
def test_a_caseless_report_joins_the_victim_of_its_given_name_and_age(db_url, order):
    from recruitwatch.ingest import LOW_RELEVANCE_AGED_REASON

    assert _report_joins(db_url, {"incident": RAHUL, "report": MALAYALAM}, order) == LOW_RELEVANCE_AGED_REASON


def test_another_age_is_another_man(db_url):
    Ingestor(db_url).run([_item("incident", RAHUL), _item("report", MALAYALAM.replace("(34)", "(41)"))])
    assert [name for name, _, _ in _mentions(db_url)] == ["incident"]


@pytest.mark.parametrize("order", [("incident", "report", "other"), ("incident", "other", "report")])
def test_a_given_name_and_age_two_victims_share_joins_neither(db_url, order):
    texts = {"incident": RAHUL, "other": RAHUL_OTHER, "report": MALAYALAM}
    Ingestor(db_url).run([_item(name, texts[name]) for name in order])
    assert "report" not in [name for name, _, _ in _mentions(db_url)]


# "A native of Kottayam, Rahul": in a caseless script the word after such a marker is a given name,
# which joins the known victim of that name whose home locality the report also gives.
MALAYALAM_NATIVE = (
    "റഷ്യൻ സൈന്യത്തിനുവേണ്ടി യുദ്ധം ചെയ്ത കോട്ടയം സ്വദേശിയായ രാഹുൽ കൊല്ലപ്പെട്ടതായി എംബസി അറിയിച്ചു. "
    "മൃതദേഹം നാട്ടിലെത്തിക്കാനുള്ള ശ്രമം തുടരുന്നു."
)


def test_a_caseless_report_offers_the_word_after_a_native_of_marker():
    assert "രാഹുൽ (native)" in candidate_names(MALAYALAM_NATIVE, "ml").native


@pytest.mark.parametrize("order", [("incident", "report"), ("report", "incident")])
def test_a_caseless_report_joins_the_victim_of_its_given_name_and_home(db_url, order):
    from recruitwatch.ingest import LOW_RELEVANCE_NATIVE_REASON

    assert _report_joins(db_url, {"incident": RAHUL, "report": MALAYALAM_NATIVE}, order) == LOW_RELEVANCE_NATIVE_REASON


def test_a_native_of_another_place_or_only_of_the_same_state_is_another_man(db_url):
    from recruitwatch.link.identity import corroborated_home

    elsewhere = MALAYALAM_NATIVE.replace("കോട്ടയം", "കൊല്ലം")  # Kollam, not Kottayam
    Ingestor(db_url).run([_item("incident", RAHUL), _item("report", elsewhere)])
    assert [name for name, _, _ in _mentions(db_url)] == ["incident"]
    # A state names millions: "Kerala" alone never corroborates a home.
    assert not corroborated_home("കേരള സ്വദേശിയായ രാഹുൽ", [{"home_locality": "Kerala"}])
    assert corroborated_home("കോട്ടയം സ്വദേശിയായ രാഹുൽ", [{"home_locality": "Kottayam, Kerala"}])


# "A native of Kottayam, Rahul Nair": the given name and home point at Rahul Menon of Kottayam, but
# the full name is Rahul Nair's. Once an incident of that full name is known, the report is his,
# whichever came first.
MALAYALAM_NATIVE_FULL = MALAYALAM_NATIVE.replace("രാഹുൽ", "രാഹുൽ നായർ")
RAHUL_NAIR = RAHUL.replace("Rahul Menon", "Rahul Nair")


@pytest.mark.parametrize("order", [("menon", "report", "nair"), ("menon", "nair", "report"), ("report", "menon", "nair")])
def test_a_full_name_outweighs_a_given_name_and_home(db_url, order):
    texts = {"menon": RAHUL, "nair": RAHUL_NAIR, "report": MALAYALAM_NATIVE_FULL}
    Ingestor(db_url).run([_item(name, texts[name]) for name in order])
    found = {name: (incident, reason) for name, incident, reason in _mentions(db_url)}
    assert found["menon"][0] != found["nair"][0]
    assert found["report"] == (found["nair"][0], LOW_RELEVANCE_REASON)


# "A native of Kottayam, Mohammed Aslam": Mohammed tells no one apart (identity.yaml
# uninformative_given); the word after it is the one the report offers, so it does not join the
# incident of another Mohammed of Kottayam.
MALAYALAM_NATIVE_MOHAMMED = MALAYALAM_NATIVE.replace("രാഹുൽ", "മുഹമ്മദ് അസ്‌ലം")
MOHAMMED_RAFIQ = RAHUL.replace("Rahul Menon", "Mohammed Rafiq")


def test_a_common_given_name_and_a_home_town_join_no_other_man_of_that_name(db_url):
    assert "അസ്‌ലം (native)" in candidate_names(MALAYALAM_NATIVE_MOHAMMED, "ml").native
    Ingestor(db_url).run([_item("incident", MOHAMMED_RAFIQ), _item("report", MALAYALAM_NATIVE_MOHAMMED)])
    assert [name for name, _, _ in _mentions(db_url)] == ["incident"]
