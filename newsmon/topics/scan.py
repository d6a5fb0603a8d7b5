"""Term scanning for topic tagging: seed terms compiled into prefix-tree regexes, and the matches
they find in normalised text, each tagged with its field and sentence.

Terms are compiled once into one prefix-tree regex per script, so a scan costs a few regex passes
per item whatever the number of terms, and a tree is only walked when its script occurs in the text.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from newsmon.topics.textnorm import WORD, normalize_text

_IS_WORD = re.compile(WORD)
# Letters that attach to the next word as proclitics: Arabic (wa-, fa-, bi-, li-, ka-, sa-, al-) and
# Hebrew (ha-, ve-, be-, le-, mi-, she-, ke-). "والروسية" must still match the term "روسي".
_PROCLITICS = re.compile(r"(?:[وفبلك]{0,2}س?(?:ال|ل)?|[הובלמשכ]{0,3})")
# Each term lives in the prefix tree of the script of its first letter, and a tree is scanned only
# when its script occurs in the text: an English headline never walks the Hangul or Han branches.
SCRIPTS = {
    "latin": "[a-z\u00c0-\u02af\u1e00-\u1eff]",  # with IPA letters: Azerbaijani ə, Hausa ɗ
    "greek": "[\u0370-\u03ff\u1f00-\u1fff]",
    "cyrillic": "[\u0400-\u052f]",
    "semitic": "[\u0590-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]",
    "indic": "[\u0900-\u0dff]",
    "thai": "[\u0e00-\u0eff]",
    "hangul": "[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]",
    "cjk": "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
    "armenian": "[\u0530-\u058f]",
    "georgian": "[\u10a0-\u10ff\u1c90-\u1cbf]",
    "myanmar": "[\u1000-\u109f]",
    "ethiopic": "[\u1200-\u139f]",
    "khmer": "[\u1780-\u17ff]",
}
_SCRIPT_PATTERNS = {name: re.compile(chars) for name, chars in SCRIPTS.items()}
_SEPARATOR = "[ \\-·]?"  # between the words of a term: "Kim Jong Un", "Kim Jong-un", "북·러", "북러"
# The prefix trees are run on the text with "-" and "·" read as spaces (same length, same positions),
# so their separator is a plain optional space: a character class per word gap made compiling the
# trees most of the rules' load time.
_TREE_SEPARATOR = " ?"
_AS_SPACE = str.maketrans("-·", "  ")


@dataclass(frozen=True, slots=True)
class TermRule:
    term_id: str
    topic: str
    # side:<s> names side s; weak:<s> an ambiguous name ("Korea", "Kim"), ignored in a sentence
    # with an exclude term; proxy:<s> a place or event tied to side s (Kursk, the war in Ukraine);
    # both_sides names every side at once ("북러"); subtopic:<name> a cue word; exclude:<what>
    # masks text that would otherwise read as a side ("South Korea"); offtopic:<why> a context
    # that is no relation (weather, digests, rankings): multiplies the score by its weight;
    # mask:relation a phrase holding a relation word that is none there ("stood between", "call on");
    # mask:word a common word of its language: in its text, other languages' names and cue words
    # spelled the same are not read (Indonesian "kini", now, is no Croatian "Kini", China).
    role: str
    lang: str
    match: str  # word | prefix | substring | regex
    term: str  # as written in the seed
    weight: float
    entity: str = ""  # language-independent id of the person/place/organisation named, if any
    # The role's two halves, split once: the matcher asks for them hundreds of times per item.
    role_kind: str = field(init=False, compare=False, repr=False)
    role_name: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        kind, _, name = self.role.partition(":")
        object.__setattr__(self, "role_kind", kind)
        object.__setattr__(self, "role_name", name)


@dataclass(frozen=True, slots=True)
class Scanner:
    """Compiled prefix-tree regexes, plus per-term regexes to tell which term a match came from."""

    # script (None: any) -> prefix trees and regex terms whose first letter is in that script
    patterns: dict[str | None, tuple[re.Pattern[str], ...]]
    # script -> (regex, term, the letters it must contain or "": see required_literal)
    regexes: dict[str | None, tuple[tuple[re.Pattern[str], TermRule, str], ...]]
    # first two letters -> (own regex, the term's first word, term): a matched text that does not
    # start with that word cannot be the term's, so its regex need not be compiled or run
    by_key: dict[str, tuple[tuple[str, str, TermRule], ...]]
    # matched text -> the terms that produce it, longest first. Headlines repeat the same few
    # names, so this saves re-running per-term regexes; bounded by _CACHE_SIZE.
    cache: dict[str, tuple[TermRule, ...]] = field(default_factory=dict)
    # The longest term wins per language, not across languages: cue and relation words count only in
    # their own language, so French "visite" must not hide English "visit" in "visited".
    per_language: bool = False
    # script -> the regex terms of the script that require no letters, as one alternation: a text
    # none of them matches skips their per-term runs (most texts)
    regex_any: dict[str | None, re.Pattern[str]] = field(default_factory=dict)


_CACHE_SIZE = 50_000


# --- compilation -----------------------------------------------------------------------------------

# Seed terms are normalised once per process (loading the rules asks three times per term).
normal_term = functools.lru_cache(maxsize=65536)(normalize_text)


# The viramas of the Indic scripts (and Sinhala's al-lakuna): a stem ending in one drops it before a
# vowel ending ("புடின்", "புடினுடன்", with Putin), so a stem term ends before it.
_VIRAMAS = frozenset("\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d\u0dca")
_MIN_STEM_LETTERS = 3  # "සෝල" (Seoul) as a bare stem would start other words
_STEM_ROLE_KINDS = ("side", "weak", "proxy", "third", "exclude")


def term_form(rule: TermRule) -> str:
    """The normalised term as it is matched: a prefix name less a final virama when at least
    _MIN_STEM_LETTERS letters stay (the virama and any ending are the rest of the word). Only names:
    a cue word's seed is written as its stem already, and "കത്ത്" (letter) less its virama would
    start "കത്തി" (knife)."""
    normalised = normal_term(rule.term)
    if (rule.match == "prefix" and rule.role_kind in _STEM_ROLE_KINDS and normalised and normalised[-1] in _VIRAMAS
            and sum(c.isalpha() for c in normalised) >= _MIN_STEM_LETTERS):
        return normalised[:-1]
    return normalised


def _atoms(rule: TermRule) -> list[str]:
    """A normalised term as regex atoms; word separators become one optional separator atom."""
    atoms: list[str] = []
    word = 0  # letters of the word being read
    for char in term_form(rule):
        if char in " -·":
            if atoms and atoms[-1] != _SEPARATOR:
                atoms.append(_SEPARATOR)
            continue
        if rule.match == "prefix" and atoms and atoms[-1] == _SEPARATOR and word > 1:
            # every word of a prefix term is a stem ("Северн Коре"), but a letter is an
            # abbreviation: "n korea" is no "na korea" (Swahili "and Korea")
            atoms.insert(-1, r"\w*")
        word = 1 if atoms and atoms[-1] == _SEPARATOR else word + 1
        atoms.append(char if char.isalnum() else re.escape(char))
    return atoms


def _trie_regex(node: dict) -> str:
    """Children first, then endings: alternation order makes the longest term win at a position.

    Endings use the short \\w class to keep the pattern small; the exact word boundary (which also
    counts Indic vowel signs as letters) is checked on each match in _rules_for.
    """
    branches = [atom + _trie_regex(child) for atom, child in sorted(node.items()) if atom != ""]
    ends = node.get("", set())
    endings = sorted(e for e in ends if e.startswith("(?:"))  # a name's case endings, optional
    if "prefix" in ends:
        branches.append(r"\w*")
    elif endings:  # a name's case endings: the rest of the word, checked on each match against
        branches.append(r"\w*")  # the term's own pattern in _producers (a much smaller regex)
    elif ends:
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _key(normalised: str) -> str:
    return normalised.replace(" ", "").replace("-", "").replace("·", "")[:2]


@functools.lru_cache(maxsize=8192)  # matched words repeat: a headline names the same few parties
def script_of(text: str) -> str | None:
    for name, pattern in _SCRIPT_PATTERNS.items():
        if pattern.match(text):
            return name
    return None


def required_literal(source: str) -> str:
    """The longest run of letters a regex term must contain (outside its groups, classes and
    assertions, and with no quantifier on its last letter), or "" when it has none worth testing:
    a text without it cannot match, so the term's regex need not run. Three letters at least, one in
    CJK and Hangul ("japan" in "(?<!\\w)(?<!sea of )japan(?!\\w)", "中" in "(?<!…)中(?=[俄朝露])")."""
    runs, run, depth, i = [], "", 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            runs.append(run)
            run, i = "", i + 2
            continue
        if char == "[":
            runs.append(run)
            run, i = "", source.index("]", i + 2) + 1 if "]" in source[i + 2:] else len(source)
            continue
        if char == "|" and depth == 0:
            return ""  # a top-level alternative: nothing is required
        if char in "?*+{" and run:
            run = run[:-1]  # the last letter is optional or repeated
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if depth == 0 and char.isalpha() and char not in "?*+{)":
            run += char
        else:
            runs.append(run)
            run = ""
        i += 1
    runs.append(run)
    best = max(runs, key=len)
    return best if len(best) >= 3 or (best and script_of(best[0]) in ("cjk", "hangul")) else ""


def _regex_script(source: str) -> str | None:
    """The script of the first literal letter in a regex term, so it can be skipped like the trees."""
    unescaped = re.sub(r"\\.|\[[^\]]*\]|\(\?<?[=!]", "", source)
    return next((s for s in map(script_of, unescaped) if s), None)


# Whole-word names (sides, third parties) may carry the case endings of their script's languages.
INFLECTED_ROLE_KINDS = ("side", "weak", "proxy", "third")
_MIN_INFLECTED_LENGTH = 3
SHARED_NAME_LANGS = ("en", "mul")  # "xi", "eu": two letters plus an ending are too often another word


def _endings(rule: TermRule, normalised: str, script: str | None,
             suffixes: dict[str, tuple[str, ...]]) -> str:
    """The optional-ending group for a whole-word name, or "" when its script declines none."""
    if (rule.match != "word" or rule.role_kind not in INFLECTED_ROLE_KINDS
            or len(normalised.replace(" ", "")) < _MIN_INFLECTED_LENGTH or not normalised[-1].isalpha()):
        return ""
    # A language's own names take its endings; names shared by many languages (en, mul) take all.
    own = suffixes.get(f"*{script}", ()) if rule.lang in SHARED_NAME_LANGS else suffixes.get(rule.lang, ())
    return "(?:" + "|".join(re.escape(s) for s in own) + ")?" if own else ""


def compile_terms(rules: list[TermRule], suffixes: dict[str, tuple[str, ...]] | None = None,
                  per_language: bool = False) -> Scanner:
    # Terms that must start a word are tried only at word starts (a cheap \b test); CJK/Hangul/
    # Thai substrings and Arabic/Hebrew terms (proclitics attach to the front) are tried anywhere.
    trees: dict[tuple[str | None, bool], dict] = {}
    by_key: dict[str, list[tuple[str, str, TermRule]]] = {}
    regexes: dict[str | None, list[tuple[re.Pattern[str], TermRule, str]]] = {}
    for rule in rules:
        if rule.match == "regex":
            regexes.setdefault(_regex_script(rule.term), []).append(
                (re.compile(rule.term), rule, required_literal(rule.term)))
            continue
        normalised = term_form(rule)
        script = script_of(normalised)
        at_word_start = rule.match != "substring" and script != "semitic"
        node = trees.setdefault((script, at_word_start), {})
        atoms = _atoms(rule)
        for atom in atoms:
            node = node.setdefault(_TREE_SEPARATOR if atom == _SEPARATOR else atom, {})
        endings = _endings(rule, normalised, script, suffixes or {})
        node.setdefault("", set()).add(endings or rule.match)
        own = "".join(atoms) + (r"\w*" if rule.match == "prefix" else endings)
        if not endings and _SEPARATOR not in atoms:  # one word: a string test, no regex (see _fits)
            own = _PREFIX if rule.match == "prefix" else _WHOLE
        by_key.setdefault(_key(normalised), []).append((own, re.split(r"[ \-·]", normalised)[0], rule))
    patterns: dict[str | None, list[re.Pattern[str]]] = {}
    for (script, at_word_start), root in sorted(trees.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        anchor = "\\b" if at_word_start else ""
        patterns.setdefault(script, []).append(re.compile(anchor + _trie_regex(root)))
    regex_any = {script: re.compile("|".join(f"(?:{p.pattern})" for p, _, literal in terms if not literal))
                 for script, terms in regexes.items() if any(not literal for _, _, literal in terms)}
    return Scanner({k: tuple(v) for k, v in patterns.items()}, {k: tuple(v) for k, v in regexes.items()},
                   {k: tuple(v) for k, v in by_key.items()}, per_language=per_language, regex_any=regex_any)


# --- matching --------------------------------------------------------------------------------------

class Found(NamedTuple):
    rule: TermRule
    matched: str
    where: str  # title | text | feed
    unit: int  # sentence index within its field; title segments count separately from text ones
    start: int


def _starts_word(text: str, start: int, script_char: str) -> bool:
    if start == 0 or not _IS_WORD.match(text[start - 1]):
        return True
    if not ("\u0590" <= script_char <= "\u06ff"):  # proclitics only exist in Hebrew/Arabic script
        return False
    word_start = start
    while word_start > 0 and _IS_WORD.match(text[word_start - 1]):
        word_start -= 1
    return _PROCLITICS.fullmatch(text[word_start:start]) is not None


def _word_end(text: str, end: int) -> int:
    while end < len(text) and _IS_WORD.match(text[end]):
        end += 1
    return end


@functools.lru_cache(maxsize=16384)  # above the number of seed terms: a warm tagger never recompiles
def _own_pattern(source: str) -> re.Pattern[str]:
    # Compiled on first use: compiling all ~5,000 per-term patterns up front took most of the load.
    return re.compile(source)


# A one-word term without case endings is told by a string test: the whole matched text, or its
# start followed by word characters only (a stem). Compiling a regex per term cost more than the scan.
_WHOLE, _PREFIX = "=", "=*"  # markers in place of a regex source (no term's own source is either)
_WORD_TAIL = re.compile(r"\w*")


def _fits(own: str, head: str, matched: str) -> bool:
    if own == _WHOLE:
        return matched == head
    if own == _PREFIX:
        return matched.startswith(head) and _WORD_TAIL.fullmatch(matched, len(head)) is not None
    return matched.startswith(head) and _own_pattern(own).fullmatch(matched) is not None


def _producers(scanner: Scanner, matched: str) -> tuple[TermRule, ...]:
    found = scanner.cache.get(matched)
    if found is None:
        key = _key(matched)
        candidates = scanner.by_key.get(key, ()) + (scanner.by_key.get(key[:1], ()) if len(key) > 1 else ())
        found = tuple(sorted((rule for own, head, rule in candidates if _fits(own, head, matched)),
                             key=lambda rule: -len(rule.term)))
        if len(scanner.cache) >= _CACHE_SIZE:
            scanner.cache.clear()
        scanner.cache[matched] = found
    return found


def _rules_for(scanner: Scanner, text: str, start: int, end: int) -> tuple[list[TermRule], int]:
    """The longest seed terms that produce text[start:end] and whose word boundaries hold."""
    best: list[TermRule] = []
    best_end = end
    longest: dict[str, int] = {}  # language (or "" for all) -> length of its longest term here
    for rule in _producers(scanner, text[start:end]):
        lang = rule.lang if scanner.per_language else ""
        if len(rule.term) < longest.get(lang, 0):
            continue
        stop = end
        if rule.match != "substring":
            if not _starts_word(text, start, text[start]):
                continue
            if rule.match == "prefix":
                stop = _word_end(text, end)  # a stem runs on over vowel signs that \w skips
            elif end < len(text) and _IS_WORD.match(text[end]):
                continue
        best.append(rule)
        longest[lang] = len(rule.term)
        best_end = max(best_end, stop)
    return best, best_end


def scan(scanner: Scanner, text: str, where: str, starts: list[int], scripts: list) -> list[Found]:
    """Every term match in one normalised field, tagged with its sentence (unit) number."""
    found = []
    spaced = text.translate(_AS_SPACE) if "-" in text or "·" in text else text
    for script in scripts:
        for pattern in scanner.patterns.get(script, ()):
            for m in pattern.finditer(spaced):
                start = m.start()
                rules, end = _rules_for(scanner, text, start, m.end())
                unit = bisect.bisect_right(starts, start) - 1
                found += [Found(rule, text[start:end], where, unit, start) for rule in rules]
        terms = scanner.regexes.get(script, ())
        if not terms:
            continue
        any_regex = scanner.regex_any.get(script)
        others = any_regex is not None and any_regex.search(text) is not None
        for pattern, rule, literal in terms:
            if (literal not in text) if literal else not others:
                continue
            for m in pattern.finditer(text):
                if m.group():
                    unit = bisect.bisect_right(starts, m.start()) - 1
                    found.append(Found(rule, m.group(), where, unit, m.start()))
    return found


def scripts_in(text: str) -> list[str | None]:
    if text.isascii():
        return [None, "latin"]
    return [None] + [name for name, pattern in _SCRIPT_PATTERNS.items() if pattern.search(text)]
