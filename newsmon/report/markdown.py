"""The short Markdown summary of new stories that each run publishes as a Prefect artifact. Feed
text is made inert: one line, Markdown specials escaped, HTML escaped, only safe links."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import quote

from newsmon.report.html import LANG_TAG, plural
from newsmon.untrusted import safe_link

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|!~{}+\-.])")  # < and > are left to html.escape


def _lang_code(lang: object) -> str:
    return lang if isinstance(lang, str) and LANG_TAG.match(lang) else "und"


def _md(value: object) -> str:
    """Feed text made inert in Markdown: one line, specials backslash-escaped, HTML escaped."""
    text = " ".join(str(value or "").split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)


TOP_STORIES = 10
SNIPPET_CHARS = 200  # of a body passage or teaser, under a story's line


def top_stories(stories: list[dict], top: int = TOP_STORIES) -> list[dict]:
    """The `top` stories the summary lists: the most widely carried first, the newest among equals."""
    ranked = sorted(stories, key=lambda s: s["published_at"], reverse=True)
    ranked.sort(key=lambda s: (len(s["outlets"]), s["article_count"]), reverse=True)  # stable
    return ranked[:top]


def render_markdown(now: datetime, days: int, stories: list[dict], events: list[dict], top: int = TOP_STORIES,
                    snippets: dict[str, dict] | None = None) -> str:
    """`snippets`: story_id -> story_snippets row (report/data.py); a top story with one gets a line
    quoting it, marked as from the article's body or from the feed's teaser."""
    snippets = snippets or {}
    span = "24 hours" if days == 1 else f"{days} days"
    lines = [f"# newsmon: Russia–DPRK stories, last {span}", "",
             f"_up to {now.strftime('%Y-%m-%d %H:%M')} UTC_", ""]
    if not stories:
        return "\n".join(lines + [f"Nothing yet: no new matching stories in the last {span}.", ""])
    languages: dict[str, int] = defaultdict(int)
    for s in stories:
        languages[_lang_code(s["lang"])] += 1
    outlets = {o for s in stories for o in s["outlets"]}
    mix = ", ".join(f"{lang} {n}" for lang, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])))
    lines += [f"- **{len(stories)}** new matching stories from **{len(outlets)}** outlets ({mix})",
              f"- cross-language events: **{len(events)}**", "", "## Top stories", ""]
    for i, s in enumerate(top_stories(stories, top), 1):
        title = _md(s["title"]) or "(untitled)"
        url = safe_link(s["url"])
        linked = f"[{title}]({quote(url, safe=':/?#[]@!$&*+,;=%~')})" if url else title
        names = ", ".join(_md(o) for o in s["outlets"][:5]) + (" …" if len(s["outlets"]) > 5 else "")
        carried = plural(len(s["outlets"]), "outlet")
        quoted = snippets.get(s["story_id"], {})
        upgrade = " · _matched on the article body_" if quoted.get("body_only") else ""
        lines.append(f"{i}. {linked} · `{_lang_code(s['lang'])}` · {carried}: {names}{upgrade}")
        if text := _md(_cut(quoted.get("snippet"), SNIPPET_CHARS)):
            source = "article body" if quoted.get("snippet_from") == "body" else "feed teaser"
            lines.append(f"{' ' * len(f'{i}. ')}- _{source}:_ {text}")  # nested under its story
    return "\n".join(lines) + "\n"


def _cut(text: object, chars: int) -> str:
    """`text` on one line, at most about `chars` characters, cut at a space."""
    line = " ".join(str(text or "").split())
    return line if len(line) <= chars else line[:chars].rsplit(" ", 1)[0] + " …"
