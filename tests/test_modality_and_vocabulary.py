"""What did not happen gives no outcome; what did happen is found in every common phrasing.

Conditions, attempts, intents and fears take an outcome out of fact while the
method (the promise, the threat, the attempt to force) stands. Russian verbs
of either aspect meet one lexicon form; Kazakh, Kyrgyz and Uzbek forms and
entailments ("killed at the front" is also "deployed") widen recall.
Sentences are paraphrased patterns, not corpus text.
"""

from __future__ import annotations

import pytest

from recruitwatch.extract.analysis import analyse
from recruitwatch.text.keys import keyer


def found(text: str, lang: str, group: str) -> set[str]:
    return {m.concept for m in analyse(text, lang).all_hits(group)}


@pytest.mark.parametrize(
    "text,lang",
    [
        ("If he signed a contract, he was promised a Russian passport within a year.", "en"),
        ("Если ты подписал контракт, тебе обещают российское гражданство.", "ru"),
    ],
)
def test_a_promise_on_condition_is_a_method_not_a_signature(text, lang):
    assert "citizenship_promise" in found(text, lang, "methods")
    assert "signed_contract" not in found(text, lang, "outcomes")


@pytest.mark.parametrize(
    "text,lang,absent",
    [
        ("His relatives fear he was sent to the front by Wagner.", "en", "deployed"),
        ("Родные опасаются, что его отправили на фронт.", "ru", "deployed"),
        ("The officers tried to have him sent to the front.", "en", "deployed"),
        ("Вербовщики пытались добиться, чтобы он подписал контракт.", "ru", "signed_contract"),
        ("They warned that he would be sent to the front.", "en", "deployed"),
        ("Agar Rossiya armiyasiga qo'shilsa, unga katta pul to'lashadi.", "uz", "signed_contract"),
        ("Эгер армияга кошулса, ага акча төлөшөт.", "ky", "signed_contract"),
        ("He is now homeless in Greece and unable to return home.", "en", "returned_home"),
        ("Сбежать из части было невозможно.", "ru", "escaped"),
        ("Uyga qaytishni istamayotganini aytdi.", "uz", "returned_home"),
    ],
)
def test_conditions_attempts_and_fears_give_no_outcome(text, lang, absent):
    assert absent not in found(text, lang, "outcomes")


@pytest.mark.parametrize(
    "text,lang,present",
    [
        ("He was sent to the front.", "en", "deployed"),
        ("Его отправили на фронт.", "ru", "deployed"),
        ("U Rossiya armiyasiga qo'shilgan.", "uz", "signed_contract"),
        ("Ал армияга кошулду.", "ky", "signed_contract"),
    ],
)
def test_the_same_events_stated_as_facts_are_found(text, lang, present):
    assert present in found(text, lang, "outcomes")


def test_a_fear_does_not_make_a_company_the_perpetrator():
    assert "pmc" not in found("His family fears he was put into Wagner.", "en", "perpetrators")
    assert "pmc" in found("He was put into Wagner by the colony staff.", "en", "perpetrators")


def test_an_attempt_to_force_keeps_the_method_and_drops_the_outcome():
    text = "Police officers beat him and tried to make him put his signature on a contract."
    assert "physical_violence" in found(text, "en", "methods")
    assert "signed_contract" not in found(text, "en", "outcomes")


def test_refused_then_signed_keeps_both():
    outcomes = found("At first he refused, but after a week of beatings he signed the contract.", "en", "outcomes")
    assert {"refused", "signed_contract"} <= outcomes


def test_refusal_then_deportation_is_not_deployment():
    outcomes = found("Он ехать воевать отказался и был депортирован на родину.", "ru", "outcomes")
    assert {"refused", "returned_home"} <= outcomes
    assert "deployed" not in outcomes


def test_russian_aspect_pairs_share_one_key():
    key = keyer("ru").key
    assert key("подписывали") == key("подписать") == key("подписал")
    assert key("отправляли") == key("отправить")
    assert key("освобождают") == key("освободить")


@pytest.mark.parametrize(
    "text",
    [
        "Три года он отказывался подписывать контракт.",
        "Он трижды отказывался подписать контракт.",
    ],
)
def test_refusal_is_found_with_either_aspect(text):
    assert "refused" in found(text, "ru", "outcomes")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Заключённых избиениями заставляли подписывать контракты с Минобороны.", "ru"),
        ("He enlisted in the Russian army three months ago.", "en"),
        ("Signing the contract was our only option, he said.", "en"),
        ("The police handed them to officers who made us put our signatures on documents.", "en"),
        ("Ол Вагнер сапына қосылып, келісімшартқа қол қойды.", "kk"),
    ],
)
def test_signing_in_common_phrasings(text, lang):
    assert "signed_contract" in found(text, lang, "outcomes")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("The recruiters made them fight in Ukraine's war.", "en"),
        ("He is now serving in the Russian army near Donetsk.", "en"),
        ("Их бросили в бой под Бахмутом.", "ru"),
        ("Қазақ жігіті Вагнер сапында соғысқа аттанды.", "kk"),
        ("Мен армияга кетип жатам, согушка жөнөтүштү.", "ky"),
        ("Былтыр жайында ал макул болуп, Украинага каршы согушка жөнөгөн.", "ky"),
    ],
)
def test_deployment_in_common_phrasings(text, lang):
    assert "deployed" in found(text, lang, "outcomes")


def test_killed_or_wounded_at_the_front_entails_deployed():
    assert {"killed", "deployed"} <= found("He was killed by a drone near Bakhmut.", "en", "outcomes")
    assert {"injured", "deployed"} <= found("Он был ранен на фронте под Покровском.", "ru", "outcomes")
    # dying in a colony is not a deployment
    assert "deployed" not in found("He died in a penal colony in Mordovia.", "en", "outcomes")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("The three men were rescued by their embassy and flew home.", "en"),
        ("Элчилик кызматкерлери келип, аны алып чыгып кетишти.", "ky"),
        ("Вскоре он вышел на свободу.", "ru"),
    ],
)
def test_release_in_common_phrasings(text, lang):
    assert "released" in found(text, lang, "outcomes")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("After he was wounded he fled from the hospital and made his way home.", "en"),
        ("После ранения он сбежал из госпиталя.", "ru"),
        ("Жарадар болгондон кийин госпиталдан качкан.", "ky"),
        ("Yaralangach, u gospitaldan qochib ketdi.", "uz"),
    ],
)
def test_fleeing_from_the_hospital_is_escape(text, lang):
    assert "escaped" in found(text, lang, "outcomes")


def test_a_promised_release_is_not_a_release():
    assert "released" not in found("He was promised he would be released after six months at the front.", "en", "outcomes")
    assert "released" in found("He was released after six months at the front.", "en", "outcomes")


@pytest.mark.parametrize(
    "text,lang,perpetrator",
    [
        ("Russian army recruiters approached the students at the hostel.", "en", "military"),
        ("Representatives of the Russian Defense Ministry officials visited the colony.", "en", "military"),
        ("Ол әскери комиссариатқа шақырылды.", "kk", "enlistment_office"),
        ("Ресейдегі полиция оны ұстады.", "kk", "police"),
        ("Ага агент Москвадан жумуш убада кылган.", "ky", "employer"),
    ],
)
def test_perpetrators_in_common_phrasings(text, lang, perpetrator):
    assert perpetrator in found(text, lang, "perpetrators")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Ал Cabar.Asia агенттигине аскер комиссариатына чакырып жатканын айтып берген.", "ky"),
        ("Tashqi mehnat migratsiyasi agentligi muhojirlarni ogohlantirdi.", "uz"),
        ("He told a news agency that he had been sent to the front.", "en"),
    ],
)
def test_an_agency_that_reports_or_governs_migration_is_no_employer(text, lang):
    assert "employer" not in found(text, lang, "perpetrators")


def test_refusing_to_comment_is_not_a_refusal():
    assert "refused" not in found("The ministry refused to comment on the case.", "en", "outcomes")
    assert "refused" not in found("В Минобороны отказались от комментариев.", "ru", "outcomes")


@pytest.mark.parametrize(
    "text,lang,absent",
    [
        ("So far he has escaped being sent to fight in Ukraine.", "en", "deployed"),
        ("He fled poverty at home and ended up at the front.", "en", "escaped"),
        ("Он бежал от нищеты в Россию и попал на фронт.", "ru", "escaped"),
        ("Perhaps he was taken prisoner near Kupiansk.", "en", "captured"),
        ("Балким, ал туткунда жүргөндүр.", "ky", "captured"),
        ("Согушка кетүү үчүн келишти.", "ky", "deployed"),
        ("Ба онҳо якумрӣ депорт шудан ваъда медиҳад.", "tg", "returned_home"),
        ("Yigit O‘zbekiston hukumatidan mamlakatga qaytishda yordam so‘ragan.", "uz", "returned_home"),
        ("He asked for help to return home to Nepal.", "en", "returned_home"),
        ("Мать просит помочь ему вернуться домой.", "ru", "returned_home"),
        ("Ал Кыргызстанга кайтып келүүгө жардам сурады.", "ky", "returned_home"),
    ],
)
def test_avoided_guessed_or_unrealised_events_give_no_outcome(text, lang, absent):
    assert absent not in found(text, lang, "outcomes")


def test_avoiding_deportation_still_names_the_threat():
    text = "To avoid deportation, he was told to sign a contract with the army."
    assert "deportation_threat" in found(text, "en", "methods")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Kenyan police said that eight men had died in the war.", "en"),
        ("According to the police, the agent promised jobs in Russia.", "en"),
        ("Biroq xavfsizlik va omon qolish uchun kurash boshlandi.", "uz"),
        ("Родные обратились в полицию, когда он пропал на фронте.", "ru"),
        ("По данным МВД Узбекистана, он вернулся домой.", "ru"),
        ("O‘zbekiston Davlat xavfsizlik xizmati uning halok bo‘lgani haqida xabar bergan edi.", "uz"),
    ],
)
def test_police_as_a_source_or_of_the_home_country_is_not_a_perpetrator(text, lang):
    assert "police" not in found(text, lang, "perpetrators")


def test_police_acting_in_russia_are_a_perpetrator():
    assert "police" in found("Police in Kazan detained him at a market.", "en", "perpetrators")


def test_money_troubles_are_not_a_payment_promise():
    assert "payment_promise" not in found(
        "Money problems forced him to sign a contract with the army.", "en", "methods"
    )


@pytest.mark.parametrize(
    "text,lang,absent",
    [
        ("Anyone who signs will almost surely end up on the frontlines.", "en", "deployed"),
        ("Участие в вооружённом конфликте наказывается лишением свободы до десяти лет.", "ru",
         "prosecuted_at_home"),
        ("Chet davlat qurolli mojarosida qatnashish besh yildan o'n yilgacha ozodlikdan mahrum qilish bilan jazolanadi.", "uz",
         "prosecuted_at_home"),
    ],
)
def test_futures_and_a_laws_general_rule_are_no_event(text, lang, absent):
    assert absent not in found(text, lang, "outcomes")


def test_a_sentence_passed_is_an_event():
    text = "Суд в Ташкенте приговорил его к пяти годам лишения свободы за участие в вооружённом конфликте."
    assert "prosecuted_at_home" in found(text, "ru", "outcomes")


def test_a_threatened_prison_is_not_the_victims_status():
    assert "prisoner" not in found("Ему пригрозили тюрьмой, если он не подпишет контракт.", "ru", "statuses")
    assert "prisoner" in found("Он отбывал срок в тюрьме в Уфе.", "ru", "statuses")


@pytest.mark.parametrize(
    "text,lang,method",
    [
        ("Подпишешь контракт — уголовное дело закроем.", "ru", "criminal_case_threat"),
        ("Kontrakt imzolamasang, oilang bilan O'zbekistonga haydab yuboramiz.", "uz", "deportation_threat"),
        ("Mahkumlarga urushga borsa, olti oydan keyin ozodlik va'da qilishdi.", "uz", "sentence_reduction"),
        ("He was told he would be sent back to Afghanistan unless he signed a contract.", "en",
         "deportation_threat"),
        ("Болбосо жарандыгымды алып коебуз дешти.", "ky", "citizenship_revocation_threat"),
    ],
)
def test_threats_and_promises_in_common_phrasings(text, lang, method):
    assert method in found(text, lang, "methods")


def test_against_his_will_is_no_future():
    assert "deployed" in found("Against his will he was sent to the front near Kupiansk.", "en", "outcomes")
    assert "deployed" not in found("He will be sent to the front near Kupiansk.", "en", "outcomes")


@pytest.mark.parametrize(
    "text,lang",
    [
        ("U Rossiya armiyasiga qo'shilmoqchi edi.", "uz"),
        ("Ал армияга кошулмакчы болгон.", "ky"),
    ],
)
def test_an_intended_deed_is_no_outcome(text, lang):
    assert "signed_contract" not in found(text, lang, "outcomes")


@pytest.mark.parametrize(
    "text,lang,status",
    [
        ("He flew to Moscow, convinced that well-paid work was waiting for him as a driver.", "en", "migrant_worker"),
        ("Kenyans lured to Russia by job offers end up fighting in Ukraine.", "en", "migrant_worker"),
        ("A Ghanaian who went to Moscow to study ended up in the army.", "en", "student"),
        ("Он приехал в Россию в поисках работы.", "ru", "migrant_worker"),
        ("Он уехал в Россию на учёбу.", "ru", "student"),
    ],
)
def test_a_job_seeker_and_a_student_are_told_by_what_they_came_for(text, lang, status):
    assert status in found(text, lang, "statuses")


@pytest.mark.parametrize(
    "text,lang,regions",
    [
        ("Мага көп айтышты, анан сабап башташты.", "ky", set()),  # "to me", keyed like Магадан
        ("Ал Магаданга жөнөтүлгөн.", "ky", {"RU-MAG"}),
        ("Ал Москвада кармалган.", "ky", {"RU-MOW"}),
    ],
)
def test_a_word_that_only_shares_a_place_names_key_is_not_that_place(text, lang, regions):
    assert found(text, lang, "regions") == regions


@pytest.mark.parametrize(
    "text,lang,prisoner",
    [
        ("A garrison court sentenced the deserter to five years in a general regime penal colony.", "en", False),
        ("He was serving a sentence in a penal colony when Wagner recruiters came.", "en", True),
        ("Суд приговорил дезертира к пяти годам колонии общего режима.", "ru", False),
        ("Он отбывал срок в колонии строгого режима, когда пришли вербовщики.", "ru", True),
        ("Sud uni 5 yilga ozodlikdan mahrum qildi.", "uz", False),
    ],
)
def test_a_sentence_passed_is_no_prison_the_man_was_recruited_from(text, lang, prisoner):
    assert ("prisoner" in found(text, lang, "statuses")) == prisoner


@pytest.mark.parametrize(
    "text,regions",
    [
        ("Мигрантов привезли в актовый зал тюменского отделения полиции.", {"RU-TYU"}),
        ("Полиция провела рейд в подмосковных Котельниках.", {"RU-MOS"}),
        ("Петербургские полицейские выдали им повестки.", {"RU-SPE"}),
    ],
)
def test_a_russian_city_adjective_names_its_region(text, regions):
    assert found(text, "ru", "regions") >= regions


@pytest.mark.parametrize("lang, text", [
    ("en", "Anil Kumar, an Indian helper, was killed in a missile strike near Kharkiv."),
    ("ru", "Гражданин Индии Анил Кумар погиб при ракетном ударе под Харьковом."),
])
def test_a_death_in_a_missile_strike_is_a_death_in_the_war(lang, text):
    doc = analyse(text, lang)
    assert "killed" in {m.concept for m in doc.all_hits("outcomes")}
