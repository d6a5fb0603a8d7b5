"""Noun-phrase and clause shapes that fix a relation word's participants before the general
reading of newsmon/topics/context.py: a side's name written on the noun with the other side right
after it ("North Korean troops in Russia"), a contact noun framing its clause after "in"/"at" ("...
in a phone call"), a movement word with its own preposition ("arrives in Moscow"), a verb's object
after a preposition ("heads to Vietnam"), a counterpart preposition right after the word, and two
sides written as one compound ("Putin-Kim", "北·러")."""

from __future__ import annotations

import itertools
import re
import unicodedata

from newsmon.topics.actors import CLAUSE_MARKS, LABEL_CHARS, Actor, headline_topic
from newsmon.topics.grammar import DIGIT_GROUP, HAN_KANA, UNSPACED, Grammar, word_cost
from newsmon.topics.scan import Found


def framed_contact(word: Found, actors: list[Actor], left: list[int], right: list[int], text: str,
                    grammar: Grammar) -> tuple[int, int] | None:
    """A contact noun framing the clause after "in"/"at" ("Putin and Kim condemn X in a phone call",
    "Kim vows support for Russia in meeting with Lavrov"): its participants are the clause's subject
    and the name after "with", or the subject pair; names in between are what was said."""
    if word.rule.role != "relation:contact" or grammar.place_before is None or not left:
        return None
    before = text[max(0, word.start - 20):word.start]
    trimmed = before[:before.rstrip().rfind(" ") + 1]  # past an article: "in a phone call"
    if not any(len(c.split()[-1]) >= 2 and grammar.place_before.search(c) for c in (before, trimmed) if c.split()):
        return None
    clause = max((i for i, c in enumerate(text[:word.start]) if c in ",;:|"), default=-1)
    opening = [i for i in left if actors[i].start > clause]
    if not opening:
        return None
    subject = opening[0]
    end = word.start + len(word.matched)
    if right and word_cost(text[end:actors[right[0]].start]) <= 1 and grammar.starts_with_connector(
            text[end:actors[right[0]].start], word.rule.lang):
        return subject, right[0]
    if len(opening) >= 2 and grammar.is_connector_gap(text[actors[subject].end:actors[opening[1]].start], word.rule.lang):
        return subject, opening[1]
    return None


def ends_in_preposition(word: Found, text: str, grammar: Grammar) -> bool:
    """A relation word with its own preposition at the end ("arrives in", "travels to")."""
    words = word.matched.split()
    if len(words) < 2:
        return False
    end = word.start + len(word.matched)
    return words[-1] in grammar.counterpart_before or (
        grammar.place_before is not None and grammar.place_before.search(text[word.start:end] + " ") is not None)


def after_preposition(text: str, actor: Actor, grammar: Grammar) -> bool:
    """True when a name follows a counterpart preposition ("heads to Vietnam"): a verb's object."""
    words = text[max(0, actor.start - 12):actor.start].split()
    return bool(words) and words[-1] in grammar.counterpart_before


def headed_pair(start: int, end: int, actors: list[Actor], text: str, grammar: Grammar) -> tuple[int, int] | None:
    """A relation noun with one side's name written on it and the other side right after it as its
    place or counterpart ("North Korean troops in Russia", "Russian delegation to North Korea"):
    the noun phrase holds the relation whatever verb takes it as object ("Biden calls North Korean
    troops in Russia 'dangerous'")."""
    head = next((i for i in range(len(actors) - 1, -1, -1) if actors[i].end <= start), None)
    if head is None or not actors[head].side or actors[head].source or text[actors[head].end:start].strip(" -"):
        return None
    after = next((i for i in range(len(actors)) if actors[i].start >= end), None)
    if after is None or not actors[after].side or actors[after].source or actors[after].party == actors[head].party:
        return None
    gap = text[end:actors[after].start]
    if word_cost(gap) > 2 or CLAUSE_MARKS & set(gap) or not (
            grammar.is_place(text, actors[after].start, actors[after].end) or (gap.strip() and grammar.opens_counterpart(gap))):
        return None
    return head, after


def counterpart_gap(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """A short gap text[start:end], no clause punctuation, empty or opening with a counterpart preposition
    ("to", "bei", "with"): the name after it is the relation word's counterpart. A space after a Han
    or kana word is a headline's break ("习近平与普京会谈 金正恩也在北京")."""
    gap = text[start:end]
    return (not (gap[:1].isspace() and HAN_KANA.match(text, start - 1)) and word_cost(gap) <= 2
            and not any(c in CLAUSE_MARKS for c in gap) and grammar.opens_counterpart(gap))


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


def joined_pair(members: list[Found], text: str, grammar: Grammar) -> bool:
    """Two sides written as one compound, and not as two items of a list with a third party in it
    ("中·러·北", "China/Russia/North Korea") nor as a third party's counterparts ("시진핑, 푸틴·김정은과
    잇따라 회담": Xi held talks with Putin and Kim in turn)."""
    named = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third")),
                   key=lambda f: f.start)
    third = any(f.rule.role_kind == "third" for f in named)
    for i, (a, b) in enumerate(itertools.pairwise(named)):
        if "third" in (a.rule.role_kind, b.rule.role_kind) or a.rule.role_name == b.rule.role_name:
            continue
        if _ends_clause(text, b.start + len(b.matched)) and any(
                _is_subject(f, a.start, text, grammar) for f in named[:i]):
            continue  # "시진핑, 좌우에 설 김정은·푸틴…": a third party's objects, modifying no noun
        joiner = _joiner(text, a, b)
        if joiner is None or joiner in ",、":
            continue
        before = named[i - 1] if i > 0 else None
        after = named[i + 2] if i + 2 < len(named) else None
        listed = ((before is not None and before.rule.role_kind == "third" and _joiner(text, before, a) == joiner)
                  or (after is not None and after.rule.role_kind == "third" and _joiner(text, b, after) == joiner)
                  or _third_item(text, a.start, b.start + len(b.matched), joiner))
        end = b.start + len(b.matched)
        if not listed and not (third and (grammar.followed_by_particle(text, end)
                                          or _glued_form(text, end, grammar.destination_after))):
            return True
    return False


def _third_item(text: str, start: int, end: int, joiner: str) -> bool:
    """A compound of three or more names, whatever the third ("Kim-Putin-Min Aung Hlaing",
    "জিনপিং-পুতিন-কিম"): a list of leaders, not a pair."""
    if not joiner:
        return False
    return ((text[end:end + 1] == joiner and _letter(text[end + 1:end + 2]))
            or (text[start - 1:start] == joiner and _letter(text[start - 2:start - 1])))


def _letter(char: str) -> bool:
    """A letter or a combining vowel sign (Bengali "ং", Hindi "ि"), which \\w and isalpha() miss."""
    return bool(char) and (char.isalpha() or unicodedata.category(char)[0] == "M")


def _glued_form(text: str, end: int, forms: frozenset[str]) -> bool:
    """A particle of `forms` glued to the name ending at `end` ("김정은·푸틴에": to Kim and Putin)."""
    return any(text.startswith(form, end) for form in forms if UNSPACED.search(form))


_CLAUSE_END = re.compile(r"\s*(?:[,;:.!?…|]|$)")


def _ends_clause(text: str, end: int) -> bool:
    return _CLAUSE_END.match(text, end) is not None


def _is_subject(f: Found, before: int, text: str, grammar: Grammar) -> bool:
    """True when f is a third party named as an actor (not a place, not a "Label: " heading)
    ahead of position `before`."""
    end = f.start + len(f.matched)
    if f.rule.role_kind != "third" or grammar.is_place(text, f.start, end):
        return False
    colon = text.find(": ", end, min(before, end + LABEL_CHARS))
    return colon < 0


def passive_agent(word: Found, actors: list[Actor], usable: list[int], text: str, grammar: Grammar) -> tuple[int, int] | None:
    """A passive relation word ("a parade attended by top officials from Russia and China"): the
    clause's subject hosts the event and the names after the word are its guests; the guest of the
    other side is the host's counterpart (a third party's parade relates no two guests). A word
    framed by "with" ("a parade with Li Qiang and Medvedev in attendance") has its guests between."""
    words = word.matched.split()
    start, end = word.start, word.start + len(word.matched)
    clause = max((i for i, c in enumerate(text[:start]) if c in CLAUSE_MARKS), default=-1)
    if len(words) >= 2 and words[-1] in grammar.agent_before:
        hosts = [i for i in usable if clause < actors[i].start and actors[i].end <= start]
        guests = []
        for i in (i for i in usable if actors[i].start >= end):
            gap = text[actors[guests[-1]].end if guests else end:actors[i].start]
            if CLAUSE_MARKS & set(gap.replace(",", "")) or word_cost(gap) > 4:
                break
            guests.append(i)
    else:
        # Commas may list the guests ("with 20 leaders, including Putin and Kim, in attendance").
        clause = max((i for i, c in enumerate(text[:start]) if c in CLAUSE_MARKS and c != ","), default=-1)
        opening = _guests_opening(word, text, clause, grammar)
        if opening is None:
            return None
        hosts = [i for i in usable if clause < actors[i].start and actors[i].end <= opening]
        guests = [i for i in usable if opening <= actors[i].start and actors[i].end <= start]
        if guests and word_cost(text[actors[guests[-1]].end:start]) > 2:
            return None
    if not hosts or not guests:
        return None
    host = hosts[0]
    return host, next((i for i in guests if actors[i].side and actors[host].side
                       and actors[i].party != actors[host].party), guests[-1])


def _guests_opening(word: Found, text: str, clause: int, grammar: Grammar) -> int | None:
    """Where the guests of a framed word begin: the last "with" of its clause before a word that
    opens with a place preposition ("with Li Qiang and Medvedev in attendance")."""
    words = word.matched.split()
    if (len(words) < 2 or not grammar.guests_before or grammar.place_before is None
            or not grammar.place_before.search(words[0] + " ")):
        return None
    forms = "|".join(re.escape(f) for f in grammar.guests_before)
    found = list(re.finditer(rf"(?<!\w)(?:{forms})\s", text[clause + 1:word.start]))
    return clause + 1 + found[-1].end() if found else None


def destination_pair(members: list[Found], relations: list[Found], text: str, grammar: Grammar,
                     near: int, reach: int) -> bool:
    """True when a relation word has a side as its destination ("troop deployment to Russia",
    "containers of munitions to Russia") and the other side as its origin, named before it in its
    clause (at most `reach` words away) or between it and the destination (at most `near` words
    away; "munitions from North Korea to Russia"), with no third party or South Korea between: the
    movement or transfer between the two sides is their relation, whoever reports, sanctions or
    condemns it ("EU imposes sanctions on North Korean officials over troop deployment to Russia")."""
    if not grammar.destination_before:
        return False
    named = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third", "exclude")), key=lambda f: f.start)
    for word in relations:
        target, origins = _destination(word, named, text, grammar, near)
        if target is None:
            continue
        before = [f for f in named if f.start + len(f.matched) <= word.start]
        if before:
            gap = DIGIT_GROUP.sub("", text[before[-1].start + len(before[-1].matched):word.start])  # "20,000"
            if (not CLAUSE_MARKS & set(gap) and word_cost(gap) <= reach
                    and not grammar.is_place(text, before[-1].start, before[-1].start + len(before[-1].matched))):
                origins.append(before[-1])
        if any(f.rule.role_kind in ("side", "weak") and f.rule.role_name != target.rule.role_name for f in origins):
            return True
    return False


def _destination(word: Found, named: list[Found], text: str, grammar: Grammar,
                 near: int) -> tuple[Found | None, list[Found]]:
    """The side a relation word moves to (the first name after it that a destination preposition
    opens, "to Russia", "to the Russian port of ..."), and the origins between, unless a third party or
    a clause break comes first; only those an origin preposition opens ("from North Korea") are
    origins."""
    end = word.start + len(word.matched)
    own = word.matched.split()[-1] in grammar.destination_before  # "travels to"
    between: list[Found] = []
    last = end
    for f in (f for f in named if f.start >= end):
        lead = DIGIT_GROUP.sub("", text[end:f.start])
        if (CLAUSE_MARKS & set(lead) or word_cost(lead) > near or f.rule.role_kind in ("third", "exclude")
                or (between and grammar.holds_connector(text[last:f.start], word.rule.lang))):
            break
        tail = text[last:f.start].split()[-2:]
        if (own and not lead.strip()) or any(t in grammar.destination_before for t in tail):
            return (f, between) if f.rule.role_kind == "side" else (None, [])
        if any(t in grammar.origin_before for t in tail) or (
                word.rule.role == "relation:military" and not between and not text[end:f.start].strip()):
            # "from North Korea", or a name right after a military noun ("soldados norcoreanos a
            # Rusia"): a name after the word is an origin only so ("spoke with Putin ... write to Kim")
            between.append(f)
        last = f.start + len(f.matched)
    return None, []


def destination_first_pair(members: list[Found], relations: list[Found], text: str, grammar: Grammar,
                           reach: int) -> bool:
    """The word orders that name a movement's destination first: a relation word right after a side,
    with only a destination particle, ending or postposition between ("ロシアへの派兵", "러시아에 포탄",
    "Rusya'ya asker", "रूस को हथियार"), or nothing at all before a military noun of a verb-final language (the compounds
    "러시아 파병", "ロシア派兵": a dispatch to Russia; with the genitive, "러시아의 파병", Russia is the
    sender and this does not apply), or after a side that a destination preposition written without
    spaces opens ("向俄罗斯派兵"), moves to that side. With the other side named in its clause, before
    or after it (at most `reach` words away, no third party or South Korea between), the movement is
    the two sides' relation whoever the subject is ("EU, 러시아 파병 관련 북한 관리들 제재"), as
    destination_pair reads "troop deployment to Russia"."""
    if not (grammar.destination_after or grammar.destination_before):
        return False
    named = sorted((f for f in members if f.rule.role_kind in ("side", "weak", "third", "exclude")), key=lambda f: f.start)
    for word in (w for w in relations if w.rule.role != "relation:contact"):
        # (a contact after a destination is its subject's: "赴俄羅斯討論", went to Russia to discuss)
        before = [f for f in named if f.start + len(f.matched) <= word.start]
        target = before[-1] if before else None
        if target is None or target.rule.role_kind != "side" or not _moves_to(target, word, text, grammar):
            continue
        for other in named:
            if other.rule.role_kind not in ("side", "weak") or other.rule.role_name == target.rule.role_name:
                continue
            lo, hi = ((other.start + len(other.matched), target.start) if other.start < target.start
                      else (word.start + len(word.matched), other.start))
            gap = DIGIT_GROUP.sub("", text[lo:hi]) if lo <= hi else "\n"
            if CLAUSE_MARKS & set(gap) or word_cost(gap) > reach:
                continue
            if not any(f.rule.role_kind in ("third", "exclude") and lo <= f.start < hi for f in named):
                return True
    return False


def _moves_to(name: Found, word: Found, text: str, grammar: Grammar) -> bool:
    gap = text[name.start + len(name.matched):word.start]
    if gap.strip() in grammar.destination_after:
        return True  # "ロシアへの", "러시아에 ", "rusya'ya ", "रूस को "
    if gap.strip():
        return False
    if word.rule.role == "relation:military" and word.rule.lang in grammar.verb_final:
        return True  # "러시아 파병", "ロシア派兵"
    lead = text[:name.start].rstrip()
    return any(lead.endswith(p) for p in grammar.destination_before if UNSPACED.search(p))  # "向俄罗斯"


def in_counterpart_list(subject: int, free: list[int], actors: list[Actor], text: str, grammar: Grammar,
                         lang: str) -> int:
    """The first counterpart, or the other side's name when it is in the joined list that the first
    counterpart opens ("Putin met Xi and Kim", "Путин поговорил с Си Цзиньпином и Ким Чен Ыном")."""
    if actors[subject].side:
        run = [free[0]] + [b for _, b in itertools.takewhile(
            lambda ab: grammar.is_connector_gap(text[actors[ab[0]].end:actors[ab[1]].start], lang), zip(free, free[1:]))]
        gaps = [text[actors[a].end:actors[b].start] for a, b in zip(run, run[1:])]
        if gaps and all(g.strip() == "," for g in gaps):
            return free[0]  # "held talks with Xi, North Korea fired a missile": a comma alone lists nothing
        return next((b for b in run[1:] if actors[b].side and actors[b].party != actors[subject].party), free[0])
    return free[0]


_CLAUSE_END = re.compile(r"\s*(?:$|[,;:.!?|…])")


def ends_its_clause(word: Found, right: list[int], actors: list[Actor], text: str, grammar: Grammar) -> bool:
    """True when an infinitive or participle of a language that puts it after its object ends its
    clause ("Trump will Kim treffen und telefoniert mit Putin"): punctuation, the end, or a
    connector that is not the word's own "with" before a name ("spricht mit Putin")."""
    end = word.start + len(word.matched)
    if word.rule.lang not in grammar.infinitive_final:
        return False
    if _CLAUSE_END.match(text, end) is not None:
        return True
    return grammar.starts_with_connector(text[end:end + 24], word.rule.lang) and not (
        right and word_cost(text[end:actors[right[0]].start]) <= 1)


QUOTE_OPENS = re.compile(r"[「『“\"]")


def genitive_owners(left: list[int], actors: list[Actor], text: str, grammar: Grammar,
                    lang: str) -> tuple[int, int]:
    """The owners of a relation noun after a joined pair in the genitive: the pair, or, when the
    pair ends a longer list with a third party in it, that party and the last name ("Çin, Rusya ve
    Kuzey Kore'nin üçlü işbirliği": the three's cooperation, no pair's). A name opening the
    headline before a comma is its topic, not a list item ("日米、北朝鮮とロシアの軍事協力")."""
    j = len(left) - 2
    while j > 0 and grammar.is_connector_gap(text[actors[left[j - 1]].end:actors[left[j]].start], lang) and (
            not headline_topic(text, actors[left[j - 1]])):
        j -= 1
    third = next((i for i in left[j:] if not actors[i].side), None)
    return (third, left[-1]) if third is not None else (left[-2], left[-1])


def listed_pair(left: list[int], actors: list[Actor], text: str, grammar: Grammar, word: Found,
                verb_final: bool) -> tuple[int, int] | None:
    """The participants when the names joined before a relation word are part of a longer list:
    a list after a preposition is the noun's counterparts, each related to the clause's subject
    ("Foreign Minister set for Russia, Belarus visit"), and so is a comma list written on a ties
    noun after the subject's verb ("Putin touts China, North Korea ties"; not "China-North Korea
    ties", one pair's); a subject list of three with a third party acts as one ("Xi, Putin and Kim
    send a message of unity"), so the pair is the third party's; a joined pair before a verb-final
    headline's comma are senders to the name after it."""
    if len(left) < 3:
        return None
    lang = word.rule.lang
    subject, pair = left[-3], (left[-2], left[-1])
    gap = text[actors[subject].end:actors[pair[0]].start]
    each = not verb_final and actors[subject].side and (
        after_preposition(text, actors[pair[0]], grammar)
        or (word.rule.role == "relation:ties" and not text[actors[pair[1]].end:word.start].strip()
            and text[actors[pair[0]].end:actors[pair[1]].start].strip() == ","
            and word_cost(gap) >= 1 and not CLAUSE_MARKS & set(gap) and not grammar.has_connector(gap)))
    if each:
        return subject, next((i for i in pair if actors[i].side and actors[i].party != actors[subject].party),
                             pair[1])
    if verb_final and grammar.is_connector_gap(gap, lang) and not any(c in gap for c in ",、，") and any(
            c in text[actors[pair[0]].end:actors[pair[1]].start] for c in ",、，"):
        # "김정은·시진핑, 푸틴 생일 축하": a joined pair before a headline's comma are the senders,
        # the name after it their counterpart, so each sender relates to it
        sender = next((i for i in (subject, pair[0]) if actors[i].side and actors[i].party != actors[pair[1]].party),
                      pair[0])
        return sender, pair[1]
    if not actors[subject].side and grammar.is_connector_gap(gap, lang) and not QUOTE_OPENS.search(gap):
        return subject, pair[1]
    return None


def without_transfer_verbs(relations: list[Found], text: str) -> list[Found]:
    """Relation words less the transfer verbs whose object is a relation noun ("Kim and Xi send
    birthday greetings to Putin", "sent troops"): the noun, with its own counterpart, decides."""
    return [f for f in relations if f.rule.role != "relation:economy" or not any(
        g.start >= f.start + len(f.matched) and g.rule.role != "relation:economy"
        and word_cost(text[f.start + len(f.matched):g.start]) <= 2 for g in relations)]
