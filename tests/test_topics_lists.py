"""Both sides named in a list with a third party, or beside a word that only looks like a relation,
on the real seeds: leaders at a third party's parade, three-party compounds, "stood between", "call
on", the DPRK as the matter of a third party's talks. Sentences are written for these tests, not
taken from a dev set."""

from __future__ import annotations

import pytest
from conftest import topic_hit, topic_match


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        # A relation word inside a phrase that is no relation ("stood between", "call on", "medzi
        # nimi": among them) relates nobody.
        ("Xi Jinping stood between Vladimir Putin and Kim Jong Un at the Beijing parade", "en"),
        ("China and Russia call on the world to lift sanctions on North Korea", "en"),
        ("Čína hostí diktátorov, medzi nimi Putin a Kim Čong-un", "sk"),
        ("Xi speaks of a choice between peace and war, flanked by Putin and Kim Jong Un", "en"),
        # A compound of three or more leaders is a list, whatever the third: "Kim-Putin-Min Aung
        # Hlaing", with a Bengali vowel sign before the hyphen.
        ("Kim Jong Un-Putin-Min Aung Hlaing to attend Beijing parade", "en"),
        ("একমঞ্চে জিনপিং-পুতিন-কিম জং উন", "bn"),
        # A pair with a dative particle is a third party's counterparts ("greetings to Kim and Putin").
        ("트럼프, 시진핑에 “김정은·푸틴에 안부 전해달라”", "ko"),
        # Three-party compounds written as one word hold no pair: 中俄朝, 中朝露.
        ("中俄朝领导人共同亮相阅兵式", "zh"),
        ("中朝露の首脳がそろって閲兵", "ja"),
        # China's abbreviation before a compound is a third party; the DPRK's nuclear issue is a topic.
        ("中俄讨论朝鲜核问题", "zh"),
        ("한국과 러시아, 모스크바에서 북한 핵·안보 문제 논의", "ko"),
        # Guests of honour are the host's counterparts, not each other's (Portuguese "convidados"
        # is a noun there, not the verb "convidar").
        ("Xi Jinping recebeu seus convidados de honra Kim Jong Un e Vladimir Putin em Pequim", "pt"),
        ("Vladimir Putin y Kim Jong-Un, invitados principales al desfile militar de China en Pekín", "es"),
        # Adjectives are no soldiers: Greek "στρατιωτική" (military) parade, Czech "vojenská".
        ("Ο Πούτιν και ο Κιμ θα παραστούν στη στρατιωτική παρέλαση στο Πεκίνο της Κίνας", "el"),
        ("Putin a Kim Čong-un na vojenské přehlídce v Pekingu u Si Ťin-pchinga", "cs"),
    ],
)
def test_listed_or_look_alike_is_no_relation(rules, title, lang):
    assert not topic_match(title, rules, lang=lang)


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Russia and North Korea call for an end to US pressure", "en"),  # a joint call: the pair's own
        ("Russia-North Korea treaty enters into force", "en"),
        ("俄朝领导人举行会谈", "zh"),
        ("Βορειοκορεάτες στρατιώτες πολεμούν για τη Ρωσία", "el"),
        ("Putin, Kim sign pact as Xi watches", "en"),
        ("Putin convida Kim Jong Un para visitar Moscou", "pt"),
        ("Putin invita a Kim Jong Un a visitar Moscú", "es"),
    ],
)
def test_the_pair_still_relates(rules, title, lang):
    assert topic_match(title, rules, lang=lang)


def test_a_slovak_word_is_no_cue_in_english_text(rules):
    # Slovak "list" (a letter) is a contact word in Slovak text only, not in an English "tariff list".
    found = topic_hit("Why Trump left Russia, North Korea off the tariff list", rules, lang="en")
    assert found is not None and not any(e.role.startswith("relation") for e in found.evidence)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The sides named as members of a larger group (including, among, समेत), with no relation
        # word, are a guest list, not a pair.
        ("Leaders of 25 countries, including Putin and Kim, attended the parade", False),
        ("पुतिन-किम जोंग उन समेत 25 देशों के नेता रहे मौजूद", False),
        # ... also where the host is named in the same sentence.
        ("China holds a parade in Beijing with 20 leaders, including Putin and Kim, in attendance", False),
        ("चीन की परेड में पुतिन-किम जोंग उन समेत 20 देशों के नेता शामिल", False),
        ("Russia and North Korea, among others, sign a treaty", True),  # the relation word holds
    ],
)
def test_sides_in_a_larger_group(rules, title, expected):
    assert topic_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "text", "lang", "expected"),
    [
        # A headline naming the pair with no relation word, over a lede that places them in a third
        # country with nothing relating them, is a guest list.
        ("Putin and Kim Jong Un at the military parade", "Both leaders will attend the parade in Beijing on Wednesday.", "en", False),
        ("Putin i Kim Dzong Un na defiladzie", "Obaj przywódcy wezmą udział w defiladzie w Pekinie.", "pl", False),
        # A relation word anywhere in the item keeps the pair, and so does a venue of their own.
        ("Putin and Kim Jong Un at the military parade", "The two leaders met in Beijing before the parade.", "en", True),
        ("Putin and Kim Jong Un at the military parade", "Both leaders watched the parade in Pyongyang.", "en", True),
    ],
)
def test_co_guests_in_a_third_country(rules, title, text, lang, expected):
    assert topic_match(title, rules, text=text, lang=lang) is expected


def test_a_year_ends_its_sentence_but_an_ordinal_does_not():
    from newsmon.topics.sentences import unit_starts

    assert len(unit_starts("china said on september 4, 2025. the announcement follows kim's visit")) == 2
    assert len(unit_starts("zum 80. jahrestag der befreiung am 3. september")) == 1


@pytest.mark.parametrize(
    ("title", "text", "lang"),
    [
        # An ordinal ("80.", "3.") ends no sentence: the parade's host stays in the leaders' sentence.
        ("Parade in Peking", "Putin und Kim Jong Un werden zum 80. Jahrestag an einer Parade in Peking teilnehmen.", "de"),
        ("Defilada w Pekinie", "Na paradzie w Pekinie z okazji 80. rocznicy pojawią się Putin i Kim Dzong Un.", "pl"),
        # The DPRK's nuclear arms, its "affairs" and its nuclear file are the matter of Seoul's talks.
        ("南韓官員接觸俄羅斯官員 談北韓核武", "", "zh"),
        ("南韓北韓事務官員訪問莫斯科", "", "zh"),
        ("Quan chức Hàn Quốc tới Nga, mật đàm về hồ sơ hạt nhân Triều Tiên", "", "vi"),
        # 朝韩 (the two Koreas) names no side on its own.
        ("俄方否认与韩国讨论影响朝韩关系的事项", "", "zh"),
    ],
)
def test_the_dprk_as_matter_or_host_elsewhere_is_no_relation(rules, title, text, lang):
    assert not topic_match(title, rules, text=text, lang=lang)


def test_a_feeds_side_does_not_stand_in_beside_a_third_party_in_the_headline(rules):
    # From a feed declared Russian: Xi's message to Kim is China's relation with the DPRK.
    assert not topic_match("Xi congratulates Kim Jong Un on his re-election", rules, feed_side="russia")
    # The same feed's report of Kim's message to the feed's own side is still one.
    assert topic_match("Kim Jong Un sends greetings on Victory Day", rules, feed_side="russia")


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # North Korean POWs and the troop dispatch (파병) come from the war in Russia, named or not;
        # Korean War POWs (국군포로, "Korean War POWs") do not.
        ("North Korean POWs ask to be sent to South Korea", "en", True),
        ("북한군 포로 2명 한국행 의사", "ko", True),
        ("북, 파병 전사자 추모 기념관 건립", "ko", True),
        ("Северокорейские военнопленные попросились в Южную Корею", "ru", True),
        ("北朝鮮兵捕虜2人、韓国行き希望", "ja", True),
        ("Nordkoreanische Kriegsgefangene wollen nach Südkorea", "de", True),
        ("Kuzey Koreli esirler Güney Kore'ye gitmek istiyor", "tr", True),
        ("Пленные северокорейцы хотят в Южную Корею", "ru", True),
        ("Severokorejští zajatci chtějí do Jižní Koreje", "cs", True),
        ("South Korea urges North Korea to return Korean War POWs", "en", False),
        ("국군포로 송환 촉구…북한 묵묵부답", "ko", False),
        # A relation word in the second of two juxtaposed clauses relates that clause's names only.
        ("North Korea fires missile as Russia and Ukraine swap prisoners", "en", False),
        ("Ukrainian POWs return home as North Korea tests a missile", "en", False),
        # ... and one in the first clause relates that clause's names; a relation word alone with
        # one side in its clause still has the other (implicit) as its counterpart.
        ("Russia and Ukraine swap POWs as North Korea fires a missile", "en", False),
        ("Russia and Ukraine swapped prisoners, North Korea fired a missile", "en", False),
        ("Drone attack on Putin's forces by Kyiv as North Korea prepares more troops", "en", True),
    ],
)
def test_prisoners_dispatch_and_a_relation_in_another_clause(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # The other side named beside a side's own occasion is its guest, a third party beside it or
        # not; at a third party's occasion both are only guests.
        ("China's Li Qiang, Russia's Medvedev attend North Korea's military parade", "en", True),
        ("朝鮮労働党創建80周年の記念行事に李強、メドベージェフが参加", "ja", True),
        ("李强、梅德韦杰夫出席朝鲜劳动党建党80周年庆祝活动", "zh", True),
        ("Ли Цян и Медведев на параде в Пхеньяне", "ru", True),
        ("Ли Цян и Медведев прибыли в Пхеньян", "ru", True),
        ("Representatives of 60 countries, including North Korea, attend the forum in Vladivostok", "en", True),
        # Occasion words in more languages, and the owner after the word where genitives follow
        # their noun (an adjective, a genitive word, or nothing between).
        ("Li Qiang und Medwedew bei Nordkoreas Gedenkfeier", "de", True),
        ("Li Qiang i Miedwiediew na obchodach rocznicy w Pjongjangu", "pl", True),
        ("Li Qiang és Medvegyev az észak-koreai ünnepségen", "hu", True),
        ("Ли Цян и Медведев на мероприятии в Пхеньяне", "ru", True),
        ("李強氏とメドベージェフ氏、北朝鮮の行事に出席", "ja", True),
        ("리창·메드베데프, 북한 행사 참석", "ko", True),
        ("Li Qiang e Medvedev alla parata nordcoreana", "it", True),
        ("Li Qiang y Medvédev en la ceremonia de Pyongyang", "es", True),
        ("Li Qiang și Medvedev la aniversarea Coreei de Nord", "ro", True),
        ("لي تشيانغ وميدفيديف في احتفال بيونغ يانغ", "ar", True),
        ("Putin e Kim alla parata cinese", "it", False),
        ("Putin y Kim en el desfile de China", "es", False),
        # The last of a list joined by "and" owns no occasion alone: the list does.
        ("Trump slams China, Russia and North Korea's parade posing", "en", False),
        # A verb-final language puts the owner before the occasion: names after it are its guests.
        ("चीन की विक्ट्री डे परेड पुतिन किम जोंग समेत ये नेता रहेंगे मौजूद", "hi", False),
        ("Putin and Kim attend China's military parade", "en", False),
        ("Kim attends parade in Beijing alongside Putin and Xi", "en", False),
        ("Путин и Ким прибыли в Пекин", "ru", False),
    ],
)
def test_guests_at_a_sides_occasion(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The pair joined as the subject of a clause of its own is its own statement; a third party in
        # another clause only looks on. A list, a guest list or a headline label is no such clause.
        ("China watches warily as Russia and North Korea grow closer", True),
        ("Xi Jinping looks on as Putin and Kim Jong Un chat", True),
        # A name after "as" opens its own clause: no counterpart of a relation word before it.
        ("South Korea's Lee meets Xi as Putin and Kim trade letters", True),
        ("China, Russia and North Korea leaders at the parade", False),
        ("Military parade in China: arriving Putin, Kim Jong Un", False),
        ("Japan's white paper: China the top threat… North Korean missiles, Russian drills also named", False),
    ],
)
def test_a_pair_that_opens_its_own_clause(rules, title, expected):
    assert topic_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # A background phrase ("amid …", "на фоне …") is the sentence's setting: a third party in it,
        # after both sides, takes part in nothing; one side in it, with no relation word there,
        # takes part in nothing either when the other side deals with a third party before it.
        ("Moscow rolls out red carpet for Pyongyang's top diplomat amid Trump peace push", "en", True),
        ("Российские туристы снова едут в Пхеньян на фоне предупреждений США", "ru", True),
        ("Putin hails China ties amid North Korea missile tests", "en", False),
        ("US sanctions North Korean firms amid Russia arms deal", "en", True),
        ("Japan condemns Russia and North Korea amid Ukraine war", "en", False),
        # A relative clause at the end of the sentence is one too; a third country written in it as
        # a place still places the pair's occasion there.
        ("Кім Чен Ин показав Медведєву нову ракету, яка нібито здатна долетіти до США", "uk", True),
        ("Kim and Putin at the military parade, which will be held in Beijing", "en", False),
    ],
)
def test_a_background_phrase_is_no_party(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # "Each other" after a joined list that holds both sides: each met or spoke with each, a third
        # party among them or not. Without it a list acting together, or a pair of others, is none.
        ("Xi, Putin and Kim met each other in Beijing", "en", True),
        ("Си, Путин и Ким поговорили друг с другом перед парадом", "ru", True),
        ("Xi Jinping, Poetin en Kim Jong-un spraken elkaar in Peking", "nl", True),
        ("Xi, Putin and Kim send a message of unity", "en", False),
        ("Putin and Xi praised each other as Kim watched", "en", False),
    ],
)
def test_a_list_that_met_each_other(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # A quotation opening after a name is what that name says, no list with the name inside it.
        ('[속보] 북한 "러시아와 전략적 협력 계속"…美 제재 비난', "ko", True),
        ('Pyongyang "will deepen cooperation with Moscow", rejects US pressure', "en", True),
        # Its names take no part in a relation word outside it: the speaker's counterpart is named
        # after the quotation.
        ('라브로프 "한반도 긴장 美 책임"…북과 공동전선', "ko", True),
        ('푸틴 "북한 핵 문제 대화로 풀어야"…시진핑과 회담', "ko", False),
        # Tourists and tourism relate the side they come from and the one they visit, a third
        # party's tourists the third party.
        ("러 '북한 관광' 급증…中 관광객은 여전히 제한", "ko", True),
        ("Russische Touristen reisen nach Nordkorea, Chinesen bleiben fern", "de", True),
        ("Chinese tourists return to North Korea as Russia watches", "en", False),
    ],
)
def test_quotations_and_tourism(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # A third party named as a product's origin ("Iranian-made", 이란제, イラン製) takes part in
        # nothing: the transfer is between the two sides. Korean 제재 (sanctions) is no such ending.
        ("Russia supplies Iranian-made drones to North Korea", "en", True),
        ("러, 이란제 드론 기술 北에 전수", "ko", True),
        ("ロシア、イラン製ドローンを北朝鮮に供与", "ja", True),
        ("Chinese-made cars flood Russia as North Korea tests a missile", "en", False),
    ],
)
def test_a_products_origin_is_no_party(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # Persian writes the matter's owner after it (ezafe): "about the nuclear programme of North
        # Korea" makes North Korea the topic of the talks, not a party; Wang Yi is China's.
        ("روسیه و چین درباره برنامه هسته‌ای کره شمالی گفتگو کردند", "fa", False),
        ("لاوروف درباره برنامه هسته‌ای کره شمالی با وانگ یی گفتگو کرد", "fa", False),
        ("پوتین و کیم درباره همکاری نظامی گفتگو کردند", "fa", True),
    ],
)
def test_persian_topic_phrases(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Japanese pair compounds name a third party with Russia (中ロ, 日ロ, 米ロ; not "3日ロ朝…", a
        # date before ロ朝); a side in the genitive owning the matter of 協議 is the topic, not a party.
        ("中ロ首脳会談　北朝鮮の非核化で協議", False),
        ("日ロ外相会談　北朝鮮問題を協議", False),
        ("米ロ首脳が電話会談　北朝鮮にも言及", False),
        ("ロシアと韓国が北朝鮮の核問題を協議", False),
        ("プーチン大統領は3日ロ朝首脳会談に臨んだ", True),
        ("露朝が協議　経済協力で", True),
    ],
)
def test_japanese_pair_compounds_and_the_matter_of_talks(rules, title, expected):
    assert topic_match(title, rules, lang="ja") is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # "A与B" before a word: the pair's own relation (A is no one's counterpart); a space after a
        # Han word is a headline's break, no way to a counterpart after it.
        ("特朗普与普京通话 还想见金正恩", False),
        ("习近平与普京会谈 金正恩也在北京", False),
        ("金正恩与普京会谈", True),
        ("金正恩和习近平致电普京", True),
    ],
)
def test_chinese_pairs_and_headline_breaks(rules, title, expected):
    assert topic_match(title, rules, lang="zh") is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Indonesian "bicara" (talk) as headlines shorten "berbicara": Putin is Trump's counterpart,
        # and the later meeting Trump's with Kim.
        ("Trump bicara dengan Putin, ingin bertemu Kim", False),
        ("Putin bicara dengan Kim Jong Un lewat telepon", True),
    ],
)
def test_indonesian_short_talk_verb(rules, title, expected):
    assert topic_match(title, rules, lang="id") is expected


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        # Plain "talk" verbs are contact words: with South Korea as Russia's counterpart, North
        # Korea after "about" is the matter of the talks.
        ("Rusia y Corea del Sur hablan sobre Corea del Norte", "es", False),
        ("Rússia e Coreia do Sul falam sobre Coreia do Norte", "pt", False),
        ("Russia e Corea del Sud parlano della Corea del Nord", "it", False),
        ("La Russie et la Corée du Sud parlent de la Corée du Nord", "fr", False),
        ("Rusland en Zuid-Korea praten over Noord-Korea", "nl", False),
        ("Poutine et Kim Jong-un parlent au téléphone", "fr", True),
    ],
)
def test_plain_talk_verbs(rules, title, lang, expected):
    assert topic_match(title, rules, lang=lang) is expected
