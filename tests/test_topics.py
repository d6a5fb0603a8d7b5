"""Topic matching on the real seeds: rule cases in several scripts, plus a pinned quality floor on
the labelled dev set (tests/data/topics_dev.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from newsmon.records import TopicHit
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics, normalize_text

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "tests" / "data" / "topics_dev.jsonl"


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topic_rules(ROOT / "seeds")


def hit(title: str, rules: TopicRules, text: str = "", feed_side: str | None = None) -> TopicHit | None:
    hits = [h for h in match_topics(title, text, rules, feed_side) if h.topic == "russia_dprk"]
    return hits[0] if hits else None


def is_match(title: str, rules: TopicRules, text: str = "", feed_side: str | None = None) -> bool:
    found = hit(title, rules, text, feed_side)
    return bool(found and found.is_match)


def roles(found: TopicHit | None) -> set[str]:
    return {e.role for e in found.evidence} if found else set()


@pytest.mark.parametrize(
    "title",
    [
        "Putin and Kim sign mutual defence pact in Pyongyang",
        "North Korean troops join Russian forces in the Kursk region",
        "Россия и КНДР подписали договор о всеобъемлющем стратегическом партнёрстве",
        "Шойгу прибыл в Пхеньян",
        "북한이 러시아에 병력 파견… 국정원 확인",
        "北朝鮮兵、ロシア西部クルスク州に派遣",
        "俄朝签署全面战略伙伴关系条约",
        "俄羅斯與北韓恢復莫斯科至平壤直航",
        "ولي العهد الكوري الشمالي؟ لافروف يصل إلى بيونغ يانغ لإجراء محادثات",
        "Nordkorea schickt Soldaten nach Russland",
        "La Corée du Nord envoie des obus à la Russie",
        "Rusya ile Kuzey Kore arasında yeni demiryolu anlaşması",
    ],
)
def test_relations_in_many_languages_match(rules, title):
    assert is_match(title, rules), hit(title, rules)


def test_both_sides_are_required(rules):
    assert not is_match("Putin opens new bridge in Crimea", rules)
    assert not is_match("North Korea test-fires ballistic missile into the sea", rules)
    assert is_match("Putin meets North Korean foreign minister in Moscow", rules)


def test_south_korea_is_not_the_dprk(rules):
    for title in ("Russia summons South Korean ambassador over remarks",
                  "Лавров провёл переговоры с министром иностранных дел Южной Кореи",
                  "러시아, 한국과 외교 회담 개최",
                  "俄罗斯与韩国举行外交磋商"):
        found = hit(title, rules)
        assert found is None or not found.is_match, title
        assert "side:dprk" not in roles(found), title
        assert any(r.startswith("exclude:south_korea") for r in roles(found)), title


def test_korea_alone_is_weak_evidence(rules):
    found = hit("Korea's exports to Russia rise on car shipments", rules)
    assert found is not None and not found.is_match
    assert "weak:dprk" in roles(found)


def test_known_near_misses_do_not_match(rules):
    assert not is_match("Kim Jong Un meets Xi Jinping in Beijing", rules)
    assert not is_match("Ukrainian forces push deeper into Russia's Kursk region", rules)
    assert not is_match("Lavrov meets Indian foreign minister Jaishankar in Moscow", rules)
    assert not is_match("Tourists return to Wonsan-Kalma beach resort", rules)


def test_hindi_headline_has_devanagari_evidence_for_both_sides(rules):
    title = "लावरोव ने वोनसान में उत्तर कोरियाई विदेश मंत्री चो सोन हुई से मुलाकात की"
    found = hit(title, rules)
    assert found is not None and found.is_match
    assert "diplomacy" in found.subtopics
    for side in ("side:russia", "side:dprk"):
        matched = [e.matched for e in found.evidence if e.role == side and e.where == "title"]
        assert matched and all("\u0900" <= m[0] <= "\u097f" for m in matched), (side, found.evidence)
    assert any(e.matched == "उत्तर कोरियाई" for e in found.evidence)  # inflected form, whole word


def test_feed_side_can_stand_in_for_the_dprk(rules):
    title = "Russian Foreign Minister sends message of greetings"
    assert not is_match(title, rules)
    found = hit(title, rules, feed_side="dprk")
    assert found is not None and found.is_match
    assert [e.where for e in found.evidence if e.role == "side:dprk"] == ["feed"]
    assert hit("Weather forecast for the weekend", rules, feed_side="dprk") is None


@pytest.mark.parametrize(
    ("title", "subtopic"),
    [
        ("North Korean troops fight alongside Russian forces", "military"),
        ("Moscow–Pyongyang passenger flights resume", "transport_tourism"),
        ("UN panel says Russia violated sanctions on North Korea", "sanctions_un"),
        ("Russia and North Korea agree to expand trade and investment", "economy"),
        ("North Korean students begin studies at Russian universities", "culture_people"),
        ("Kim Jong Un sends greetings to Putin on Russia Day", "diplomacy"),
    ],
)
def test_subtopics(rules, title, subtopic):
    found = hit(title, rules)
    assert found is not None and found.is_match and subtopic in found.subtopics


def test_nearby_evidence_scores_higher_than_distant(rules):
    near = hit("Putin and Kim Jong Un held talks", rules)
    filler = " ".join(f"Sentence {n} is about the weather." for n in range(6))
    far = hit("Putin held talks", rules, text=f"{filler} Separately, Kim Jong Un toured a farm.")
    assert near is not None and far is not None
    assert 0 <= far.score < near.score <= 1


def test_inflections_particles_and_short_cjk_terms(rules):
    assert "side:dprk" in roles(hit("Делегация прибыла в Пхеньяне и встретилась с Пхеньяном", rules))
    assert "side:dprk" in roles(hit("북한과 러시아", rules))
    assert hit("北京与东北地区天气晴朗", rules) is None  # 北 inside 北京/东北 is not the North
    assert "side:russia" not in roles(hit("官员透露朝鲜将举行阅兵", rules))  # 露 in 透露 is not Russia
    found = hit("وزير الخارجية الروسي يلتقي نظيره الكوري الشمالي", rules)
    assert {"side:russia", "side:dprk"} <= roles(found)


@pytest.mark.parametrize(
    "title",
    [
        "Biden to phone Putin on Friday and says he could also sit down with Kim Jong Un",
        "Trump spricht mit Putin und will Kim Jong Un einen Brief schreiben",
        "トランプ氏、プーチン氏と会談へ　金正恩氏にも書簡",
        "日 백서 \"中·러·北 위협 커져\"",
        "Threat report names China, Russia, Iran and North Korea as top dangers to Japan",
    ],
)
def test_a_third_party_dealing_with_each_side_apart_is_no_relation(rules, title):
    found = hit(title, rules)
    assert found is not None and not found.is_match, found
    assert any(r.startswith("third:") for r in roles(found)), found


@pytest.mark.parametrize(
    "title",
    [
        "US says North Korea sent thousands more troops to Russia",  # relation word
        "Washington watches Putin-Kim summit with concern",  # the pair written as one compound
        "日 \"북·러 밀착 우려\"",
        "美国称俄罗斯向朝鲜提供防空系统",
        "ABD: Kuzey Kore Rusya'ya silah gönderiyor",
    ],
)
def test_a_third_party_reacting_to_the_relation_still_matches(rules, title):
    found = hit(title, rules)
    assert found is not None and found.is_match, found


def test_a_relation_in_another_sentence_lifts_a_one_sided_third_party_sentence(rules):
    title = "EU sanctions three North Korean generals"
    assert not is_match(title, rules, text="The bloc said the list was agreed on Monday in Brussels.")
    assert is_match(title, rules, text="They organised the dispatch of soldiers to the Russian front.")


def test_normalisation_unifies_width_case_dashes_and_invisible_characters():
    assert normalize_text("Ｋｉｍ\u200b Jong\u2011Un’s") == "kim jong-un's"
    assert normalize_text("Pjöngjang  Corée") == "pjongjang coree"
    assert normalize_text("كوريا الشمالية") == normalize_text("كوريا الشماليّة")


def test_evidence_order_is_deterministic(rules):
    title, text = "Putin hosts Kim", "North Korean leader Kim Jong Un arrived in Moscow. Talks followed."
    first = match_topics(title, text, rules)
    assert first == match_topics(title, text, rules)
    wheres = [e.where for e in first[0].evidence]
    assert wheres == sorted(wheres, key=["title", "text", "feed"].index)


# Pinned floor: a little under the measured values (P 0.996, R 0.996, F1 0.996 on 535 items).
FLOOR = {"precision": 0.98, "recall": 0.98, "f1": 0.98}
LANGUAGE_RECALL_FLOOR = 0.90
LANGUAGE_PRECISION_FLOOR = 0.90  # every language, as the issue asks
CORE_LANGUAGES = ("en", "ru", "ko", "ja", "zh", "hi", "ar", "de", "fr", "es")


def test_dev_set_quality_floor(rules):
    if not DEV_SET.exists():
        pytest.skip("tests/data/topics_dev.jsonl is absent")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        guess = is_match(item["title"], rules, item.get("text", ""))
        for key in ("all", item["lang"]):
            counts[key][0] += guess and item["label"]
            counts[key][1] += guess and not item["label"]
            counts[key][2] += item["label"] and not guess
    tp, fp, fn = counts["all"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= FLOOR["precision"]
    assert recall >= FLOOR["recall"]
    assert 2 * precision * recall / (precision + recall) >= FLOOR["f1"]
    for lang in CORE_LANGUAGES:
        tp, _, fn = counts[lang]
        assert tp / (tp + fn) >= LANGUAGE_RECALL_FLOOR, lang
    for lang, (tp, fp, _) in counts.items():
        assert tp + fp == 0 or tp / (tp + fp) >= LANGUAGE_PRECISION_FLOOR, lang
