"""A deterministic synthetic feed corpus for the throughput benchmarks (bench/run.py).

`generate_corpus(out_dir, feeds, items, seed)` writes `feeds/fNNNNN.xml` (RSS 2.0 and Atom,
HTML in the bodies) and a `feeds.csv` whose URLs start with `{base}` (replaced with the
loopback server's URL by newsmon.demo.demo_feeds_csv). Headlines and the Russia–DPRK sentences
come from templates written for this benchmark in ten languages; the rest of a body is sentences
of the language's frequent words (wordfreq's lists), so unrelated stories are as unlike each other
as real ones; nothing comes from ../shared/corpus. What a real run meets is mixed in on purpose:

- syndicated copies: a story re-published by another outlet of the same language under its own
  URL (with tracking parameters) and with small edits (an extra sentence, a cut ending);
- exact duplicates: the same item (same URL apart from tracking parameters) in several feeds;
- a share of Russia–DPRK stories, so topic tagging has real matches to find.
The same (feeds, items, seed, epoch) always gives byte-identical files; bench/run.py passes the
hour it starts in as `epoch`, so its new articles are as recent as a daily run's.
"""

from __future__ import annotations

import csv
import functools
import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import wordfreq

EPOCH = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
DPRK_SHARE = 0.15  # share of fresh stories about Russia–DPRK relations
EXACT_DUPLICATE_SHARE = 0.08  # items that repeat another feed's item verbatim
SYNDICATED_SHARE = 0.17  # items that re-publish another outlet's story with small edits
WIRE_SHARE = 0.3  # share of fresh stories that other outlets may pick up
ATOM_SHARE = 0.3  # feeds written as Atom rather than RSS
# Language mix of the feeds, roughly what a Russia–DPRK monitor subscribes to.
LANGUAGE_WEIGHTS = {"en": 25, "ru": 15, "ko": 10, "ja": 8, "zh": 8, "de": 8, "fr": 8, "es": 8, "ar": 5, "hi": 5}


@dataclass(frozen=True, slots=True)
class Item:
    url: str
    guid: str
    title: str
    html: str
    published: datetime


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    directory: Path
    feeds: int
    items: int  # items written, duplicates included
    unique_urls: int  # distinct article URLs once tracking parameters are dropped
    dprk_stories: int


# Each language: places, subjects, generic headlines and sentences, Russia–DPRK headlines and
# sentences. Slots: {place} {subject} {num} {num2} {dplace}. Written for this benchmark.
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "en": {
        "place": ["Lisbon", "Nairobi", "Osaka", "Denver", "Hamburg", "Santiago", "Perth", "Toronto"],
        "subject": ["city council", "central bank", "rail operator", "university hospital", "port authority",
                    "football club", "energy regulator", "water utility"],
        "headline": ["{place} {subject} announces {num} new jobs",
                     "{subject} in {place} faces questions over {num} million budget",
                     "Storm leaves {num} homes without power near {place}",
                     "{place} votes on plan to expand {subject} by {num2} per cent"],
        "sentence": ["The {subject} in {place} said the plan would cost about {num} million.",
                     "Officials expect the first results within {num2} months.",
                     "Critics argued that residents had not been consulted early enough.",
                     "A spokesperson declined to comment on the timetable.",
                     "Local media reported that {num} people attended the meeting.",
                     "The decision follows a year of debate about costs and priorities."],
        "dprk_headline": ["Russia and North Korea sign {num2} new agreements in {dplace}",
                          "Lavrov meets Choe Son Hui in {dplace} as ties deepen",
                          "Moscow and Pyongyang expand rail link to {num2} trains a week"],
        "dprk_sentence": ["Russian and North Korean officials met in {dplace} to discuss trade and transport.",
                          "The talks follow the partnership treaty signed by Vladimir Putin and Kim Jong Un.",
                          "Pyongyang's state media said both delegations agreed to deepen cooperation."],
        "dplace": ["Moscow", "Pyongyang", "Vladivostok", "Khasan"],
    },
    "ru": {
        "place": ["Казани", "Новосибирске", "Самаре", "Перми", "Томске", "Сочи"],
        "subject": ["городская дума", "областная больница", "региональный оператор", "университет",
                    "транспортная компания", "футбольный клуб"],
        "headline": ["В {place} {subject} объявила о {num} новых рабочих местах",
                     "В {place} обсуждают бюджет в {num} млн рублей",
                     "Непогода оставила без света {num} домов в {place}"],
        "sentence": ["Как сообщили в пресс-службе, проект обойдется примерно в {num} млн рублей.",
                     "Первые результаты ожидаются в течение {num2} месяцев.",
                     "Жители жалуются, что их мнение не учли на раннем этапе.",
                     "По данным местных СМИ, на встречу пришли {num} человек.",
                     "Решение принято после года споров о расходах и приоритетах."],
        "dprk_headline": ["Россия и КНДР подписали {num2} новых соглашения в {dplace}",
                          "Лавров провел переговоры с Цой Сон Хи в {dplace}"],
        "dprk_sentence": ["Делегации России и КНДР обсудили в {dplace} торговлю и транспорт.",
                          "Переговоры продолжают договор о всеобъемлющем стратегическом партнерстве.",
                          "Пхеньян заявил, что стороны договорились расширять сотрудничество."],
        "dplace": ["Москве", "Пхеньяне", "Владивостоке", "Хасане"],
    },
    "ko": {
        "place": ["부산", "대구", "광주", "대전", "울산", "수원"],
        "subject": ["시의회", "지방은행", "철도공사", "대학병원", "항만공사", "축구단"],
        "headline": ["{place} {subject}, 신규 일자리 {num}개 발표",
                     "{place} {subject} 예산 {num}억원 두고 논란",
                     "태풍으로 {place} {num}가구 정전"],
        "sentence": ["{place} {subject}는 이 계획에 약 {num}억원이 들 것이라고 밝혔다.",
                     "관계자들은 {num2}개월 안에 첫 결과가 나올 것으로 예상했다.",
                     "일부 주민들은 충분한 의견 수렴이 없었다고 비판했다.",
                     "지역 언론에 따르면 회의에는 {num}명이 참석했다.",
                     "이번 결정은 비용과 우선순위를 둘러싼 1년간의 논의 끝에 나왔다."],
        "dprk_headline": ["러시아·북한, {dplace}에서 협정 {num2}건 체결",
                          "라브로프, {dplace}에서 최선희와 회담"],
        "dprk_sentence": ["러시아와 북한 당국자들이 {dplace}에서 무역과 운송 문제를 논의했다.",
                          "이번 회담은 푸틴 대통령과 김정은 위원장이 서명한 조약에 따른 것이다.",
                          "북한 관영매체는 양측이 협력을 확대하기로 했다고 전했다."],
        "dplace": ["모스크바", "평양", "블라디보스토크", "하산"],
    },
    "ja": {
        "place": ["札幌", "仙台", "名古屋", "広島", "福岡", "神戸"],
        "subject": ["市議会", "地方銀行", "鉄道会社", "大学病院", "港湾局", "サッカークラブ"],
        "headline": ["{place}の{subject}、新たに{num}人を雇用へ",
                     "{place}{subject}の予算{num}億円に疑問の声",
                     "台風で{place}の{num}世帯が停電"],
        "sentence": ["{place}の{subject}は、計画の費用が約{num}億円になると説明した。",
                     "関係者は{num2}か月以内に最初の結果が出ると見込んでいる。",
                     "住民からは説明が不十分だとの批判も出ている。",
                     "地元メディアによると、会合には{num}人が参加した。",
                     "今回の決定は、費用と優先順位をめぐる一年間の議論を経て下された。"],
        "dprk_headline": ["ロシアと北朝鮮、{dplace}で{num2}件の協定に署名",
                          "ラブロフ外相、{dplace}で崔善姫外相と会談"],
        "dprk_sentence": ["ロシアと北朝鮮の当局者が{dplace}で貿易と輸送について協議した。",
                          "協議はプーチン大統領と金正恩総書記が署名した条約に基づく。",
                          "北朝鮮の国営メディアは、双方が協力拡大で合意したと伝えた。"],
        "dplace": ["モスクワ", "平壌", "ウラジオストク", "ハサン"],
    },
    "zh": {
        "place": ["成都", "武汉", "杭州", "西安", "青岛", "厦门"],
        "subject": ["市议会", "地方银行", "铁路公司", "大学医院", "港务局", "足球俱乐部"],
        "headline": ["{place}{subject}宣布新增{num}个就业岗位",
                     "{place}{subject}{num}亿元预算引发质疑",
                     "暴雨导致{place}{num}户居民停电"],
        "sentence": ["{place}{subject}表示，该计划预计耗资约{num}亿元。",
                     "官员预计将在{num2}个月内看到初步结果。",
                     "一些居民批评说，当局没有及早征求公众意见。",
                     "据当地媒体报道，共有{num}人出席了会议。",
                     "这一决定是在围绕成本和优先事项讨论一年之后作出的。"],
        "dprk_headline": ["俄罗斯与朝鲜在{dplace}签署{num2}项新协议",
                          "拉夫罗夫在{dplace}会见崔善姬"],
        "dprk_sentence": ["俄罗斯和朝鲜官员在{dplace}讨论了贸易和运输问题。",
                          "此次会谈是在普京与金正恩签署伙伴关系条约之后举行的。",
                          "朝鲜官方媒体称，双方同意进一步扩大合作。"],
        "dplace": ["莫斯科", "平壤", "符拉迪沃斯托克", "哈桑"],
    },
    "de": {
        "place": ["Leipzig", "Bremen", "Freiburg", "Kassel", "Rostock", "Augsburg"],
        "subject": ["Stadtrat", "Sparkasse", "Verkehrsbetrieb", "Universitätsklinikum", "Hafenamt", "Fußballverein"],
        "headline": ["{place}: {subject} kündigt {num} neue Stellen an",
                     "{subject} in {place} unter Druck wegen Budget von {num} Millionen",
                     "Sturm: {num} Haushalte bei {place} ohne Strom"],
        "sentence": ["Der {subject} in {place} rechnet mit Kosten von rund {num} Millionen Euro.",
                     "Erste Ergebnisse werden in {num2} Monaten erwartet.",
                     "Kritiker bemängeln, die Anwohner seien zu spät beteiligt worden.",
                     "Laut örtlichen Medien kamen {num} Menschen zu der Versammlung.",
                     "Der Entscheidung ging ein Jahr der Diskussion über Kosten voraus."],
        "dprk_headline": ["Russland und Nordkorea unterzeichnen {num2} Abkommen in {dplace}",
                          "Lawrow trifft Choe Son Hui in {dplace}"],
        "dprk_sentence": ["Vertreter Russlands und Nordkoreas berieten in {dplace} über Handel und Verkehr.",
                          "Die Gespräche folgen dem Partnerschaftsvertrag von Putin und Kim Jong Un.",
                          "Staatsmedien in Pjöngjang meldeten eine Ausweitung der Zusammenarbeit."],
        "dplace": ["Moskau", "Pjöngjang", "Wladiwostok", "Chassan"],
    },
    "fr": {
        "place": ["Lyon", "Nantes", "Lille", "Bordeaux", "Rennes", "Grenoble"],
        "subject": ["conseil municipal", "banque régionale", "opérateur ferroviaire", "centre hospitalier",
                    "autorité portuaire", "club de football"],
        "headline": ["{place} : le {subject} annonce {num} nouveaux emplois",
                     "Le {subject} de {place} critiqué pour un budget de {num} millions",
                     "Tempête : {num} foyers privés d'électricité près de {place}"],
        "sentence": ["Le {subject} de {place} estime le coût du projet à environ {num} millions d'euros.",
                     "Les premiers résultats sont attendus d'ici {num2} mois.",
                     "Des habitants regrettent de ne pas avoir été consultés plus tôt.",
                     "Selon la presse locale, {num} personnes ont assisté à la réunion.",
                     "La décision intervient après un an de débats sur les coûts et les priorités."],
        "dprk_headline": ["La Russie et la Corée du Nord signent {num2} accords à {dplace}",
                          "Lavrov rencontre Choe Son Hui à {dplace}"],
        "dprk_sentence": ["Des responsables russes et nord-coréens ont discuté à {dplace} du commerce et des transports.",
                          "Ces discussions prolongent le traité de partenariat signé par Poutine et Kim Jong-un.",
                          "Les médias d'État de Pyongyang évoquent un élargissement de la coopération."],
        "dplace": ["Moscou", "Pyongyang", "Vladivostok", "Khassan"],
    },
    "es": {
        "place": ["Valencia", "Sevilla", "Bilbao", "Zaragoza", "Málaga", "Córdoba"],
        "subject": ["ayuntamiento", "banco regional", "operador ferroviario", "hospital universitario",
                    "autoridad portuaria", "club de fútbol"],
        "headline": ["{place}: el {subject} anuncia {num} nuevos empleos",
                     "El {subject} de {place}, cuestionado por un presupuesto de {num} millones",
                     "Un temporal deja sin luz a {num} hogares cerca de {place}"],
        "sentence": ["El {subject} de {place} calcula que el plan costará unos {num} millones de euros.",
                     "Los primeros resultados se esperan en un plazo de {num2} meses.",
                     "Algunos vecinos critican que no se les consultó a tiempo.",
                     "Según medios locales, {num} personas asistieron a la reunión.",
                     "La decisión llega tras un año de debate sobre costes y prioridades."],
        "dprk_headline": ["Rusia y Corea del Norte firman {num2} acuerdos en {dplace}",
                          "Lavrov se reúne con Choe Son Hui en {dplace}"],
        "dprk_sentence": ["Funcionarios rusos y norcoreanos trataron en {dplace} el comercio y el transporte.",
                          "Las conversaciones siguen al tratado de asociación firmado por Putin y Kim Jong Un.",
                          "La prensa estatal de Pyongyang habló de ampliar la cooperación."],
        "dplace": ["Moscú", "Pyongyang", "Vladivostok", "Jasán"],
    },
    "ar": {
        "place": ["الإسكندرية", "عمّان", "الدار البيضاء", "تونس", "بيروت", "مسقط"],
        "subject": ["المجلس البلدي", "البنك المركزي", "شركة السكك الحديدية", "المستشفى الجامعي",
                    "هيئة الميناء", "النادي الرياضي"],
        "headline": ["{subject} في {place} يعلن عن {num} وظيفة جديدة",
                     "جدل في {place} حول ميزانية {subject} البالغة {num} مليون",
                     "عاصفة تقطع الكهرباء عن {num} منزل قرب {place}"],
        "sentence": ["قال {subject} في {place} إن الخطة ستكلف نحو {num} مليون.",
                     "ويتوقع المسؤولون ظهور النتائج الأولى خلال {num2} أشهر.",
                     "وانتقد بعض السكان عدم استشارتهم في وقت مبكر.",
                     "وذكرت وسائل إعلام محلية أن {num} شخصا حضروا الاجتماع.",
                     "ويأتي القرار بعد عام من النقاش حول التكاليف والأولويات."],
        "dprk_headline": ["روسيا وكوريا الشمالية توقعان {num2} اتفاقيات في {dplace}",
                          "لافروف يلتقي تشوي سون هوي في {dplace}"],
        "dprk_sentence": ["ناقش مسؤولون روس وكوريون شماليون في {dplace} التجارة والنقل.",
                          "وتأتي المحادثات بعد معاهدة الشراكة التي وقعها بوتين وكيم جونغ أون.",
                          "وقالت وسائل الإعلام الرسمية في بيونغ يانغ إن الجانبين اتفقا على توسيع التعاون."],
        "dplace": ["موسكو", "بيونغ يانغ", "فلاديفوستوك", "خاسان"],
    },
    "hi": {
        "place": ["पुणे", "जयपुर", "लखनऊ", "भोपाल", "पटना", "इंदौर"],
        "subject": ["नगर निगम", "क्षेत्रीय बैंक", "रेलवे विभाग", "मेडिकल कॉलेज", "बंदरगाह प्राधिकरण", "फुटबॉल क्लब"],
        "headline": ["{place} में {subject} ने {num} नई नौकरियों की घोषणा की",
                     "{place} के {subject} के {num} करोड़ के बजट पर सवाल",
                     "आंधी के बाद {place} के पास {num} घरों की बिजली गुल"],
        "sentence": ["{place} के {subject} ने कहा कि योजना पर लगभग {num} करोड़ रुपये खर्च होंगे।",
                     "अधिकारियों को {num2} महीनों में पहले नतीजों की उम्मीद है।",
                     "कुछ निवासियों ने शिकायत की कि उनसे समय पर सलाह नहीं ली गई।",
                     "स्थानीय मीडिया के अनुसार बैठक में {num} लोग शामिल हुए।",
                     "यह फैसला लागत और प्राथमिकताओं पर एक साल की बहस के बाद आया है।"],
        "dprk_headline": ["रूस और उत्तर कोरिया ने {dplace} में {num2} नए समझौतों पर हस्ताक्षर किए",
                          "लावरोव ने {dplace} में चोए सोन हुई से मुलाकात की"],
        "dprk_sentence": ["रूस और उत्तर कोरिया के अधिकारियों ने {dplace} में व्यापार और परिवहन पर चर्चा की।",
                          "यह वार्ता पुतिन और किम जोंग उन द्वारा हस्ताक्षरित साझेदारी संधि के बाद हुई है।",
                          "प्योंगयांग के सरकारी मीडिया ने कहा कि दोनों पक्ष सहयोग बढ़ाने पर सहमत हुए।"],
        "dplace": ["मॉस्को", "प्योंगयांग", "व्लादिवोस्तोक", "खासान"],
    },
}

_TLDS = {"en": "com", "ru": "ru", "ko": "kr", "ja": "jp", "zh": "cn", "de": "de", "fr": "fr", "es": "es", "ar": "ae", "hi": "in"}


def _fill(template: str, rng: random.Random, lang: dict[str, list[str]]) -> str:
    return template.format(place=rng.choice(lang["place"]), subject=rng.choice(lang["subject"]),
                           dplace=rng.choice(lang["dplace"]), num=rng.randint(12, 9800), num2=rng.randint(2, 40))


# A story's own sentences are drawn from the language's most frequent words (wordfreq, a
# dependency of newsmon): function words as often as in running text, content words from a few
# thousand, so two unrelated stories share about as few word triples as real ones do.
FUNCTION_WORDS, CONTENT_WORDS = 100, 5000
FUNCTION_SHARE = 0.4
_NO_SPACES = {"ja", "zh"}
_FULL_STOP = {"ja": "。", "zh": "。", "hi": "।"}


@functools.cache
def _vocabulary(code: str) -> tuple[list[str], list[str]]:
    words = [w for w in wordfreq.top_n_list(code, CONTENT_WORDS + 500)
             if all(unicodedata.category(c)[0] in "LM" for c in w)]
    return words[:FUNCTION_WORDS], words[FUNCTION_WORDS:CONTENT_WORDS]


def _own_sentence(rng: random.Random, code: str) -> str:
    function, content = _vocabulary(code)
    words = [rng.choice(function if rng.random() < FUNCTION_SHARE else content)
             for _ in range(rng.randint(7, 14))]
    if code in _NO_SPACES:
        return "".join(words) + _FULL_STOP[code]
    return " ".join(words).capitalize() + _FULL_STOP.get(code, ".")


def _story(rng: random.Random, code: str, host: str, serial: int, is_dprk: bool, epoch: datetime) -> Item:
    lang = TEMPLATES[code]
    headline = rng.choice(lang["dprk_headline" if is_dprk else "headline"])
    # The story's own sentences, and for a Russia–DPRK story one templated sentence with the
    # topic's terms. (Bodies made only of a few shared template sentences made unrelated stories
    # near-copies: 47 LSH candidates per article against 0.05 in the real feeds of ../shared.)
    filled = [_own_sentence(rng, code) for _ in range(rng.randint(2, 4))]
    if is_dprk:
        filled[0] = _fill(rng.choice(lang["dprk_sentence"]), rng, lang)
    body = f"<p>{filled[0]} {filled[1]}</p>"
    if len(filled) > 2:
        body += f"<p>{' '.join(filled[2:])}</p>"
    extra = rng.random()
    if extra < 0.3:
        body = f'<img src="https://{host}/img/{serial}.jpg" alt=""/>' + body
    elif extra < 0.4:
        body += "<script>window.track && track('rss');</script>"
    elif extra < 0.6:
        body += f'<p><a href="https://{host}/topics/{serial % 97}"><strong>&#8594;</strong> {lang["place"][0]}</a></p>'
    path = f"news/2026/11/{serial % 28 + 1:02d}/story-{serial}"
    published = epoch - timedelta(minutes=rng.randint(0, 3 * 24 * 60))
    return Item(f"https://{host}/{path}", f"{host}:{serial}", _fill(headline, rng, lang), body, published)


def _syndicated(rng: random.Random, source: Item, code: str, host: str, serial: int, feed_no: int) -> Item:
    """Another outlet's version: its own URL with tracking parameters, and a small edit."""
    lang = TEMPLATES[code]
    html = source.html
    if rng.random() < 0.5:
        html += f"<p>{_fill(rng.choice(lang['sentence']), rng, lang)}</p>"
    else:
        html = html.rsplit("</p>", 2)[0] + "</p>" if html.count("</p>") > 1 else html
    url = f"https://{host}/world/story-{serial}?utm_source=rss&utm_medium=feed&utm_campaign=f{feed_no}"
    return Item(url, f"{host}:{serial}", source.title, html, source.published + timedelta(minutes=rng.randint(5, 90)))


def _with_tracking(item: Item, feed_no: int) -> Item:
    return replace(item, url=f"{item.url}?utm_source=partner{feed_no}&fbclid=x{feed_no}")


def _rss(title: str, link: str, code: str, items: list[Item]) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
             f"<link>{link}</link><language>{code}</language>"]
    for item in items:
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.url)}</link>"
            f'<guid isPermaLink="false">{item.guid}</guid>'
            f"<pubDate>{item.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<description><![CDATA[{item.html}]]></description></item>"
        )
    parts.append("</channel></rss>\n")
    return "\n".join(parts)


def _atom(title: str, link: str, code: str, items: list[Item], epoch: datetime) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{code}">'
             f'<title>{escape(title)}</title><link href="{link}"/><id>{link}</id>'
             f"<updated>{epoch.isoformat()}</updated>"]
    for item in items:
        parts.append(
            f'<entry><title>{escape(item.title)}</title><link href="{escape(item.url)}"/><id>{item.guid}</id>'
            f"<updated>{item.published.isoformat()}</updated>"
            f'<content type="html">{escape(item.html)}</content></entry>'
        )
    parts.append("</feed>\n")
    return "\n".join(parts)


def generate_corpus(out_dir: Path, feeds: int, items: int, seed: int = 0, first_feed: int = 1,
                    dprk_share: float = DPRK_SHARE, epoch: datetime = EPOCH) -> CorpusInfo:
    """Write `feeds` feed files of `items` items each, plus feeds.csv (URLs start with {base}).

    `first_feed` numbers the feeds, so two corpora with different numbers and seeds share nothing.
    `dprk_share`: the share of fresh stories about Russia–DPRK relations (the topic matches that
    event linking works on; 0.15 by default, bench/run.py --dprk-share). Items are published in
    the three days before `epoch` (a syndicated copy up to 90 minutes after its source)."""
    rng = random.Random(seed)
    feed_dir = Path(out_dir) / "feeds"
    feed_dir.mkdir(parents=True, exist_ok=True)
    codes = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    wire: dict[str, list[Item]] = {code: [] for code in codes}
    rows, urls, written, dprk = [], set(), 0, 0
    for feed_no in range(first_feed, first_feed + feeds):
        code = rng.choices(codes, weights)[0]
        host = f"news{feed_no}.example.{_TLDS[code]}"
        feed_items = []
        for n in range(items):
            serial = feed_no * 100_000 + n
            roll = rng.random()
            pool = wire[code]
            if pool and roll < EXACT_DUPLICATE_SHARE:
                item = _with_tracking(rng.choice(pool[-500:]), feed_no)
            elif pool and roll < EXACT_DUPLICATE_SHARE + SYNDICATED_SHARE:
                item = _syndicated(rng, rng.choice(pool[-500:]), code, host, serial, feed_no)
            else:
                is_dprk = rng.random() < dprk_share
                dprk += is_dprk
                item = _story(rng, code, host, serial, is_dprk, epoch)
                if rng.random() < WIRE_SHARE:
                    pool.append(item)
            feed_items.append(item)
            urls.add(item.url.split("?", 1)[0])
        name = f"Outlet {feed_no} ({code})"
        link = f"https://{host}/"
        document = _atom(name, link, code, feed_items, epoch) if rng.random() < ATOM_SHARE else _rss(name, link, code, feed_items)
        (feed_dir / f"f{feed_no:05d}.xml").write_text(document, encoding="utf-8")
        written += len(feed_items)
        # A quarter of the registry rows leave the language blank: detection must not lean on hints.
        rows.append({"feed_id": f"f{feed_no:05d}", "name": name, "url": f"{{base}}/feeds/f{feed_no:05d}.xml",
                     "language": code if rng.random() < 0.75 else "", "country": "", "active": "true", "side": ""})
    with open(Path(out_dir) / "feeds.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return CorpusInfo(Path(out_dir), feeds, written, len(urls), dprk)
