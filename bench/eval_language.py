"""Accuracy and speed of newsmon.language.detect against raw langdetect on the shared language corpus.

    uv run python -m bench.eval_language [--limit N] [--half odd|even|all] [--no-raw]

Reads ../shared/corpus/langid (sentences, word pairs: Leipzig samples via Lingua's test data)
and the real feed titles in ../shared/corpus/feeds/<lang>/ (read with the pipeline's parser). "und" counts as wrong.
Ends with the speed on feed entries (titles alone and with their summaries, by script).
Lines are taken evenly spaced through each file (the files are sorted), from the odd- or
even-numbered half so that one half can be used for tuning and the other for reporting.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from newsmon.extract import html_to_text, title_to_text
from newsmon.language import detect as language
from newsmon.language.detect import detect_language
from newsmon.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TARGETS = ("en", "ru", "uk", "ko", "ja", "zh", "hi", "ar", "de", "fr", "es")
LATIN = ("de", "en", "es", "fr", "hu", "it", "kn", "pt", "sv")


def read_samples(folder: Path, limit: int, half: str) -> dict[str, list[str]]:
    samples = {}
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
        if half != "all":
            lines = lines[half == "even" :: 2]  # "odd" = 1st, 3rd, ... line
        step = max(1, len(lines) // limit)
        samples[path.stem] = lines[::step][:limit]
    return samples


def read_feed(path: Path) -> list[tuple[str, str, str | None]]:
    """A feed file's entries as ingest sees them: (title, summary text, declared language).

    It goes through the pipeline's parser, which decodes legacy charsets (EUC-KR, Shift_JIS ...)
    with their supersets; raw feedparser would turn some of them into mojibake.
    """
    parsed = parse_feed(path.stem, path.read_bytes(), datetime.now(UTC))
    return [
        (title_to_text(e.title_html), html_to_text(e.summary_html)[:400], e.feed_language)
        for e in parsed.entries
    ]


def feed_folders() -> list[Path]:
    return sorted(p for p in (CORPUS / "feeds").iterdir() if p.is_dir() and len(p.name) == 2)


def read_headlines(limit: int) -> dict[str, list[tuple[str, str | None]]]:
    """Feed titles by the folder's language, each with the feed's declared <language> (the hint)."""
    samples: dict[str, list[tuple[str, str | None]]] = {}
    for folder in feed_folders():
        titles = [(title, hint) for path in sorted(folder.glob("*.xml")) for title, _, hint in read_feed(path)]
        samples[folder.name] = [item for item in titles if item[0]][:limit]
    return samples


def read_entries() -> dict[str, list[tuple[str, str, str | None]]]:
    """Every feed entry as (title, summary text, declared language), by the folder's script kind."""
    entries: dict[str, list[tuple[str, str, str | None]]] = {}
    for folder in feed_folders():
        kind = {"ru": "cyrillic", "uk": "cyrillic"}.get(folder.name, "latin" if folder.name in LATIN else "other")
        for path in sorted(folder.glob("*.xml")):
            entries.setdefault(kind, []).extend(read_feed(path))
    return entries


def print_speed(entries: dict[str, list[tuple[str, str, str | None]]]) -> None:
    """Cold = first sight of every word (cached zipf lookups cleared), warm = the same items again."""
    print("\nspeed (feed entries; µs/call, calls/s)")
    print(f"{'items':22}{'n':>6}{'cold':>14}{'warm':>14}")
    mixed = [item for items in entries.values() for item in items]
    for label, items, with_text in [
        ("mixed titles", mixed, False), ("mixed title+summary", mixed, True),
        *((f"{kind} titles", entries[kind], False) for kind in ("latin", "cyrillic") if kind in entries),
    ]:
        cells = []
        for _ in ("cold", "warm"):
            if not cells:
                language._zipfs.cache_clear()
            start = time.perf_counter()
            for title, text, hint in items:
                detect_language(title, text if with_text else "", hint=hint)
            seconds = time.perf_counter() - start
            cells.append(f"{1e6 * seconds / len(items):6.0f} {len(items) / seconds:6.0f}/s")
        print(f"{label:22}{len(items):6d}{cells[0]:>14}{cells[1]:>14}")


def ours_with_hint(item: tuple[str, str | None]) -> str:
    return detect_language(item[0], hint=item[1]).lang


def raw_langdetect(line: str) -> str:
    try:
        lang = detect(line)
    except LangDetectException:
        return "und"
    return "zh" if lang.startswith("zh") else lang


def ours(line: str) -> str:
    return detect_language(line).lang


def score(guess: Callable[[Any], str], samples: dict[str, list[Any]]) -> tuple[dict[str, float], float]:
    accuracy, calls, seconds = {}, 0, 0.0
    for lang, lines in samples.items():
        start = time.perf_counter()
        right = sum(guess(line) == lang for line in lines)
        seconds += time.perf_counter() - start
        calls += len(lines)
        accuracy[lang] = 100.0 * right / max(1, len(lines))
    return accuracy, 1e6 * seconds / max(1, calls)


def print_table(title: str, samples: dict[str, list[Any]], with_raw: bool, guess: Callable = ours) -> None:
    ours_acc, ours_us = score(guess, samples)
    raw_acc, raw_us = score(raw_langdetect, samples) if with_raw else ({}, 0.0)
    print(f"\n{title}")
    print(f"{'lang':6}{'n':>6}{'raw':>8}{'ours':>8}")
    for lang in samples:
        mark = "*" if lang in TARGETS else " "
        raw = f"{raw_acc[lang]:8.1f}" if with_raw else f"{'-':>8}"
        print(f"{lang + mark:6}{len(samples[lang]):6d}{raw}{ours_acc[lang]:8.1f}")
    for label, langs in (("targets", [x for x in TARGETS if x in samples]), ("all", list(samples))):
        total = sum(len(samples[x]) for x in langs)

        def overall(acc: dict[str, float], langs=langs, total=total) -> float:
            return sum(acc[x] * len(samples[x]) for x in langs) / max(1, total)

        raw = f"{overall(raw_acc):8.1f}" if with_raw else f"{'-':>8}"
        print(f"{label:6}{total:6d}{raw}{overall(ours_acc):8.1f}")
    worst = min((ours_acc[x] for x in TARGETS if x in samples), default=0.0)
    print(f"worst target language (ours): {worst:.1f}%;  µs/call raw {raw_us:.0f}, ours {ours_us:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=200, help="lines per language and kind")
    parser.add_argument("--half", choices=("odd", "even", "all"), default="all")
    parser.add_argument("--no-raw", action="store_true", help="skip raw langdetect (it is slow)")
    args = parser.parse_args()
    DetectorFactory.seed = 0
    langid = CORPUS / "langid"
    print(f"corpus {langid}, {args.limit} lines per language, half={args.half}; * = target language")
    print_table("sentences", read_samples(langid, args.limit, args.half), not args.no_raw)
    print_table("word pairs", read_samples(langid / "word-pairs", args.limit, args.half), not args.no_raw)
    headlines = read_headlines(args.limit)
    titles = {lang: [title for title, _ in items] for lang, items in headlines.items()}
    print_table("feed titles (real headlines), no hint", titles, not args.no_raw)
    print_table("feed titles with the feed's declared language as hint", headlines, False, ours_with_hint)
    print("(feeds/kn holds English-language titles, so 'kn' cannot score there)")
    print_speed(read_entries())


if __name__ == "__main__":
    main()
