"""Pure: is this page a wall (paywall, consent wall, anti-bot challenge) rather than the article?

A wall is told by two kinds of signal together: the page's markup (a paywall's schema.org
`isAccessibleForFree: false`, a content tier, paywall containers; a consent manager's API stub and
dialog; a challenge platform's scripts and titles), and the text that remains after extraction
being the wall's own text or too short to be the article. Neither alone is enough: an article
*about* subscriptions or cookie walls, on a page with the usual newsletter box and cookie banner,
has no wall markup around its body and keeps a full-length text. HTML comments are ignored.
"""

from __future__ import annotations

import re

from newsmon.fetch import is_challenge_page

_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)

_PAYWALL_MARKUP = re.compile(
    r"[\"']?isAccessibleForFree[\"']?\s*:\s*[\"']?false"
    r"|article:content_tier[\"'][^>]*content\s*=\s*[\"'](?:locked|metered)"
    r"|class\s*=\s*[\"'][^\"']*\b(?:paywall|regwall|article-body--locked|premium-content|subscriber-only|tp-modal)\b",
    re.I,
)
_PAYWALL_TEXT = re.compile(
    r"subscribe to (?:continue|read)|to continue reading|already a subscriber|subscribers only|for subscribers"
    r"|log in to read|sign in to read|only available to subscribers|jetzt abonnieren|weiterlesen mit"
    r"|réservé aux abonnés|solo para suscriptores|доступ(?:ен|но) (?:только )?(?:по подписке|подписчикам)"
    r"|оформите подписку|유료 ?회원|구독자 전용|続きを読むには|有料会員|订阅后阅读|付费阅读",
    re.I,
)
_CONSENT_MARKUP = re.compile(
    r"__tcfapi|__cmp\b|didomi|onetrust|usercentrics|quantcast|sourcepoint|cookiebot"
    r"|class\s*=\s*[\"'][^\"']*\b(?:cmp-[\w-]+|consent-[\w-]+|gdpr-[\w-]+)",
    re.I,
)
_CONSENT_TEXT = re.compile(
    r"accept all|reject all|manage (?:options|choices|preferences)|partners (?:store|process)"
    r"|store and/or access information|we value your privacy|legitimate interest|your consent"
    r"|before you continue|cookie policy|privacy policy|alle akzeptieren|tout accepter|aceptar todo"
    r"|принять все|모두 동의|すべて同意|全部接受",
    re.I,
)
_CHALLENGE_TEXT = re.compile(
    r"checking your browser|verify(?:ing)? you are (?:a )?human|are you a robot|security of your connection"
    r"|enable javascript and cookies|press (?:&amp; |and )?hold|access denied|request unsuccessful"
    r"|just a moment|attention required|ddos protection|captcha",
    re.I,
)

# Below these text sizes (in "letters": a CJK character counts for three) a page can be a wall's
# teaser; above ARTICLE_SIZE it is the article, whatever the markup says.
WALL_TEXT_SIZE = 1_200
CHALLENGE_TEXT_SIZE = 1_500
ARTICLE_SIZE = 3_000


def text_size(text: str) -> int:
    wide = sum(1 for c in text if "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff")
    return len(text) + 2 * wide


def detect_wall(html: str, text: str, raw: bytes | None = None) -> str | None:
    """"antibot", "paywall", "consent", or None when the page is (or may be) the article."""
    size = text_size(text)
    if size >= ARTICLE_SIZE:
        return None
    page = _COMMENTS.sub(" ", html)
    title_match = _TITLE.search(page[:50_000])
    title = title_match.group(1) if title_match else ""
    challenge = is_challenge_page(raw) if raw is not None else False
    if size < CHALLENGE_TEXT_SIZE and (challenge or _CHALLENGE_TEXT.search(title) or len(_CHALLENGE_TEXT.findall(text)) >= 2):
        return "antibot"
    if _PAYWALL_MARKUP.search(page) and (_PAYWALL_TEXT.search(text) or _PAYWALL_TEXT.search(page) and size < WALL_TEXT_SIZE):
        return "paywall"
    if _CONSENT_MARKUP.search(page) and size < WALL_TEXT_SIZE and len(set(_CONSENT_TEXT.findall(text.lower()))) >= 2:
        return "consent"
    return None
