"""Pronouns that stand for names. Possessive pronouns that name a relation word's head: "North Korea slams US, Japan and South Korea,
defends its troop deployment to Russia", "Pyongyang accuses Washington of lying about its troops in
Russia". The pronoun stands for the sentence's subject, so the relation rules of
newsmon/topics/context.py read it as that side's name written on the noun ("North Korean troops in
Russia"). The pronouns are data (`possessive` in seeds/topic_grammar.csv); Russian свой always
names the subject.

Subject pronouns (`subject_pronoun`: he, she, elle, он, beliau) a few words before a relation word
stand for that subject too ("Putin ended a visit to Beijing, during which he held talks with ... Kim
Jong Un"), but not when the first name is an owner ("Kim's appearance, where he ...").

Only a subject that opens the sentence is an antecedent (a third party or a place first, and the
pronoun is left alone), and not when a name between is told to do something ("Russia asks China
to use its ties with North Korea": its is China's).

Pair pronouns ("the two leaders", "стороны", "양 정상", "両首脳") stand for both sides when the
sentence, or the one before it, names the two sides as a pair joined by a connector ("Xi hosted
Putin and Kim at the parade. The two leaders later held talks"), and a relation word follows them.
"""

from __future__ import annotations

import bisect
import re

from newsmon.topics.actors import CLAUSE_MARKS, OWNER_MARK
from newsmon.topics.grammar import Grammar, word_cost
from newsmon.topics.scan import Found, TermRule
from newsmon.topics.textnorm import WORD

_NAMES = ("side", "weak", "third", "exclude")
_HEAD_GAP = 1  # "its troop deployment": one word between the pronoun and its noun
_SUBJECT_GAP = 4  # "he engaged in extensive diplomatic discussions": the pronoun is the word's subject
_INFINITIVE = re.compile(r"\s+to\s+" + WORD + "+")  # "asks China to use its ties"


def pronoun_stand_ins(members: list[Found], relations: list[Found], text: str, grammar: Grammar) -> list[Found]:
    """The sentence subject's name, moved onto each possessive pronoun that heads a relation word
    and each subject pronoun a few words before one ("..., during which he held talks with")."""
    named = sorted((f for f in members if f.rule.role_kind in _NAMES), key=lambda f: f.start)
    first = next((f for f in named if not grammar.is_place(text, f.start, f.start + len(f.matched))), None)
    if first is None or first.rule.role_kind not in ("side", "weak"):
        return []
    # A subject pronoun's antecedent is the subject, not an owner ("follows Kim's appearance at the
    # parade, where he was joined by Putin": he may be anyone the sentence named).
    owner = text.startswith(OWNER_MARK, first.start + len(first.matched))
    pronouns = [(p, gap) for p, gap in ((grammar.possessive, _HEAD_GAP),
                                        (None if owner else grammar.subject_pronoun, _SUBJECT_GAP)) if p is not None]
    out = []
    for m in (m for pattern, gap in pronouns for m in pattern.finditer(text, first.start + len(first.matched))
              if _heads(m, relations, text, gap)):
        between = [f for f in named if first.start < f.start and f.start + len(f.matched) <= m.start()]
        if any(_INFINITIVE.match(text, f.start + len(f.matched)) for f in between):
            continue
        out.append(first._replace(matched=m.group(), start=m.start()))
    return out


def _heads(m: re.Match[str], relations: list[Found], text: str, gap: int) -> bool:
    word = next((w for w in relations if w.start >= m.end()), None)
    return word is not None and word_cost(text[m.end():word.start]) <= gap and not CLAUSE_MARKS & set(
        text[m.end():word.start])


_PAIR_HEAD_GAP = 3  # "the two leaders later held talks": the pronoun is the relation word's subject
_PAIR_LEAD = 2  # it opens its clause ("Later, the two held talks"; "On Wednesday the two met")
_NOT_SUBJECT = re.compile(r"\s?[을를와과에をとに]")  # object, comitative and dative particles


def pair_stand_ins(found: list[Found], texts: dict[str, str], starts: dict[str, list[int]], grammar: Grammar,
                   topic: str) -> list[Found]:
    """A both-sides name on each pair pronoun whose antecedent is a joined pair of the two sides."""
    if grammar.pair_pronoun is None or not any(f.rule.role_kind == "relation" for f in found):
        return []
    out = []
    for where, text in texts.items():
        for m in grammar.pair_pronoun.finditer(text):
            unit = bisect.bisect_right(starts[where], m.start()) - 1
            lead = re.split(r"[,;:.!?|…]", text[starts[where][unit]:m.start()])[-1]
            if word_cost(lead) > _PAIR_LEAD or _NOT_SUBJECT.match(text, m.end()):
                continue  # "시 주석은 … 두 정상을 각각 만났다": the pair is someone's object
            if not any(f.where == where and f.unit == unit and f.rule.role_kind == "relation" and f.start >= m.end()
                       and word_cost(text[m.end():f.start]) <= _PAIR_HEAD_GAP for f in found):
                continue
            before = [f for f in found if f.where == where and (f.unit == unit - 1 or (
                f.unit == unit and f.start < m.start()))]
            if where == "text" and unit == 0:  # the lede's first sentence follows the headline
                before += [f for f in found if f.where == "title"]
            if _joined_pair(before, texts, grammar):
                rule = TermRule(f"pair:{m.group()}", topic, "both_sides", "", "pair", m.group(), 1.0)
                out.append(Found(rule, m.group(), where, unit, m.start()))
    return out


def _joined_pair(found: list[Found], texts: dict[str, str], grammar: Grammar) -> bool:
    """Two names of different sides next to each other with only a connector between ("Putin and Kim")."""
    names = sorted((f for f in found if f.rule.role_kind in ("side", "weak")), key=lambda f: (f.where, f.start))
    return any(a.where == b.where and a.rule.role_name != b.rule.role_name and b.start >= a.start + len(a.matched)
               and grammar.is_connector_gap(texts[a.where][a.start + len(a.matched):b.start], "*")
               for a, b in zip(names, names[1:], strict=False))
