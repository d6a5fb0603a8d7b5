"""HTML to clean text: the only place feed HTML is turned into something we store.

BeautifulSoup parses (lxml's HTML parser: fast and tolerant; its parser object is reused
between documents); script, style and other non-content elements are removed before
get_text(), so their text never leaks. Most feed summaries are a paragraph or two of simple,
well-formed markup (<p>, <br>, <a>, <b>...): those are read by `_simple_markup_text`, which gives
exactly what the BeautifulSoup path gives (tests/test_extract_fast.py compares them) in a fraction
of the time; anything else (another tag, a comment, a stray "<", an unusual entity) goes to
BeautifulSoup. The result is plain text: entities decoded, Unicode
NFC, control and zero-width characters removed, whitespace collapsed, length capped.
"""

from __future__ import annotations

import re
import threading
import warnings
from html import unescape

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.builder._lxml import LXMLTreeBuilder

from newsmon.untrusted import clean_text

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)

_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
                        "head", "form", "button", "select", "textarea"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
               "blockquote", "section", "article", "header", "footer", "figure", "figcaption", "pre"})
_MAX_HTML_CHARS = 400_000  # deeply nested or enormous markup is cut before parsing

# The simple subset: these tags only (no drop tag, nothing lxml restructures: tables, lists' parents
# and <pre> are left to BeautifulSoup), attributes in well-formed quotes, the common entities.
_SIMPLE_TAGS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
                          "article", "header", "footer", "figure", "figcaption", "a", "b", "i", "em",
                          "strong", "span", "u", "small", "sup", "sub", "abbr", "cite", "code", "mark",
                          "q", "s", "strike", "time", "font", "img"})
_SIMPLE_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]{0,9})((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
                         r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*)\s*/?>""")
_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|nbsp|#[1-9][0-9]{1,4}|#[xX][1-9a-fA-F][0-9a-fA-F]{1,3});)")
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd]")


class _ReusingLXMLBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML builder ("lxml"), keeping its lxml parser from one document to the next.

    bs4 makes a new lxml parser for every document, and lxml inspects the builder's callbacks each
    time: a third of the cost of cleaning a typical feed item. A parser is reusable once its
    document is closed; one whose document failed is dropped, never reused."""

    def __init__(self) -> None:
        super().__init__()
        self._parser = None

    def parser_for(self, encoding):
        if encoding is not None:  # only str markup (encoding None) is ever given here
            return super().parser_for(encoding)
        if self._parser is None:
            self._parser = super().parser_for(None)
        return self._parser

    def feed(self, markup) -> None:
        try:
            super().feed(markup)
        except BaseException:
            self._parser = None
            raise


_local = threading.local()  # a builder holds one document at a time: one per thread


def _builder() -> _ReusingLXMLBuilder:
    builder = getattr(_local, "builder", None)
    if builder is None:
        builder = _local.builder = _ReusingLXMLBuilder()
    return builder


def html_to_text(html: str, max_chars: int = 20_000) -> str:
    """Visible text of an HTML fragment, one line per block element."""
    if not html:
        return ""
    if "<" not in html:  # no markup (most titles): decoding entities is all there is to do
        return clean_text(unescape(html), max_chars)
    html = html[:_MAX_HTML_CHARS]
    text = _simple_markup_text(html)
    if text is None:
        text = _soup_text(html)
    return clean_text(text.replace(" \n", "\n"), max_chars)


def _soup_text(html: str) -> str:
    """get_text(" ") of the parsed markup, a newline string before each block element and the
    drop tags removed."""
    soup = BeautifulSoup(html, builder=_builder())
    # One list of tags (bs4 rebuilds its matcher for every find_all with a list of names). Drop
    # tags go in reverse document order, so a nested one is removed before its ancestor.
    tags = soup.find_all(True)
    for tag in tags:
        if tag.name in _BLOCK_TAGS:
            tag.insert_before("\n")
    for tag in reversed(tags):
        if tag.name in _DROP_TAGS:
            tag.decompose()
    return soup.get_text(" ")


def _simple_markup_text(html: str) -> str | None:
    """What get_text(" ") gives after the block newlines are inserted (see html_to_text), for
    markup made only of _SIMPLE_TAGS; None for anything else. lxml keeps every text node of such
    markup in document order, so the text is its pieces joined by one space: each non-empty
    stretch between tags (entities decoded) and a newline before each block tag's start."""
    if _AMPERSAND.search(html) or _UNSAFE_CHARS.search(html) or "<!" in html or "<?" in html:
        return None
    pieces: list[str] = []
    position = 0
    for tag in _SIMPLE_TAG.finditer(html):
        text = html[position:tag.start()]
        name = tag.group(2).lower()
        if "<" in text or name not in _SIMPLE_TAGS:
            return None
        if text and (pieces or not text.isspace()):  # lxml drops blank text before the first element
            pieces.append(unescape(text))
        if not tag.group(1) and name in _BLOCK_TAGS:
            pieces.append("\n")
        position = tag.end()
    text = html[position:]
    if "<" in text:
        return None
    if text:
        pieces.append(unescape(text))
    return " ".join(pieces)


def title_to_text(title: str, max_chars: int = 1_000) -> str:
    """Titles are one line: tags dropped, whitespace (including newlines) collapsed."""
    return " ".join(html_to_text(title, max_chars * 2).split())[:max_chars]
