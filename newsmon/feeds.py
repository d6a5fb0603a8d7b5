"""The feed registry: seeds/feeds.csv <-> list[Feed] (OPML lives in opml.py).

Pure apart from reading and writing the CSV file: no network, no database.
CSV errors name file and line and are all reported at once, so a user fixes a file in one pass.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from newsmon.records import Feed, FetchRequest

CSV_COLUMNS = (
    "feed_id", "name", "url", "language", "country", "active", "side",
    "role", "critical", "fallbacks", "user_agent", "headers", "interval_hours", "fulltext", "notes",
)
REQUIRED_COLUMNS = ("feed_id", "name", "url")

FEED_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
SIDE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_EXTRA_FIELDS = "\0extra"  # DictReader key for cells beyond the header
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})

# --- per-feed options (grammar in README "Per-feed options") ---
ROLES = ("primary", "fallback")
# Sent only to outlets that refuse non-browser agents (TASS's StormWall answers 403 otherwise);
# every other feed gets the honest newsmon agent (fetch.DEFAULT_USER_AGENT).
USER_AGENT_PRESETS = {
    "browser": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
}
MAX_USER_AGENT_LENGTH = 300
# Headers the fetcher owns (framing, encodings it can bound, validators, its User-Agent column) and
# credentials, which have no place in a registry that is exported to OPML and shared.
RESERVED_HEADERS = frozenset({
    "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
    "proxy-connection", "accept-encoding", "if-none-match", "if-modified-since", "user-agent",
    "cookie", "authorization", "proxy-authorization",
})
HEADER_NAME_PATTERN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# A ";" starts the next header only when a "Name:" follows, so "Accept: text/xml;q=0.9" stays whole.
_HEADER_SPLIT = re.compile(r";\s*(?=[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:)")
MAX_HEADER_VALUE_LENGTH = 1000
MAX_INTERVAL_HOURS = 7 * 24.0


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


# --- per-feed options -----------------------------------------------------------------------------


def parse_bool(value: str, column: str, default: bool) -> tuple[bool, str | None]:
    """(value, None) for true/false, 1/0, yes/no (any case) or empty (-> default); else a problem."""
    word = value.strip().lower()
    if not word:
        return default, None
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return default, f"{column} must be true/false, 1/0 or yes/no: {value!r}"


def parse_user_agent(value: str) -> tuple[str | None, str | None]:
    """A preset name (browser) or a literal agent with a product/version token; empty = ours."""
    value = value.strip()
    if not value:
        return None, None
    if value.lower() in USER_AGENT_PRESETS:
        return value.lower(), None
    if "/" not in value:
        known = ", ".join(sorted(USER_AGENT_PRESETS))
        return None, f"user_agent is neither a preset ({known}) nor a product/version string: {value!r}"
    if len(value) > MAX_USER_AGENT_LENGTH or not all(" " <= ch <= "~" for ch in value):
        return None, f"user_agent must be printable ASCII of at most {MAX_USER_AGENT_LENGTH} characters"
    return value, None


def resolve_user_agent(value: str | None) -> str | None:
    """The literal User-Agent a feed's `user_agent` cell stands for (None: the fetcher's own)."""
    if not value:
        return None
    return USER_AGENT_PRESETS.get(value.lower(), value)


def parse_headers(value: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """`Name: value; Name2: value2` -> ((name, value), ...), and the problems found."""
    value = value.strip()
    if not value:
        return (), []
    headers: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for part in _HEADER_SPLIT.split(value):
        name, colon, text = part.partition(":")
        name, text = name.strip(), text.strip().rstrip(";").strip()
        if not colon or not HEADER_NAME_PATTERN.fullmatch(name):
            problems.append(f"headers must read 'Name: value; Name2: value2', not {part.strip()!r}")
            continue
        if name.lower() in RESERVED_HEADERS:
            problems.append(f"headers may not set {name} "
                            "(the fetcher or another column owns it, or it is a credential)")
            continue
        if not text or len(text) > MAX_HEADER_VALUE_LENGTH or not all(" " <= ch <= "~" or ord(ch) > 0x9F
                                                                      for ch in text):
            problems.append(f"header {name} needs a value of printable characters (at most "
                            f"{MAX_HEADER_VALUE_LENGTH})")
            continue
        if name.lower() in seen:
            problems.append(f"header {name} is given twice")
            continue
        seen.add(name.lower())
        headers.append((name, text))
    return tuple(headers), problems


def format_headers(headers: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {value}" for name, value in headers)


def parse_interval_hours(value: str) -> tuple[float | None, str | None]:
    value = value.strip()
    if not value:
        return None, None
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not (0 < hours <= MAX_INTERVAL_HOURS):  # also refuses nan and inf
        return None, (f"interval_hours must be a number of hours above 0 and at most "
                      f"{MAX_INTERVAL_HOURS:g}: {value!r}")
    return hours, None


def parse_feed_options(cell: Callable[[str], str]) -> tuple[dict[str, object], list[str]]:
    """The optional option columns of one row (`cell(column)` gives the stripped text, "" when
    absent) as Feed keyword arguments, and the problems found. Row-local checks only; the checks
    that need the whole registry (fallback ids) are in fallback_problems()."""
    problems: list[str] = []
    options: dict[str, object] = {}

    def note(problem: str | None) -> None:
        if problem:
            problems.append(problem)

    role = cell("role").lower() or "primary"
    if role not in ROLES:
        problems.append(f"role must be {' or '.join(ROLES)} (empty = primary): {cell('role')!r}")
        role = "primary"
    options["role"] = role
    options["critical"], problem = parse_bool(cell("critical"), "critical", False)
    note(problem)
    options["fulltext"], problem = parse_bool(cell("fulltext"), "fulltext", False)
    note(problem)
    fallbacks = tuple(cell("fallbacks").replace(",", " ").split())
    for feed_id in fallbacks:
        if not FEED_ID_PATTERN.match(feed_id):
            problems.append(f"fallbacks must be feed ids separated by spaces: {feed_id!r}")
    if len(set(fallbacks)) != len(fallbacks):
        problems.append("fallbacks names a feed twice")
    options["fallbacks"] = fallbacks
    options["user_agent"], problem = parse_user_agent(cell("user_agent"))
    note(problem)
    options["headers"], header_problems = parse_headers(cell("headers"))
    problems += header_problems
    options["interval_hours"], problem = parse_interval_hours(cell("interval_hours"))
    note(problem)
    options["notes"] = " ".join(cell("notes").split()) or None
    if role == "fallback":
        if options["critical"]:
            problems.append("a fallback feed cannot be critical (it is fetched only when another feed fails)")
        if fallbacks:
            problems.append("a fallback feed cannot name fallbacks of its own")
    return options, problems


def fallback_problems(feeds: Sequence[Feed]) -> list[tuple[str, str]]:
    """(feed_id, problem) for every `fallbacks` entry that does not name another role=fallback feed."""
    roles = {feed.feed_id: feed.role for feed in feeds}
    problems = []
    for feed in feeds:
        for other in feed.fallbacks:
            if other == feed.feed_id:
                problems.append((feed.feed_id, "a feed cannot be its own fallback"))
            elif other not in roles:
                problems.append((feed.feed_id, f"fallbacks names unknown feed_id {other!r}"))
            elif roles[other] != "fallback":
                message = f"fallback {other!r} must have role=fallback (a primary feed is polled anyway)"
                problems.append((feed.feed_id, message))
    return problems


def fetch_request_for(
    feed: Feed, etag: str | None = None, last_modified: str | None = None, body_hash: str | None = None
) -> FetchRequest:
    """The FetchRequest for a feed: its URL, the stored validators, and its own User-Agent and headers."""
    return FetchRequest(
        feed_id=feed.feed_id, url=feed.url, etag=etag, last_modified=last_modified, body_hash=body_hash,
        user_agent=resolve_user_agent(feed.user_agent), headers=feed.headers,
    )


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
            errors.append((line, f"duplicate url {feed.url!r} (first on line {seen_urls[key]})"))
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


# --- merge, diff and update ------------------------------------------------------------------------


def merge_feeds(existing: Sequence[Feed], imported: Sequence[Feed]) -> tuple[list[Feed], int]:
    """Existing feeds unchanged, then imported feeds whose URL is new. Returns (merged, added).

    An imported feed whose id is already taken by a different URL gets a suffixed id, so the
    existing registry (and the history stored under its ids) is never rewritten. The `fallbacks`
    of added feeds follow those renames; a reference that no longer names a fallback feed is dropped.
    """
    merged = list(existing)
    taken_ids = {feed.feed_id for feed in existing}
    known_urls = {url_key(feed.url): feed.feed_id for feed in existing}
    id_map: dict[str, str] = {}
    added: list[Feed] = []
    for feed in imported:
        key = url_key(feed.url)
        if key in known_urls:
            id_map.setdefault(feed.feed_id, known_urls[key])
            continue
        feed_id = unique_feed_id(feed.feed_id, taken_ids)
        id_map.setdefault(feed.feed_id, feed_id)
        added.append(replace(feed, feed_id=feed_id))
        taken_ids.add(feed_id)
        known_urls[key] = feed_id
    merged += added
    return _with_valid_fallbacks(merged, {feed.feed_id for feed in added}, id_map), len(added)


def _with_valid_fallbacks(feeds: list[Feed], rewrite: set[str], id_map: Mapping[str, str]) -> list[Feed]:
    roles = {feed.feed_id: feed.role for feed in feeds}
    out = []
    for feed in feeds:
        if feed.feed_id in rewrite and feed.fallbacks:
            mapped = dict.fromkeys(id_map.get(other, other) for other in feed.fallbacks)
            kept = tuple(o for o in mapped if o != feed.feed_id and roles.get(o) == "fallback")
            feed = replace(feed, fallbacks=kept)
        out.append(feed)
    return out


@dataclass(frozen=True, slots=True)
class FeedChange:
    """One difference between a local registry and the shipped one (diff_feeds)."""

    kind: str  # new (shipped only), changed (same feed, other values), local_only (not shipped)
    feed_id: str  # the local id (the shipped id for `new`)
    name: str
    changes: tuple[tuple[str, str, str], ...] = ()  # (column, local value, shipped value)


def _pair_feeds(local: Sequence[Feed], shipped: Sequence[Feed]) -> dict[str, Feed | None]:
    """shipped feed_id -> the local feed it is (same feed_id, else same URL), or None when new."""
    by_id = {feed.feed_id: feed for feed in local}
    by_url = {url_key(feed.url): feed for feed in local}
    paired: set[str] = set()
    pairs: dict[str, Feed | None] = {}
    for theirs in shipped:
        ours = by_id.get(theirs.feed_id) or by_url.get(url_key(theirs.url))
        if ours is not None and ours.feed_id in paired:
            ours = None
        if ours is not None:
            paired.add(ours.feed_id)
        pairs[theirs.feed_id] = ours
    return pairs


def diff_feeds(local: Sequence[Feed], shipped: Sequence[Feed]) -> list[FeedChange]:
    """What the shipped registry has that a local (edited) one has not, feed by feed.

    Feeds are paired by feed_id, else by URL. `notes` differences are reported like any column,
    since they say why a shipped feed changed (e.g. "dead: 404 ... replaced by ...")."""
    pairs = _pair_feeds(local, shipped)
    changes: list[FeedChange] = []
    for theirs in shipped:
        ours = pairs[theirs.feed_id]
        if ours is None:
            changes.append(FeedChange("new", theirs.feed_id, theirs.name))
            continue
        differing = tuple(
            (column, mine, shipped_value)
            for column, mine, shipped_value in zip(CSV_COLUMNS, feed_to_row(ours), feed_to_row(theirs),
                                                   strict=True)
            if column != "feed_id" and mine != shipped_value
            and not (column == "url" and url_key(mine) == url_key(shipped_value))
        )
        if differing:
            changes.append(FeedChange("changed", ours.feed_id, ours.name, differing))
    paired = {feed.feed_id for feed in pairs.values() if feed is not None}
    changes += [FeedChange("local_only", f.feed_id, f.name) for f in local if f.feed_id not in paired]
    return changes


def update_feeds(
    local: Sequence[Feed], shipped: Sequence[Feed], take: Collection[str] = ()
) -> tuple[list[Feed], int, int]:
    """A local registry brought up to date: every shipped feed it lacks is appended (local ids and
    URLs win, as in merge_feeds), and each changed feed whose local id is in `take` ("*" = all) is
    replaced by the shipped row under its local feed_id. Returns (feeds, added, replaced).
    Local-only feeds and changes not taken stay as they are."""
    pairs = _pair_feeds(local, shipped)
    changed = {c.feed_id for c in diff_feeds(local, shipped) if c.kind == "changed"}
    wanted = changed if "*" in take else changed & set(take)
    new = [feed for feed in shipped if pairs[feed.feed_id] is None]
    merged, added = merge_feeds(local, new)
    merged_by_url = {url_key(feed.url): feed.feed_id for feed in merged}
    id_map = {shipped_id: ours.feed_id for shipped_id, ours in pairs.items() if ours is not None}
    id_map.update({feed.feed_id: merged_by_url[url_key(feed.url)] for feed in new})
    taken = {ours.feed_id: theirs for theirs in shipped
             if (ours := pairs[theirs.feed_id]) is not None and ours.feed_id in wanted}
    out = [replace(taken[f.feed_id], feed_id=f.feed_id) if f.feed_id in taken else f for f in merged]
    return _with_valid_fallbacks(out, set(taken), id_map), added, len(taken)
