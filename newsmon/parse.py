"""Feed bytes to typed entries: the only module that sees feedparser's loose dicts.

feedparser only ever receives bytes we fetched (never a URL or a path: `parse(str)`
opens local files). Before it does, the document is made safe to parse: internal DTD
subsets (entity bombs, external entities) are removed, and over-long author fields are
cut because feedparser's author/e-mail regex backtracks catastrophically on crafted
input. Dates become UTC; a missing date stays None; a date in the future is clamped
to the fetch time so it cannot keep an article "new" forever. A link is kept as published
(made absolute) next to its canonical form, which serves identity only.
"""

from __future__ import annotations

import calendar
import re
import warnings
from datetime import UTC, datetime

import feedparser

from newsmon.records import Entry, ParsedFeed
from newsmon.urls import absolute_url, canonical_url

# feedparser warns on every entry that lacks updated_parsed; the fallback it describes is
# exactly what _entry_date does explicitly.
warnings.filterwarnings("ignore", message="To avoid breaking existing software", category=DeprecationWarning)

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
_AUTHOR_FIELD = re.compile(
    rb"(<(?:[a-z]+:)?(?:author|creator|managingEditor|webMaster|name|email)\b[^>]{0,200}>)([^<]{300,})",
    re.IGNORECASE,
)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_CHALLENGE = re.compile(rb"cf-browser-verification|challenge-platform|Just a moment\.\.\.|captcha", re.IGNORECASE)
_LANG = re.compile(r"^[a-zA-Z]{2,3}")
_PROLOG = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._:\-]+)([\"'])")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]+)", re.IGNORECASE)
# Publishers often declare a legacy charset but write its common superset (cp949 text
# labelled euc-kr, windows-1252 quotes labelled iso-8859-1). Decoding with the superset,
# as browsers do (WHATWG Encoding), keeps such text from turning into mojibake.
_SUPERSETS = {
    "euc-kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949", "korean": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "big5": "big5hkscs", "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
}


def make_safe_xml(content: bytes) -> bytes:
    """Remove what feedparser must never see: DTD internal subsets and huge author fields."""
    head = content[:65536]
    if b"<!ENTITY" in head or b"<!entity" in head:
        content = _DOCTYPE_SUBSET.sub(b"", content, count=1)
        content = _ENTITY_DECL.sub(b"", content)
    return _AUTHOR_FIELD.sub(lambda m: m.group(1) + m.group(2)[:200], content)


def transcode_legacy(content: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Re-encode a document declared in a legacy charset as UTF-8, decoding with its superset.

    The HTTP charset wins over the XML prolog (RFC 7303). Documents in UTF-8/16/32 or with
    no declaration are left to feedparser, which handles BOMs and the XML rules itself.
    """
    declared = None
    http = _CHARSET.search(content_type or "")
    prolog = _PROLOG.match(content[:512])
    if http:
        declared = http.group(1)
    elif prolog:
        declared = prolog.group(2).decode("ascii")
    codec = _SUPERSETS.get((declared or "").lower())
    if codec is None or content[:3] == b"\xef\xbb\xbf" or content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content, content_type
    text = content.decode(codec, errors="replace")
    utf8 = text.encode("utf-8")
    if prolog:
        utf8 = _PROLOG.sub(lambda m: m.group(1) + b"utf-8" + m.group(3), utf8, count=1)
    return utf8, "application/xml; charset=utf-8"


def parse_feed(
    feed_id: str,
    content: bytes,
    fetched_at: datetime,
    base_url: str | None = None,
    content_type: str | None = None,
    declared_language: str | None = None,
    max_entries: int = 500,
) -> ParsedFeed:
    """Parse one feed document into entries, or a typed reason (not_a_feed, blocked, parse_error)."""
    content, content_type = transcode_legacy(content, content_type)
    headers = {"content-type": content_type} if content_type else None
    try:
        doc = feedparser.parse(
            make_safe_xml(content),
            response_headers=headers,
            sanitize_html=False,  # we never store HTML: extract.py turns it into text
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is defensive, but a crash must not stop the run
        return ParsedFeed(feed_id, None, None, (), "parse_error", f"{type(exc).__name__}: {exc}"[:300])

    if not doc.entries and not doc.get("version"):
        if _CHALLENGE.search(content[:20000]):
            return ParsedFeed(feed_id, None, None, (), "blocked", "an anti-bot challenge page, not a feed")
        if _HTML_START.search(content[:4096]) or b"<html" in content[:4096].lower():
            return ParsedFeed(feed_id, None, None, (), "not_a_feed", "an HTML page, not a feed")
        reason = str(doc.get("bozo_exception") or "no feed found")
        return ParsedFeed(feed_id, None, None, (), "not_a_feed", reason[:300])
    if not doc.entries and doc.get("bozo"):
        reason = str(doc.get("bozo_exception") or "malformed feed")
        return ParsedFeed(feed_id, None, None, (), "parse_error", reason[:300])

    channel = doc.get("feed", {})
    language = _language_code(channel.get("language")) or declared_language
    base = base_url or channel.get("link")
    entries = tuple(
        _to_entry(feed_id, item, base, fetched_at, language) for item in doc.entries[:max_entries]
    )
    return ParsedFeed(feed_id, _str(channel.get("title")), language, entries)


def _to_entry(feed_id: str, item, base: str | None, fetched_at: datetime, language: str | None) -> Entry:
    link = absolute_url(_str(item.get("link")), base)
    if link is None:  # some feeds only put the permalink in the guid
        guid_link = _str(item.get("id"))
        if guid_link and guid_link.lower().startswith(("http://", "https://")):
            link = absolute_url(guid_link, base)
    content_html = ""
    for part in item.get("content") or []:
        value = _str(part.get("value"))
        if value and len(value) > len(content_html):
            content_html = value
    return Entry(
        feed_id=feed_id,
        url=canonical_url(link) if link else None,  # for identity; `link` is what is stored and sent
        guid=(_str(item.get("id")) or None),
        title_html=_str(item.get("title"))[:4000],
        summary_html=_str(item.get("summary"))[:200_000],
        content_html=content_html[:400_000],
        author=(_str(item.get("author"))[:200] or None),
        published_at=_entry_date(item, fetched_at),
        feed_language=_language_code(item.get("language")) or language,
        link=link,
    )


def _entry_date(item, fetched_at: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = item.get(key)
        if not parsed:
            continue
        try:
            when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, OSError):
            continue
        if when.year < 1990:
            continue
        return min(when, fetched_at)
    return None


def _language_code(value) -> str | None:
    match = _LANG.match(_str(value).strip())
    return match.group(0).lower() if match else None


def _str(value) -> str:
    return value if isinstance(value, str) else ""
