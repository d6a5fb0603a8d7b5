"""The daily report: one self-contained HTML file (inline CSS and SVG, no scripts) and a Markdown summary.

`read_report_data` runs the named queries of sql/queries/ on an open (read-only) connection,
over a working set of the window's stories held in temp tables; everything after that is pure:
rows -> HTML or Markdown. Every string that came from a feed is untrusted: it is escaped where
it is written, and only http(s) URLs become links.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

import duckdb

from newsmon.db import sql
from newsmon.report.charts import daily_chart, outlet_chart, subtopic_heatmap

LATEST_STORIES = 50
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class ReportData:
    """Query results for one report window, ending at `now` (UTC)."""

    now: datetime
    days: int
    by_language: list[dict]  # day, lang, stories, articles
    by_outlet: list[dict]  # day, feed_id, outlet, stories, articles
    subtopics: list[dict]  # week, subtopic, stories
    stories: list[dict]  # the newest LATEST_STORIES new_stories_since rows, newest first
    totals: dict  # over all new stories of the window: stories, articles, languages, outlets
    events: list[dict]  # cross_language_events rows
    feeds: list[dict]  # feed_health rows

    @property
    def first_day(self) -> date:
        return self.now.date() - timedelta(days=self.days - 1)


def read_report_data(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30) -> ReportData:
    """Run the report's queries for the `days` UTC days ending at `now`."""
    now = _utc(now)
    with _report_working_set(con, now, days):
        return _report_data(con, now, days)


def build_report(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30) -> str:
    """The HTML report of the `days` days ending at `now`, as one string."""
    return render_report(read_report_data(con, now, days))


def report_markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 1) -> str:
    """A short Markdown summary of the `days` x 24 hours before `now` (top stories first), for a
    Prefect artifact after each run; it runs only the two queries it shows."""
    now = _utc(now)
    since = now - timedelta(days=days)
    with _working_set(con, seen_since=since, published_since=since):
        return _markdown(con, now, days)


def build_report_and_markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int = 30,
                              markdown_days: int = 1) -> tuple[str, str]:
    """build_report and report_markdown of one run, from one working set: the report's window holds
    the summary's, and a working set gives the same rows as the full tables for any window inside it."""
    now = _utc(now)
    if markdown_days > days - 1:
        return build_report(con, now, days), report_markdown(con, now, markdown_days)
    with _report_working_set(con, now, days):
        return render_report(_report_data(con, now, days)), _markdown(con, now, markdown_days)


def _report_window(now: datetime, days: int) -> tuple[date, date]:
    """The report's first day, and the Monday of its week: the weekly heatmap starts there, so it
    reaches furthest back."""
    first_day = now.date() - timedelta(days=days - 1)
    return first_day, first_day - timedelta(days=first_day.weekday())


def _report_working_set(con: duckdb.DuckDBPyConnection, now: datetime, days: int):
    first_day, first_week = _report_window(now, days)
    return _working_set(con, seen_since=_midnight(first_day), published_since=_midnight(first_week))


def _report_data(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> ReportData:
    first_day, first_week = _report_window(now, days)
    since = _midnight(first_day)
    # Thousands of stories can be new in a month; Python gets the few shown and the totals.
    con.execute("create temp table report_stories as\n" + sql("queries/new_stories_since"),
                {"since": since.isoformat()})
    return ReportData(
        now=now,
        days=days,
        by_language=[r for r in _rows(con, "daily_matching_stories_by_language") if first_day <= r["day"]],
        by_outlet=[r for r in _rows(con, "daily_matching_stories_by_outlet") if first_day <= r["day"]],
        subtopics=[r for r in _rows(con, "subtopic_trend_by_week") if first_week <= r["week"]],
        stories=_rows(con, "report/latest_stories", {"limit": LATEST_STORIES}),
        totals=_rows(con, "report/story_totals")[0],
        events=_rows(con, "cross_language_events", {"since": since.isoformat()}),
        # Its article counts would cover only the working set; the report shows fetch health only.
        feeds=[{k: v for k, v in r.items() if k not in _FEED_ARTICLE_COUNTS} for r in _rows(con, "feed_health")],
    )


def _markdown(con: duckdb.DuckDBPyConnection, now: datetime, days: int) -> str:
    since = now - timedelta(days=days)
    stories = _rows(con, "new_stories_since", {"since": since.isoformat()})
    events = _rows(con, "cross_language_events", {"since": since.isoformat()})
    return render_markdown(now, days, stories, events)


_FEED_ARTICLE_COUNTS = ("articles", "matching_articles", "last_new_article_at")
_WORKING_SET = ("articles", "article_topics", "article_feeds", "report_stories")  # created in this order


@contextmanager
def _working_set(con: duckdb.DuckDBPyConnection, seen_since: datetime,
                 published_since: datetime) -> Iterator[None]:
    """Inside: temp tables articles, article_topics and article_feeds hold only the stories the
    window can show (see sql/report/window_articles.sql). DuckDB resolves an unqualified name to a
    temp table first, so the named queries run unchanged on a few thousand rows instead of scanning
    and joining the whole history; their cost then grows with the window, not with the database."""
    try:
        con.execute(sql("report/window_articles"),
                    {"seen_since": seen_since, "published_since": published_since})
        con.execute(sql("report/window_article_topics"))
        con.execute(sql("report/window_article_feeds"))
        yield
    finally:
        for table in reversed(_WORKING_SET):
            con.execute(f"drop table if exists temp.{table}")  # a fixed name, not a value


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[dict]:
    cursor = con.execute(sql(name if "/" in name else f"queries/{name}"), params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _minute(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%d %H:%M")


# --- HTML ---------------------------------------------------------------------------------------

def render_report(data: ReportData) -> str:
    e = _esc
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
    body.append(_section("Feed health", "feeds", _feed_health(data.feeds)))
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
.bad{color:#b3261e}
"""


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL without control characters, else None."""
    if not isinstance(url, str) or not url or any(ord(c) < 33 or c in '"<>`\\' for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _lang_attr(lang: object) -> str:
    return f' lang="{_esc(lang)}"' if isinstance(lang, str) and _LANG_TAG.match(lang) else ""


def _title_html(title: object, lang: object, url: object) -> str:
    text, attrs = _esc(title) or "(untitled)", f'{_lang_attr(lang)} dir="auto"'
    href = _safe_url(url)
    if href is None:
        return f"<span{attrs}>{text}</span>"
    return f'<a href="{_esc(href)}" rel="noopener noreferrer" target=_blank{attrs}>{text}</a>'


def _section(title: str, anchor: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{_esc(title)}</h2>\n{content}\n</section>'


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
        f'<div class="tile"><b>{_esc(value)}</b><span>{_esc(label)}</span></div>' for value, label in tiles
    ) + "</div>"


def _stories_table(stories: list[dict], total: int) -> str:
    if not stories:
        return '<p class="empty">No new matching stories in this window.</p>'
    rows = []
    for s in stories[:LATEST_STORIES]:
        terms = "".join(f"<bdi>{_esc(t)}</bdi>" for t in s["evidence_terms"])
        subs = "".join(f"<bdi>{_esc(t.replace('_', ' '))}</bdi>" for t in s["subtopics"])
        outlets = ", ".join(f"<bdi>{_esc(o)}</bdi>" for o in s["outlets"])
        rows.append(
            f'<tr><td class="when">{_minute(s["first_seen"])}</td>'
            f'<td class="title">{_title_html(s["title"], s["lang"], s["url"])}'
            f'<div class="subs">{subs}</div></td>'
            f'<td><span class="code">{_esc(s["lang"])}</span></td>'
            f'<td class="outlets">{outlets}<br>{_plural(s["article_count"], "copy", "copies")}, '
            f'{_esc(", ".join(s["languages"]))}</td>'
            f'<td class="terms"{_lang_attr(s["lang"])} dir="auto">{terms}</td></tr>'
        )
    more = ""
    if total > LATEST_STORIES:
        more = (f'<p class="meta">Showing the latest {LATEST_STORIES} of {total}; '
                "<code>newsmon query --file new_stories_since</code> lists all.</p>")
    return ("<table><thead><tr><th>first seen (UTC)</th><th>title</th><th>lang</th><th>outlets</th>"
            "<th>evidence</th></tr></thead><tbody>" + "\n".join(rows) + "</tbody></table>" + more)


def _events_list(events: list[dict]) -> str:
    items = []
    for event in events[:20]:
        titles = []
        for entry in event["titles"]:
            lang, _, title = entry.partition(": ")
            titles.append(f'<li><span class="code">{_esc(lang)}</span> <span{_lang_attr(lang)} dir="auto">'
                          f"{_esc(title)}</span></li>")
        outlets = ", ".join(f"<bdi>{_esc(o)}</bdi>" for o in event["outlets"])
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
        f'<tr><td><bdi>{_esc(f["name"])}</bdi> <span class="code">{_esc(f["feed_id"])}</span></td>'
        f'<td class="bad">{_esc(f["consecutive_failures"])}</td>'
        f'<td>{_esc(f["errors_7d"])} / {_esc(f["fetches_7d"])}</td>'
        f'<td>{_esc(f["last_error_class"] or "")}</td>'
        f'<td>{_minute(f["last_success_at"]) if f["last_success_at"] else "never"}</td></tr>'
        for f in troubled[:30]
    )
    return (f"<p>{len(troubled)} of {len(feeds)} feeds had errors.</p><table><thead><tr><th>feed</th>"
            "<th>failures in a row</th><th>errors / fetches (7 days)</th><th>last error</th>"
            f"<th>last success (UTC)</th></tr></thead><tbody>{rows}</tbody></table>")


# --- Markdown -----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|!~{}+\-.])")  # < and > are left to html.escape


def _lang_code(lang: object) -> str:
    return lang if isinstance(lang, str) and _LANG_TAG.match(lang) else "und"


def _plural(n: int, noun: str, nouns: str = "") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {nouns or noun + 's'}"


def _md(value: object) -> str:
    """Feed text made inert in Markdown: one line, specials backslash-escaped, HTML escaped."""
    text = " ".join(str(value or "").split())
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)


def render_markdown(now: datetime, days: int, stories: list[dict], events: list[dict], top: int = 10) -> str:
    stories = sorted(stories, key=lambda s: s["published_at"], reverse=True)
    # A stable sort: the most widely carried first, the newest first among equals.
    stories.sort(key=lambda s: (len(s["outlets"]), s["article_count"]), reverse=True)
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
    for i, s in enumerate(stories[:top], 1):
        title = _md(s["title"]) or "(untitled)"
        url = _safe_url(s["url"])
        linked = f"[{title}]({quote(url, safe=':/?#[]@!$&*+,;=%~')})" if url else title
        names = ", ".join(_md(o) for o in s["outlets"][:5]) + (" …" if len(s["outlets"]) > 5 else "")
        carried = _plural(len(s["outlets"]), "outlet")
        lines.append(f"{i}. {linked} · `{_lang_code(s['lang'])}` · {carried}: {names}")
    return "\n".join(lines) + "\n"
