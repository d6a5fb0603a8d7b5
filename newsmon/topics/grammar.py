"""The function words and endings the relation rules read a sentence with, compiled once from
seeds/topic_grammar.csv and seeds/topic_inflections.csv by newsmon/topics/grammar_seeds.py (which
describes every kind of row). A Grammar answers questions about the text around a name: is it a
place, a topic, a source; does a gap hold a connector; and it can be read in one language.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from newsmon.topics.textnorm import WORD

# Scripts written without spaces between words: their function words attach to names.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\uac00-\ud7af]")
HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # the scripts with no word ends
_TOKEN = re.compile(WORD + "+")
# A colon is no joiner: "Trump: Putin ..." is a speaker and what he says.
_TITLED_LIST = re.compile(r"\s*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{1,3}\s*[·、，,]\s*")
_PUNCTUATION_ONLY = re.compile(r"[\s,、，·/&()\[\]«»\"'“”‘’-]*")
_QUOTATION = re.compile(r'"[^"]+"|“[^“”]+”|«[^«»]+»|「[^「」]+」|『[^『』]+』|„[^„“”]+[“”]')
_QUOTE_OPEN = re.compile(r"\s+[«\"“'‘„「『]")  # a name, a space, then a quotation opens
_EDGE_PUNCTUATION = ",.;:!?()[]«»\"“”„"
# One-letter connectors written on the front of the next word (Arabic و, Hebrew ו).
_PROCLITIC_CONNECTORS = ("و", "ו")


@dataclass(frozen=True, slots=True)
class Grammar:
    # lang -> connector words. A gap is read with the connectors of the relation word's language:
    # Czech "se" (with) is Vietnamese "sẽ" (will) once accents are folded.
    connectors: dict[str, frozenset[str]]
    place_before: re.Pattern[str] | None  # matches at the end of the text before a name
    place_after: re.Pattern[str] | None  # matches at the start of the text from the name's end
    place_ending: re.Pattern[str] | None  # a locative ending left on the matched word itself
    separator: re.Pattern[str] | None  # matches at the start of a sentence
    suffixes: dict[str, tuple[str, ...]]  # lang, or "*<script>" for all of a script -> endings
    verb_final: frozenset[str] = frozenset()  # languages whose verb follows both parties
    between: dict[str, str] = field(default_factory=dict)  # "between" word -> "before" | "after"
    source_before: re.Pattern[str] | None = None  # matches at the end of the text before a name
    source_after: re.Pattern[str] | None = None  # matches at the start of the text from the name's end
    counterpart_endings: tuple[str, ...] = ()  # instrumental and comitative case endings
    particles: re.Pattern[str] | None = None  # connectors glued to a name (과, と, 与), as one regex
    topic_before: re.Pattern[str] | None = None  # "on", "about", "о", "关于" before a name
    topic_after: re.Pattern[str] | None = None  # "문제", "について", "hakkında" after a name
    aside: re.Pattern[str] | None = None  # ", who ... ," : a clause set off by commas
    counterpart_before: frozenset[str] = frozenset()  # "to", "bei", "à" before a counterpart
    agent_before: frozenset[str] = frozenset()  # "by", "par", "von": a passive's agent follows
    guests_before: frozenset[str] = frozenset()  # "with": guests before "in attendance"
    destination_before: frozenset[str] = frozenset()  # "to", "nach": a movement's destination follows
    origin_before: frozenset[str] = frozenset()  # "from", "aus": a movement's origin follows
    possessive: re.Pattern[str] | None = None  # "its", "своих": the subject's pronoun, as a whole word
    complementizer: frozenset[str] = frozenset()  # "that": a reported clause follows its addressee
    destination_after: frozenset[str] = frozenset()  # "への", "에", "'ya": a movement follows its destination
    genitive_before: frozenset[str] = frozenset()  # "of", "de": the noun's owners follow
    clause_before: frozenset[str] = frozenset()  # "as", "while": a new clause's subject follows
    genitive_after: re.Pattern[str] | None = None  # "의", "の", "'nin" glued to an owner's name
    source_compound: re.Pattern[str] | None = None  # "-angaben": "US-Angaben" (US figures)
    topic_ending: re.Pattern[str] | None = None  # a case ending meaning "about" on the word itself
    pair_pronoun: re.Pattern[str] | None = None  # "the two leaders", "стороны", "양 정상", "両首脳"
    infinitive_final: frozenset[str] = frozenset()  # "will Kim treffen": the infinitive ends its clause
    any_connector: frozenset[str] = frozenset()  # the connectors of every language together
    glued_connectors: tuple[str, ...] = ()  # those written without spaces (과, と, 与)
    place_forms: tuple[str, ...] = ()  # the place_before forms, to compile a reading in one language
    # A place or destination word of one language that is another's connector ("en": Spanish "in",
    # Dutch "and"; "ve": Czech "in", Turkish "and"; "i", "a") -> the languages it joins names in.
    ambiguous: dict[str, frozenset[str]] = field(default_factory=dict)
    subject_pronoun: re.Pattern[str] | None = None  # "he", "er", "он": the subject named before
    group_marker: frozenset[str] = frozenset()  # "including", "among", "समेत": names in a larger group
    # An ambiguous form -> the languages it is a place or destination word in ("a": Italian,
    # Portuguese; not English, where "A South Korean official" names no place).
    ambiguous_places: dict[str, frozenset[str]] = field(default_factory=dict)
    occasion: re.Pattern[str] | None = None  # "parade", "anniversary", "記念行事", "열병식": an occasion a party holds
    abbreviations: frozenset[str] = frozenset()  # "mr", "gen", "pln": their period ends no sentence
    counterpart_after: frozenset[str] = frozenset()  # "के साथ", "সঙ্গে": a postposition after a counterpart
    background: re.Pattern[str] | None = None  # "amid", "despite", "на фоне": a background phrase follows
    reciprocal: re.Pattern[str] | None = None  # "each other", "elkaar", "друг с другом", "서로"
    product: re.Pattern[str] | None = None  # "-made", "제", "製": the name before is a product's origin

    def ambiguous_before(self, text: str, start: int) -> frozenset[str]:
        """The languages in which the word right before text[start] joins two names, when another
        language reads it as a place or destination word ("Rusya ve Güney Kore": Turkish "and")."""
        if start < 2 or text[start - 1] != " ":
            return frozenset()
        word_start = text.rfind(" ", max(0, start - 5), start - 1) + 1 or max(0, start - 5)
        return self.ambiguous.get(text[word_start:start - 1], frozenset())

    def in_language(self, lang: str) -> Grammar:
        """This grammar read in `lang`: its connectors are no place or destination words there
        ("Rosja i Korea Południowa": "i" is Polish "and", not Swedish "in"); in English, which the
        detector tells apart reliably, nor is a form that is a place word only in other languages
        ("A South Korean official": the article, not Italian "a")."""
        mine = frozenset(form for form, langs in self.ambiguous.items() if lang in langs or (
            lang == "en" and form in self.ambiguous_places and lang not in self.ambiguous_places[form]))
        if not mine:
            return self
        key = (id(self), lang)
        if key not in _READINGS:
            _READINGS[key] = (self, replace(
                self, place_before=before_pattern([f for f in self.place_forms if f not in mine]),
                destination_before=self.destination_before - mine, ambiguous={}))
        return _READINGS[key][1]

    def opens_clause(self, gap: str) -> bool:
        """True when a gap before a name ends with a clause conjunction ("flights as North Korea")."""
        words = gap.split()
        return bool(words) and any(" ".join(words[-n:]) in self.clause_before for n in (1, 2, 3))

    def opens_owner(self, gap: str) -> bool:
        """True when the text between a relation noun and a name is nothing or only genitive words."""
        return all(w in self.genitive_before for w in gap.split())

    def opens_counterpart(self, gap: str) -> bool:
        """True when the text between a relation word and a name is nothing, or opens with a
        counterpart preposition or a connector ("greetings to Putin", "met with Xi")."""
        first = next((w.strip(_EDGE_PUNCTUATION) for w in gap.split() if w.strip(_EDGE_PUNCTUATION)), "")
        return not first or first in self.counterpart_before or self._is_connector(first, "*")

    def asides(self, text: str) -> list[tuple[int, int]]:
        """Spans of the clauses set off by commas that an `aside` word opens, and of quotations of
        three words or more: what someone says, whose names take no part in a word outside it
        ('라브로프 "한반도 긴장 美 책임"…북과 공동전선': the common front is Lavrov's, not America's)."""
        spans = [m.span() for m in self.aside.finditer(text)] if self.aside is not None else []
        return spans + [m.span() for m in _QUOTATION.finditer(text) if word_cost(m.group()) >= 3]

    def source_end(self, text: str, start: int, end: int) -> int | None:
        """Where the report begins when the name at text[start:end] is written as the source of a
        report ("Seoul says ...", "according to Seoul, ..."), else None."""
        if self.source_before is not None and self.source_before.search(text, max(0, start - 30), start):
            return end
        m = self.source_after.match(text, end) if self.source_after is not None else None
        return m.end() if m else None

    def attribution(self, text: str, start: int, end: int) -> bool:
        """True when the name at text[start:end] is written as an attribution ("according to
        Seoul", "nach US-Angaben"), which names a source wherever it stands in the sentence, unlike
        "Seoul says", whose report follows it."""
        if self.source_before is not None and self.source_before.search(text, max(0, start - 30), start):
            return True
        return self.source_compound is not None and self.source_compound.match(text, end) is not None

    def counterpart_form(self, text: str, end: int) -> bool:
        """True when the name ending at `end` carries an instrumental or comitative ending
        ("Putinem", "Путиным", "Putin'le"): it is someone's counterpart, "with Putin"."""
        word_end = end
        while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "'"):
            word_end += 1
        word = text[max(0, end - 12):word_end]
        return any(word.endswith(e) for e in self.counterpart_endings) or self.postposition_end(text, word_end) > word_end

    def postposition_end(self, text: str, end: int) -> int:
        """Where a counterpart postposition after the word ending at `end` ends ("पुतिन से", "पुतिन के
        साथ", "পুতিনের সঙ্গে"), or `end` when none follows."""
        following = text[end:end + 16].split()[:2]
        for n in (2, 1):
            form = " ".join(following[:n])
            if len(following) >= n and (form in self.counterpart_after or (n == 1 and form in self.counterpart_endings)):
                return text.index(following[n - 1], end) + len(following[n - 1])
        return end

    def has_connector(self, gap: str) -> bool:
        """True when a gap holds a connector of any language ("he will speak with", "将与")."""
        words = {w.strip(_EDGE_PUNCTUATION) for w in gap.split()}
        return bool(words & self.any_connector) or any(c in gap for c in self.glued_connectors)

    def holds_connector(self, gap: str, lang: str) -> bool:
        """True when a gap holds a connector of `lang` ("for two hours and will write to")."""
        return any(self._is_connector(w.strip(_EDGE_PUNCTUATION), lang) for w in gap.split())

    def _is_connector(self, word: str, lang: str) -> bool:
        """A connector of `lang` ("*": of any language)."""
        own = self.any_connector if lang == "*" else self.connectors.get(lang, frozenset())
        return word in own or (bool(UNSPACED.search(word)) and any(c in word for c in own))

    def is_connector_gap(self, gap: str, lang: str) -> bool:
        """True when the text between two names joins them as one party list or pair: nothing but
        punctuation, or a connector and at most one other word ("и лидер", "and his")."""
        if _PUNCTUATION_ONLY.fullmatch(gap):
            # (not a quotation opening after a name with no list mark: '북한 "러시아와 협력 계속"')
            return bool(gap.strip()) and _QUOTE_OPEN.fullmatch(gap) is None
        if _TITLED_LIST.fullmatch(gap):
            return True  # "習近平氏・プーチン氏・金正恩氏": an honorific or title, then the list mark
        if word_cost(gap) > 2:
            return False
        return any(self._is_connector(w.strip(_EDGE_PUNCTUATION), lang) for w in gap.split())

    def starts_with_connector(self, gap: str, lang: str) -> bool:
        """True when the text from a name to a word opens with a connector ("Putin and may meet"):
        the word then belongs to a new clause whose subject came earlier."""
        words = [w.strip(_EDGE_PUNCTUATION) for w in gap.split()]
        first = next((w for w in words if w), "")
        return self._is_connector(first, lang) or (len(first) > 2 and first.startswith(_PROCLITIC_CONNECTORS))

    def followed_by_particle(self, text: str, end: int) -> bool:
        """True when a connector particle is glued to the name ending at `end` ("푸틴·김정은과",
        "プーチン氏と"): the name is someone's counterpart ("with Putin and Kim")."""
        return self.particles is not None and self.particles.match(text, end) is not None

    def is_topic(self, text: str, start: int, end: int) -> bool:
        """True when the name at text[start:end] is written as what a relation is about."""
        # (26 characters: the longest forms are a matter noun and its adjective, "ядерной программы ")
        if self.topic_before is not None and self.topic_before.search(text, max(0, start - 26), start):
            return True
        return self.topic_follows(text, end)

    def topic_follows(self, text: str, end: int) -> bool:
        """True when a topic word follows the name ending at `end` ("북한 문제", "Kuzey Kore meselesi"),
        or a case ending meaning "about" ends the name itself (Hungarian "Észak-Koreáról")."""
        if self.topic_ending is not None and self.topic_ending.search(text, max(0, end - 8), end):
            return True
        return self.topic_after is not None and self.topic_after.match(text, end) is not None

    def is_place(self, text: str, start: int, end: int) -> bool:
        """True when the name at text[start:end] is written as the place of an event."""
        if self.place_before is not None and self.place_before.search(text, max(0, start - 16), start):
            return True
        if self.place_after is not None and self.place_after.match(text, end):
            return True
        return self.place_ending is not None and self.place_ending.search(text, start + 3, end) is not None

    def is_product(self, text: str, end: int) -> bool:
        """True when the name ending at `end` is a product's origin ("Iranian-made drones")."""
        return self.product is not None and self.product.match(text, end) is not None

    def opens_new_item(self, sentence: str) -> bool:
        return self.separator is not None and self.separator.match(sentence) is not None


# Han, kana and Hangul count one word per two characters; Thai, which puts spaces between phrases
# but not words, counts one word per phrase ("และประธานาธิบดีวลาดิมีร์": "and President Vladimir").
_PER_CHARACTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# A digit group separator inside a number ("20,000", "1.500", "10 000"): one number is one word.
DIGIT_GROUP = re.compile(r"(?<=\d)[,.\u00a0\u202f' ](?=\d{3}(?!\d))")


@functools.lru_cache(maxsize=8192)  # the gaps between names repeat ("and ", " in ", "과 ")
def word_cost(text: str) -> float:
    """Length in words; text written without spaces counts one word per two characters, and a
    number with group separators ("more than 20,000 containers") one word."""
    cost = 0.0
    if DIGIT_GROUP.search(text):
        text = DIGIT_GROUP.sub("", text)
    for token in _TOKEN.findall(text):
        unspaced = len(_PER_CHARACTER.findall(token))
        cost += unspaced / 2 if unspaced else 1
    return cost


EMPTY_GRAMMAR = Grammar({}, None, None, None, None, {})
# (id of a grammar, language) -> (that grammar, kept alive so the id stays its own; its reading)
_READINGS: dict[tuple[int, str], tuple[Grammar, Grammar]] = {}


def alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=lambda f: (-len(f), f)))


def before_pattern(forms: list[str] | frozenset[str], gap: int = 0) -> re.Pattern[str] | None:
    """Forms at the end of the text before a name; `gap` more words may come between ("according
    to Seoul and Washington": Washington is a source too)."""
    if not forms:
        return None
    words = [f for f in forms if not UNSPACED.search(f)]
    glued = [f for f in forms if UNSPACED.search(f)]
    parts = []
    if words:
        parts.append(rf"(?:^|(?<!{WORD}))(?:{alternation(words)})\s+")
    if glued:
        parts.append(rf"(?:{alternation(glued)})\s*")
    words_between = rf"(?:[^\s,;:.!?|]+\s+){{0,{gap}}}" if gap else ""
    return re.compile("(?:" + "|".join(parts) + ")" + words_between + r"\Z")
