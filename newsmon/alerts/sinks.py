"""Always-on alert sinks, next to the database: an Atom feed and a JSON-lines log.

alerts.atom is rewritten from the outbox after every delivery (the newest stories that
alerted), atomically, so a feed reader never sees half a file. alerts.jsonl is an outbox
channel: one line per story alert, appended once (ids already in the file are skipped, so a
resend after a crash does not double a line).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from newsmon import __version__
from newsmon.alerts.render import render_html
from newsmon.untrusted import clean_text

ATOM_NAME = "alerts.atom"
ATOM_SINK = "sink:atom"  # its key in operator conditions (the Atom feed is not an outbox channel)
JSONL_NAME = "alerts.jsonl"
ATOM_ENTRIES = 100
FEED_ID = "tag:newsmon.invalid,2026:alerts"


def story_entry_id(story_id: str) -> str:
    """A permanent Atom id per story (RFC 4151 tag URI)."""
    return f"tag:newsmon.invalid,2026:story/{story_id}"


def render_atom(stories: Sequence[tuple[str, datetime, dict]], now: datetime, self_href: str = ATOM_NAME) -> str:
    """Atom 1.0 of (story_id, alerted_at, payload), newest first. `self_href` is the feed's own
    address (rel=self); by default its file name, which a reader resolves against where it got it."""
    updated = max((alerted for _, alerted, _ in stories), default=now)
    entries = []
    for story_id, alerted_at, p in stories:
        link = f'\n    <link rel="alternate" href={quoteattr(p["link"])}/>' if p.get("link") else ""
        categories = "".join(f"\n    <category term={quoteattr(clean_text(s, one_line=True))}/>" for s in p.get("subtopics", []))
        authors = "".join(f"\n    <author><name>{escape(o)}</name></author>" for o in p.get("outlets", [])[:5]) \
            or "\n    <author><name>newsmon</name></author>"
        entries.append(
            f"  <entry xml:lang={quoteattr(_xml_lang(p.get('lang')))}>\n"
            f"    <id>{story_entry_id(story_id)}</id>\n"
            f"    <title>{escape(p['title'])}</title>{link}\n"
            f"    <updated>{_iso(alerted_at)}</updated>\n"
            f"    <published>{escape(p.get('published') or p.get('first_seen') or _iso(alerted_at))}</published>"
            f"{authors}{categories}\n"
            f"    <summary type=\"html\">{escape(render_html(p))}</summary>\n"
            f"  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{FEED_ID}</id>\n"
        "  <title>newsmon: new matching stories</title>\n"
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(self_href)}/>\n"
        f"  <updated>{_iso(updated)}</updated>\n"
        f'  <generator version="{__version__}">newsmon</generator>\n'
        + "".join(entries)
        + "</feed>\n"
    )


def write_atom(path: Path, stories: Sequence[tuple[str, datetime, dict]], now: datetime) -> None:
    _write_atomically(path, render_atom(stories, now))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _xml_lang(lang: str | None) -> str:
    return lang if lang and lang.isalpha() and lang != "und" else ""


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class JsonlLog:
    """Append-once JSON-lines log keyed by alert_id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ids: set[str] | None = None

    def append(self, alert_ids: Sequence[str], payloads: Sequence[dict]) -> None:
        if self._ids is None:
            self._ids = self._read_ids()
        lines = [json.dumps({"alert_id": i, **p}, ensure_ascii=False) + "\n"
                 for i, p in zip(alert_ids, payloads) if i not in self._ids]
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        torn = self.path.exists() and self.path.stat().st_size > 0 and not _ends_with_newline(self.path)
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(("\n" if torn else "") + "".join(lines))
            out.flush()
            os.fsync(out.fileno())
        self._ids.update(alert_ids)

    def _read_ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        ids = set()
        with open(self.path, encoding="utf-8", errors="replace") as source:
            for line in source:
                try:
                    ids.add(json.loads(line)["alert_id"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a crash mid-write is skipped, not fatal
        return ids


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as source:
        source.seek(-1, os.SEEK_END)
        return source.read(1) == b"\n"
