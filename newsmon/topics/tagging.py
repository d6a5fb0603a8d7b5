"""`newsmon tag`: language and topics for texts given as JSON lines, in input order.

It is the user's tool to check how the rules classify a text, and the evaluation
harness's entry point. Input lines: {"title": ..., "text": ..., "feed_id": optional,
"lang": optional declared language}; a plain-text line is taken as a title.
Output lines: {"lang", "lang_prob", "topics": [matched topics with score, subtopics,
evidence], "below_threshold": [topics with evidence that did not reach min_score]}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path

from newsmon.extract import html_to_text
from newsmon.language.detect import detect_language
from newsmon.records import Evidence, TopicHit
from newsmon.topics.match import TopicRules, load_topic_rules, match_topics
from newsmon.untrusted import clean_text

LANGUAGE_PREFIX_CHARS = 400
# Evidence fields are plain values: read them by name (dataclasses.asdict deep-copies each one and
# cost more than the matching itself).
_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def tag_text(title: str, text: str, rules: TopicRules, hint: str | None = None,
             feed_side: str | None = None) -> dict:
    title = " ".join(html_to_text(title).split()) if "<" in title else clean_text(title)
    text = html_to_text(text) if "<" in text else clean_text(text)
    guess = detect_language(title, text[:LANGUAGE_PREFIX_CHARS], hint=hint)
    hits = match_topics(title, text, rules, feed_side=feed_side, lang=guess.lang)
    return {
        "lang": guess.lang,
        "lang_prob": round(guess.prob, 4),
        "topics": [_hit(h) for h in hits if h.is_match],
        "below_threshold": [_hit(h) for h in hits if not h.is_match],
    }


def tag_lines(lines: Iterable[str], seeds_dir: Path, feeds_csv: Path | None = None) -> Iterator[str]:
    rules = load_topic_rules(seeds_dir)
    feeds = _feed_context(feeds_csv)
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line) if line.startswith("{") else {"title": line}
            if not isinstance(item, dict):
                raise ValueError("expected a JSON object")
            feed = feeds.get(str(item.get("feed_id") or ""))
            out = tag_text(
                str(item.get("title") or ""),
                str(item.get("text") or ""),
                rules,
                hint=item.get("lang") or (feed.language if feed else None),
                feed_side=feed.side if feed else None,
            )
            if "id" in item:
                out = {"id": item["id"], **out}
        except ValueError as exc:
            out = {"error": f"line {number}: {exc}"}
        yield json.dumps(out, ensure_ascii=False)


def _hit(hit: TopicHit) -> dict:
    return {
        "topic": hit.topic,
        "score": round(hit.score, 4),
        "subtopics": list(hit.subtopics),
        "evidence": [{name: getattr(e, name) for name in _EVIDENCE_FIELDS} for e in hit.evidence],
    }


def _feed_context(feeds_csv: Path | None) -> dict:
    if feeds_csv is None or not feeds_csv.exists():
        return {}
    from newsmon.feeds import read_feeds_csv

    return {f.feed_id: f for f in read_feeds_csv(feeds_csv)}
