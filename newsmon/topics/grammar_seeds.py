"""Reading seeds/topic_grammar.csv and seeds/topic_inflections.csv into a Grammar
(newsmon/topics/grammar.py), compiled once.

topic_grammar.csv (`lang,kind,form`) lists, per language:
- `connector`: words joining two participants ("and", "with", и, с, 과, と, 与, ile, و ...);
- `place_before` / `place_after`: words or endings that make a name the *place* of an event
  ("in Beijing", "в Пекине", "베이징에서", "北京で", "Pekin'de", "Pekingissä") rather than a party;
- `separator`: phrases that open an unrelated item inside a text ("Separately, ...");
- `between_before` / `between_after`: "between" words, whose two participants follow them ("between
  Moscow and Pyongyang", "بين موسكو وبيونغ يانغ") or precede them ("俄朝之间", "북러 사이");
- `order`: `infinitive_final` for languages that put an infinitive or participle after its object
  ("Trump will Kim treffen", "heeft Kim ontmoet"): such a word ending its clause takes the two names
  before it; `verb_final` for languages whose verb (and relation noun) follows both its parties
  (Korean, Japanese, Turkish, Hindi, Persian);
- `source_before` / `source_after`: words that make a name the *source* of a report rather than a
  party to what it reports ("according to Seoul", "Seoul says", "美国称", "Güney Kore'ye göre"; a
  form starting with "-" is a compound's second part, "US-Angaben"):
  "Seoul says Pyongyang sent more troops to Russia" relates the two sides, not Seoul;
- `topic_before` / `topic_after`: words that make a name the *subject matter* of a relation, not a
  party to it ("talks on North Korea", "переговоры о КНДР", "북한 문제 논의", "北朝鮮について協議");
- `counterpart_before`: prepositions before a relation word's own counterpart ("greetings to
  Putin", "zu Besuch bei Xi"); a verb there ("the axis worries Tokyo") opens another clause;
- `counterpart_after`: postpositions after a counterpart, as separate words ("पुतिन के साथ", "পুতিনের
  সঙ্গে"): a pair joined before one are both someone's counterparts ("शी ने पुतिन और किम के साथ बैठक की");
- `agent_before`: the word before a passive's agent ("a parade attended by officials from Russia"):
  the relation word's participants are its clause's subject (the host) and the agent;
- `guests_before`: the word that opens the guests of a relation word written after them ("a parade
  with Li Qiang and Medvedev in attendance"): read as the agents of a passive;
- `destination_before`: prepositions before the destination of a movement or transfer ("troop
  deployment to Russia", "Truppen nach Russland"): the side named before the word is its origin;
- `possessive`: possessive pronouns that stand for the sentence's subject before a relation noun
  ("North Korea ..., defends its troop deployment to Russia", Russian своих);
- `origin_before`: prepositions before the origin of a movement or transfer named after it ("munitions
  from North Korea to Russia");
- `genitive_before`: words between a relation noun and the pair that owns it ("cooperation of Russia
  and North Korea", "Zusammenarbeit der beiden"): the pair's own relation, as with no word between;
- `destination_after`: particles and endings between a destination and the movement written after
  it ("ロシアへの派兵", "러시아에 포탄", "Rusya'ya asker"); destination_before forms written without
  spaces open one before it ("向俄罗斯派兵");
- `complementizer`: the word that opens a reported clause after its addressee ("Putin assures South
  Korea that the pact with Pyongyang is no threat"): the addressee owns nothing of the clause, so a
  relation noun there with its "with" counterpart is the speaker's;
- `clause_before`: conjunctions that open a clause with a subject of its own ("Japan protests Russian
  bomber flights as North Korea tests a missile", "während", "alors que"): the name after one is
  that clause's subject, no counterpart of a relation word before it;
- `genitive_after`: the genitive particle or ending glued to a name in a verb-final language ("북한의",
  "北朝鮮の", "Kuzey Kore'nin"): a name owning the object of a talk verb ("한국과 러시아가 북한의 핵
  프로그램을 논의") is what is talked about, not a party to the talks;
- `pair_pronoun`: words that name the two parties just named as a pair ("the two leaders", "стороны",
  "양 정상", "両首脳", "双方"): after "Putin and Kim" (a pair joined by a connector) in the same or
  the previous sentence, they stand for both sides (newsmon/topics/pronouns.py);
- `subject_pronoun`: personal pronouns that stand for the sentence's subject as the subject of a
  later clause's relation word ("Putin ended a visit to Beijing, during which he held talks with
  Xi and Kim"; newsmon/topics/pronouns.py);
- `group_marker`: words that put the names next to them in a larger group ("leaders including Putin
  and Kim", "Putin and Kim among 26 leaders", "समेत"): with no relation word, a sentence whose sides
  are such a group's members relates neither (newsmon/topics/units.py);
- `occasion`: stems of the occasions a party holds and their dates ("parade", "anniversary",
  "記念行事", "창건", "周年"): the other side named beside a side's own occasion ("Li Qiang and Medvedev
  attend North Korea's parade", "朝鮮労働党創建80周年の記念行事に李強、メドベージェフが参加") is its
  guest, a relation even beside a third party's name (newsmon/topics/units.py);
- `background_before`: words that open a background phrase ("amid", "despite", "на фоне", "sur fond
  de"): a third party named after one, with both sides named before it, is the setting of the
  sentence, not a party to it ("Moscow rolls out red carpet for Pyongyang's top diplomat amid Trump
  peace push"; newsmon/topics/units.py);
- `reciprocal`: "each other" words ("elkaar", "друг с другом", "서로", "互いに"): a list of names
  joined by connectors right before one, both sides among them, met or spoke each with each other
  ("Xi, Putin and Kim met each other in Beijing"; newsmon/topics/units.py);
- `product_after`: what follows a name that is a product's origin, not a party ("Iranian-made",
  "이란제", "イラン製", "伊朗制造"): a third party named so takes part in nothing ("Russia supplies
  Iranian-made drones to North Korea"; newsmon/topics/actors.py);
- `abbreviation`: abbreviations whose period ends no sentence ("Mr. Kim", "Gen. Kim", "Korei Płn.",
  "St. Petersburg"; one-letter ones never do);
- `aside`: words that open a clause set off by commas ("Putin, who is in China for a summit, met
  Kim", "Путин, который ..., встретился"): its names are no participants of the sentence's verb,
  and it is no distance between the subject and that verb.

topic_inflections.csv (`lang,suffix,case`) lists the case endings a name takes in a language with
case or ezafe ("Putin" -> "Putina", "Putinovi", "Putinem"). A whole-word name term of that language
may carry them, and so may the names written alike in many languages (`en` and `mul` terms: "Putin",
"Kim Jong Un"), which take the endings of every language of their script: matching never needs to
know the item's language.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from newsmon.topics.grammar import HAN_KANA, UNSPACED, Grammar, alternation, before_pattern
from newsmon.topics.scan import script_of
from newsmon.topics.textnorm import WORD, normalize_text

GRAMMAR_KINDS = ("connector", "place_before", "place_after", "separator", "order", "between_before",
                 "between_after", "source_before", "source_after", "topic_before", "topic_after", "aside",
                 "counterpart_before", "agent_before", "guests_before", "destination_before",
                 "origin_before", "possessive", "complementizer", "destination_after", "genitive_before",
                 "pair_pronoun", "subject_pronoun", "group_marker", "counterpart_after", "abbreviation", "occasion",
                 "background_before", "reciprocal", "product_after",
                 "clause_before", "genitive_after")
# A source word may follow its name after a few words ("South Korea's spy agency says").
_SOURCE_GAP = 3


def _compound(forms: list[str]) -> re.Pattern[str] | None:
    """A compound's second part glued to a name by a hyphen (a name term may end in it)."""
    parts = [f.lstrip("-") for f in forms if f.startswith("-") and not UNSPACED.search(f)]
    return re.compile(rf"-?(?:{alternation(parts)})(?!{WORD})") if parts else None


def _stems(forms: list[str]) -> re.Pattern[str] | None:
    """Forms as word stems with any ending ("парад" in "парада"); those of the unspaced scripts
    anywhere."""
    words = [f for f in forms if not UNSPACED.search(f)]
    glued = [f for f in forms if UNSPACED.search(f)]
    parts = ([rf"(?<!{WORD})(?:{alternation(words)}){WORD}*"] if words else []) + (
        [f"(?:{alternation(glued)})"] if glued else [])
    return re.compile("|".join(parts)) if parts else None


def _suffixes(forms: list[str]) -> re.Pattern[str] | None:
    """Forms right after a name: those ending in Han or kana anywhere ("製"), others ending a word
    ("-made"; Korean "제" in "이란제 드론", not in "美제재")."""
    han = [f for f in forms if HAN_KANA.match(f[-1:])]
    rest = [f for f in forms if f not in han]
    parts = ([rf"(?:{alternation(rest)})(?!{WORD})"] if rest else []) + ([f"(?:{alternation(han)})"] if han else [])
    return re.compile("|".join(parts)) if parts else None


def _whole_words(forms: list[str]) -> re.Pattern[str] | None:
    """Forms as whole words; those of the unspaced scripts anywhere ("両首脳は"); one that opens
    with a punctuation mark right after a word (", which")."""
    words = [f for f in forms if not UNSPACED.search(f) and re.match(WORD, f)]
    marked = [f for f in forms if not UNSPACED.search(f) and not re.match(WORD, f)]
    glued = [f for f in forms if UNSPACED.search(f)]
    parts = ([rf"(?<!{WORD})(?:{alternation(words)})(?!{WORD})"] if words else []) + (
        [rf"(?:{alternation(marked)})(?!{WORD})"] if marked else []) + ([f"(?:{alternation(glued)})"] if glued else [])
    return re.compile("|".join(parts)) if parts else None


def load_grammar(seeds_dir: Path) -> Grammar:
    rows: dict[str, list[str]] = {kind: [] for kind in GRAMMAR_KINDS}
    orders: dict[str, list[str]] = {"verb_final": [], "infinitive_final": []}
    connectors: dict[str, list[str]] = {}
    kind_langs: dict[tuple[str, str], set[str]] = {}
    path = seeds_dir / "topic_grammar.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), 2):
                kind, form = (row.get("kind") or "").strip(), normalize_text(row.get("form") or "")
                if kind not in rows or not form or (kind == "order" and form not in orders):
                    raise ValueError(f"{path}:{line}: unknown kind {kind!r} or empty/unknown form")
                if kind == "order":
                    orders[form].append((row.get("lang") or "").strip())
                    continue
                if kind == "connector":
                    connectors.setdefault((row.get("lang") or "").strip(), []).append(form)
                    continue
                rows[kind].append(form)
                kind_langs.setdefault((kind, form), set()).add((row.get("lang") or "").strip())

    def after(forms: list[str]) -> re.Pattern[str] | None:
        if not forms:
            return None
        words = [f for f in forms if not UNSPACED.search(f) and not f.startswith(("-", "'"))]
        endings = [f.lstrip("-") for f in forms if f.startswith(("-", "'")) and not UNSPACED.search(f)]
        particles = [f for f in forms if UNSPACED.search(f)]
        parts = []
        if words:
            parts.append(rf"\s+(?:{alternation(words)})(?!{WORD})")
        if endings:
            # An ending glued to the name ("'de"); one left on the matched word itself
            # ("pekingissä": a stem match runs to the word's end) is checked by `ending`.
            parts.append(rf"(?:{alternation(endings)})(?!{WORD})")
        if particles:  # "北京で", "베이징에서": the next word follows with no space; a noun may
            parts.append(rf"\s?(?:{alternation(particles)})")  # have one ("북한 문제", "북한문제")
        return re.compile("|".join(parts))

    def ending(forms: list[str]) -> re.Pattern[str] | None:
        endings = [f.lstrip("-") for f in forms if f.startswith("-") and not UNSPACED.search(f)]
        return re.compile(rf"(?:{alternation(endings)})\Z") if endings else None

    suffixes: dict[str, list[str]] = {}
    counterpart: set[str] = set()
    path = seeds_dir / "topic_inflections.csv"
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), 2):
                suffix = normalize_text(row.get("suffix") or "")
                script = script_of(suffix)
                if not suffix or script is None:
                    raise ValueError(f"{path}:{line}: empty suffix or one with no letter of a known script")
                suffixes.setdefault((row.get("lang") or "").strip(), []).append(suffix)
                if len(suffix) > 1 and (row.get("case") or "").strip().startswith(("instrumental", "comitative")):
                    counterpart.add(suffix)
                suffixes.setdefault("*" + script, []).append(suffix)
    def source_after(forms: list[str]) -> re.Pattern[str] | None:
        words = [f for f in forms if not UNSPACED.search(f) and not f.startswith("-")]
        glued = [f for f in forms if UNSPACED.search(f)]
        parts = []
        if words:  # "Seoul says", "South Korea's spy agency says", but no clause break in between
            parts.append(rf"(?:'s?)?(?:\s+[^\s,;:.!?|]+){{0,{_SOURCE_GAP}}}?\s+(?:{alternation(words)})(?!{WORD})")
        if glued:  # "美国称", "미국 측은"
            parts.append(rf"\s*(?:{alternation(glued)})")
        compound = _compound(forms)
        if compound is not None:
            parts.append(compound.pattern)
        return re.compile("|".join(parts)) if parts else None

    glued = [c for forms in connectors.values() for c in forms if UNSPACED.match(c)]
    ambiguous: dict[str, set[str]] = {}
    places: dict[str, set[str]] = {}  # an ambiguous form -> the languages it is a place word in
    for kind in ("place_before", "destination_before"):
        for form in rows[kind]:
            joins = {lang for lang, forms in connectors.items() if form in forms} - kind_langs[(kind, form)]
            if joins and not UNSPACED.search(form):
                ambiguous.setdefault(form, set()).update(joins)
                places.setdefault(form, set()).update(kind_langs[(kind, form)])
    separator = (re.compile(rf"(?:{alternation(rows['separator'])})(?!{WORD})") if rows["separator"] else None)
    return Grammar({lang: frozenset(forms) for lang, forms in connectors.items()}, before_pattern(rows["place_before"]),
                   after(rows["place_after"]), ending(rows["place_after"]), separator,
                   {s: tuple(sorted(set(v), key=lambda f: (-len(f), f))) for s, v in suffixes.items()},
                   frozenset(orders["verb_final"]),
                   {**dict.fromkeys(rows["between_before"], "before"), **dict.fromkeys(rows["between_after"], "after")},
                   before_pattern(rows["source_before"], gap=3), source_after(rows["source_after"]),
                   tuple(sorted(counterpart, key=lambda e: (-len(e), e))),
                   re.compile(alternation(glued)) if glued else None,
                   before_pattern(rows["topic_before"]), after(rows["topic_after"]),
                   re.compile(rf",\s*(?:{alternation(rows['aside'])})(?!{WORD})[^,;:.!?|]*,") if rows["aside"] else None,
                   frozenset(rows["counterpart_before"]), frozenset(rows["agent_before"]),
                   frozenset(rows["guests_before"]), frozenset(rows["destination_before"]),
                   frozenset(rows["origin_before"]),
                   re.compile(rf"(?<!{WORD})(?:{alternation(rows['possessive'])})(?!{WORD})") if rows["possessive"] else None,
                   frozenset(rows["complementizer"]), frozenset(rows["destination_after"]),
                   frozenset(rows["genitive_before"]), frozenset(rows["clause_before"]),
                   after(rows["genitive_after"]), _compound(rows["source_after"]), ending(rows["topic_after"]),
                   _whole_words(rows["pair_pronoun"]), frozenset(orders["infinitive_final"]),
                   frozenset(c for forms in connectors.values() for c in forms),
                   tuple(dict.fromkeys(c for forms in connectors.values() for c in forms if UNSPACED.match(c))),
                   tuple(rows["place_before"]),
                   {form: frozenset(langs) for form, langs in ambiguous.items()},
                   _whole_words(rows["subject_pronoun"]), frozenset(rows["group_marker"]),
                   {form: frozenset(langs) for form, langs in places.items()},
                   counterpart_after=frozenset(rows["counterpart_after"]),
                   abbreviations=frozenset(f.rstrip(".") for f in rows["abbreviation"]),
                   occasion=_stems(rows["occasion"]), background=_whole_words(rows["background_before"]),
                   reciprocal=_whole_words(rows["reciprocal"]), product=_suffixes(rows["product_after"]))
