"""The only network code: fetch feed bytes politely and defensively.

Every failure becomes a FetchResult with an `error_class` (never an exception):
  bad_url, private_network, dns, refused, timeout (connect/read), timeout_total (whole-fetch
  deadline), tls, network, truncated, bad_encoding, too_large, too_many_redirects,
  insecure_redirect, http_4xx, http_5xx, rate_limited, blocked, not_a_feed, internal, deferred (pages).
A 304 is a success (`error_class` None, no content). Per-host politeness (netguard.HostLimiter)
counts a host name and the addresses it resolves to, so two names of one server share it.

Why it is built this way (see RELIABILITY.md 1-3, A6-A8, A24-A27, section 5):
- httpx timeouts are per read, so a slow-drip server is stopped by an asyncio deadline
  around the whole request including the body.
- The body is read raw and decompressed here with a bound (netguard.BoundedDecoder), so a
  gzip bomb never materialises more than the cap.
- Redirects are followed by hand so each hop is checked; the private-address check itself
  sits in the connection layer (netguard.GuardedBackend) and so covers every hop.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import http.cookiejar
import re
import ssl
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic

import httpx

from newsmon import __version__
from newsmon.feed_options import HEADER_NAME_PATTERN, RESERVED_HEADERS
from newsmon.netguard import (
    AddressPolicy,
    BadEncodingError,
    BoundedDecoder,
    DnsError,
    GuardedBackend,
    GuardedTransport,
    HostLimiter,
    HostPausedError,
    PrivateAddressError,
    Resolver,
    TooLargeError,
    resolve_host,
)
from newsmon.records import FetchRequest, FetchResult

DEFAULT_USER_AGENT = f"newsmon/{__version__} (+https://github.com/newsmon/newsmon)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"
# Only encodings whose decoded size we cap ourselves.
ACCEPT_ENCODING = "gzip, deflate"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ERROR_PAGE_PEEK_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    total_timeout_s: float = 30.0  # wall clock for one fetch, all hops and the body included
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 15.0  # between two reads
    max_bytes: int = 15 * 1024 * 1024  # decoded
    max_redirects: int = 5
    concurrency: int = 16
    per_host_concurrency: int = 2
    # At most two request starts per second to one host: polite for feed endpoints, and ten
    # feeds on one site still take only ~5 s.
    per_host_min_interval_s: float = 0.5
    retry_after_cap_s: float = 6 * 3600
    allow_private_networks: bool = False
    allow_networks: tuple[str, ...] = ()  # CIDRs allowed even though not public (internal feeds)
    allow_https_downgrade: bool = False


class FetchError(Exception):
    """A classified per-feed failure; turned into FetchResult fields, never raised to callers."""

    def __init__(self, error_class: str, message: str, **fields: object) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.fields = fields


def fetch_feeds(
    requests: Sequence[FetchRequest], settings: FetchSettings, *, resolver: Resolver | None = None
) -> list[FetchResult]:
    """Fetch all feeds concurrently; results in input order. `resolver` replaces DNS (tests)."""
    return _run(_fetch_all(list(requests), settings, resolver)) if requests else []


def _run(work):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    # Called from async code (e.g. inside an event loop): run our own loop in a thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def fetch_feed(
    request: FetchRequest, settings: FetchSettings, *, resolver: Resolver | None = None
) -> FetchResult:
    return fetch_feeds([request], settings, resolver=resolver)[0]


def fetch_pages(requests: Sequence[FetchRequest], settings: FetchSettings, *, resolver: Resolver | None = None,
                budget_s: float = float("inf")) -> list[FetchResult]:
    """Web pages (articles, robots.txt), guarded as feeds are; one whose turn comes after `budget_s` s is `deferred`."""
    return _run(_fetch_all(list(requests), settings, resolver, monotonic() + budget_s)) if requests else []


async def _fetch_all(
    requests: list[FetchRequest], settings: FetchSettings, resolver: Resolver | None, page_until: float | None = None
) -> list[FetchResult]:
    policy = AddressPolicy(settings.allow_private_networks, settings.allow_networks)
    limits = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
    transport = GuardedTransport(GuardedBackend(policy, resolver), limits)
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s, read=settings.read_timeout_s,
        write=settings.read_timeout_s, pool=settings.total_timeout_s,
    )
    # No cookies: nothing set by one feed's server may travel to another request.
    no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT if page_until is None else PAGE_ACCEPT,
               "Accept-Encoding": ACCEPT_ENCODING}
    async with httpx.AsyncClient(
        transport=transport, timeout=timeout, headers=headers, cookies=no_cookies,
        follow_redirects=False, trust_env=False,
    ) as client:
        limiter = HostLimiter(settings.concurrency, settings.per_host_concurrency,
                              settings.per_host_min_interval_s, resolver=resolver or resolve_host,
                              resolve_timeout_s=settings.connect_timeout_s)
        return list(await asyncio.gather(*(_fetch_one(client, limiter, r, settings, page_until) for r in requests)))


async def _fetch_one(client: httpx.AsyncClient, limiter: HostLimiter, request: FetchRequest, settings: FetchSettings,
                     page_until: float | None = None) -> FetchResult:
    fetched_at = datetime.now(UTC)
    started = monotonic()
    try:
        fields = await _follow_redirects(client, limiter, request, settings, page_until)
    except HostPausedError as exc:
        fields = {"error_class": "rate_limited", "error_message": str(exc), "retry_after_s": exc.retry_after_s}
    except FetchError as exc:
        fields = {"error_class": exc.error_class, "error_message": str(exc), **exc.fields}
    except TimeoutError:
        fields = {"error_class": "timeout_total",
                  "error_message": f"no complete response within {settings.total_timeout_s:g} s"}
    except Exception as exc:  # noqa: BLE001 - one feed's failure must never stop the run
        fields = {"error_class": classify_exception(exc), "error_message": f"{type(exc).__name__}: {exc}"}
    duration_ms = int((monotonic() - started) * 1000)
    return FetchResult(
        feed_id=request.feed_id, url=request.url, fetched_at=fetched_at, duration_ms=duration_ms, **fields
    )


async def _follow_redirects(client: httpx.AsyncClient, limiter: HostLimiter, request: FetchRequest, settings: FetchSettings,
                            page_until: float | None = None) -> dict:
    url = parse_feed_url(request.url)
    headers = {**feed_headers(request), **conditional_headers(request)}
    loop = asyncio.get_running_loop()
    deadline: float | None = None
    for _hop in range(settings.max_redirects + 1):
        host = url.host
        async with limiter.slot(host, url.port or (443 if url.scheme == "https" else 80)):
            if deadline is None and page_until is not None and monotonic() > page_until:
                raise FetchError("deferred", "the run's time budget for pages was spent before its turn")
            # The deadline starts when the first request may go out, not while queued behind
            # other feeds of the same host.
            deadline = deadline or loop.time() + settings.total_timeout_s
            async with asyncio.timeout_at(deadline):
                response = await client.send(client.build_request("GET", url, headers=headers), stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code not in REDIRECT_STATUSES or not location:
                        return await _read_response(response, request, settings, limiter, host, page_until is not None)
                    url = redirect_target(url, location, settings)
                    await _peek_body(response)  # read to the end (if short), so the connection can be reused
                finally:
                    await response.aclose()
    raise FetchError("too_many_redirects", f"more than {settings.max_redirects} redirects", final_url=str(url))


def parse_feed_url(text: str) -> httpx.URL:
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError("bad_url", f"invalid URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise FetchError("bad_url", f"only http(s) URLs with a host are fetched, not {text[:200]!r}")
    return url


def redirect_target(current: httpx.URL, location: str, settings: FetchSettings) -> httpx.URL:
    try:
        target = current.join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("bad_url", f"invalid redirect Location {location[:200]!r}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("bad_url", f"redirect to a non-http(s) URL {location[:200]!r}")
    if current.scheme == "https" and target.scheme == "http" and not settings.allow_https_downgrade:
        raise FetchError("insecure_redirect", f"https redirected to plain http {str(target)[:200]}")
    return target


def feed_headers(request: FetchRequest) -> dict[str, str]:
    """The feed's own User-Agent and extra headers, sent on every hop. The registry validates them
    (feeds.py); this is the last guard for requests built elsewhere: a header the fetcher owns
    (Host, Accept-Encoding, validators, cookies...) or a value that would break the line is dropped."""
    headers = {}
    for name, value in request.headers:
        is_ours = name.lower() in RESERVED_HEADERS
        if not is_ours and HEADER_NAME_PATTERN.fullmatch(name) and _is_header_safe(value):
            headers[name] = value
    if request.user_agent and _is_header_safe(request.user_agent):
        headers["User-Agent"] = request.user_agent
    return headers


def _is_header_safe(text: str) -> bool:
    return bool(text) and not any(c in text for c in "\r\n\0")


def conditional_headers(request: FetchRequest) -> dict[str, str]:
    """Validators go back exactly as stored; a value that would break the header line is dropped."""
    headers = {}
    for name, value in (("If-None-Match", request.etag), ("If-Modified-Since", request.last_modified)):
        if value and not any(c in value for c in "\r\n\0"):
            headers[name] = value
    return headers


async def _read_response(response: httpx.Response, request: FetchRequest, settings: FetchSettings,
                         limiter: HostLimiter, host: str, page: bool = False) -> dict:
    status = response.status_code
    h = response.headers
    common = {"http_status": status, "final_url": str(response.url), "content_type": h.get("content-type")}
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(h.get("retry-after"), datetime.now(UTC), settings.retry_after_cap_s)
        if status == 429 or retry_after is not None:
            limiter.pause(host, retry_after)
    if status == 304:
        await response.aread()  # its (empty) body read to the end, the connection goes back to the pool
        # A 304 may omit validators; keep the stored ones so the caller never loses them.
        return {**common, "etag": h.get("etag") or request.etag,
                "last_modified": h.get("last-modified") or request.last_modified}
    if h.get("cf-mitigated", "").lower() == "challenge":
        raise FetchError("blocked", f"anti-bot challenge (HTTP {status}, cf-mitigated)", **common)
    if status == 429:
        raise FetchError("rate_limited", "HTTP 429", retry_after_s=retry_after, **common)
    if status >= 400:
        peek = await _peek_body(response)
        if is_challenge_page(peek):
            raise FetchError("blocked", f"anti-bot challenge page (HTTP {status})", **common)
        error_class = "http_5xx" if status >= 500 else "http_4xx"
        raise FetchError(error_class, f"HTTP {status}", retry_after_s=retry_after, **common)
    if not 200 <= status < 300:
        raise FetchError("http_3xx", f"unexpected HTTP {status}", **common)
    body = await read_body(response, settings.max_bytes)
    verdict = None if page else classify_feed_bytes(body, h.get("content-type"))
    if verdict is not None:
        raise FetchError(verdict, f"{verdict.replace('_', ' ')}: {h.get('content-type')}", bytes=len(body),
                         **common)
    return {**common, "content": body, "etag": h.get("etag"), "last_modified": h.get("last-modified"),
            "body_hash": hashlib.sha256(body).hexdigest(), "bytes": len(body)}


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, or FetchError too_large / truncated / bad_encoding."""
    try:
        decoder = BoundedDecoder(response.headers.get("content-encoding"), max_bytes)
        parts = [decoder.decode(chunk) async for chunk in response.aiter_raw()]
        decoder.finish()
    except TooLargeError as exc:
        raise FetchError("too_large", str(exc), http_status=response.status_code) from exc
    except BadEncodingError as exc:
        error_class = "truncated" if "ended early" in str(exc) else "bad_encoding"
        raise FetchError(error_class, str(exc), http_status=response.status_code) from exc
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        # Lying Content-Length, connection reset mid-body: partial bytes are never a success.
        raise FetchError("truncated", f"body cut short: {exc}", http_status=response.status_code) from exc
    return b"".join(parts)


async def _peek_body(response: httpx.Response) -> bytes:
    try:
        return await read_body(response, ERROR_PAGE_PEEK_BYTES)
    except FetchError:
        return b""


_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_FIRST_TAG = re.compile(r"\s*<([A-Za-z_][\w:.-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel"})
_HTML_ROOTS = frozenset({"html", "head", "body", "div", "script", "meta", "title", "p", "table", "form"})
_CHALLENGE_MARKERS = (
    b"cf-browser-verification", b"challenge-platform", b"_cf_chl_opt", b"<title>just a moment",
    b"attention required! | cloudflare", b"ddos-guard", b"_incapsula_resource", b"sucuri website firewall",
    b"captcha-delivery", b"px-captcha", b"enable javascript and cookies to continue",
)


def classify_feed_bytes(content: bytes, content_type: str | None) -> str | None:
    """None if the body may be a feed; "not_a_feed" for an HTML page or empty body; "blocked"
    for an anti-bot challenge. Sniffs the document, because content types lie both ways."""
    head = _sniff_text(content[:8192])
    if not head.strip():
        return "not_a_feed"
    root = root_element(head)
    if root in _FEED_ROOTS or (root or "").endswith(":rdf"):
        return None
    is_html_type = "html" in (content_type or "").lower() and "xhtml+xml" not in (content_type or "").lower()
    if root in _HTML_ROOTS or (root is None and is_html_type):
        return "blocked" if is_challenge_page(content) else "not_a_feed"
    return None  # unknown XML or JSON: the parser decides


def is_challenge_page(content: bytes) -> bool:
    lowered = content[:ERROR_PAGE_PEEK_BYTES].lower()
    return any(marker in lowered for marker in _CHALLENGE_MARKERS)


def root_element(text: str) -> str | None:
    """Lower-cased name of the first element after the XML prolog, or None."""
    pos = 1 if text.startswith("\ufeff") else 0
    while match := _PROLOG.match(text, pos):
        pos = match.end()
    tag = _FIRST_TAG.match(text, pos)
    return tag.group(1).lower() if tag else None


def _sniff_text(head: bytes) -> str:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 1 and 0 in head[:4]):
        for encoding in ("utf-16", "utf-16-le" if head[1:2] == b"\0" else "utf-16-be"):
            try:
                return head[: len(head) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                continue
    return head.decode("latin-1")  # ASCII-compatible: enough to find tag names


def classify_exception(exc: BaseException) -> str:
    """error_class for an exception escaping the client (DNS, connect, TLS, protocol)."""
    chain = _exception_chain(exc)
    if any(isinstance(e, PrivateAddressError) for e in chain):
        return "private_network"
    if any(isinstance(e, DnsError) for e in chain):
        return "dns"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "bad_url"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if any(isinstance(e, (ssl.SSLError, ssl.CertificateError)) for e in chain):
        return "tls"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    if isinstance(exc, httpx.TransportError):
        return "network"
    return "internal"


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and exceptions wrapped in args (httpcore does)."""
    chain: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(chain) < 20:
        current = todo.pop(0)
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        todo += [e for e in (current.__cause__, current.__context__, *current.args) if isinstance(e, BaseException)]
    return chain


def parse_retry_after(value: str | None, now: datetime, cap_s: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped to
    [0, cap_s]; None when absent or unparseable (the caller then uses its own backoff)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), cap_s))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - now).total_seconds()), cap_s)
