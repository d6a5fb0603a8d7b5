"""Language detection for headline-length text: script rules first, langdetect where the script is shared.

langdetect alone is unreliable on short text: it weighs 55 languages equally, so two English words
can come back as Somali or Dutch, and it is costly (it samples n-grams until one language wins).
Here the writing system picks the candidate languages; scripts used by one language answer
directly without langdetect. For shared scripts (Latin, Cyrillic, Arabic, Devanagari) langdetect
runs restricted to that script's candidates, and its probabilities are combined with general
orthographic evidence (letters a language never uses, common function words) and a prior
that favours the feed's declared language when it fits the script.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from newsmon.records import LanguageGuess

UNDETERMINED = LanguageGuess("und", 0.0)

# langdetect's cost grows with length and a headline plus its lead says all there is to say.
MAX_CHARS = 400
# Below these, the answer would be a guess: "und" (or the declared language) is more honest.
MIN_LETTERS = 4
MIN_CONFIDENCE = 0.4

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
    "devanagari": ("\u0900-\u097f", {"hi": 3, "mr": 1, "ne": 1}),
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
    "ј": "mk", "љ": "mk", "њ": "mk", "џ": "mk", "й": "ru uk bg be kk", "щ": "ru uk bg",
    "ә": "kk", "ғ": "kk", "қ": "kk", "ң": "kk", "ө": "kk", "ұ": "kk", "ү": "kk", "һ": "kk",
    # Arabic script: Persian/Urdu letters, Urdu-only letters, Arabic-only spellings
    "پ": "fa ur", "چ": "fa ur", "ژ": "fa ur", "گ": "fa ur", "ک": "fa ur", "ی": "fa ur",
    "ٹ": "ur", "ڈ": "ur", "ڑ": "ur", "ں": "ur", "ے": "ur", "ھ": "ur", "ہ": "ur",
    "ة": "ar", "ى": "ar", "ي": "ar", "ك": "ar", "إ": "ar", "ۀ": "fa",
    # Devanagari: ळ is Marathi, not Hindi or Nepali
    "ळ": "mr",
}
LETTER_PENALTY = 2.0
CUE_WEIGHT = 0.5

# Very common function words, from general knowledge of each language; one point per hit.
FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and to in is for on with as by at from that this are was be it an or not has have"
          " after over says will its his her their they we you who what which more than about into"
          " up out but been were would can could should new how why",
    "de": "der die das und ist nicht mit von den dem des ein eine einen einer im auf für zu zum zur bei"
          " nach sich auch wird werden wurde sind hat haben aus über unter vor noch wie dass oder aber"
          " nur mehr gegen um es sie er wir ich dieses diese dieser unser kein keine vom beim",
    "fr": "le la les des du de un une et est en au aux pour par sur dans avec pas qui que ne se sont"
          " ont plus son sa ses leur cette ce il elle ils nous vous contre selon après entre sans chez"
          " été être mais où très l d qu n s c j",
    "es": "el la los las de del y en un una es por para con que se no su sus al lo como más pero"
          " sobre entre este esta estos estas ese desde hasta muy son está han ha fue sin tras según"
          " nos les ya también cuando donde",
    "it": "il lo la i gli le di del della dei delle e è un una per con che non si da dal nella nel"
          " sono ha al alla come più ma anche questo questa tra fra dopo sul sulla degli un l d",
    "pt": "o a os as de do da dos das e em no na nos nas um uma para com que não se por ao à mais"
          " foi é são seu sua pelo pela como mas também após sobre entre",
    "nl": "de het een en van in is op te dat die voor met niet zijn aan er om ook als bij door naar"
          " uit maar wordt worden nog over dan tot kan hij ze wij deze dit",
    "sv": "och i att det som en på är av för med till den har de inte om ett var sig men så han hon"
          " vi från efter kan ska också när nya",
    "tr": "ve bir bu da de için ile çok daha olarak gibi ama ne mi en sonra kadar değil var yok olan her",
    "pl": "i w z na się nie do to że jest o po od za jak ale a co przez dla są już tylko jego jej oraz"
          " przy być",
    "hu": "a az és hogy nem is egy meg de van már csak még volt mint el ki be fel után szerint ezt ez",
    "ca": "els amb és dels seva seu aquest aquesta però també molt",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada ke adalah oleh juga",
    "ru": "и в во не на что с со по как к ко из за от это о об для но же так он она они мы уже было"
          " был быть который которые также при после или у до а бы его ее её их над под без",
    "uk": "і й в у не на що з по як до із за від це для але так він вона вони ми вже було був"
          " бути який які також при після або та чи а його її їх над під без",
    "be": "і ў не на што з па як да за ад гэта для але так ён яна яны мы ужо было быў",
    "bg": "и в не на че с по как към от за това е са се да ще да който които след или но",
    "mk": "и во не на дека со по како кон од за ова е се да ќе кој кои по или но",
    "ar": "في من على إلى أن عن مع التي الذي هذا هذه كان و لا ما بين بعد",
    "fa": "و در به از که این را با است می برای آن یک شد های ای",
    "ur": "کے کی کا میں ہے اور سے کو نے پر ہیں یہ تھا",
    "hi": "है हैं का की के में और से को ने पर यह था थी थे लिए भी एक नहीं कि हो तो",
    "mr": "आहे आणि या व होते ला मध्ये करून त्या हे ही आहेत नाही",
    "ne": "छ छन् हो र ले मा गरेको गर्न पनि थियो भएको लागि यो त्यो नै तथा",
}
# Spelling patterns typical of a language (endings, letter clusters); a word showing any of them
# counts as half a point. Written from general orthography, they help where langdetect's
# n-gram profiles are weak: two- or three-word headlines without function words.
SPELLING_CUES: dict[str, str] = {
    "en": r"(ing|ed|ly|ness|ful|ous|ship|ity|ies|ght|ck|tch|wh|th|sh|ee|oo|ea|w|[^aeiou]y)$|^(wh|th|sh)|ck|ght|ough|oo|ee|w",
    "de": r"sch|tz|ei|ie|eu|äu|ung(en)?$|keit|heit|lich|isch|chen$|pf|^(ge|ver|be|zu|ab|an|aus|ein)[a-zß]{4,}|ß|[^aeiou]en$|k|z|w",
    "fr": r"eau|eux$|aux$|ou|oi|ai|qu|é[es]?s?$|iques?$|eurs?$|ière|ette|ments?$|tions?$|ons$|ez$|ais$|ait$|x$|è|ç",
    "es": r"ción|ciones|dad(es)?$|mente$|[ai]d[oa]s?$|ll|rr|ñ|ue|ie|[aeiou][sn]$|[aei]r$|ía|er[oa]s?$|iento|z[aou]",
    "it": r"zion[ei]$|gli|gn|zz|cc|ità$|[aei]re$|ch[ei]|[^aeiou][io]$|ett[oai]$|mente$|sc[ie]|ggi|tt[oaie]$",
    "pt": r"ção|ções|ão|ões|lh|nh|dade$|mente$|agem$|inh[oa]s?$|[ae]m$|ou$|eir[oa]s?$|ç|ã|õ",
    "nl": r"ij|oe|aa|ee|uu|oo|lijk|heid|sch|tje$|^ge|ui|[^aeiou]en$|^v|^z|ijk",
    "sv": r"å|ä|ö|het$|lig|ning|sj|sk|kv|tt$|ar$|or$|na$",
    "tr": r"ı|ğ|ş|ç|l[ae]r|l[iıuü]k|d[ıi]r$|m[ae]k$|[ae]n$",
    "pl": r"sz|cz|rz|dz|ą|ę|ł|ś|ż|ów$|ych$|ego$|ie$|w",
    "hu": r"sz|gy|ny|cs|zs|ő|ű|b[ae]n$|n[ae]k$|s[áé]g$",
    "id": r"ng|ny|kan$|nya$|^me|^ber|^di|an$",
}
LANGDETECT_CODES = {"zh-cn": "zh", "zh-tw": "zh"}
# Languages without a langdetect profile borrow the best probability of their closest relatives.
LANGDETECT_PROXIES = {"be": ("ru", "uk"), "kk": ("ru", "uk", "bg", "mk")}
# Kanji in their Japanese simplified (shinjitai) or Japan-made forms, not used in Chinese writing.
JAPANESE_HAN = frozenset("込働峠畑辻枠栃実気広転売読続鉄駅円図伝価県拡権戦両歳労稲")
# How strongly evidence, langdetect's log-probability and the declared language count.
EVIDENCE_WEIGHT = 1.0
LANGDETECT_WEIGHT = 1.0
HINT_PRIOR = 3.0
LANGDETECT_FLOOR = 0.02
DECISIVE_MARGIN = 4.0
N_TRIAL = 3  # langdetect's default 7 costs 2.3x the time for no measured gain here

_NOISE_RE = re.compile(r"https?://\S+|\S+@\S+|&\w+;")
_WORD_RE = re.compile(r"[^\W\d_]+")
_SCRIPT_RES = {
    "hangul": re.compile(f"[{HANGUL}]"),
    "kana": re.compile(f"[{KANA}]"),
    "han": re.compile(f"[{HAN}]"),
    **{name: re.compile(f"[{chars}]") for name, (chars, _) in GROUPS.items()},
    **{lang: re.compile(f"[{chars}]") for chars, lang in SINGLE_SCRIPTS.items()},
}
_WORD_LANGS: dict[str, frozenset[str]] = {}
for _lang, _words in FUNCTION_WORDS.items():
    for _word in _words.split():
        _WORD_LANGS[_word] = _WORD_LANGS.get(_word, frozenset()) | {_lang}
_CUE_RES = {lang: re.compile(pattern) for lang, pattern in SPELLING_CUES.items()}
_LETTER_LANGS = {letter: frozenset(langs.split()) for letter, langs in LETTERS.items()}


def detect_language(title: str, text: str = "", hint: str | None = None) -> LanguageGuess:
    """Guess the language of an article from its title and (the start of) its text.

    `hint` is the feed's declared language (e.g. "en-US"); it tips the balance when the text fits
    it, and is ignored when the script rules it out.
    """
    sample = _NOISE_RE.sub(" ", f"{title} {text}"[:MAX_CHARS])
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPT_RES.items()}
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


def _detect_in_group(sample: str, script: str, hint_lang: str | None) -> LanguageGuess:
    priors = dict(GROUPS[script][1])
    if hint_lang in priors:
        priors[hint_lang] *= HINT_PRIOR
    words = _WORD_RE.findall(sample.lower())
    # One word says little within a shared script (it is often a name); nor do a couple of capitalised words.
    if len(words) < 2 or (script == "latin" and _is_label(sample, words)):
        return _fallback(hint_lang, priors)
    scores = {lang: math.log(weight) for lang, weight in priors.items()}
    for lang, points in _evidence(sample.lower(), words, priors).items():
        scores[lang] += EVIDENCE_WEIGHT * points
    first, second = sorted(scores.values(), reverse=True)[:2]
    # Several more function words than any rival settle it; langdetect would only cost time.
    found = {} if first - second >= DECISIVE_MARGIN else _langdetect_probabilities(sample, script)
    for lang in scores if found else ():
        prob = max((found.get(x, 0.0) for x in LANGDETECT_PROXIES.get(lang, (lang,))), default=0.0)
        # langdetect reports only probabilities above 0.1; the rest get a small floor.
        scores[lang] += LANGDETECT_WEIGHT * math.log(max(prob, LANGDETECT_FLOOR))
    probs = _softmax(scores)
    best = max(probs, key=probs.__getitem__)
    if probs[best] < MIN_CONFIDENCE:
        return _fallback(hint_lang, priors)
    return LanguageGuess(best, round(probs[best], 4))


def _evidence(lowered: str, words: list[str], candidates: dict[str, float]) -> dict[str, float]:
    points = dict.fromkeys(candidates, 0.0)
    for word in words:
        for lang in _WORD_LANGS.get(word, ()):
            if lang in points:
                points[lang] += 1.0
    for lang, pattern in _CUE_RES.items():
        if lang in points:
            points[lang] += CUE_WEIGHT * sum(1 for word in words if pattern.search(word))
    for letter in set(lowered).intersection(_LETTER_LANGS):
        users = _LETTER_LANGS[letter]
        for lang in points:
            if lang not in users:
                points[lang] -= LETTER_PENALTY
    return points


def _is_label(sample: str, words: list[str]) -> bool:
    """A couple of capitalised words ("Key Takeaways", "Vladimir Putin") are a label or a name."""
    original = _WORD_RE.findall(sample)
    return len(words) <= 2 and all(word[:1].isupper() for word in original)


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
