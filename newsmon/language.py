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
from wordfreq import available_languages, get_frequency_dict

from newsmon.records import LanguageGuess

UNDETERMINED = LanguageGuess("und", 0.0)

# langdetect's cost grows with length and a headline plus its lead says all there is to say.
MAX_CHARS = 400
# Below these, the answer would be a guess: "und" (or the declared language) is more honest.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.3

# Scripts written by a single language here. Ranges are Unicode blocks.
SINGLE_SCRIPTS: dict[str, str] = {
    "\u0370-\u03ff\u1f00-\u1fff": "el",
    "\u0590-\u05ff": "he",
    "\u0530-\u058f": "hy",
    "\u0980-\u09ff": "bn",
    "\u0a00-\u0a7f": "pa",
    "\u0a80-\u0aff": "gu",
    "\u0b00-\u0b7f": "or",
    "\u0b80-\u0bff": "ta",
    "\u0c00-\u0c7f": "te",
    "\u0c80-\u0cff": "kn",
    "\u0d00-\u0d7f": "ml",
    "\u0d80-\u0dff": "si",
    "\u0e00-\u0e7f": "th",
    "\u0e80-\u0eff": "lo",
    "\u1000-\u109f": "my",
    "\u10a0-\u10ff": "ka",
    "\u1200-\u137f": "am",
    "\u1780-\u17ff": "km",
}
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Shared scripts: the languages langdetect may choose between, with a base-rate prior
# (a larger weight means more common in news feeds) so that weak evidence leans the likely way.
GROUPS: dict[str, tuple[str, dict[str, float]]] = {
    "latin": (
        "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
        {"en": 6, "de": 3, "fr": 3, "es": 3, "it": 2, "pt": 2, "nl": 1, "sv": 1, "tr": 1, "pl": 1, "hu": 1,
         "id": 0.5, "vi": 0.5, "ro": 0.3, "cs": 0.3, "da": 0.3, "no": 0.3, "fi": 0.3, "ca": 0.3},
    ),
    "cyrillic": ("\u0400-\u052f", {"ru": 3, "uk": 2, "bg": 1, "mk": 0.7, "be": 0.5, "kk": 0.5}),
    "arabic": ("\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff", {"ar": 2, "fa": 1, "ur": 1}),
    "devanagari": ("\u0900-\u097f", {"hi": 4, "mr": 1, "ne": 1}),
}

# Letters that only some languages of a group use. A candidate that does not use a letter present
# in the text is penalised once per distinct letter (names in foreign spelling make this soft).
LETTERS: dict[str, str] = {
    # Latin
    "ß": "de", "ä": "de sv fi", "ö": "de sv fi tr hu", "ü": "de tr hu", "ñ": "es", "¿": "es", "¡": "es",
    "ã": "pt vi", "õ": "pt vi", "ç": "fr pt tr ca", "ê": "fr pt vi", "â": "fr pt ro tr vi",
    "è": "fr it ca vi", "à": "fr it pt ca vi", "ù": "fr it vi", "î": "fr ro", "ô": "fr pt vi",
    "û": "fr", "ë": "fr nl", "ï": "fr nl ca", "œ": "fr", "é": "fr es pt it hu cs ca vi nl",
    "á": "es pt hu cs vi", "í": "es pt hu cs it ca vi", "ó": "es pt hu pl it ca vi", "ú": "es pt hu cs vi it",
    "ı": "tr", "ğ": "tr", "ş": "tr ro", "ą": "pl", "ę": "pl", "ł": "pl", "ń": "pl", "ś": "pl", "ź": "pl",
    "ż": "pl", "ć": "pl", "ő": "hu", "ű": "hu", "å": "sv da no fi", "ø": "da no", "æ": "da no",
    "ř": "cs", "ě": "cs", "ů": "cs", "č": "cs", "š": "cs fi", "ž": "cs fi", "ă": "ro vi", "ș": "ro",
    "ț": "ro", "đ": "vi", "ơ": "vi", "ư": "vi",
    # Cyrillic alphabets differ in a few letters each
    "ы": "ru be kk", "э": "ru be kk", "ё": "ru be kk", "ъ": "ru bg kk", "і": "uk be kk", "ї": "uk",
    "є": "uk", "ґ": "uk", "ў": "be", "ѓ": "mk", "ќ": "mk", "ѕ": "mk", 
    "ј": "mk", "љ": "mk", "њ": "mk", "џ": "mk", "й": "ru uk bg be kk", "щ": "ru uk bg", "и": "ru uk bg mk kk",
    "ә": "kk", "ғ": "kk", "қ": "kk", "ң": "kk", "ө": "kk", "ұ": "kk", "ү": "kk", "һ": "kk",
    # Arabic script: Persian/Urdu letters, Urdu-only letters, Arabic-only spellings
    "پ": "fa ur", "چ": "fa ur", "ژ": "fa ur", "گ": "fa ur", "ک": "fa ur", "ی": "fa ur",
    "ٹ": "ur", "ڈ": "ur", "ڑ": "ur", "ں": "ur", "ے": "ur", "ھ": "ur", "ہ": "ur",
    "ة": "ar", "ى": "ar", "ي": "ar", "ك": "ar", "إ": "ar", "ۀ": "fa",
    # Devanagari: ळ is Marathi, not Hindi or Nepali
    "ळ": "mr",
}
LETTER_PENALTY = 2.0
# Languages without a wordfreq list whose own letters are frequent, with the share of letters
# that are among them (estimated from general knowledge): a sample of n letters lacking them all
# has probability (1 - share) ** n in that language.
SIGNATURE_LETTERS = {"be": ("ўі", 0.07), "kk": ("әғқңөұүһі", 0.13)}

# Languages of a group that wordfreq has no list for get a tiny hand-made one: their most common
# function words (general knowledge). Other words borrow a close relative's list, a little lower
# (shared vocabulary is likelier in the listed language), and a word unknown to the relative
# scores UNLISTED_ZIPF: it is likelier to belong to the unlisted language than to the relative.
FUNCTION_WORDS: dict[str, str] = {
    "be": "і ў не на што з па як да за ад гэта для але так ён яна яны мы ужо было быў",
    "kk": "және мен бен пен да де бұл осы үшін деп бір оның олар біз",
    "mr": "आहे आणि या व होते ला मध्ये करून त्या हे ही आहेत नाही होता होती झाले झाली केले केली"
          " त्यांनी त्याचा त्याची त्याचे त्यांच्या म्हणून म्हणाले येथे तेथे साठी पण किंवा असे असलेल्या"
          " करण्यात यांनी आता सर्व काही एक दोन तर",
    "ne": "छ छन् हो र ले मा गरेको गर्न पनि थियो भएको लागि यो त्यो नै तथा लाई बाट देखि सम्म"
          " गरेका हुन्छ गर्ने भने हुने रहेको उनले गरी भए छैन थिए गरिएको भन्ने अहिले सबै तर वा यस ती"
          " हुन् गरे भएका उनी हामी तपाईं",
}
WORDLIST_PROXIES = {"be": ("ru", "uk"), "kk": ("ru",), "mr": ("hi",), "ne": ("hi",)}
LANGDETECT_CODES = {"zh-cn": "zh", "zh-tw": "zh"}
# Languages without a langdetect profile borrow the best probability of their closest relatives.
LANGDETECT_PROXIES = {"be": ("ru", "uk"), "kk": ("ru", "uk", "bg", "mk")}
# Kanji in their Japanese simplified (shinjitai) or Japan-made forms, not used in Chinese writing.
JAPANESE_HAN = frozenset("込働峠畑辻枠栃実気広転売読続鉄駅円図伝価県拡権戦両歳労稲")
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
_SCRIPT_RES = {
    "hangul": re.compile(f"[{HANGUL}]"),
    "kana": re.compile(f"[{KANA}]"),
    "han": re.compile(f"[{HAN}]"),
    **{name: re.compile(f"[{chars}]") for name, (chars, _) in GROUPS.items()},
    **{lang: re.compile(f"[{chars}]") for chars, lang in SINGLE_SCRIPTS.items()},
}
_NO_SCRIPT = dict.fromkeys(_SCRIPT_RES, 0)
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
    return {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_RES.items()}


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
    lexical = [0.0] * len(langs)
    for word, weight in _weighted_words(words):
        zipfs = _zipfs(word.lower().replace("’", "'"), script)
        lexical = [total + weight * zipf for total, zipf in zip(lexical, zipfs)]
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


@lru_cache(maxsize=200_000)
def _zipfs(word: str, script: str) -> tuple[float, ...]:
    """The word's zipf frequency in each candidate language of the script, in GROUPS order."""
    langs = GROUPS[script][1]
    zipfs = {lang: _zipf(word, lang) for lang in langs if lang not in _FUNCTION_WORDS}
    for lang in langs:
        if lang in _FUNCTION_WORDS:
            zipfs[lang] = _unlisted_zipf(word, lang, zipfs)
    return tuple(zipfs[lang] for lang in langs)


def _zipf(word: str, lang: str) -> float:
    frequency = _frequencies(lang).get(word)
    if frequency:
        return math.log10(frequency) + 9.0
    if "'" in word:
        # wordfreq splits "l'homme" into "l" + "homme" and keeps "don't" whole: try the parts' mean.
        parts = [_zipf(part, lang) for part in word.split("'") if part]
        return sum(parts) / len(parts) if parts else UNKNOWN_ZIPF
    if word.isascii():
        # Feeds and old systems often lose accented letters, replaced ("division") or dropped
        # ("divisin" for "división"): such a word still says which language it is, a bit less surely.
        frequency = _ascii_spellings(lang).get(word)
        if frequency:
            return max(UNKNOWN_ZIPF, math.log10(frequency) + 9.0 - DEGRADED_SPELLING_DISCOUNT)
    return UNKNOWN_ZIPF


@cache
def _ascii_spellings(lang: str) -> dict[str, float]:
    """ASCII forms of a language's accented words (accents folded, or the letters dropped)."""
    forms: dict[str, float] = {}
    for word, frequency in _frequencies(lang).items():
        if word.isascii():
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        for form in (folded, "".join(c for c in word if c.isascii())):
            if form.isascii() and len(form) > 2 and frequency > forms.get(form, 0.0):
                forms[form] = frequency
    return forms


def _unlisted_zipf(word: str, lang: str, relatives: dict[str, float]) -> float:
    if word in _FUNCTION_WORDS[lang]:
        return FUNCTION_WORD_ZIPF
    borrowed = max(relatives[relative] for relative in WORDLIST_PROXIES[lang])
    return borrowed - PROXY_DISCOUNT if borrowed > UNKNOWN_ZIPF else UNLISTED_ZIPF


@cache
def _frequencies(lang: str) -> dict[str, float]:
    """wordfreq's word → frequency table for a language, loaded once (a dict lookup is ~100x
    cheaper than zipf_frequency, which tokenises its argument on every call)."""
    lang = WORDLIST_CODES.get(lang, lang)
    if lang not in available_languages(WORDLIST):
        # wordfreq would silently answer for its nearest language (e.g. "ne" -> "en").
        raise ValueError(f"wordfreq has no {WORDLIST!r} list for {lang!r}")
    return get_frequency_dict(lang, wordlist=WORDLIST)


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
