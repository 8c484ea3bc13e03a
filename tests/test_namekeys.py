"""Names across scripts and spellings: the words that decide whether two reports are about one person.

Every name here is invented for the test (none comes from a corpus)."""

from __future__ import annotations

import pytest

from recruitwatch.link.identity import leading_names, main_victim, pair_keys
from recruitwatch.link.names import common_name, name_match
from recruitwatch.text.namekeys import compare_names, parse_name


@pytest.mark.parametrize(
    "a,b",
    [
        ("Suresh Kumar", "सुरेश कुमार"),  # Devanagari
        ("Suresh Kumar", "സുരേഷ് കുമാർ"),  # Malayalam: no written inherent vowel
        ("Anand Chandran", "आनंद चंद्रन"),  # the anusvara, which anyascii writes m
        ("Gurpreet Singh", "गुरप्रीत सिंह"),
        ("Manish Kumar", "मनीश कुमार"),  # m and n of two syllables, not an anusvara before n
        ("Manpreet Kaur", "मनप्रीत कौर"),  # an unwritten a between m and n
        ("Harjit Singh", "ਹਰਜੀਤ ਸਿੰਘ"),  # Gurmukhi: the last consonant said without its a
        ("Azam Qureshi", "आजम कुरैशी"),  # Hindi's ज for z
        ("Azam Qureshi", "आज़म कुरैशी"),  # ज़ with the nukta
        ("Jasur Ergashev", "Jasurbek Ergashev"),  # a given name's ending of respect, dropped elsewhere
        ("Akbar Rahimov", "Акбаржон Рахимов"),  # ... or of endearment, in another script
        ("Tursun Aliyev", "Турсунбой Алиев"),
        ("Yusup Karimov", "Юсуф Каримов"),  # a Turkic p for the f of Russian and Arabic spellings
        ("Bakhtiyor Rahimov", "Бахтиёр Рахимов"),
        ("Bakhtiyor Rahimov", "Baxtiyor Rahimov"),  # Uzbek x for kh
        ("Rahimov Bakhtiyor", "Bakhtiyor Rahimov"),  # word order is free
        ("B. Rahimov", "Bakhtiyor Rahimov"),  # an initial
        ("Ernesto Valcárcel", "Ernesto Valcarsel"),  # one consonant apart, spelt alike
        ("Joseph Mwangi", "Джозеф Мванги"),
        ("Mukhammad Kurbanov", "Muhammad Qurbonov"),  # vowels of two romanisations
        ("Mohd Sufiyan", "Mohammed Sufiyan"),  # a given name written short
        ("Md Hossain", "Muhammad Hossain"),
        ("Mohd Imran", "मोहम्मद इमरान"),
    ],
)
def test_one_person_in_two_scripts_or_spellings(a, b):
    assert compare_names(parse_name(a), parse_name(b)).level == "full"
    assert name_match([a], [b]) == "full"


@pytest.mark.parametrize(
    "a,b",
    [
        ("Manpreet Kaur", "Harpreet Kaur"),  # sisters: one word agrees, the other differs
        ("Dilshod Nazarov", "Dilshod Nazarbayev"),  # similar consonants, another surname
        ("Dilshod Mirzoev", "Dilshod Mirziyoyev"),
        ("Suresh Kumar", "Ramesh Pillai"),
        ("Jasur Kumar", "Sabir Kumar"),  # a Latin j is no z
        ("Ali Karimov", "Alibek Karimov"),  # a stem this short is a name of its own
        ("Jasur Ergashev", "Jasurbek Ergashboyev"),  # the ending is a given name's, not a surname's
        ("Nasir Sufiyan", "Nasir Asfan"),  # one skeleton (s-f-n), the vowels elsewhere
        ("नासिर सूफियान", "Nasir Asfan"),  # ... in a script that writes all vowels but a
    ],
)
def test_two_people_are_not_one(a, b):
    assert name_match([a], [b]) == "different"


def test_a_lone_surname_beside_a_full_name_decides_nothing():
    assert name_match(["Rahimov"], ["Bakhtiyor Rahimov"]) is None  # a clipped surname, or his brother
    assert name_match(["Bakhtiyor"], ["Bakhtiyor Rahimov"]) == "given"


def test_names_made_of_common_given_names_are_common():
    assert common_name("Yusuf Karimov") and common_name("Юсуф Каримов")
    assert not common_name("Ernesto Valcarsel Mwangi")


def test_pair_keys_meet_across_scripts_and_order():
    assert pair_keys("Suresh Kumar") & pair_keys("सुरेश कुमार")
    assert pair_keys("Manpreet Kaur") & pair_keys("मनप्रीत कौर")
    assert pair_keys("Azam Qureshi") & pair_keys("आजम कुरैशी")
    assert pair_keys("Jasur Ergashev") & pair_keys("Жасурбек Эргашев")
    assert pair_keys("Kumar Suresh") == pair_keys("Suresh Kumar")
    assert not pair_keys("Suresh")  # one word keys nothing


def test_an_initialled_name_shares_a_key_with_the_full_name_in_any_script():
    assert pair_keys("B. Rahimov") & pair_keys("Bakhtiyor Rahimov")
    assert pair_keys("Б. Рахимов") & pair_keys("Bakhtiyor Rahimov")
    assert pair_keys("Rajesh T.B.") & pair_keys("Rajesh Babu")  # initials written together
    assert not pair_keys("B. Rahimov") & pair_keys("Dilshod Rahimov")
    assert not pair_keys("Bakhtiyor Rahimov", initials=False) & pair_keys("B. Rahimov")


def test_initials_written_together_are_initials():
    assert name_match(["Rajesh T.B."], ["Rajesh Babu"]) == "full"
    assert [w.initial for w in parse_name("A.K. Karimov").words] == [True, True, False]


def test_the_main_victim_is_the_name_a_report_is_most_about():
    mentions = [("Joseph Mwangi", 0), ("Mwangi", 2), ("Peter Otieno", 3), ("Mwangi", 4), ("Mwangi", 6)]
    assert main_victim(mentions) == "Joseph Mwangi"


def test_two_people_named_as_often_give_no_main_victim():
    assert main_victim([("Joseph Mwangi", 3), ("Peter Otieno", 4)]) is None
    assert main_victim([("Mwangi", 0), ("Mwangi", 1)]) is None  # no full name to stand for


def test_people_named_as_often_may_each_be_whom_the_report_is_about_but_none_is_its_main_victim():
    assert leading_names([("Joseph Mwangi", 3), ("Peter Otieno", 4)])[:2] == (("Joseph Mwangi", "Peter Otieno"), False)
    assert leading_names([("Joseph Mwangi", 3), ("Mwangi", 5), ("Peter Otieno", 4)])[:2] == (("Joseph Mwangi",), True)
    roll = [("Joseph Mwangi", 3), ("Peter Otieno", 4), ("Samuel Kiprop", 5), ("David Wanjala", 6)]
    assert leading_names(roll)[:2] == ((), False)  # a roll of names is about no one of them


def test_the_headline_counts_double():
    assert main_victim([("Peter Otieno", 0), ("Joseph Mwangi", 5), ("Mwangi", 6)]) is None
    assert main_victim([("Peter Otieno", 0), ("Otieno", 1), ("Joseph Mwangi", 5), ("Mwangi", 6)]) == "Peter Otieno"


def test_a_word_written_twice_is_no_person():
    assert main_victim([("Би Би", 5), ("Джозеф Мванги", 7)]) == "Джозеф Мванги"  # "Би Би Си": the BBC


def test_a_case_ending_joined_to_a_name_in_a_caseless_script_comes_off():
    from recruitwatch.link.identity import word_pairs

    pairs = word_pairs("હરિયાણાના સુરેશ કુમારનું મૃત્યુ થયું")  # Gujarati: "Suresh Kumar's death"
    assert any(name_match([p], ["Suresh Kumar"]) == "full" for p in pairs)
    assert "સુરેશ કુમાર" in pairs


def test_a_possessor_is_not_part_of_the_name():
    assert [w.text for w in parse_name("Amritsar’s Gurdeep").words] == ["gurdeep"]
    assert [w.text for w in parse_name("Suresh Kumar's").words] == ["suresh", "kumar"]


def test_a_report_corroborates_a_victim_by_his_age_or_home_locality_in_any_script():
    from recruitwatch.link.identity import corroborated

    details = [{"age": 52, "home_locality": "Термеза"}]
    assert corroborated("A 52-year-old man from Bukhara", {52}, details)  # the age the report gives him
    assert corroborated("Surxondaryo viloyatining Termiz shahridan", set(), details)  # Termiz = Термеза
    assert not corroborated("A 38-year-old man from Bukhara", {38}, details)
    assert not corroborated("Termiz", set(), [{"age": 30}])  # nothing of his to meet


def test_an_initial_glued_to_the_surname_is_its_own_word():
    assert [w.text for w in parse_name("Sh.Qodirov").words] == ["sh", "qodirov"]
    assert [w.initial for w in parse_name("А.А.Петров").words] == [True, True, False]
