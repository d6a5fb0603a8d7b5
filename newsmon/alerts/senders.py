"""One message to one destination, inside a `Deadline`: JSON webhooks, SMTP, other Apprise plugins.

Each sender gets the plugin object Apprise parsed from the channel URL (channels.instantiate) and
returns a SendResult. JSON webhooks and email are sent here, from the plugin's fields, so the
receiver gets an idempotency key (`Idempotency-Key`, a fixed `Message-ID`) and we see the status;
every socket they open is handed to the deadline, which cuts it when time is up. Other Apprise
plugins send themselves (one try: retries belong to the outbox). No result or exception text
carries the URL: the caller scrubs what it records.
"""

from __future__ import annotations

import base64
import http.client
import json
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import quote, urlencode

from newsmon.alerts import rules
from newsmon.alerts.bounded import Deadline
from newsmon.alerts.channels import is_loopback, plaintext_credentials
from newsmon.fetch import DEFAULT_USER_AGENT, parse_retry_after

RETRY_AFTER_CAP_S = 6 * 3600.0
MESSAGE_ID_DOMAIN = "newsmon.alerts.rules"


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: str  # sent, retry or dead
    retry_after_s: float | None = None
    error: str | None = None


def _tls_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


# --- JSON webhooks -------------------------------------------------------------------------------


def send_json(plugin: Any, payloads: tuple[dict, ...], key: str, deadline: Deadline) -> SendResult:
    """POST (or the URL's method) Apprise's JSON body plus newsmon's fields, with the key as header."""
    refused = plaintext_credentials(plugin)
    if refused:
        return SendResult("dead", error=f"refused: {refused}")
    body = json.dumps(rules.render_json(payloads, key, dict(plugin.payload_extras)), ensure_ascii=False).encode()
    headers = {"User-Agent": DEFAULT_USER_AGENT, "Content-Type": "application/json", **plugin.headers,
               "Idempotency-Key": key, "webhook-id": key, "Content-Length": str(len(body))}
    if plugin.user:
        secret = f"{plugin.user}:{plugin.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(secret).decode()
    target = quote(plugin.fullpath or "/", safe="/%:@!$&'()*+,;=-._~")
    if plugin.params:
        target += "?" + urlencode(plugin.params)
    port = plugin.port or (443 if plugin.secure else 80)
    if plugin.secure:
        connection = _HTTPS(plugin.host, port, deadline, _tls_context(plugin.verify_certificate))
    else:
        connection = _HTTP(plugin.host, port, deadline)
    try:
        connection.request(plugin.method, target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()  # the whole answer, inside the deadline
    finally:
        connection.close()
    outcome = rules.classify_status(response.status)
    retry_after = None
    if response.status in (429, 503):
        retry_after = parse_retry_after(response.getheader("retry-after"), datetime.now(UTC), RETRY_AFTER_CAP_S)
    return SendResult(outcome, retry_after, None if outcome == "sent" else f"HTTP {response.status}")


class _HTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, deadline: Deadline) -> None:
        super().__init__(host, port, timeout=max(0.01, deadline.remaining()))
        self._create_connection = lambda address, timeout, source=None: deadline.attach(
            socket.create_connection(address, timeout, source))


class _HTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, deadline: Deadline, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=max(0.01, deadline.remaining()), context=context)
        self._create_connection = lambda address, timeout, source=None: deadline.attach(
            socket.create_connection(address, timeout, source))


# --- email ---------------------------------------------------------------------------------------


def build_email(plugin: Any, payloads: tuple[dict, ...], key: str) -> tuple[EmailMessage, list[str]]:
    """The message and its envelope recipients, from Apprise's parse of a mailto(s):// URL."""
    names = getattr(plugin, "names", {}) or {}
    email = EmailMessage(policy=default_policy)  # refuses CR/LF in header values
    for name, value in (plugin.headers or {}).items():
        email[name] = value
    email["Subject"] = rules.render_subject(payloads)
    sender_name, sender = plugin.from_addr
    email["From"] = formataddr((sender_name or "", sender)) if sender_name else sender
    email["To"] = ", ".join(formataddr((n or "", a)) if n else a for n, a in plugin.targets)
    if plugin.cc:
        email["Cc"] = ", ".join(formataddr((names.get(a) or "", a)) for a in sorted(plugin.cc))
    if getattr(plugin, "reply_to", None):
        email["Reply-To"] = ", ".join(sorted(plugin.reply_to))
    email["Message-ID"] = f"<{key}@{MESSAGE_ID_DOMAIN}>"  # the same on every resend
    email["Date"] = format_datetime(datetime.now(UTC))
    email.set_content(rules.render_text(payloads))
    recipients = [a for _, a in plugin.targets] + sorted(plugin.cc) + sorted(plugin.bcc)
    return email, list(dict.fromkeys(recipients))


def send_email(plugin: Any, payloads: tuple[dict, ...], key: str, deadline: Deadline) -> SendResult:
    refused = plaintext_credentials(plugin)
    if refused:
        return SendResult("dead", error=f"refused: {refused}")
    email, recipients = build_email(plugin, payloads, key)
    if not recipients:
        return SendResult("dead", error="the email URL has no recipient")
    mode = str(plugin.secure_mode)
    context = _tls_context(plugin.verify_certificate)
    smtp = _SMTP(deadline, context if mode == "ssl" else None)
    try:
        smtp._host = plugin.smtp_host  # smtplib sets it only when the constructor connects; STARTTLS checks it
        smtp.connect(plugin.smtp_host, plugin.port)
        if mode == "starttls":
            smtp.starttls(context=context)
        if plugin.user and plugin.password:
            if mode == "insecure" and not is_loopback(plugin.smtp_host):
                return SendResult("dead", error="refused: SMTP password over an unencrypted connection")
            smtp.login(plugin.user, plugin.password)
        smtp.send_message(email, from_addr=plugin.from_addr[1], to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        return SendResult("dead", error=f"SMTP auth refused ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        return SendResult("dead", error=f"SMTP refused {len(exc.recipients)} recipient(s)")
    except smtplib.SMTPResponseException as exc:
        return SendResult("dead" if 500 <= exc.smtp_code < 600 else "retry", error=f"SMTP {exc.smtp_code}")
    finally:
        smtp.close()
    return SendResult("sent")


class _SMTP(smtplib.SMTP):
    """smtplib with every socket under the deadline; `tls` set: implicit TLS (port 465 style)."""

    def __init__(self, deadline: Deadline, tls: ssl.SSLContext | None) -> None:
        self._deadline, self._tls = deadline, tls
        # a fixed EHLO name: socket.getfqdn() may wait on DNS outside any deadline
        super().__init__(local_hostname="localhost", timeout=max(0.01, deadline.remaining()))

    def _get_socket(self, host, port, timeout):
        sock = self._deadline.attach(socket.create_connection((host, port), timeout, self.source_address))
        return self._tls.wrap_socket(sock, server_hostname=host) if self._tls else sock


# --- other Apprise services ----------------------------------------------------------------------


def send_apprise(plugin: Any, payloads: tuple[dict, ...], key: str, deadline: Deadline) -> SendResult:
    """Apprise sends it; its sockets are its own, so the delivery loop abandons it at the deadline."""
    import apprise

    # TEXT: Apprise escapes Slack's & < > itself; mentions were neutralised when rendering
    ok = plugin.notify(title=rules.render_subject(payloads), body=rules.render_text(payloads),
                       body_format=apprise.NotifyFormat.TEXT)
    return SendResult("sent") if ok else SendResult("retry", error="the Apprise service reported a failure")
