"""robots.txt for article pages (RFC 9309): one per origin, read once per run and kept a day.

A file is read with urllib.robotparser for the product token `newsmon` (a group for `*` applies
when the file names no group for us). Its absence (any 4xx) allows everything; an origin that
cannot be reached (5xx, 429, network errors, a file too large) is treated as disallowing
everything until it is asked again (an hour later), as the RFC says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from newsmon.records import FetchRequest, FetchResult

PRODUCT_TOKEN = "newsmon"
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: at least 500 KiB must be read


@dataclass(frozen=True, slots=True)
class RobotsFile:
    origin: str  # scheme://host[:port]
    status: str  # ok, missing, unreachable
    body: str | None = None


def origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1].lower()}"


def robots_request(origin: str) -> FetchRequest:
    return FetchRequest(feed_id=f"robots:{origin}", url=f"{origin}/robots.txt")


def robots_from_result(origin: str, result: FetchResult) -> RobotsFile:
    if result.is_ok and result.http_status is not None and 200 <= result.http_status < 300:
        body = (result.body() or b"")[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        return RobotsFile(origin, "ok", body)
    if result.error_class == "http_4xx":
        return RobotsFile(origin, "missing")
    return RobotsFile(origin, "unreachable")


class RobotsRules:
    """The rules of every origin the run needs, parsed once each."""

    def __init__(self, files: Iterable[RobotsFile]) -> None:
        self.files: dict[str, RobotsFile] = {f.origin: f for f in files}
        self._parsed: dict[str, RobotFileParser] = {}

    def missing(self, origins: Iterable[str]) -> list[str]:
        return sorted({o for o in origins if o not in self.files})

    def add(self, files: Mapping[str, RobotsFile]) -> None:
        self.files.update(files)

    def allows(self, url: str) -> bool:
        origin = origin_of(url)
        robots = self.files.get(origin) if origin else None
        if robots is None or robots.status == "unreachable":
            return False
        if robots.status == "missing":
            return True
        parser = self._parsed.get(robots.origin)
        if parser is None:
            parser = self._parsed[robots.origin] = RobotFileParser()
            parser.parse((robots.body or "").splitlines())
        return parser.can_fetch(PRODUCT_TOKEN, url)
