"""The Russia–DPRK tagger in languages that had no or very few seed terms (issue 22): each language's own
names of the two sides, its relation words and function words (seeds/topic_terms.csv,
seeds/topic_grammar.csv). A meeting, treaty, letter or visit between the two sides matches; one side
with a third party (China, South Korea) about the other side does not. The language is left to the
detector, as `newsmon tag` does. The sentences are written for these tests, not taken from a dev set
or any news text."""

from __future__ import annotations

import pytest
from conftest import topic_hit, topic_match

# (language, sentence): the two sides' leaders, ministers or states meet, sign, visit or send troops.
POSITIVES = [
    # Khmer: Putin and Kim met for talks in Beijing (a third country is only the place).
    ("km", "លោក ពូទីន និង លោក គីម ជុងអ៊ុន បានជួបពិភាក្សាគ្នា នៅទីក្រុងប៉េកាំង"),
    ("km", "រុស្ស៊ី និង កូរ៉េខាងជើង ចុះហត្ថលេខាលើសន្ធិសញ្ញាភាពជាដៃគូ"),  # sign a partnership treaty
    ("km", "លោក ឡាវរ៉ូវ បានជួបជាមួយ គណៈប្រតិភូកូរ៉េខាងជើង នៅទីក្រុងម៉ូស្គូ"),  # Lavrov meets a delegation
    # Burmese: Putin and Kim met in Beijing (place ending -တွင်); Russia and North Korea sign a treaty.
    ("my", "ပူတင်နှင့် ကင်ဂျုံအွန်တို့ ပေကျင်းတွင် တွေ့ဆုံဆွေးနွေး"),
    ("my", "ရုရှားနှင့် မြောက်ကိုရီးယား စာချုပ် လက်မှတ်ရေးထိုး"),
    # Lao: Putin and Kim met in Beijing; Russia and North Korea sign a cooperation treaty.
    ("lo", "ທ່ານ ປູຕິນ ແລະ ທ່ານ ກິມ ຈອງ ອຶນ ໄດ້ພົບປະກັນທີ່ປັກກິ່ງ"),
    ("lo", "ລັດເຊຍ ແລະ ເກົາຫຼີເໜືອ ລົງນາມສົນທິສັນຍາຮ່ວມມື"),
    # Sinhala: Putin and Kim met in Beijing (place ending -හිදී); the two states sign an agreement.
    ("si", "පුටින් සහ කිම් ජොං උන් බීජිංහිදී හමුවූහ"),
    ("si", "රුසියාව සහ උතුරු කොරියාව ගිවිසුමක් අත්සන් කළහ"),
    # Amharic: Putin and Kim met in Moscow; the two states sign a cooperation agreement; Lavrov and Choe.
    ("am", "ፑቲን እና ኪም ጆንግ ኡን በሞስኮ ተገናኙ"),
    ("am", "ሩሲያ እና ሰሜን ኮሪያ የትብብር ስምምነት ፈረሙ"),
    ("am", "ላቭሮቭ ከቾ ሰን ሂ ጋር ተወያዩ"),
    # Marathi: names with glued case endings (बीजिंगमध्ये, प्योंगयांगमध्ये); a defence agreement.
    ("mr", "पुतीन आणि किम जोंग उन यांची बीजिंगमध्ये भेट झाली"),
    ("mr", "रशिया आणि उत्तर कोरिया यांच्यात संरक्षण करार झाला"),
    ("mr", "लावरोव्ह यांनी प्योंगयांगमध्ये किम जोंग उन यांची भेट घेतली"),
    # Kyrgyz: met in Beijing (locative -де); a cooperation agreement; troops sent to Russia (dative).
    ("ky", "Путин менен Ким Чен Ын Бээжинде жолугушту"),
    ("ky", "Орусия менен Түндүк Корея кызматташтык келишимине кол коюшту"),
    ("ky", "Түндүк Кореянын аскерлери Орусияга жөнөтүлдү"),
    # Tajik: met in Beijing (дар Пекин); the two states sign an agreement; Lavrov meets a delegation.
    ("tg", "Путин ва Ким Чен Ин дар Пекин мулоқот карданд"),
    ("tg", "Русия ва Кореяи Шимолӣ созишномаи ҳамкорӣ имзо карданд"),
    ("tg", "Лавров бо ҳайати Кореяи Шимолӣ дар Маскав мулоқот кард"),
    # Pashto: met in Beijing (په ... کې); a cooperation treaty; Lavrov met Kim in Pyongyang.
    ("ps", "پوتین او کیم جونګ اون په بیجینګ کې سره ولیدل"),
    ("ps", "روسیې او شمالي کوریا د همکارۍ تړون لاسلیک کړ"),
    ("ps", "لاوروف له کیم جونګ اون سره په پیونګ یانګ کې ولیدل"),
    # Somali: met in Beijing (magaalada ...); a cooperation agreement; Lavrov visits Pyongyang.
    ("so", "Putin iyo Kim Jong Un ayaa ku kulmay magaalada Beijing"),
    ("so", "Ruushka iyo Kuuriyada Waqooyi oo saxiixay heshiis iskaashi"),
    ("so", "Lavrov oo booqasho ku tagay Pyongyang kana kulmay Kim Jong Un"),
    # Hausa: met in Beijing (a birnin ...); an agreement signed; Lavrov's visit to Pyongyang.
    ("ha", "Putin da Kim Jong Un sun gana a birnin Beijing"),
    ("ha", "Rasha da Koriya ta Arewa sun sanya hannu kan yarjejeniyar hadin gwiwa"),
    ("ha", "Lavrov ya kai ziyara Pyongyang inda ya gana da Kim Jong Un"),
]

# (language, sentence): one side with a third party, or the other side only as the subject matter.
NEAR_MISSES = [
    ("km", "រុស្ស៊ី និង កូរ៉េខាងត្បូង ពិភាក្សា អំពី កូរ៉េខាងជើង"),  # Russia and South Korea discuss the North
    ("km", "លោក ពូទីន បានជួបជាមួយ លោក ស៊ី ជីនពីង នៅទីក្រុងប៉េកាំង"),  # Putin meets Xi
    # Xi met Kim while Russia goes on with its war in Ukraine: no contact between the sides.
    ("km", "លោក ស៊ី ជីនពីង ជួបជាមួយ លោក គីម ជុងអ៊ុន ខណៈ រុស្ស៊ី បន្តសង្គ្រាមនៅអ៊ុយក្រែន"),
    ("my", "ရုရှားနှင့် တောင်ကိုရီးယား မြောက်ကိုရီးယားအကြောင်း ဆွေးနွေး"),
    ("my", "ပူတင်နှင့် ရှီကျင့်ဖျင် မြောက်ကိုရီးယားအကြောင်း ဆွေးနွေး"),
    ("my", "တရုတ်နှင့် မြောက်ကိုရီးယား ကုန်သွယ်ရေး ဆွေးနွေး"),
    ("lo", "ລັດເຊຍ ແລະ ເກົາຫຼີໃຕ້ ປຶກສາຫາລືກ່ຽວກັບເກົາຫຼີເໜືອ"),
    ("lo", "ຈີນ ແລະ ລັດເຊຍ ປຶກສາຫາລືກ່ຽວກັບເກົາຫຼີເໜືອ"),
    ("lo", "ຈີນ ແລະ ເກົາຫຼີເໜືອ ເຈລະຈາການຄ້າ"),
    ("si", "රුසියාව සහ දකුණු කොරියාව උතුරු කොරියාව ගැන සාකච්ඡා කළහ"),
    ("si", "චීනය සහ රුසියාව උතුරු කොරියාව ගැන සාකච්ඡා කළහ"),
    ("si", "චීනය සහ උතුරු කොරියාව වෙළඳ සාකච්ඡා පැවැත්වූහ"),
    ("am", "ሩሲያ እና ደቡብ ኮሪያ በሰሜን ኮሪያ ዙሪያ ተወያዩ"),
    ("am", "ቻይና እና ሰሜን ኮሪያ በንግድ ላይ ተወያዩ"),
    ("mr", "रशिया आणि दक्षिण कोरिया यांनी उत्तर कोरियाबाबत चर्चा केली"),
    ("mr", "चीन आणि रशिया यांनी उत्तर कोरियाबाबत चर्चा केली"),
    ("mr", "चीन आणि उत्तर कोरिया यांच्यात व्यापार चर्चा"),
    ("ky", "Орусия менен Түштүк Корея Түндүк Корея боюнча сүйлөшүү жүргүзүштү"),
    ("ky", "Кытай менен Орусия Түндүк Корея боюнча сүйлөшүү жүргүзүштү"),
    ("ky", "Кытай менен Түндүк Корея соода боюнча сүйлөштү"),
    ("tg", "Чин ва Русия дар бораи Кореяи Шимолӣ гуфтушунид карданд"),
    ("tg", "Чин ва Кореяи Шимолӣ дар бораи тиҷорат мулоқот карданд"),
    ("ps", "روسیې او سویلي کوریا د شمالي کوریا په اړه خبرې وکړې"),
    ("ps", "چین او روسیې د شمالي کوریا په اړه خبرې وکړې"),
    ("ps", "چین او شمالي کوریا د سوداګرۍ په اړه خبرې وکړې"),
    ("so", "Ruushka iyo Kuuriyada Koonfureed oo ka wada-hadlay arrimaha Kuuriyada Waqooyi"),
    ("so", "Shiinaha iyo Ruushka oo ka wada-hadlay arrimaha Kuuriyada Waqooyi"),
    ("so", "Shiinaha iyo Kuuriyada Waqooyi oo wadahadal ganacsi yeeshay"),
    ("ha", "Rasha da Koriya ta Kudu sun tattauna game da Koriya ta Arewa"),
    ("ha", "Rasha da China sun tattauna game da Koriya ta Arewa"),
    ("ha", "China da Koriya ta Arewa sun tattauna kan kasuwanci"),
]


@pytest.mark.parametrize(("lang", "title"), POSITIVES)
def test_a_contact_between_the_two_sides_matches(rules, lang, title):
    assert topic_match(title, rules), (lang, topic_hit(title, rules))


@pytest.mark.parametrize(("lang", "title"), NEAR_MISSES)
def test_one_side_with_a_third_party_is_no_match(rules, lang, title):
    assert not topic_match(title, rules), (lang, topic_hit(title, rules))


def test_every_added_language_has_sentences_both_ways():
    # A language added to the seeds gets at least one positive and one near-miss here.
    assert {lang for lang, _ in POSITIVES} == {lang for lang, _ in NEAR_MISSES}
