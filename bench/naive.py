"""The naive reference pipeline, written the way a tutorial would, honestly and correctly.

One feed at a time, one item at a time: HTTP GET, feedparser with its default HTML sanitizer,
BeautifulSoup per item, langdetect per item (seeded), a regex with a short term list for the
Russia–DPRK flag, a near-duplicate check of the title against recently stored titles, and
row-by-row DuckDB inserts (each its own transaction) after a primary-key check. It stores the
same kind of output as newsmon (articles with a language and a topic flag) in its own table,
so bench/run.py can compare throughput on the same corpus.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import duckdb
import feedparser
import httpx
from bs4 import BeautifulSoup
from langdetect import DetectorFactory, LangDetectException, detect

DetectorFactory.seed = 0

# Both sides must be named for the flag; a short multilingual term list, as a tutorial would keep.
RUSSIA = re.compile(
    r"russia|russian|moscow|kremlin|putin|lavrov|росси|москв|кремл|путин|лавров|러시아|모스크바|푸틴|라브로프"
    r"|ロシア|モスクワ|プーチン|ラブロフ|俄罗斯|莫斯科|普京|拉夫罗夫|russland|moskau|lawrow|russie|moscou|poutine"
    r"|rusia|moscú|روسيا|موسكو|بوتين|لافروف|रूस|मॉस्को|पुतिन|लावरोव",
    re.IGNORECASE,
)
DPRK = re.compile(
    r"north korea|dprk|pyongyang|kim jong|кндр|северн\w* коре|пхеньян|ким чен|북한|평양|김정은|北朝鮮|平壌|金正恩"
    r"|朝鲜|平壤|nordkorea|pjöngjang|corée du nord|nord-coréen|corea del norte|norcorean|كوريا الشمالية|بيونغ يانغ"
    r"|كيم جونغ|उत्तर कोरिया|प्योंगयांग|किम जोंग",
    re.IGNORECASE,
)
TRACKING = ("utm_", "fbclid", "gclid")
NEAR_DUPLICATE_CUTOFF = 0.9
RECENT_TITLES = 500

SCHEMA = """
create table if not exists naive_articles (
    url varchar primary key, feed_id varchar, title varchar, text varchar, published_at timestamptz,
    lang varchar, is_russia_dprk boolean, near_duplicate_of varchar, stored_at timestamptz
)
"""


@dataclass(frozen=True, slots=True)
class NaiveStats:
    feeds: int
    entries: int
    stored: int
    seconds: float


def normalise_url(link: str) -> str:
    """Lowercase scheme and host, drop the fragment and tracking parameters."""
    parts = urlsplit(link.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def detect_language(text: str) -> str:
    try:
        return detect(text)
    except LangDetectException:
        return "und"


def is_russia_dprk(text: str) -> bool:
    return bool(RUSSIA.search(text)) and bool(DPRK.search(text))


def run_naive(feeds: list[tuple[str, str]], db_path: Path, limit: int | None = None) -> NaiveStats:
    """Ingest (feed_id, url) feeds in order; stop after `limit` entries (None: all)."""
    started = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute(SCHEMA)
    entries = stored = done_feeds = 0
    with httpx.Client(timeout=30) as client:
        for feed_id, feed_url in feeds:
            if limit is not None and entries >= limit:
                break
            response = client.get(feed_url)
            response.raise_for_status()
            document = feedparser.parse(response.content)  # default: sanitize_html=True
            done_feeds += 1
            for item in document.entries:
                if limit is not None and entries >= limit:
                    break
                entries += 1
                link = item.get("link")
                if not link:
                    continue
                url = normalise_url(link)
                if con.execute("select 1 from naive_articles where url = ?", [url]).fetchone():
                    continue
                title = html_to_text(item.get("title", ""))
                body = item["content"][0]["value"] if item.get("content") else item.get("summary", "")
                text = html_to_text(body)
                lang = detect_language(f"{title} {text}")
                recent = [t for (t,) in con.execute(
                    "select title from naive_articles order by stored_at desc limit ?", [RECENT_TITLES]).fetchall()]
                close = difflib.get_close_matches(title, recent, n=1, cutoff=NEAR_DUPLICATE_CUTOFF)
                duplicate_of = None
                if close:
                    duplicate_of = con.execute("select url from naive_articles where title = ? limit 1",
                                               [close[0]]).fetchone()[0]
                parsed = item.get("published_parsed") or item.get("updated_parsed")
                published = datetime(*parsed[:6], tzinfo=UTC) if parsed else None
                con.execute(
                    "insert into naive_articles values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [url, feed_id, title, text, published, lang, is_russia_dprk(f"{title} {text}"),
                     duplicate_of, datetime.now(UTC)],
                )
                stored += 1
    con.close()
    return NaiveStats(done_feeds, entries, stored, time.perf_counter() - started)
