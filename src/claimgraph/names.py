"""Name normalisation shared by the store (alias lookup) and the resolver (matching mentions).

Two spellings that a reader would take for the same name must give the same key:
"the Maduro Regime", "Maduro  regime" and "maduro regime's" all become "maduro regime".
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Both the ASCII apostrophe and the typographic one: news text uses either.
_POSSESSIVE = ("'s", "\u2019s")
_ARTICLE = "the "


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(name: str) -> str:
    """The lookup key of a name: accents dropped, casefolded, spaces collapsed, no "the " / "'s"."""
    # NFKD before and after casefold: casefolding can produce characters that decompose further.
    text = _strip_accents(_strip_accents(name).casefold())
    text = _SPACE.sub(" ", text).strip()
    if text.startswith(_ARTICLE):
        text = text[len(_ARTICLE):]
    for suffix in _POSSESSIVE:
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
            break
    return text


def slug(text: str, default: str = "unnamed") -> str:
    """An id from a name: accents dropped, lower case, runs of other characters as one hyphen;
    `default` for a name with no Latin letter or digit."""
    plain = _strip_accents(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or default
