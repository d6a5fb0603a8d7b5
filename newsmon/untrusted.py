"""Feed text is untrusted: the one cleaner, the one safe-link check and the one HTML escape that every
module showing it uses (extraction, alerts, Atom, the report).

- `clean_text`: NFC; bidi controls (Trojan Source), zero-width and other invisible format
  characters and C0/C1 controls removed; runs of spaces collapsed. Line breaks are kept (one per
  block) unless `one_line`.
- `safe_link`: an http(s) URL with an ASCII (punycode) host and no credentials, or None: never
  javascript:, file:, data: or a URL that could break out of an attribute.
- `esc`: text for HTML/XML content and double-quoted attributes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

# C0/C1 controls except tab/newline, zero-width and bidi controls, soft hyphen, Arabic letter mark,
# Mongolian vowel separator, deprecated format characters, BOM, non-characters, lone surrogates.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def clean_text(text: str | None, max_chars: int = 20_000, one_line: bool = False) -> str:
    """Visible text only, whitespace normalised, at most `max_chars` characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", text)
    if one_line:
        text = " ".join(text.split())
    else:
        text = _SPACES.sub(" ", text)
        text = _NEWLINES.sub("\n", text).strip()
    return text[:max_chars].strip()


def safe_link(url: str | None) -> str | None:
    """The URL as a link a reader may click, or None."""
    if not url or not isinstance(url, str):
        return None
    url = clean_text(url, one_line=True)
    if any(c in '"<>`\\' for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    netloc = ascii_host + (f":{port}" if port else "")
    if ":" in ascii_host:  # IPv6 literal
        netloc = f"[{ascii_host}]" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")).replace(" ", "%20")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)
