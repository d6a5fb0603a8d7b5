"""When naming both sides of a topic is, or is not, a relation between them.

"Trump will call Putin and may meet Kim" and "Japan's white paper names China, North Korea and
Russia as threats" name both sides of russia_dprk, but each only as the object of a third party's
separate action or as an item in a list. "Putin and Kim met in Beijing" names a third country too,
but only as the place of a meeting *between* the sides. Seed terms with role third:<who> (other
states, their leaders and capitals, white papers) and relation:<kind> (contact: meet, talks, call,
letter, visit...; ties, troops, arms, trade...) and the function words of seeds/topic_grammar.csv
(connectors such as "and"/"with"/과/と/与, locative words such as "in"/в/에서/で) let the matcher
read a sentence's structure in any language:

- the *actors* of a sentence are its side and third-party names in order (a name written as a place,
  "in Beijing", "베이징에서", is not an actor); consecutive names of one party are one actor;
- each relation word takes two actors as its participants: the pair joined by a connector right
  before it ("Putin and Kim met", "푸틴과 김정은은 만났다", "普京与金正恩通电话") or right after
  it ("talks between Putin and Kim", "Переговоры Путина и Ким Чен Ына"), else the nearest actor on
  each side ("Kim met Xi", "Kim sends greetings to Putin"), else the two nearest before it in a
  verb-final sentence ("Ким Чен Ын направил Путину телеграмму");
- an actor that was already the counterpart of a third party ("Trump spricht mit Putin und will
  Kim einen Brief schreiben") is not a participant of a later relation word, and a name after
  another relation word is that word's counterpart ("Ким направил Путину письмо после встречи с
  Трампом");
- a third party that is only the source of the report ("Seoul says Pyongyang sent troops to
  Russia", "Госдеп: КНДР ...") or the venue between a pair term and its word ("俄朝領袖北京會談")
  takes part in nothing (newsmon/topics/actors.py).

How a sentence that names a third party is then weighed is newsmon/topics/units.py. A movement or
transfer with one side as its destination and the other as its origin ("troop deployment to
Russia") relates the two whoever is the subject (newsmon/topics/phrases.py).
"""

from __future__ import annotations

import re

from newsmon.topics.actors import (
    CLAUSE_MARKS,
    NEAR_WORDS,
    Actor,
    actors_of,
    between_kind,
    heads_list,
    is_counterpart,
    mate,
    place_names_of,
    side_venues,
    topic_holds_pair,
    topic_of,
    venues,
    with_pair,
)
from newsmon.topics.grammar import Grammar, word_cost
from newsmon.topics.phrases import (
    QUOTE_OPENS,
    after_preposition,
    counterpart_gap,
    destination_first_pair,
    destination_pair,
    ends_in_preposition,
    ends_its_clause,
    framed_contact,
    genitive_owners,
    headed_pair,
    in_counterpart_list,
    listed_pair,
    passive_agent,
    without_transfer_verbs,
)
from newsmon.topics.pronouns import pronoun_stand_ins
from newsmon.topics.scan import Found

_COMPOUND = re.compile(r"\w+(?:[-–]\w+)+")
_PARENTHESIS = re.compile(r"^,[^,;:.!?()]*,|\([^()]*\)|（[^（）]*）")  # set off right after a name


def _participants(word: Found, actors: list[Actor], text: str, grammar: Grammar,
                  taken: set[int], cuts: tuple[int, ...] = (), places: tuple[str, ...] = (),
                  contact_cuts: frozenset[int] = frozenset(), asides: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """Indexes of the two actors a relation word relates, or None when it cannot tell.

    `cuts` are where the sentence's relation words start: a name after another relation word a word
    or more away is that word's counterpart ("Ким направил Путину письмо после встречи с Трампом":
    Trump is the meeting's), while a relation noun right after a verb is its object."""
    start, end = word.start, word.start + len(word.matched)
    usable = [i for i in range(len(actors)) if i not in taken and not actors[i].source]
    left = [i for i in usable if actors[i].end <= start]
    # A name written as a topic, with its pair, is kept only to head that pair on a later word
    # ("briefs UN on North Korea-Russia cooperation"): they are no counterparts of this one.
    right, topics = [], set()
    for i in (i for i in usable if actors[i].start >= end):
        if grammar.is_topic(text, actors[i].start, actors[i].end) or (
                i - 1 in topics and not text[actors[i - 1].end:actors[i].start].strip(" -–·/")):
            topics.add(i)
        else:
            right.append(i)
    free = right
    if right and any(end < c < actors[right[0]].start and word_cost(text[end:c]) >= 1 for c in cuts):
        free = []  # the names after the other relation word are its counterparts
    if with_pair(left, actors, text, grammar, word.rule.lang) and word_cost(
            text[grammar.postposition_end(text, actors[left[-1]].end):start]) <= 3:
        return None  # "با پوتین و کیم رابطه دارم": the unnamed subject's counterparts
    inside = [i for i in usable if actors[i].side and actors[i].start < end and actors[i].end > start]
    if inside:  # "北 최선희, 방러 후 …", "普京访朝": the word names one side; the subject is the other
        others = [i for i in reversed(left) if actors[i].party != actors[inside[0]].party]
        if others and word_cost(text[actors[others[0]].end:start]) <= NEAR_WORDS:
            return others[0], inside[0]

    headed = headed_pair(start, end, actors, text, grammar)
    if headed is not None:
        return headed
    if (len(left) >= 2 and not text[actors[left[-1]].end:start].strip(" -")
            and re.fullmatch(r"'s\s+", text[actors[left[-2]].end:actors[left[-1]].start])
            and actors[left[-2]].side and actors[left[-1]].side and actors[left[-2]].party != actors[left[-1]].party):
        return left[-2], left[-1]  # "Putin's North Korea trip": the owner's relation with the name on the noun

    def near(gap: str) -> bool:
        # A place written between a party and the word is no distance: verb-final sentences put
        # it there ("푸틴과 김정은이 지난 3일 중국 베이징에서 만난", "... Çin'in başkenti Pekin'de bir araya geldi").
        for clause in asides:  # "Putin, who is in China for a summit, held talks with Kim"
            gap = gap.replace(clause, " ")
        gap = _PARENTHESIS.sub(" ", gap)  # "South Korea, in a rare move last week, sent ..."
        for name in places:
            if name in gap:
                gap = re.sub(r"\S*" + re.escape(name) + r"\S*", " ", gap)
        # A hyphen compound ("condemns US-Japan-South Korea drills") is one word of distance.
        return word_cost(_COMPOUND.sub("x", gap)) <= NEAR_WORDS

    def clear(a: int, b: int) -> bool:  # nothing between two actors but a connector
        return grammar.is_connector_gap(text[actors[a].end:actors[b].start], word.rule.lang)

    if len(left) >= 2 and grammar.genitive_after is not None and clear(left[-2], left[-1]):
        owner = grammar.genitive_after.match(text, actors[left[-1]].end)
        if owner and word_cost(text[owner.end():start]) <= 1:
            # "北朝鮮とロシアの軍事協力", "북한과 러시아의 협력": a pair in the genitive owns the noun
            # (not "日本は北朝鮮と協力": the name before と is a counterpart only with no genitive).
            return genitive_owners(left, actors, text, grammar, word.rule.lang)
    passive = passive_agent(word, actors, usable, text, grammar)
    if passive is not None:
        return passive
    framed = framed_contact(word, actors, left, right, text, grammar)
    if framed is not None:
        return framed
    if ends_in_preposition(word, text, grammar):
        # "arrives in Moscow", "travels to Pyongyang": the destination is the name right after the
        # word, or none ("Kim arrives in Beijing for a parade alongside Putin": Beijing, a place).
        # A verb that opens the next clause shares the sentence's subject ("Shoigu holds talks with
        # Wang Yi, then flies to Pyongyang").
        after = next((i for i in usable if actors[i].start >= end), None)
        gap = text[actors[left[-1]].end:start] if left else ""
        before = [i for i, a in enumerate(actors) if a.end <= start]
        prior = text[actors[before[-1]].end:start] if before else ""
        shared = (len(before) > 1 and bool(left) and left[0] == before[0] and "," in prior
                  and word_cost(re.split(r"[,;]", prior)[-1]) <= 1)
        if after is None or text[end:actors[after].start].strip() or not left or not shared and (
                not near(gap) or grammar.starts_with_connector(gap, word.rule.lang)):
            return None
        return left[0] if shared else left[-1], after
    between = between_kind(word, text, grammar)
    if between == "before":  # "between Moscow and Pyongyang"
        if len(right) >= 2 and near(text[end:actors[right[0]].start]) and clear(right[0], right[1]):
            listed = [right[0], right[1]] + [c for b, c in zip(right[1:], right[2:], strict=False) if clear(b, c)]
            third = next((i for i in listed if not actors[i].side), None)
            # "the tri-border area between North Korea, Russia and China": a third party in the
            # list makes it no pair's relation
            return (right[0], third) if third is not None and len(listed) > 2 else (right[0], right[1])
        return None
    if between == "after":  # "俄朝之间", "러시아와 북한 사이"
        if len(left) >= 2 and near(text[actors[left[-1]].end:start]) and clear(left[-2], left[-1]):
            return left[-2], left[-1]
        return None

    if left and near(text[actors[left[-1]].end:start]) and grammar.starts_with_connector(
            text[actors[left[-1]].end:start], word.rule.lang):
        # The nearest name is someone's counterpart ("시진핑, 푸틴·김정은과 … 회담", "Xi, with Putin
        # and Kim, held talks"): the other participant is the subject before it and its partners.
        verb_final = word.rule.lang in grammar.verb_final
        j = len(left) - 1
        while j > 0 and clear(left[j - 1], left[j]) and not (
                j > 1 and heads_list(text, actors, left[j - 2], left[j - 1], left[j], grammar, verb_final)):
            if verb_final and topic_of(text, actors, left[j - 1], left[j:]):
                break  # "김정은, 푸틴과 … 정상회담", "최선희, 모스크바서 라브로프와 회담": the topic met them
            j -= 1
        if j > 1 and heads_list(text, actors, left[j - 2], left[j - 1], left[j], grammar, verb_final):
            j -= 1  # "김정은, 시진핑·푸틴과 잇따라 회담": the topic, then its counterparts
        elif verb_final and j > 1 and QUOTE_OPENS.search(text[actors[left[j - 1]].end:actors[left[j]].start]):
            j -= 1  # "プーチン氏、韓国に「北朝鮮との条約…」": the one told owns nothing of the quote
        if j == 0 or (CLAUSE_MARKS & set(text[actors[left[j - 1]].end:actors[left[j]].start])
                      and not topic_of(text, actors, left[j - 1], left[j:])):
            return None  # '트럼프 "김정은 만날 것"…푸틴과는 통화': the subject is in another clause
        return left[j - 1], mate(actors, left[j - 1], left[j:])
    verb_final = word.rule.lang in grammar.verb_final
    if (len(left) >= 2 and word_cost(text[grammar.postposition_end(text, actors[left[-1]].end):start]) <= 1
            and grammar.counterpart_form(text, actors[left[-1]].head_end)):
        # "Hszi Csin-ping Kim Dzsong Unnal tárgyalt": a name in the comitative is the counterpart of the
        # name before it; a joined pair there, each of the subject's ("शी ने पुतिन और किम से मुलाकात की").
        if not clear(left[-2], left[-1]):
            return left[-2], left[-1]
        if len(left) >= 3 and not CLAUSE_MARKS & set(text[actors[left[-3]].end:actors[left[-2]].start]):
            return left[-3], mate(actors, left[-3], left[-2:])
    if (not verb_final and word.rule.role == "relation:ties" and left and len(free) >= 2 and free[0] == right[0]
            and grammar.opens_owner(text[end:actors[right[0]].start]) and word_cost(text[actors[left[-1]].end:start]) >= 1
            and clear(right[0], right[1]) and actors[right[0]].party != actors[right[1]].party):
        # A ties noun with its pair right after it ("осудили военное сотрудничество Москвы и
        # Пхеньяна", "cooperation of Russia and North Korea"): the pair's own ties, not the
        # subjects' some words before, one or a pair ("США и Япония осудили ...").
        return right[0], right[1]
    if len(left) >= 2 and near(text[actors[left[-1]].end:start]) and clear(left[-2], left[-1]) and not all(
            is_counterpart(text, actors[i], grammar, particle=False) for i in left[-2:]):  # "با ترامپ با کیم"
        pair = left[-2], left[-1]  # "Putin and Kim met", "푸틴과 김정은은 … 만났다"
        listed = listed_pair(left, actors, text, grammar, word, verb_final)
        if listed is not None:
            return listed
        if len(left) >= 3 and heads_list(text, actors, left[-3], *pair, grammar, verb_final):
            # "김정은, 베이징서 中·러 정상 연쇄 회담", "习近平同普京、金正恩会谈": the subject met each
            # of the pair.
            return left[-3], mate(actors, left[-3], list(pair))
        if (not verb_final and free and counterpart_gap(text, end, actors[free[0]].start, grammar)
                and not grammar.is_topic(text, actors[free[0]].start, actors[free[0]].end)
                and not any(end < c < actors[free[0]].start for c in contact_cuts)):
            # (A name the word is about, "discussed Trump's summit", or the counterpart of a meeting
            # noun in between, "обсудили саммит с Трампом", is not the subjects' counterpart.)
            # ... unless the word has its own counterpart right after it: "Kim and Xi sent greetings
            # to Putin", "Putin und Kim zu Besuch bei Xi": each subject relates to that counterpart.
            other = free[0]
            if actors[other].party not in (actors[pair[0]].party, actors[pair[1]].party):
                group = list(pair)  # "Medvedev, Li Qiang and To Lam join Kim": each of a listed subject
                while len(left) > len(group) and clear(left[-len(group) - 1], group[0]):
                    group.insert(0, left[-len(group) - 1])
                partner = next((i for i in reversed(group) if actors[i].side and actors[other].side
                                and actors[i].party != actors[other].party), pair[1])
                return partner, other
        return pair
    k = len(left) - 2
    while (k > 0 and not verb_final and not actors[left[k]].side and after_preposition(text, actors[left[k]], grammar)
           and not CLAUSE_MARKS & set(text[actors[left[k - 1]].end:actors[left[k]].start])):
        k -= 1  # "Putin heads to Vietnam after North Korea visit": the place he heads to is no subject
    if (len(left) >= 2 and word_cost(text[actors[left[-1]].end:start]) == 0 and not (
            right and near(text[end:actors[right[0]].start]))
            and actors[left[k]].party != actors[left[-1]].party
            and near(text[actors[left[k]].end:actors[left[-1]].start])
            and not is_counterpart(text, actors[left[k]], grammar)):
        # A name written on the noun ("deepens Russia ties", "러시아 관계 강화"): the other party is
        # the clause's subject before it ("North Korea tests missiles and deepens Russia ties"), and
        # each name of a list written there ("Foreign Minister set for Russia, Belarus visit").
        if (not actors[left[-1]].side and k < len(left) - 2 and actors[left[-2]].side
                and actors[left[-2]].party != actors[left[k]].party and clear(left[-2], left[-1])):
            return left[k], left[-2]
        return left[k], left[-1]
    # "Trump will Kim treffen und telefoniert mit Putin": an infinitive ending its clause takes the
    # names before it, not the next clause's.
    clause_final = ends_its_clause(word, right, actors, text, grammar)
    if (not verb_final and not clause_final and left and free and near(text[end:actors[free[0]].start])
            and not CLAUSE_MARKS & set(text[end:actors[free[0]].start])
            and not grammar.opens_clause(text[end:actors[free[0]].start])):
        gap = text[actors[left[-1]].end:start]
        subject = left[-1]
        tail = re.split(r"[,;]", gap)[-1]
        shared = len(left) > 1 and "," in gap and word_cost(tail) - sum(start - len(tail) <= c < start for c in cuts) <= 1
        if shared:  # a verb opening the next clause shares the sentence's subject, however far
            subject = left[0]  # ("… by train, meets Putin", "… slams Seoul, praises ties with Moscow")
        elif (len(left) > 1 and not actors[subject].side and word_cost(gap) == 0
              and grammar.starts_with_connector(text[end:actors[free[0]].start], word.rule.lang)):
            # "Putin's Beijing meeting with Kim": a third party's name on the noun is its venue or
            # topic; the counterpart follows "with".
            subject = left[-2]
        elif len(left) > 1 and actors[subject].party == actors[free[0]].party and actors[left[-2]].side:
            subject = left[-2]  # "Lavrov flew to Wonsan to meet Choe": the place's side is no subject
        elif (len(left) > 1 and not actors[subject].side and (gap.split() or [""])[0] in grammar.complementizer
              and word_cost(text[actors[left[-2]].end:actors[subject].start]) <= 1
              and not CLAUSE_MARKS & set(text[actors[left[-2]].end:actors[subject].start])):
            # "Putin assures South Korea that the pact with Pyongyang ...": a third party told of a
            # relation noun with one side owns nothing of it (a side told of one may: "Seoul tells
            # Moscow that the treaty with Pyongyang ...").
            subject = left[-2]
        # "Trump will call Putin and may meet Kim": after a connector the subject is an earlier one. A
        # noun with its "with" counterpart belongs to the clause's subject further away, other relation
        # words being no distance ("Russia tells South Korea not to worry about its treaty with Pyongyang").
        span = text[actors[subject].end:start]
        with_mate = grammar.starts_with_connector(text[end:actors[free[0]].start], word.rule.lang)
        far_subject = (with_mate and not CLAUSE_MARKS & set(span) and not grammar.has_connector(span)
                       and word_cost(span) - sum(actors[subject].end < c < start for c in cuts) <= 2 * NEAR_WORDS)
        far_subject = far_subject or (shared and span.count(",") == 1 and not (CLAUSE_MARKS - {","}) & set(span))
        if (near(span) or far_subject) and not grammar.starts_with_connector(gap, word.rule.lang):
            if actors[subject].party != actors[free[0]].party:
                # "Kim met Xi", "Kim sends greetings to Putin"; a list of counterparts is each one's
                # ("Putin met Xi and Kim": the other side among them is the subject's counterpart)
                return subject, in_counterpart_list(subject, free, actors, text, grammar, word.rule.lang)
    if (len(free) >= 2 and near(text[end:actors[right[0]].start])
            and not grammar.starts_with_connector(text[end:actors[right[0]].start], word.rule.lang)):
        # "talks between Putin and Kim", "Переговоры Путина и Ким Чен Ына", "دیدار پوتین و کیم"; with
        # no party just before the word also "поставки зброї з КНДР до Росії". A subject right before
        # the word makes the two names after it its counterparts ("Kim sends arms to Putin and Xi"); one
        # a few words away is another verb's ("EUA condenam transferência de armas ... para a Rússia").
        subject = bool(left) and word_cost(text[actors[left[-1]].end:start]) - sum(  # (relation words
            actors[left[-1]].end < c < start for c in cuts) <= 2  # in the gap do not count, here and below)
        lead = word_cost(text[end:actors[right[0]].start]) - sum(end < c < actors[right[0]].start for c in cuts)
        host = left[-1] if left and not text[actors[left[-1]].end:start].strip() else None
        if host is not None and not actors[host].side and lead <= 1 and clear(right[0], right[1]):
            return host, right[0]  # "شی جین‌پینگ میزبان پوتین و کیم": a third party's guests, each
        if ((lead <= 1 and clear(right[0], right[1]))
                or (not subject and not verb_final and near(text[actors[right[0]].end:actors[right[1]].start])
                    and not grammar.opens_clause(text[actors[right[0]].end:actors[right[1]].start]))):
            return right[0], right[1]
    object_gap = text[actors[left[-1]].end:start] if left else ""
    if len(left) >= 2 and (verb_final or clause_final or "," not in object_gap) and (near(object_gap) or (
            # A verb-final sentence puts the whole object between its subject and the verb
            # ("한국과 러시아가 최근 모스크바에서 북한의 핵 프로그램과 … 논의"): one clause, no other
            # relation word, reaches twice as far.
            verb_final and not CLAUSE_MARKS & set(object_gap)
            and not any(actors[left[-1]].end <= c < start for c in cuts)
            and word_cost(object_gap) <= 2 * NEAR_WORDS)):
        # Subject, object, then the word: "Ким Чен Ын направил Путину телеграмму", "김정은, 푸틴에
        # 친서" (not "Kim slams Seoul, praises ties with Moscow": after a comma the word opens a
        # clause). In a language that puts the verb first, a third party before the two is the
        # subject ("Japan protests against Russia as North Korea tests weapons"), unless it only
        # labels the headline ("Госдеп: КНДР направила в Россию ... военнослужащих").
        subject_first = verb_final or clause_final or all(actors[i].side or actors[i].label for i in left[:-1])
        if subject_first and (near(text[actors[left[-2]].end:actors[left[-1]].start]) or (
                verb_final and topic_of(text, actors, left[-2], left[-1:]))):
            k = len(left) - 2
            while verb_final and k > 0 and is_counterpart(text, actors[left[k]], grammar) and not CLAUSE_MARKS & set(
                    text[actors[left[k - 1]].end:actors[left[k]].start]):
                k -= 1  # "پوتین پس از دیدار با ترامپ با کیم ... گفتگو کرد": both "with" names are Putin's
            if verb_final and k > 0 and QUOTE_OPENS.search(text[actors[left[k]].end:actors[left[-1]].start]):
                k -= 1  # "プーチン氏、韓国に「北朝鮮との条約…」": the one told owns nothing of the quote
            return left[k], left[-1]
    return None


def relates_sides(members: list[Found], text: str, grammar: Grammar,
                   actors: list[Actor] | None = None) -> bool | None:
    """True when some relation word of one sentence has the two sides as its participants, False
    when none does but one has a third party and a side, None when no relation word tells."""
    # A relation noun as the subject of a report verb is its source ("U.S., allies say ..."), no relation.
    relations = sorted((f for f in members if f.rule.role_kind == "relation" and not (
        f.rule.role == "relation:ties" and grammar.source_after is not None
        and grammar.source_after.match(text, f.start + len(f.matched)))), key=lambda f: f.start)
    relations = without_transfer_verbs(relations, text)
    if not relations:
        return None
    stand_ins = pronoun_stand_ins(members, relations, text, grammar)
    if stand_ins:  # "North Korea slams US ..., defends its troop deployment to Russia"
        members, actors = members + stand_ins, None
    actors = actors if actors is not None else actors_of(members, relations, text, grammar)
    if topic_holds_pair(members, relations, actors, text, grammar):
        return False
    if (destination_pair(members, relations, text, grammar, NEAR_WORDS + 3, 2 * NEAR_WORDS + 2)
            or destination_first_pair(members, relations, text, grammar, 2 * NEAR_WORDS + 2)):
        return True  # "EU sanctions North Korean officials over troop deployment to Russia", "EU, 러시아 파병 …"
    for pair in (f for f in members if f.rule.role_kind == "both_sides"):
        end = pair.start + len(pair.matched)
        if end <= relations[0].start and not text[end:relations[0].start].strip(" -"):
            # "DPRK-Russia friendship week opens ... amid US-ROK drills": the sentence opens with the
            # pair's own word (not "김정은·시진핑 만나 … 북러 밀착으로 …": background to a third party's).
            return True
    places = venues(members, relations, actors, text, grammar) | side_venues(relations, actors, text, grammar)
    # A side's name written as what is talked about, so no actor ("… شمالی کوریا کے بارے میں بات
    # چیت", "북한의 핵 프로그램을 논의"), is no distance between a subject and its verb, as a place is not.
    place_names = place_names_of(members, text, grammar) + tuple(
        f.matched for f in members if f.rule.role_kind in ("side", "weak", "proxy")
        and not any(a.start <= f.start < a.end for a in actors))
    bound: set[int] = set()
    taken = set(places)  # a venue is nobody's participant
    # "between" words name their participants outright: read them first ("Japan condemns cooperation
    # between Moscow and Pyongyang": Moscow is not Japan's counterpart).
    cuts = tuple(sorted({f.start for f in relations}))
    contacts = frozenset(f.start for f in relations if f.rule.role == "relation:contact")
    spans = grammar.asides(text)
    clauses = tuple(text[s:e] for s, e in spans)
    for word in sorted(relations, key=lambda f: between_kind(f, text, grammar) is None):
        # Names inside a clause set off by commas are no participants of a word outside it.
        aside = {i for i, a in enumerate(actors) for s, e in spans
                 if s <= a.start and a.end <= e and not s <= word.start < e}
        pair = _participants(word, actors, text, grammar, taken | bound | aside, cuts, place_names, contacts,
                             tuple(c for (s, e), c in zip(spans, clauses, strict=True) if not s <= word.start < e))
        if pair is None:
            # A third party glued to a connector before the word ("트럼프와 회담") is its
            # counterpart, whoever the subject: no participant of a later word; so is a "with" pair.
            near = [i for i, a in enumerate(actors) if a.end <= word.start and i not in taken and not a.source]
            bound.update(near[-2:] if with_pair(near, actors, text, grammar, word.rule.lang) else near[-1:] if (
                near and not actors[near[-1]].side and grammar.starts_with_connector(
                    text[actors[near[-1]].end:word.start], word.rule.lang)) else ())
            continue
        a, b = (actors[i] for i in pair)
        if a.side and b.side and a.party != b.party:
            return True
        if a.side != b.side:  # a third party's counterpart is not free for a later relation word
            side, third = (pair[0], pair[1]) if a.side else (pair[1], pair[0])
            # A side written before the word and the third party after it ("Russia tells South
            # Korea its ties with North Korea ...") is the subject: the third party is the one bound.
            subject = (word.rule.lang not in grammar.verb_final
                       and actors[side].end <= word.start and actors[third].start >= word.start)
            if subject or (is_counterpart(text, actors[third], grammar)
                           and not is_counterpart(text, actors[side], grammar)):
                # ... but its subject is: "Putin, Trump ile görüşmesinin ardından Kim Jong Un ile
                # telefonda görüştü" (after meeting Trump, Putin called Kim).
                bound.add(third)
            else:
                taken.add(side)
    return False if (taken | bound) - places else None
