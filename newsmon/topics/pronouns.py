"""Possessive pronouns that name a relation word's head: "North Korea slams US, Japan and South Korea,
defends its troop deployment to Russia", "Pyongyang accuses Washington of lying about its troops in
Russia". The pronoun stands for the sentence's subject, so the relation rules of
newsmon/topics/context.py read it as that side's name written on the noun ("North Korean troops in
Russia"). The pronouns are data (`possessive` in seeds/topic_grammar.csv); Russian свой always
names the subject.

Only a subject that opens the sentence is an antecedent (a third party or a place first, and the
pronoun is left alone), and not when a name between is told to do something ("Russia asks China
to use its ties with North Korea": its is China's).
"""

from __future__ import annotations

import re

from newsmon.topics.actors import CLAUSE_MARKS
from newsmon.topics.grammar import Grammar, word_cost
from newsmon.topics.scan import Found
from newsmon.topics.textnorm import WORD

_NAMES = ("side", "weak", "third", "exclude")
_HEAD_GAP = 1  # "its troop deployment": one word between the pronoun and its noun
_INFINITIVE = re.compile(r"\s+to\s+" + WORD + "+")  # "asks China to use its ties"


def pronoun_stand_ins(members: list[Found], relations: list[Found], text: str, grammar: Grammar) -> list[Found]:
    """The sentence subject's name, moved onto each possessive pronoun that heads a relation word."""
    if grammar.possessive is None:
        return []
    named = sorted((f for f in members if f.rule.role_kind in _NAMES), key=lambda f: f.start)
    first = next((f for f in named if not grammar.is_place(text, f.start, f.start + len(f.matched))), None)
    if first is None or first.rule.role_kind not in ("side", "weak"):
        return []
    out = []
    for m in grammar.possessive.finditer(text, first.start + len(first.matched)):
        word = next((w for w in relations if w.start >= m.end()), None)
        if word is None or word_cost(text[m.end():word.start]) > _HEAD_GAP or CLAUSE_MARKS & set(text[m.end():word.start]):
            continue
        between = [f for f in named if first.start < f.start and f.start + len(f.matched) <= m.start()]
        if any(_INFINITIVE.match(text, f.start + len(f.matched)) for f in between):
            continue
        out.append(first._replace(matched=m.group(), start=m.start()))
    return out

