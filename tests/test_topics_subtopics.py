"""Subtopic cue words on the real seeds, one or two per language: a sentence naming Russia and
North Korea with a cue gets that subtopic, and a common word that merely starts like a cue (or is
a cue of another language) gives none. Cues of a language the detector cannot name (Slovak,
Serbian, Croatian, Slovene, Malay, Estonian, Lithuanian, Latvian) count in text of any language,
so their stems must not be the start of common words elsewhere ("film", "import", "rong").
Sentences are written for these tests, not taken from a dev set."""

from __future__ import annotations

import pytest
from conftest import topic_hit

CUES = [
    ("cs", "Ruský ministr zahraničí přijel na návštěvu do Severní Koreje", "diplomacy"),
    ("cs", "Severokorejští vojáci bojují na frontě za Rusko", "military"),
    ("sk", "Rusko a KĽDR otvárajú priamy let, prvé lietadlo pristálo v Pchjongjangu", "transport_tourism"),
    ("sk", "Severná Kórea posiela do Ruska ďalších vojakov", "military"),
    ("nl", "Rusland en Noord-Korea breiden de handelsbetrekkingen uit", "economy"),
    ("nl", "Russische toeristen gaan op vakantie in Noord-Korea", "transport_tourism"),
    ("sv", "Ryssland och Nordkorea undertecknar ett avtal om samarbete", "diplomacy"),
    ("sv", "Nordkoreanska soldater strider för Ryssland vid fronten", "military"),
    ("da", "Rusland og Nordkorea åbner en ny flyrute for turister", "transport_tourism"),
    ("da", "Nordkoreanske børn på sommerlejr i Rusland", "culture_people"),
    ("no", "Russland og Nord-Korea utvider handelen med olje", "economy"),
    ("no", "Nord-Korea sender flere soldater til Russland", "military"),
    ("fi", "Venäjä ja Pohjois-Korea solmivat sopimuksen yhteistyöstä", "diplomacy"),
    ("fi", "Pohjois-Korean sotilaat taistelevat Venäjän puolesta", "military"),
    ("hu", "Orosz turisták utaznak Észak-Koreába", "transport_tourism"),
    ("hu", "Észak-koreai katonák harcolnak Oroszország oldalán", "military"),
    ("ro", "Rusia și Coreea de Nord semnează un tratat de parteneriat", "diplomacy"),
    ("ro", "Studenți nord-coreeni la universitățile din Rusia", "culture_people"),
    ("el", "Η Ρωσία και η Βόρεια Κορέα υπέγραψαν συμφωνία συνεργασίας", "diplomacy"),
    ("el", "Τουρίστες από τη Ρωσία ταξιδεύουν στη Βόρεια Κορέα", "transport_tourism"),
    ("bg", "Русия и Северна Корея разширяват търговията и износа", "economy"),
    ("bg", "Севернокорейски войници воюват за Русия", "military"),
    ("sr", "Rusija i Severna Koreja potpisale sporazum o saradnji", "diplomacy"),
    ("sr", "Ruski turisti putuju u Severnu Koreju", "transport_tourism"),
    ("hr", "Rusija i Sjeverna Koreja uvode izravne letove za turiste", "transport_tourism"),
    ("hr", "Sjevernokorejski vojnici u ratu za Rusiju", "military"),
    ("sl", "Rusija in Severna Koreja krepita trgovino", "economy"),
    ("sl", "Severnokorejski vojaki se bojujejo za Rusijo, pravi vojska", "military"),
    ("sl", "Putin se je v Pekingu sestal s Kim Džong Unom", "diplomacy"),
    ("bn", "রাশিয়া ও উত্তর কোরিয়ার মধ্যে নতুন চুক্তি স্বাক্ষর", "diplomacy"),
    ("bn", "রাশিয়া থেকে উত্তর কোরিয়ায় পর্যটক যাচ্ছেন", "transport_tourism"),
    ("ta", "ரஷ்யா மற்றும் வட கொரியா இடையே புதிய ஒப்பந்தம்", "diplomacy"),
    ("ta", "ரஷ்ய சுற்றுலா பயணிகள் வட கொரியா செல்கின்றனர்", "transport_tourism"),
    ("th", "รัสเซียและเกาหลีเหนือลงนามข้อตกลงความร่วมมือ", "diplomacy"),
    ("th", "ทหารเกาหลีเหนือสู้รบเพื่อรัสเซีย", "military"),
    ("ms", "Rusia dan Korea Utara menandatangani perjanjian kerjasama", "diplomacy"),
    ("ms", "Pelancong Rusia menaiki kereta api ke Korea Utara", "transport_tourism"),
    ("he", "רוסיה וצפון קוריאה חתמו על הסכם שיתוף פעולה", "diplomacy"),
    ("he", "חיילים מצפון קוריאה נלחמים למען רוסיה", "military"),
    ("kk", "Ресей мен Солтүстік Корея арасындағы сауда өсті", "economy"),
    ("kk", "Солтүстік Корея Ресейге әскер жіберді", "military"),
    ("et", "Venemaa ja Põhja-Korea sõlmisid lepingu", "diplomacy"),
    ("et", "Põhja-Korea sõdurid võitlevad Venemaa eest", "military"),
    ("lt", "Rusija ir Šiaurės Korėja pasirašė bendradarbiavimo sutartį", "diplomacy"),
    ("lt", "Šiaurės Korėjos kariai kovoja už Rusiją", "military"),
    ("lv", "Krievija un Ziemeļkoreja paraksta sadarbības līgumu", "diplomacy"),
    ("lv", "Ziemeļkorejas karavīri cīnās Krievijas pusē", "military"),
    # Gaps filled in languages that had some cues.
    ("en", "Russia and North Korea discuss transport links", "transport_tourism"),
    ("fr", "Des touristes russes arrivent dans une station balnéaire de Corée du Nord", "transport_tourism"),
    ("de", "Russische Urlauber am Strand in Nordkorea", "transport_tourism"),
    ("pl", "Studenci z Korei Północnej na uniwersytetach w Rosji", "culture_people"),
    ("id", "Pelajar Korea Utara belajar di universitas Rusia", "culture_people"),
    ("fa", "دانشجویان کره شمالی در دانشگاه‌های روسیه", "culture_people"),
    ("pt", "Rússia e Coreia do Norte ampliam as exportações de petróleo", "economy"),
    ("ur", "روس اور شمالی کوریا کے درمیان تجارت میں اضافہ", "economy"),
    ("vi", "Sinh viên Triều Tiên du học tại Nga", "culture_people"),
    ("it", "Soldati nordcoreani in guerra per la Russia", "military"),
]


@pytest.mark.parametrize(("lang", "title", "subtopic"), CUES)
def test_a_cue_gives_its_subtopic(rules, lang, title, subtopic):
    found = topic_hit(title, rules, lang=lang)
    assert found is not None
    assert subtopic in found.subtopics, [(e.matched, e.role) for e in found.evidence]


LOOK_ALIKES = [
    # English words that start like a cue of a language the detector cannot name.
    ("en", "Most analysts expect Russia and North Korea to stay close", "transport_tourism"),  # Slovak "most"
    ("en", "Russia calls North Korea an important partner", "economy"),  # "import"
    ("es", "Soldados rusos filmaron a soldados norcoreanos", "culture_people"),  # "film"
    ("de", "Filmaufnahmen zeigen nordkoreanische Soldaten in Russland", "culture_people"),  # German "Film"
    ("en", "The Russian ministry says North Korea is a friend", "diplomacy"),  # Serbian, Lithuanian "ministr"
    # Vietnamese "rộng" (wide) is Estonian "rong" (train) without its accent.
    ("vi", "Nga và Triều Tiên mở rộng quan hệ", "transport_tourism"),
    # Dutch "Noord" starts like Estonian "noor" (young); "handelen" is to act, not trade.
    ("nl", "Rusland en Noord-Korea willen samen handelen", "economy"),
    ("nl", "Rusland en Noord-Korea willen samen handelen", "culture_people"),
    # Hungarian "kapcsolatban" (in connection with) is no relation; "vonatkozó" (concerning) no train.
    ("hu", "Putyin Észak-Koreával kapcsolatban nyilatkozott", "diplomacy"),
    ("hu", "Az Oroszországra vonatkozó észak-koreai döntés", "transport_tourism"),
    # Italian "importante" is no import; Czech "může" (can) is no museum.
    ("it", "La Russia è un partner importante per la Corea del Nord", "economy"),
    ("cs", "Rusko může poslat do Severní Koreje další zbraně", "culture_people"),
    # Bulgarian "срещу" (against) is no meeting; Danish "arbejder" (works) is no worker.
    ("bg", "Русия и Северна Корея срещу санкциите на Запада", "diplomacy"),
    ("da", "Den russiske præsident arbejder tæt sammen med Nordkorea", "economy"),
    # Polish "obchody" (commemorations) is no Slovak trade, "odnośnie" (regarding) no Serbian
    # relations; Dutch "vlakbij" (close to) is no Slovak train; English "ministries" no Estonian minister.
    ("pl", "Obchody w Moskwie: Rosja i Korea Północna", "economy"),
    ("pl", "Odnośnie Rosji i Korei Północnej nic nowego", "diplomacy"),
    ("nl", "Russische ballonnen vlakbij Noord-Korea", "transport_tourism"),
    ("en", "Russian ministries say North Korea is close", "diplomacy"),
    # Spanish "letal" (lethal) is no Slovene plane.
    ("es", "Rusia niega la ayuda letal de Corea del Norte", "transport_tourism"),
]


@pytest.mark.parametrize(("lang", "title", "subtopic"), LOOK_ALIKES)
def test_a_look_alike_word_gives_no_subtopic(rules, lang, title, subtopic):
    found = topic_hit(title, rules, lang=lang)
    assert found is not None  # both sides are named: only the subtopic is in question
    assert subtopic not in found.subtopics, [(e.matched, e.role) for e in found.evidence]


def test_a_cue_of_a_named_language_counts_only_in_its_own_text(rules):
    # Hungarian "olaj" (oil) in English text is a band's name, not trade: cues of a language the
    # detector can name count only in text of that language or a close one.
    english = topic_hit("Russia and North Korea: Olaj, a Hungarian band, plays in Moscow", rules, lang="en")
    hungarian = topic_hit("Oroszország és Észak-Korea olajat cserél", rules, lang="hu")
    assert english is not None and "economy" not in english.subtopics
    assert hungarian is not None and "economy" in hungarian.subtopics
