"""When a weak name of a side ("Korea", "Kim") still names that side, for newsmon/topics/match.py.

A weak name weighs little and is no evidence at all in a sentence that names South Korea ("South
Korea's Kim", "Korean" beside Seoul), except where the sentence itself tells whose it is: "the North"
beside the South, a "Kim" that no South Korean name comes before, a "Kim" joined to the other side's
name as one pair ("Putin-Kim pact", "Putin and Kim", "Putin's defence pact with Kim", "Putin tells
Seoul his defence pact with Kim ..."). A headline's one-word weak name weighs as the side's full
name when the lede names that side in full and the item names no South Korean.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsmon.topics.grammar import Grammar, word_cost
from newsmon.topics.pronouns import pronoun_stand_ins
from newsmon.topics.scan import Found

_POSSESSIVE_S = re.compile(r"['’]s\b")  # "Putin's defence pact with Kim": the owner's mark, no word


def named_before_the_south(weak: Found, found: list[Found]) -> bool:
    """True when a weak name still names the DPRK beside South Korea: "the North" (weight 1) is the
    DPRK next to the South, and a name ("Kim", weight 0.5) that no South Korean name comes before
    ("Kim vows to back Russia as South Korea protests"; not "South Korea's Kim")."""
    if weak.rule.weight >= 1:
        return True
    return weak.rule.weight >= 0.5 and not any(
        f.rule.role_kind == "exclude" and (f.where, f.unit) == (weak.where, weak.unit) and f.start < weak.start
        for f in found)


def joined_to_side(weak: Found, found: list[Found], texts: dict[str, str], grammar: Grammar) -> bool:
    """True when a weak name is joined to another side's name as one pair ("Putin-Kim pact",
    "Putin and Kim discussed", "Putin's defence pact with Kim"): there it names that side's leader
    even beside South Korea. A possessive pronoun that stands for the sentence's subject is that
    subject's name ("Putin tells Seoul his defence pact with Kim is no threat")."""
    text = texts.get(weak.where, "")
    end = weak.start + len(weak.matched)
    unit = [f for f in found if (f.where, f.unit) == (weak.where, weak.unit)]
    relations = [f for f in unit if f.rule.role_kind == "relation"]
    cues = [f for f in unit if f.rule.role_kind == "subtopic"]
    if relations:
        unit = unit + pronoun_stand_ins(unit, relations, text, grammar)
    for f in unit:
        if f.rule.role_kind != "side" or f.rule.role_name == weak.rule.role_name:
            continue
        f_end = f.start + len(f.matched)
        span = (f_end, weak.start) if f_end <= weak.start else (end, f.start) if end <= f.start else None
        if span is None:
            continue
        gap = text[span[0]:span[1]]
        if grammar.is_connector_gap(gap, "*") and word_cost(gap) <= 1:
            return True
        # "Putin gives Kim", "Kim meets Putin": only a relation word between the two names; "Putin's
        # defence pact with Kim": relation words, their cue words and the connector of their counterpart.
        words = [w for w in relations if span[0] <= w.start and w.start + len(w.matched) <= span[1]]
        if not words:
            continue
        words += [w for w in cues if span[0] <= w.start and w.start + len(w.matched) <= span[1]]  # "defence"
        rest = _POSSESSIVE_S.sub(" ", "".join(
            " " if any(w.start <= span[0] + i < w.start + len(w.matched) for w in words) else c
            for i, c in enumerate(gap)))
        if not word_cost(rest) or (grammar.is_connector_gap(rest, "*") and word_cost(rest) <= 1):
            return True
    return False


def headline_short_forms(found: list[Found]) -> list[Found]:
    """`found` with a headline's one-word weak name of a side ("Korea", "Kim") weighed as that side's
    full name when the item's lede names the side in full and no South Korean name appears in the
    item: "Monument to liberators of Kursk region to be erected in Korea" above "The Central
    Telegraphic Agency of the DPRK publishes an official statement". The short form is headline
    shorthand for the name the lede gives; a phrase ("Korean Peninsula") names a region, not a
    side, and beside any South Korean name "Korea" or "Kim" may be the South's."""
    if any(f.rule.role_kind == "exclude" and f.where != "feed" for f in found):
        return found
    full: dict[str, float] = {}
    for f in found:
        if f.where == "text" and f.rule.role_kind == "side":
            full[f.rule.role_name] = max(full.get(f.rule.role_name, 0.0), f.rule.weight)
    return [f._replace(rule=replace(f.rule, weight=min(1.0, full[f.rule.role_name])))
            if f.where == "title" and f.rule.role_kind == "weak" and f.rule.role_name in full
            and " " not in f.rule.term.strip() and f.rule.weight < full[f.rule.role_name] else f for f in found]
