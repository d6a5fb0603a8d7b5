"""Pure event signals: what one story says about the happening it reports, in language-independent ids.

An event is one happening (a meeting, a visit of a few days, a signing, a launch, an announcement).
Reports of it in different languages share no words, so they are compared through ids: the named
people, places and organisations of the topic evidence (seeds/topic_terms.csv's entity column)
and of seeds/event_terms.csv, which adds event types ("act_*": visit, talks, treaty, ratify,
flight, bridge, launch...) and the mark of an announcement of something still to come
("act_future"), in every language the feeds are in. Two stories are one event when they share
enough weighted ids close enough in time (`pair_score`); the weights and thresholds are chosen
on the tune half of tests/data/events_dev.jsonl (bench/eval_events.py prints the sweep).
"""

from __future__ import annotations

import csv
import functools
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from newsmon.records import Record

TERMS_FILE = "event_terms.csv"
TOPIC_TERMS_FILE = "topic_terms.csv"
TEXT_CHARS = 300  # the headline and the lede's first sentence say what happened; the rest is background

# Weight of a shared id by its kind. Leaders and capitals (`common`) are in most stories of the
# topic, so they only add to other evidence; a visiting minister, a place outside the capitals or
# an event type such as a ratification identifies a happening.
KIND_WEIGHTS = {"person": 2.0, "place": 2.0, "org": 1.5, "action": 1.0, "common": 0.5, "future": 0.0}
BROAD_ACTIONS = {"act_visit": 0.5, "act_talks": 0.5, "act_arrive": 0.5, "act_delegation": 0.5}
UNKNOWN_ENTITY_WEIGHT = 1.0  # an evidence entity the event terms do not classify (a spokesperson...)

# Decision thresholds (bench/eval_events.py sweeps them on the tune half).
LINK_MIN_SCORE = 1.25  # shared weight, less the time and announcement costs, to join an event ...
EVENT_MEAN_MIN = 1.0  # ... and the mean score over the event's stories in the window (no chaining)
MIN_SHARED = 2  # one shared id (a place, a person) is a theme or a person's week, not a happening
EVENT_WINDOW = timedelta(hours=84)  # the farthest two stories of one event may be apart
COST_PER_DAY = 0.5  # weight lost per day between the two stories' event times
FUTURE_CONFLICT = 1.0  # one announces the happening, the other reports it: usually two events

# Publication times are trusted within these bounds around the first sighting; outside them the
# first sighting places the story (a feed with dates in 1970 or in the future).
MAX_BACKDATE = timedelta(days=3650)
MAX_AHEAD = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class EventTerm(Record):
    entity: str
    kind: str  # person, place, org, common, action, future
    lang: str
    term: str


@dataclass(frozen=True, slots=True)
class EventTerms(Record):
    """seeds/event_terms.csv compiled: one scan finds every term in any language."""

    kinds: dict[str, str]  # entity id -> kind
    ids: dict[str, str]  # normalised term -> entity id
    word_start: re.Pattern  # terms in spaced alphabetic scripts: matched at a word start (a stem)
    anywhere: re.Pattern  # CJK, Hangul, Arabic...: matched anywhere (particles and prefixes attach)


@dataclass(frozen=True, slots=True)
class Signals(Record):
    """What one story says about its happening."""

    entities: frozenset[str]  # people, places, organisations and event types, as ids
    is_future: bool  # it announces something still to come


def event_time(published_at: datetime | None, first_seen_at: datetime) -> datetime:
    """When a story's happening is placed: its publication time when the feed gave a plausible one
    (a backfill or a late feed links to the right days), else when it was first seen."""
    if published_at is None or not first_seen_at - MAX_BACKDATE <= published_at <= first_seen_at + MAX_AHEAD:
        return first_seen_at
    return published_at


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").split())


_SPACED = re.compile(r"^[\u0000-\u024f\u0370-\u052f\u0900-\u097f\s'’.-]+$")  # Latin, Greek, Cyrillic, Devanagari


def compile_terms(terms: Iterable[EventTerm]) -> EventTerms:
    kinds: dict[str, str] = {}
    ids: dict[str, str] = {}
    for t in terms:
        if t.kind:
            kinds.setdefault(t.entity, t.kind)
        ids.setdefault(normalise(t.term), t.entity)

    def alternation(keys: list[str]) -> str:
        return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) or "(?!)"

    spaced = [k for k in ids if _SPACED.match(k)]
    other = [k for k in ids if not _SPACED.match(k)]
    return EventTerms(kinds, ids, re.compile(rf"(?<![^\W\d_])(?:{alternation(spaced)})"),
                      re.compile(alternation(other)))


def read_terms(path: Path) -> list[EventTerm]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    out = []
    for line, row in enumerate(rows, 2):
        if not row.get("entity") or not row.get("term") or row.get("kind") not in KIND_WEIGHTS:
            raise ValueError(f"{path}:{line}: needs entity, term and a kind of {sorted(KIND_WEIGHTS)}")
        out.append(EventTerm(row["entity"], row["kind"], row.get("lang") or "", row["term"]))
    return out


def read_topic_entities(path: Path) -> list[EventTerm]:
    """The topic terms that name an entity (seeds/topic_terms.csv's entity column), as event terms
    of an unclassified kind unless event_terms.csv classifies the entity."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [EventTerm(row["entity"], "", row.get("lang") or "", row["term"])
                for row in csv.DictReader(f) if row.get("entity") and row.get("term")]


def event_terms(seeds_dir: Path | str) -> EventTerms:
    """The compiled event terms of `seeds_dir`, once per process (again when a file changes)."""
    paths = tuple(os.path.join(seeds_dir, name) for name in (TERMS_FILE, TOPIC_TERMS_FILE))
    return _compiled(paths, tuple(os.stat(p).st_mtime_ns if os.path.exists(p) else 0 for p in paths))


@functools.lru_cache(maxsize=4)
def _compiled(paths: tuple[str, str], mtimes: tuple[int, ...]) -> EventTerms:
    topic_terms = read_topic_entities(Path(paths[1])) if mtimes[1] else []
    return compile_terms([*read_terms(Path(paths[0])), *topic_terms])


def story_signals(title: str, text: str, evidence_entities: Iterable[str], terms: EventTerms,
                  published: datetime | None = None) -> Signals:
    """The ids a story's headline and lede carry (`evidence_entities`: those the topic tagger found
    there, e.g. its title evidence; the topic terms' entities are scanned for here too). It
    announces something (`is_future`) when it says so in words, or names a day of the coming
    days ("on 18-19 October" published on the 16th)."""
    found = text_signals(f"{title}\n{lede(text)}", terms, published)
    extra = {e for e in evidence_entities if e}
    future = {e for e in extra if terms.kinds.get(e) == "future"}
    return Signals(found.entities | (extra - future), found.is_future or bool(future))


def text_signals(text: str, terms: EventTerms, published: datetime | None = None) -> Signals:
    """The ids and the announcement mark of `text`, all of it (story_signals gives it a headline
    and a lede; the full-text stage gives it a page's lede)."""
    norm = normalise(text)
    found = {terms.ids[m] for pattern in (terms.word_start, terms.anywhere) for m in pattern.findall(norm)}
    future = {e for e in found if terms.kinds.get(e) == "future"}
    coming = published is not None and any(is_coming_day(day, published) for day in mentioned_days(norm))
    return Signals(frozenset(found - future), bool(future) or coming)


_SENTENCE_END = re.compile(r"(?<=[^\s\d][.!?。！？؟।])\s|[。！？]")


def lede(text: str) -> str:
    """The text's first sentence, at most TEXT_CHARS characters (a dense script says more in fewer)."""
    head = text[:TEXT_CHARS]
    end = _SENTENCE_END.search(head, 40)
    return head[:end.end()] if end else head


_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|январ|феврал|март|апрел|ма[яй]|июн|июл|август|"
           r"сентябр|октябр|ноябр|декабр|січн|лют|берез|квітн|травн|червн|липн|серпн|вересн|жовтн|листопад|грудн|"
           r"janv|févr|mars|avr|mai|juin|juil|août|sept|déc|ene|abr|ago|dic|märz|okt|dez|"
           r"يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر)")
_DAY = r"(?<!\d)([0-3]?\d)(?!\d)"
_DAY_PATTERNS = (
    re.compile(rf"{_DAY}\s*(?:[~∼〜–-]\s*[0-3]?\d\s*)?(?:日|일)"),  # 18日, 18~19일
    re.compile(rf"{_DAY}(?:st|nd|rd|th)?\s*(?:[–-]\s*[0-3]?\d\s*)?(?:de\s+)?{_MONTHS}"),  # 18 октября, 18-19 de octubre
    re.compile(rf"{_MONTHS}[a-zа-я]*\.?\s+{_DAY}"),  # Oct. 18, October 18-19
)


def mentioned_days(norm: str) -> set[int]:
    """Days of the month that the text names as dates."""
    return {int(d) for pattern in _DAY_PATTERNS for d in pattern.findall(norm) if 1 <= int(d) <= 31}


def is_coming_day(day: int, published: datetime) -> bool:
    """The day of the month falls in the ten days after publication."""
    return 1 <= (day - published.day) % 31 <= 10


def weight(entity: str, terms: EventTerms) -> float:
    if entity in BROAD_ACTIONS:
        return BROAD_ACTIONS[entity]
    kind = terms.kinds.get(entity)
    return UNKNOWN_ENTITY_WEIGHT if kind is None else KIND_WEIGHTS[kind]


def pair_score(a: Signals, b: Signals, hours_apart: float, terms: EventTerms, *,
               cost_per_day: float = COST_PER_DAY, future_conflict: float = FUTURE_CONFLICT) -> float:
    """How strongly two stories report one happening; they are one event from LINK_MIN_SCORE on."""
    if hours_apart > EVENT_WINDOW.total_seconds() / 3600:
        return 0.0
    common = a.entities & b.entities
    if len(common) < MIN_SHARED:
        return 0.0
    shared = sum(weight(e, terms) for e in common)
    conflict = future_conflict if a.is_future != b.is_future else 0.0
    return shared - cost_per_day * hours_apart / 24 - conflict
