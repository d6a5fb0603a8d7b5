"""The report as one self-contained HTML file (inline CSS and SVG, no scripts). Every string that
came from a feed is untrusted: it is escaped where it is written, and only safe http(s) URLs become
links (newsmon/untrusted.py)."""

from __future__ import annotations

import re

from newsmon.report.charts import daily_chart, outlet_chart, subtopic_heatmap
from newsmon.report.data import LATEST_STORIES, FulltextRows, ReportData, minute
from newsmon.untrusted import clean_text, esc, safe_link

LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def plural(n: int, noun: str, nouns: str = "") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {nouns or noun + 's'}"


def render_report(data: ReportData) -> str:
    e = esc
    stamp = data.now.strftime("%Y-%m-%d %H:%M UTC")
    window = f"{data.first_day.isoformat()} – {data.now.date().isoformat()}"
    body = [
        f"<header><h1>Russia–DPRK news monitor</h1><p class=meta>{e(window)} · {data.days} days · "
        f"generated {e(stamp)}</p></header>",
        _summary_tiles(data),
    ]
    if not data.stories and not data.by_language:
        body.append(f'<p class="empty">Nothing yet: no matching stories in the last {data.days} days.</p>')
    else:
        body += [
            _section("Matching stories per day, by language", "daily", daily_chart(data)),
            _section("Subtopics per week", "subtopics", subtopic_heatmap(data)),
            _section("Top outlets", "outlets", outlet_chart(data)),
            _section("Latest matching stories", "stories",
                     _stories_table(data.stories, data.totals["stories"])),
        ]
        if data.events:
            body.append(_section("Events covered in several languages", "events", _events_list(data.events)))
    if data.fulltext.changes:
        body.append(_section("Changed by the article body", "body-changes", _body_changes(data.fulltext.changes)))
    body.append(_section("Feed health", "feeds", _feed_health(data.feeds) + _fulltext_status(data.fulltext)))
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        '<meta name=viewport content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">\n<meta name=referrer content=no-referrer>\n"
        f"<title>newsmon report {e(data.now.date().isoformat())}</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans",sans-serif;margin:0 auto;max-width:1180px;
padding:16px 24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e6ec;padding-bottom:4px}
.meta{color:#5d6678;margin:2px 0 12px}.empty{color:#5d6678;font-style:italic}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{border:1px solid #e3e6ec;border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:22px}.tile span{color:#5d6678;font-size:12px}
svg{max-width:100%;height:auto;font:11px system-ui,sans-serif}svg text{fill:#3b4352}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:4px 0 0;padding:0;list-style:none;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px;vertical-align:-1px}
table{border-collapse:collapse;width:100%}th,td{text-align:start;vertical-align:top;padding:6px 8px;
border-bottom:1px solid #eef0f4}th{font-size:12px;color:#5d6678;font-weight:600}
td.when{white-space:nowrap;color:#5d6678;font-size:12px}td.title{font-size:15px;max-width:520px}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
.code{font:12px ui-monospace,monospace;background:#f1f3f7;border-radius:3px;padding:1px 5px}
.terms bdi,.subs bdi{display:inline-block;background:#f1f3f7;border-radius:3px;padding:0 5px;margin:1px 2px;
font-size:12px}
.outlets{font-size:12px;color:#3b4352}ul.events{padding-left:18px}ul.events li{margin-bottom:6px}
.bad{color:#b3261e}tr.event td{background:#f6f8fb;font-size:12px;color:#3b4352;font-weight:600}
tr.in-event td.title{padding-left:20px}
.snippet{margin:4px 0 0;font-size:13px;color:#3b4352}.from{font-size:11px;color:#5d6678;margin-right:4px}
.snippet.body{border-left:3px solid #4e79a7;padding-left:6px}
.badge{display:inline-block;font-size:11px;border-radius:3px;padding:0 5px;margin-left:6px;vertical-align:1px}
.badge.up{background:#e3f1e3;color:#24692b}.badge.down{background:#fbe3e1;color:#b3261e}
.badge.sent{background:#f1f3f7;color:#3b4352}ul.changes{padding-left:18px}ul.changes li{margin-bottom:4px}
ul.changes .when{color:#5d6678;font-size:12px}
"""


def _lang_attr(lang: object) -> str:
    return f' lang="{esc(lang)}"' if isinstance(lang, str) and LANG_TAG.match(lang) else ""


def _title_html(title: object, lang: object, url: object) -> str:
    text, attrs = esc(title) or "(untitled)", f'{_lang_attr(lang)} dir="auto"'
    href = safe_link(url)
    if href is None:
        return f"<span{attrs}>{text}</span>"
    return f'<a href="{esc(href)}" rel="noopener noreferrer" target=_blank{attrs}>{text}</a>'


def _section(title: str, anchor: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>\n{content}\n</section>'


def _summary_tiles(data: ReportData) -> str:
    failing = sum(1 for f in data.feeds if f["active"] and f["consecutive_failures"])
    tiles = [
        (data.totals["stories"], "new matching stories"),
        (data.totals["articles"], "articles carrying them"),
        (data.totals["languages"], "languages"),
        (data.totals["outlets"], "outlets"),
        (len(data.events), "cross-language events"),
        (f"{failing} / {len(data.feeds)}", "feeds failing"),
    ]
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><b>{esc(value)}</b><span>{esc(label)}</span></div>' for value, label in tiles
    ) + "</div>"


def _stories_table(stories: list[dict], total: int) -> str:
    """The latest stories, a happening's stories together under one event row with its languages
    (at the place of its newest story)."""
    if not stories:
        return '<p class="empty">No new matching stories in this window.</p>'
    groups: dict[object, list[dict]] = {}
    for s in stories[:LATEST_STORIES]:
        groups.setdefault(s.get("event_id") or s["story_id"], []).append(s)
    rows = []
    for group in groups.values():
        if len(group) > 1:
            languages = group[0].get("event_languages") or sorted({lang for s in group for lang in s["languages"]})
            rows.append(f'<tr class="event"><td colspan=5>One event: {plural(len(group), "story", "stories")} in '
                        f'{plural(len(languages), "language")} ({esc(", ".join(languages))})</td></tr>')
        rows += [_story_row(s, in_event=len(group) > 1) for s in group]
    more = ""
    if total > LATEST_STORIES:
        more = (f'<p class="meta">Showing the latest {LATEST_STORIES} of {total}; '
                "<code>newsmon query --file new_stories_since</code> lists all.</p>")
    return ("<table><thead><tr><th>first seen (UTC)</th><th>title</th><th>lang</th><th>outlets</th>"
            "<th>evidence</th></tr></thead><tbody>" + "\n".join(rows) + "</tbody></table>" + more)


def _story_row(s: dict, in_event: bool = False) -> str:
    terms = "".join(f"<bdi>{esc(t)}</bdi>" for t in s["evidence_terms"])
    subs = "".join(f"<bdi>{esc(t.replace('_', ' '))}</bdi>" for t in s["subtopics"])
    outlets = ", ".join(f"<bdi>{esc(o)}</bdi>" for o in s["outlets"])
    upgraded = '<span class="badge up">matched on the article body</span>' if s.get("body_only") else ""
    return (
        f'<tr{" class=in-event" if in_event else ""}><td class="when">{minute(s["first_seen"])}</td>'
        f'<td class="title">{_title_html(s["title"], s["lang"], s["url"])}{upgraded}'
        f'<div class="subs">{subs}</div>{_snippet(s)}</td>'
        f'<td><span class="code">{esc(s["lang"])}</span></td>'
        f'<td class="outlets">{outlets}<br>{plural(s["article_count"], "copy", "copies")}, '
        f'{esc(", ".join(s["languages"]))}</td>'
        f'<td class="terms"{_lang_attr(s["lang"])} dir="auto">{terms}</td></tr>'
    )


SNIPPET_CHARS = 280  # as alerts quote (newsmon/alerts/rules.py)


def _snippet(s: dict) -> str:
    """The passage under a story's title: from the article's body (around its strongest body
    evidence, see sql/report/story_snippets.sql) when its page was read and matched, else the
    feed's teaser; marked with where it comes from, as both are untrusted text."""
    text = clean_text(s.get("snippet"), one_line=True)
    if not text:
        return ""
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    body = s.get("snippet_from") == "body"
    label = "from the article body" if body else "feed teaser"
    return (f'<p class="snippet{" body" if body else ""}"><span class="from">{label}</span>'
            f'<span{_lang_attr(s.get("snippet_lang"))} dir="auto">{esc(text)}</span></p>')


def _body_changes(changes: list[dict]) -> str:
    """Articles whose page body changed their match, the newest of each kind (the query bounds them)."""
    parts = []
    kinds = (("downgraded", "down", "Their feed text matched, their article body does not, so they no longer count "
              "as matching stories. Alerts already sent for them are not retracted: they stay sent."),
             ("upgraded", "up", "They match on their article body only: their feed text alone did not match."))
    for kind, badge, explanation in kinds:
        rows = [c for c in changes if c["body_change"] == kind]
        if not rows:
            continue
        total = rows[0]["total"]
        items = "".join(
            f'<li><span class="when">{minute(c["fetched_at"])}</span> {_title_html(c["title"], c["lang"], c["url"])}'
            f' · <bdi>{esc(c["outlet"])}</bdi> <span class="code">{esc(c["lang"])}</span>'
            f'<span class="badge {badge}">{kind}</span>'
            + ('<span class="badge sent">alert sent</span>' if c["alerted"] else "") + "</li>"
            for c in rows)
        more = ""
        if total > len(rows):
            more = (f'<p class="meta">Showing the newest {len(rows)} of {total}; <code>newsmon query "select * from '
                    f"v_article_texts where body_change = '{kind}'\"</code> lists all.</p>")
        parts.append(f"<p><b>{plural(total, 'article')} {kind}.</b> {esc(explanation)}</p>"
                     f'<ul class="changes">{items}</ul>{more}')
    return "\n".join(parts)


_PAGE_OUTCOMES = ("ok", "paywall", "consent", "antibot", "robots_disallowed")


def _fulltext_status(fulltext: FulltextRows) -> str:
    """The article pages the full-text stage tried in the window, by status: how it is doing."""
    heading = "<h3>Article pages (full text)</h3>"
    if not fulltext.statuses:
        return heading + '<p class="empty">No article pages tried in this window.</p>'
    counts = {outcome: 0 for outcome in _PAGE_OUTCOMES}
    errors: list[tuple[str, int]] = []
    for r in fulltext.statuses:
        if r["outcome"] == "error":
            errors.append((r["status"], r["pages"]))
        else:
            counts[r["outcome"]] += r["pages"]
    total = sum(counts.values()) + sum(n for _, n in errors)
    retrying = sum(r["retrying"] for r in fulltext.statuses)
    tiles = [(counts[o], o.replace("_", " ")) for o in _PAGE_OUTCOMES] + [(sum(n for _, n in errors), "errors")]
    detail = ", ".join(f"{esc(status)} {n}" for status, n in errors)
    return (heading + f"<p>{plural(total, 'page')} tried in this window (the latest attempt of each article)"
            + (f"; {retrying} will be tried again by a later run" if retrying else "") + ".</p>"
            + '<div class="tiles">' + "".join(f'<div class="tile"><b>{n}</b><span>{esc(label)}</span></div>'
                                              for n, label in tiles) + "</div>"
            + (f'<p class="meta">errors: {detail}</p>' if errors else ""))


def _events_list(events: list[dict]) -> str:
    items = []
    for event in events[:20]:
        titles = []
        for entry in event["titles"]:
            lang, _, title = entry.partition(": ")
            titles.append(f'<li><span class="code">{esc(lang)}</span> <span{_lang_attr(lang)} dir="auto">'
                          f"{esc(title)}</span></li>")
        outlets = ", ".join(f"<bdi>{esc(o)}</bdi>" for o in event["outlets"])
        items.append(f"<li>{event['language_count']} languages, {event['articles']} articles ({outlets})"
                     f"<ul>{''.join(titles)}</ul></li>")
    return '<ul class="events">' + "".join(items) + "</ul>"


def _feed_health(feeds: list[dict]) -> str:
    if not feeds:
        return '<p class="empty">No feeds registered yet.</p>'
    troubled = [f for f in feeds if f["active"] and (f["consecutive_failures"] or f["errors_7d"])]
    if not troubled:
        return f'<p>All {len(feeds)} feeds fetched without errors in the last 7 days.</p>'
    rows = "".join(
        f'<tr><td><bdi>{esc(f["name"])}</bdi> <span class="code">{esc(f["feed_id"])}</span></td>'
        f'<td class="bad">{esc(f["consecutive_failures"])}</td>'
        f'<td>{esc(f["errors_7d"])} / {esc(f["fetches_7d"])}</td>'
        f'<td>{esc(f["last_error_class"] or "")}</td>'
        f'<td>{minute(f["last_success_at"]) if f["last_success_at"] else "never"}</td></tr>'
        for f in troubled[:30]
    )
    return (f"<p>{len(troubled)} of {len(feeds)} feeds had errors.</p><table><thead><tr><th>feed</th>"
            "<th>failures in a row</th><th>errors / fetches (7 days)</th><th>last error</th>"
            f"<th>last success (UTC)</th></tr></thead><tbody>{rows}</tbody></table>")
