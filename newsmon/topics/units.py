"""Which sentences of an item relate the two sides, and which a third party discounts: the sentence
level of the relation rules of newsmon/topics/context.py.

A sentence that names a third party counts its side evidence at the third party's weight unless
some relation word in it has the two sides as its participants (context.relates_sides), or it holds
a pair term (북러, 露朝) or a joined pair ("Putin-Kim") and no relation word of a third party with
one side ("김정은·시진핑 만나 … 북러 밀착으로 소원해졌던 북중관계"); a sentence
with one side only keeps its weight when another sentence supplies the relation; South Korea (an
exclude term weighing less than 1) counts as a third party only as the participant of a contact
word. A sentence with no relation word and no third party is discounted the same way when its two
sides are the subjects of two clauses ("North Korea fires a missile as Russia pounds Kyiv") or
members of a larger group ("leaders including Putin and Kim attended"), or when nothing in the item
relates them and it names a third country as a place (fellow guests at a third party's parade).
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsmon.topics.actors import CLAUSE_MARKS, OWNER_MARK, actors_of, only_sources, place_names_of
from newsmon.topics.context import relates_sides
from newsmon.topics.grammar import EMPTY_GRAMMAR, Grammar, word_cost
from newsmon.topics.phrases import joined_pair
from newsmon.topics.scan import Found

_SIDE_EVIDENCE = ("side", "weak", "proxy", "both_sides")
# Weight of a sentence whose sides are the subjects of two clauses and which no word relates
# ("North Korea fires a missile as Russia pounds Kyiv"): the same discount as a third party's.
JUXTAPOSED = 0.5
_CLAUSE_COMMAS = (",", "،", "，")


def _observed(members: list[Found], text: str, grammar: Grammar) -> float | None:
    """The weight of an excluded state that a relation word ties to one side when none ties the two
    sides ("Россия и Южная Корея обсудили КНДР", "한국과 러시아가 … 북한 … 논의"), else None.

    An exclude term weighing less than 1 (South Korea in the seeds) is no third party by its
    presence alone: Seoul reports on, and comments on, the two sides' ties all the time. It counts as
    one only as a participant of a relation word."""
    observers = [f for f in members if f.rule.role_kind == "exclude" and f.rule.weight < 1]
    if not observers:
        return None
    as_third = [f._replace(rule=replace(f.rule, role="third:" + f.rule.role_name)) if f in observers else f
                for f in members if f.rule.role_kind != "third"]
    relations = [f for f in as_third if f.rule.role_kind == "relation"]
    if not any(f.rule.role == "relation:contact" for f in relations):
        return None  # beside troops, arms or ties only, it is the one reporting them ("韓国国家情報院は…")
    actors = actors_of(as_third, relations, text, grammar)
    if only_sources(as_third, actors) or any(a.label for a in actors if not a.side):
        return None  # "Seoul says ...", "Сеул: ...": the source of the report
    verdict = relates_sides(as_third, text, grammar, actors)
    return min(f.rule.weight for f in observers) if verdict is False else None


def _side_names(members: list[Found]) -> list[Found]:
    return sorted((f for f in members if f.rule.role_kind in ("side", "weak", "proxy")), key=lambda f: f.start)


def _background(members: list[Found], text: str, grammar: Grammar) -> list[Found]:
    """The names of a background phrase ("amid Trump peace push", "на фоне переговоров с США",
    running to the next clause mark) that are no party to what the rest of the sentence tells: a
    third party in it when both sides are named before it ("Moscow rolls out red carpet for
    Pyongyang's top diplomat amid Trump peace push"), with its relation words; or one side in it,
    with no relation word there, when the other side and a third party are named before it ("Putin
    hails China ties amid North Korea missile tests"; not "… amid Russia arms deal")."""
    if grammar.background is None:
        return []
    names = _side_names(members)
    for opening in grammar.background.finditer(text):
        stop = next((i for i in range(opening.end(), len(text)) if text[i] in CLAUSE_MARKS), len(text))
        inside = [f for f in members if opening.end() <= f.start < stop]
        before = [f for f in members if f.start + len(f.matched) <= opening.start()]
        sides_before = {f.rule.role_name for f in before if f in names}
        sides_inside = {f.rule.role_name for f in inside if f in names}
        if any(f.rule.role_kind == "both_sides" for f in inside + before) or len(sides_before | sides_inside) < 2:
            continue
        thirds_before = any(f.rule.role_kind == "third" for f in before)
        # (A third country written as a place stays: "… at a parade, which will be held in Beijing"
        # places the pair's occasion there.)
        if len(sides_before) >= 2 and not sides_inside and any(f.rule.role_kind == "third" for f in inside) and not any(
                f.rule.role_kind == "third" and grammar.is_place(text, f.start, f.start + len(f.matched)) for f in inside):
            return [f for f in inside if f.rule.role_kind in ("third", "relation")]
        if (thirds_before and len(sides_before) == 1 and not sides_inside & sides_before
                and not any(f.rule.role_kind == "relation" for f in inside)):
            return [f for f in inside if f in names]
    return []


def _switches(names: list[Found]) -> list[tuple[Found, Found]]:
    """Neighbouring side names of different sides, in order."""
    return [(a, b) for a, b in zip(names, names[1:], strict=False) if a.rule.role_name != b.rule.role_name]


def _juxtaposed(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when the sentence's side names fall into two clauses, one side each, and a clause
    conjunction of seeds/topic_grammar.csv (as, while, mientras, в то время как) opens the second
    with the other side as its subject, at most a title word between ("as President Putin"): two
    events side by side. Only read where the sentence has no relation word, pair term or third party.
    """
    switches = _switches(_side_names(members))
    if len(switches) != 1:
        return False
    first, second = switches[0]
    if text.startswith(OWNER_MARK, second.start + len(second.matched)):
        return False  # "as Putin's guest": "as" a preposition, the name an owner
    gap = text[first.start + len(first.matched):second.start]
    words = gap.split()
    # The first clause's verb stands between its last name and the conjunction, or between its
    # names ("Russia and Ukraine swap POWs as North Korea tests a missile").
    verb_before = sum(f.start <= first.start for f in _side_names(members)) >= 2
    for title in (0, 1):
        head = words[:len(words) - title]
        for n in (1, 2, 3):
            if (len(head) > n or (verb_before and len(head) == n)) and " ".join(head[-n:]) in grammar.clause_before:
                return True  # a word or more (the first clause's verb) before the conjunction
    # Or a comma between two clauses, each with its verb: "North Korea fires a missile, Russia
    # keeps up its attacks" (not a list, "sanctions hit Russia, North Korea": no verb between; not
    # a verb-final headline, whose comma follows its topic: "패널, 러시아 거부권에 … 종료").
    if first.rule.lang in grammar.verb_final or second.rule.lang in grammar.verb_final:
        return False
    before, comma, after = max((gap.rpartition(c) for c in _CLAUSE_COMMAS), key=lambda p: len(p[0]))
    rest = text[second.start + len(second.matched):].lstrip()
    return bool(comma) and word_cost(before) >= 1 and word_cost(after) <= 1 and rest[:1].isalpha()


def _relation_in_second_clause(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when the sentence's two sides are the subjects of two juxtaposed clauses and every
    relation word is in the second, whose names are all of one side: "North Korea fires a missile as
    Russia and Ukraine swap prisoners" relates Russia and Ukraine, not the two sides."""
    if any(f.rule.role_kind == "both_sides" for f in members) or not _juxtaposed(members, text, grammar):
        return False
    names = _side_names(members)
    second = _switches(names)[0][1]
    # A relation word that is itself a side's stand-in ("Ukrainian POWs return home as North Korea
    # tests a missile": POWs stand for Russia's war) is a name here, not a relation.
    proxies = {(f.start, f.start + len(f.matched)) for f in names if f.rule.role_kind == "proxy"}
    relations = [f for f in members if f.rule.role_kind == "relation" and (f.start, f.start + len(f.matched)) not in proxies]
    # Each clause that holds them has two or more names of one side, its own participants ("Russia and
    # Ukraine swap POWs as North Korea fires a missile"; not "… as North Korea prepares more troops").
    return any(sum(inside(f.start) for f in names) >= 2 and all(inside(f.start) for f in relations)
               for inside in (lambda at: at >= second.start, lambda at: at < second.start))


_OWNER_GAP = re.compile(r"'s|\d+\w{0,3}")  # "North Korea's", "80th", "80-летия" between an owner and its occasion


def _guest_of_a_side(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when a side owns an occasion of seeds/topic_grammar.csv (its name right before it, with
    only a genitive, digits or more occasion words between: "North Korea's parade", "朝鮮労働党創建
    80周年の記念行事", "Pyongyang parade"; or right after it, alone or after genitive words, or as
    its place: "parata nordcoreana", "aniversarea Coreei de Nord", "the parade in Pyongyang") and the
    other side is named too: that side is the occasion's guest, whoever else attends ("Li Qiang and
    Medvedev attend North Korea's parade")."""
    if grammar.occasion is None:
        return False
    names = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third")), key=lambda f: f.start)
    if len({f.rule.role_name for f in names if f.rule.role_kind != "third"}) < 2:
        return False
    for occasion in grammar.occasion.finditer(text):
        after = next((f for f in names if f.start >= occasion.end()), None)
        gap = text[occasion.end():after.start] if after is not None else ""
        # (A bare name after the word owns it only where genitives follow their noun: "चीन की परेड
        # पुतिन किम …" lists guests after a verb-final language's occasion.)
        if after is not None and after.rule.role_kind != "third" and ((grammar.opens_owner(gap) and (
                gap.strip() or after.rule.lang not in grammar.verb_final)) or (
                word_cost(gap) <= 1 and grammar.is_place(text, after.start, after.start + len(after.matched)))):
            return True  # "the parade in Pyongyang", "параде в Пхеньяне", "la ceremonia de Pyongyang", "رژه پیونگ‌یانگ"
        earlier = [f for f in names if f.start + len(f.matched) <= occasion.start()]
        owner = earlier[-1] if earlier else None
        joined = len(earlier) > 1 and _listed(text[earlier[-2].start + len(earlier[-2].matched):owner.start], grammar)
        if owner is not None and owner.rule.role_kind != "third" and not joined and _owns(
                text, owner.start + len(owner.matched), occasion.start(), grammar):
            return True  # (not "Kiinan, Venäjän ja Pohjois-Korean paraati": a list's occasion is no one side's)
    return False


def _listed(gap: str, grammar: Grammar) -> bool:
    """True when a gap joins two names with a connector word ("China, Russia and North Korea"), not
    only a comma or a list mark (a headline's topic before its comma: "리창·메드베데프, 북한 행사")."""
    return grammar.is_connector_gap(gap, "*") and grammar.has_connector(gap)


def _owns(text: str, pos: int, end: int, grammar: Grammar) -> bool:
    """True when text[pos:end], between a name and an occasion word, holds only spaces, a genitive,
    digits and more occasion words ("'s 80th anniversary", "創建80周年の")."""
    patterns = [p for p in (_OWNER_GAP, grammar.occasion, grammar.genitive_after) if p is not None]
    while pos < end:
        if text[pos].isspace():
            pos += 1
            continue
        hit = next((h for h in (p.match(text, pos) for p in patterns) if h and h.end() > pos), None)
        if hit is None:
            return False
        pos = hit.end()
    return True


def _pair_owns_its_clause(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when the two sides, joined by a connector, open a clause of their own (after a clause
    conjunction or a semicolon, colon or dash) and every third party is named outside it: "China
    watches warily as Russia and North Korea grow closer" is the pair's own statement, with China only
    looking on. Commas do not count: they also list ("China, Russia and North Korea")."""
    names = _side_names(members)
    thirds = [f for f in members if f.rule.role_kind == "third"]
    marks = CLAUSE_MARKS - {","}
    for a, b in _switches(names):
        gap = text[a.start + len(a.matched):b.start]
        if not grammar.is_connector_gap(gap, "*") or word_cost(gap) > 1:
            continue
        head = text[:a.start]
        mark = max((i + 1 for i, c in enumerate(head) if c in marks), default=0)
        conjunction = grammar.opens_clause(head)
        if not conjunction and (mark == 0 or word_cost(head[mark:]) > 0):
            continue  # the pair opens no clause: "Xi hosts Putin and Kim", "Parade in China: come Putin, Kim"
        start = len(head.rstrip()) - len((head.split() or [""])[-1]) if conjunction else mark
        tail = text[b.start + len(b.matched):]
        end = b.start + len(b.matched) + next((i for i, c in enumerate(tail) if c in marks), len(tail))
        if thirds and all(f.start + len(f.matched) <= start or f.start >= end for f in thirds):
            return True
    return False


def _met_each_other(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when a reciprocal word of seeds/topic_grammar.csv ("each other", "elkaar", "друг с
    другом", "서로") follows, within a few words and one clause, a list of names joined by
    connectors that holds both sides: each of the list met or spoke with each other one, a third
    party among them or not ("Xi, Putin and Kim met each other in Beijing")."""
    if grammar.reciprocal is None:
        return False
    names = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third")), key=lambda f: f.start)
    for marker in grammar.reciprocal.finditer(text):
        before = [f for f in names if f.start + len(f.matched) <= marker.start()]
        gap = text[before[-1].start + len(before[-1].matched):marker.start()] if before else ","
        if CLAUSE_MARKS & set(gap) or word_cost(gap) > 3:
            continue
        listed = [before[-1]]
        for name in reversed(before[:-1]):
            if not grammar.is_connector_gap(text[name.start + len(name.matched):listed[0].start], "*"):
                break
            listed.insert(0, name)
        if len({f.rule.role_name for f in listed if f.rule.role_kind != "third"}) >= 2:
            return True
    return False


def _in_a_group(members: list[Found], text: str, grammar: Grammar) -> bool:
    """True when a group word (`group_marker`: including, among, समेत) stands right before the first
    side name or right after the last one: "leaders of 25 states, including Putin and Kim, attended",
    "Putin-Kim among 25 leaders present" name the sides as members of a crowd, not as a pair. Only
    read where the sentence has no relation word, pair term or third party."""
    if not grammar.group_marker:
        return False
    names = _side_names(members)
    if not names:
        return False  # a pair term alone (북러): nothing listed
    before = text[:names[0].start].split()[-2:]
    after = text[names[-1].start + len(names[-1].matched):].split()[:2]
    return any(" ".join(words) in grammar.group_marker
               for words in (before[-1:], before, after[:1], after) if words)


def separate_units(found: list[Found], texts: dict[str, str],
                   grammar: Grammar = EMPTY_GRAMMAR) -> dict[tuple[str, int], float]:
    """Sentences (where, unit) whose side evidence a third party discounts, with the weight to apply.

    A sentence with one side only ("EU sanctions North Korean generals") keeps its full weight when
    another sentence with side evidence supplies the relation ("... who sent soldiers to Russia").
    """
    units: dict[tuple[str, int], list[Found]] = {}
    for f in found:
        units.setdefault((f.where, f.unit), []).append(f)
    related = set()
    bare = []
    observed: dict[tuple[str, int], float] = {}
    for unit, members in units.items():
        kinds = {f.rule.role_kind for f in members}
        if not kinds & set(_SIDE_EVIDENCE):
            continue
        text = texts.get(unit[0], "")
        if "third" in kinds:
            setting = _background(members, text, grammar)
            if setting:  # "… amid Trump peace push": no party to what the sentence tells
                members = units[unit] = [f for f in members if f not in setting]
                kinds = {f.rule.role_kind for f in members}
        actors = actors_of(members, [f for f in members if f.rule.role_kind == "relation"], text, grammar) if (
            "third" in kinds) else []
        if "third" in kinds and only_sources(members, actors):
            # Every third party is the source of the report ("Seoul says Pyongyang sent troops to
            # Russia"): a relation word relates the sides as if it named none ("Trump says Kim and
            # Putin are people he gets along with" still has none), unless its participants are
            # both someone's counterparts ("ترامپ: با پوتین و کیم رابطه خوبی دارم").
            kinds.discard("third")
            if "relation" in kinds and relates_sides(members, text, grammar, actors) is False:
                observed[unit] = JUXTAPOSED
                continue
        if "third" not in kinds:
            weight = _observed(members, text, grammar) if "relation" in kinds else None
            if weight is not None:
                observed[unit] = weight
            elif kinds & {"relation", "both_sides"}:
                if _relation_in_second_clause(members, text, grammar):
                    observed[unit] = JUXTAPOSED
                else:
                    related.add(unit)
            elif (_juxtaposed(members, text, grammar) or _in_a_group(members, text, grammar)) and not _guest_of_a_side(
                    members, text, grammar):
                observed[unit] = JUXTAPOSED
            elif len({f.rule.role_name for f in _side_names(members)}) >= 2:
                bare.append(unit)  # the pair named with nothing else: see the fellow guests below
            continue
        verdict = relates_sides(members, text, grammar, actors)
        if verdict or _met_each_other(members, text, grammar) or (
                verdict is None and ("both_sides" in kinds or joined_pair(members, text, grammar))
                and not _in_a_group(members, text, grammar)) or (
                verdict is None and (_guest_of_a_side(members, text, grammar)
                                     or _pair_owns_its_clause(members, text, grammar))):
            related.add(unit)
        # else a relation of a third party with one side ("Kim met Xi ... amid 북러 밀착"): the
        # sides named beside it, even as one compound, are background.
    if bare and not related and any(place_names_of(m, texts.get(u[0], ""), grammar) for u, m in units.items()):
        # The pair named with no relation word anywhere in the item, which places something in a
        # third country ("Putin and Kim at the parade" over "… will attend the parade in Beijing"):
        # fellow guests of a third party, as if it were named beside them.
        for unit in bare:
            observed[unit] = JUXTAPOSED
    out = dict(observed)
    for unit, members in units.items():
        if unit in related or not any(f.rule.role_kind == "third" for f in members):
            continue
        sides = {f.rule.role_name for f in members if f.rule.role_kind in ("side", "weak", "proxy")}
        if len(sides) < 2 and related:
            continue
        out[unit] = min(f.rule.weight for f in members if f.rule.role_kind == "third")
    return out


def relating_units(found: list[Found], texts: dict[str, str], grammar: Grammar = EMPTY_GRAMMAR) -> set[tuple[str, int]]:
    """Sentences in which some relation word has the two sides as its participants."""
    units: dict[tuple[str, int], list[Found]] = {}
    for f in found:
        units.setdefault((f.where, f.unit), []).append(f)
    return {unit for unit, members in units.items()
            if len({f.rule.role_name for f in members if f.rule.role_kind in ("side", "weak", "proxy")}) >= 2
            and any(f.rule.role_kind == "relation" for f in members)
            and relates_sides(members, texts.get(unit[0], ""), grammar) is True}
