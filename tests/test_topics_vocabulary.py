"""Names and words on the real seeds: full names and abbreviations of the parties, outlets named
after a state, places that stand for a side (the war, regions, landmarks), transfer and sending
words, a digest label, and a feed's declared side. Sentences are written for these tests, not
taken from a dev set."""

from __future__ import annotations

import pytest
from conftest import topic_hit, topic_match


def test_the_north_korea_is_a_full_name_not_the_north(rules):
    found = topic_hit("Russia and North Korea: what the North Korea treaty means", rules)
    assert found and found.is_match
    assert any(e.matched == "the north korea" and e.role == "side:dprk" for e in found.evidence)


def test_a_two_letter_abbreviation_counts_only_in_its_language(rules):
    # Turkish "AB" (the EU) is the German verb particle "ab": no third party in German text.
    found = topic_hit("Nordkorea feuert Raketen ab, Russland schweigt", rules)
    assert found and not any(e.role == "third:eu" for e in found.evidence)
    turkish = topic_hit("AB, Rusya ve Kuzey Kore'ye yaptırım kararı aldı", rules, lang="tr")
    assert turkish and any(e.role == "third:eu" for e in turkish.evidence)
    # Russian "Си" (Xi) is a third party in Russian, not in Bulgarian, where "си" is a pronoun
    # (the two languages are close: other cue words of one count in the other).
    russian = topic_hit("Путин и Си обсудили КНДР", rules, lang="ru")
    assert russian and not russian.is_match and any(e.role == "third:china" for e in russian.evidence)
    bulgarian = topic_hit("Ким Чен Ун си тръгна от Москва след срещата с Путин", rules, lang="bg")
    assert bulgarian and bulgarian.is_match and not any(e.role == "third:china" for e in bulgarian.evidence)


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
    assert not topic_match(title, rules)


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
    assert topic_match(title, rules)


def test_a_relation_word_inside_a_digest_label_is_no_relation(rules):
    # "briefing" is a contact word, but in "Morning briefing" it names the digest.
    assert not topic_match("Morning briefing: North Korea fires missiles, Russia hits Kyiv, Trump meets Xi", rules)
    assert topic_match("Putin briefs Kim Jong Un by phone on his Alaska talks", rules)


def test_a_feed_side_stands_in_only_beside_a_relation(rules):
    # A Russian outlet's report of a launch is no relation with Russia; KCNA's "arrived here" is one.
    assert not topic_match("North Korea fires ballistic missile, Japan says", rules,
                           "North Korea fired a ballistic missile, the Japanese coast guard said.", feed_side="russia")
    assert topic_match("Russian art troupe arrives", rules, "A Russian art troupe arrived here on Saturday.", feed_side="dprk")
    assert topic_match("Talks held", rules, "Talks were held between Choe Son Hui and Sergei Lavrov.", feed_side="dprk")


def test_shipping_to_one_side_is_a_transfer(rules):
    assert topic_match("White House readies sanctions after Russia found shipping fuel to North Korea above UN cap", rules)


@pytest.mark.parametrize(
    "title",
    [
        "EU condemns Russia for sending oil to North Korea",
        "Japan protests as Russia sends refined petroleum to North Korea",
    ],
)
def test_a_sending_to_one_side_is_a_transfer_beside_a_third_party(title, rules):
    assert topic_match(title, rules)


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
    assert topic_match(title, rules)


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
    assert topic_match(title, rules)


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        # Russia's own Security Council (Shoigu's office) is Russia, not a UN move, in any language.
        ("Russian Security Council Secretary Shoigu meets Kim Jong Un in Pyongyang", "en"),
        ("Секретарь Совета безопасности России Шойгу прибыл в Пхеньян", "ru"),
        ("Sekretaris Dewan Keamanan Rusia bertemu Kim Jong Un di Pyongyang", "id"),
        ("Le secrétaire du Conseil de sécurité russe rencontre Kim Jong-un à Pyongyang", "fr"),
    ],
)
def test_a_sides_security_council_is_no_un_cue(rules, title, lang):
    found = topic_hit(title, rules, lang=lang)
    assert found and found.is_match and "sanctions_un" not in found.subtopics


def test_the_un_security_council_stays_a_un_cue(rules):
    found = topic_hit("UN Security Council meets over Russia's arms deals with North Korea", rules)
    assert found and found.is_match and "sanctions_un" in found.subtopics
    envoy = topic_hit("UN envoys warn of Russia's arms deals with North Korea", rules)
    assert envoy and "sanctions_un" in envoy.subtopics
    # "UN" is a whole word in its cues: an outlet called UNN is no UN report.
    outlet = topic_hit("Russian delegation arrives in North Korea, UNN reports", rules)
    assert outlet and outlet.is_match and "sanctions_un" not in outlet.subtopics
    # A cue inside a thing tied to a side (not a side's name) stays a cue: the Russian language.
    school = topic_hit("North Korea adds the Russian language to its school curriculum", rules)
    assert school and "culture_people" in school.subtopics


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # Hindi "जनवादी कोरिया" (People's Korea) is the DPRK, as in its official Hindi name.
        ("रूस में जनवादी कोरिया के सैनिकों की तैनाती की पुष्टि", "hi", True),
        # Chinese and Japanese visit words beyond 访问/訪問: a secret or outgoing visit is a contact,
        # so its participants (Seoul and Moscow) are the relation, not Moscow and the DPRK after it.
        ("南韓官員祕訪莫斯科 擬促北韓重返核對話", "zh", False),
        ("朝鲜外务相崔善姬出访俄罗斯", "zh", True),
        ("ロシアの代表団が平壌を訪れ、金正恩氏と会談", "ja", True),
        # "coordination with" is a tie, with each counterpart of a list.
        ("Tokyo warns of Russia's deepening strategic coordination with Beijing and Pyongyang", "en", True),
        ("Russia and China coordinate positions on North Korea", "en", False),
        # Lukashenko and Belarus in more languages are a third party: a list of guests, not a pair.
        ("dolaze putin kim jong un lukasenko", "hr", False),
        ("Łukaszenka i Putin rozmawiali o Korei Północnej", "pl", False),
        # Exchanging views is a contact (not trade, not a cultural exchange): its participants are
        # Seoul and Moscow, and the DPRK is its matter.
        ("South Korea, Russia trade views on North Korea", "en", False),
        ("Seoul and Moscow exchange views on Pyongyang", "en", False),
        ("Russia and North Korea exchange views on regional security", "en", True),
        # Slovene "razpravljati o" (discuss): the name after it is the matter.
        ("Južna Koreja in Rusija razpravljali o Severni Koreji", "sl", False),
        ("Lavrov se je sestal s Choe Son Hui v Pjongjangu", "sl", True),
        # Polish masculine personal plurals turn -sk- into -sc-.
        ("Północnokoreańscy żołnierze walczą u boku Rosji", "pl", True),
        ("Rosyjscy dyplomaci przybyli do Pjongjangu", "pl", True),
        # Chinese words of talks: negotiate, consult, meet, exchange views (with the DPRK the matter).
        ("朝俄外长会面", "zh", True),
        ("俄朝举行谈判", "zh", True),
        ("中俄就朝鲜问题交换意见", "zh", False),
        # A contact after a destination ("went to Russia to discuss") is its subject's, not a
        # movement to Russia relating whoever is named.
        ("南韓派遣官員赴俄羅斯討論北韓核問題", "zh", False),
        ("朝鲜向俄罗斯派兵", "zh", True),
        # The state media's "overseas operation" is the deployment as Kursk is, in Japanese and
        # Korean too; its war dead are its troops.
        ("金正恩氏、海外作戦で戦死した兵士を追悼", "ja", True),
        ("김정은, 해외작전 전사자 추모", "ko", True),
        # Hebrew writes the geresh as ׳ (not an apostrophe) in ג׳ונג, and Pyongyang as two words.
        ("פוטין נפגש עם קים ג׳ונג און", "he", True),
        ("פיונג יאנג ומוסקבה חתמו על הסכם", "he", True),
        # One side's influence, dominance or sway in the other is their relation.
        ("Russia's growing influence over North Korea worries Seoul", "en", True),
        ("Chinese clout in North Korea fades", "en", False),
        # The G7 is a third party: its condemnation of each side is no relation, of theirs is one.
        ("G7 condemns North Korea's missile launches and Russia's war in Ukraine", "en", False),
        ("G7 condemns Russia-North Korea military cooperation", "en", True),
        # St Petersburg (its forum) is Russia in the spellings without a dot or in other languages.
        ("DPRK delegation attends St Petersburg forum", "en", True),
        ("Nordkoreanische Delegation beim Forum in Sankt Petersburg", "de", True),
        # The DPRK's foreign minister in Polish, Czech, Persian and Thai spellings.
        ("Ławrow rozmawiał telefonicznie z Czoe Son Hui", "pl", True),
        ("Lavrov jednal s Čchö Son-hui v Moskvě", "cs", True),
        ("لاوروف با چوی سون هی دیدار کرد", "fa", True),
        ("ลาฟรอฟพบกับชเว ซ็อน ฮี", "th", True),
        # Prisoners of war from the deployment are its troops, named with the war's places or
        # people; soldiers killed or fallen "overseas" are the deployment's.
        ("Zelensky offers to swap North Korean prisoners", "en", True),
        ("Зеленський запропонував обміняти північнокорейських військовополонених", "uk", True),
        ("Kim Jong Un meets families of soldiers killed abroad", "en", True),
        ("Kim Jong Un visits memorial to fallen overseas troops", "en", True),
        ("North Korean prisoners describe labour camps", "en", False),
        ("Japan demands return of abductees held by North Korea", "en", False),
        # A one-letter abbreviation in a prefix term is no stem: "N Korea" is no Swahili "na Korea"
        # (and Korea): Ukraine and South Korea here, not the DPRK.
        ("Ukraina na Korea Kusini zasaini mkataba wa Urusi", "sw", False),
        ("Putin, N Korea sign pact", "en", True),
    ],
)
def test_more_names_and_contact_words(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "who"),
    [
        # The common third parties are named in the thinner languages too.
        ("Japonya, Rusya ve Kuzey Kore'yi tehdit olarak gördü", "tr", "third:japan"),
        ("Japāna Krieviju un Ziemeļkoreju uzskata par draudiem", "lv", "third:japan"),
        ("Ճապոնիան Ռուսաստանը և Հյուսիսային Կորեան համարում է սպառնալիք", "hy", "third:japan"),
        ("ചൈന, റഷ്യ, ഉത്തര കൊറിയ", "ml", "third:china"),
    ],
)
def test_third_parties_in_thin_languages(rules, title, lang, who):
    found = topic_hit(title, rules, lang=lang)
    assert found is not None and any(e.role == who for e in found.evidence)
