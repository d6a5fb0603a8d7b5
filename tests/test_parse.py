"""Parsing: feedparser output becomes typed entries; hostile and legacy-encoded documents never crash."""

from datetime import UTC, datetime

import pytest
from conftest import FIXTURES

from newsmon.parse import make_safe_xml, parse_feed, transcode_legacy

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_rss_entries_are_typed_with_utc_dates_and_canonical_links():
    parsed = parse_feed("a", (FIXTURES / "feeds" / "wire_outlet_a.xml").read_bytes(), NOW,
                        base_url="https://outlet-a.example/world/feed.xml")
    assert parsed.error_class is None and parsed.language == "en"
    first, local, future = parsed.entries
    assert first.url == "https://wire.example/news/2026/11/flights-moscow-pyongyang"
    assert first.published_at == datetime(2026, 11, 27, 6, 15, tzinfo=UTC)
    assert first.guid == "outlet-a-88121"
    assert local.url == "https://outlet-a.example/local/cycle-lanes" and local.published_at is None
    # `url` is the identity form; `link` is what the outlet published (made absolute), stored and sent
    assert first.link is not None and first.link != first.url and first.link.startswith("http")
    assert local.link.startswith("https://outlet-a.example/local/cycle-lanes")
    assert future.published_at == NOW  # clamped: never a future article


def test_links_are_kept_as_published_beside_their_canonical_form():
    rss = (b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
           b'<link>http://www.plain.example/news/1?ts=1764000000123&amp;utm_source=rss</link></item></channel></rss>')
    (entry,) = parse_feed("p", rss, NOW).entries
    assert entry.link == "http://www.plain.example/news/1?ts=1764000000123&utm_source=rss"  # http stays http
    assert entry.url == "https://plain.example/news/1"


def test_atom_zoneless_date_is_taken_as_utc():
    parsed = parse_feed("b", (FIXTURES / "feeds" / "wire_outlet_b.xml").read_bytes(), NOW)
    (entry,) = parsed.entries
    assert entry.published_at == datetime(2026, 11, 27, 7, 20, tzinfo=UTC)
    assert entry.url == "https://wire.example/news/2026/11/flights-moscow-pyongyang"


def test_html_page_and_challenge_are_typed_errors():
    html = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    assert parse_feed("x", html, NOW).error_class == "not_a_feed"
    challenge = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>"
    assert parse_feed("x", challenge, NOW).error_class == "blocked"
    assert parse_feed("x", b"", NOW).error_class == "not_a_feed"


def test_entity_bomb_is_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY %s "%s">' % (f"a{i}".encode(), (f"&a{i-1};" if i else "&a;").encode() * 10)
                       for i in range(1, 9))
            + b']><rss version="2.0"><channel><title>t</title><item><title>&a8;</title>'
              b"<link>https://x.example/1</link></item></channel></rss>")
    parsed = parse_feed("x", bomb, NOW)
    assert all(len(e.title_html) < 1000 for e in parsed.entries)


def test_xxe_is_not_resolved():
    doc = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<rss version="2.0"><channel><title>t</title><item><title>a &x; b</title>'
           b"<link>https://x.example/1</link></item></channel></rss>")
    parsed = parse_feed("x", doc, NOW)
    assert all("root:" not in e.title_html for e in parsed.entries)


def test_long_author_field_is_cut_before_feedparser():
    doc = b"<rss><channel><item><author>" + b"a@a." * 5000 + b"!</author></item></channel></rss>"
    assert len(make_safe_xml(doc)) < 600


def test_legacy_charset_declared_but_superset_used():
    text = "<?xml version='1.0' encoding='euc-kr'?><rss><channel><title>똠방각하 북한</title></channel></rss>"
    content, content_type = transcode_legacy(text.encode("cp949"), None)
    assert "똠방각하".encode() in content and content_type.endswith("utf-8")


def _corpus_files(corpus):
    return sorted(p for p in (corpus / "feeds").rglob("*") if p.is_file())


@pytest.mark.corpus
def test_every_shared_corpus_feed_parses_or_gets_a_typed_error(shared_corpus):
    for path in _corpus_files(shared_corpus):
        parsed = parse_feed(path.stem, path.read_bytes(), NOW)
        assert parsed.entries or parsed.error_class in {None, "not_a_feed", "blocked", "parse_error"}, path


_SCRIPTS = {  # folder -> Unicode ranges of its script (letters outside ASCII are checked against them)
    "el": [(0x0370, 0x03FF), (0x1F00, 0x1FFF)],
    "ru": [(0x0400, 0x04FF)], "uk": [(0x0400, 0x04FF)],
    "ko": [(0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F), (0x4E00, 0x9FFF)],
    "ja": [(0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF)],
    "zh": [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xFF00, 0xFFEF)],
    "hi": [(0x0900, 0x097F)], "kn": [(0x0C80, 0x0CFF)], "ur": [(0x0600, 0x06FF), (0xFB50, 0xFEFF)],
}


@pytest.mark.corpus
def test_language_folders_are_never_garbled(shared_corpus):
    """Mojibake shows up as Latin-1 letters (Ã, Ð, ¿...) where the folder's script should be."""
    checked = 0
    for folder, ranges in _SCRIPTS.items():
        for path in sorted((shared_corpus / "feeds" / folder).glob("*.xml")):
            parsed = parse_feed(path.stem, path.read_bytes(), NOW)
            text = "".join(e.title_html + e.summary_html[:200] for e in parsed.entries)
            letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
            in_script = sum(any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in letters)
            assert not letters or in_script / len(letters) > 0.9, f"{path.name}: {text[:80]!r}"
            checked += 1
    assert checked >= 20
