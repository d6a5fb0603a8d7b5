"""Per-feed fetch options of the registry (README, "Feeds"): role, critical, fallbacks, user_agent,
headers, interval_hours, fulltext. Each parser returns a value and a problem, so feeds.py reports
every bad cell as `file:line: message`; `fetch_request_for` turns a feed and its stored validators
into the request the fetcher sends."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence

from newsmon.records import Feed, FetchRequest

FEED_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
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
