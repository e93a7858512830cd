"""Text cut into segments to highlight: mentions, claim evidence, actor names, search hits.

Templates render each segment's text escaped inside a <mark> or <a> chosen by its fields, so no
HTML is ever built from article text by string concatenation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    """A stretch of a text to mark: a mention of an entity, or a highlight of some kind."""

    start: int
    end: int
    entity: str | None = None  # the entity a mention links to
    entity_type: str | None = None
    mark: str | None = None  # a highlight class: "evidence", "actor", "hit"


@dataclass(frozen=True)
class Segment:
    text: str
    entity: str | None = None
    entity_type: str | None = None
    marks: tuple[str, ...] = ()


def _valid(spans: Iterable[Span], length: int) -> list[Span]:
    # Offsets come from the store; a span outside the text (an edited text, a bad row) is left out
    # rather than failing the page.
    return sorted((s for s in spans if 0 <= s.start < s.end <= length), key=lambda s: (s.start, -s.end))


def _pieces(length: int, spans: list[Span]) -> Iterator[tuple[int, int, list[Span]]]:
    """Consecutive stretches between span boundaries, each with the spans covering it."""
    cuts = sorted({0, length, *(s.start for s in spans), *(s.end for s in spans)})
    active: list[Span] = []
    following = iter(spans)
    pending = next(following, None)
    for start, end in zip(cuts, cuts[1:], strict=False):
        while pending is not None and pending.start <= start:
            active.append(pending)
            pending = next(following, None)
        active = [s for s in active if s.end > start]
        yield start, end, active


def _segment(text: str, covering: list[Span]) -> Segment:
    mention = next((s for s in covering if s.entity is not None), None)
    marks = tuple(sorted({s.mark for s in covering if s.mark is not None}))
    if mention is None:
        return Segment(text, marks=marks)
    return Segment(text, mention.entity, mention.entity_type, marks)


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """`text` cut at every span boundary; neighbours with the same highlighting are joined."""
    out: list[Segment] = []
    for start, end, covering in _pieces(len(text), _valid(spans, len(text))):
        piece = _segment(text[start:end], covering)
        last = out[-1] if out else None
        # mentions stay one link each even when two of the same entity touch
        if last is not None and last.entity is None and piece.entity is None and last.marks == piece.marks:
            out[-1] = Segment(last.text + piece.text, marks=last.marks)
        else:
            out.append(piece)
    return out


def document_spans(mentions: Iterable[dict[str, Any]], claims: Iterable[dict[str, Any]]) -> list[Span]:
    """A stored document's mentions (links to their entity) and claim evidence (highlighted)."""
    found = [Span(int(m["start"]), int(m["end"]), m["entity_id"], m.get("entity_type")) for m in mentions]
    found += [Span(int(c["start"]), int(c["end"]), mark="evidence") for c in claims
              if c.get("start") is not None and c.get("end") is not None]
    return found


def name_spans(text: str, names: Iterable[str | None]) -> list[Span]:
    """Where the given names occur in `text` as whole words, any case; the longest name wins."""
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, wanted)) + r")(?!\w)", re.IGNORECASE)
    return [Span(m.start(), m.end(), mark="actor") for m in pattern.finditer(text)]


def with_names(text: str, names: Iterable[str | None]) -> list[Segment]:
    """An evidence sentence with the actors' names marked."""
    return segments(text, name_spans(text, names))


def snippet(pairs: Iterable[tuple[str, bool]]) -> list[Segment]:
    """A search snippet, (text, is_hit) pairs, as segments with the hits marked."""
    return [Segment(str(text), marks=("hit",) if hit else ()) for text, hit in pairs]
