"""Channel URLs in Apprise's grammar: parsed by Apprise itself, checked at start-up, never echoed.

Every channel URL is read by `apprise.Apprise.instantiate`, so `mailto://user:pw@gmail.com` means
here what it means in Apprise (smtp.gmail.com:587 with STARTTLS). newsmon sends json(s):// and
mailto(s):// itself, from the parsed plugin's fields, because only its own sending gives a
per-message status and an idempotency key; every other URL is sent by its Apprise plugin.

A URL may hold a token or a password, so nothing here puts a URL, or any part of it, in an
error, a log line or the database: errors name the variable and the URL's position, Apprise's own
logger (which prints URLs) is silenced, and `scrub` removes URL parts from exception texts.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

OWN_JSON = ("json", "jsons")
OWN_EMAIL = ("mailto", "mailtos")
HOST_SCHEMES = OWN_JSON + OWN_EMAIL + ("http", "https", "form", "forms", "xml", "xmls")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]{0,31})://", re.IGNORECASE)

# Apprise logs unparseable URLs (partly masked) and its debug lines carry full request URLs.
logging.getLogger("apprise").disabled = True


@cache
def _schemes() -> frozenset[str]:
    from apprise.manager_plugins import NotificationManager

    return frozenset(s.lower() for s in NotificationManager().schemas())


def instantiate(url: str) -> Any:
    """The Apprise plugin object for a URL (None if Apprise cannot use it); retries are the outbox's."""
    import apprise

    try:
        return apprise.Apprise.instantiate(url)
    except Exception:  # noqa: BLE001 - a plugin's constructor may raise anything; the caller says why
        return None


def problem(url: str) -> str | None:
    """Why `url` cannot be a channel, in words that never quote it; None when it can."""
    scheme = _SCHEME.match(url)
    if not scheme:
        return "is not a URL (expected scheme://...)"
    name = scheme.group(1).lower()
    if name not in _schemes() and name not in ("http", "https"):  # Apprise reads some https URLs natively
        return f"has a scheme ({name}) that Apprise does not know"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        return ("has a port that is not a number (a # / ? or @ in a password must be written %23 %2F %3F %40)")
    if name in HOST_SCHEMES and not parts.hostname:
        return "has no host"
    plugin = instantiate(url)
    if plugin is None:
        return "is not usable by Apprise (check its host, port, recipients and required parts)"
    return plaintext_credentials(plugin)


def plaintext_credentials(plugin: Any) -> str | None:
    """A password must never cross an unencrypted connection to a host off this machine."""
    protocol = str(getattr(plugin, "protocol", "") or "")
    if protocol == "json" and not plugin.secure and plugin.password and not is_loopback(plugin.host):
        return "would send its password over plain HTTP to a non-loopback host (use jsons://)"
    if protocol == "mailto" and str(plugin.secure_mode) == "insecure" and plugin.user and plugin.password \
            and not is_loopback(plugin.smtp_host):
        return "would send its SMTP password unencrypted to a non-loopback host (use mailtos:// or mode=starttls)"
    return None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_urls(raw: str, name: str) -> None:
    """Raise SettingsError naming `name` and the position of the first unusable URL."""
    from newsmon.settings import SettingsError

    for position, url in enumerate(raw.split(), 1):
        reason = problem(url)
        if reason:
            raise SettingsError(f"{name}: URL {position} {reason}")


def label(url: str) -> str:
    """scheme://host/… where the host is a host, scheme://… where Apprise keeps a token in it."""
    scheme = (_SCHEME.match(url).group(1) if _SCHEME.match(url) else "?").lower()
    if scheme not in HOST_SCHEMES:
        return f"{scheme}://…"
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return f"{scheme}://…"
    return f"{scheme}://{host}{':' + str(port) if port else ''}/…"


def scrub(text: str, url: str, limit: int = 300) -> str:
    """`text` on one line, with every piece of `url` that could be a secret replaced by …"""
    pieces = {url, unquote(url)}
    rest = url.split("://", 1)[-1]
    for token in re.split(r"[/:@?#&=+,;]", rest) + re.split(r"[/:@?#&=+,;]", unquote(rest)):
        pieces.add(token)
    for piece in sorted((p for p in pieces if len(p) >= 3), key=len, reverse=True):
        text = text.replace(piece, "…")
    return " ".join(text.split())[:limit]
