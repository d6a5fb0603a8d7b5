"""When naming both sides of a topic is no relation between them.

"Trump will call Putin and may meet Kim" and "Japan's white paper names China, North Korea and
Russia as threats" name both sides of russia_dprk, but each only as the object of a third party's
separate action or as an item in a list. Seed terms with role third:<who> (other states, their
leaders, white papers) and relation:<kind> (cooperation, ties, troops, arms, trade ...) let the
matcher tell such sentences apart in any language: a sentence that names a third party and has no
relation word, no both_sides term and no joined pair ("Putin-Kim", "北·러") counts its side evidence
at the third party's weight (0.5 in the seeds), which keeps a lone such sentence under the bar.
"""

from __future__ import annotations

import itertools

from newsmon.topics.scan import Found

_SIDE_EVIDENCE = ("side", "weak", "proxy", "both_sides")
# A pair written as one compound: "Putin-Kim", "Moscow–Pyongyang", "北·러", or "普京访朝" with no gap.
# "and"/"과"/"と" are left out on purpose: "Russia and North Korea" also heads threat lists.
_PAIR_JOINERS = frozenset("-·/")
_MAX_GAP = 3


def _joiner(text: str, a: Found, b: Found) -> str | None:
    """What joins a and b into one compound ("-", "·", "/", "" for none in CJK), else None."""
    gap = text[a.start + len(a.matched):b.start]
    if gap == "":
        return ""
    core = gap.strip()
    if len(gap) <= _MAX_GAP and len(core) == 1 and (core in _PAIR_JOINERS or core in ",、"):
        return core
    return None


def _joined_pair(members: list[Found], text: str) -> bool:
    """Two sides written as one compound, and not as two items of a list with a third party in it
    ("中·러·北", "China/Russia/North Korea")."""
    named = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third")),
                   key=lambda f: f.start)
    for i, (a, b) in enumerate(itertools.pairwise(named)):
        if "third" in (a.rule.role_kind, b.rule.role_kind) or a.rule.role_name == b.rule.role_name:
            continue
        joiner = _joiner(text, a, b)
        if joiner is None or joiner in ",、":
            continue
        before = named[i - 1] if i > 0 else None
        after = named[i + 2] if i + 2 < len(named) else None
        listed = ((before is not None and before.rule.role_kind == "third" and _joiner(text, before, a) == joiner)
                  or (after is not None and after.rule.role_kind == "third" and _joiner(text, b, after) == joiner))
        if not listed:
            return True
    return False


def separate_units(found: list[Found], texts: dict[str, str]) -> dict[tuple[str, int], float]:
    """Sentences (where, unit) whose side evidence a third party discounts, with the weight to apply.

    A sentence with one side only ("EU sanctions North Korean generals") keeps its full weight when
    another sentence with side evidence supplies the relation ("... who sent soldiers to Russia").
    """
    units: dict[tuple[str, int], list[Found]] = {}
    for f in found:
        units.setdefault((f.where, f.unit), []).append(f)
    related = set()
    for unit, members in units.items():
        kinds = {f.rule.role_kind for f in members}
        if kinds & set(_SIDE_EVIDENCE) and (
            "relation" in kinds or "both_sides" in kinds or _joined_pair(members, texts.get(unit[0], ""))
        ):
            related.add(unit)
    out = {}
    for unit, members in units.items():
        if unit in related or not any(f.rule.role_kind == "third" for f in members):
            continue
        sides = {f.rule.role_name for f in members if f.rule.role_kind in ("side", "weak", "proxy")}
        if len(sides) < 2 and related:
            continue
        out[unit] = min(f.rule.weight for f in members if f.rule.role_kind == "third")
    return out
