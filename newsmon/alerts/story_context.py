"""What an alert adds to its story from the rest of the database: the event's other reports ("also
reported in") and a snippet of the article page's body.

Both are computed when the alert candidates are read (sql/statements/alert_candidates.sql), in the
transaction that writes the outbox row, and frozen in its payload, not looked up when a message is
rendered. The outbox's contract is that a row's payload is what every attempt sends: a retry
carries the same idempotency key, so it must carry the same message (a receiver that keeps the
first copy and one that keeps the last must agree), and the JSON-lines log, alerts.atom and a
digest sent hours later all show what the alert said when it was written. "Already reported in"
means at that moment: a digest line for the first story of an event does not grow to list reports
that arrived after it, which are alerts (or lines of the digest) of their own.

Every string here comes from feeds or pages and is cleaned with `clean_text`; the renderers escape
it for their channel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsmon.fulltext.tagging import strongest_body_evidence
from newsmon.records import Evidence, TopicHit
from newsmon.untrusted import clean_text

# "Also reported in" names at most this many languages and outlets, then "+N more".
MAX_ALSO_LANGUAGES = 4
MAX_ALSO_OUTLETS = 4


def also_reported(languages: Sequence[str], outlets: Sequence[str], outlet_total: int | None = None) -> dict | None:
    """The bounded summary of an event's other reports (None for a story alone in its event):
    the first languages and outlets to report it, and how many more there are. `outlet_total`:
    how many outlets there are in all when `outlets` holds only the first (alert_candidates.sql
    reads no more than it shows: an event can have hundreds)."""
    languages = [x for x in (clean_text(v, one_line=True) for v in languages) if x]
    outlets = [x for x in (clean_text(v, one_line=True) for v in outlets) if x]
    if not languages and not outlets:
        return None
    total = len(outlets) if outlet_total is None else max(outlet_total, len(outlets))
    return {"languages": languages[:MAX_ALSO_LANGUAGES], "more_languages": max(0, len(languages) - MAX_ALSO_LANGUAGES),
            "outlets": outlets[:MAX_ALSO_OUTLETS], "more_outlets": max(0, total - MAX_ALSO_OUTLETS)}


def body_snippet(topic: str, score: float, evidence_json: str | None) -> str | None:
    """The snippet around the strongest body evidence of a matching (article, topic) row, as the
    full-text stage defines it (fulltext.tagging.strongest_body_evidence: a side named in the
    page's body, where the report quotes it too); None when the match has no body evidence."""
    items = json.loads(evidence_json or "[]")
    evidence = tuple(Evidence(term=str(e.get("term") or ""), matched=str(e.get("matched") or ""),
                              role=str(e.get("role") or ""), lang=str(e.get("lang") or ""), where="body",
                              snippet=str(e.get("snippet") or ""))
                     for e in items if isinstance(e, dict) and e.get("where") == "body")
    best = strongest_body_evidence([TopicHit(topic, score, True, evidence=evidence)]) if evidence else None
    return best.snippet if best is not None and best.snippet else None
