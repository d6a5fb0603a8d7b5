"""Where the sentences of a field start: each relation is read within one sentence ("unit").

A sentence ends at a full stop, question or exclamation mark followed by a space (not after a
one-letter abbreviation, an ordinal number or an abbreviation of seeds/topic_grammar.csv), at a CJK
full stop, a line break, a semicolon or a vertical bar, and a label in another script before a
colon is a sentence of its own.
"""

from __future__ import annotations

import bisect
import re

from newsmon.topics.scan import script_of

# A one-letter abbreviation ("N. Korea", "S. Korea", "U.S. says") ends no sentence, nor does an
# ordinal number of up to three digits ("zum 80. Jahrestag", "z okazji 80. rocznicy", "3. září");
# a year does ("on September 4, 2025. The announcement ...").
_SENTENCE_END = re.compile(
    r"(?<=[.!?؟।])(?<!\b\w\.)(?<!\b\d\d\.)(?<!\b\d\d\d\.)\s+|(?<=[。！？])|\s*[\n;؛|]\s*")

_LABEL_END = re.compile(r":\s+")


def unit_starts(text: str, abbreviations: frozenset[str] = frozenset()) -> list[int]:
    """Where each sentence starts. A label in one script before a colon ("North Korea News: " ahead
    of a Hindi headline) is a sentence of its own: the two parts are two statements. A period after
    an abbreviation of seeds/topic_grammar.csv ("Mr. Kim", "Korei Płn.", "St. Petersburg") ends none."""
    def abbreviated(end: int) -> bool:  # the sentence mark at `end` - 1 is an abbreviation's period
        return text[end - 1:end] == "." and (text[max(0, end - 12):end - 1].split() or [""])[-1] in abbreviations

    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text) if not (abbreviations and abbreviated(m.start()))]
    if ":" in text and not text.isascii():
        for m in _LABEL_END.finditer(text):
            before = next((c for c in reversed(text[max(0, m.start() - 20):m.start()]) if c.isalpha()), "")
            after = text[m.end()] if m.end() < len(text) else ""
            if before and after.isalpha() and script_of(before) != script_of(after):
                bisect.insort(starts, m.end())
    return starts
