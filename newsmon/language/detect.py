"""Language detection for headline-length text: script rules first, langdetect where the script is shared.

langdetect alone is unreliable on short text: it weighs 55 languages equally, so two English words
can come back as Somali or Dutch, and it is costly (it samples n-grams until one language wins).
Here the writing system picks the candidate languages; scripts used by one language answer
directly without langdetect. For shared scripts (Latin, Cyrillic, Arabic, Devanagari) langdetect
runs restricted to that script's candidates, and its probabilities are combined with general
orthographic evidence (letters a language never uses, common function words) and a prior
that favours the feed's declared language when it fits the script and, on a near tie, the
language that writes more of the world's news.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from newsmon.language.data import (
    FUNCTION_WORDS,
    GROUPS,
    HAN,
    HANGUL,
    JAPANESE_HAN,
    KANA,
    LANGDETECT_CODES,
    LANGDETECT_PROXIES,
    LETTERS,
    SIGNATURE_LETTERS,
    SINGLE_SCRIPTS,
    WORDLIST_PROXIES,
)
from newsmon.language.word_tables import WordTable, word_table
from newsmon.records import LanguageGuess

UNDETERMINED = LanguageGuess("und", 0.0)

# langdetect's cost grows with length and a headline plus its lead says all there is to say.
MAX_CHARS = 400
# Below these, the answer would be a guess: "und" (or the declared language) is more honest.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.3

# A candidate that does not use a letter present in the text (language_data.LETTERS) loses this
# once per distinct letter (names in foreign spelling make it soft rather than a veto).
LETTER_PENALTY = 2.0
# wordfreq's "small" lists hold words down to zipf 3 (one per million words): an unlisted word is rarer.
WORDLIST = "small"
WORDLIST_CODES = {"no": "nb"}
UNKNOWN_ZIPF = 1.0
UNLISTED_ZIPF = 2.0
PROXY_DISCOUNT = 1.0
FUNCTION_WORD_ZIPF = 6.0
# Names say little about the language around them: a capitalised word after the first and an
# acronym count for a fraction of a word (in title case, capitals say nothing, so less is taken off).
NAME_WEIGHT = 0.25
TITLE_CASE_NAME_WEIGHT = 0.6
ACRONYM_WEIGHT = 0.1
# Log-linear weights: zipf points are log10 units, langdetect's are natural-log probabilities.
LEXICAL_WEIGHT = 1.0
LANGDETECT_WEIGHT = 1.0
HINT_PRIOR = 3.0
LANGDETECT_FLOOR = 0.05
LANGDETECT_FULL_LETTERS = 30
# Near-tie prior. On two or three words shared by close relatives ("mercado central" is Spanish and
# Portuguese) the evidence cannot decide and the detector flips a coin; the better bet is the
# language that writes more of the world's news (Spanish > Portuguese > Catalan, Russian >>
# Bulgarian/Macedonian/Belarusian/Kazakh). It applies only to candidates within the script's margin
# of the best score (natural-log units: a margin of 1 means less than e:1 odds), which get one margin
# per NEWS_TIER above the lowest close tier, so clear evidence is never overruled. The feed's declared
# language ranks above every tier. Tier 3 holds this product's main languages (Ukrainian with Russian:
# between the two the evidence alone decides). Devanagari is left out: Marathi and Nepali borrow
# Hindi's word list, so their scores tie with Hindi's all the time and the rule would erase them
# (odd half, margin 0.25: word pairs mr 78.5 -> 70.5, ne 64 -> 52.5), while Hindi is right anyway.
NEAR_TIE_MARGIN = {"latin": 1.0, "cyrillic": 1.0, "arabic": 1.0, "devanagari": 0.0}
NEWS_TIER = {
    "en": 3, "es": 3, "fr": 3, "de": 3, "ru": 3, "uk": 3, "ar": 3, "hi": 3,
    "pt": 2, "it": 2, "nl": 2, "tr": 2, "pl": 2, "id": 2, "vi": 2, "sv": 2, "fa": 2, "ur": 2, "mr": 2,
    "ca": 1, "ro": 1, "cs": 1, "hu": 1, "da": 1, "no": 1, "fi": 1, "bg": 1, "mk": 1, "be": 1, "kk": 1, "ne": 1,
}
N_TRIAL = 3  # langdetect's default 7 costs 2.3x the time for no measured gain here


def _mark_class() -> str:
    """A regex class of all combining marks (Mn, Mc, Me): vowel signs, viramas, harakat, accents."""
    marks = [cp for cp in range(0x10000) if unicodedata.category(chr(cp))[0] == "M"]
    ranges, start = [], marks[0]
    for prev, cp in zip(marks, marks[1:] + [-1]):
        if cp != prev + 1:
            ranges.append(f"{chr(start)}-{chr(prev)}" if prev > start else chr(start))
            start = cp
    return "".join(ranges)


_NOISE_RE = re.compile(r"https?://\S+|\S+@\S+|&\w+;")
# A word is letters and the combining marks that belong to them ('बाजार' is one word, not 'ब','ज','र'),
# with inner apostrophes ("don't", "l'homme").
_LETTER = rf"(?:[^\W\d_]|[{_mark_class()}])"
_WORD_RE = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*")
# Each script's letters as character ranges ("a-z..."), by script name.
_SCRIPT_RANGES = {
    "hangul": HANGUL,
    "kana": KANA,
    "han": HAN,
    **{name: chars for name, (chars, _) in GROUPS.items()},
    **{lang: chars for chars, lang in SINGLE_SCRIPTS.items()},
}
_NO_SCRIPT = dict.fromkeys(_SCRIPT_RANGES, 0)


def _script_table() -> tuple[dict[int, str | None], dict[str, str]]:
    """A str.translate table that turns every letter of a script in _SCRIPT_RANGES into that script's
    tag character (a private-use character; real ones are deleted first), so one translate and a
    count per script replace a regex scan per script. The script classes must not overlap."""
    table: dict[int, str | None] = {}
    tags: dict[str, str] = {}
    for number, (name, chars) in enumerate(_SCRIPT_RANGES.items()):
        tag = chr(0xF0000 + number)
        tags[name] = tag
        i = 0
        while i < len(chars):
            low = high = ord(chars[i])
            if i + 2 < len(chars) and chars[i + 1] == "-":
                high = ord(chars[i + 2])
                i += 2
            i += 1
            for code in range(low, high + 1):
                if code in table:
                    raise ValueError(f"script classes overlap at U+{code:04X}")
                table[code] = tag
    table.update({ord(tag): None for tag in tags.values()})
    return table, tags


_SCRIPT_TABLE, _SCRIPT_TAGS = _script_table()
_FUNCTION_WORDS = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}
_LETTER_LANGS = {letter: frozenset(langs.split()) for letter, langs in LETTERS.items()}


def detect_language(title: str, text: str = "", hint: str | None = None) -> LanguageGuess:
    """Guess the language of an article from its title and (the start of) its text.

    `hint` is the feed's declared language (e.g. "en-US"); it tips the balance when the text fits
    it, and is ignored when the script rules it out.
    """
    sample = _NOISE_RE.sub(" ", f"{title} {text}"[:MAX_CHARS])
    counts = _script_counts(sample)
    hint_lang = _normalise_code(hint)
    if counts["hangul"] and counts["hangul"] >= counts["kana"]:
        return LanguageGuess("ko", 1.0)
    if counts["kana"] and counts["kana"] * 20 >= counts["han"]:
        return LanguageGuess("ja", 1.0)
    if counts["han"]:
        # Kanji-only Japanese headlines exist; Japanese-only character forms or the feed tell them apart.
        if hint_lang == "ja" or not JAPANESE_HAN.isdisjoint(sample):
            return LanguageGuess("ja", 0.9)
        return LanguageGuess("zh", 1.0)
    script = max(counts, key=counts.__getitem__)
    if counts[script] == 0:
        return UNDETERMINED
    if script == "latin" and _is_mojibake(sample, counts["latin"]):
        return UNDETERMINED
    if script not in GROUPS:
        return LanguageGuess(script, 1.0)
    if counts[script] < MIN_LETTERS:
        return _fallback(hint_lang, GROUPS[script][1])
    return _detect_in_group(sample, script, hint_lang)


def _script_counts(sample: str) -> dict[str, int]:
    if sample.isascii():  # most English headlines: one cheap check instead of 26 regex scans
        return {**_NO_SCRIPT, "latin": sum(1 for ch in sample if ch.isalpha())}
    tagged = sample.translate(_SCRIPT_TABLE)
    return {name: tagged.count(tag) for name, tag in _SCRIPT_TAGS.items()}


def _detect_in_group(sample: str, script: str, hint_lang: str | None) -> LanguageGuess:
    priors = dict(GROUPS[script][1])
    if hint_lang in priors:
        priors[hint_lang] *= HINT_PRIOR
    words = _WORD_RE.findall(sample)
    # One word says little within a shared script (it is often a name); nor do a couple of capitalised words.
    if len(words) < 2 or (script == "latin" and _is_label(words)):
        return _fallback(hint_lang, priors)
    scores = _near_tie_prior(_group_scores(sample, words, script, priors), script, hint_lang)
    probs = _softmax(scores)
    best = max(probs, key=probs.__getitem__)
    if probs[best] < MIN_CONFIDENCE:
        return _fallback(hint_lang, priors)
    return LanguageGuess(best, round(probs[best], 4))


def _near_tie_prior(scores: dict[str, float], script: str, hint_lang: str | None) -> dict[str, float]:
    """The scores after the near-tie prior (see NEAR_TIE_MARGIN): of the candidates within the margin
    of the best, the one most common in news wins, or the feed's declared language if it is among them."""
    margin = NEAR_TIE_MARGIN.get(script, 0.0)
    top = max(scores.values())
    close = [lang for lang, score in scores.items() if top - score <= margin]
    if margin <= 0.0 or len(close) < 2:
        return scores
    tiers = {lang: NEWS_TIER.get(lang, 0) for lang in close}
    if hint_lang in tiers:
        tiers[hint_lang] = max(tiers.values()) + 1
    base = min(tiers.values())
    return {**scores, **{lang: scores[lang] + margin * (tiers[lang] - base) for lang in close}}


def _group_scores(sample: str, words: list[str], script: str, priors: dict[str, float]) -> dict[str, float]:
    """Log-scores of the script's candidate languages: prior + word frequencies + letters + langdetect."""
    langs = tuple(priors)
    rows = [_weighted_zipfs(word.lower().replace("’", "'"), weight, script) for word, weight in _weighted_words(words)]
    lexical = [sum(column) for column in zip(*rows)] if rows else [0.0] * len(langs)  # in word order
    scale = LEXICAL_WEIGHT * math.log(10)  # zipf is a log10 frequency; the rest are natural logs
    scores = {lang: scale * total + math.log(priors[lang]) for lang, total in zip(langs, lexical)}
    for letter in set(sample.lower()).intersection(_LETTER_LANGS):
        users = _LETTER_LANGS[letter]
        for lang in langs:
            if lang not in users:
                scores[lang] -= LETTER_PENALTY
    letters = sum(map(len, words))
    for lang, (own, share) in SIGNATURE_LETTERS.items():
        if lang in scores and set(own).isdisjoint(sample.lower()):
            scores[lang] += letters * math.log(1.0 - share)
    # langdetect is overconfident on a few words (0.99999 for either of Spanish and Portuguese
    # on two words both share): its say grows with the length of the sample.
    weight = LANGDETECT_WEIGHT * min(1.0, letters / LANGDETECT_FULL_LETTERS)
    first, second = sorted(scores.values(), reverse=True)[:2]
    # langdetect can move a score by at most `reach`: past that lead it cannot change the answer,
    # and skipping it saves most of the time (it costs 1-15 ms a call).
    reach = weight * math.log(1.0 / LANGDETECT_FLOOR)
    found = {} if first - second > reach else _langdetect_probabilities(sample, script)
    for lang in langs if found else ():
        prob = max((found.get(x, 0.0) for x in LANGDETECT_PROXIES.get(lang, (lang,))), default=0.0)
        # langdetect reports only probabilities above 0.1; the rest get a small floor.
        scores[lang] += weight * math.log(max(prob, LANGDETECT_FLOOR))
    return scores


def _weighted_zipfs(word: str, weight: float, script: str) -> tuple[float, ...]:
    zipfs = _zipfs(word, script)
    return zipfs if weight == 1.0 else tuple(weight * zipf for zipf in zipfs)


def _weighted_words(words: list[str]) -> list[tuple[str, float]]:
    """Words with their weight as evidence: names and acronyms count little, the first word fully."""
    capitalised = sum(1 for word in words if word[:1].isupper())
    name_weight = TITLE_CASE_NAME_WEIGHT if capitalised * 2 > len(words) else NAME_WEIGHT
    weighted = [(words[0], ACRONYM_WEIGHT if _is_acronym(words[0]) else 1.0)]
    for word in words[1:]:
        if _is_acronym(word):
            weighted.append((word, ACRONYM_WEIGHT))
        else:
            weighted.append((word, name_weight if word[:1].isupper() else 1.0))
    return weighted


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


DEGRADED_SPELLING_DISCOUNT = 1.0  # zipf points: an ASCII-degraded spelling is weaker evidence


# A long run meets hundreds of thousands of distinct words: a cached row costs ~0.5 KB, a miss ~6 µs.
_ZIPF_CACHE_WORDS = 50_000


@lru_cache(maxsize=_ZIPF_CACHE_WORDS)
def _zipfs(word: str, script: str) -> tuple[float, ...]:
    """The word's zipf frequency in each candidate language of the script, in GROUPS order."""
    zipfs = dict(zip(_listed_langs(script), _listed_zipfs(word, script)))
    for lang in GROUPS[script][1]:
        if lang in _FUNCTION_WORDS:
            zipfs[lang] = _unlisted_zipf(word, lang, zipfs)
    return tuple(zipfs[lang] for lang in GROUPS[script][1])


def _listed_zipfs(word: str, script: str) -> list[float]:
    """The word's zipf in each language of the script that wordfreq has a list for."""
    listed, degraded = _word_table(script).lookup(word)
    if all(listed):
        return listed
    if "'" in word:
        # wordfreq splits "l'homme" into "l" + "homme" and keeps "don't" whole: try the parts' mean.
        parts = [_listed_zipfs(part, script) for part in word.split("'") if part]
        guesses = [sum(zipfs) / len(parts) for zipfs in zip(*parts)] if parts else [UNKNOWN_ZIPF] * len(listed)
    elif word.isascii():
        # Feeds and old systems often lose accented letters, replaced ("division") or dropped
        # ("divisin" for "división"): such a word still says which language it is, a bit less surely.
        guesses = [max(UNKNOWN_ZIPF, zipf - DEGRADED_SPELLING_DISCOUNT) if zipf else UNKNOWN_ZIPF
                   for zipf in degraded]
    else:
        guesses = [UNKNOWN_ZIPF] * len(listed)
    return [zipf or guess for zipf, guess in zip(listed, guesses)]


def _unlisted_zipf(word: str, lang: str, relatives: dict[str, float]) -> float:
    if word in _FUNCTION_WORDS[lang]:
        return FUNCTION_WORD_ZIPF
    borrowed = max(relatives[relative] for relative in WORDLIST_PROXIES[lang])
    return borrowed - PROXY_DISCOUNT if borrowed > UNKNOWN_ZIPF else UNLISTED_ZIPF


@cache
def _listed_langs(script: str) -> tuple[str, ...]:
    return tuple(lang for lang in GROUPS[script][1] if lang not in _FUNCTION_WORDS)


@cache
def _word_table(script: str) -> WordTable:
    """wordfreq's lists of the script's languages as one shared table (see newsmon.language.word_tables:
    a lookup there is ~100x cheaper than zipf_frequency, which tokenises its argument each call)."""
    return word_table(tuple(WORDLIST_CODES.get(lang, lang) for lang in _listed_langs(script)), WORDLIST)


def _is_label(words: list[str]) -> bool:
    """A couple of capitalised words ("Key Takeaways", "Vladimir Putin") are a label or a name."""
    return len(words) <= 2 and all(word[:1].isupper() for word in words)


def _is_mojibake(sample: str, latin_letters: int) -> bool:
    """UTF-8 or CJK bytes decoded as Latin-1 look like "Ã¥ÀÐÑÀ": mostly accented capitals and symbols."""
    high = sum(1 for ch in sample if "\u00a0" <= ch <= "\u00ff")
    return high > 3 and high * 2 > latin_letters


def _fallback(hint_lang: str | None, candidates: dict[str, float]) -> LanguageGuess:
    if hint_lang in candidates:
        return LanguageGuess(hint_lang, 0.5)
    return UNDETERMINED


def _langdetect_probabilities(sample: str, script: str) -> dict[str, float]:
    detector = _factory(script).create()
    detector.n_trial = N_TRIAL
    detector.append(sample)
    try:
        found = detector.get_probabilities()
    except LangDetectException:  # no usable n-grams, e.g. only digits and punctuation
        return {}
    return {LANGDETECT_CODES.get(item.lang, item.lang): item.prob for item in found}


@cache
def _factory(script: str) -> DetectorFactory:
    """One langdetect factory per script, holding only that script's profiles (built once).

    Fewer profiles make each sampling step cheaper, and languages of other scripts cannot win.
    """
    langs = [lang for lang in GROUPS[script][1] if (Path(PROFILES_DIRECTORY) / lang).is_file()]
    factory = DetectorFactory()
    factory.load_json_profile([(Path(PROFILES_DIRECTORY) / lang).read_text("utf-8") for lang in langs])
    factory.set_seed(0)  # langdetect samples n-grams at random; a fixed seed makes results repeatable
    return factory


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exps = {lang: math.exp(score - top) for lang, score in scores.items()}
    total = sum(exps.values())
    return {lang: value / total for lang, value in exps.items()}


def _normalise_code(code: str | None) -> str | None:
    """"en-US" -> "en", "zh-Hant" -> "zh"; None for empty values."""
    if not code:
        return None
    return code.strip().lower().replace("_", "-").split("-")[0] or None
