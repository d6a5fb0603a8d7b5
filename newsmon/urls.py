"""Canonical URLs and stable article ids: the keys of exact de-duplication.

Two links that a reader would call "the same page" get the same canonical URL:
scheme and host case, `www.`/`m.`/`amp.` prefixes, default ports, fragments, trailing
slashes, tracking parameters and cache-busters (`?ts=1764...`, `?_=...`, `?v=3`) are
normalised away; remaining parameters are sorted. The canonical form is for identity only:
the link stored and sent is the one the outlet published (an http-only outlet stays http).

`url_shape` goes one step further for the fallback identity of unstable items (articles.py):
it also drops any parameter whose value looks generated per request (a long number, a
random-looking token), which is only ever trusted together with the same feed, title and content.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
    "ref", "ref_src", "ref_url", "referrer", "source", "src", "cmpid", "ocid", "ito", "ns_mchannel",
    "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "rss", "from", "feed", "output", "at_medium",
    "at_campaign", "at_custom1", "at_custom2", "s_cid", "sr_share", "spm", "share", "smid", "partner",
}
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "_hs", "vero_", "oly_", "__twitter", "ga_")
# Cache-busters: parameters that exist only to defeat caches, whatever their value.
_CACHE_BUSTERS = {
    "_", "ts", "_ts", "_t", "cb", "_cb", "cachebuster", "cache_buster", "cachebust", "cache_bust", "bust",
    "nocache", "no_cache", "nc", "rand", "random", "rnd", "timestamp", "_dc",
}
# Short names that are cache-busters when their value is a number or a hex token (`?v=3`, `?t=1764...`,
# `?ver=4f2a`); with a word as value (`?v=dQw4w9WgXcQ` on a video site) they are kept.
_NUMBERED_BUSTERS = {"t", "v", "ver", "version", "time", "r", "rev", "tm", "stamp", "_v", "refresh"}
_NUMBER_OR_HEX = re.compile(r"^(?:\d+(?:\.\d+)?|[0-9a-f]{6,64})$", re.IGNORECASE)
# A value generated per request: a long number (epoch seconds or milliseconds, a counter), or a token
# of 8+ letters and digits mixed (random ids, UUIDs, hashes).
_LONG_NUMBER = re.compile(r"^\d{9,}(?:\.\d+)?$")
_TOKEN = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9_-]{8,}$", re.IGNORECASE)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_SCHEMES = ("http", "https")


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _SAFE_SCHEMES and bool(parts.hostname)


def absolute_url(link: str | None, base: str | None) -> str | None:
    """Resolve a possibly relative link against the feed URL; non-http(s) links become None."""
    if not link:
        return None
    link = link.strip()
    if base and not link.lower().startswith(("http://", "https://")):
        try:
            link = urljoin(base, link)
        except ValueError:
            return None
    return link if is_http_url(link) else None


def canonical_url(url: str) -> str:
    """Normalise an http(s) URL for identity. Call only with URLs that pass is_http_url."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in _SAFE_SCHEMES else parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()) else None
    netloc = f"{host}:{port}" if port else host
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if not _is_noise(key, value)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _is_noise(key: str, value: str) -> bool:
    """A tracking parameter or a cache-buster: not part of which page it is."""
    key = key.lower()
    if key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES) or key in _CACHE_BUSTERS:
        return True
    return key in _NUMBERED_BUSTERS and bool(_NUMBER_OR_HEX.match(value))


def is_volatile_value(value: str) -> bool:
    """True for a query value that looks generated per request: a long number or a random token."""
    value = value.strip()
    return bool(_LONG_NUMBER.match(value) or _TOKEN.match(value))


def url_shape(canonical: str | None) -> str | None:
    """A canonical URL without the parameters whose values look generated per request (None stays
    None). Two links of one feed with the same shape, title and content are one article fetched twice."""
    if not canonical:
        return None
    parts = urlsplit(canonical)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_volatile_value(v)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def stable_hash(*parts: str) -> str:
    """A compact stable id (16 hex chars, 64 bits) of the given strings."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8)
    return digest.hexdigest()


def article_key(url: str | None, guid: str | None, feed_id: str, title: str, text: str) -> str:
    """The identity of an article: its canonical URL, else its GUID within the feed, else its content.

    The URL comes first so that a GUID that changes on every fetch (timestamps in GUIDs
    are common) does not create copies of an unchanged page.
    """
    if url:
        return "url:" + canonical_url(url)
    if guid:
        return f"guid:{feed_id}:{guid.strip()}"
    return f"content:{feed_id}:{title.strip()}\x1f{text.strip()[:2000]}"


def article_id(url: str | None, guid: str | None, feed_id: str, title: str, text: str) -> str:
    return stable_hash(article_key(url, guid, feed_id, title, text))


# Query parameters that carry a credential in feed URLs (private feeds, paid APIs).
_SECRET_PARAMS = re.compile(
    r"^(?:.*[_-])?(?:key|apikey|token|secret|password|passwd|pwd|auth|sig|signature|session|sid|access[_-]?token)$",
    re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>.,;:)]", re.IGNORECASE)  # not its end's punctuation


def redact_url(url: str | None) -> str | None:
    """A feed URL fit for logs, tables and stored fetch events: userinfo dropped and the values of
    credential-looking query parameters (key=, token=, api_key=, sig=...) replaced by `***`."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an unreadable URL)"
    netloc = parts.netloc
    if parts.username is not None or parts.password is not None:
        netloc = ("***@" if parts.username or parts.password else "") + (f"[{host}]" if ":" in host else host)
        netloc += f":{port}" if port else ""
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(_SECRET_PARAMS.match(name) for name, _ in pairs):
        query = "&".join(f"{name}=***" if _SECRET_PARAMS.match(name) else f"{name}={value}" for name, value in pairs)
    else:
        query = parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_urls_in(text: str | None) -> str | None:
    """`text` (an error message) with every URL in it redacted."""
    if not text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)) or "", text)
