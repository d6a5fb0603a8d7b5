"""Which language's words count in an item: cue words (subtopic, offtopic and relation words) only
in text of their own language or a close one, and the grammar read in the item's language where a
function word means one thing in one language and another in the next. The item's language is
detected here only when some word needs it (the pipeline passes the one it detected).
"""

from __future__ import annotations

from newsmon.language.data import GROUPS, SINGLE_SCRIPTS
from newsmon.topics.grammar import Grammar
from newsmon.topics.scan import Found, TermRule, script_of

# Names of the parties (sides, their stand-ins, third parties): what a function word can precede.
_NAME_KINDS = ("side", "weak", "proxy", "both_sides", "exclude", "third")

# Cue words (subtopic, offtopic and relation words, masks) count only in text of their own language: the
# French stem "accord" is no cue in English "according". Names (sides, third parties) count in any.
GATED_ROLE_KINDS = ("subtopic", "offtopic", "relation", "mask")
# Scripts shared by several languages (Han: Chinese and Japanese); a cue in a script of its own
# (Hangul, Thai) needs no check.
_SHARED_SCRIPTS = ("latin", "cyrillic", "semitic", "indic", "cjk")
# Languages a detector confuses on a short text, and whose news vocabulary overlaps: a cue of one
# counts in the others.
CLOSE_LANGUAGES = (
    frozenset({"ru", "uk", "be", "bg", "mk", "kk", "sr"}), frozenset({"es", "pt", "gl", "ca"}),
    frozenset({"hi", "mr", "ne"}), frozenset({"id", "ms"}), frozenset({"cs", "sk"}),
    frozenset({"sr", "hr", "bs"}), frozenset({"da", "no", "nb", "nn", "sv"}), frozenset({"ar", "fa", "ur"}),
    frozenset({"zh", "ja"}),
)


# The languages newsmon.language.detect can answer. A text in another one (Slovak, Croatian,
# Serbian, Lithuanian, Albanian...) comes back as a relative or a neighbour of its script ("cs",
# "it", "pl"), so a cue of a language it never names cannot be ruled out by its answer.
_NAMED = frozenset({"ko", "ja", "zh", *SINGLE_SCRIPTS.values(),
                    *(lang for _, candidates in GROUPS.values() for lang in candidates)})


def _fits_language(rule: TermRule, lang: str) -> bool:
    if lang in ("", "und") or rule.lang in ("", "mul", lang):
        return True
    if rule.lang not in _NAMED:  # but English is told apart reliably: Slovak "list" (a letter) is no
        return lang != "en"      # cue in "tariff list"
    if _abbreviation(rule):  # not even in a close language (see _abbreviation)
        return False
    return any(lang in group and rule.lang in group for group in CLOSE_LANGUAGES)


def _abbreviation(rule: TermRule) -> bool:
    """A two-letter party abbreviation of one language is a common word in others (Turkish "AB",
    the EU, is German "ab"; Russian "Си", Xi, is the Bulgarian pronoun "си"): it counts only in
    text of its own language, not even in a close one."""
    return (rule.role_kind in ("third", "exclude") and rule.lang != "en" and rule.match == "word"
            and len(rule.term) <= 2 and script_of(rule.term.casefold()) in ("latin", "cyrillic"))


def gated(found: list[Found], title: str, text: str, lang: str | None) -> list[Found]:
    """Drop cue words of another language than the item's (detected here only when some cue needs it)."""
    doubtful = [f for f in found if f.rule.lang not in ("", "mul") and (
        (f.rule.role_kind in GATED_ROLE_KINDS and script_of(f.matched) in _SHARED_SCRIPTS) or _abbreviation(f.rule))]
    if not doubtful:
        return found
    if lang is None:
        from newsmon.language.detect import detect_language

        lang = detect_language(title, text[:400]).lang
    # A word that is a term of the item's own language and a cue of another (訪問 in ja and zh,
    # "misil" in es and tl) is read as the item's language's, in every role: the languages may put
    # its participants on different sides, and Spanish "misil" is a weapon, not a transfer. A
    # common word of the item's language (mask:word: Swedish "med", with; Indonesian "kini", now)
    # is not another language's cue or name either (Slovene "med", between; Croatian "Kini", China).
    own = {(f.where, f.start) for f in found if f.rule.lang == lang}
    common = {(f.where, f.start, f.matched) for f in doubtful if f.rule.role == "mask:word" and f.rule.lang == lang}
    drop = {id(f) for f in doubtful if not _fits_language(f.rule, lang)
            or (f.rule.lang != lang and (f.where, f.start) in own)}
    if common:
        drop |= {id(f) for f in found if f.rule.role_kind in _NAME_KINDS and f.rule.lang != lang
                 and (f.where, f.start, f.matched) in common}
    return [f for f in found if id(f) not in drop] if drop else found


def read_in_language(grammar: Grammar, found: list[Found], texts: dict[str, str], title: str, text: str,
                     lang: str | None) -> Grammar:
    """The grammar read in the item's language when a name follows a word that
    is a place word in one language and "and" in another ("Rusya ve Güney Kore", "Rosja i Korea
    Południowa"); the language is detected only then."""
    if not grammar.ambiguous:
        return grammar
    joins: set[str] = set()
    for f in found:
        if f.start > 1 and f.rule.role_kind in _NAME_KINDS and f.where in texts:
            joins.update(grammar.ambiguous_before(texts[f.where], f.start))
    if not joins:
        return grammar
    # The item's own cue words tell a language the detector cannot name: Slovene "Rusija in Južna
    # Koreja sta razpravljali" comes back as Italian, where "in" would make South Korea a place.
    cue_langs = {f.rule.lang for f in found if f.rule.role_kind in GATED_ROLE_KINDS} - {"", "mul"}
    told = sorted(joins & cue_langs - _NAMED)
    if told and (lang is None or lang not in cue_langs):
        return grammar.in_language(told[0])
    if lang is None:
        from newsmon.language.detect import detect_language

        lang = detect_language(title, text[:400]).lang
    return grammar.in_language(lang)
