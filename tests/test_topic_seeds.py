"""Data tests for seeds/topics.csv and seeds/topic_terms.csv (dbt-style: unique, not null,
accepted values, relationships), plus the loader's error messages for broken files."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from newsmon.topics.grammar_seeds import GRAMMAR_KINDS, load_grammar
from newsmon.topics.languages import GATED_ROLE_KINDS
from newsmon.topics.match import (
    MATCH_KINDS,
    ROLE_KINDS,
    SeedError,
    load_topic_rules,
    normalize_text,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# ISO 639-1, plus "mul" (ISO 639-2: a name written the same way in several languages).
ISO_639_1 = set(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id "
    "ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu "
    "lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu "
    "rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu".split()
) | {"mul"}
ROLE_PATTERN = re.compile(r"^(?:both_sides|(?P<kind>[a-z_]+):(?P<name>[a-z][a-z0-9_]*))$")
# The forms a headline uses for each side, per language with side: terms ("|" between forms): case
# forms of names in languages with cases (Putinowi, Ким Чен Ыном, Kim Jong-unille), ezafe in Persian
# (کره‌ی شمالی), suffixes after an apostrophe in Turkish, proclitics in Arabic and Hebrew, particles in
# Korean and Japanese. A language added to topic_terms.csv needs a row here.
SIDE_FORMS = {
    "en": ("Russia|Russia's|Russian|Moscow|Putin|Putin's|Kremlin|Lavrov",
           "North Korea|North Korea's|North Korean|Pyongyang|Pyongyang's|Kim Jong Un|Kim Jong-un's|DPRK"),
    "ru": ("Россия|России|Россию|Россией|Москва|Москвы|Москве|Путин|Путина|Путину|Путиным|Лаврова|Лаврову|Кремль|Кремля|русские",
           "КНДР|Северная Корея|Северной Кореи|Северную Корею|Пхеньян|Пхеньяна|Пхеньяну|"
           "Пхеньяне|Ким Чен Ын|Ким Чен Ына|Ким Чен Ыну|Ким Чен Ыном|северокорейский|северокорейские"),
    "uk": ("Росія|Росії|Росію|Москва|Москви|Путін|Путіна|Путіну|Путіним",
           "КНДР|Північна Корея|Північної Кореї|Північну Корею|Пхеньян|Пхеньяна|"
           "Пхеньяні|Кім Чен Ин|Кім Чен Ина|Кім Чен Ину|Кім Чен Ином|північнокорейський"),
    "be": ("Расія|Расіі|Масква|Пуцін|Пуціна|Лаўроў", "Паўночная Карэя|Паўночнай Карэі|Пхеньян|Кім Чэн Ын|Кім Чэн Ына"),
    "bg": ("Русия|Москва|Путин|Путина", "Северна Корея|Пхенян|Ким Чен Ун|Ким Чен Ин|севернокорейски"),
    "sr": ("Русија|Русије|Русији|Кремљ|Путин|Путина",
           "Северна Кореја|Северне Кореје|Пјонгјанг|Ким Џонг Ун|севернокорејски"),
    "mk": ("Русија|Русије|руски|Москва|Путин|Лавров", "Северна Кореја|Северна Кореа|севернокорејски|ДНРК|Пјонгјанг|Ким Џонг Ун"),
    "kk": ("Ресей|Путин", "Солтүстік Корея"),
    "mn": ("Орос|Оросын|ОХУ|ОХУ-ын|Путин|Москва", "Хойд Солонгос|Хойд Солонгосын|БНАСАУ|БНАСАУ-ын|Пхеньян|Ким Чен Ун"),
    "pl": ("Rosja|Rosji|Rosję|Rosją|rosyjski|rosyjscy|Moskwa|Moskwy|Moskwie|Putin|Putina|Putinowi|Putinem|Ławrow",
           "Korea Północna|Korei Północnej|Koreę Północną|Koreą Północną|KRLD|Phenian|"
           "Pjongjang|Pjongjangu|Kim Dzong Un|Kim Dzong Una|Kim Dzong Unem|Kim Dzong Unowi|północnokoreański|"
           "północnokoreańscy"),
    "cs": ("Rusko|Ruska|Rusku|Ruskem|ruský|Moskva|Moskvy|Putin|Putina|Putinovi|Putinem",
           "Severní Korea|Severní Koreje|Severní Koreu|KLDR|Pchjongjang|"
           "Pchjongjangu|Kim Čong-un|Kim Čong-una|Kim Čong-unem|Kim Čong-unovi|severokorejský"),
    "sk": ("Rusko|Ruska|Rusku|ruský|Putin|Putina|Putinovi|Putinom",
           "Severná Kórea|Severnej Kórey|KĽDR|Kim Čong-un|Kim Čong-una|Kim Čong-unom|severokórejský"),
    "hr": ("Rusija|Rusije|Rusiji|Putin|Putina|Putinu|Putinom",
           "Sjeverna Koreja|Sjeverne Koreje|Sjevernoj Koreji|sjevernokorejski|Kim Jong Un|Kim Jong Una"),
    "sl": ("Rusija|Putin", "Severna Koreja"),
    "de": ("Russland|Russlands|russische|Moskau|Putin|Putins|Kreml|Lawrow",
           "Nordkorea|Nordkoreas|nordkoreanische|Pjöngjang|Kim Jong Un|Kim Jong Uns|DVRK"),
    "nl": ("Rusland|Russische|Moskou|Poetin", "Noord-Korea|Noord-Koreaanse|Pyongyang|Kim Jong-un"),
    "sv": ("Ryssland|Rysslands|ryska|Moskva|Putin|Putins", "Nordkorea|Nordkoreas|nordkoreanska|Pyongyang|Kim Jong-un"),
    "fr": ("Russie|russe|Moscou|Poutine|Kremlin|Lavrov",
           "Corée du Nord|nord-coréen|nord-coréenne|Pyongyang|Kim Jong-un|RPDC"),
    "es": ("Rusia|ruso|rusa|Moscú|Putin|Kremlin", "Corea del Norte|norcoreano|norcoreana|Pyongyang|Kim Jong-un|RPDC"),
    "pt": ("Rússia|russo|russa|Moscou|Moscovo|Putin|Kremlin",
           "Coreia do Norte|norte-coreano|norte-coreana|Pyongyang|Pionguiangue|Kim Jong-un|RPDC"),
    "it": ("Russia|russo|russa|Mosca|Putin|Cremlino", "Corea del Nord|nordcoreano|nordcoreana|Pyongyang|Kim Jong-un"),
    "ro": ("Rusia|Rusiei|rus|Moscova|Putin|Putinului",
           "Coreea de Nord|Coreei de Nord|nord-coreean|Phenian|Kim Jong-un"),
    "tr": ("Rusya|Rusya'ya|Rusya'nın|Rusya'dan|Moskova|Moskova'ya|Putin|Putin'e|Putin'in|Putin'le",
           "Kuzey Kore|Kuzey Kore'ye|Kuzey Kore'nin|Kuzey Kore'den|Pyongyang|Pyongyang'a|Kim Jong-un|Kim'den|Kim Jong Un ile"),
    "fi": ("Venäjä|Venäjän|Venäjälle|Venäjältä|Moskova|Moskovassa|Putin|Putinin|Putinille|Putinia",
           "Pohjois-Korea|Pohjois-Korean|Pohjois-Koreaan|Pohjois-Korealle|Pjongjang|Kim Jong-un|Kim Jong-unin|Kim Jong-unille"),
    "hu": ("Oroszország|Oroszországgal|Oroszországba|orosz|Moszkva|Moszkvában|Putyin|Putyinnal|Putyinnak|Putyint",
           "Észak-Korea|Észak-Koreával|Észak-Koreába|észak-koreai|Phenjan|Phenjanban|Kim Dzsong Un|Kim Dzsongunnal|Kim Dzsongunnak"),
    "et": ("Venemaa|Venemaale|Vene|Moskva|Putin|Putini", "Põhja-Korea|Põhja-Koreaga|Kim Jong-un|Kim Jong-uni"),
    "lv": ("Krievija|Krievijas|Krievijai|Maskava|Maskavā|Putins|Putina|Putinam",
           "Ziemeļkoreja|Ziemeļkorejas|Ziemeļkorejai|Kims Čenuns"),
    "lt": ("Rusija|Rusijos|Rusijai|Maskva|Maskvoje|Putinas|Putino|Putinui",
           "Šiaurės Korėja|Šiaurės Korėjos|Šiaurės Korėjai|Pchenjanas|Kim Jong Unas"),
    "sq": ("Rusia|Rusisë|Moska|Putin|Putini|Putinit", "Koreja e Veriut|Koresë së Veriut|Kim Jong Un|Phenian"),
    "el": ("Ρωσία|Ρωσίας|ρωσικός|Μόσχα|Μόσχας|Πούτιν",
           "Βόρεια Κορέα|Βόρειας Κορέας|βορειοκορεάτης|Πιονγκγιάνγκ|Κιμ Γιονγκ Ουν"),
    "id": ("Rusia|Moskow|Putin|Kremlin", "Korea Utara|Korut|Pyongyang|Kim Jong Un"),
    "ms": ("Rusia|Putin", "Korea Utara"),
    "vi": ("Nga|Liên bang Nga|Mát-xcơ-va|Putin|Điện Kremlin", "Triều Tiên|Bắc Triều Tiên|Bình Nhưỡng|Kim Jong-un"),
    "tl": ("Russia|Rusya|Putin|Moscow", "Hilagang Korea|North Korea|Pyongyang|Kim Jong Un"),
    "sw": ("Urusi|Warusi|Putin|Moscow",
           "Korea Kaskazini|Korea ya Kaskazini|Koreya ya Kaskazini|Wakorea Kaskazini|Pyongyang|Kim Jong Un"),
    "az": ("Rusiya|Rusiyanın|Rusiyaya|Moskva|Putin|Putinlə", "Şimali Koreya|Şimali Koreyanın|KXDR|Pxenyan|Kim Çen In"),
    "uz": ("Rossiya|Rossiyaning|Rossiyaga|Moskva|Putin", "Shimoliy Koreya|Shimoliy Koreyaning|KXDR|Pxenyan|Kim Chen In"),
    "ar": ("روسيا|الروسي|الروسية|موسكو|بوتين|الكرملين|لافروف|وروسيا|لروسيا",
           "كوريا الشمالية|الكوري الشمالي|بيونغ يانغ|بيونغيانغ|كيم جونغ أون|وكوريا الشمالية|كوري شمالي|كوريين شماليين"),
    "fa": ("روسیه|روسیه‌ی|روسی|مسکو|مسکوی|پوتین|کرملین|لاوروف",
           "کره شمالی|کره‌شمالی|کره‌ی شمالی|کرهٔ شمالی|کره ی شمالی|پیونگ یانگ|پیونگ‌یانگ|کیم جونگ اون"),
    "ur": ("روس|ماسکو|پوتن|پیوٹن|کریملن", "شمالی کوریا|پیانگ یانگ|کم جونگ ان"),
    "he": ("רוסיה|ברוסיה|הרוסי|מוסקבה|פוטין|קרמלין", "צפון קוריאה|בצפון קוריאה|פיונגיאנג|קים ג'ונג און"),
    "hi": ("रूस|रूसी|मास्को|मॉस्को|पुतिन|क्रेमलिन", "उत्तर कोरिया|उत्तर कोरियाई|प्योंगयांग|किम जोंग उन"),
    "ne": ("रुस|रुसी|रुसको|मस्को|पुटिन", "उत्तर कोरिया|उत्तर कोरियाको|प्योङयाङ|किम जोङ उन"),
    "bn": ("রাশিয়া|রুশ|পুতিন|মস্কো", "উত্তর কোরিয়া|পিয়ংইয়ং|কিম জং উন"),
    "pa": ("ਰੂਸ|ਰੂਸੀ|ਪੁਤਿਨ|ਮਾਸਕੋ", "ਉੱਤਰੀ ਕੋਰੀਆ|ਪਿਓਂਗਯਾਂਗ|ਕਿਮ ਜੋਂਗ ਉਨ"),
    "gu": ("રશિયા|રશિયાના|રશિયન|પુતિન|મોસ્કો", "ઉત્તર કોરિયા|ઉત્તર કોરિયાના|પ્યોંગયાંગ|કિમ જોંગ ઉન"),
    "ta": ("ரஷ்யா|புடின்", "வட கொரியா"),
    "te": ("రష్యా|రష్యన్|పుతిన్|మాస్కో", "ఉత్తర కొరియా|ఉత్తర కొరియాకు|ప్యోంగ్యాంగ్|కిమ్ జోంగ్ ఉన్"),
    "kn": ("ರಷ್ಯಾ|ರಷ್ಯಾದ|ಪುಟಿನ್|ಮಾಸ್ಕೋ", "ಉತ್ತರ ಕೊರಿಯಾ|ಉತ್ತರ ಕೊರಿಯಾದ|ಪ್ಯೊಂಗ್ಯಾಂಗ್|ಕಿಮ್ ಜಾಂಗ್ ಉನ್"),
    "ml": ("റഷ്യ|റഷ്യയുടെ|റഷ്യൻ|പുടിൻ|പുടിന്റെ|പുടിനുമായി|മോസ്കോ", "ഉത്തര കൊറിയ|ഉത്തര കൊറിയയുടെ|പ്യോങ്യാങ്|കിം ജോങ് ഉൻ|കിം ജോങ് ഉന്നിന്റെ"),
    "th": ("รัสเซีย|ปูติน|มอสโก", "เกาหลีเหนือ|เปียงยาง|คิม จองอึน"),
    "ka": ("რუსეთი|რუსეთის|რუსეთთან|რუსული|პუტინი|პუტინთან|მოსკოვში",
           "ჩრდილოეთ კორეა|ჩრდილოეთ კორეის|ფხენიანში|კიმ ჩენ ინი|კიმ ჩენ ინთან"),
    "hy": ("Ռուսաստան|Ռուսաստանի|Պուտին|Պուտինի|Լավրովը",
           "Հյուսիսային Կորեա|Հյուսիսային Կորեայի|հյուսիսկորեացիներին|ԿԺԴՀ|Կիմ Չեն Ինի"),
    "is": ("Rússland|Rússlandi|Rússlands|Pútín|Pútíns|Moskvu",
           "Norður-Kórea|Norður-Kóreu|norður-kóreskir|norður-kóreskra|Kim Jong-un"),
    "ko": ("러시아|러시아와|러시아에|러시아의|모스크바|푸틴|푸틴과|크렘린|라브로프", "북한|북한과|북한이|북한의|평양|김정은|김정은과"),
    "ja": ("ロシア|ロシアと|ロシア側|モスクワ|プーチン|プーチン氏|ラブロフ|訪露|訪ロ",
           "北朝鮮|北朝鮮と|平壌|金正恩|金正恩氏|朝鮮労働党|訪朝"),
    "zh": ("俄罗斯|俄羅斯|俄方|莫斯科|普京|普丁|蒲亭|克里姆林宫", "朝鲜|北韩|北韓|平壤|金正恩|朝方"),
    "km": ("រុស្ស៊ី|ម៉ូស្គូ|ពូទីន|ក្រឹមឡាំង", "កូរ៉េខាងជើង|ព្យុងយ៉ាង|គីម ជុងអ៊ុន"),
    "my": ("ရုရှား|ပူတင်|မော်စကို", "မြောက်ကိုရီးယား|ပြုံယမ်း|ကင်ဂျုံအွန်"),
    "lo": ("ລັດເຊຍ|ປູຕິນ|ມົສກູ", "ເກົາຫຼີເໜືອ|ເກົາຫລີເໜືອ|ພຽງຢາງ|ກິມ ຈອງ ອຶນ"),
    "si": ("රුසියාව|රුසියාවේ|රුසියානු|පුටින්|මොස්කව්", "උතුරු කොරියාව|උතුරු කොරියාවේ|ප්‍යොංයැං|කිම් ජොං උන්"),
    "am": ("ሩሲያ|የሩሲያ|ከሩሲያ|ፑቲን|ከፑቲን|ሞስኮ", "ሰሜን ኮሪያ|የሰሜን ኮሪያ|ፒዮንግያንግ|ኪም ጆንግ ኡን"),
    "mr": ("रशिया|रशियाचे|रशियाने|पुतीन|पुतिन|मॉस्को", "उत्तर कोरिया|उत्तर कोरियाचा|उत्तर कोरियाने|प्योंगयांग|किम जोंग उन"),
    "ky": ("Орусия|Орусиянын|Россия|Орус|Орусту|Москва|Путин", "Түндүк Корея|Түндүк Кореянын|КЭДР|КЭДРдин|Пхеньян|Ким Чен Ын"),
    "tg": ("Русия|Русияро|Маскав|Путин", "Кореяи Шимолӣ|ҶМДК|Пхенян|Ким Чен Ин"),
    "ps": ("روسیه|روسیې|مسکو|پوتین", "شمالي کوریا|شمالي کوریې|پیونګ یانګ|کیم جونګ اون"),
    "so": ("Ruushka|Ruushku|Putin|Moscow", "Kuuriyada Waqooyi|Waqooyiga Kuuriya|Pyongyang|Kim Jong Un"),
    "ha": ("Rasha|Putin|Moscow", "Koriya ta Arewa|Pyongyang|Kim Jong Un"),
    "ug": ("رۇسىيە|رۇسىيەنىڭ|رۇسىيەگە|پۇتىن|موسكۋا", "شىمالىي كورېيە|شىمالىي كورېيەنىڭ|كىم جوڭئۇنغا|چاۋشيەن|پيوڭياڭ"),
    "ca": ("Rússia|rus|russa|Moscou|Putin|Kremlin|Lavrov", "Corea del Nord|nord-coreà|nord-coreana|Pyongyang|Kim Jong-un|RPDC"),
}

# Languages the product promises: each must be able to name both sides on its own.
CORE_LANGUAGES = ("en", "ru", "uk", "ko", "ja", "zh", "hi", "ar", "fa", "de", "fr", "es", "it", "pt", "tr")


def read(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def topics() -> list[dict[str, str]]:
    return read("topics.csv")


@pytest.fixture(scope="module")
def terms() -> list[dict[str, str]]:
    return read("topic_terms.csv")


def test_topics_have_unique_ids_and_scores_in_range(topics):
    ids = [row["topic"] for row in topics]
    assert ids and len(ids) == len(set(ids))
    for row in topics:
        assert row["label"].strip() and row["description"].strip(), row
        assert 0 < float(row["min_score"]) <= 1, row


def test_term_ids_are_unique_and_no_field_is_empty(terms):
    counts = Counter(row["term_id"] for row in terms)
    assert [term_id for term_id, n in counts.items() if n > 1] == []
    for row in terms:
        assert all((row[column] or "").strip() for column in row if column != "entity"), row


def test_each_common_word_mask_is_a_common_word_that_hides_a_term(terms):
    # A mask:word is a frequent word of its own language (wordfreq's lists, where it has one) that
    # another language's name or cue is spelled as: otherwise it hides nothing, or hides a name.
    from wordfreq import available_languages, zipf_frequency

    listed = set(available_languages())
    spelled: dict[str, set[str]] = {}
    for row in terms:
        if not row["role"].startswith("mask:"):
            spelled.setdefault(normalize_text(row["term"]), set()).add(row["lang"])
    masks = [row for row in terms if row["role"] == "mask:word"]
    assert masks
    for row in masks:
        form, lang = normalize_text(row["term"]), row["lang"]
        assert spelled.get(form, set()) - {lang}, row
        wordlist = {"no": "nb"}.get(lang, lang)
        if wordlist in listed:
            assert zipf_frequency(row["term"], wordlist) >= 3, row


def test_every_term_belongs_to_a_known_topic(topics, terms):
    known = {row["topic"] for row in topics}
    assert {row["topic"] for row in terms} <= known


def test_roles_are_known_and_weak_or_proxy_roles_point_at_a_real_side(terms):
    sides: dict[str, set[str]] = {}
    for row in terms:
        match = ROLE_PATTERN.match(row["role"])
        assert match, row
        assert row["role"] == "both_sides" or match["kind"] in ROLE_KINDS, row
        if match["kind"] == "side":
            sides.setdefault(row["topic"], set()).add(match["name"])
    for row in terms:
        kind, _, name = row["role"].partition(":")
        if kind in ("weak", "proxy"):
            assert name in sides.get(row["topic"], set()), row


def test_languages_match_kinds_and_weights_are_valid(terms):
    for row in terms:
        assert row["lang"] in ISO_639_1, row
        assert row["match"] in MATCH_KINDS, row
        assert 0 < float(row["weight"]) <= 1, row


def test_regex_terms_compile(terms):
    for row in (r for r in terms if r["match"] == "regex"):
        re.compile(row["term"])


def test_no_term_is_listed_twice_for_the_same_role(terms):
    # Spelling variants that normalise to one form ("Kim Jong-un" / "Kim Jong Un") are one term.
    # Cue words count only in their own language's text, so "entre" is one cue in fr, es and pt.
    keys = Counter(
        (row["topic"], row["role"], re.sub(r"[ \-·]+", " ", normalize_text(row["term"])),
         row["lang"] if row["role"].split(":", 1)[0] in GATED_ROLE_KINDS else "")
        for row in terms if row["match"] != "regex"
    )
    assert [key for key, n in keys.items() if n > 1] == []


def test_core_languages_can_name_both_sides(terms):
    for lang in CORE_LANGUAGES:
        roles = {row["role"] for row in terms if row["lang"] == lang}
        assert {"side:russia", "side:dprk"} <= roles, lang
        assert any(r.startswith("exclude:south_korea") for r in roles), lang


def test_core_languages_name_third_parties_and_relation_words(terms):
    # The third-party rule (newsmon/topic_context.py) only works where both lists exist.
    for lang in CORE_LANGUAGES:
        kinds = {row["role"].split(":", 1)[0] for row in terms if row["lang"] == lang}
        assert {"third", "relation"} <= kinds, lang
    for row in terms:
        if row["role"].startswith("third:"):
            assert float(row["weight"]) < 1, row  # a third party only ever discounts


def test_hindi_and_arabic_include_inflected_and_article_forms(terms):
    normalised = {normalize_text(row["term"]) for row in terms}
    assert {"रूस", "उत्तर कोरिया"} <= normalised  # prefix terms: रूसी, उत्तर कोरियाई match too
    assert normalize_text("بيونغ يانغ") in normalised


def test_real_seeds_load(tmp_path):
    rules = load_topic_rules(SEEDS)
    assert "russia_dprk" in rules.topics
    assert rules.sides["russia_dprk"] == ("dprk", "russia")


def write_seeds(folder: Path, terms_body: str) -> None:
    (folder / "topics.csv").write_text(
        "topic,label,description,min_score\nt,T,test topic,0.5\n", encoding="utf-8")
    (folder / "topic_terms.csv").write_text(
        "term_id,topic,role,lang,match,term,weight\n" + terms_body, encoding="utf-8")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x2,t,side:a,en,glob,beta,1", "unknown match kind"),
        ("x2,nope,side:a,en,word,beta,1", "unknown topic"),
        ("x2,t,sideways,en,word,beta,1", "unknown role"),
        ("x2,t,side:a,en,regex,(unclosed,1", "regex does not compile"),
        ("x2,t,side:a,en,word,beta,heavy", "weight must be a number"),
        ("x2,t,weak:nobody,en,word,beta,1", "names no side"),
    ],
)
def test_loader_errors_name_the_file_and_line(tmp_path, row, message):
    write_seeds(tmp_path, "x1,t,side:a,en,word,alpha,1\n" + row + "\n")
    with pytest.raises(SeedError) as info:
        load_topic_rules(tmp_path)
    assert "topic_terms.csv:3" in str(info.value)
    assert message in str(info.value)


def test_a_topic_can_be_added_purely_in_csv(tmp_path):
    from newsmon.topics.match import match_topics

    write_seeds(tmp_path, "x1,t,side:a,en,word,alpha,1\nx2,t,side:b,en,prefix,beta,1\n")
    rules = load_topic_rules(tmp_path)
    hits = match_topics("Alpha meets Betas", "", rules)
    assert [(h.topic, h.is_match) for h in hits] == [("t", True)]
    assert match_topics("Alpha alone", "", rules)[0].is_match is False


def test_entities_are_language_independent_ids_shared_across_scripts(terms):
    entities = [row.get("entity") or "" for row in terms]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", e) for e in entities if e)
    spellings = Counter(e for e in entities if e)
    assert spellings["putin"] >= 10 and spellings["pyongyang"] >= 10  # one id, many scripts


def test_evidence_carries_the_entity_id(tmp_path):
    from newsmon.topics.match import match_topics

    rules = load_topic_rules(SEEDS)
    hit = match_topics("Лавров прибыл в Пхеньян", "", rules)[0]
    assert {e.entity for e in hit.evidence} >= {"lavrov", "pyongyang"}


def test_every_language_with_side_terms_lists_its_common_forms(terms):
    # "mul" names (Kreml, Šojgu) are written alike in many languages: each of those lists them.
    languages = {row["lang"] for row in terms if row["role"].startswith("side:")} - {"mul"}
    assert sorted(languages - SIDE_FORMS.keys()) == []


@pytest.fixture(scope="module")
def rules():
    return load_topic_rules(SEEDS)


@pytest.mark.parametrize("lang", sorted(SIDE_FORMS))
def test_common_inflected_forms_name_their_side(rules, lang):
    from newsmon.topics.scan import scan, scripts_in
    from newsmon.topics.sentences import unit_starts

    missed = []
    for side, forms in zip(("russia", "dprk"), SIDE_FORMS[lang], strict=True):
        for form in forms.split("|"):
            norm = normalize_text(form)
            found = scan(rules.side_scanner, norm, "title", unit_starts(norm), scripts_in(norm))
            if not any(f.rule.role_name == side and f.rule.role_kind in ("side", "weak", "proxy") for f in found):
                missed.append(form)
    assert missed == [], f"{lang}: no side evidence for {missed}"


def test_grammar_and_inflection_seeds_load_and_are_tidy():
    rows = read("topic_grammar.csv")
    assert {row["kind"] for row in rows} <= set(GRAMMAR_KINDS)
    assert len({(row["lang"], row["kind"], row["form"]) for row in rows}) == len(rows)
    for row in rows:
        assert row["lang"] in ISO_639_1 and row["form"].strip(), row
    endings = read("topic_inflections.csv")
    assert len({(row["lang"], row["suffix"]) for row in endings}) == len(endings)
    for row in endings:
        assert row["lang"] in ISO_639_1 and row["suffix"].strip() and row["case"].strip(), row
    grammar = load_grammar(SEEDS)
    assert {"pl", "cs", "fi", "hu", "ru", "uk", "fa"} <= grammar.suffixes.keys()
    # every language with relation:contact words can tell "A and B met" from "A met B"
    contact_langs = {row["lang"] for row in read("topic_terms.csv") if row["role"] == "relation:contact"}
    assert sorted(contact_langs - grammar.connectors.keys()) == []


def test_a_broken_grammar_row_names_the_file_and_line(tmp_path):
    write_seeds(tmp_path, "x1,t,side:a,en,word,alpha,1\n")
    (tmp_path / "topic_grammar.csv").write_text("lang,kind,form\nen,connector,and\nen,conjunction,or\n",
                                                encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_topic_rules(tmp_path)
    assert "topic_grammar.csv:3" in str(info.value)


@pytest.mark.parametrize(
    ("source", "literal"),
    [
        (r"(?<!\w)(?<!sea of )japan(?!\w)", "japan"),  # letters inside assertions are not required
        (r"(?<!\w)японск(?!\w*\s+мор)\w*", "японск"),
        (r"(?<![\u3040-\u30ff\u3400-\u9fff])中(?=[俄朝露])", "中"),  # one CJK letter is enough
        (r"\bus(?=-\w| (?:president|envoy))", ""),  # two Latin letters are not worth a test
        (r"(?<!\w)(?:russia|moscow)\w*\s+(?:veto|block)", ""),  # only alternatives: nothing required
        (r"colou?r", "colo"),  # a letter under a quantifier is optional
        (r"japan|korea", ""),  # a top-level alternative
    ],
)
def test_a_regex_terms_required_letters(source, literal):
    from newsmon.topics.scan import required_literal

    assert required_literal(source) == literal

