"""Data tests for seeds/topics.csv and seeds/topic_terms.csv (dbt-style: unique, not null,
accepted values, relationships), plus the loader's error messages for broken files."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from newsmon.topics.match import (
    GATED_ROLE_KINDS,
    MATCH_KINDS,
    ROLE_KINDS,
    SeedError,
    load_topic_rules,
    normalize_text,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# ISO 639-1, plus "mul" (ISO 639-2: a name written the same way in several languages).
ISO_639_1 = set(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id "
    "ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu "
    "lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu "
    "rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
) | {"mul"}
ROLE_PATTERN = re.compile(r"^(?:both_sides|(?P<kind>[a-z_]+):(?P<name>[a-z][a-z0-9_]*))$")
# Languages the product promises: each must be able to name both sides on its own.
CORE_LANGUAGES = ("en", "ru", "uk", "ko", "ja", "zh", "hi", "ar", "fa", "de", "fr", "es", "it", "pt", "tr")


def read(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def topics() -> list[dict[str, str]]:
    return read("topics.csv")


@pytest.fixture(scope="module")
def terms() -> list[dict[str, str]]:
    return read("topic_terms.csv")


def test_topics_have_unique_ids_and_scores_in_range(topics):
    ids = [row["topic"] for row in topics]
    assert ids and len(ids) == len(set(ids))
    for row in topics:
        assert row["label"].strip() and row["description"].strip(), row
        assert 0 < float(row["min_score"]) <= 1, row


def test_term_ids_are_unique_and_no_field_is_empty(terms):
    counts = Counter(row["term_id"] for row in terms)
    assert [term_id for term_id, n in counts.items() if n > 1] == []
    for row in terms:
        assert all((row[column] or "").strip() for column in row if column != "entity"), row


def test_every_term_belongs_to_a_known_topic(topics, terms):
    known = {row["topic"] for row in topics}
    assert {row["topic"] for row in terms} <= known


def test_roles_are_known_and_weak_or_proxy_roles_point_at_a_real_side(terms):
    sides: dict[str, set[str]] = {}
    for row in terms:
        match = ROLE_PATTERN.match(row["role"])
        assert match, row
        assert row["role"] == "both_sides" or match["kind"] in ROLE_KINDS, row
        if match["kind"] == "side":
            sides.setdefault(row["topic"], set()).add(match["name"])
    for row in terms:
        kind, _, name = row["role"].partition(":")
        if kind in ("weak", "proxy"):
            assert name in sides.get(row["topic"], set()), row


def test_languages_match_kinds_and_weights_are_valid(terms):
    for row in terms:
        assert row["lang"] in ISO_639_1, row
        assert row["match"] in MATCH_KINDS, row
        assert 0 < float(row["weight"]) <= 1, row


def test_regex_terms_compile(terms):
    for row in (r for r in terms if r["match"] == "regex"):
        re.compile(row["term"])


def test_no_term_is_listed_twice_for_the_same_role(terms):
    # Spelling variants that normalise to one form ("Kim Jong-un" / "Kim Jong Un") are one term.
    # Cue words count only in their own language's text, so "entre" is one cue in fr, es and pt.
    keys = Counter(
        (row["topic"], row["role"], re.sub(r"[ \-·]+", " ", normalize_text(row["term"])),
         row["lang"] if row["role"].split(":", 1)[0] in GATED_ROLE_KINDS else "")
        for row in terms if row["match"] != "regex"
    )
    assert [key for key, n in keys.items() if n > 1] == []


def test_core_languages_can_name_both_sides(terms):
    for lang in CORE_LANGUAGES:
        roles = {row["role"] for row in terms if row["lang"] == lang}
        assert {"side:russia", "side:dprk"} <= roles, lang
        assert any(r.startswith("exclude:south_korea") for r in roles), lang


def test_core_languages_name_third_parties_and_relation_words(terms):
    # The third-party rule (newsmon/topic_context.py) only works where both lists exist.
    for lang in CORE_LANGUAGES:
        kinds = {row["role"].split(":", 1)[0] for row in terms if row["lang"] == lang}
        assert {"third", "relation"} <= kinds, lang
    for row in terms:
        if row["role"].startswith("third:"):
            assert float(row["weight"]) < 1, row  # a third party only ever discounts


def test_hindi_and_arabic_include_inflected_and_article_forms(terms):
    normalised = {normalize_text(row["term"]) for row in terms}
    assert {"रूस", "उत्तर कोरिया"} <= normalised  # prefix terms: रूसी, उत्तर कोरियाई match too
    assert normalize_text("بيونغ يانغ") in normalised


def test_real_seeds_load(tmp_path):
    rules = load_topic_rules(SEEDS)
    assert "russia_dprk" in rules.topics
    assert rules.sides["russia_dprk"] == ("dprk", "russia")


def write_seeds(folder: Path, terms_body: str) -> None:
    (folder / "topics.csv").write_text(
        "topic,label,description,min_score\nt,T,test topic,0.5\n", encoding="utf-8")
    (folder / "topic_terms.csv").write_text(
        "term_id,topic,role,lang,match,term,weight\n" + terms_body, encoding="utf-8")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x2,t,side:a,en,glob,beta,1", "unknown match kind"),
        ("x2,nope,side:a,en,word,beta,1", "unknown topic"),
        ("x2,t,sideways,en,word,beta,1", "unknown role"),
        ("x2,t,side:a,en,regex,(unclosed,1", "regex does not compile"),
        ("x2,t,side:a,en,word,beta,heavy", "weight must be a number"),
        ("x2,t,weak:nobody,en,word,beta,1", "names no side"),
    ],
)
def test_loader_errors_name_the_file_and_line(tmp_path, row, message):
    write_seeds(tmp_path, "x1,t,side:a,en,word,alpha,1\n" + row + "\n")
    with pytest.raises(SeedError) as info:
        load_topic_rules(tmp_path)
    assert "topic_terms.csv:3" in str(info.value)
    assert message in str(info.value)


def test_a_topic_can_be_added_purely_in_csv(tmp_path):
    from newsmon.topics.match import match_topics

    write_seeds(tmp_path, "x1,t,side:a,en,word,alpha,1\nx2,t,side:b,en,prefix,beta,1\n")
    rules = load_topic_rules(tmp_path)
    hits = match_topics("Alpha meets Betas", "", rules)
    assert [(h.topic, h.is_match) for h in hits] == [("t", True)]
    assert match_topics("Alpha alone", "", rules)[0].is_match is False


def test_entities_are_language_independent_ids_shared_across_scripts(terms):
    entities = [row.get("entity") or "" for row in terms]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", e) for e in entities if e)
    spellings = Counter(e for e in entities if e)
    assert spellings["putin"] >= 10 and spellings["pyongyang"] >= 10  # one id, many scripts


def test_evidence_carries_the_entity_id(tmp_path):
    from newsmon.topics.match import match_topics

    rules = load_topic_rules(SEEDS)
    hit = match_topics("Лавров прибыл в Пхеньян", "", rules)[0]
    assert {e.entity for e in hit.evidence} >= {"lavrov", "pyongyang"}
