"""SVG charts of the HTML report: daily stories by language, subtopics by week, top outlets.

Pure: ReportData -> an inline <svg> string (plus a legend list), every label escaped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from newsmon.report.data import ReportData
from newsmon.untrusted import esc

TOP_OUTLETS = 10
CHART_LANGUAGES = 8  # the rest are stacked as "other"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
OTHER_COLOUR = "#bab0ac"


def _legend(items: list[tuple[str, str]]) -> str:
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{colour}"></span><bdi>{esc(label)}</bdi></li>'
        for label, colour in items
    ) + "</ul>"


def _nice_max(value: int) -> int:
    """The top of a y axis with four round-numbered intervals."""
    steps = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 250, 500, 1000, 2500)
    for step in steps:
        if value <= step * 4:
            return step * 4
    return value


def _svg_open(width: int, height: int, title: str) -> str:
    return (f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>')


def daily_chart(data: ReportData) -> str:
    days = [data.first_day + timedelta(days=i) for i in range(data.days)]
    totals: dict[str, int] = defaultdict(int)
    for row in data.by_language:
        totals[row["lang"]] += row["stories"]
    ranked = sorted(totals, key=lambda lang: (-totals[lang], lang))
    # A lone leftover language is shown as itself rather than as "other".
    shown = ranked if len(ranked) <= CHART_LANGUAGES + 1 else ranked[:CHART_LANGUAGES]
    colours = {lang: PALETTE[i % len(PALETTE)] for i, lang in enumerate(shown)}
    stacks: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in data.by_language:
        stacks[row["day"]][row["lang"] if row["lang"] in colours else "other"] += row["stories"]
    width, height, left, bottom, top = 960, 240, 36, 26, 10
    plot_h = height - bottom - top
    ymax = _nice_max(max((sum(s.values()) for s in stacks.values()), default=1))
    slot = (width - left - 8) / len(days)
    parts = [_svg_open(width, height, "Matching stories per day by language")]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ec"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{ymax * tick // 4}</text>')
    label_every = max(1, len(days) // 12)
    for i, day in enumerate(days):
        x, y = left + i * slot + slot * 0.15, top + plot_h
        for lang in shown + ["other"]:
            count = stacks.get(day, {}).get(lang, 0)
            if not count:
                continue
            h = plot_h * count / ymax
            y -= h
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="{colours.get(lang, OTHER_COLOUR)}">'
                         f'<title>{day.isoformat()} · {esc(lang)}: {count} stories</title></rect>')
        if (len(days) - 1 - i) % label_every == 0:  # counted from the newest day, which is always labelled
            parts.append(f'<text x="{left + (i + 0.5) * slot:.1f}" y="{height - 8}" text-anchor="middle">'
                         f'{day.strftime("%m-%d")}</text>')
    parts.append("</svg>")
    legend = [(lang, colours[lang]) for lang in shown]
    if len(ranked) > len(shown):
        legend.append(("other", OTHER_COLOUR))
    return "".join(parts) + _legend(legend)


def subtopic_heatmap(data: ReportData) -> str:
    if not data.subtopics:
        return '<p class="empty">No subtopics tagged in this window.</p>'
    first_week = data.first_day - timedelta(days=data.first_day.weekday())
    weeks = [first_week + timedelta(weeks=i) for i in range((data.now.date() - first_week).days // 7 + 1)]
    counts = {(r["week"], r["subtopic"]): r["stories"] for r in data.subtopics}
    totals: dict[str, int] = defaultdict(int)
    for row in data.subtopics:
        totals[row["subtopic"]] += row["stories"]
    subtopics = sorted(totals, key=lambda s: (-totals[s], s))
    peak = max(counts.values())
    left, cell_w, cell_h, top = 150, 92, 26, 22
    width, height = left + cell_w * len(weeks) + 4, top + cell_h * len(subtopics) + 4
    parts = [_svg_open(width, height, "Matching stories per week and subtopic")]
    for j, week in enumerate(weeks):
        parts.append(f'<text x="{left + (j + 0.5) * cell_w:.1f}" y="14" text-anchor="middle">'
                     f'week of {week.strftime("%m-%d")}</text>')
    for i, subtopic in enumerate(subtopics):
        y = top + i * cell_h
        label = esc(subtopic.replace("_", " "))
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{label}</text>')
        for j, week in enumerate(weeks):
            count = counts.get((week, subtopic), 0)
            shade = 0.08 + 0.92 * count / peak if count else 0.0
            parts.append(f'<rect class="bar cell" x="{left + j * cell_w + 1}" y="{y + 1}" '
                         f'width="{cell_w - 2}" height="{cell_h - 2}" rx="3" fill="#4e79a7" '
                         f'fill-opacity="{shade:.2f}" stroke="#e3e6ec">'
                         f'<title>{label}, week of {week.isoformat()}: {count} stories</title></rect>')
            if count:
                colour = "#fff" if shade > 0.55 else "#1d2330"
                parts.append(f'<text x="{left + (j + 0.5) * cell_w:.1f}" y="{y + 17}" text-anchor="middle" '
                             f'style="fill:{colour}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def outlet_chart(data: ReportData) -> str:
    totals: dict[str, int] = defaultdict(int)
    for row in data.by_outlet:
        totals[row["outlet"]] += row["stories"]
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_OUTLETS]
    if not top:
        return '<p class="empty">No outlets in this window.</p>'
    left, bar_h, width = 230, 22, 960
    height = bar_h * len(top) + 6
    peak = top[0][1]
    parts = [_svg_open(width, height, "Outlets by matching stories")]
    for i, (outlet, count) in enumerate(top):
        y, w = 3 + i * bar_h, (width - left - 60) * count / peak
        name = outlet if len(outlet) <= 34 else outlet[:33] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{esc(name)}</text>'
                     f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" '
                     f'fill="#59a14f">'
                     f'<title>{esc(outlet)}: {count} stories</title></rect>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 15}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
