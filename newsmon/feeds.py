"""The feed registry: seeds/feeds.csv <-> list[Feed] <-> OPML.

Pure apart from reading and writing the CSV file: no network, no database.
CSV errors name file and line and are all reported at once, so a user fixes a file in one pass.
OPML comes from other people's feed readers, so it is parsed with expat directly and any
DTD is refused before a single entity can be declared (no defusedxml needed).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.parsers import expat

from newsmon.records import Feed

CSV_COLUMNS = ("feed_id", "name", "url", "language", "country", "active", "side")
REQUIRED_COLUMNS = ("feed_id", "name", "url")

FEED_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
SIDE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_EXTRA_FIELDS = "\0extra"  # DictReader key for cells beyond the header
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})

MAX_OPML_BYTES = 10 * 1024 * 1024  # a 10k-feed export is ~2 MB; more is not a subscription list
MAX_SLUG_LENGTH = 40
# Our own attributes in exported OPML, so an export/import round trip keeps what OPML has no word for.
NEWSMON_NS = "https://newsmon.invalid/opml"
NEWSMON_PREFIX = "newsmon"
XML_DECL_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)""")
XML_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FeedCsvError(ValueError):
    """One or more invalid rows; `errors` holds one `file:line: message` string per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class OpmlError(ValueError):
    """The OPML document is unsafe, malformed, or lists unusable feed URLs."""


# --- shared validation -----------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched as a feed, or None when it is a plain http(s) URL."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "url must not contain whitespace or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a non-numeric or out-of-range port
    except ValueError:
        return "url is malformed"
    if parts.scheme.lower() not in ("http", "https"):
        return "url must be http(s)"
    if not parts.hostname:
        return "url has no host"
    return None


def url_key(url: str) -> str:
    """Comparison key for "same feed": scheme and host are case-insensitive, default ports and
    fragments do not matter; path and query are compared exactly (servers treat them so)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip().lower()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


# --- CSV -------------------------------------------------------------------------------------------


def read_feeds_csv(path: Path) -> list[Feed]:
    """Read and validate a feed registry CSV. Raises FeedCsvError listing every bad line."""
    label = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedCsvError([f"{label}:1: not valid UTF-8 (byte {exc.start})"]) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA_FIELDS)
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise FeedCsvError([f"{label}:1: empty file, expected a header with {', '.join(REQUIRED_COLUMNS)}"])
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FeedCsvError([f"{label}:1: missing required column(s): {', '.join(missing)}"])
    reader.fieldnames = header

    feeds: list[Feed] = []
    errors: list[str] = []
    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(isinstance(value, str) and value.strip() for value in row.values()):
            continue  # a line of empty cells
        feed, problems = _feed_from_row(row, len(header))
        for problem in problems:
            errors.append(f"{label}:{line}: {problem}")
        if feed is None:
            continue
        if feed.feed_id in seen_ids:
            first = seen_ids[feed.feed_id]
            errors.append(f"{label}:{line}: duplicate feed_id {feed.feed_id!r} (first on line {first})")
            continue
        key = url_key(feed.url)
        if key in seen_urls:
            errors.append(f"{label}:{line}: duplicate url {feed.url!r} (first on line {seen_urls[key]})")
            continue
        seen_ids[feed.feed_id] = line
        seen_urls[key] = line
        feeds.append(feed)
    if errors:
        raise FeedCsvError(errors)
    return feeds


def _feed_from_row(row: dict, width: int) -> tuple[Feed | None, list[str]]:
    problems: list[str] = []
    extra = row.get(_EXTRA_FIELDS)
    if extra:
        # Almost always an unquoted comma inside a name.
        problems.append(f"row has {width + len(extra)} fields but the header has {width}")

    def cell(name: str) -> str:
        value = row.get(name)
        return value.strip() if isinstance(value, str) else ""

    for name in REQUIRED_COLUMNS:
        if not cell(name):
            problems.append(f"missing value for {name}")
    feed_id, name, url = cell("feed_id"), cell("name"), cell("url")
    if feed_id and not FEED_ID_PATTERN.match(feed_id):
        problems.append(f"feed_id must match {FEED_ID_PATTERN.pattern}: {feed_id!r}")
    if url and (problem := url_problem(url)):
        problems.append(f"{problem}: {url!r}")

    language = cell("language").lower() or None
    if language and not LANGUAGE_PATTERN.match(language):
        problems.append(f"language must be a 2-3 letter ISO 639 code: {cell('language')!r}")
    country = cell("country").upper() or None
    if country and not COUNTRY_PATTERN.match(country):
        problems.append(f"country must be a 2-letter ISO 3166-1 code: {cell('country')!r}")
    side = cell("side").lower() or None
    if side and not SIDE_PATTERN.match(side):
        problems.append(f"side must be a lowercase word like dprk: {cell('side')!r}")
    active = True
    if raw_active := cell("active").lower():
        if raw_active in TRUE_WORDS:
            active = True
        elif raw_active in FALSE_WORDS:
            active = False
        else:
            problems.append(f"active must be true/false, 1/0 or yes/no: {cell('active')!r}")

    if problems:
        return None, problems
    return Feed(feed_id, name, url, language, country, active, side), []


def write_feeds_csv(feeds: Iterable[Feed], path: Path) -> None:
    """Write the registry with all columns, replacing the file atomically (never half a file)."""
    path = Path(path)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for feed in feeds:
        writer.writerow(
            [
                feed.feed_id,
                feed.name,
                feed.url,
                feed.language or "",
                feed.country or "",
                "true" if feed.active else "false",
                feed.side or "",
            ]
        )
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


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
        ours = {"id": feed.feed_id, "country": feed.country, "side": feed.side}
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


def feeds_from_opml(data: bytes) -> list[Feed]:
    """Feeds listed in an OPML subscription list, in document order, one per distinct URL.

    Category outlines (no xmlUrl) are walked into, not imported. A DTD, a non-OPML root or any
    non-http(s) feed URL rejects the whole document with an OpmlError naming the lines.
    """
    outlines = _parse_opml_outlines(data)
    feeds: list[Feed] = []
    errors: list[str] = []
    used_ids: set[str] = set()
    seen_urls: set[str] = set()
    for line, attrs in outlines:
        url = _attr(attrs, "xmlurl")
        if not url:
            continue
        if problem := url_problem(url):
            errors.append(f"line {line}: {problem}: {url!r}")
            continue
        key = url_key(url)
        if key in seen_urls:
            continue  # readers list a feed once per folder it is filed in
        seen_urls.add(key)
        name = _attr(attrs, "text") or _attr(attrs, "title") or urlsplit(url).hostname or url
        wanted_id = _attr(attrs, f"{NEWSMON_NS} id")
        if not (wanted_id and FEED_ID_PATTERN.match(wanted_id)):
            wanted_id = slug_feed_id(name, url)
        feed_id = unique_feed_id(wanted_id, used_ids)
        used_ids.add(feed_id)
        feeds.append(
            Feed(
                feed_id=feed_id,
                name=name,
                url=url,
                language=_language_hint(_attr(attrs, "language")),
                country=_match_or_none(COUNTRY_PATTERN, _attr(attrs, f"{NEWSMON_NS} country").upper()),
                active=_attr(attrs, f"{NEWSMON_NS} active").lower() not in FALSE_WORDS,
                side=_match_or_none(SIDE_PATTERN, _attr(attrs, f"{NEWSMON_NS} side").lower()),
            )
        )
    if errors:
        raise OpmlError("OPML lists feed URLs that cannot be fetched:\n" + "\n".join(errors))
    return feeds


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


def unique_feed_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_2`, `wanted_3`, ... whichever is not in `taken`."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}_{n}" in taken:
        n += 1
    return f"{wanted}_{n}"


# --- merge -----------------------------------------------------------------------------------------


def merge_feeds(existing: Sequence[Feed], imported: Sequence[Feed]) -> tuple[list[Feed], int]:
    """Existing feeds unchanged, then imported feeds whose URL is new. Returns (merged, added).

    An imported feed whose id is already taken by a different URL gets a suffixed id, so the
    existing registry (and the history stored under its ids) is never rewritten.
    """
    merged = list(existing)
    taken_ids = {feed.feed_id for feed in existing}
    known_urls = {url_key(feed.url) for feed in existing}
    added = 0
    for feed in imported:
        key = url_key(feed.url)
        if key in known_urls:
            continue
        feed_id = unique_feed_id(feed.feed_id, taken_ids)
        if feed_id != feed.feed_id:
            feed = Feed(feed_id, feed.name, feed.url, feed.language, feed.country, feed.active, feed.side)
        merged.append(feed)
        taken_ids.add(feed_id)
        known_urls.add(key)
        added += 1
    return merged, added
