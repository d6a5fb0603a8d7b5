"""The relation rules on the real seeds: who a relation word relates (participants, places,
connectors, word order), separators inside a text, cue words only in their own language, and the
Evidence roles alerts group by. Sentences are written for these tests, not taken from a dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.records import TopicHit
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topic_rules(ROOT / "seeds")


def hit(title: str, rules: TopicRules, text: str = "", lang: str | None = None) -> TopicHit | None:
    hits = [h for h in match_topics(title, text, rules, lang=lang) if h.topic == "russia_dprk"]
    return hits[0] if hits else None


def is_match(title: str, rules: TopicRules, text: str = "", lang: str | None = None) -> bool:
    found = hit(title, rules, text, lang)
    return bool(found and found.is_match)


@pytest.mark.parametrize(
    "title",
    [
        "Putin and Kim Jong Un meet in Beijing after the parade",
        "Путин и Ким Чен Ын встретились в Пекине",
        "Путин встретился с Ким Чен Ыном на полях саммита в Пекине",
        "Putin e Kim Jong-un se encontram em Pequim",
        "Putin dan Kim Jong Un bertemu di Beijing",
        "Putin ile Kim Pekin'de görüştü",
        "دیدار پوتین و کیم جونگ اون در پکن",
        "푸틴과 김정은, 베이징에서 회담",
        "プーチン大統領と金正恩氏が北京で会談",
        "普京与金正恩在北京会谈",
        "Kim Jong Un sent a letter to Putin as Trump prepared for the Alaska summit",
        "Переговоры Путина и Ким Чен Ына в Пекине завершились",
        "Japan condemns military cooperation between Moscow and Pyongyang",
        "USA: Korea Północna wysłała do Rosji kolejnych żołnierzy",
    ],
)
def test_an_interaction_between_the_sides_holds_whatever_place_or_third_party(rules, title):
    assert is_match(title, rules), hit(title, rules)


@pytest.mark.parametrize(
    "title",
    [
        "Kim Jong Un meets Xi Jinping in Beijing as Putin watches the parade",
        "North Korean leader Kim met Chinese President Xi in Beijing a day after a parade alongside Russian President Putin",
        "China's talks with Russia focused on North Korea",
        "Japan protests against Russia as North Korea tests weapons",
        "Trump to meet Putin and Kim",
        "Трамп поговорит с Путиным и готов встретиться с Ким Чен Ыном",
        "시진핑, 푸틴·김정은과 잇따라 회담",
    ],
)
def test_a_relation_word_with_a_third_party_as_participant_is_no_match(rules, title):
    assert not is_match(title, rules), hit(title, rules)


def test_a_place_is_not_a_participant_but_still_a_third_party(rules):
    # Co-listed guests at a parade abroad: no relation word, so the third country still discounts.
    assert not is_match("Putin and Kim Jong Un attend the military parade in Beijing", rules)
    assert is_match("Putin and Kim Jong Un held talks in Beijing", rules)


def test_text_separated_items_do_not_add_up(rules):
    title = "Weather in Pyongyang was cold on Monday. Separately, Putin spoke in Moscow about the economy."
    found = hit(title, rules)
    assert found is not None and found.score == 0 and not found.is_match
    assert not is_match("Cold snap", rules, text=title)
    assert not is_match("Морозы", rules, text="В Пхеньяне было холодно. Отдельно Путин выступил в Москве.")
    # the same two sentences without the separator still read as one (weak) story
    assert hit("Weather in Pyongyang was cold. Putin spoke in Moscow.", rules).score > 0


def test_cue_words_count_only_in_their_own_language(rules):
    found = hit("Putin and Kim, according to reports", rules, lang="en")
    assert found is not None
    assert not any(e.term == "accord" for e in found.evidence)
    found = hit("Moscou et Pyongyang signent un accord", rules, lang="fr")
    assert any(e.term == "accord" and e.role.startswith("relation:") for e in found.evidence)
    # without a declared language the matcher detects it when a cue word needs it
    assert not any(e.term == "accord" for e in hit("Putin and Kim, according to reports", rules).evidence)


def test_inflected_names_match_as_their_side(rules):
    for title in ("Kim Čong-un popřál Putinovi k novému roku",
                  "Spotkanie Putina z Kimem",
                  "Putin tapasi Kim Jong-unin",
                  "Putyin és Kim Dzsongun találkozott",
                  "پوتین با رهبر کره ی شمالی دیدار کرد"):
        found = hit(title, rules)
        assert found is not None and found.is_match, (title, found)


def test_a_label_in_another_script_is_a_sentence_of_its_own(rules):
    found = hit("North Korea News: रूस और उत्तर कोरिया ने समझौता किया", rules)
    assert found is not None and found.is_match


def test_evidence_roles_say_sides_cues_and_context(rules):
    found = hit("US says Putin and Kim Jong Un signed a treaty on military cooperation", rules)
    kinds = {e.role.split(":", 1)[0] for e in found.evidence}
    assert {"side", "subtopic", "relation", "third"} <= kinds
    sides = {e.role for e in found.evidence if e.role.startswith(("side:", "weak:", "proxy:", "both_sides"))}
    assert sides == {"side:russia", "side:dprk"}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The name written on a relation noun; the other party is the clause's subject.
        ("Kim snubs Trump as North Korea deepens Russia ties", True),
        ("Trump snubs Kim as Japan deepens Russia ties", False),
        # A pair of subjects with the relation word's own counterpart right after it.
        ("Xi Jinping and Kim Jong Un send New Year greetings to Putin", True),
        ("Putin and Kim Jong Un pay a visit to Xi Jinping", False),
        # A joined pair ending a clause after a third party: that party's objects, not a relation.
        ("시진핑, 좌우에 설 김정은·푸틴…장면 자체로도 주목", False),
        ("Japonya, Rusya-Kuzey Kore ortak tatbikatını protesto etti", True),
        # Third parties from the officials list (data): Belarus, Vietnam, China in Hungarian.
        ("Lukashenko meets Kim Jong Un in Beijing before the parade with Putin", False),
        ("Putyin és Hszi Csin-ping tárgyalt Pekingben, Kim Dzsongun is ott volt", False),
    ],
)
def test_counterparts_subjects_and_officials(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        # "and" in these languages is a place or destination word in another: read in the item's
        # language, South Korea is the talks' party and North Korea their topic.
        ("Rosja i Korea Południowa rozmawiały o Korei Północnej", "pl"),
        ("Rusland en Zuid-Korea bespreken Noord-Korea", "nl"),
        ("Rusko a Jižní Korea jednaly o Severní Koreji", "cs"),
        # A name with its topic word after it is the topic, even right before the verb.
        ("Rusya ve Güney Kore Kuzey Kore meselesini görüştü", "tr"),
        ("러시아와 한국, 북한 문제 논의", "ko"),
    ],
)
def test_one_language_connector_is_not_another_language_place(title, lang, rules):
    assert not is_match(title, rules, lang=lang)
    assert not is_match(title, rules)  # detected when the word needs it


@pytest.mark.parametrize(
    "title",
    [
        "Rusko a KLDR podepsaly dohodu o spolupráci",  # Czech "a" joins the two sides
        "Rosja i Korea Północna podpisały traktat",
        "Rusland en Noord-Korea tekenen verdrag",
        "Kim Jong-un en Russie: rencontre avec Poutine à Vostotchny",  # French "en" is still "in"
        "Putin in Pyongyang: il vertice con Kim",
    ],
)
def test_connector_reading_keeps_real_relations(title, rules):
    assert is_match(title, rules)


def test_the_north_korea_is_a_full_name_not_the_north(rules):
    found = hit("Russia and North Korea: what the North Korea treaty means", rules)
    assert found and found.is_match
    assert any(e.matched == "the north korea" and e.role == "side:dprk" for e in found.evidence)


@pytest.mark.parametrize(
    "title",
    [
        # A name after a clause conjunction is that clause's subject, not the counterpart of a
        # relation word before it: a third party's dispute with one side beside the other's test.
        "Japan protests Russian bomber flights as North Korea tests a missile",
        "Japan protests Russian bomber flights while North Korea fires missiles",
        # A side's name in the genitive owning the matter of talks held by a third party and the
        # other side is that matter, not a party to the talks.
        "중국과 러시아가 북한의 핵 프로그램을 논의했다",
        "한국과 러시아가 북한의 핵 프로그램을 논의했다",
        "Çin ve Rusya, Kuzey Kore'nin nükleer programını görüştü",
    ],
)
def test_clause_subjects_and_genitive_owners_are_no_participants(title, rules):
    assert not is_match(title, rules)


@pytest.mark.parametrize(
    "title",
    [
        "Russia welcomes Kim as North Korea's leader arrives in Vladivostok",
        "북한의 러시아 파병 규모 1만명",  # the owner's own relation, the other side named in between
        "김정은의 방러, 푸틴과 정상회담",  # a relation word right after the genitive is the owner's
        "Kuzey Kore'nin Rusya'ya asker göndermesi",
        "ロシアと北朝鮮の外相が会談、核問題も協議",
    ],
)
def test_clause_and_genitive_readings_keep_real_relations(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    "title",
    [
        # An attribution names a source wherever it stands, not a third party to the report.
        "Tausende nordkoreanische Soldaten kämpfen nach US-Angaben in der russischen Region Kursk",
        "North Korean troops are, according to Washington, fighting in Russia's Kursk region",
    ],
)
def test_an_attribution_mid_sentence_is_a_source(title, rules):
    assert is_match(title, rules)


def test_a_two_letter_abbreviation_counts_only_in_its_language(rules):
    # Turkish "AB" (the EU) is the German verb particle "ab": no third party in German text.
    found = hit("Nordkorea feuert Raketen ab, Russland schweigt", rules)
    assert found and not any(e.role == "third:eu" for e in found.evidence)
    turkish = hit("AB, Rusya ve Kuzey Kore'ye yaptırım kararı aldı", rules, lang="tr")
    assert turkish and any(e.role == "third:eu" for e in turkish.evidence)


@pytest.mark.parametrize(
    "title",
    [
        # A news outlet named after a state is no side ("Russia Al-Youm" is RT's Arabic service).
        "Nordkorea testet Kurzstreckenraketen, meldet Russia Al-Youm",
        # Turkish headlines name Xi by his surname with a case ending: a third party.
        "Putin ve Kim, Şi'nin konukları olarak geçit törenini izledi",
    ],
)
def test_outlets_and_inflected_short_names(title, rules):
    assert not is_match(title, rules)


def test_a_case_ending_meaning_about_makes_a_topic(rules):
    # Hungarian delative "-ról/-ről" on the name itself: North Korea is what the two talked about.
    assert not is_match("Dél-Korea és Oroszország Észak-Koreáról tárgyalt", rules)
    assert not is_match("Kína és Oroszország Észak-Koreáról tárgyalt", rules)
    assert is_match("Oroszország és Észak-Korea katonai szövetséget kötött", rules)


@pytest.mark.parametrize(
    "title",
    [
        # What is talked about sits between the subject pair and the verb in a verb-final
        # sentence; it is no distance, so South Korea is still the talks' party.
        "جنوبی کوریا اور روس نے شمالی کوریا کے بارے میں بات چیت کی",
        "한국과 러시아가 모스크바에서 북한의 핵 프로그램을 논의했다",
    ],
)
def test_a_topic_between_subject_and_verb_is_no_distance(title, rules):
    assert not is_match(title, rules)


def test_verb_final_objects_and_genitive_pairs(rules):
    # The whole object stands between a verb-final subject and its verb: South Korea still holds
    # the talks about the North's programme (not Russia with the North).
    assert not is_match("한국과 러시아가 최근 모스크바에서 북한의 핵 프로그램과 지역 안보 문제를 논의했다", rules)
    # A pair joined by と and put in the genitive owns the noun after it: a third party condemns
    # the two sides' cooperation (with no genitive, "日本は北朝鮮と協力" is Japan's cooperation).
    assert is_match("日本は北朝鮮とロシアの軍事協力を非難", rules)
    assert is_match("日米、北朝鮮とロシアの軍事協力に懸念", rules)
    assert not is_match("日本は北朝鮮と協力、ロシアは反発", rules)


@pytest.mark.parametrize(
    "title",
    [
        # The one told, before a quote, owns nothing of what is quoted: the treaty is Russia's.
        "プーチン氏、韓国に「北朝鮮との条約を心配する必要はない」",
        "プーチン氏、韓国に「北朝鮮は条約を守る」",
    ],
)
def test_an_addressee_before_a_quote_owns_nothing_of_it(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # One side talks with a third state about the other: discuss verbs and "about" endings
        # make the other side the topic, and short local names of Xi are a third party.
        ("Putin e Xi discutem Coreia do Norte", False),
        ("Putin y Xi discuten la situación en Corea del Norte", False),
        ("Putin và Tập Cận Bình thảo luận về Triều Tiên", False),
        ("पुतिन और शी ने उत्तर कोरिया पर चर्चा की", False),
        ("Путін і Сі обговорили КНДР", False),
        ("Putin ve Şi Cinping Kuzey Kore'yi görüştü", False),
        # An accusative object of a relation verb is still its participant.
        ("Rusya, Kuzey Kore'yi destekliyor", True),
        ("Putin ile Kim Jong Un Pekin'de görüştü", True),
        ("Putin y Kim discuten la cooperación militar", True),
    ],
)
def test_talks_about_the_other_side(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title",
    [
        # The war stands in for Russia beside the North's soldiers in every language, as in English.
        "یوکرین جنگ میں شامل شمالی کوریا کا گرفتار فوجی ہلاک",
        "Severokorejští vojáci bojují na Ukrajině",
        "Soldati nordcoreani catturati in Ucraina",
        # The DPRK's full name, each word inflected ("Народную", not only "Народно-").
        "Первый туристический поезд отправился из Владивостока в Корейскую Народную Демократическую Республику",
    ],
)
def test_the_war_and_the_full_name_in_more_languages(title, rules):
    assert is_match(title, rules)


def test_cue_words_of_a_language_the_detector_never_names_count(rules):
    # Serbian Latin comes back from the detector as Czech: its "razgovarali" still relates the two
    # sides of a meeting in a third country.
    assert is_match("Putin i Kim Džong Un razgovarali u Pekingu o razvoju bilateralnih odnosa", rules)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # "The two leaders" after "Putin and Kim" stands for both sides, in the next sentence too.
        ("Xi hosts Putin and Kim at parade", "Chinese President Xi Jinping hosted Vladimir Putin and Kim "
         "Jong Un at the parade in Beijing. The two leaders later held talks at a state guest house.", True),
        ("Си Цзиньпин принял Путина и Ким Чен Ына на параде", "Си Цзиньпин принял Путина и Ким Чен Ына на "
         "параде в Пекине. Стороны провели переговоры.", True),
        # Without the pronoun the host's parade is no relation between its guests.
        ("Xi hosts Putin and Kim at parade", "Chinese President Xi Jinping hosted Vladimir Putin and Kim "
         "Jong Un at the parade in Beijing.", False),
        # A pair someone else meets (an object) stands for nobody's talks with each other.
        ("시진핑, 푸틴·김정은과 잇따라 회담", "시 주석은 열병식 전후로 두 정상을 각각 만났다.", False),
        # The pair must be the two sides: Putin and Xi are not.
        ("Putin and Xi meet in Beijing", "Putin and Xi met in Beijing on Tuesday. The two leaders "
         "agreed to deepen their partnership.", False),
    ],
)
def test_a_pair_pronoun_stands_for_a_pair_of_the_two_sides(title, text, expected, rules):
    assert is_match(title, rules, text=text) is expected


def test_a_relation_word_inside_a_digest_label_is_no_relation(rules):
    # "briefing" is a contact word, but in "Morning briefing" it names the digest.
    assert not is_match("Morning briefing: North Korea fires missiles, Russia hits Kyiv, Trump meets Xi", rules)
    assert is_match("Putin briefs Kim Jong Un by phone on his Alaska talks", rules)


def test_a_feed_side_stands_in_only_beside_a_relation(rules):
    # A Russian outlet's report of a launch is no relation with Russia; KCNA's "arrived here" is one.
    def feed_match(title, text, side):
        return any(h.is_match for h in match_topics(title, text, rules, side))

    assert not feed_match("North Korea fires ballistic missile, Japan says",
                          "North Korea fired a ballistic missile, the Japanese coast guard said.", "russia")
    assert feed_match("Russian art troupe arrives", "A Russian art troupe arrived here on Saturday.", "dprk")
    assert feed_match("Talks held", "Talks were held between Choe Son Hui and Sergei Lavrov.", "dprk")


def test_shipping_to_one_side_is_a_transfer(rules):
    assert is_match("White House readies sanctions after Russia found shipping fuel to North Korea above UN cap", rules)


@pytest.mark.parametrize(
    "title",
    [
        "EU condemns Russia for sending oil to North Korea",
        "Japan protests as Russia sends refined petroleum to North Korea",
    ],
)
def test_a_sending_to_one_side_is_a_transfer_beside_a_third_party(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    "title",
    [
        # A third party condemns one side's sending of goods to the other, in more languages.
        "Япония протестует: Россия отправляет нефть в Северную Корею",
        "Die EU verurteilt Russland für Öllieferungen an Nordkorea",  # a compound's second part
        "AB, Rusya'yı Kuzey Kore'ye petrol göndermekle suçladı",
        "الاتحاد الأوروبي يدين روسيا لإرسالها النفط إلى كوريا الشمالية",
    ],
)
def test_sending_words_in_more_languages(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A side's relation word with a list of counterparts holds each of them: the other side too.
        ("Putin met Xi and Kim before the parade", True),
        ("Путин поговорил с Си Цзиньпином и Ким Чен Ыном перед парадом в Китае", True),
        # A third party's list of the two sides is no relation between them.
        ("Xi met Putin and Kim in Beijing", False),
        ("Си Цзиньпин встретился с Путиным и Ким Чен Ыном", False),
    ],
)
def test_a_list_of_counterparts(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title",
    [
        # A connector after a phrase opens a clause with its own subject, even the same side's name.
        "Trump meets Putin in Alaska and Putin sends a letter to Kim",
        "ترامب يلتقي بوتين في ألاسكا وبوتين يبعث برسالة إلى كيم",
        # A place adjective ("Pekin'deki", the one in Beijing) is a place, not a party.
        "Putin ve Kim, Pekin'deki askeri geçit töreninin ardından görüştü",
        "Putin gửi thư cho Kim Jong Un sau cuộc gặp với Trump",
    ],
)
def test_a_second_clause_and_a_place_adjective(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # German and Dutch put an infinitive or participle after its object: ending its clause, it
        # takes the names before it, not the next clause's.
        ("Trump will Kim treffen und telefoniert mit Putin", False),
        ("Trump wil Kim ontmoeten en belt met Poetin", False),
        ("Putin hat Kim in Peking getroffen", True),
        ("Trump spricht mit Putin und will Kim Jong Un einen Brief schreiben", False),
    ],
)
def test_an_infinitive_ending_its_clause(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title",
    [
        # Regions and cities of one side, and a capital's landmarks, name that side.
        "Krasnoyarsk women's hockey team invited to play the DPRK national team",
        "Khabarovsk governor arrives in Pyongyang for talks",
        "Primorsky troupe stages 'Sleeping Beauty' at Mansudae Art Theatre, Russian ballet returns",
    ],
)
def test_regions_cities_and_landmarks_name_their_side(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # "Between" the two sides is their relation; between them and a third party, a place or a
        # multilateral list.
        ("Ties between Russia and North Korea deepen", True),
        ("Border region between North Korea, Russia and China opens to tourists", False),
        ("Nordkorea öffnet das Grenzgebiet zwischen Nordkorea, Russland und China", False),
    ],
)
def test_between_with_a_third_party_in_the_list(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A list after a preposition is the noun's counterparts, each related to the subject.
        ("N. Korea's Foreign Minister Set for Russia, Belarus Visit", True),
        # A subject list with a third party in it acts as one: no pair of the two sides.
        ("Xi, Putin and Kim send message of unity as Beijing displays military power", False),
        ("Putin and Kim send message of unity", True),
    ],
)
def test_lists_of_subjects_and_of_counterparts(title, expected, rules):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Senders listed with a third party each relate to their counterpart: a greeting is the
        # noun's, not its transfer verb's ("send").
        ("Kim and Xi send birthday greetings to Putin", True),
        ("김정은·시진핑, 푸틴 73세 생일 맞아 축하 인사", True),
        # A third party meeting the two in turn is no relation between them.
        ("시진핑, 푸틴·김정은과 잇따라 회담", False),
    ],
)
def test_senders_listed_with_a_third_party(title, expected, rules):
    assert is_match(title, rules) is expected
