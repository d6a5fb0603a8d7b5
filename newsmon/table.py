"""Plain-text tables for the terminal, aligned by display width, not by code points.

A Korean, Chinese or Japanese character takes two terminal columns, a combining mark or a zero-width
joiner none, so `str.ljust` misaligns every row holding them. Widths come from `wcwidth`, the
maintained implementation of POSIX wcwidth()/wcswidth() over the current Unicode tables (East Asian
Width, combining and zero-width characters, emoji); a hand-written table would drift with each
Unicode release. A cell wider than its limit is cut at a character boundary and ends in "…", so a cut
value never passes for a whole one; `limit=None` shows every value in full.
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth, wcwidth

ELLIPSIS = "…"
DEFAULT_LIMIT = 60  # display columns per cell


def display_width(text: str) -> int:
    """Terminal columns `text` takes (a control character, which wcswidth refuses, counts as none)."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


def fit(text: str, limit: int | None) -> str:
    """`text` cut to at most `limit` columns, ending in an ellipsis when it was cut."""
    if limit is None or display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def format_table(columns: Sequence[str], rows: Sequence[Sequence[str]], limit: int | None = DEFAULT_LIMIT,
                 right: frozenset[int] = frozenset(), rule: bool = True) -> list[str]:
    """Lines of a table: the header, a rule of dashes (unless `rule` is False), then one line per row.
    Cells are single-line strings; `right` lists the columns aligned right (numbers)."""
    header = [fit(c, limit) for c in columns]
    body = [[fit(cell, limit) for cell in row] for row in rows]
    widths = [max([display_width(header[i])] + [display_width(r[i]) for r in body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(c, w, i in right) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header)]
    if rule:
        out.append(line(["-" * w for w in widths]))
    return out + [line(r) for r in body]
