"""The data behind newsmon.language.detect: which scripts belong to which languages, letters and function
words that tell related languages apart, and which languages stand in for which. General
orthographic knowledge, written by hand; none of it comes from an evaluation corpus."""

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
