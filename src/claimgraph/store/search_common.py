"""What every backend's search shares: the results, the snippet pieces, the claim rows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from claimgraph.store.schema import claims

Snippet = list[tuple[str, bool]]
SNIPPET_WORDS = 24
OPEN, CLOSE = "\x02", "\x03"  # hit markers around matched words in a snippet (FTS5's and ts_headline's)
_WORD = re.compile(r"\w+")


@dataclass
class SearchResults:
    query: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    total_documents: int = 0
    total_claims: int = 0


def split_marked(marked: str) -> Snippet:
    """'a \\x02b\\x03 c' -> [('a ', False), ('b', True), (' c', False)]."""
    pieces: Snippet = []
    for i, chunk in enumerate(re.split(f"[{OPEN}{CLOSE}]", marked or "")):
        if chunk:
            pieces.append((chunk, i % 2 == 1))
    return pieces


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _phrase_at(pieces: Snippet, i: int, words: list[str]) -> int:
    """The index after a run of hits from pieces[i] that reads `words` with only non-words between
    them; 0 when there is none."""
    j, matched = i, 0
    while j < len(pieces) and matched < len(words):
        piece, is_hit = pieces[j]
        if is_hit and _fold(piece) == words[matched]:
            matched += 1
        elif is_hit or _WORD.search(piece) or matched == 0:
            return 0
        j += 1
    return j if matched == len(words) else 0


def join_phrases(pieces: Snippet, parts: list[str]) -> Snippet:
    """Mark each instance of a quoted phrase as one hit, as FTS5 does: ts_headline marks its words."""
    found = {tuple(_fold(word) for word in _WORD.findall(part)) for part in parts}
    phrases = sorted((list(words) for words in found if len(words) > 1), key=len, reverse=True)
    if not phrases:
        return pieces
    out: Snippet = []
    i = 0
    while i < len(pieces):
        end = next((e for e in (_phrase_at(pieces, i, words) for words in phrases) if e), 0)
        if end:
            out.append(("".join(piece for piece, _ in pieces[i:end]), True))
            i = end
        else:
            out.append(pieces[i])
            i += 1
    return out


def claim_rows(conn: Connection, snippets: dict[int, Snippet]) -> list[dict[str, Any]]:
    """The claims with these ids, in the order of `snippets`, as Store.claims() gives them."""
    from claimgraph.store.database import claims_query

    if not snippets:
        return []
    rows = {row.id: dict(row._mapping) for row in conn.execute(
        claims_query().where(claims.c.id.in_(list(snippets))))}
    return [{**rows[i], "snippet": snippet} for i, snippet in snippets.items() if i in rows]
