"""The feed registry: seeds/feeds.csv <-> list[Feed] (OPML lives in opml.py).

Pure apart from reading and writing the CSV file: no network, no database.
CSV errors name file and line and are all reported at once, so a user fixes a file in one pass.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from newsmon.feed_options import (
    FEED_ID_PATTERN,
    fallback_problems,
    format_headers,
    parse_bool,
    parse_feed_options,
)
from newsmon.records import Feed
from newsmon.urls import redact_url

CSV_COLUMNS = (
    "feed_id", "name", "url", "language", "country", "active", "side",
    "role", "critical", "fallbacks", "user_agent", "headers", "interval_hours", "fulltext", "notes",
)
REQUIRED_COLUMNS = ("feed_id", "name", "url")

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
SIDE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_EXTRA_FIELDS = "\0extra"  # DictReader key for cells beyond the header

class FeedCsvError(ValueError):
    """One or more invalid rows; `errors` holds one `file:line: message` string per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


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


def is_google_news(url: str) -> bool:
    """True for a Google News search or topic feed, whose item links are redirects via Google."""
    return (urlsplit(url.strip()).hostname or "").lower() == "news.google.com"


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
    """Read and validate a feed registry CSV. Raises FeedCsvError listing every bad line.

    Only feed_id, name and url are required; every other column may be missing (an old 7-column
    registry loads as it did) or empty (the default)."""
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
    errors: list[tuple[int, str]] = []
    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(isinstance(value, str) and value.strip() for value in row.values()):
            continue  # a line of empty cells
        feed, problems = _feed_from_row(row, len(header))
        errors += [(line, problem) for problem in problems]
        if feed is None:
            continue
        if feed.feed_id in seen_ids:
            first = seen_ids[feed.feed_id]
            errors.append((line, f"duplicate feed_id {feed.feed_id!r} (first on line {first})"))
            continue
        key = url_key(feed.url)
        if key in seen_urls:
            errors.append((line, f"duplicate url {redact_url(feed.url)!r} (first on line {seen_urls[key]})"))
            continue
        seen_ids[feed.feed_id] = line
        seen_urls[key] = line
        feeds.append(feed)
    errors += [(seen_ids[feed_id], problem) for feed_id, problem in fallback_problems(feeds)]
    if errors:
        errors.sort(key=lambda error: error[0])  # stable: a line's problems keep their order
        raise FeedCsvError([f"{label}:{line}: {problem}" for line, problem in errors])
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
        problems.append(f"{problem}: {redact_url(url)!r}")

    language = cell("language").lower() or None
    if language and not LANGUAGE_PATTERN.match(language):
        problems.append(f"language must be a 2-3 letter ISO 639 code: {cell('language')!r}")
    country = cell("country").upper() or None
    if country and not COUNTRY_PATTERN.match(country):
        problems.append(f"country must be a 2-letter ISO 3166-1 code: {cell('country')!r}")
    side = cell("side").lower() or None
    if side and not SIDE_PATTERN.match(side):
        problems.append(f"side must be a lowercase word like dprk: {cell('side')!r}")
    options, option_problems = parse_feed_options(cell)
    problems += option_problems
    if options["fulltext"] and url and is_google_news(url):
        problems.append("fulltext cannot work on a Google News search (its item links are news.google.com "
                        "redirects, not article pages)")
    # A fallback feed is fetched only when a feed naming it fails: never polled on its own.
    is_fallback = options["role"] == "fallback"
    active, problem = parse_bool(cell("active"), "active", not is_fallback)
    if problem:
        problems.append(problem)
    elif is_fallback and active:
        problems.append("a fallback feed is fetched only when needed: leave active empty or false")

    if problems:
        return None, problems
    return Feed(feed_id, name, url, language, country, active, side, **options), []  # type: ignore[arg-type]


def feed_to_row(feed: Feed) -> list[str]:
    """The CSV cells of a feed, in CSV_COLUMNS order; defaults of the option columns are left empty."""
    return [
        feed.feed_id,
        feed.name,
        feed.url,
        feed.language or "",
        feed.country or "",
        "true" if feed.active else "false",
        feed.side or "",
        "" if feed.role == "primary" else feed.role,
        "true" if feed.critical else "",
        " ".join(feed.fallbacks),
        feed.user_agent or "",
        format_headers(feed.headers),
        "" if feed.interval_hours is None else f"{feed.interval_hours:g}",
        "true" if feed.fulltext else "",
        feed.notes or "",
    ]


def write_feeds_csv(feeds: Iterable[Feed], path: Path) -> None:
    """Write the registry with all columns, replacing the file atomically (never half a file)."""
    path = Path(path)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for feed in feeds:
        writer.writerow(feed_to_row(feed))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def unique_feed_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_2`, `wanted_3`, ... whichever is not in `taken`."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}_{n}" in taken:
        n += 1
    return f"{wanted}_{n}"
