"""extract._simple_markup_text, the fast path for simple feed markup, must give exactly what the
BeautifulSoup path gives, and must refuse what it cannot read the same way."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from newsmon.extract import _simple_markup_text, _soup_text, html_to_text
from newsmon.untrusted import clean_text

# Markup the fast path reads (each the shape of a real feed summary).
SIMPLE = [
    "<p>Lavrov met Choe Son Hui in Wonsan.</p>",  # one paragraph
    "<p>First.</p>\n<p>Second &amp; third.</p>",  # blank text between blocks, an entity
    "<p>a</p> <p>b</p>tail",  # a space between blocks, text after the last one
    "  <p>Leading blanks are dropped</p>",  # lxml drops blank text before the first element
    "Text <b>bold</b>, <i>italic</i> and <a href=\"https://example.org/a?b=1&amp;c=2\">a link</a>.",
    "<P CLASS='lead'>Upper-case tags</P><BR/>after a break",  # case, single quotes, a void tag
    "<div><p>Лавров прибыл в Вонсан</p><p>Визит продлится два дня</p></div>",  # nesting, Cyrillic
    "<p>라브로프 외무장관이 원산에 도착했다 &#8212; 연합뉴스</p>",  # Hangul, a numeric entity
    "<p>उत्तर कोरिया और रूस के&nbsp;विदेश मंत्रियों की बैठक</p>",  # Devanagari, nbsp
    "<p>ラブロフ外相が元山入り</p><img src=\"x.jpg\" alt=\"photo\"><p>朝鮮中央通信</p>",  # CJK, an image
    "<h2>Heading</h2><blockquote>Quote &quot;here&quot; &lt;ok&gt;</blockquote><figure><figcaption>Caption"
    "</figcaption></figure>",
    "<p>Unclosed paragraph<p>and the next one",  # lxml closes the first <p>
    "a > b is text<br>",  # a bare > is text
]
# Markup the fast path leaves to BeautifulSoup.
OTHER = [
    "<p>a <script>alert(1)</script> b</p>",  # a drop tag
    "<!-- comment --><p>text</p>",  # a comment
    "<p>1 < 2 and 3 > 2</p>",  # a stray <
    "<table><tr><td>cell</td></tr></table>",  # lxml restructures tables
    "<ul><li>one</li><li>two</li></ul>",  # lists are left to lxml too
    "<p>AT&T and &copy; &foo; &#128;</p>",  # bare & and entities outside the common set
    "<a title=\"x>y\">t</a>",  # a > inside an attribute value
    "<p>truncated <a hre",  # markup cut in the middle of a tag
    "<p>null\x00byte</p>",  # a control character
]
LONE_SURROGATE = "<p>half \ud800 way</p>"  # lxml raises on it (test_extract): so must the fast path's caller


@pytest.mark.parametrize("html", SIMPLE)
def test_fast_path_reads_simple_markup_as_beautifulsoup_does(html: str) -> None:
    fast = _simple_markup_text(html)
    assert fast is not None
    assert clean_text(fast.replace(" \n", "\n")) == clean_text(_soup_text(html).replace(" \n", "\n"))


@pytest.mark.parametrize("html", OTHER)
def test_other_markup_goes_to_beautifulsoup(html: str) -> None:
    assert _simple_markup_text(html) is None
    assert html_to_text(html) == clean_text(_soup_text(html).replace(" \n", "\n"))


def test_a_lone_surrogate_goes_to_beautifulsoup() -> None:
    assert _simple_markup_text(LONE_SURROGATE) is None


def test_script_text_never_leaks() -> None:
    assert html_to_text(OTHER[0]) == "a b"


def test_every_real_feed_fragment_reads_the_same(shared_corpus: Path) -> None:
    # Every summary, content and title with markup in ../shared/corpus/feeds (real outlets in many
    # languages and the hostile feeds): both paths agree wherever the fast one reads the markup.
    fragments = []
    for path in sorted((shared_corpus / "feeds").rglob("*")):
        if path.is_file():
            for entry in feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False).entries:
                fragments += [entry.get("summary", ""), entry.get("title", "")]
                fragments += [c.get("value", "") for c in entry.get("content", [])]
    fragments = [f for f in fragments if "<" in f]
    read = [(f, fast) for f in fragments if (fast := _simple_markup_text(f)) is not None]
    assert len(read) > len(fragments) // 2  # the fast path is taken for most real summaries
    for fragment, fast in read:
        assert clean_text(fast.replace(" \n", "\n")) == clean_text(_soup_text(fragment).replace(" \n", "\n")), fragment
