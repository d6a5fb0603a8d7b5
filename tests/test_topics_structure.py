"""Relation structure on the real seeds, second round of issue #22: sources of a report, venues,
list heads, counterparts marked by a connector or a case ending, and the contact words and
third-party names each language needs. Sentences are written for these tests (general forms,
one per rule and language family), not taken from a dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.topics.languages import _fits_language
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics
from newsmon.topics.scan import scan, scripts_in
from newsmon.topics.sentences import unit_starts
from newsmon.topics.textnorm import normalize_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topic_rules(ROOT / "seeds")


def is_match(title: str, rules: TopicRules, text: str = "") -> bool:
    return any(h.topic == "russia_dprk" and h.is_match for h in match_topics(title, text, rules))


# A third party that only reports (the source) is no party: the sides' relation holds.
@pytest.mark.parametrize("title", [
    "US says North Korea is sending artillery shells to Russia",
    "According to Japan, North Korean soldiers are fighting alongside Russian troops",
    "Госдеп заявил, что КНДР поставляет России ракеты",
    "美国称朝鲜向俄罗斯提供弹药",
    "ABD'ye göre Kuzey Kore Rusya'ya asker gönderdi",
    "Selon Washington, la Corée du Nord livre des obus à la Russie",
    "अमेरिका का दावा: रूस को हथियार भेज रहा है उत्तर कोरिया",
])
def test_the_source_of_a_report_is_no_party(rules, title):
    assert is_match(title, rules)


# ... but a source that speaks of its own acts, or names the sides with no relation, is.
@pytest.mark.parametrize("title", [
    "Trump says he will call Putin on Ukraine and may meet Kim",
    "Trump: Putin'le Ukrayna'yı konuşacağım, Kim Jong Un ile de görüşebilirim",
    "Trump says Kim and Putin are both people he gets along with",
    "US says it will sanction Russia and North Korea",
])
def test_a_source_that_acts_itself_is_still_a_party(rules, title):
    assert not is_match(title, rules)


# A contact reported next to another relation word keeps its own counterpart.
@pytest.mark.parametrize("title", [
    "Ким Чен Ын направил Путину письмо после встречи с Трампом",
    "Путин рассказал Ким Чен Ыну о переговорах с Трампом на Аляске",
    "After Alaska summit with Trump, Putin calls Kim Jong Un",
    "Putin, Trump ile görüşmesinin ardından Kim Jong Un ile telefonda görüştü",
    "プーチン氏、トランプ氏との会談結果を金正恩氏に説明",
    "पुतिन ने ट्रंप से मुलाकात के बाद किम जोंग उन से फोन पर बात की",
    "푸틴 \"트럼프와 회담 결과 김정은에게 설명\"",
    "Putin's Beijing meeting with Kim",
    "Kim Jong Un travels to Beijing by train, meets Putin",
])
def test_a_contact_after_a_third_partys_meeting_relates_the_sides(rules, title):
    assert is_match(title, rules)


# Verb-final headline topics, list heads and venues.
@pytest.mark.parametrize("title, expected", [
    ("김정은, 푸틴과 베이징서 정상회담", True),
    ("최선희, 모스크바서 라브로프와 회담", True),
    ("김정은, 베이징서 中·러 정상 연쇄 회담", True),
    ("金正恩氏、北京で中ロ首脳と相次ぎ会談", True),
    ("俄朝首脑北京会晤", True),
    ("시진핑, 베이징서 북·러 정상 연쇄 회담", False),
    ("習近平氏、北京で露朝首脳と相次ぎ会談", False),
    ("김정은, 시진핑·푸틴과 잇따라 회담", True),
    ("시진핑, 김정은·푸틴과 잇따라 회담", False),
    ("트럼프 \"김정은 만날 것\"…푸틴과는 통화", False),
    ("米財務省、露朝の武器取引に関与した企業に制裁", True),
])
def test_headline_topics_lists_and_venues(rules, title, expected):
    assert is_match(title, rules) is expected


# A name in the instrumental/comitative is a counterpart; Czech reflexive "se" joins nothing.
@pytest.mark.parametrize("title, expected", [
    ("Hszi Csin-ping Kim Dzsong Unnal tárgyalt Pekingben, Putyin is jelen volt", False),
    ("Putin se v Pekingu setkal s Kim Čong-unem", True),
    ("Si Ťin-pching se v Pekingu setkal s Kim Čong-unem, Putin přihlížel", False),
    ("Putyin Pekingben találkozott Kim Dzsong Unnal", True),
])
def test_case_endings_mark_counterparts(rules, title, expected):
    assert is_match(title, rules) is expected


def test_a_relation_word_inside_a_name_is_no_relation(rules):
    # "Lavoratori" (workers) in the Workers' Party's name, with Russia only in a later sentence
    # beside a third party.
    title = "Il Partito dei Lavoratori della RPDC celebra l'anniversario"
    text = "Alla parata c'erano il Vietnam con To Lam e la Russia."
    assert not is_match(title, rules, text)


def test_a_french_cue_does_not_hide_the_english_one(rules):
    # "visite" (fr) is longer than "visit" (en): the longest term wins per language.
    found = scan(rules.context_scanner, "visited", "title", [0], scripts_in("visited"))
    assert {f.rule.lang for f in found if f.rule.role_kind == "relation"} >= {"en", "fr"}


# The forms of "meet / talks / call / letter / message / visit / delegation / treaty" a headline
# uses, per language with relation:contact words ("|" between forms).
CONTACT_FORMS = {
    "en": "meet|meets|met|meeting|talks|summit|phone call|phoned|letter|message|greetings|visit|visited|"
          "delegation|treaty|deal|briefed|told",
    "ru": "встретился|встретились|встреча|переговоры|саммит|телефонный разговор|письмо|послание|поздравил|"
          "визит|посетил|делегация|договор|соглашение|рассказал|проинформировал",
    "uk": "зустрівся|зустріч|переговори|саміт|розмова|лист|послання|привітав|візит|відвідав|делегація|договір|угода",
    "pl": "spotkał się|spotkanie|rozmowy|szczyt|rozmowa telefoniczna|list|listu|wiadomość|wizyta|odwiedził|delegacja|traktat|umowa",
    "cs": "setkal|setkání|jednání|jednali|telefonát|dopis|dopisu|poselství|návštěva|navštívil|delegace|smlouva|dohoda",
    "sk": "stretol|stretli|stretnutie|rokovania|rokovali|telefonát|list|listu|posolstvo|návšteva|delegácia|zmluva|dohoda",
    "bg": "срещна|среща|разговори|преговори|писмо|послание|посещение|посети|делегация|договор|споразумение",
    "sr": "састао|састали|састанак|сусрет|разговори|писмо|поруку|посета|делегација|споразум|уговор",
    "hr": "sastao|sastali|sastanak|susret|razgovori|pismo|poruku|posjet|delegacija|sporazum|ugovor",
    "de": "trifft|traf|Treffen|Gespräche|Gipfel|Telefonat|Brief|Glückwünsche|Besuch|Delegation|Vertrag|Abkommen",
    "nl": "ontmoet|ontmoeting|gesprekken|telefoongesprek|brief|bericht|bezoek|delegatie|verdrag|akkoord",
    "sv": "träffar|träffade|möte|samtal|toppmöte|telefonsamtal|brev|budskap|besök|delegation|avtal|fördrag",
    "fr": "rencontre|rencontrent|entretien|pourparlers|sommet|appel|lettre|message|visite|délégation|traité|accord",
    "es": "reúne|reúnen|reunión|se reunieron|encuentro|conversaciones|cumbre|llamada|carta|mensaje|visita|delegación|tratado|acuerdo",
    "pt": "reúne|reúnem|reunião|encontro|conversas|cúpula|cimeira|telefonema|carta|mensagem|visita|delegação|tratado|acordo",
    "it": "incontra|incontro|colloqui|vertice|telefonata|lettera|messaggio|visita|delegazione|trattato|accordo",
    "ro": "întâlnire|s-a întâlnit|discuții|convorbire telefonică|scrisoare|mesaj|vizită|delegație|tratat|acord",
    "tr": "görüştü|görüşme|zirve|telefon görüşmesi|mektup|mesaj|tebrik|ziyaret|heyet|antlaşma|anlaşma",
    "fi": "tapasi|tapaaminen|neuvottelut|huippukokous|puhelu|kirje|viesti|vierailu|valtuuskunta|sopimus",
    "hu": "találkozott|találkozó|tárgyalások|csúcstalálkozó|levél|üzenet|látogatás|küldöttség|szerződés|megállapodás",
    "el": "συνάντηση|συναντήθηκαν|συνομιλίες|σύνοδος|επιστολή|μήνυμα|επίσκεψη|αντιπροσωπεία|συνθήκη|συμφωνία",
    "id": "bertemu|pertemuan|pembicaraan|KTT|telepon|surat|pesan|kunjungan|berkunjung|mengunjungi|delegasi|perjanjian",
    "vi": "gặp|hội đàm|hội kiến|thượng đỉnh|điện đàm|thông điệp|điện mừng|thăm|chuyến thăm|phái đoàn|hiệp ước",
    "th": "พบ|หารือ|เจรจา|โทรศัพท์|จดหมาย|สาส์น|เยือน|คณะผู้แทน|สนธิสัญญา|ข้อตกลง",
    "hi": "मुलाकात|मिले|बैठक|बातचीत|वार्ता|फोन|पत्र|संदेश|बधाई|यात्रा|प्रतिनिधिमंडल|संधि|समझौता",
    "ar": "التقى|لقاء|اجتماع|محادثات|قمة|اتصال هاتفي|رسالة|برقية|زيارة|وفد|معاهدة|اتفاقية",
    "fa": "دیدار|ملاقات|مذاکره|مذاکرات|گفتگو|نشست|تماس تلفنی|نامه|پیام|سفر|هیئت|پیمان|توافق",
    "he": "נפגש|פגישה|שיחות|פסגה|שיחת טלפון|מכתב|מסר|ביקור|ביקר|משלחת|הסכם|אמנה",
    "ko": "만나|만날|만남|회담|회동|통화|친서|서한|메시지|축전|방문|대표단|조약|감사|설명",
    "ja": "会談|会った|面会|電話|書簡|親書|メッセージ|祝電|訪問|代表団|条約|説明|協議|交渉|意見交換",
    "zh": "会谈|會談|会见|会晤|通话|致电|贺电|致信|访问|代表团|条约|介绍",
    "da": "mødtes|møde|topmøde|samtaler|forhandlinger|brev|besøg|delegation|aftale",
    "no": "møttes|møte|toppmøte|samtaler|forhandlinger|brev|besøk|delegasjon|avtale",
    "et": "kohtusid|kohtumine|tippkohtumine|läbirääkimised|kõnelused|kiri|visiit|delegatsioon|kokkulepe",
    "lv": "tikās|tikšanās|sarunas|vēstule|vizīte|delegācija|vienošanās|parakstīja",
    "lt": "susitikimas|susitiko|derybos|pokalbis|laiškas|vizitas|delegacija|susitarimas|pasirašė",
    "sl": "srečal|srečanje|pogovori|pogajanja|pismo|obisk|delegacija|sporazum|podpisala",
    "sq": "takim|takuan|bisedime|letër|vizitë|delegacion|marrëveshje|samit|nënshkruan",
    "mk": "средба|се сретна|разговори|преговори|писмо|посета|делегација|спогодба|самит",
    "be": "сустрэча|сустрэўся|перамовы|размова|ліст|візіт|дэлегацыя|пагадненне|саміт",
    "kk": "келіссөздер|сапар|делегация|келісім|кездесу|кездесті",
    "az": "görüşdü|danışıqlar|məktub|səfər|nümayəndə heyəti|saziş|sammit|imzaladı",
    "uz": "uchrashdi|uchrashuv|muzokaralar|tashrif|delegatsiya|kelishuv|sammit|imzoladi",
    "ug": "ئۇچراشتى|كۆرۈشتى|سۆھبەت|زىيارەت|تەبرىك|تېلېگرامما|خېتىدە|كېلىشىم",
    "ms": "berbincang|perbincangan|rundingan|lawatan|melawat|sidang kemuncak|mesyuarat|perjanjian",
    "sw": "walikutana|mkutano|mazungumzo|barua|ziara|ujumbe|makubaliano",
    "tl": "nagkita|pag-uusap|usapan|liham|bumisita|delegasyon|kasunduan|summit",
    "ur": "ملاقات|بات چیت|مذاکرات|پیغام|دورہ|وفد|معاہدہ|سربراہی اجلاس",
    "bn": "বৈঠক|সাক্ষাৎ|আলোচনা|চিঠি|বার্তা|সফর|প্রতিনিধিদল|চুক্তি|শীর্ষ সম্মেলন",
    "km": "ជួបជាមួយ|ជំនួប|កិច្ចប្រជុំ|ចរចា|ពិភាក្សា|ទស្សនកិច្ច|លិខិត|គណៈប្រតិភូ|សន្ធិសញ្ញា|កិច្ចព្រមព្រៀង",
    "my": "တွေ့ဆုံ|ဆွေးနွေး|ခရီးစဉ်|ဖုန်းဆက်|ပေးစာ|သဝဏ်လွှာ|ကိုယ်စားလှယ်အဖွဲ့|စာချုပ်|သဘောတူညီချက်",
    "lo": "ພົບປະ|ເຈລະຈາ|ປຶກສາຫາລື|ຢ້ຽມຢາມ|ໂທລະສັບ|ຈົດໝາຍ|ຄະນະຜູ້ແທນ|ສົນທິສັນຍາ|ຂໍ້ຕົກລົງ",
    "si": "හමුවූ|හමුවීම|සාකච්ඡා|සංචාරය|දුරකථන|ලිපිය|පණිවිඩය|ගිවිසුම",
    "am": "ተገናኙ|ውይይት|ጉብኝት|ደብዳቤ|መልዕክት|ልዑካን|ስምምነት",
    "mr": "भेट|भेटले|बैठक|चर्चा|दौरा|पत्र|संदेश|शिष्टमंडळ|करार",
    "ky": "жолугушту|жолугушуу|сүйлөшүү|сапар|катын|делегация|келишим",
    "tg": "мулоқот|вохӯрд|гуфтушунид|сафари|нома|паём|ҳайат|шартнома|созишнома",
    "ps": "ولیدل|کتنه|لیدنه|خبرې|سفر|پیغام|پلاوی|تړون",
    "so": "kulan|kulmay|wada-hadal|booqasho|warqad|fariin|wafdi|heshiis",
    "ha": "ganawa|tattaunawa|ziyara|wasika|sako|tawaga|yarjejeniya",
    "ca": "es reuneixen|reunió|trobada|converses|cimera|trucada|carta|missatge|visita|delegació|tractat|acord",
    "ne": "भेटवार्ता|वार्ता|छलफल|भ्रमण|पत्र|सन्देश|प्रतिनिधिमण्डल|सम्झौता|सन्धि",
    "is": "funduðu|fundur|hittust|viðræður|símtal|bréfi|skilaboð|heimsókn|sendinefnd|samningur|sáttmáli",
    "gu": "મુલાકાત|મળ્યા|બેઠક|વાતચીત|પત્ર|સંદેશ|પ્રવાસ|પ્રતિનિધિમંડળ|સંધિ|કરાર",
    "kn": "ಭೇಟಿ|ಮಾತುಕತೆ|ಸಭೆ|ಶೃಂಗಸಭೆ|ಪತ್ರ|ಸಂದೇಶ|ನಿಯೋಗ|ಒಪ್ಪಂದ",
    "ml": "കൂടിക്കാഴ്ച|ചർച്ച|ഉച്ചകോടി|കത്ത്|സന്ദേശം|സന്ദർശനം|പ്രതിനിധി സംഘം|കരാർ|ഉടമ്പടി",
    "te": "భేటీ|సమావేశం|చర్చలు|శిఖరాగ్ర|లేఖ|సందేశం|పర్యటన|ప్రతినిధి బృందం|ఒప్పందం",
    "pa": "ਮੁਲਾਕਾਤ|ਮਿਲੇ|ਮੀਟਿੰਗ|ਗੱਲਬਾਤ|ਚਿੱਠੀ|ਸੁਨੇਹਾ|ਦੌਰਾ|ਵਫ਼ਦ|ਸੰਧੀ|ਸਮਝੌਤਾ",
    "ka": "შეხვედრა|შეხვდა|შეხვდნენ|მოლაპარაკებები|საუბარი|წერილი|გზავნილი|ვიზიტი|დელეგაცია|ხელშეკრულება|შეთანხმება",
    "mn": "уулзалт|уулзав|хэлэлцээ|айлчлал|захидал|мэндчилгээ|төлөөлөгчид|гэрээ",
    "ta": "சந்திப்பு|சந்தித்தார்|பேச்சுவார்த்தை|உச்சி மாநாடு|தொலைபேசி|கடிதம்|வாழ்த்து|பயணம்|விஜயம்|தூதுக்குழு|ஒப்பந்தம்",
    "hy": "հանդիպում|հանդիպել|բանակցություններ|զրույց|նամակ|ուղերձ|այց|պատվիրակություն|պայմանագիր|համաձայնագիր",
}


def test_every_language_with_contact_words_lists_its_forms(rules):
    langs = {r.lang for r in rules.terms if r.role == "relation:contact"}
    assert sorted(langs - CONTACT_FORMS.keys()) == []


@pytest.mark.parametrize("lang", sorted(CONTACT_FORMS))
def test_common_contact_forms_are_relation_words(rules, lang):
    missed = []
    for form in CONTACT_FORMS[lang].split("|"):
        norm = normalize_text(form)
        found = scan(rules.context_scanner, norm, "title", unit_starts(norm), scripts_in(norm))
        if not any(f.rule.role_kind == "relation" and _fits_language(f.rule, lang) for f in found):
            missed.append(form)
    assert missed == [], f"{lang}: no relation word for {missed}"


# China, the US and Japan as a headline names them, per language whose third parties matter most
# for the near-misses ("Xi met Kim; Putin watched").
THIRD_FORMS = {
    "bg": "Китай|Пекин|Си Дзинпин|САЩ|Тръмп|Япония",
    "sr": "Кина|Кине|Пекинг|Пекингу|Си Ђинпинг|Вашингтон|Трамп|Јапан",
    "cs": "Čína|Číny|Čínou|Peking|Pekingu|Si Ťin-pching|Si Ťin-pchingem|Spojené státy|Trumpem|Japonsko",
    "sk": "Čína|Číny|Peking|Pekingu|Si Ťin-pching|Spojené štáty|Japonsko",
    "pl": "Chiny|Pekin|Pekinie|Xi Jinping|Stany Zjednoczone|Waszyngton|Japonia",
    "hu": "Kína|Peking|Pekingben|Hszi Csin-ping|Egyesült Államok|Japán",
    "fi": "Kiina|Kiinan|Peking|Pekingissä|Yhdysvallat|Japani",
    "sv": "Kina|Peking|Förenta staterna|Japan",
    "nl": "China|Peking|Verenigde Staten|Japan",
    "ro": "China|Beijing|Statele Unite|Japonia",
    "el": "Κίνα|Πεκίνο|Σι Τζινπίνγκ|ΗΠΑ|Τραμπ|Ιαπωνία",
    "he": "סין|בייג'ינג|שי ג'ינפינג|ארה\"ב|טראמפ|יפן",
    "th": "จีน|ปักกิ่ง|สี จิ้นผิง|สหรัฐ|ทรัมป์|ญี่ปุ่น",
    "vi": "Trung Quốc|Bắc Kinh|Tập Cận Bình|Hoa Kỳ|Nhật Bản",
}


@pytest.mark.parametrize("lang", sorted(THIRD_FORMS))
def test_common_third_party_forms_are_named(rules, lang):
    missed = []
    for form in THIRD_FORMS[lang].split("|"):
        norm = normalize_text(form)
        found = scan(rules.context_scanner, norm, "title", unit_starts(norm), scripts_in(norm))
        if not any(f.rule.role_kind == "third" and len(f.matched) >= len(norm) - 1 for f in found):
            missed.append(form)
    assert missed == [], f"{lang}: no third party for {missed}"


def test_vietnamese_north_is_not_beijing(rules):
    # "Bắc" (north) alone once named China: "Bắc Triều Tiên" (North Korea) must carry no third party.
    norm = normalize_text("Bắc Triều Tiên")
    found = scan(rules.context_scanner, norm, "title", unit_starts(norm), scripts_in(norm))
    assert not [f for f in found if f.rule.role_kind == "third"]


@pytest.mark.parametrize("title", [
    "N. Korean troops in Kursk",
    "Северокорейские военные воюют в Курской области",
    "North Korean soldiers captured in Ukraine",
])
def test_one_sides_troops_at_the_other_sides_war_are_their_cooperation(rules, title):
    # A one-letter abbreviation ends no sentence, and a side's name heading a military word gives a
    # place or event of the other side (Kursk, Ukraine) its full weight.
    assert is_match(title, rules)


@pytest.mark.parametrize("title, expected", [
    ("China and Russia hold talks on North Korea", False),
    ("Китай и Россия провели переговоры о КНДР", False),
    ("中国与俄罗斯就朝鲜问题举行会谈", False),
    ("Japan protests to Russia over North Korea ties", True),
    ("Putin ve Kim Jong Un Pekin'de görüştü", True),
])
def test_a_name_a_relation_is_about_is_no_party_to_it(rules, title, expected):
    # "on/о/关于 X" makes X the subject matter, unless X heads a relation noun ("over North Korea
    # ties"); Vietnamese "về" is left out, as folded it is Turkish "ve" (and).
    assert is_match(title, rules) is expected


# Korean particles stack on the one-syllable abbreviations 러 (Russia) and 북 (North Korea): with
# + of (와의/과의), at + of (에서의), from (로부터/으로부터), to (에게). Words that merely start
# with the syllable (북소리 drum beat, 러닝 running) are not the abbreviations.
@pytest.mark.parametrize("title, expected", [
    ('북 "러와의 조약은 방어적"', True),
    ("러, 북과의 군사협력 강화", True),
    ("러에서의 북한 노동자 실태", True),
    ("북으로부터 포탄 받은 러", True),
    ("북한, 러에게 미사일 제공", True),
    ("북소리 울린 러시아 축제", False),
    ("러닝머신 수출 북한", False),
])
def test_korean_particles_stack_on_the_abbreviations(rules, title, expected):
    assert is_match(title, rules) is expected


# English contact verbs in every form a headline uses (past, -ing, third person), so a direct
# contact reported beside a third party's name still relates the sides; and the same verbs between
# a third party and one side do not.
@pytest.mark.parametrize("title, expected", [
    ("Putin called Kim before Trump summit", True),
    ("Putin phones Kim after meeting Trump", True),
    ("Kim greeted Putin as Xi looked on", True),
    ("Kim wrote to Putin as Trump waited", True),
    ("Kim welcomes Putin's envoy as China watches", True),
    ("Putin and Kim shook hands in Pyongyang", True),
    ("Putin embraces Kim at Beijing parade with Xi", True),
    ("Trump called Putin, then said he wants to meet Kim", False),
    ("Xi greets Kim as Putin looks on", False),
    ("Xi hugs Kim at parade attended by Putin", False),
])
def test_english_contact_verbs_in_all_their_forms(rules, title, expected):
    assert is_match(title, rules) is expected


@pytest.mark.parametrize(
    "title",
    [
        # An abbreviation's period ends no sentence: the pair stays in one statement.
        "Mr. Kim sent a letter to Mr. Putin",
        "Lt. Gen. Kim Yong Bok met Russian Defence Minister Belousov",
        "Rosja i Korea Płn. podpisały umowę o współpracy",
    ],
)
def test_an_abbreviations_period_ends_no_sentence(title, rules):
    assert is_match(title, rules)


@pytest.mark.parametrize(
    "title",
    [
        # Soldiers "from" or "of" one side in a place of the other are the two sides' cooperation, at
        # full weight as "North Korean soldiers in Kursk" is.
        "Soldiers from North Korea fight in Kursk",
        "Солдаты из КНДР воюют в Курской области",
        "Żołnierze z Korei Płn. walczą w obwodzie kurskim",
    ],
)
def test_soldiers_from_a_side_in_a_place_of_the_other(title, rules):
    hit = next(h for h in match_topics(title, "", rules) if h.topic == "russia_dprk")
    assert hit.score == 1.0


def test_an_abbreviation_list_keeps_real_sentence_ends():
    text = "mr. putin met xi in beijing. kim watched a test in st. petersburg"
    assert len(unit_starts(text, frozenset({"mr", "st"}))) == 2
    assert len(unit_starts(text)) == 4
