"""Evidence of a link as the link page shows it: by independent source, copies under their origin,
each sentence cut into segments with the actors' names marked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from claimgraph.analyse.links import Evidence
from claimgraph.serve.views.highlight import Segment, with_names


@dataclass
class Item:
    evidence: Evidence
    segments: list[Segment]
    copies: list[Item] = field(default_factory=list)  # the same claim in syndicated or spun copies


@dataclass(frozen=True)
class SourceGroup:
    source: str  # the independent source key (the origin's outlet, by default)
    items: list[Item]
    count: int  # evidence items, copies included (all of them, also those not shown)
    shown: int  # evidence items shown


def _item(evidence: Evidence, names: Sequence[str]) -> Item:
    names = [*names, evidence.subject_name, evidence.object_name]
    return Item(evidence, with_names(evidence.evidence, names))


def _home(copy: Item, origins: list[Item]) -> Item | None:
    """The item of the copy's origin document, the same claim when it is there."""
    same_doc = [o for o in origins if o.evidence.document == copy.evidence.copy_of]
    same_claim = [o for o in same_doc if _claim(o.evidence) == _claim(copy.evidence)]
    found = same_claim or same_doc
    return found[0] if found else None


def _fold(items: list[Item]) -> list[Item]:
    """Copies go under the item of their origin; a copy whose origin has no evidence here (it may
    say something else about the pair) stays on its own."""
    origins = [item for item in items if item.evidence.copy_of is None]
    kept = list(origins)
    for item in items:
        if item.evidence.copy_of is None:
            continue
        home = _home(item, origins)
        if home is None:
            kept.append(item)
        else:
            home.copies.append(item)
    return kept


def _claim(evidence: Evidence) -> tuple[str, str, str, str]:
    return (evidence.subject, evidence.relation, evidence.object, evidence.polarity)


def grouped(by_source: dict[str, list[Evidence]], names: Iterable[str],
            counts: dict[str, int] | None = None) -> list[SourceGroup]:
    """One group per independent source, in the order analyse.links gives them; `counts` holds each
    source's total when the lists are a page of it (pair_page)."""
    wanted = list(names)
    counts = counts or {}
    return [SourceGroup(source, _fold([_item(e, wanted) for e in items]), counts.get(source, len(items)),
                        len(items))
            for source, items in by_source.items()]
