"""The key people and places of both sides as each language's news writes them.

Each spelling is read by the side and context scanners alone (no sentence rules), so a failure
names a missing or broken seed row, not a grammar rule. The headlines are our own sentences: in each,
the names that make the meeting are ones spelled the way that language writes them.
"""

from __future__ import annotations

import pytest
from conftest import topic_match

from newsmon.topics.match import normalize_text
from newsmon.topics.scan import scan, scripts_in
from newsmon.topics.sentences import unit_starts

R, D, P = "side:russia", "side:dprk", "proxy:russia"


def _roles(rules, text: str) -> set[str]:
    norm = normalize_text(text)
    return {f.rule.role for scanner in (rules.side_scanner, rules.context_scanner)
            for f in scan(scanner, norm, "title", unit_starts(norm), scripts_in(norm))}


# (language, spelling, role): nominative and the common case forms of languages with cases.
ADDED = [
    # Valentina Matviyenko (Federation Council) and Ri Il Hwan (WPK secretary) had no rows at all.
    ("en", "Valentina Matviyenko", R), ("en", "Ri Il Hwan", D), ("fr", "Ri Il-hwan", D),
    ("fr", "Matvienko", R), ("de", "Matwijenko", R), ("pl", "Matwijenko", R), ("cs", "Matvijenková", R),
    ("cs", "Matvijenkové", R), ("fi", "Matvijenkon", R), ("ru", "Матвиенко", R), ("ru", "Валентины Матвиенко", R),
    ("ru", "Ри Иль Хван", D), ("ru", "Ли Иль Хвана", D), ("uk", "Рі Ір Хван", D),
    ("uk", "Валентина Матвієнко", R), ("be", "Мацвіенка", R), ("el", "Ματβιγιένκο", R),
    ("ka", "მატვიენკო", R), ("hy", "Մատվիենկո", R), ("ar", "ماتفيينكو", R), ("fa", "ماتوینکو", R),
    ("ar", "ري إيل هوان", D), ("zh", "马特维延科", R), ("zh", "李日焕", D), ("zh", "李日煥", D),
    ("ja", "マトビエンコ", R), ("ja", "リ・イルファン", D), ("ko", "마트비엔코", R), ("ko", "리일환", D),
    ("ca", "Matviienko", R),
    # Transcriptions of Russian names in each language's own system.
    ("de", "Belousow", R), ("de", "Wolodin", R), ("de", "Koslow", R), ("de", "Chassan", P),
    ("fr", "Khassan", P), ("es", "Zajárova", R), ("nl", "Sjojgoe", R), ("nl", "Beloesov", R),
    ("nl", "Zacharova", R), ("sv", "Sjojgu", R), ("no", "Sjojgu", R), ("fi", "Šoigu", R),
    ("fi", "Šoigun", R), ("fi", "Zaharovan", R), ("lt", "Šoigu", R), ("lv", "Zaharova", R),
    ("et", "Zahharova", R), ("ro", "Şoigu", R), ("hr", "Zaharova", R),
    ("pl", "Biełousow", R), ("pl", "Biełousowa", R), ("pl", "Miedwiediew", R), ("pl", "Miedwiediewem", R),
    ("pl", "Zacharowa", R), ("pl", "Zacharowej", R), ("pl", "Wołodin", R), ("pl", "Wołodina", R),
    ("pl", "Kozłow", R), ("pl", "Chasan", P),
    ("cs", "Zacharovová", R), ("sk", "Zacharovovej", R), ("sk", "Kremeľ", R), ("sl", "Medvedjev", R),
    ("sl", "Kremelj", R),
    ("hu", "Belouszov", R), ("hu", "Peszkov", R), ("hu", "Peszkovval", R), ("hu", "Medvegyev", R),
    ("hu", "Medvegyevvel", R), ("hu", "Zaharovával", R), ("hu", "Vologyin", R),
    ("hu", "Vlagyivosztokban", R), ("ro", "Moscovei", R),
    ("uk", "Володін", R), ("uk", "Володіна", R), ("uk", "Владивостоці", R),
    ("be", "Лаўрова", R), ("be", "Белавусава", R), ("be", "Пяскоў", R), ("be", "Пяскова", R),
    ("be", "Мядзведзеў", R), ("be", "Мядзведзева", R), ("be", "Захаравай", R), ("be", "Валодзін", R),
    ("be", "Казлоў", R), ("be", "Крамля", R), ("be", "Уладзівасток", R),
    ("el", "Σοϊγκού", R), ("el", "Μπελούσοφ", R), ("el", "Πεσκόφ", R), ("el", "Μεντβέντεφ", R),
    ("el", "Ζαχάροβα", R), ("el", "Βολόντιν", R), ("el", "Κοζλόφ", R), ("el", "Βλαδιβοστόκ", R),
    ("az", "Şoyqu", R), ("az", "Zaxarova", R), ("uz", "Shoygu", R), ("sq", "Shojgu", R),
    ("ka", "პესკოვი", R), ("ka", "მედვედევის", R), ("ka", "ზახაროვა", R), ("ka", "ვოლოდინი", R),
    ("ka", "კოზლოვი", R), ("ka", "ვლადივოსტოკში", R),
    ("hy", "Պեսկովը", R), ("hy", "Մեդվեդևը", R), ("hy", "Զախարովան", R), ("hy", "Վոլոդին", R),
    ("hy", "Կոզլով", R), ("hy", "Վլադիվոստոկում", R),
    ("ar", "فولودين", R), ("ar", "كوزلوف", R), ("ar", "خاسان", P),
    ("fa", "پسکوف", R), ("fa", "مدودف", R), ("fa", "زاخارووا", R), ("fa", "ولودین", R),
    ("fa", "ولادی‌وستوک", R), ("fa", "ولادی وستوک", R),
    ("ur", "شوئیگو", R), ("ur", "پیسکوف", R), ("ur", "میدویدیف", R), ("ur", "لاروف", R),
    ("he", "שויגו", R), ("he", "בלאוסוב", R), ("he", "פסקוב", R), ("he", "מדבדב", R), ("he", "זכרובה", R),
    ("he", "וולודין", R), ("he", "קוזלוב", R), ("he", "ולדיווסטוק", R), ("he", "בוולדיווסטוק", R),
    ("hi", "ज़खारोवा", R), ("hi", "वोलोदिन", R), ("hi", "कोज़लोव", R), ("mr", "झाखारोवा", R),
    ("mr", "कोझलोव्ह", R), ("bn", "শোইগু", R), ("bn", "বেলোউসভ", R), ("bn", "পেসকভ", R),
    ("bn", "মেদভেদেভ", R), ("bn", "জাখারোভা", R),
    ("ta", "லாவ்ரோவ்", R), ("ta", "ஷோய்கு", R), ("ta", "பெஸ்கோவ்", R), ("ta", "கிரெம்ளின்", R),
    ("ta", "விளாடிவோஸ்டாக்", R), ("te", "పెస్కోవ్", R), ("te", "మెద్వెదేవ్", R),
    ("th", "เปสคอฟ", R), ("th", "เมดเวเดฟ", R), ("th", "ซาคาโรวา", R), ("th", "วลาดีวอสตอค", R),
    ("th", "วลาดิวอสต็อก", R),
    ("zh", "沃洛金", R), ("zh", "科茲洛夫", R), ("ja", "ボロジン", R), ("ko", "볼로딘", R),
    # Russians, in the languages whose plural no row had.
    ("sv", "ryssarna", R), ("da", "russiske", R), ("da", "russerne", R), ("no", "russere", R),
    ("cs", "Rusové", R), ("sk", "Rusov", R), ("ro", "ruşii", R), ("ro", "rușii", R), ("tr", "Ruslar", R),
    ("tr", "Rusların", R), ("az", "ruslar", R), ("et", "venelased", R), ("et", "venelaste", R),
    ("bg", "руснаците", R), ("mk", "Русите", R), ("mn", "оросууд", R), ("ka", "რუსები", R),
    ("hy", "ռուսները", R), ("fa", "روس‌ها", R),
    # The DPRK side: Kim Yo Jong, Choe Son Hui, ministers and places.
    ("pl", "Kim Jo Dzong", D), ("cs", "Kim Jo-čong", D), ("sk", "Kim Jo-čong", D), ("hr", "Kim Jo Džong", D),
    ("sr", "Ким Јо Џонг", D), ("mk", "Ким Јо Џонг", D), ("bg", "Ким Йо Чжон", D), ("bg", "Ким Йо Джонг", D),
    ("be", "Кім Ё Чжон", D), ("hu", "Kim Jo Dzsonggal", D), ("el", "Κιμ Γιο Γιονγκ", D),
    ("hy", "Կիմ Յո Ջոնգ", D), ("fa", "کیم یو جونگ", D), ("ur", "کم یو جونگ", D), ("he", "קים יו ג'ונג", D),
    ("bn", "কিম ইয়ো জং", D), ("ta", "கிம் யோ ஜாங்", D), ("te", "కిమ్ యో జోంగ్", D), ("ne", "किम यो जोङ", D),
    ("th", "คิม โย จอง", D), ("th", "คิมโยจอง", D),
    ("sr", "Чое Сон Хуи", D), ("bg", "Чое Сон Хуи", D), ("hu", "Cshö Szon Hi", D), ("el", "Τσόε Σον Χούι", D),
    ("ur", "چو سون ہوئی", D), ("ta", "கிம் ஜாங் யுன்", D), ("sr", "Цој Сон Хи", D), ("uk", "Чое Сон-хуй", D),
    ("th", "โช ซอน-ฮุย", D), ("sr", "Демократску Народну Републику Кореју", D),
    ("lt", "Kim Čen Unas", D), ("lv", "Kims Čenuns", D), ("lv", "Kima Čenuna", D),
    ("cs", "Pak Thä-song", D), ("cs", "No Kwang-čchol", D), ("sk", "No Kwang-čchol", D),
    ("ar", "باك تاي سونغ", D), ("ar", "نو كوانغ تشول", D), ("ja", "ノ・グァンチョル", D),
    ("hu", "Vonszan", D), ("hu", "Vonszanban", D), ("lt", "Vonsanas", D), ("lv", "Vonsanā", D),
    ("az", "Vonsan", D), ("el", "Γουονσάν", D), ("ka", "ვონსანი", D), ("hy", "Վոնսան", D),
    ("he", "וונסאן", D), ("th", "วอนซาน", D), ("hu", "Raszon", D), ("ar", "راسون", D), ("lv", "Tumangana", D),
    ("uz", "Tumangan", D),
    # North Korean(s) and the state's full name and abbreviation.
    ("pl", "Koreańczycy z Północy", D), ("bn", "উত্তর কোরীয়", D), ("mr", "उत्तर कोरियन", D),
    ("te", "ఉత్తర కొరియన్లు", D), ("sq", "verikoreane", D),
    ("hr", "DNRK", D), ("sl", "DLRK", D), ("lv", "KTDR", D), ("et", "KRDV", D), ("hu", "KNDK", D),
    ("el", "ΛΔΚ", D), ("tr", "KDHC", D), ("id", "RRDK", D), ("sq", "RPDK", D),
    ("nl", "Democratische Volksrepubliek Korea", D), ("sv", "Demokratiska folkrepubliken Korea", D),
    ("da", "Den Demokratiske Folkerepublik Korea", D), ("no", "Den demokratiske folkerepublikken Korea", D),
    ("fi", "Korean demokraattinen kansantasavalta", D), ("fi", "Korean demokraattisen kansantasavallan", D),
    ("pl", "Koreańskiej Republiki Ludowo-Demokratycznej", D),
    ("cs", "Korejské lidově demokratické republiky", D), ("sk", "Kórejskej ľudovodemokratickej republiky", D),
    ("hr", "Demokratske Narodne Republike Koreje", D), ("sr", "Демократска Народна Република Кореја", D),
    ("mk", "Демократска Народна Република Кореја", D), ("sl", "Demokratična ljudska republika Koreja", D),
    ("bg", "Корейската народнодемократична република", D), ("be", "Карэйскай Народна-Дэмакратычнай Рэспублікі", D),
    ("lt", "Korėjos Liaudies Demokratinės Respublikos", D), ("lv", "Korejas Tautas Demokrātiskās Republikas", D),
    ("et", "Korea Rahvademokraatlik Vabariik", D), ("hu", "Koreai Népi Demokratikus Köztársaság", D),
    ("ro", "Republica Populară Democrată Coreeană", D), ("el", "Λαοκρατική Δημοκρατία της Κορέας", D),
    ("tr", "Kore Demokratik Halk Cumhuriyeti", D), ("az", "Koreya Xalq Demokratik Respublikası", D),
    ("uz", "Koreya Xalq Demokratik Respublikasi", D), ("kk", "Корея Халықтық Демократиялық Республикасы", D),
    ("ka", "კორეის სახალხო დემოკრატიული რესპუბლიკა", D),
    ("hy", "Կորեայի Ժողովրդա-դեմոկրատական Հանրապետություն", D),
    ("ar", "جمهورية كوريا الشعبية الديمقراطية", D), ("fa", "جمهوری دموکراتیک خلق کره", D),
    ("he", "הרפובליקה העממית הדמוקרטית של קוריאה", D), ("hi", "डेमोक्रेटिक पीपुल्स रिपब्लिक ऑफ कोरिया", D),
    ("bn", "গণতান্ত্রিক গণপ্রজাতন্ত্রী কোরিয়া", D), ("ta", "கொரிய ஜனநாயக மக்கள் குடியரசு", D),
    ("id", "Republik Rakyat Demokratik Korea", D), ("ms", "Republik Demokratik Rakyat Korea", D),
    ("th", "สาธารณรัฐประชาธิปไตยประชาชนเกาหลี", D), ("mn", "Бүгд Найрамдах Ардчилсан Солонгос Ард Улс", D),
    ("sq", "Republika Popullore Demokratike e Koresë", D), ("sw", "Jamhuri ya Watu wa Kidemokrasia ya Korea", D),
]

# A sample of spellings that rows had before these were added: they must keep working.
ALREADY = [
    ("en", "Kim Yo Jong", D), ("en", "Choe Son Hui", D), ("en", "Pak Thae Song", D), ("en", "No Kwang Chol", D),
    ("en", "Tumangang", D), ("en", "Khasan", P), ("de", "Lawrows", R), ("de", "Sacharowa", R),
    ("fr", "Choïgou", R), ("fr", "Belooussov", R), ("it", "Cremlino", R), ("pl", "Szojgu", R),
    ("pl", "Władywostoku", R), ("pl", "Czoe Son Hui", D), ("cs", "Čchö Son-hui", D), ("cs", "Šojgu", R),
    ("ru", "Цой Сон Хи", D), ("ru", "Ким Ё Чжон", D), ("ru", "Пак Тхэ Сон", D), ("ru", "Но Гван Чхоль", D),
    ("ru", "Вонсане", D), ("ru", "Расон", D), ("ru", "Хасан", P), ("uk", "Пєсков", R), ("uk", "Кім Йо Чжон", D),
    ("be", "Чой Сон Хі", D), ("hu", "Putyinnal", R), ("hu", "Kim Dzsong Unnal", D),
    ("ar", "تشوي سون هوي", D), ("ar", "كيم يو جونغ", D), ("ar", "وونسان", D), ("hi", "वोनसान", D),
    ("zh", "崔善姬", D), ("zh", "朴泰成", D), ("zh", "卢光哲", D), ("zh", "罗先", D), ("ja", "元山", D),
    ("ko", "김여정", D), ("ko", "노광철", D), ("ko", "라선", D), ("ko", "두만강역", D), ("ko", "하산", P),
    ("vi", "Bình Nhưỡng", D), ("vi", "Điện Kremlin", R), ("id", "Moskow", R), ("tr", "Şoygu", R),
]


@pytest.mark.parametrize(("lang", "spelling", "role"), ADDED + ALREADY)
def test_each_language_spelling_names_its_side(rules, lang, spelling, role):
    assert role in _roles(rules, spelling), f"{lang}: {spelling!r}"


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        # Our own headlines: a meeting or talks whose two sides are named only by the spellings above.
        ("pl", "Miedwiediew rozmawiał z Kim Jo Dzong o współpracy"),
        ("hu", "Medvegyev tárgyalt Kim Jo Dzsonggal"),
        ("hu", "Belouszov a KNDK védelmi miniszterével tárgyalt"),
        ("el", "Ο Μεντβέντεφ συναντήθηκε με την Κιμ Γιο Γιονγκ"),
        ("ru", "Матвиенко провела переговоры с Ри Иль Хваном"),
        ("zh", "沃洛金会见李日焕"),
        ("ko", "볼로딘, 리일환과 회담"),
        ("ja", "マトビエンコ議長、ノ・グァンチョル国防相と会談"),
        ("tr", "Matviyenko, KDHC heyetiyle görüştü"),
        ("ar", "فولودين يلتقي باك تاي سونغ"),
        ("cs", "Zacharovová: Volodin se setká s Pak Thä-songem"),
        ("uk", "Володін провів переговори з делегацією КНДР"),
        ("lv", "Kims Čenuns tikās ar Matvijenko"),
        ("fa", "ولودین با هیئت جمهوری دموکراتیک خلق کره دیدار کرد"),
        ("be", "Мядзведзеў сустрэўся з Кім Ё Чжон"),
        ("sv", "Sjojgu träffade Nordkoreas utrikesminister"),
        ("hy", "Վոլոդինը հանդիպել է Կիմ Յո Ջոնգի հետ"),
        ("he", "מדבדב נפגש עם קים יו ג'ונג"),
        ("th", "เมดเวเดฟ พบ คิม โย จอง"),
        ("bn", "মেদভেদেভ কিম ইয়ো জং-এর সঙ্গে বৈঠক করেছেন"),
        ("nl", "Sjojgoe ontmoet Noord-Koreaanse minister"),
        ("et", "Šoigu kohtus KRDV delegatsiooniga"),
        ("sq", "Shojgu takon ministrin verikorean"),
        ("mk", "Русите и Пјонгјанг потпишаа договор за соработка"),
        ("sr", "Володин се састао са Цој Сон Хи"),
        ("th", "เปสคอฟ: ปูตินจะพบ โช ซอน ฮุย"),
    ],
)
def test_a_meeting_named_in_each_languages_spelling_matches(rules, lang, title):
    assert topic_match(title, rules, lang=lang)


def test_a_common_word_that_spells_a_name_elsewhere_names_nothing_in_its_own_language(rules):
    # Macedonian "Русите" is "the Russians"; Bulgarian "русите" is "the fair-haired" (a mask:word row):
    # fair-haired models visiting Pyongyang is no Russia-DPRK story.
    assert not topic_match("Русите манекенки посетиха Пхенян за фестивал", rules, lang="bg")
    assert topic_match("Русите манекенки посетиха Пхенян за фестивал", rules, lang="mk")


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        # "Kim" alone, in the scripts whose headlines write him so, is a weak name of the DPRK side:
        # enough beside a full name of Russia's side and a relation word.
        ("ru", "Путин и Ким обсудили сотрудничество"),
        ("ru", "Ким направил Путину поздравление с Днём Победы"),
        ("bg", "Путин и Ким подписаха споразумение"),
        ("el", "Πούτιν και Κιμ υπέγραψαν συμφωνία"),
        ("he", "קים שלח מכתב לפוטין"),
        ("ja", "金総書記、プーチン大統領に祝電"),
        ("bn", "পুতিন ও কিম বৈঠক করেছেন"),
        ("ka", "პუტინი და კიმ შეხვდნენ"),
    ],
)
def test_kim_alone_is_a_weak_name_of_the_dprk(rules, lang, title):
    assert topic_match(title, rules, lang=lang)


def test_kim_alone_beside_south_korea_names_nobody(rules):
    # A weak name is no evidence in a sentence that names South Korea (unless joined to the other side).
    assert not topic_match("Южная Корея: Ким Ён Хён провёл совещание, Путин прокомментировал", rules, lang="ru")


@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        # Red Square is Moscow's; sappers and military builders are troops; Turkish "Şi" is Xi.
        ("en", "North Korean soldiers march on Red Square", True),
        ("ko", "북한군, 붉은광장 열병식 첫 참가", True),
        ("en", "North Korean sappers clear mines in Kursk region", True),
        ("ru", "Северокорейские саперы разминируют Курскую область", True),
        ("ko", "북한 공병, 쿠르스크 지뢰 제거 작업", True),
        ("tr", "Putin, Kim ve Şi yan yana", False),
        ("en", "Putin and Xi on Red Square", False),
    ],
)
def test_places_troops_and_short_names_of_2025(rules, lang, title, expected):
    assert topic_match(title, rules, lang=lang) is expected


@pytest.mark.parametrize(
    ("lang", "text", "role"),
    [
        # A name whose stem ends in a virama drops it before a vowel ending: Tamil "புடின்" (Putin)
        # is "புடினுடன்" with Putin and "புடினுக்கு" to Putin; Malayalam writes the final consonant as
        # a chillu ("പുടിൻ") or with a virama ("പുടിന്"), and "പുടിനുമായി" with Putin.
        ("ta", "புடினுடன்", R),
        ("ta", "புடினுக்கு", R),
        ("ta", "பியாங்யாங்கை", D),
        ("ml", "പുടിനുമായി", R),
        ("ml", "പുടിന്", R),
        ("ml", "പുടിൻ", R),
        ("te", "పుతినే", R),
    ],
)
def test_a_stem_ending_in_a_virama_takes_vowel_endings(rules, lang, text, role):
    assert role in _roles(rules, text)


def test_a_cue_word_keeps_its_virama(rules):
    # Only names lose a final virama: Malayalam "കത്ത്" (letter) as the stem "കത്ത" would read
    # "കത്തി" (knife) as a letter between the two sides.
    assert _roles(rules, "കത്തി") == set()
    assert "relation:contact" in _roles(rules, "കത്ത്")


def test_hungarian_comitative_doubles_the_last_consonant(rules):
    # -val/-vel takes the sound of the consonant before it: Kimmel, Csin-pinggel (not only Putyinnal).
    assert "third:china" in _roles(rules, "Hszi Csin-pinggel")
    assert "weak:dprk" in _roles(rules, "Kimmel")
    assert not topic_match("Putyin Hszi Csin-pinggel tárgyalt, Észak-Korea rakétát lőtt ki", rules, lang="hu")
