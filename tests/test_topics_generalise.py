"""Rules added for issue #22's generalisation round (topics_dev5), on the real seeds: places that
sit between a pair and its verb or come with their country, seas named after a third state,
adjectives that follow the noun, abbreviations of the pair and verb forms. Sentences are written
for these tests, not taken from a dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.topics.match import TopicRules, load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topic_rules(ROOT / "seeds")


def is_match(title: str, rules: TopicRules, text: str = "") -> bool:
    hits = [h for h in match_topics(title, text, rules) if h.topic == "russia_dprk"]
    return bool(hits and hits[0].is_match)


@pytest.mark.parametrize(
    "title",
    [
        # A place between the pair and a verb-final verb is no distance.
        "라브로프 러시아 외무장관과 최선희 북한 외무상이 지난달 중국 베이징에서 만난 사실이 알려졌다",
        # A country in parentheses after its city, or in the genitive before "capital", is the place.
        "Ngoại trưởng Nga và Ngoại trưởng Triều Tiên có cuộc gặp tại thủ đô Bắc Kinh (Trung Quốc)",
        "Lavrov ve Kuzey Kore Dışişleri Bakanı, Çin'in başkenti Pekin'de bir araya geldi",
        # A sea named after Japan is no third party.
        "Корабли ВМФ России зашли в порт КНДР на побережье Японского моря",
        "Russian and North Korean warships hold drills in the Sea of Japan",
        # The nationality adjective follows the noun.
        "Kiev: soldati nordcoreani nel Kursk",
        "Seúl confirma soldados norcoreanos en Kursk",
        # Abbreviations and verb forms.
        '로동신문 "로조 친선은 영원할 것"',
        "朝俄边境公路桥通车",
        "金総書記、ロ大使館で祝賀演説",
        "푸틴과 김정은, 블라디보스토크서 만난 지 2년",
        "Nord Corea, operai inviati in Russia",
    ],
)
def test_relations_read_past_places_seas_and_word_order(rules, title):
    assert is_match(title, rules), title


@pytest.mark.parametrize(
    "title",
    [
        # 朝 before 俄罗斯 reads "toward Russia": no pair term.
        "韩国军方称导弹朝俄罗斯远东方向飞行",
        # A country named only as a sea still leaves one side.
        "North Korea fires a missile into the Sea of Japan",
    ],
)
def test_no_pair_from_a_direction_or_a_sea(rules, title):
    assert not is_match(title, rules), title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The two sides discussed something with a third party in it: the sides are the participants.
        ("Kremlin says Putin and Kim discussed Trump summit in phone call", True),
        ("Путин и Ким Чен Ын обсудили саммит с Трампом", True),
        ("Putin and Kim discussed the summit with Trump by phone", True),
        # One side and a third party discuss the other side: it is their topic, not a participant.
        ("Xi and Putin discuss North Korea at Beijing talks", False),
        ("Лавров и Ван И обсудили КНДР в Пекине", False),
        ("Lavrov and Wang Yi discussed North Korea in Beijing", False),
    ],
)
def test_what_is_discussed_is_the_topic_not_a_participant(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A clause set off by commas is no distance between the subject and its verb, and its names
        # take no part in that verb.
        ("Russian President Vladimir Putin, who is in China for a summit, held talks with North Korean "
         "leader Kim Jong Un on Wednesday.", True),
        ("North Korea's leader Kim Jong Un and Russia's Vladimir Putin, who stood next to China's Xi at "
         "the parade, held talks afterward.", True),
        ("Путин, который находится в Китае с визитом, провел переговоры с Ким Чен Ыном.", True),
        ("Xi, who hosted Putin and Kim at the parade, held talks with Kim on Thursday.", False),
        ("Trump, who met Putin in Alaska, said he would like to meet Kim.", False),
    ],
)
def test_a_clause_set_off_by_commas_is_read_apart(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Relation words of languages that had only contact words, beside a third party; possessives.
        ("Kim Čong-un a Putin posílili vztahy, Čína přihlíží", True),
        ("Severokorejští vojáci bojují v Kursku", True),
        ("Kimova sestra chválí vztahy s Moskvou", True),
        ("Putin se sešel s Kimem, Si Ťin-pching přihlížel", True),
        ("Si Ťin-pching jednal s Putinem o Severní Koreji", False),
        ("Észak-koreai katonák harcolnak Kurszkban, Kína hallgat", True),
    ],
)
def test_relation_words_and_possessives_in_more_languages(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A third party after a verb of another clause is an onlooker, not the pair's counterpart.
        ("Moscow-Pyongyang axis alarms Washington", True),
        ("Russia-N. Korea axis worries Tokyo", True),
        ("Kim Jongun and Putin meet as Trump watches", True),
        ("Russo-North Korean alliance draws US sanctions", True),
        # ... but one after "to", "bei", "with" is the counterpart.
        ("Putin und Kim zu Besuch bei Xi", False),
        # Officials and bodies of the two sides, and dialogue as a contact.
        ("Volodin meets Choe Ryong Hae amid US pressure", True),
        ("KPA units helped free Kursk, Gerasimov says", True),
        ("Mishustin and Pak Thae Song launch Tumen bridge construction", True),
        ("DPRK, Russian FMs hold strategic dialogue in Wonsan as US warns", True),
    ],
)
def test_onlookers_officials_and_dialogue(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Praise, welcome and pledges between the sides, beside a clause about third parties.
        ("Moscow hails 'fraternal' Pyongyang as Trump meets Xi", True),
        ("Kremlin says Kim Jong Un is welcome in Moscow as Lee visits Beijing", True),
        ("Kim pledges to do 'anything' for Putin as Xi hosts parade", True),
        ("Xi praises Kim as Putin looks on", False),
        ("Japan praises South Korea's stance on North Korea and Russia", False),
    ],
)
def test_praise_welcome_and_pledges(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    "title",
    [
        # Demonym nouns and rapprochement words.
        "Severokorejci bojují za Rusko na Ukrajině",
        "Čína přihlíží, jak se Rusko sbližuje se Severní Koreou",
    ],
)
def test_demonyms_and_rapprochement(rules, title):
    assert is_match(title, rules), title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # South Korea is no third party by its presence (it reports on the sides all the time) ...
        ("South Korea says North Korea sent more troops to Russia", True),
        ("Seoul summons Russian ambassador over North Korea troop deployment", True),
        ("Seúl confirma soldados norcoreanos en Kursk", True),
        ("Russia tells South Korea its ties with North Korea threaten no one", True),
        # ... but it is one when a relation word ties it to one side and the other is the topic.
        ("Россия и Южная Корея впервые за долгое время обсудили КНДР", False),
        ("В МИД РФ заявили, что не обсуждают с Южной Кореей денуклеаризацию КНДР", False),
        ("Москва не проводит консультаций с Сеулом по ядерной проблеме КНДР", False),
        # A side written before the word is its subject: the third party after it is the one bound.
        ("Kim met Xi and later called Putin", True),
        ("Xi met Putin and sent a letter to Kim", False),
    ],
)
def test_south_korea_as_a_party_only_through_a_relation_word(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Every name of a list after "according to" is a source; "in the Chinese capital" is a place;
        # a name written as the place of the subject's trip is no subject.
        ("Pyongyang has sent thousands of troops to help Moscow, according to Seoul and Washington.", True),
        ("The Russian and North Korean leaders held talks in the Chinese capital on Wednesday.", True),
        ("Following talks with Chinese officials in Beijing, Lavrov flew to Wonsan to meet Choe Son Hui.", True),
        ("Trump says he will meet Kim in the Chinese capital after talks with Putin", False),
        ("Kim Jong Un arrives in Beijing for military parade alongside Putin, Xi", False),
    ],
)
def test_sources_places_and_trips(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A relation word that names one side (방러: visit to Russia, 访朝: visit to the DPRK) relates
        # its subject of the other side to it, whatever third party follows.
        ("北 최선희, 방러 후 벨라루스行", True),
        ("普京访朝后访问越南", True),
        ("시진핑, 방북 후 푸틴과 통화", False),
        # Second references to the DPRK leader.
        ("김 위원장과 푸틴 대통령은 이날 베이징에서 회담했다", True),
    ],
)
def test_words_that_name_a_side_and_second_references(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A ties noun with the pair right after it relates the pair, not the subject before it.
        ("Токио осудило сотрудничество Москвы и Пхеньяна", True),
        ("Япония выразила обеспокоенность связями России и КНДР", True),
        ("China helps Russia and North Korea", False),
        # Russian ties and contact words; "в связи с" (because of) is no tie.
        ("Пхеньян и Москва укрепляют связи на фоне давления Вашингтона", True),
        ("Путин и Ким Чен Ын на глазах у Си Цзиньпина пожали друг другу руки", True),
        ("Ким Чен Ын в связи с визитом в Китай не встретится с Путиным", False),
        # Reflexive свой names the subject on the relation noun, also after third parties between.
        ("КНДР ответила Сеулу и США, назвав законным присутствие своих войск в России", True),
    ],
)
def test_ties_nouns_and_russian_words(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # One side's veto of a UN measure about the other shields it, whoever drafted the measure.
        ("Russia vetoes US-drafted UN resolution on North Korea", True),
        ("Russia and China veto UN sanctions on North Korea", True),
        ("Россия и Китай заблокировали заявление СБ ООН по КНДР", True),
        ("China blocks UN statement on North Korea; Russia abstains", False),
    ],
)
def test_a_veto_for_the_other_side(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # South Korea beside troops or arms only is the one reporting them, not a party.
        ("韓国国家情報院は、北朝鮮の兵士らがロシア軍の制服を着用して前線に配置されたと明らかにした。", True),
        ("韓国軍によると、大量の弾薬が北朝鮮の港から船でロシア極東に運ばれた。", True),
        # A side inside a compound word (訪俄: visiting Russia) is that word's participant.
        ("韓媒稱北韓外務相崔善姬訪俄意在加強戰略溝通", True),
    ],
)
def test_south_korea_reporting_and_sides_inside_words(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A military noun with one side's adjective after it and the other side as its destination
        # ("a Rusia", "para a Rússia") is their relation, whoever condemns it.
        ("Japón condena el envío de soldados norcoreanos a Rusia", True),
        ("EUA condenam o envio de tropas norte-coreanas para a Rússia", True),
        # A third party's arms, and a third party's messages to each side, are none.
        ("Japón condena el envío de armas chinas a Rusia mientras Corea del Norte lanza misiles", False),
        ("Xi felicita a Kim y envía un mensaje a Putin", False),
    ],
)
def test_movements_with_a_side_as_destination(rules, title, expected):
    assert is_match(title, rules) is expected, title


@pytest.mark.parametrize(
    "title, expected",
    [
        # DPRK state media's name for the deployment to Russia stands for the Russian side, as
        # Kursk does, in each language it is written in.
        ("Kim Jong Un meets families of soldiers who fell in the overseas military operation", True),
        ("Kim Jong Un awards state honours to soldiers of the overseas operation units", True),
        ("김정은, 해외군사작전 참전 열사 유가족 만나", True),
        ("Ким Чен Ын наградил участников зарубежной военной операции", True),
        ("金正恩会见海外军事行动烈士遗属", True),
        # Overseas operations of another kind are no such event.
        ("North Korea expands overseas operations of its IT workers", False),
        ("North Korea's overseas workers face new sanctions", False),
    ],
)
def test_the_state_media_name_of_the_deployment_stands_for_russia(rules, title, expected):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title, expected",
    [
        # The destination named before the movement, marked by a particle or an ending, or bare
        # before a military noun of a verb-final language; the other side after it in the clause;
        # a third party as the subject takes nothing away.
        ("英国、ロシアへの派兵で北朝鮮の将官らを制裁", True),
        ("미국, 러시아 파병 관련 북한 군 간부 제재", True),
        ("Kanada, Rusya'ya asker gönderen Kuzey Koreli komutanlara yaptırım getirdi", True),
        ("英国就向俄罗斯派兵制裁朝鲜将领", True),
        ("अमेरिका ने रूस को गोले देने पर उत्तर कोरिया के जनरलों पर प्रतिबंध लगाए", True),
        ("اتحادیه اروپا فرماندهان کره شمالی را به دلیل اعزام سرباز به روسیه تحریم کرد", True),
        ("الاتحاد الأوروبي يعاقب ضباطا كوريين شماليين بسبب إرسال جنود إلى روسيا", True),
        # With the genitive the side is the sender; a movement to a third country is none.
        ("러시아의 파병 요청에 중국 거부…북한은 침묵", False),
        ("북한, 중국에 대표단 파견", False),
        ("İran, Rusya'ya İHA gönderdi", False),
    ],
)
def test_a_destination_named_before_its_movement_relates_the_two_sides(rules, title, expected):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title, expected",
    [
        # A ties noun with the pair that owns it right after it (bare, or after a genitive word) is
        # the pair's relation, whether one third party or two condemn it.
        ("США и Япония осудили военное сотрудничество России и КНДР", True),
        ("Washington and Tokyo condemn the cooperation of Moscow and Pyongyang", True),
        ("Stati Uniti e Giappone condannano la cooperazione di Russia e Corea del Nord", True),
        # A pair that is only what a noun is about stays none of its participants.
        ("Xi and Putin discuss the future of Russia and North Korea", False),
    ],
)
def test_a_ties_noun_owned_by_the_pair_is_their_relation(rules, title, expected):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title, expected",
    [
        # Verbs of conferring are contact words: the two sides conferring relate; one side
        # conferring with South Korea about the other does not.
        ("Putin und Kim beraten über Zusammenarbeit", True),
        ("Russland verhandelt mit Nordkorea über Arbeitskräfte", True),
        ("Moskou en Pyongyang overleggen over handel", True),
        ("Moskau und Seoul beraten über Nordkorea", False),
        ("Russland und Südkorea besprechen Nordkorea", False),
        ("Moscow and Seoul confer on North Korea", False),
    ],
)
def test_conferring_is_contact_and_what_is_conferred_on_is_the_topic(rules, title, expected):
    assert is_match(title, rules) is expected
