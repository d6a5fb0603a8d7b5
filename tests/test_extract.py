"""HTML to clean text: scripts and styles dropped, entities decoded, whitespace collapsed, NFC."""

import unicodedata

import pytest

from newsmon.extract import html_to_text, title_to_text
from newsmon.untrusted import clean_text


def test_scripts_styles_and_handlers_never_survive():
    html = ('<p onclick="evil()">Talks <b>ended</b></p><script>var secret=1</script>'
            '<style>p{color:red}</style><noscript>enable js</noscript><img src=x onerror="alert(1)">')
    text = html_to_text(html)
    assert text == "Talks ended"
    for bad in ("secret", "color", "alert", "onclick", "enable js", "<"):
        assert bad not in text


def test_entities_decoded_and_blocks_become_lines():
    assert html_to_text("<p>Seoul &amp; Moscow&nbsp;&mdash; talks</p><p>Second</p>") == "Seoul & Moscow — talks\nSecond"


def test_nfc_and_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "Pyongyang café")
    assert clean_text(decomposed) == "Pyongyang café"
    assert clean_text("Lav\u200brov\u202e meets\x00 Choe") == "Lavrov meets Choe"


def test_titles_are_one_line_and_capped():
    assert title_to_text("Breaking\r\nBcc: x@evil.example") == "Breaking Bcc: x@evil.example"
    assert len(title_to_text("x" * 5000)) == 1000


def test_deep_nesting_does_not_crash():
    html = "<div>" * 20000 + "deep" + "</div>" * 20000
    assert "deep" in html_to_text(html) or html_to_text(html) == ""


def test_plain_text_with_escaped_markup_stays_text():
    assert html_to_text("a &lt;script&gt; b") == "a <script> b"


def test_nested_dropped_elements_and_blocks_inside_them():
    html = "<div><form><p>login</p><script><style>x</style>y</script></form>visible<p>next</p></div>"
    assert html_to_text(html) == "visible\nnext"


def test_a_document_the_parser_fails_on_does_not_leak_into_the_next():
    # The lxml parser is reused between documents: nothing of a document it failed on (lxml raises
    # on a lone surrogate, which decoded feed bytes cannot contain) may show up in the next one.
    assert html_to_text("<p>first</p>") == "first"
    with pytest.raises(UnicodeEncodeError):
        html_to_text("<div><p>half \ud800 way")
    assert html_to_text("<p>next <b>one</b></p>") == "next one"
    assert html_to_text("<ul><li>a</li><li>b</li></ul>") == "a\nb"
