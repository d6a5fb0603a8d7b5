"""Topic tagging: seed terms (seeds/topics.csv, seeds/topic_terms.csv) -> TopicHit records.

A topic such as russia_dprk has *sides*; an item matches when every side has evidence, and the
closer the evidence sits (same title or sentence beats far apart in the body), the higher the
score. Terms are data, not code: the loader compiles them once (newsmon/topics/scan.py), so tagging
costs a few regex scans per item whatever the number of terms, read sentence by sentence
(newsmon/topics/sentences.py). Matching works on normalised text and never needs to know the item's
language.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from newsmon.records import Evidence, TopicHit
from newsmon.topics.grammar import EMPTY_GRAMMAR, Grammar, word_cost
from newsmon.topics.grammar_seeds import load_grammar
from newsmon.topics.languages import gated, read_in_language
from newsmon.topics.pronouns import pair_stand_ins, pronoun_stand_ins
from newsmon.topics.rules_cache import read_rules, rules_key, write_rules
from newsmon.topics.scan import Found, Scanner, TermRule, compile_terms, normal_term, scan, scripts_in
from newsmon.topics.sentences import unit_starts
from newsmon.topics.textnorm import normalize_text
from newsmon.topics.units import relating_units, separate_units
from newsmon.topics.weak import headline_short_forms, joined_to_side, named_before_the_south

__all__ = ["MATCH_KINDS", "ROLE_KINDS", "SeedError", "TermRule", "TopicRules", "TopicSpec",
           "load_topic_rules", "match_topics", "normalize_text"]

MATCH_KINDS = ("word", "prefix", "substring", "regex")
ROLE_KINDS = ("side", "weak", "proxy", "both_sides", "subtopic", "exclude", "offtopic", "third", "relation", "mask")
# Scanned together, so the longest term wins: "South Korea" (exclude) hides "Korea" (weak).
SIDE_ROLE_KINDS = ("side", "weak", "proxy", "both_sides", "exclude")
# Scanned on their own, so a longer subtopic cue ("military cooperation") cannot hide them; a mask
# ("stood between", "call on") hides the relation word inside it and is then dropped.
CONTEXT_ROLE_KINDS = ("third", "relation", "mask")
_SIDE_EVIDENCE = ("side", "weak", "proxy", "both_sides")
WHERE_ORDER = {"title": 0, "text": 1, "feed": 2}
_ITEMS = "title;"  # sections key of the headline parts a semicolon separates
_ITEM_MARKS = (";", "؛")


# --- seed records ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TopicSpec:
    topic: str
    label: str
    description: str
    min_score: float


@dataclass(frozen=True, slots=True)
class TopicRules:
    topics: dict[str, TopicSpec]
    sides: dict[str, tuple[str, ...]]  # topic -> its side names, sorted
    terms: tuple[TermRule, ...]
    side_scanner: Scanner  # SIDE_ROLE_KINDS terms (the longest match masks shorter ones)
    cue_scanner: Scanner  # subtopic and offtopic cues, scanned apart so "북한군" is a side and a cue
    context_scanner: Scanner  # third parties and relation words (CONTEXT_ROLE_KINDS)
    grammar: Grammar = EMPTY_GRAMMAR  # connectors, place words, separators, name endings


class SeedError(ValueError):
    pass


def _rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise SeedError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {k: (row.get(k) or "").strip() for k in columns + optional}


def _number(path: Path, line: int, name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise SeedError(f"{path}:{line}: {name} must be a number, got {value!r}") from None


def load_topic_rules(seeds_dir: Path) -> TopicRules:
    """Read topics.csv and topic_terms.csv from seeds_dir and compile them once (a built copy is
    kept on disk for the next process: newsmon/topics/rules_cache.py)."""
    key = rules_key(seeds_dir)
    rules = read_rules(key)
    if not isinstance(rules, TopicRules):
        rules = _build_rules(seeds_dir)
        write_rules(key, rules)
    return rules


def _build_rules(seeds_dir: Path) -> TopicRules:
    topics_path, terms_path = seeds_dir / "topics.csv", seeds_dir / "topic_terms.csv"
    topics: dict[str, TopicSpec] = {}
    for line, row in _rows(topics_path, ("topic", "label", "description", "min_score")):
        if not row["topic"] or row["topic"] in topics:
            raise SeedError(f"{topics_path}:{line}: empty or duplicate topic {row['topic']!r}")
        topics[row["topic"]] = TopicSpec(row["topic"], row["label"], row["description"],
                                         _number(topics_path, line, "min_score", row["min_score"]))
    terms: list[TermRule] = []
    lines: dict[str, int] = {}
    columns = ("term_id", "topic", "role", "lang", "match", "term", "weight")
    for line, row in _rows(terms_path, columns, optional=("entity",)):
        rule = TermRule(row["term_id"], row["topic"], row["role"], row["lang"], row["match"],
                        row["term"], _number(terms_path, line, "weight", row["weight"] or "1"), row["entity"])
        problem = _term_problem(rule, topics)
        if problem:
            raise SeedError(f"{terms_path}:{line}: {problem}")
        terms.append(rule)
        lines[rule.term_id] = line
    sides = {t: tuple(sorted({r.role_name for r in terms if r.topic == t and r.role_kind == "side"}))
             for t in topics}
    for rule in terms:
        if rule.role_kind in ("weak", "proxy") and rule.role_name not in sides[rule.topic]:
            raise SeedError(f"{terms_path}:{lines[rule.term_id]}: {rule.role} names no side of topic "
                            f"{rule.topic!r} (sides come from its side:<name> terms)")
    side_terms = [r for r in terms if r.role_kind in SIDE_ROLE_KINDS]
    cue_terms = [r for r in terms if r.role_kind not in SIDE_ROLE_KINDS + CONTEXT_ROLE_KINDS]
    context_terms = [r for r in terms if r.role_kind in CONTEXT_ROLE_KINDS]
    try:
        grammar = load_grammar(seeds_dir)
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    return TopicRules(topics, sides, tuple(terms), compile_terms(side_terms, grammar.suffixes),
                      compile_terms(cue_terms, per_language=True),
                      compile_terms(context_terms, grammar.suffixes, per_language=True), grammar)


def _term_problem(rule: TermRule, topics: dict[str, TopicSpec]) -> str | None:
    if rule.topic not in topics:
        return f"unknown topic {rule.topic!r}"
    if rule.match not in MATCH_KINDS:
        return f"unknown match kind {rule.match!r} (expected one of {', '.join(MATCH_KINDS)})"
    if rule.role_kind not in ROLE_KINDS or (rule.role_kind != "both_sides") != (":" in rule.role):
        return f"unknown role {rule.role!r}"
    if not rule.term or not normal_term(rule.term):
        return "empty term"
    if rule.match == "regex":
        try:
            re.compile(rule.term)
        except re.error as exc:
            return f"regex does not compile: {exc}"
    return None


# --- scoring -------------------------------------------------------------------------------------

def _closeness(a: Found, b: Found, sections: dict[tuple[str, int], int]) -> float:
    """How strongly two pieces of evidence read as one statement."""
    if "feed" not in (a.where, b.where) and sections.get((a.where, a.unit), 0) != sections.get((b.where, b.unit), 0):
        return 0.0  # "Separately, ...": the text itself says these are two items
    if "feed" in (a.where, b.where):
        other = b if a.where == "feed" else a
        return 0.85 if other.where == "title" or other.unit == 0 else 0.7
    if a.where == b.where and a.unit == b.unit:
        return 1.0
    if a.where != b.where:
        body = a if a.where == "text" else b
        return 0.75 if body.unit <= 2 else 0.65
    if a.where == "title":
        # "North Korea fires missiles; Russia strikes Kyiv": a semicolon joins two items of a digest
        # headline, as far apart as distant sentences of a body.
        return 0.5 if sections.get((_ITEMS, a.unit), 0) != sections.get((_ITEMS, b.unit), 0) else 0.7
    gap = abs(a.unit - b.unit)
    return 0.85 if gap == 1 else 0.7 if gap <= 3 else 0.5


def _side_score(by_side: dict[str, list[Found]], sides: tuple[str, ...], pairs: list[Found],
                discount: dict[tuple[str, int], float], sections: dict[tuple[str, int], int],
                armed: frozenset[tuple[str, int]] = frozenset()) -> float:
    def weight(f: Found) -> float:
        full = f.rule.role_kind == "proxy" and (f.where, f.unit) in armed
        return (1.0 if full else f.rule.weight) * discount.get((f.where, f.unit), 1.0)

    if len(sides) == 1:
        return max((weight(f) for f in by_side[sides[0]]), default=0.0)
    weakest = 1.0
    for i, side_a in enumerate(sides):
        for side_b in sides[i + 1:]:
            best = max((weight(f) for f in pairs), default=0.0)
            for a in by_side[side_a]:
                for b in by_side[side_b]:
                    best = max(best, _closeness(a, b, sections) * math.sqrt(weight(a) * weight(b)))
            weakest = min(weakest, best)
    return weakest


def _topic_hit(topic: str, found: list[Found], rules: TopicRules, texts: dict[str, str],
               sections: dict[tuple[str, int], int]) -> TopicHit | None:
    sides = rules.sides[topic]
    found = headline_short_forms(found)
    excluded_units = {(f.where, f.unit) for f in found if f.rule.role_kind == "exclude"}
    by_side: dict[str, list[Found]] = {side: [] for side in sides}
    pairs, cues = [], set()
    kept = []
    for f in found:
        kind = f.rule.role_kind
        if (kind == "weak" and (f.where, f.unit) in excluded_units and not joined_to_side(f, found, texts, rules.grammar)
                and not named_before_the_south(f, found)):
            continue  # "Korean" in a sentence that names South Korea is not evidence for the North
        kept.append(f)
        if kind in ("side", "weak", "proxy"):  # both_sides is kept apart: it pairs with itself
            by_side[f.rule.role_name].append(f)
        elif kind == "both_sides":
            pairs.append(f)
        elif kind == "subtopic":
            cues.add(f.rule.role_name)
    if not any(f.where != "feed" and f.rule.role_kind in _SIDE_EVIDENCE for f in kept):
        return None
    if not pairs and len(sides) > 1 and not all(by_side[side] for side in sides):
        # A side with no evidence scores 0 whatever the sentences say: skip reading them.
        return TopicHit(topic, 0.0, False, tuple(sorted(cues)), _evidence(kept))
    discount = separate_units(kept, texts, rules.grammar)
    armed = _armed_units(kept, texts, rules.grammar)
    score = _side_score(by_side, sides, pairs, discount, sections, armed) * (0.8 + (0.2 if cues else 0.0))
    side_units = {(f.where, f.unit) for f in kept if f.rule.role_kind in _SIDE_EVIDENCE}
    offtopic = [f for f in kept if f.rule.role_kind == "offtopic" and (f.where == "title" or (f.where, f.unit) in side_units)]
    if offtopic and relating_units(kept, texts, rules.grammar):
        # "Kim sends condolences to Putin over Kamchatka earthquake": a relation word between the
        # sides makes the disaster or the briefing the occasion of their relation, not the news.
        offtopic = []
    for f in offtopic:
        score *= f.rule.weight
    score = round(min(1.0, score), 4)
    evidence = _evidence(kept)
    return TopicHit(topic, score, score >= rules.topics[topic].min_score, tuple(sorted(cues)), evidence)


def _armed_units(found: list[Found], texts: dict[str, str], grammar: Grammar = EMPTY_GRAMMAR) -> frozenset[tuple[str, int]]:
    """Sentences where one side's name heads a military relation word and a place or event of the
    other side is named: "North Korean troops in Kursk", "Северокорейские военные в Курской
    области" are the two sides' cooperation, though Kursk or Ukraine alone only weakly names Russia
    ("North Korea slams US weapons deliveries to Ukraine" has no such head)."""
    out = set()
    military = [f for f in found if f.rule.role == "relation:military"]
    if military and grammar.possessive is not None:  # "Pyongyang ... about its soldiers in Kursk"
        for unit in {(f.where, f.unit) for f in military}:
            members = [f for f in found if (f.where, f.unit) == unit]
            found = found + pronoun_stand_ins(members, [f for f in military if (f.where, f.unit) == unit],
                                              texts.get(unit[0], ""), grammar)
    for word in military:
        unit = (word.where, word.unit)
        text = texts.get(word.where, "")
        word_end = word.start + len(word.matched)
        # The name heads the word ("North Korean troops"), follows it as an adjective in the
        # languages that put it after the noun ("soldati nordcoreani", "tropas norcoreanas"), or
        # follows it as its origin or owner ("soldiers from North Korea", "солдаты из КНДР").
        heads = {f.rule.role_name for f in found if (f.where, f.unit) == unit and f.rule.role_kind == "side"
                 and ((f.start + len(f.matched) <= word.start
                       and word_cost(text[f.start + len(f.matched):word.start]) <= 1)
                      or (f.start >= word_end and _origin_gap(text[word_end:f.start], grammar)))}
        if any(f.rule.role_kind == "proxy" and (f.where, f.unit) == unit and f.rule.role_name not in heads
               for f in found) and heads:
            out.add(unit)
    return frozenset(out)


def _evidence(found: list[Found]) -> tuple[Evidence, ...]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in sorted(found, key=lambda f: (WHERE_ORDER[f.where], f.start, f.rule.role, f.rule.term_id)):
        key = (f.rule.term_id, f.rule.role, f.where)
        if key not in seen:
            seen.add(key)
            out.append(Evidence(f.rule.term, f.matched, f.rule.role, f.rule.lang, f.where, f.rule.entity))
    return tuple(out)


def _origin_gap(gap: str, grammar: Grammar) -> bool:
    """True when a gap between a military word and the name after it is nothing or one origin or
    genitive word ("soldati nordcoreani", "soldiers from North Korea", "troops of North Korea")."""
    words = gap.split()
    return word_cost(gap) == 0 or (len(words) == 1 and words[0] in grammar.origin_before | grammar.genitive_before)


def _speaks_of_relation(found: list[Found]) -> bool:
    """Whether a feed's declared side may stand in: the item has a relation word or a cue of
    something the two sides share (culture, trade, travel), not only military words ("North Korea
    fired a ballistic missile" from a Russian outlet is no relation with Russia; "A Russian art
    troupe arrived here" from KCNA is one with the DPRK)."""
    return any(f.rule.role_kind == "relation" or (f.rule.role_kind == "subtopic" and f.rule.role_name != "military")
               for f in found)


def _inside_names(found: list[Found]) -> list[Found]:
    """Drop relation words that are part of a longer name or offtopic phrase: "workers" in "Partito
    dei Lavoratori della RPDC" (the Workers' Party), "briefing" in "Morning briefing" (a digest);
    and cue words that are part of a side's name: the UN cue "Security Council" in "Russian
    Security Council" (Shoigu's office, not the UN). A cue inside a place or thing tied to a side
    stays one: "language" in "the Russian language" is culture."""
    names = [(f.where, f.start, f.start + len(f.matched), f.rule.role_kind == "side") for f in found
             if f.rule.role_kind in SIDE_ROLE_KINDS or f.rule.role_kind == "offtopic"]
    return [f for f in found if f.rule.role_kind not in ("relation", "subtopic") or not any(
        where == f.where and start <= f.start and f.start + len(f.matched) <= end and end - start > len(f.matched)
        and (is_name or f.rule.role_kind == "relation") for where, start, end, is_name in names)]


def _sections(where: str, norm: str, starts: list[int], grammar: Grammar) -> dict[tuple[str, int], int]:
    """Sentences after a separator ("Separately, ...") belong to a later item of the text."""
    out, section = {}, 0
    for unit, start in enumerate(starts):
        if unit and grammar.opens_new_item(norm[start:start + 60]):
            section += 1
        if section:
            out[(where, unit)] = section
    return out


def match_topics(
    title: str, text: str, rules: TopicRules, feed_side: str | None = None, lang: str | None = None
) -> tuple[TopicHit, ...]:
    """One TopicHit per topic with evidence for a side, in topic order; `feed_side` may stand in for
    a side (a KCNA feed for the DPRK), but only when the item itself names something for the topic.
    `lang` is the item's language if known (cue words of other languages are ignored); without it,
    it is detected when a cue word needs it."""
    fields = []
    for where, raw in (("title", title), ("text", text)):
        norm = normalize_text(raw or "")
        if norm:
            fields.append((where, norm, unit_starts(norm, rules.grammar.abbreviations), scripts_in(norm)))
    texts = {where: norm for where, norm, _, _ in fields}
    unit_starts_of = {where: starts for where, _, starts, _ in fields}
    found = [f for where, norm, starts, scripts in fields
             for f in scan(rules.side_scanner, norm, where, starts, scripts)]
    if not any(f.rule.role_kind in _SIDE_EVIDENCE for f in found):
        return ()  # most items: no need to look for subtopic cues at all
    sections: dict[tuple[str, int], int] = {}
    for where, norm, starts, scripts in fields:
        found += scan(rules.cue_scanner, norm, where, starts, scripts)
        found += scan(rules.context_scanner, norm, where, starts, scripts)
        if len(starts) > 1 and rules.grammar.separator is not None:
            sections.update(_sections(where, norm, starts, rules.grammar))
        if where == "title" and len(starts) > 1:
            item = 0
            for unit, start in enumerate(starts[1:], 1):
                item += norm[:start].rstrip().endswith(_ITEM_MARKS)
                sections[(_ITEMS, unit)] = item
    found = _inside_names([f for f in gated(found, title or "", text or "", lang) if f.rule.role_kind != "mask"])
    grammar = read_in_language(rules.grammar, found, texts, title or "", text or "", lang)
    if grammar is not rules.grammar:
        rules = replace(rules, grammar=grammar)
    hits = []
    for topic in rules.topics:
        mine = [f for f in found if f.rule.topic == topic]
        # A feed's side stands in beside a relation word or a shared cue, but not where the headline
        # names a third party ("Xi congratulates Kim" from Sputnik is no relation with Russia).
        if feed_side and feed_side in rules.sides[topic] and _speaks_of_relation(mine) and not any(
                f.rule.role_kind == "third" and f.where == "title" for f in mine):
            stand_in = TermRule(f"feed:{feed_side}", topic, f"side:{feed_side}", "", "feed", feed_side, 1.0)
            mine.append(Found(stand_in, "", "feed", 0, 0))
        mine += pair_stand_ins(mine, texts, unit_starts_of, rules.grammar, topic)
        hit = _topic_hit(topic, mine, rules, texts, sections)
        if hit:
            hits.append(hit)
    return tuple(hits)
