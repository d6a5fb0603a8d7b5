"""English phrasings of Russia–DPRK news that name both sides beside a third party, on the real
seeds (issue #22): reporting subjects and "Speaker:" headings, third parties condemning or
sanctioning the cooperation, possessives, metonymy, relative clauses and asides, "as"/"while"/"amid"
clauses, meetings and calls next to a third party, movement words, a contact noun framing its
clause, offtopic cues that are only the occasion of a relation, movements and transfers with a
side as destination, guests "in attendance", digest headlines joined by semicolons, a headline's
short form that its lede names in full, a side written on a policy or issue noun, a lone "Kim"
beside Seoul as the counterpart of the other side's relation noun, a relation noun in a clause told
to a third party ("assures South Korea that ..."), state-media "Korean side", hyphen compounds of
third parties, bare movement verbs, and near-miss negatives.
Every sentence is written for these tests (none is taken from a dev set or a corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.topics.grammar import word_cost
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topic_rules(ROOT / "seeds")


def is_match(title: str, rules: TopicRules, text: str = "") -> bool:
    hits = [h for h in match_topics(title, text, rules, lang="en") if h.topic == "russia_dprk"]
    return bool(hits and hits[0].is_match)


POSITIVES = [
    # A third party reporting the fact is its source, not a party.
    ("Ukraine says North Korean troops fighting for Russia suffered heavy losses", ""),
    ("South Korea's spy agency says North Korea has sent 3,000 more troops to Russia", ""),
    ("Pyongyang ships ballistic missiles to Moscow, Kyiv says", ""),
    ("Russia helped North Korea launch its spy satellite, Seoul says", ""),
    ("Seoul believes Russia supplied North Korea with fighter jets", ""),
    ("North Korean troops in Russia number 11,000, US intelligence assesses", ""),
    ("Kremlin says Putin and Kim discussed Ukraine by phone", ""),
    # A "Speaker:" heading before the fact.
    ("Seoul: North Korea sent more shells to Russia", ""),
    ("Kyiv: North Korean missiles fired by Russia hit Kharkiv", ""),
    ("State Department: North Korean troops fighting alongside Russian forces in Kursk", ""),
    ("Japan's Yomiuri: Russia to help North Korea with satellite launch", ""),
    ("Kim: North Korea will always stand with Russia", ""),
    # Third parties condemning, sanctioning or reporting on the cooperation (positive by the dev
    # sets' labels).
    ("US, Japan and South Korea condemn deepening Russia-North Korea military ties", ""),
    ("G7 foreign ministers condemn North Korea's arms transfers to Russia", ""),
    ("Japan's foreign minister voices concern over Russia-North Korea ties in call with Blinken", ""),
    ("South Korea summons Russian ambassador over Putin-Kim pact", ""),
    ("UN experts say Russia-North Korea arms transfers violate sanctions", ""),
    ("Trump administration weighs sanctions on Russia-North Korea arms network", ""),
    # A third party as the subject of a verb whose object holds the relation.
    ("Biden calls North Korean troops in Russia 'very dangerous'", ""),
    ("China says it is not aware of North Korean troops in Russia", ""),
    # Possessives.
    ("Putin's ally Kim pledges more support for Russia's war in Ukraine", ""),
    ("Putin's North Korea trip rattles Seoul and Tokyo", ""),
    ("Russia's war in Ukraine: North Korea sends another batch of artillery", ""),
    # Metonymy: capitals for the sides.
    ("Moscow and Pyongyang sign agreement on tourism", ""),
    ("Washington condemns Pyongyang's deployment of troops to Russia", ""),
    ("DPRK-Russia friendship week opens in Pyongyang amid US-ROK drills", ""),
    # Relative clauses and asides holding a third party.
    ("Putin, who signed a mutual defence treaty with Kim last year, calls North Korean soldiers heroes", ""),
    ("North Korea's Choe meets Lavrov in Moscow",
     "North Korean Foreign Minister Choe Son Hui, who is also expected to travel to Belarus later this week, held "
     "talks in Moscow on Monday with Russian Foreign Minister Sergei Lavrov, the Russian foreign ministry said."),
    # Meetings, calls and visits next to a third party or in a third country.
    ("Putin meets Kim in Beijing ahead of China's military parade", ""),
    ("After Trump summit, Putin phones Kim to brief him on talks", ""),
    ("Lavrov meets North Korean foreign minister Choe Son Hui on the sidelines of ASEAN forum in Kuala Lumpur", ""),
    ("Putin heads to Vietnam after North Korea visit", ""),
    ("Putin lands in Pyongyang, then flies on to Hanoi", ""),
    ("North Korea's Choe Son Hui travels to Moscow, Minsk", ""),
    ("North Korea's top diplomat arrives in Moscow as Trump-Putin summit nears", ""),
    ("North Korean delegation led by Choe Son Hui arrives in Moscow after Minsk visit", ""),
    # Each member of a listed subject relates to the counterpart after the word.
    ("Putin, Xi and Lukashenko send greetings to Kim", ""),
    ("Medvedev and Li Qiang join Kim Jong Un at parade", ""),
    # A passive's agent is the guest of the clause's subject, the host.
    ("North Korea holds parade attended by Russian and Chinese officials", ""),
    ("North Korea shows off new missile",
     "North Korea showed off a new missile at a military parade attended by senior officials from Russia and "
     "China, state media said."),
    # A contact noun after "in" takes its clause's subject and the name after "with".
    ("Putin and Kim condemn Israel's attack on Iran in phone call", ""),
    # "as", "while" and "amid" clauses about a third party.
    ("North Korea sends more troops to Russia as Trump pushes for a ceasefire in Ukraine", ""),
    ("China watches warily as North Korea draws closer to Russia", ""),
    ("Kim Jong Un's sister says North Korea will stand with Russia, slams US and Japan", ""),
    ("Russian Security Council Secretary Shoigu arrives in Pyongyang",
     "Russian Security Council Secretary Sergei Shoigu arrived in Pyongyang on Tuesday, TASS reported, as Moscow "
     "and Washington negotiate over Ukraine."),
    # "Kim" joined to Putin, or only a relation word between them, beside South Korea.
    ("South Korea says Putin and Kim discussed arms", ""),
    ("Putin gives Kim another Aurus limousine as Seoul protests", ""),
    # "the North" beside South Korea is the DPRK; "Kim" before any South Korean name is too.
    ("South Korea says the North has sent more troops to Russia", ""),
    ("Seoul: the North's troops are fighting in Russia", ""),
    ("Kim vows to back Russia as South Korea protests", ""),
    # A disaster or a briefing as the occasion of a relation, not the news.
    ("Kim Jong Un sends condolences to Putin over Kamchatka earthquake", ""),
    ("North Korea's Kim expresses sympathy to Putin after powerful earthquake and tsunami", ""),
    ("Russia sends aid to North Korea after typhoon", ""),
    ("Moscow will keep developing ties with Pyongyang, Zakharova says",
     "Russian Foreign Ministry spokeswoman Maria Zakharova told a weekly briefing on Wednesday that Moscow will "
     "keep developing ties with Pyongyang in all areas."),
    ("Kremlin says Putin-Kim summit not on agenda yet",
     "Kremlin spokesman Dmitry Peskov told reporters at a daily briefing that no dates had been set for a new "
     "meeting between Putin and Kim Jong Un."),
    # Trade, transport, tourism and culture ties; arms and technology transfers.
    ("Moscow-Pyongyang direct flights resume after three decades", ""),
    ("Russian tourists in North Korea caught by typhoon", ""),
    ("North Korean footballers play friendly match against Russian club in Moscow", ""),
    ("Russia is helping North Korea build nuclear-powered submarines, South Korean official says", ""),
    ("Russian tankers deliver oil to North Korea in breach of sanctions, satellite images show", ""),
    ("North Korean workers help Russia build Iranian-designed drones in Tatarstan", ""),
    # "joint" relates the pair before it, whoever reports it.
    ("Russian and North Korean warships hold joint drills, Japan says", ""),
    # A site name after the headline is no party.
    ("Putin thanks Kim for troops in Kursk - The Japan Times", ""),
    ("North Korea sends more troops to Russia | South China Morning Post", ""),
    # A movement or transfer to one side from the other is their relation, whoever is the subject.
    ("UK sanctions North Korean generals over troop deployment to Russia", ""),
    ("Canada targets North Korean officials over arms transfers to Russia", ""),
    ("Brussels weighs penalties for Pyongyang's missile shipments to Moscow, diplomats say", ""),
    # ... also with the origin as the owner of the sanctioned, some words before.
    ("EU sanctions North Korean defence chief",
     "The European Union on Tuesday imposed sanctions on North Korea's defence minister and a deputy chief of "
     "staff over the deployment of soldiers to Russia."),
    # ... also with its origin after "from", or the destination after a place of the origin.
    ("Britain targets vessels that carried munitions from North Korea to Russia", ""),
    ("US sanctions shipping firms",
     "The U.S. Treasury on Tuesday sanctioned two shipping companies and three vessels it said carried North "
     "Korean shells from the port of Rajin to Russian ports in the Far East."),
    # Joint military hardware and "stand by" are relation words.
    ("Japan scrambles jets as Russian and North Korean bombers fly near its airspace", ""),
    ("Kim's sister says Pyongyang will stand by Moscow whatever happens, blasting Washington", ""),
    # A movement verb opening the next clause shares the sentence's subject.
    ("Russia's Shoigu meets China's Wang Yi, then flies to Pyongyang", ""),
    # A pair after a topic preposition heads its own relation word, and is no counterpart of an
    # earlier verb ("briefs NATO allies on North Korea-Russia ...").
    ("Canada briefs NATO allies on North Korea-Russia military cooperation", ""),
    # A number with group separators is one word ("more than 15,000 containers").
    ("U.S., partners say North Korea has sent more than 15,000 containers of munitions to Russia", ""),
    # Pronoun subjects beside a third party; a possessive before a relation noun stands for the
    # sentence's subject, also after third parties named in between.
    ("North Korea slams US, Japan and South Korea, defends its troop deployment to Russia", ""),
    ("Pyongyang accuses Washington of lying about its troops in Russia", ""),
    ("North Korea defends its troop deployment to Russia as US condemns the move", ""),
    ("Pyongyang says its soldiers in Russia fought heroically, mocks Seoul and Washington", ""),
    # A noun with its "with" counterpart belongs to the clause's subject, further away.
    ("Russia tells South Korea not to worry about its treaty with North Korea", ""),
    # Guests framed by "with ... in attendance" are the host's counterparts, as after "attended by".
    ("North Korea stages parade with China's Li Qiang and Russia's Medvedev in attendance", ""),
    ("Kim Jong Un opens new hospital with Russian envoy and Chinese diplomats in attendance", ""),
    # A headline's one-word short form ("Korea", "Kim") is the side its lede names in full.
    ("Memorial to Kursk fallen to rise in Korea", "The DPRK's news agency announced the plan on Monday."),
    ("Korea to send art troupe to Vladivostok", "The DPRK's culture ministry announced the tour on Tuesday."),
    # A lone "Kim" beside Seoul is the DPRK's when it is the counterpart of the other side's relation
    # noun, the owner written before it or as a pronoun standing for the sentence's subject.
    ("Seoul protests Putin's defence pact with Kim", ""),
    ("Putin tells Seoul his defence pact with Kim is no threat", ""),
    # A third party told "that" a relation noun with one side ... owns nothing of the noun: the
    # speaker does ("assures South Korea that the agreement with Pyongyang").
    ("Putin assures South Korea that the partnership agreement with Pyongyang is not a threat", ""),
    ("Putin tells Tokyo that the defence treaty with North Korea targets no one", ""),
    # State-media phrasing: "the Korean side" beside "the Russian side", "Korean comrades".
    ("Talks held between the Korean side and the Russian side", ""),
    ("The Russian side expressed thanks to the Korean side for the support", ""),
    ("Putin thanks Korean comrades for Kursk", ""),
    # A hyphen compound of third parties is one word between the subject and its next verb.
    ("North Korea condemns US-Japan-South Korea drills, backs Russia on Ukraine", ""),
    # Bare movement verbs with a destination list that holds a third party.
    ("North Korea's foreign minister will travel to Russia and Belarus this week", ""),
    ("North Korean delegation to head to Moscow and Beijing", ""),
    # A side on a policy noun stays a party when it is the counterpart's own side.
    ("Lavrov held talks with Choe on North Korea policy", ""),
]

NEGATIVES = [
    # One side's talks with a third party about the other side.
    ("Russia and South Korea discuss North Korea's nuclear programme", ""),
    ("South Korea's Lee calls Putin to seek help with North Korea dialogue", ""),
    ("China and Russia discuss North Korea and Ukraine talks", ""),
    # A third party relating to each side apart.
    ("Trump says he would meet Kim and wants to end Russia's war in Ukraine", ""),
    ("Trump wants to meet Kim, talk to Putin", ""),
    ("China's Xi meets Putin, then Kim, in Beijing", ""),
    # Co-listed names and threat lists.
    ("Japan's defence white paper lists China, North Korea and Russia as threats", ""),
    ("Xi, Putin and Kim line up at Beijing parade", ""),
    ("Japan, South Korea hold talks on Russia, North Korea threats", ""),
    # One side only, or a third party's relation with one side.
    ("Xi Jinping meets Kim Jong Un in Beijing", ""),
    ("Belarus' Lukashenko to visit Pyongyang, meet Kim", ""),
    ("Kim Jong Un oversees test of new hypersonic missile", ""),
    ("North Korea's Kim oversees missile test",
     "North Korean leader Kim Jong Un oversaw a test of a new missile, state media said, as the United States and "
     "South Korea held drills."),
    # A South Korean official named Kim.
    ("South Korea's Kim Hong-kyun meets Russian envoy", ""),
    # A third party's parade relates none of its guests.
    ("Xi Jinping hosts a military parade in Beijing attended by Putin and Kim", ""),
    ("China holds parade attended by Kim Jong Un and Vladimir Putin", ""),
    # A listed subject with no side of the other party relates to no side.
    ("Xi, Lukashenko and To Lam send greetings to Kim", ""),
    # A place the movement word does not reach: Beijing, where the parade is.
    ("Kim Jong Un arrives in Beijing for a military parade alongside Putin and Xi", ""),
    # Third parties' joint drills beside the sides' own ties are not what relates the sides.
    ("US and Japan hold joint drills to counter North Korea, Russia", ""),
    # Disasters next to both sides, with no relation between them.
    ("Typhoon hits North Korea; Russia's Far East braces", ""),
    ("Earthquake in Russia's Kamchatka felt in North Korea", ""),
    # A transfer whose origin is a third party, or whose destination is no side.
    ("Japan says Chinese arms shipments to Russia rose as North Korea tested missiles", ""),
    ("North Korea warns US over troop deployment to South Korea", ""),
    ("Japan says shipments from China to Russia rose as North Korea tested missiles", ""),
    # A possessive after a name told to do something is that name's ("its" is China's).
    ("Russia asks China to use its ties with North Korea", ""),
    # A topic's pair is a topic too: "on China-Russia drills" names no party.
    ("US briefs Seoul on China-Russia drills as North Korea fires missile", ""),
    # A third party's trip after its talks with one side.
    ("China's Wang Yi meets Lavrov in Moscow, then flies to Pyongyang", ""),
    # A destination after another verb of a third party's clause is not the first verb's.
    ("Trump says he spoke with Putin for an hour and will write to Kim again", ""),
    ("Japan scrambles jets as Chinese and Russian bombers fly near; North Korea fires missile", ""),
    # A third party's guests, framed by "with ... in attendance".
    ("Xi hosts banquet with Kim and Putin in attendance", ""),
    # A semicolon joins two items of a digest headline.
    ("North Korea fires cruise missiles; Russia strikes Kyiv with drones", ""),
    ("Russia's Lavrov meets Rubio in Riyadh; North Korea tests new engine", ""),
    # A side written on a policy or issue noun is what the talks are about, not a party to them.
    ("A Japanese envoy held talks in Moscow with Russian diplomats handling North Korea policy", ""),
    ("Seoul's nuclear envoy meets Russian officials in charge of North Korea affairs", ""),
    ("Chinese and Russian envoys compare notes on North Korea issues", ""),
    # A lone "Kim" beside Seoul that is no counterpart of the other side's relation noun stays ambiguous.
    ("Seoul says Putin's talks with Xi worry Kim", ""),
    ("Seoul warns Putin's military deal with Xi could embolden Kim", ""),
    # ... and a speaker that is no side owns it with the third party told, not with the other side.
    ("Xi assures South Korea that the talks with Pyongyang went well", ""),
    ("Japan tells Russia that the talks with China were useful, as North Korea watches", ""),
    # "The Korean side" in a sentence that names Seoul may be the South's.
    ("The Korean side and the Russian side signed a fisheries protocol in Seoul", ""),
    # ... while a third party's travel beside one side is none.
    ("Putin will travel to China, then fly to Vietnam, as North Korea watches", ""),
    ("Japan condemns North Korea-Russia-China drills, backs Ukraine", ""),
    # A headline's short form is not the DPRK when the lede gives it as the South, or gives no side.
    ("Korea to send art troupe to Vladivostok", "South Korea's culture ministry announced the tour on Tuesday."),
    ("Russian tourists flock to Korea's ski resorts", "Seoul's tourism board counted 2,000 visitors from Russia."),
    ("Memorial to Kursk fallen to rise in Korea", ""),
]


@pytest.mark.parametrize("title, text", POSITIVES)
def test_english_relations_beside_a_third_party_match(rules, title, text):
    assert is_match(title, rules, text), title


@pytest.mark.parametrize("title, text", NEGATIVES)
def test_english_near_misses_do_not_match(rules, title, text):
    assert not is_match(title, rules, text), title


def test_a_number_with_group_separators_is_one_word():
    # "more than 20,000 containers" is four words, as "more than 900 containers" is; a comma that
    # ends a clause before a number is no group separator.
    assert word_cost("sent more than 20,000 containers of") == word_cost("sent more than 900 containers of") == 6
    assert word_cost("1.500 soldaten") == 2
    assert word_cost("in 2024, 300 troops") == 4


def test_a_possessive_heads_a_military_noun_beside_a_place_of_the_other_side(rules):
    # "its soldiers in Kursk": the pronoun stands for Pyongyang, so Kursk counts at full weight as
    # with "North Korean soldiers in Kursk" (without the pronoun rule the proxy's own weight, 0.632).
    hits = [h for h in match_topics("Pyongyang rejects US claims about its soldiers in Kursk", "", rules, lang="en")
            if h.topic == "russia_dprk"]
    assert hits and hits[0].is_match and hits[0].score == 1.0


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Closeness words relate the two names beside them, a third party looking on or not.
        ("Beijing uneasy as Putin got too close to Pyongyang", True),
        ("Xi watches Putin's embrace of Pyongyang", True),
        ("Russia and North Korea grow closer, China watches warily", True),
        ("Putin, Xi grow closer as North Korea tests missiles", False),
    ],
)
def test_closeness_words(rules, title, expected):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # A verb after a comma opens a clause that shares the sentence's subject, however far; the
        # name before the comma was the first verb's object, not the second's.
        ("Kim Yo Jong slams Seoul, praises 'invincible' ties with Moscow", True),
        ("North Korea rejects Japan's protest over Russian drills, backs Moscow", True),
        ("Japan protests North Korean launch, seeks talks with Russia", False),
        ("South Korea slams North Korea, praises ties with Russia", False),
        # A comma alone after a counterpart opens a clause, no list of counterparts ("with Xi, Kim
        # and Lukashenko" is one).
        ("Putin held talks with Xi, North Korea fired a missile", False),
        ("Putin met Xi, Kim Jong Un and Lukashenko in Beijing", True),
    ],
)
def test_a_verb_after_a_comma_shares_the_sentences_subject(rules, title, expected):
    assert is_match(title, rules) is expected
