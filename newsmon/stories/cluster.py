"""Pure story clustering: title keys, shingles, MinHash signatures, LSH bands and the decision rules.

An article joins a story when it is a copy of an earlier article: the same normalised title within
a week (with some text support), or near-identical text by MinHash (Jaccard), or one text almost
contained in the other (a wire copy with a paragraph dropped). Everything here is deterministic
across processes and versions of numpy, because signatures and band hashes are persisted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np

from newsmon.records import Record

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: an S-curve centred near Jaccard 0.42 (see bench/eval_stories.py)
ROWS = NUM_PERM // BANDS
WORD_SHINGLE = 3
CHAR_SHINGLE = 4
TITLE_WINDOW = timedelta(days=7)
TEXT_WINDOW = timedelta(days=7)
EVENT_WINDOW = timedelta(hours=48)

# Decision thresholds, chosen from the sweep printed by bench/eval_stories.py.
JACCARD_MIN = 0.40  # estimated Jaccard of title+text shingles
CONTAINMENT_MIN = 0.75  # the smaller text mostly inside the larger (dropped/added paragraphs)
CONTAINMENT_JACCARD_FLOOR = 0.20  # ... but never on a tiny overlap
TITLE_TEXT_SUPPORT = 0.12  # an equal title key still needs this much text overlap ...
SHORT_TEXT_SHINGLES = 12  # ... unless one side has almost no text (title-only feed items)
TINY_JACCARD_MIN = 0.9  # without a shared title key, near-identity is required of such tiny items
EVENT_MIN_SHARED = 3  # specific entities two stories in different languages must share
EVENT_LINKING = False  # replaced by newsmon/events (issue #19): story_events is no longer written


@dataclass(frozen=True, slots=True)
class StoryItem(Record):
    """What story assignment needs from one stored article."""

    article_id: str
    feed_id: str
    title: str
    text: str
    lang: str
    published_at: datetime | None
    first_seen_at: datetime
    entities: tuple[str, ...] = ()  # normalised topic-evidence terms (event linking only)
    is_update: bool = False  # the outlet edited title/text of an already stored article
    fingerprint: Fingerprint | None = None  # precomputed (in the build workers); else computed here


@dataclass(frozen=True, slots=True)
class Fingerprint(Record):
    """The persisted index entries of one article."""

    title_key: str | None
    shingle_count: int
    signature: np.ndarray  # uint32[NUM_PERM]; all 0xFFFFFFFF when there are no shingles
    bands: tuple[int, ...]  # one uint64 bucket per band; empty when there are no shingles


# --- normalisation -------------------------------------------------------------------------

# Scripts written without spaces between words: shingle by characters.
_NO_SPACE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]")
_NO_SPACE_CLASS = _NO_SPACE.pattern[1:-1]
_LETTER = re.compile(r"[^\W\d_]")
_CHAR_UNIT = re.compile(rf"[{_NO_SPACE_CLASS}]|[^\s{_NO_SPACE_CLASS}]+")
# Punctuation and symbols (Unicode P*/S*) become spaces; combining marks (Devanagari vowel signs)
# stay, which a `[^\w]` class would wrongly strip.
_PUNCT_TO_SPACE = {cp: " " for cp in [*range(0x10000), *range(0x1F000, 0x1FB00)] if unicodedata.category(chr(cp))[0] in "PS"}
_TITLE_SEPARATORS = re.compile(r"\s*(?:[:|｜：]|\s[-–—]+\s|\s--\s)\s*")
_DATE_HINT = r"[^,()\n]{0,25}\d[^,()\n]{0,25}"  # a date in any language carries a digit
_PLACE = r"[^\W\d][^,()（）\n]{1,40}?"  # a place name: starts with a letter, a few words
_AGENCY = r"[^()\n]{2,40}"
# Leading datelines, general shapes (place, date, agency), e.g. "CITY, Month 19 (Agency) --",
# "CITY, 28 month - Agency.", "(Agency) --", "【City=Agency】", "(City=Agency) Name reporter =",
# "Agency city 6月19日电", "City. 28 month. AGENCY -".
_DATELINES = [
    re.compile(r"^\s*[(（][^)）\n]{1,25}=[^)）\n]{1,25}[)）]\s*(?:[^=\n]{1,25}=\s*)?"),
    re.compile(rf"^\s*(?:{_PLACE}(?:,\s*{_DATE_HINT})?\s*)?[(（]{_AGENCY}[)）]\s*(?:--+|[-–—:]|=)?\s*"),
    re.compile(rf"^\s*{_PLACE},\s*{_DATE_HINT}\s*[-–—]+\s*[^.\n]{{2,40}}?\.\s+"),
    re.compile(rf"^\s*{_PLACE}[.,]\s*{_DATE_HINT}[.,]\s*[^\W\d][\w .-]{{1,30}}\s*[-–—]+\s*"),
    re.compile(r"^\s*[【\[][^】\]\n]{1,30}[】\]]\s*"),
    re.compile(r"^\s*[^\s，。,]{0,15}?\d{1,2}月\d{1,2}日(?:电|讯|電|訊)\s*(?:[(（][^)）]{1,30}[)）])?\s*"),
]
# Trailing outlet marks on titles: "... (Agency)", "... - Outlet" is handled by the split.
_TITLE_TAIL = re.compile(r"\s*[(（](?=[^()（）\n]*[^\W\d_])[^()（）\n]{1,25}[)）]\s*$")  # needs a letter: "(2)" is a part number
_TITLE_HEAD_TAG = re.compile(r"^\s*(?:[\[【(（][^\]】)）\n]{1,12}[\]】)）]\s*)+")
# Boilerplate lines added by outlets to wire copy: related links, bylines, copyright.
_BOILERPLATE = re.compile(
    r"(?im)^\s*(?:also read|read also|read more|see also|related|watch|subscribe|follow us|"
    r"читайте также|см\. также|подписывайтесь|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|"
    r"a lire aussi|voir aussi|leer más|lee también|यह भी पढ़ें|ये भी पढ़ें|اقرأ أيضا|اقرأ أيضاً|"
    r"관련기사|관련 기사|関連記事|あわせて読みたい|相关阅读|相关新闻|延伸阅读)\b.*$"
    r"|^\s*(?:by|von|par|автор|по материалам)\s+[^\n]{1,60}$"
    r"|^.*(?:©|\(c\)|copyright|all rights reserved|무단 ?전재|版权所有|無断転載).*$"
)


def normalise(text: str) -> str:
    """NFKC + casefold, punctuation and quotes to spaces, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_PUNCT_TO_SPACE).split())


def strip_dateline(text: str) -> str:
    """Remove one leading dateline (place, date, agency) if present."""
    for pattern in _DATELINES:
        stripped = pattern.sub("", text, count=1)
        if stripped != text and len(stripped) >= len(text) // 3:
            return stripped
    return text


def strip_boilerplate(text: str) -> str:
    return _BOILERPLATE.sub("", text)


def is_no_space_script(text: str) -> bool:
    """True when most letters belong to scripts written without word spaces (CJK, Thai...)."""
    if not _NO_SPACE.search(text):  # most texts: no such letter at all, and no list of letters to build
        return False
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_NO_SPACE.findall(text)) * 2 > letters


def title_key(title: str) -> str | None:
    """The normalised core of a title, or None when it is too short to identify a story."""
    title = unicodedata.normalize("NFKC", title).strip()
    title = _TITLE_HEAD_TAG.sub("", strip_dateline(title))
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if not parts:
        return None
    core = _TITLE_TAIL.sub("", max(parts, key=len))
    key = normalise(core)
    if is_no_space_script(key):
        return key if len(key.replace(" ", "")) >= 8 else None
    return key if len(key.split()) >= 4 else None


# --- shingles and signatures ---------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _seeded_u64(label: str) -> int:
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=1 << 16)  # the frequent words; ~15 MB when full (hashing a rarer one again is cheap)
def _unit_hash(unit: str) -> int:
    return int.from_bytes(hashlib.blake2b(unit.encode(), digest_size=8).digest(), "little")


# Multiply-add-shift universal hashing (Dietzfelbinger): odd 64-bit multipliers, top 32 bits kept.
# Coefficients come from blake2b so persisted signatures never depend on numpy's RNG streams.
_PERM_A = np.array([_seeded_u64(f"minhash-a-{i}") | 1 for i in range(NUM_PERM)], dtype=np.uint64)
_PERM_B = np.array([_seeded_u64(f"minhash-b-{i}") for i in range(NUM_PERM)], dtype=np.uint64)
_MIX = np.array([_seeded_u64(f"shingle-mix-{i}") | 1 for i in range(max(WORD_SHINGLE, CHAR_SHINGLE, ROWS))],
                dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


def _finalise(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined hashes over all 64 bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_units(text: str) -> tuple[list[str], int]:
    """Units to shingle and the shingle size: words for spaced scripts, characters for CJK/Thai."""
    norm = normalise(strip_boilerplate(strip_dateline(text)))
    if is_no_space_script(norm):
        return _CHAR_UNIT.findall(norm), CHAR_SHINGLE
    return norm.split(), WORD_SHINGLE


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct uint64 hashes of the text's shingles (a text shorter than k gives one shingle)."""
    units, k = shingle_units(text)
    if not units:
        return np.empty(0, dtype=np.uint64)
    hashed = np.fromiter((_unit_hash(u) for u in units), dtype=np.uint64, count=len(units))
    k = min(k, len(hashed))
    width = len(hashed) - k + 1
    combined = np.zeros(width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            combined = combined * _MIX[offset] + hashed[offset:offset + width]
        return np.unique(_finalise(combined))


def minhash(shingles: np.ndarray) -> np.ndarray:
    if shingles.size == 0:
        return _EMPTY.copy()
    with np.errstate(over="ignore"):
        permuted = _PERM_A[:, None] * shingles[None, :] + _PERM_B[:, None]
    return (permuted >> np.uint64(32)).min(axis=1).astype(np.uint32)


def band_hashes(signature: np.ndarray) -> tuple[int, ...]:
    rows = signature.astype(np.uint64).reshape(BANDS, ROWS)
    combined = np.arange(BANDS, dtype=np.uint64)  # the band number salts its bucket
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            combined = combined * _MIX[r] + rows[:, r]
        return tuple(_finalise(combined).tolist())


def fingerprint(title: str, text: str) -> Fingerprint:
    # Both parts may open with a dateline; the byline line comes before the text's dateline.
    body = strip_dateline(strip_boilerplate(text).lstrip())
    shingles = shingle_hashes(f"{strip_dateline(title)}\n{body}")
    signature = minhash(shingles)
    bands = band_hashes(signature) if shingles.size else ()
    return Fingerprint(title_key(title), int(shingles.size), signature, bands)


# --- decisions ------------------------------------------------------------------------------


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


def copy_score(a: Fingerprint, b: Fingerprint, **thresholds: float) -> float:
    """How strongly two articles look like copies of one report: 0 when they are not."""
    return float(copy_scores(a, [b], **thresholds)[0])


def copy_scores(a: Fingerprint, others: Sequence[Fingerprint], *, jaccard_min: float = JACCARD_MIN,
                containment_min: float = CONTAINMENT_MIN) -> np.ndarray:
    """copy_score of `a` against each of `others`."""
    jaccard = (np.stack([b.signature for b in others]) == a.signature).sum(axis=1) / NUM_PERM
    same_title = np.array([a.title_key is not None and b.title_key == a.title_key for b in others])
    return scores_from_jaccard(jaccard, np.full(len(others), a.shingle_count), np.array([b.shingle_count for b in others]),
                               same_title, jaccard_min=jaccard_min, containment_min=containment_min)


def pair_scores(signatures: np.ndarray, counts: np.ndarray, title_codes: np.ndarray,
                left: np.ndarray, right: np.ndarray, block: int = 16384) -> np.ndarray:
    """copy_score of many pairs at once: article `left[k]` against article `right[k]`, where the
    articles are rows of `signatures` (uint32[n, NUM_PERM]), `counts` (shingle counts) and
    `title_codes` (an integer per distinct title key, -1 for none). Story assignment scores all
    candidate pairs of a batch in one call; blocks bound the memory of the gathered signatures."""
    jaccard = np.empty(len(left), dtype=np.float64)
    for start in range(0, len(left), block):
        end = start + block
        same = signatures[left[start:end]] == signatures[right[start:end]]
        jaccard[start:end] = np.count_nonzero(same, axis=1) / NUM_PERM
    same_title = (title_codes[left] >= 0) & (title_codes[left] == title_codes[right])
    return scores_from_jaccard(jaccard, counts[left], counts[right], same_title)


def scores_from_jaccard(jaccard: np.ndarray, count_a: np.ndarray, count_b: np.ndarray, same_title: np.ndarray, *,
                        jaccard_min: float = JACCARD_MIN, containment_min: float = CONTAINMENT_MIN) -> np.ndarray:
    """The copy rules over arrays of pairs: their estimated Jaccard, shingle counts and title-key equality."""
    smaller = np.minimum(count_a, count_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        # |A ∩ B| / min(|A|, |B|) from the Jaccard estimate and the set sizes
        containment = np.minimum(1.0, jaccard / (1.0 + jaccard) * (count_a + count_b) / smaller)
    title_backed = np.maximum(jaccard, 0.01)
    # The rules, from the weakest to the one that decides first (a later line overrides):
    # an equal title key with some text overlap,
    score = np.where(same_title & (jaccard >= TITLE_TEXT_SUPPORT), title_backed, 0.0)
    # the smaller text mostly inside the larger one (a cut or an added paragraph),
    score = np.where((jaccard >= CONTAINMENT_JACCARD_FLOOR) & (containment >= containment_min), jaccard, score)
    # enough shared shingles;
    score = np.where(jaccard >= jaccard_min, jaccard, score)
    # a handful of shingles (title-only items) makes the Jaccard estimate meaningless: two posts
    # titled "Series name: part" share most of them, so trust the title key instead;
    tiny = np.where(same_title | (jaccard >= TINY_JACCARD_MIN), title_backed, 0.0)
    score = np.where(smaller < SHORT_TEXT_SHINGLES, tiny, score)
    # no text on one side: only an equal title key says anything.
    return np.where(smaller == 0, np.where(same_title, 1.0, 0.0), score)


def normalise_entity(term: str) -> str:
    """An entity id from a topic-evidence term: normalised words joined by underscores."""
    return "_".join(normalise(term).split())


def is_same_event(shared_specific_entities: int, *, min_shared: int = EVENT_MIN_SHARED) -> bool:
    return shared_specific_entities >= min_shared


def order_key(item: StoryItem) -> tuple[datetime, datetime, str]:
    """Earliest first, so a story's id is the article_id of its first article."""
    return (item.first_seen_at, item.published_at or item.first_seen_at, item.article_id)
