"""Who the parties of a sentence are, for the relation rules of newsmon/topics/context.py.

An *actor* is a side or third-party name that can take part in a relation: a name written as a
place ("in Beijing", "베이징서") is not one, consecutive names of one party are one actor, and a third
party that is only the *source* of what the sentence reports ("Seoul says", "according to Japan",
a "Washington:" heading) takes part in nothing. The helpers here also read headline shapes where one
party's counterparts are a list ("김정은, 中·러 정상 회담", "习近平同普京、金正恩") and pair terms whose
relation word names a venue between them ("俄朝領袖北京會談").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from newsmon.topics.grammar import UNSPACED, Grammar, word_cost
from newsmon.topics.scan import Found
from newsmon.topics.textnorm import normalize_text

ACTOR_KINDS = ("side", "weak", "proxy", "third")
NEAR_WORDS = 5  # how far (in words) a relation word may sit from a participant it takes
CLAUSE_MARKS = frozenset(",;:.!?|…")
OWNER_MARK = "'s"  # "Putin's guest": the name is an owner (normalised text has one apostrophe)


@dataclass(slots=True)
class Actor:
    party: str  # side name, or "third:<who>"
    start: int
    end: int
    side: bool
    label: bool = False  # named in a leading "Washington: ..." attribution
    report: int | None = None  # where a report attributed to this third party starts, if any
    source: bool = False  # the source of a report about others ("Seoul says Pyongyang ..."): no party
    head_end: int = 0  # where the actor's first name ends (its case ending tells its role)


_PLACE_JOINERS = re.compile(r"[\s,·、，()（）]*")  # "in Beijing, China", "tại Bắc Kinh (Trung Quốc)"
_COUNTRY_CITY = re.compile(r"[\s·]*")  # "中国・北京で", "China Peking": not "시진핑, 베이징서" (Xi, in Beijing)
_PAIR_JOIN = re.compile(r"\s*[-–·/]\s*")  # "China-Russia", "中·러": a topic's pair is a topic too
LABEL_CHARS = 30  # a headline label ("Госдеп: ", "USA: ", "White House: ") ends this early


def actors_of(members: list[Found], relations: list[Found], text: str, grammar: Grammar) -> list[Actor]:
    """Side and third-party names in order, places left out, one actor per run of one party."""
    cuts = sorted(f.start for f in relations)
    actors: list[Actor] = []
    place_end: tuple[str, int] | None = None
    topic_end: int | None = None
    for f in sorted(members, key=lambda f: f.start):
        kind = f.rule.role_kind
        if kind not in ACTOR_KINDS:
            continue
        end = f.start + len(f.matched)
        party = f.rule.role_name if kind != "third" else f.rule.role
        last = actors[-1] if actors else None
        if kind == "third" and (grammar.is_place(text, f.start, end) or (
                place_end and place_end[0] == party and _PLACE_JOINERS.fullmatch(text[place_end[1]:f.start]))):
            # "in Beijing", "中国・北京で" (the country named with its city), "in Beijing, China"
            if last and last.party == party and _COUNTRY_CITY.fullmatch(text[last.end:f.start]):
                actors.pop()
            place_end = (party, end)
            continue
        if kind == "third" and grammar.is_product(text, end):
            continue  # "Iranian-made drones", "이란제 드론": a product's origin, no party
        if last and f.start < last.end:  # overlapping matches: one name
            last.end = max(last.end, end)
            continue
        # A name with its topic word after it ("北朝鮮問題を協議", "Kuzey Kore meselesini görüştü") is
        # the topic even right before the verb; one before a relation word otherwise owns the word.
        # (In a verb-final language the talk verb follows its matter: "درباره کره شمالی گفتگو کردند".)
        if (grammar.is_topic(text, f.start, end) or (topic_end is not None and _PAIR_JOIN.fullmatch(
                text[topic_end:f.start]))) and (grammar.topic_follows(text, end) or not any(
                w.start >= end and word_cost(text[end:w.start]) <= 1 and w.rule.lang not in grammar.verb_final
                for w in relations)) and not _pair_heads_word(f, members, cuts, text, grammar):
            topic_end = end  # "briefs Seoul on China-Russia drills": both names of the pair are the topic
            continue  # "China and Russia hold talks on North Korea": the topic, not a party
        if kind != "third" and _owns_what_is_discussed(f, members, relations, text, grammar):
            continue  # "한국과 러시아가 북한의 핵 프로그램을 논의": the owner of the talks' matter
        topic_end = None
        if (last and last.party == party and not any(last.end <= c < f.start for c in cuts)
                and word_cost(text[last.end:f.start]) <= NEAR_WORDS
                and not (word_cost(text[last.end:f.start]) > 1 and grammar.has_connector(text[last.end:f.start]))
                and not grammar.opens_clause(text[last.end:f.start])):
            # "North Korean leader Kim Jong Un": one actor (not "meets Putin in Alaska and Putin
            # sends …": a connector after a phrase opens another clause with its own subject, nor
            # "goes to China as Xi and Putin meet": a conjunction does)
            last.end = max(last.end, end)
        else:
            actors.append(Actor(party, f.start, end, kind != "third", head_end=end))
        if kind == "third":
            actors[-1].report = grammar.source_end(text, f.start, end)
            # "according to Seoul", "nach US-Angaben": an attribution is a source wherever it stands
            actors[-1].source = grammar.attribution(text, f.start, end)
    if actors and not actors[0].side:
        colon = text.find(": ", actors[0].end, actors[0].end + LABEL_CHARS)
        if colon >= 0 and (len(actors) == 1 or actors[1].start > colon) and word_cost(
                text[actors[0].end:colon]) <= 2:
            actors[0].label = True
    mark_sources(actors, text, grammar)
    return actors


def _owns_what_is_discussed(f: Found, members: list[Found], relations: list[Found], text: str,
                            grammar: Grammar) -> bool:
    """True when a side's name in the genitive owns the object of the contact word after it, with
    no other name in between: "북한의 핵 프로그램을 논의" (discussed North Korea's nuclear
    programme). A relation word right after the genitive is the owner's own ("김정은의 방러")."""
    end = f.start + len(f.matched)
    owner = grammar.genitive_after.match(text, end) if grammar.genitive_after is not None else None
    if owner is None:
        return False
    word = min((r for r in relations if r.start >= owner.end()), key=lambda r: r.start, default=None)
    # (A Han word is found as each language's that lists it: 協議 is Japanese here, Chinese there.)
    if word is None or not any(r.start == word.start and r.rule.role == "relation:contact"
                               and r.rule.lang in grammar.verb_final for r in relations):
        return False
    if any(owner.end() <= m.start < word.start for m in members if m.rule.role_kind in ACTOR_KINDS):
        return False  # "북한의 러시아 파병": the owner's relation with the name in between
    gap = text[owner.end():word.start]
    return word_cost(gap) >= 1 and not CLAUSE_MARKS & set(gap)


def _pair_heads_word(f: Found, members: list[Found], cuts: list[int], text: str, grammar: Grammar) -> bool:
    """True when a name after "on"/"over" is the first of a pair written on a relation word ("over
    Russia-North Korea ties", "on Putin and Kim's talks"): the pair is the word's, not a topic."""
    end = f.start + len(f.matched)
    if f.rule.role_kind not in ("side", "weak"):
        return False
    mate = min((m for m in members if m.start >= end and m.rule.role_kind in ACTOR_KINDS),
               key=lambda m: m.start, default=None)
    if mate is None or mate.rule.role_kind not in ("side", "weak") or mate.rule.role_name == f.rule.role_name:
        return False
    if not grammar.is_connector_gap(text[end:mate.start], "*") or word_cost(text[end:mate.start]) > 1:
        return False
    mate_end = mate.start + len(mate.matched)
    return any(c >= mate_end and word_cost(text[mate_end:c].replace("'s", "")) <= 1 for c in cuts)


_ARTICLE_CHARS = 3  # "la", "the", "die": the only word a heading label may have before its report


def mark_sources(actors: list[Actor], text: str, grammar: Grammar) -> None:
    """Third parties that are the source of a report about others, not parties to it.

    "Seoul says Pyongyang sent troops to Russia", "Сеул: КНДР отправила...", "... near Pyongyang,
    Seoul says": the report's own subject follows its source at once, or the report came first.
    "Trump says he will call Putin", "Trump: Putin'le konuşacağım" (with Putin) report what the
    source itself will do: a word with a connector, or a name in the instrumental, comes between.
    """
    for i, actor in enumerate(actors):
        nxt = actors[i + 1] if i + 1 < len(actors) else None
        if actor.source:
            continue
        if actor.report is not None:
            if nxt is None:
                actor.source = True
                continue
            gap = text[actor.report:nxt.start]
            actor.source = (actor.report <= nxt.start and word_cost(gap) <= 1
                            and not grammar.has_connector(gap) and not grammar.counterpart_form(text, nxt.head_end))
        elif actor.label and nxt is not None and nxt.side:
            words = text[text.find(":", actor.end) + 1:nxt.start].split()
            actor.source = (all(len(w) <= _ARTICLE_CHARS for w in words) and not grammar.has_connector(
                " ".join(words)) and not grammar.counterpart_form(text, nxt.head_end))


COMMAS = (",", "、", "，")
_QUOTES = "\"“”«»「」『』"
# "시진핑,", "習近平氏、" (an honorific before it), "러시아 대통령,", "プーチン大統領、" (or a title).
TOPIC_COMMA = re.compile(r"\s*(?:\w{0,2}|[\uac00-\ud7af\u3040-\u30ff\u4e00-\u9fff]{3,5})\s*[,、，]")


def between_kind(word: Found, text: str, grammar: Grammar) -> str | None:
    """"before" or "after" for a "between" word, also inflected ("arasındaki" from the term
    "arasında"), never a word that only starts like one ("traffade" is no "tra")."""
    matched = text[word.start:word.start + len(word.matched)]
    return grammar.between.get(matched) or grammar.between.get(_normalized_term(word.rule.term))


@functools.lru_cache(maxsize=4096)
def _normalized_term(term: str) -> str:
    return normalize_text(term)


def topic_holds_pair(members: list[Found], relations: list[Found], actors: list[Actor], text: str,
                      grammar: Grammar) -> bool:
    """True when a third party is the headline's topic in a verb-final language and the pair term
    (露朝, 북러) with a connector after it its counterparts: "習近平氏、北京で露朝首脳と相次ぎ会談"
    (Xi met each), not "米財務省、露朝の武器取引に関与した企業に制裁" (the pair's own arms deal)."""
    if not actors or actors[0].side or actors[0].source or not TOPIC_COMMA.match(text, actors[0].end):
        return False
    return any(w.rule.lang in grammar.verb_final and any(
        actors[0].end < p.start < w.start and grammar.has_connector(text[p.start + len(p.matched):w.start])
        for p in members if p.rule.role_kind == "both_sides") for w in relations)


def heads_list(text: str, actors: list[Actor], subject: int, first: int, second: int,
                grammar: Grammar, verb_final: bool) -> bool:
    """True when `subject` is the one party whose counterparts are the list `first`, `second`: a
    headline topic before its comma in a verb-final language ("김정은, 베이징서 中·러 정상 회담",
    "김정은, 시진핑·푸틴과"), or a name glued to a connector before a comma list ("习近平同普京、金正恩")."""
    head = text[actors[subject].end:actors[first].start]
    inner = text[actors[first].end:actors[second].start].strip()
    if verb_final and head.lstrip()[:1] in COMMAS:
        return word_cost(head) >= 1 or inner not in COMMAS
    return (inner in COMMAS and bool(UNSPACED.search(head)) and word_cost(head) <= 1
            and grammar.is_connector_gap(head, "*"))


def topic_of(text: str, actors: list[Actor], subject: int, partners: list[int]) -> bool:
    """True when `subject` is a verb-final headline's topic ("김정은, ...", "習近平氏、...") and the
    names after it, joined by anything but commas, its counterparts."""
    if not TOPIC_COMMA.match(text, actors[subject].end):
        return False
    return all(text[actors[a].end:actors[b].start].strip() not in COMMAS for a, b in zip(partners, partners[1:]))


_BEFORE_CHARS = 12


def headline_topic(text: str, actor: Actor) -> bool:
    """True when the name opens its sentence before a comma: the headline's topic ("日米、北朝鮮と
    ロシアの軍事協力に懸念", "Japonya, ..."), not the first item of a list."""
    before = re.split(r"[.!?。！？:;]", text[:actor.start])[-1]
    return not before.strip() and TOPIC_COMMA.match(text, actor.end) is not None  # "プーチン氏、"


def is_counterpart(text: str, actor: Actor, grammar: Grammar, particle: bool = True) -> bool:
    """True when a name is written as someone's counterpart: after "with" ("mit Putin", "با ترامپ",
    "与特朗普"), before a particle or postposition ("トランプ氏との", "Trump ile", "ट्रंप से"; not with
    `particle` False: the first of "特朗普与普京" is no one's counterpart), or in the instrumental or
    comitative ("Putinem", "Putyinnal")."""
    if grammar.counterpart_form(text, actor.head_end):
        return True
    before = text[max(0, actor.start - _BEFORE_CHARS):actor.start]
    words = before.split()
    if words and before[-1:].isspace() and any(words[-1] in forms for forms in grammar.connectors.values()):
        return True  # "mit Putin", "با ترامپ" (not "북한과 러시아": there 과 is the first name's)
    if before and UNSPACED.match(before[-1]) and any(before[-1] in forms for forms in grammar.connectors.values()):
        return True  # "与特朗普"
    return particle and any(grammar.followed_by_particle(text, actor.head_end + k) for k in range(2))  # "氏との"


def mate(actors: list[Actor], subject: int, partners: list[int]) -> int:
    """The partner of a subject that makes the relation one between the two sides, if any."""
    return next((i for i in partners if actors[i].side and actors[subject].side
                 and actors[i].party != actors[subject].party), partners[-1])


_PAIR_HEAD_WORDS = 3  # "俄朝領袖北京會談", "북러 정상 베이징 회담"


def venues(members: list[Found], relations: list[Found], actors: list[Actor], text: str,
            grammar: Grammar) -> set[int]:
    """Third parties written between a both_sides term (俄朝, 북러, 露朝) and the relation word it
    heads, with no connector or clause break: "俄朝領袖北京會談" is the two sides' summit, and Beijing
    only where it was held."""
    out: set[int] = set()
    for pair in (f for f in members if f.rule.role_kind == "both_sides"):
        pair_end = pair.start + len(pair.matched)
        word = next((w for w in relations if w.start >= pair_end), None)
        if word is None:
            continue
        gap = text[pair_end:word.start]
        between = [i for i, a in enumerate(actors) if pair_end <= a.start < word.start]
        if (len(between) == 1 and not actors[between[0]].side and word_cost(gap) <= _PAIR_HEAD_WORDS
                and not CLAUSE_MARKS & set(gap) and not grammar.has_connector(gap)):
            out.add(between[0])
    return out


def side_venues(relations: list[Found], actors: list[Actor], text: str, grammar: Grammar) -> set[int]:
    """A side's city written as a place before a counterpart of that side ("talks in Moscow with
    Russian officials") is the venue of contacts, no participant; not where the sentence moves
    troops or goods (a destination: "soldats envoyés en Russie")."""
    if not all(f.rule.role == "relation:contact" for f in relations):
        return set()
    return {i for i, a in enumerate(actors) if a.side and grammar.is_place(text, a.start, a.end) and any(
        b.party == a.party and b.start > a.end and is_counterpart(text, b, grammar) for b in actors)}


def with_pair(left: list[int], actors: list[Actor], text: str, grammar: Grammar, lang: str) -> bool:
    """True when the last two names before a verb-final word are joined and opened by "with" ("ترامپ:
    با پوتین و کیم رابطه خوبی دارم", with Putin and Kim I have good ties) or closed by its
    particle: both are the counterparts of a subject left unnamed, not each other's."""
    if len(left) < 2 or lang not in grammar.verb_final:
        return False
    first, second = actors[left[-2]], actors[left[-1]]
    gap = text[first.end:second.start]
    if not grammar.is_connector_gap(gap, lang) or any(q in gap for q in _QUOTES) or headline_topic(text, first):
        return False  # (not the speaker before a quote: '푸틴 "트럼프와 회담 …"')
    if len(left) > 2 and not (actors[left[-3]].label or set(":：") & set(text[actors[left[-3]].end:first.start])):
        return False  # a subject named before the pair: "김정은, 시진핑·푸틴과 잇따라 회담"
    opener = text[:first.start].split()[-1:]
    # ... or closed by a comitative particle or postposition: "プーチン氏や金正恩氏と良好な関係",
    # "Putin ve Kim ile iyi ilişkiler", "पुतिन और किम के साथ संबंध".
    return (bool(opener) and grammar.holds_connector(opener[0], lang)) or grammar.counterpart_form(
        text, second.end) or any(grammar.followed_by_particle(text, second.end + k) for k in range(2))


def only_sources(members: list[Found], actors: list[Actor]) -> bool:
    """True when every third party named in the sentence is the source of its report."""
    spans = [(a.start, a.end) for a in actors if a.source]
    return bool(spans) and all(any(s <= f.start < e for s, e in spans)
                               for f in members if f.rule.role_kind == "third")


def place_names_of(members: list[Found], text: str, grammar: Grammar) -> tuple[str, ...]:
    """Third-party names written as places ("in Beijing", "베이징에서"), with a country named
    right before its city ("중국 베이징에서", "Çin'in başkenti Pekin'de")."""
    thirds = sorted((f for f in members if f.rule.role_kind == "third"), key=lambda f: f.start)
    out = []
    for i, f in enumerate(thirds):
        end = f.start + len(f.matched)
        if grammar.is_place(text, f.start, end):
            out.append(f.matched)
            if i and thirds[i - 1].rule.role == f.rule.role and word_cost(
                    text[thirds[i - 1].start + len(thirds[i - 1].matched):f.start]) <= 1:
                out.append(thirds[i - 1].matched)
    return tuple(dict.fromkeys(out))
