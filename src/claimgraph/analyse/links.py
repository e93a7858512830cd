"""Link assessment: how well supported each alleged link is, by whom, and who denies it.

INTERFACE (owned by the link-assessment engineer; the briefing engineer builds on it). The
dataclasses and signatures below are the contract; the bodies are being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claimgraph.store import Store

STATUSES = ("corroborated", "single-source", "contested", "denied")


@dataclass
class Evidence:
    """One stored claim as evidence for or against a link."""

    claim_id: int
    subject: str
    relation: str
    object: str
    polarity: str  # affirmed | denied
    modality: str  # asserted | hedged
    speaker: str | None  # entity id
    speaker_name: str | None
    document: str  # doc_key
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    evidence: str
    start: int
    end: int
    source: str  # the independent source key: the origin document's outlet (copies folded)
    copy_of: str | None = None  # doc_key of the origin when this document is a copy


@dataclass
class Link:
    """One (subject, relation, object) — or one unordered pair when relation is None."""

    subject: str
    subject_name: str
    relation: str | None
    object: str
    object_name: str
    affirmed: int = 0
    denied: int = 0
    asserted: int = 0
    hedged: int = 0
    speakers: list[str] = field(default_factory=list)  # distinct speaker ids (None excluded)
    sources_for: list[str] = field(default_factory=list)  # independent sources affirming
    sources_against: list[str] = field(default_factory=list)  # independent sources denying
    first_seen: str | None = None  # earliest published date (ISO) of its evidence
    last_seen: str | None = None
    status: str = "single-source"  # one of STATUSES


@dataclass
class PairEvidence:
    """Everything stored about two actors: the links between them and their evidence, for and
    against, grouped by independent source (copies folded under their origin)."""

    a: str
    b: str
    links: list[Link]
    affirming: dict[str, list[Evidence]]  # source key -> evidence, earliest first
    denying: dict[str, list[Evidence]]


def assess(store: Store, *, entity: str | None = None, relation: str | None = None,
           status: str | None = None, since: str | None = None, roll_up: bool = False) -> list[Link]:
    """Links touching `entity` (an id, name or alias), filtered; strongest first."""
    raise NotImplementedError


def pair(store: Store, a: str, b: str, *, since: str | None = None) -> PairEvidence:
    """The links between two actors (either direction) and their evidence."""
    raise NotImplementedError


def evidence_for(store: Store, link: Link) -> list[Evidence]:
    """The claims behind one link, earliest first."""
    raise NotImplementedError
