"""Pure: topic tags of an article from its page's body, with evidence that says where it was found.

A long body names many things. Both sides named somewhere in it is not a relation: a year-in-review
that covers Russia's economy in paragraph 2 and a DPRK missile test in paragraph 8 is not a
Russia–DPRK story. So the body is tagged paragraph by paragraph (`match_topics` as it is, with the
paragraph as its text: its sentence-level closeness rules then apply inside the paragraph), and a
topic matches when one paragraph matches. Measured on tests/data/fulltext_dev.jsonl (72 labelled
articles): per paragraph P 0.97 / R 0.94; the whole body at once P 0.65; title + each paragraph
P 0.84; paragraph pairs P 0.72 (bench/eval_fulltext.py).

Body evidence has `where="body"`, the character `offset` of the matched words in the stored page
text, and a `snippet` of the text around them. The article's stored tags become: the best
paragraph's hit per topic, its evidence after the feed text's (title, text); a topic the feed text
had but the body does not keep is kept with `is_match` false and its feed evidence (a downgrade).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from newsmon.records import Evidence, TopicHit
from newsmon.topics.match import TopicRules, match_topics, normalize_text

SNIPPET_CHARS = 240
MAX_PARAGRAPH_CHARS = 4_000  # a "paragraph" longer than this (a page without breaks) is cut in pieces


@dataclass(frozen=True, slots=True)
class BodyTags:
    hits: tuple[TopicHit, ...]  # what the article's tags become
    teaser_match: bool  # a topic matched on the feed's title and text
    body_match: bool  # a topic matched in one paragraph of the body


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) of the non-empty lines of a page text."""
    offset = 0
    for line in text.split("\n"):
        for start in range(0, max(1, len(line)), MAX_PARAGRAPH_CHARS):
            piece = line[start:start + MAX_PARAGRAPH_CHARS]
            if piece.strip():
                yield offset + start, piece
        offset += len(line) + 1


def tag_body(title: str, teaser: str, body: str, rules: TopicRules, feed_side: str | None = None,
             lang: str | None = None) -> BodyTags:
    teaser_hits = match_topics(title, teaser, rules, feed_side=feed_side)
    best: dict[str, TopicHit] = {}
    for offset, paragraph in paragraphs(body):
        for hit in match_topics("", paragraph, rules, feed_side=feed_side, lang=lang):
            held = best.get(hit.topic)
            if held is None or (hit.is_match, hit.score) > (held.is_match, held.score):
                best[hit.topic] = _located(hit, body, offset, paragraph)
    merged = []
    for topic in rules.topics:
        feed_hit = next((h for h in teaser_hits if h.topic == topic), None)
        body_hit = best.get(topic)
        if body_hit is not None:
            feed_evidence = tuple(e for e in feed_hit.evidence if e.where != "feed") if feed_hit else ()
            merged.append(replace(body_hit, evidence=feed_evidence + body_hit.evidence))
        elif feed_hit is not None:
            merged.append(replace(feed_hit, is_match=False))
    return BodyTags(tuple(merged), any(h.is_match for h in teaser_hits), any(h.is_match for h in best.values()))


def _located(hit: TopicHit, body: str, offset: int, paragraph: str) -> TopicHit:
    evidence = []
    for e in hit.evidence:
        if e.where != "text":
            if e.where == "feed":
                evidence.append(e)
            continue
        at = offset + find_matched(paragraph, e.matched)
        evidence.append(replace(e, where="body", offset=at, snippet=snippet(body, at, len(e.matched))))
    return replace(hit, evidence=tuple(evidence))


def find_matched(paragraph: str, matched: str) -> int:
    """Where the normalised `matched` words start in `paragraph` (0 if they cannot be placed)."""
    at = paragraph.casefold().find(matched)
    if at >= 0 and len(paragraph.casefold()) == len(paragraph):
        return at
    folded, positions = _folded_with_positions(paragraph)
    at = folded.find(matched)
    return positions[at] if at >= 0 else 0


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        piece = " " if char.isspace() else normalize_text(char)
        if piece == " " and out and out[-1] == " ":
            continue
        out.append(piece)
        positions += [index] * len(piece)
    return "".join(out), positions


def snippet(text: str, at: int, length: int, width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around [at, at+length), cut at spaces, on one line."""
    start = max(0, at - (width - length) // 2)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start > 0 and (space := text.find(" ", start, at)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", at + length, end)) > 0:
        end = space
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def strongest_body_evidence(hits: Sequence[TopicHit]) -> Evidence | None:
    """The body evidence of the best matching hit (what alerts and the report quote)."""
    for hit in sorted(hits, key=lambda h: (not h.is_match, -h.score)):
        for e in hit.evidence:
            if e.where == "body" and e.role.startswith(("side:", "proxy:", "both_sides")):
                return e
    return None
