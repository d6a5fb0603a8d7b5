"""Text normalisation for matching: seeds and feed text are folded the same way.

NFKC, casefold, diacritics folded for Latin and Greek, Arabic-script spelling variants unified,
one apostrophe/hyphen/middle dot, invisible characters and harakat removed. Built once at import
as a character map applied by one regex pass (much faster than NFKC over a whole CJK text).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Latin and Greek letters lose their diacritics, so feeds that drop accents (Coree, Pjongjang)
    # still match. Cyrillic is left alone: й and ё carry meaning there (ё is unified below).
    for lo, hi in ((0x00C0, 0x024F), (0x0370, 0x03FF), (0x1E00, 0x1FFF)):
        for cp in range(lo, hi + 1):
            base = "".join(c for c in unicodedata.normalize("NFKD", chr(cp)) if not unicodedata.combining(c))
            if base and base != chr(cp):
                table[cp] = base.casefold()
    explicit = {
        "ł": "l", "đ": "d", "ø": "o", "ı": "i", "ё": "е", "ß": "ss", "æ": "ae", "œ": "oe",
        # Arabic-script spelling variants shared by ar, fa and ur.
        "ی": "ي", "ى": "ي", "ے": "ي", "ک": "ك", "ہ": "ه", "ھ": "ه", "ۃ": "ة",
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        # One apostrophe, one hyphen, one middle dot.
        "’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'", "´": "'", "׳": "'", "״": '"', "ʻ": "'", "ʹ": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹣": "-", "־": "-",
        "・": "·", "･": "·", "‧": "·", "∙": "·", "⋅": "·", "•": "·",
        # Malayalam chillus are a consonant with its virama written apart: "പുടിൻ" and the "പുടിന്"
        # of older text are one name, and its stem "പുടിന" takes the vowel signs of "പുടിനുമായി".
        "ൺ": "ണ്", "ൻ": "ന്", "ർ": "ര്", "ൽ": "ല്", "ൾ": "ള്", "ൿ": "ക്",
    }
    table.update({ord(k): v for k, v in explicit.items()})
    # Invisible characters, Arabic harakat/tatweel and the Indic nukta are noise for matching.
    for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x0640, 0x0670, 0x093C, 0x09BC):
        table[cp] = None
    for cp in [*range(0x064B, 0x0660), *range(0x0300, 0x0370)]:  # harakat; stray Latin combining marks
        table[cp] = None
    return table


def _build_char_map() -> dict[str, str]:
    """Every BMP character whose NFKC + casefold + fold form differs from its casefold."""
    fold = _build_fold_table()
    char_map = {}
    for cp in range(0x10000):
        # Surrogates, and the Han and Hangul syllable blocks, which are NFKC-stable and unfolded.
        if 0xD800 <= cp <= 0xDFFF or 0x4E00 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7A3:
            continue
        char = chr(cp)
        lower = char.casefold()
        plain = unicodedata.normalize("NFKC", char).casefold()
        if plain == lower and not any(ord(c) in fold for c in plain):
            continue
        char_map[char] = "".join(fold.get(ord(c), c) or "" for c in plain)
    return char_map


def _char_class(codepoints: Iterable[int]) -> str:
    """A compact regex character class from code points (runs become ranges)."""
    points = sorted(set(codepoints))
    parts, start = [], points[0]
    for prev, cur in zip(points, points[1:] + [sys.maxunicode + 2]):
        if cur != prev + 1:
            parts.append(re.escape(chr(start)) + (f"-{re.escape(chr(prev))}" if prev != start else ""))
            start = cur
    return "[" + "".join(parts) + "]"


# One regex pass maps just the characters that change (fullwidth forms, accents, variant letters,
# dashes): NFKC on a whole CJK text and str.translate with a dict are both several times slower.
_CHAR_MAP = _build_char_map()
_NEEDS_MAP = re.compile(_char_class(map(ord, _CHAR_MAP)))


def _map_char(match: re.Match[str]) -> str:
    return _CHAR_MAP[match.group()]


def normalize_text(text: str) -> str:
    """NFKC, casefold, fold diacritics/spelling variants, collapse whitespace. Seeds and text alike."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # compose "e" + combining acute before mapping
    return " ".join(_NEEDS_MAP.sub(_map_char, text.casefold()).split())


def _word_class() -> str:
    # \w misses combining marks, and Indic vowel signs are combining marks: without them the end
    # of "रूस" would look like a word boundary inside "रूसी".
    marks = (cp for cp in range(0x0300, 0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Mc"))
    return "[\\w" + _char_class(marks)[1:]


WORD = _word_class()
