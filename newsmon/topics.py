"""Topic tagging: seed terms (seeds/topics.csv, seeds/topic_terms.csv) -> TopicHit records.

A topic such as russia_dprk has *sides*; an item matches when every side has evidence, and the
closer the evidence sits (same title or sentence beats far apart in the body), the higher the
score. Terms are data, not code: the loader compiles them once into prefix-tree regexes, one per
script, so tagging costs a few regex scans per item whatever the number of terms. Matching works
on normalised text and never needs to know the item's language.
"""

from __future__ import annotations

import bisect
import csv
import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from newsmon.records import Evidence, TopicHit
from newsmon.textnorm import WORD, normalize_text

MATCH_KINDS = ("word", "prefix", "substring", "regex")
ROLE_KINDS = ("side", "weak", "proxy", "both_sides", "subtopic", "exclude", "offtopic")
# Scanned together, so the longest term wins: "South Korea" (exclude) hides "Korea" (weak).
SIDE_ROLE_KINDS = ("side", "weak", "proxy", "both_sides", "exclude")
_SIDE_EVIDENCE = ("side", "weak", "proxy", "both_sides")
WHERE_ORDER = {"title": 0, "text": 1, "feed": 2}

_IS_WORD = re.compile(WORD)
# Letters that attach to the next word as proclitics: Arabic (wa-, fa-, bi-, li-, ka-, al-) and
# Hebrew (ha-, ve-, be-, le-, mi-, she-, ke-). "والروسية" must still match the term "روسي".
_PROCLITICS = re.compile(r"(?:[وفبلك]{0,2}(?:ال|ل)?|[הובלמשכ]{0,3})")
# Each term lives in the prefix tree of the script of its first letter, and a tree is scanned only
# when its script occurs in the text: an English headline never walks the Hangul or Han branches.
SCRIPTS = {
    "latin": "[a-z\u00c0-\u024f\u1e00-\u1eff]",
    "greek": "[\u0370-\u03ff\u1f00-\u1fff]",
    "cyrillic": "[\u0400-\u052f]",
    "semitic": "[\u0590-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]",
    "indic": "[\u0900-\u0dff]",
    "thai": "[\u0e00-\u0eff]",
    "hangul": "[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]",
    "cjk": "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
}
_SCRIPT_PATTERNS = {name: re.compile(chars) for name, chars in SCRIPTS.items()}
_SEPARATOR = "[ \\-·]?"  # between the words of a term: "Kim Jong Un", "Kim Jong-un", "북·러", "북러"
_SENTENCE_END = re.compile(r"(?<=[.!?؟।])\s+|(?<=[。！？])|\s*[\n;|]\s*")


# --- seed records ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TopicSpec:
    topic: str
    label: str
    description: str
    min_score: float


@dataclass(frozen=True, slots=True)
class TermRule:
    term_id: str
    topic: str
    # side:<s> names side s; weak:<s> an ambiguous name ("Korea", "Kim"), ignored in a sentence
    # with an exclude term; proxy:<s> a place or event tied to side s (Kursk, the war in Ukraine);
    # both_sides names every side at once ("북러"); subtopic:<name> a cue word; exclude:<what>
    # masks text that would otherwise read as a side ("South Korea"); offtopic:<why> a context
    # that is no relation (weather, digests, rankings): multiplies the score by its weight.
    role: str
    lang: str
    match: str  # word | prefix | substring | regex
    term: str  # as written in the seed
    weight: float
    entity: str = ""  # language-independent id of the person/place/organisation named, if any

    @property
    def role_kind(self) -> str:
        return self.role.split(":", 1)[0]

    @property
    def role_name(self) -> str:
        return self.role.split(":", 1)[1] if ":" in self.role else ""


@dataclass(frozen=True, slots=True)
class _Scanner:
    """Compiled prefix-tree regexes, plus per-term regexes to tell which term a match came from."""

    # script (None: any) -> prefix trees and regex terms whose first letter is in that script
    patterns: dict[str | None, tuple[re.Pattern[str], ...]]
    regexes: dict[str | None, tuple[tuple[re.Pattern[str], TermRule], ...]]
    by_key: dict[str, tuple[tuple[str, TermRule], ...]]  # first two letters -> (own regex, term)
    # matched text -> the terms that produce it, longest first. Headlines repeat the same few
    # names, so this saves re-running per-term regexes; bounded by _CACHE_SIZE.
    cache: dict[str, tuple[TermRule, ...]] = field(default_factory=dict)


_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class TopicRules:
    topics: dict[str, TopicSpec]
    sides: dict[str, tuple[str, ...]]  # topic -> its side names, sorted
    terms: tuple[TermRule, ...]
    side_scanner: _Scanner  # SIDE_ROLE_KINDS terms (the longest match masks shorter ones)
    cue_scanner: _Scanner  # subtopic and offtopic cues, scanned apart so "북한군" is a side and a cue


class SeedError(ValueError):
    pass


def _rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterable[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
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
    """Read topics.csv and topic_terms.csv from seeds_dir and compile them once."""
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
    cue_terms = [r for r in terms if r.role_kind not in SIDE_ROLE_KINDS]
    return TopicRules(topics, sides, tuple(terms), _compile(side_terms), _compile(cue_terms))


def _term_problem(rule: TermRule, topics: dict[str, TopicSpec]) -> str | None:
    if rule.topic not in topics:
        return f"unknown topic {rule.topic!r}"
    if rule.match not in MATCH_KINDS:
        return f"unknown match kind {rule.match!r} (expected one of {', '.join(MATCH_KINDS)})"
    if rule.role_kind not in ROLE_KINDS or (rule.role_kind != "both_sides") != (":" in rule.role):
        return f"unknown role {rule.role!r}"
    if not rule.term or not normalize_text(rule.term):
        return "empty term"
    if rule.match == "regex":
        try:
            re.compile(rule.term)
        except re.error as exc:
            return f"regex does not compile: {exc}"
    return None


# --- compilation -----------------------------------------------------------------------------------

def _atoms(rule: TermRule) -> list[str]:
    """A normalised term as regex atoms; word separators become one optional separator atom."""
    atoms: list[str] = []
    for char in normalize_text(rule.term):
        if char in " -·":
            if atoms and atoms[-1] != _SEPARATOR:
                atoms.append(_SEPARATOR)
            continue
        if rule.match == "prefix" and atoms and atoms[-1] == _SEPARATOR:
            atoms.insert(-1, r"\w*")  # every word of a prefix term is a stem: "Северн Коре"
        atoms.append(re.escape(char))
    return atoms


def _trie_regex(node: dict) -> str:
    """Children first, then endings: alternation order makes the longest term win at a position.

    Endings use the short \\w class to keep the pattern small; the exact word boundary (which also
    counts Indic vowel signs as letters) is checked on each match in _rules_for.
    """
    branches = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom != ""]
    ends = node.get("", set())
    if "prefix" in ends:
        branches.append(r"\w*")
    elif ends:
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _key(normalised: str) -> str:
    return normalised.replace(" ", "").replace("-", "").replace("·", "")[:2]


def _script_of(text: str) -> str | None:
    for name, pattern in _SCRIPT_PATTERNS.items():
        if pattern.match(text):
            return name
    return None


def _regex_script(source: str) -> str | None:
    """The script of the first literal letter in a regex term, so it can be skipped like the trees."""
    unescaped = re.sub(r"\\.|\[[^\]]*\]|\(\?<?[=!]", "", source)
    return next((s for s in map(_script_of, unescaped) if s), None)


def _compile(rules: list[TermRule]) -> _Scanner:
    # Terms that must start a word are tried only at word starts (a cheap \b test); CJK/Hangul/
    # Thai substrings and Arabic/Hebrew terms (proclitics attach to the front) are tried anywhere.
    trees: dict[tuple[str | None, bool], dict] = {}
    by_key: dict[str, list[tuple[str, TermRule]]] = {}
    regexes: dict[str | None, list[tuple[re.Pattern[str], TermRule]]] = {}
    for rule in rules:
        if rule.match == "regex":
            regexes.setdefault(_regex_script(rule.term), []).append((re.compile(rule.term), rule))
            continue
        normalised = normalize_text(rule.term)
        script = _script_of(normalised)
        at_word_start = rule.match != "substring" and script != "semitic"
        node = trees.setdefault((script, at_word_start), {})
        atoms = _atoms(rule)
        for atom in atoms:
            node = node.setdefault(atom, {})
        node.setdefault("", set()).add(rule.match)
        own = "".join(atoms) + (r"\w*" if rule.match == "prefix" else "")
        by_key.setdefault(_key(normalised), []).append((own, rule))
    patterns: dict[str | None, list[re.Pattern[str]]] = {}
    for (script, at_word_start), root in sorted(trees.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        anchor = "\\b" if at_word_start else ""
        patterns.setdefault(script, []).append(re.compile(anchor + _trie_regex(root)))
    return _Scanner({k: tuple(v) for k, v in patterns.items()}, {k: tuple(v) for k, v in regexes.items()},
                    {k: tuple(v) for k, v in by_key.items()})


# --- matching --------------------------------------------------------------------------------------

class _Found(NamedTuple):
    rule: TermRule
    matched: str
    where: str  # title | text | feed
    unit: int  # sentence index within its field; title segments count separately from text ones
    start: int


def _starts_word(text: str, start: int, script_char: str) -> bool:
    if start == 0 or not _IS_WORD.match(text[start - 1]):
        return True
    if not ("\u0590" <= script_char <= "\u06ff"):  # proclitics only exist in Hebrew/Arabic script
        return False
    word_start = start
    while word_start > 0 and _IS_WORD.match(text[word_start - 1]):
        word_start -= 1
    return _PROCLITICS.fullmatch(text[word_start:start]) is not None


def _word_end(text: str, end: int) -> int:
    while end < len(text) and _IS_WORD.match(text[end]):
        end += 1
    return end


@functools.lru_cache(maxsize=4096)
def _own_pattern(source: str) -> re.Pattern[str]:
    # Compiled on first use: compiling all ~3,000 per-term patterns up front took most of the load.
    return re.compile(source)


def _producers(scanner: _Scanner, matched: str) -> tuple[TermRule, ...]:
    found = scanner.cache.get(matched)
    if found is None:
        key = _key(matched)
        candidates = scanner.by_key.get(key, ()) + (scanner.by_key.get(key[:1], ()) if len(key) > 1 else ())
        found = tuple(sorted((rule for own, rule in candidates if _own_pattern(own).fullmatch(matched)),
                             key=lambda rule: -len(rule.term)))
        if len(scanner.cache) >= _CACHE_SIZE:
            scanner.cache.clear()
        scanner.cache[matched] = found
    return found


def _rules_for(scanner: _Scanner, text: str, start: int, end: int) -> tuple[list[TermRule], int]:
    """The longest seed terms that produce text[start:end] and whose word boundaries hold."""
    best: list[TermRule] = []
    best_end = end
    for rule in _producers(scanner, text[start:end]):
        if best and len(rule.term) < len(best[0].term):
            break
        stop = end
        if rule.match != "substring":
            if not _starts_word(text, start, text[start]):
                continue
            if rule.match == "prefix":
                stop = _word_end(text, end)  # a stem runs on over vowel signs that \w skips
            elif end < len(text) and _IS_WORD.match(text[end]):
                continue
        best.append(rule)
        best_end = max(best_end, stop)
    return best, best_end


def _scan(scanner: _Scanner, text: str, where: str, unit_starts: list[int], scripts: list) -> list[_Found]:
    """Every term match in one normalised field, tagged with its sentence (unit) number."""
    found = []
    for script in scripts:
        for pattern in scanner.patterns.get(script, ()):
            for m in pattern.finditer(text):
                start = m.start()
                rules, end = _rules_for(scanner, text, start, m.end())
                unit = bisect.bisect_right(unit_starts, start) - 1
                found += [_Found(rule, text[start:end], where, unit, start) for rule in rules]
        for pattern, rule in scanner.regexes.get(script, ()):
            for m in pattern.finditer(text):
                if m.group():
                    unit = bisect.bisect_right(unit_starts, m.start()) - 1
                    found.append(_Found(rule, m.group(), where, unit, m.start()))
    return found


def _unit_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _closeness(a: _Found, b: _Found) -> float:
    """How strongly two pieces of evidence read as one statement."""
    if "feed" in (a.where, b.where):
        other = b if a.where == "feed" else a
        return 0.85 if other.where == "title" or other.unit == 0 else 0.7
    if a.where == b.where and a.unit == b.unit:
        return 1.0
    if a.where != b.where:
        body = a if a.where == "text" else b
        return 0.75 if body.unit <= 2 else 0.65
    if a.where == "title":
        return 0.7
    gap = abs(a.unit - b.unit)
    return 0.85 if gap == 1 else 0.7 if gap <= 3 else 0.5


def _side_score(by_side: dict[str, list[_Found]], sides: tuple[str, ...], pairs: list[_Found]) -> float:
    if len(sides) == 1:
        return max((f.rule.weight for f in by_side[sides[0]]), default=0.0)
    weakest = 1.0
    for i, side_a in enumerate(sides):
        for side_b in sides[i + 1:]:
            best = max((f.rule.weight for f in pairs), default=0.0)
            for a in by_side[side_a]:
                for b in by_side[side_b]:
                    best = max(best, _closeness(a, b) * math.sqrt(a.rule.weight * b.rule.weight))
            weakest = min(weakest, best)
    return weakest


def _topic_hit(topic: str, found: list[_Found], rules: TopicRules) -> TopicHit | None:
    sides = rules.sides[topic]
    excluded_units = {(f.where, f.unit) for f in found if f.rule.role_kind == "exclude"}
    by_side: dict[str, list[_Found]] = {side: [] for side in sides}
    pairs, cues = [], set()
    kept = []
    for f in found:
        kind = f.rule.role_kind
        if kind == "weak" and (f.where, f.unit) in excluded_units:
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
    score = _side_score(by_side, sides, pairs) * (0.8 + (0.2 if cues else 0.0))
    side_units = {(f.where, f.unit) for f in kept if f.rule.role_kind in _SIDE_EVIDENCE}
    for f in kept:
        if f.rule.role_kind == "offtopic" and (f.where == "title" or (f.where, f.unit) in side_units):
            score *= f.rule.weight
    score = round(min(1.0, score), 4)
    evidence = _evidence(kept)
    return TopicHit(topic, score, score >= rules.topics[topic].min_score, tuple(sorted(cues)), evidence)


def _evidence(found: list[_Found]) -> tuple[Evidence, ...]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in sorted(found, key=lambda f: (WHERE_ORDER[f.where], f.start, f.rule.role, f.rule.term_id)):
        key = (f.rule.term_id, f.rule.role, f.where)
        if key not in seen:
            seen.add(key)
            out.append(Evidence(f.rule.term, f.matched, f.rule.role, f.rule.lang, f.where, f.rule.entity))
    return tuple(out)


def _scripts(text: str) -> list[str | None]:
    if text.isascii():
        return [None, "latin"]
    return [None] + [name for name, pattern in _SCRIPT_PATTERNS.items() if pattern.search(text)]


def match_topics(
    title: str, text: str, rules: TopicRules, feed_side: str | None = None
) -> tuple[TopicHit, ...]:
    """One TopicHit per topic with evidence for a side, in topic order; `feed_side` may stand in for
    a side (a KCNA feed for the DPRK), but only when the item itself names something for the topic."""
    fields = []
    for where, raw in (("title", title), ("text", text)):
        norm = normalize_text(raw or "")
        if norm:
            fields.append((where, norm, _unit_starts(norm), _scripts(norm)))
    found = [f for where, norm, starts, scripts in fields
             for f in _scan(rules.side_scanner, norm, where, starts, scripts)]
    if not any(f.rule.role_kind in _SIDE_EVIDENCE for f in found):
        return ()  # most items: no need to look for subtopic cues at all
    for where, norm, starts, scripts in fields:
        found += _scan(rules.cue_scanner, norm, where, starts, scripts)
    hits = []
    for topic in rules.topics:
        mine = [f for f in found if f.rule.topic == topic]
        if feed_side and feed_side in rules.sides[topic]:
            stand_in = TermRule(f"feed:{feed_side}", topic, f"side:{feed_side}", "", "feed", feed_side, 1.0)
            mine.append(_Found(stand_in, "", "feed", 0, 0))
        hit = _topic_hit(topic, mine, rules)
        if hit:
            hits.append(hit)
    return tuple(hits)
