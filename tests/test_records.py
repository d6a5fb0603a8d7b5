"""Records cross process boundaries (the build workers) by pickling: what comes back must equal
what was sent, field for field, for every record type."""

import pickle
from dataclasses import fields
from datetime import UTC, datetime

import numpy as np

from newsmon import articles, records
from newsmon.records import Article, Evidence, LanguageGuess, Record, TopicHit
from newsmon.stories import cluster as stories

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def test_every_record_type_is_a_record() -> None:
    # A record type without the base would silently fall back to the slow generic pickling.
    classes = [obj for module in (records, stories, articles) for obj in vars(module).values()
               if isinstance(obj, type) and hasattr(obj, "__dataclass_fields__") and obj.__module__ == module.__name__]
    assert len(classes) >= 12 and all(issubclass(cls, Record) for cls in classes)


def test_an_article_with_everything_survives_a_round_trip() -> None:
    fingerprint = stories.fingerprint("Lavrov meets Choe Son Hui in Wonsan", "Talks on flights and tourism.")
    article = Article(
        article_id="a1", feed_id="f1", url="https://example.com/a1", guid=None, title="Lavrov meets Choe",
        text="Talks.", author=None, published_at=NOW, first_seen_at=NOW, lang="en", lang_prob=0.99,
        content_hash="h", topics=(TopicHit("russia_dprk", 2.5, True, ("diplomacy",),
                                           (Evidence("Lavrov", "Lavrov", "side:russia", "en", "title", "lavrov"),)),),
        story_fingerprint=fingerprint,
    )
    back = pickle.loads(pickle.dumps([article, LanguageGuess("hi", 0.9)], protocol=pickle.HIGHEST_PROTOCOL))
    assert back == [article, LanguageGuess("hi", 0.9)]
    copy = back[0].story_fingerprint
    assert [f.name for f in fields(copy)] == ["title_key", "shingle_count", "signature", "bands"]
    assert (copy.title_key, copy.shingle_count, copy.bands) == (fingerprint.title_key, fingerprint.shingle_count,
                                                                 fingerprint.bands)
    assert np.array_equal(copy.signature, fingerprint.signature) and copy.signature.dtype == np.uint32


def test_a_fetched_body_held_compressed_reads_back_as_fetched() -> None:
    body = b'<?xml version="1.0"?><rss><channel>' + b"<item><title>Lavrov in Wonsan</title></item>" * 200 + b"</channel></rss>"
    fetched = records.FetchResult("f1", "https://example.com/rss", NOW, http_status=200, content=body, bytes=len(body))
    held = fetched.compressed()
    assert held.content_zlib and len(held.content) < len(body) // 4
    assert held.body() == fetched.body() == body
    assert held.body_size == fetched.body_size == len(body)
    assert held.compressed() is held
    assert pickle.loads(pickle.dumps(held)) == held  # as it travels to a build worker
    empty = records.FetchResult("f2", "https://example.com/rss", NOW, http_status=304)
    assert empty.compressed() is empty and empty.body() is None and empty.body_size == 0
