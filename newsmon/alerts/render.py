"""Alert messages from outbox payloads: subject, plain text, Apprise-shaped JSON, Atom HTML.

Every payload field was cleaned when the payload was built (rules.story_payload); here the text
is laid out and escaped for its target: chat mentions neutralised everywhere, Slack's & < >
escaped in the JSON `text`, HTML escaped for the Atom summary. Payloads written before these
fields existed (no `published`, `snippet`, `sides`, `also_reported`, ...) still render.

Every channel (email, chat, JSON webhooks, the Atom summary, digests and summaries) lays a story out
with `story_lines`, so a line added there reaches all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newsmon.untrusted import clean_text, esc

_MENTION = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)
SUMMARY_REASONS = {
    "first_run": "First run of this database: the matching stories are listed in one message instead of one "
                 "alert each.",
    "flood": "More new alerts than the per-run limit for this destination: they are listed in one message "
             "instead of one alert each.",
}


def neutralise_mentions(text: str) -> str:
    """@everyone/@here/@channel from a feed must not page a whole chat."""
    text = _MENTION.sub(lambda m: "\uff20" + m.group(1), text)  # a full-width @ reads the same, pings no one
    return re.sub(r"<([@#!])", "<\u200b\\1", text)  # Discord's <@id>, <#id>, <@&role>


def slack_escape(text: str) -> str:
    """Slack's three control characters; with < and > escaped, <!channel> and <@U…> are inert."""
    return neutralise_mentions(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _when(value: str | None) -> str:
    return f"{value[:16].replace('T', ' ')} UTC" if value else "-"


def render_subject(payloads: Sequence[dict]) -> str:
    first = payloads[0]
    stories = [p for p in payloads if p.get("kind") == "story"]
    topic = first.get("topic_label") or first.get("topic", "")
    if first.get("summary") in SUMMARY_REASONS and stories:
        what = "first run" if first["summary"] == "first_run" else "too many to send one by one"
        return clean_text(f"newsmon: {len(stories)} matching stories ({topic}; {what})", one_line=True)
    if len(payloads) > 1:
        return clean_text(f"newsmon digest: {len(payloads)} new stories ({topic})", one_line=True)
    if first["kind"] == "operator":
        return first["title"]
    outlet = (first.get("outlets") or [""])[0]
    return clean_text(f"{first['title']}{' (' + outlet + ')' if outlet else ''}", one_line=True)


def story_lines(p: Mapping) -> list[str]:
    """One story as labelled lines; the first is the title with its language."""
    lines = [f"{p['title']} [{p['lang']}]"]
    if p.get("topic_label"):
        lines.append(f"Topic: {p['topic_label']}")
    lines.append(f"Published: {_when(p.get('published'))} · first seen: {_when(p.get('first_seen'))}")
    outlets = p.get("outlets") or []
    languages = p.get("languages") or []
    lines.append(f"Outlets ({len(outlets)}): {', '.join(outlets) or '-'}"
                 + (f" · languages: {', '.join(languages)}" if languages else ""))
    also = also_line(p.get("also_reported"))
    if also:
        lines.append(also)
    if p.get("snippet"):
        lines.append(("From the article: " if p.get("snippet_source") == "body" else "") + p["snippet"])
    if p.get("link"):
        lines.append(f"Link: {p['link']}")
    if p.get("subtopics"):
        lines.append(f"Subtopics: {', '.join(p['subtopics'])}")
    if p.get("sides") or p.get("cues"):
        if p.get("sides"):
            lines.append(f"Sides: {', '.join(p['sides'])}")
        if p.get("cues"):
            lines.append(f"Subtopic cues: {', '.join(p['cues'])}")
    elif p.get("evidence"):
        lines.append(f"Evidence: {', '.join(p['evidence'])}")
    return lines


def also_line(also: Mapping | None) -> str | None:
    """`Also reported in: ko, ru, ja (Yonhap, TASS, Kyodo)`: the other languages and outlets that
    carried the story's event when the alert was written, bounded by "+N more"."""
    if not also:
        return None
    languages = ", ".join(also.get("languages") or []) or "-"
    if also.get("more_languages"):
        languages += f" +{also['more_languages']} more"
    outlets = ", ".join(also.get("outlets") or [])
    if outlets and also.get("more_outlets"):
        outlets += f" +{also['more_outlets']} more"
    return f"Also reported in: {languages}" + (f" ({outlets})" if outlets else "")


def render_text(payloads: Sequence[dict]) -> str:
    """Plain text, one block per story (a summary or digest says what it is first)."""
    blocks = []
    reason = payloads[0].get("summary") if payloads else None
    if reason in SUMMARY_REASONS:
        blocks.append(SUMMARY_REASONS[reason])
    for p in payloads:
        if p["kind"] == "operator":
            blocks.append(f"{p['title']}\n{p['detail']}")
        else:
            blocks.append("\n".join(story_lines(p)))
    return neutralise_mentions("\n\n".join(blocks))


def render_html(p: Mapping) -> str:
    """One story as an HTML fragment (the Atom summary): escaped text, only our own markup."""
    lines = story_lines(p)
    head = f"<p><b>{esc(lines[0])}</b></p>"
    rest = "".join(f"<p>{esc(line)}</p>" if not line.startswith("Link: ") else
                   f'<p><a href="{esc(p["link"])}">{esc(p["link"])}</a></p>' for line in lines[1:])
    return head + rest


def render_json(payloads: Sequence[dict], key: str, extras: Mapping[str, str] | None = None) -> dict:
    """The JSON webhook body: Apprise's own (version, title, message, attachments, type, with the
    URL's `:key=value` extras applied as Apprise applies them), plus newsmon's fields: the
    idempotency key, a Slack-compatible `text` and the alerts themselves."""
    body = render_text(payloads)
    operator = any(p.get("kind") == "operator" for p in payloads)
    out: dict = {"version": "1.0", "title": render_subject(payloads), "message": body, "attachments": [],
                 "type": "warning" if operator else "info"}
    for name, value in (extras or {}).items():
        if name in out:
            moved = out.pop(name)
            if value:
                out[value] = moved
        else:
            out[name] = value
    return {**out, "idempotency_key": key, "text": slack_escape(body), "alerts": list(payloads)}
