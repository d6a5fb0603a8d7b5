"""Pure: an article page's bytes -> its main text, byline, publication time and language.

trafilatura finds the main content (paragraphs kept; navigation, related links, comments and
banners dropped); a few news boilerplate lines it keeps inside bodies (wire credits, "Read also"
boxes, reporter e-mails, copyright and editor lines, photo captions) are dropped here. Byline and
time come from the page's own markup (JSON-LD, article:* meta tags) when it has them, which keeps
the time zone and whole names, else from trafilatura's metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from trafilatura.utils import decode_file

from newsmon.untrusted import clean_text

EXTRACTOR = f"trafilatura {trafilatura.__version__}"
HEAD_CHARS = 200_000  # where the page's metadata is looked for

_BOILERPLATE = re.compile(
    r"^(?:read (?:also|more)|see also|related:|lesen sie auch|lire aussi|lea también|читайте также|читайте також"
    r"|смотрите также|ये भी पढ़ें|यह भी पढ़ें|관련\s*기사|関連記事|相关阅读|相关新闻"
    r"|(?:reporting|writing|editing|additional reporting) by\b|our standards:"
    r"|[<\[(【]?\s*(?:저작권자|copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)|责任编辑)"
    r"|\S+@\S+\.\w+$)",
    re.I,
)
_CAPTION_END = re.compile(r"(?:（资料图）|\(资料图\)|资料图片|자료사진|\(photo\)|\(file photo\))\s*$", re.I)
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.I)
_PUBLISHED = (
    re.compile(r"<meta[^>]+(?:property|name)\s*=\s*[\"']article:published_time[\"'][^>]*content\s*=\s*[\"']([^\"']+)", re.I),
    re.compile(r"\"datePublished\"\s*:\s*\"([^\"]+)\""),
    re.compile(r"<time[^>]+datetime\s*=\s*[\"']([^\"']+)", re.I),
)
_AUTHOR = (
    re.compile(r"\"author\"\s*:\s*\[?\s*\{[^{}]*?\"name\"\s*:\s*\"([^\"]{2,100})\""),
    re.compile(r"<meta[^>]+name\s*=\s*[\"'](?:article:)?author[\"'][^>]*content\s*=\s*[\"']([^\"']{2,100})", re.I),
)


@dataclass(frozen=True, slots=True)
class PageText:
    """What a page says, as plain text; `text` has one paragraph per line ("" when none was found)."""

    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    lang: str | None = None
    html: str = ""  # the decoded page (wall detection reads it; never stored)


def decode_page(content: bytes) -> str:
    """The page as text: its declared charset (HTTP-equiv meta included), else detected."""
    return decode_file(content)


def extract_page(content: bytes | str, url: str | None = None) -> PageText:
    html = content if isinstance(content, str) else decode_page(content)
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True, deduplicate=False)
    except Exception:  # noqa: BLE001 - a page the extractor cannot read has no text
        doc = None
    head = html[:HEAD_CHARS]
    lines = [clean_text(line) for line in ((doc.text if doc else None) or "").splitlines()]
    text = "\n".join(line for line in lines if line and not _is_boilerplate(line))
    title = clean_text(doc.title) if doc and doc.title else None
    author = _first(_AUTHOR, head) or (doc.author if doc else None)
    published = _parse_time(_first(_PUBLISHED, head)) or _parse_time(doc.date if doc else None)
    match = _HTML_LANG.search(head)
    lang = match.group(1).lower() if match else (doc.language if doc else None)
    return PageText(text, title, clean_text(author) if author else None, published, lang, html)


def _is_boilerplate(line: str) -> bool:
    return len(line) < 200 and bool(_BOILERPLATE.match(line) or _CAPTION_END.search(line))


def _first(patterns: tuple[re.Pattern, ...], text: str) -> str | None:
    for pattern in patterns:
        if match := pattern.search(text):
            return match.group(1).strip()
    return None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
