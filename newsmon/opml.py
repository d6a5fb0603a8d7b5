"""OPML import and export of the feed registry, for moving feed lists between readers.

OPML comes from other people's feed readers, so it is parsed with expat directly and any
DTD is refused before a single entity can be declared (no defusedxml needed).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.parsers import expat

from newsmon.feed_options import FALSE_WORDS, FEED_ID_PATTERN, fallback_problems, parse_feed_options
from newsmon.feeds import (
    COUNTRY_PATTERN,
    CSV_COLUMNS,
    LANGUAGE_PATTERN,
    SIDE_PATTERN,
    feed_to_row,
    unique_feed_id,
    url_key,
    url_problem,
)
from newsmon.records import Feed

MAX_OPML_BYTES = 10 * 1024 * 1024  # a 10k-feed export is ~2 MB; more is not a subscription list
MAX_SLUG_LENGTH = 40
# Our own attributes in exported OPML, so an export/import round trip keeps what OPML has no word for.
NEWSMON_NS = "https://newsmon.invalid/opml"
NEWSMON_PREFIX = "newsmon"
# Registry columns kept as newsmon:<column> attributes (notes go to OPML's own `description`).
OPTION_ATTRIBUTES = ("role", "critical", "fallbacks", "user_agent", "headers", "interval_hours", "fulltext")
XML_DECL_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)""")
XML_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class OpmlError(ValueError):
    """The OPML document is unsafe, malformed, or lists unusable feed URLs."""


# --- OPML export -----------------------------------------------------------------------------------


def feeds_to_opml(feeds: Sequence[Feed], title: str = "newsmon feeds") -> str:
    """OPML 2.0 with one flat `<outline type="rss">` per feed; readers import it as-is."""
    root = ET.Element("opml", {"version": "2.0", f"xmlns:{NEWSMON_PREFIX}": NEWSMON_NS})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = _xml_safe(feed.name)
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": _xml_safe(feed.url)}
        if feed.language:
            attrs["language"] = feed.language
        if feed.notes:
            attrs["description"] = _xml_safe(feed.notes)
        row = dict(zip(CSV_COLUMNS, feed_to_row(feed), strict=True))
        ours = {"id": feed.feed_id, "country": feed.country, "side": feed.side}
        ours.update({column: row[column] for column in OPTION_ATTRIBUTES})
        if not feed.active:
            ours["active"] = "false"
        attrs.update({f"{NEWSMON_PREFIX}:{key}": _xml_safe(value) for key, value in ours.items() if value})
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_safe(text: str) -> str:
    # ElementTree escapes markup but happily writes characters XML 1.0 forbids (NUL, other C0 controls).
    return XML_ILLEGAL_CHARS.sub("", text)


# --- OPML import -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What an OPML document lists: the usable feeds, and one line per outline it skipped."""

    feeds: list[Feed]
    lines: dict[str, int]  # feed_id -> line of its outline
    rejected: list[str]  # "line N: why: url" for outlines that cannot be used (bad URL, bad options)
    duplicates: list[str]  # "line N: ..." for outlines repeating a URL listed earlier in the document


def feeds_from_opml(data: bytes) -> list[Feed]:
    """Feeds listed in an OPML subscription list, in document order, one per distinct URL.

    Strict: any unusable outline (a non-http(s) URL, bad newsmon options) rejects the whole document
    with an OpmlError naming the lines. `read_opml` keeps the usable feeds and lists the rest.
    """
    result = read_opml(data)
    if result.rejected:
        raise OpmlError("OPML lists feeds that cannot be used:\n" + "\n".join(result.rejected))
    return result.feeds


def read_opml(data: bytes) -> OpmlImport:
    """Every usable feed of an OPML document, and what was skipped, each with its line.

    Category outlines (no xmlUrl) are walked into, not imported. A feed filed in several folders is
    imported once (its later outlines are listed as duplicates). Only a DTD, malformed XML or a
    non-OPML root reject the whole document (OpmlError).
    """
    outlines = _parse_opml_outlines(data)
    feeds: list[Feed] = []
    rejected: list[str] = []
    duplicates: list[str] = []
    used_ids: set[str] = set()
    seen_urls: dict[str, int] = {}
    lines: dict[str, int] = {}
    for line, attrs in outlines:
        url = _attr(attrs, "xmlurl")
        if not url:
            continue
        if problem := url_problem(url):
            rejected.append(f"line {line}: {problem}: {url!r}")
            continue
        key = url_key(url)
        if key in seen_urls:
            duplicates.append(f"line {line}: same feed as line {seen_urls[key]}: {url}")
            continue
        seen_urls[key] = line
        name = _attr(attrs, "text") or _attr(attrs, "title") or urlsplit(url).hostname or url
        wanted_id = _attr(attrs, f"{NEWSMON_NS} id")
        if not (wanted_id and FEED_ID_PATTERN.match(wanted_id)):
            wanted_id = slug_feed_id(name, url)

        def cell(column: str, attrs: dict[str, str] = attrs) -> str:
            if column == "notes":
                return _attr(attrs, "description")
            return _attr(attrs, f"{NEWSMON_NS} {column}")

        options, problems = parse_feed_options(cell)
        if problems:
            rejected += [f"line {line}: {problem}: {url}" for problem in problems]
            continue
        feed_id = unique_feed_id(wanted_id, used_ids)
        used_ids.add(feed_id)
        lines[feed_id] = line
        feeds.append(
            Feed(
                feed_id=feed_id,
                name=name,
                url=url,
                language=_language_hint(_attr(attrs, "language")),
                country=_match_or_none(COUNTRY_PATTERN, _attr(attrs, f"{NEWSMON_NS} country").upper()),
                active=(options["role"] != "fallback"
                        and _attr(attrs, f"{NEWSMON_NS} active").lower() not in FALSE_WORDS),
                side=_match_or_none(SIDE_PATTERN, _attr(attrs, f"{NEWSMON_NS} side").lower()),
                **options,  # type: ignore[arg-type]
            )
        )
    bad_fallbacks = fallback_problems(feeds)
    rejected += [f"line {lines[feed_id]}: {problem}" for feed_id, problem in bad_fallbacks]
    dropped = {feed_id for feed_id, _ in bad_fallbacks}
    feeds = [feed for feed in feeds if feed.feed_id not in dropped]
    rejected.sort(key=lambda message: int(message.split(":", 1)[0].removeprefix("line ")))
    return OpmlImport(feeds, {k: v for k, v in lines.items() if k not in dropped}, rejected, duplicates)


class _DoctypeForbidden(Exception):
    pass


def _parse_opml_outlines(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, attributes) of every <outline>, at any depth. Attribute names are lowercased."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"OPML file is too large ({len(data)} bytes, limit {MAX_OPML_BYTES})")
    data = _transcode_to_utf8(data)
    # namespace_separator=" " makes our own attributes arrive as "<uri> id" whatever prefix was used.
    parser = expat.ParserCreate(namespace_separator=" ")
    # Refuse at the first sign of a DTD: nothing inside it (entity declarations, external
    # subsets) is ever read, so entity bombs and XXE cannot start.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _DoctypeForbidden

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse

    outlines: list[tuple[int, dict[str, str]]] = []
    root: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1].lower()
        if not root:
            root.append(local)
            return
        if local == "outline":
            outlines.append((parser.CurrentLineNumber, {k.lower(): v for k, v in attrs.items()}))

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _DoctypeForbidden:
        message = "OPML documents with a DOCTYPE or entity declarations are refused (unsafe XML)"
        raise OpmlError(message) from None
    except expat.ExpatError as exc:
        raise OpmlError(f"not well-formed XML: {expat.ErrorString(exc.code)} at line {exc.lineno}") from None
    if root != ["opml"]:
        raise OpmlError(f"not an OPML document (root element is <{root[0] if root else ''}>)")
    return outlines


def _transcode_to_utf8(data: bytes) -> bytes:
    """Expat reads UTF-8/16 and single-byte codecs only; exports from old Korean, Japanese or
    Chinese software may declare EUC-KR, Shift_JIS or GB2312, so decode those with Python."""
    match = XML_DECL_ENCODING.match(data)
    if not match:
        return data  # no declaration (UTF-8 or a BOM-marked UTF-16): expat knows what to do
    declared = match.group(2).decode("ascii")
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise OpmlError(f"unknown encoding declared: {declared!r}") from None
    if codec in ("utf-8", "ascii", "latin-1"):
        return data
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise OpmlError(f"bytes do not match the declared encoding {declared!r} (byte {exc.start})") from None
    return (match.group(1).decode("ascii") + "UTF-8" + text[match.end(2) :]).encode("utf-8")


def _attr(attrs: dict[str, str], name: str) -> str:
    # Keys are lowercased, so xmlUrl / xmlurl / XMLURL all match "xmlurl".
    return (attrs.get(name.lower()) or "").strip()


def _language_hint(value: str) -> str | None:
    # Readers write "en", "en-US", "zh_CN"; the registry keeps the primary subtag.
    primary = re.split(r"[-_]", value.lower(), maxsplit=1)[0]
    return primary if LANGUAGE_PATTERN.match(primary) else None


def _match_or_none(pattern: re.Pattern[str], value: str) -> str | None:
    return value if pattern.match(value) else None


def slug_feed_id(name: str, url: str) -> str:
    """A readable, stable id: the ASCII slug of the name, or of the host for non-Latin names."""
    letters = [ch for ch in name if ch.isalpha()]
    latin = [ch for ch in letters if unicodedata.normalize("NFKD", ch)[:1].isascii()]
    slug = _slug(name) if letters and len(latin) * 2 >= len(letters) else ""
    if len(slug) < 2:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        slug = _slug(host) or "feed"
    return slug


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("_", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug
