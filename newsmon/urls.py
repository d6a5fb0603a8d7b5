"""Canonical URLs and stable article ids: the keys of exact de-duplication.

Two links that a reader would call "the same page" get the same canonical URL:
scheme and host case, `www.`/`m.`/`amp.` prefixes, default ports, fragments, trailing
slashes, and tracking parameters are normalised away; remaining parameters are sorted.
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
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


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
