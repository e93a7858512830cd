"""The knowledge base of actors: YAML files in claimgraph/data/kb, one list of entries each."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from claimgraph.errors import ClaimgraphError, Code

TYPES = {"state", "state_body", "person", "criminal_group", "armed_group", "political_org", "company",
         "media", "intl_org", "activity", "place"}


@dataclass
class Actor:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    country: str | None = None
    wikidata: str | None = None
    parent: str | None = None
    demonyms: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    designations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class KnowledgeBase:
    actors: dict[str, Actor]

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def __len__(self) -> int:
        return len(self.actors)


def _actor(entry: dict[str, Any], where: str) -> Actor:
    missing = {"id", "name", "type"} - entry.keys()
    if missing:
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: entry {entry!r:.80} lacks {sorted(missing)}")
    if entry["type"] not in TYPES:
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: {entry['id']} has unknown type {entry['type']!r}")

    def strings(key: str) -> list[str]:
        return [str(v) for v in entry.get(key) or []]

    return Actor(
        id=str(entry["id"]), name=str(entry["name"]), type=entry["type"], aliases=strings("aliases"),
        acronyms=strings("acronyms"), country=entry.get("country"), wikidata=entry.get("wikidata"),
        parent=entry.get("parent"), demonyms=strings("demonyms"), capitals=strings("capitals"),
        leaders=strings("leaders"), designations=list(entry.get("designations") or []),
    )


def _files(folder: Path | None) -> list[tuple[str, str]]:
    if folder is not None:
        return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]
    root = resources.files("claimgraph.data.kb")
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".yaml"))
    return [(name, root.joinpath(name).read_text(encoding="utf-8")) for name in names]


def read_kb(folder: Path | None = None) -> KnowledgeBase:
    """Read and validate every YAML file of the knowledge base (the bundled one by default)."""
    actors: dict[str, Actor] = {}
    for name, text in _files(folder):
        for entry in yaml.safe_load(text) or []:
            actor = _actor(entry, name)
            if actor.id in actors:
                raise ClaimgraphError(Code.KB_INVALID, f"{name}: duplicate id {actor.id}")
            actors[actor.id] = actor
    for actor in actors.values():
        if actor.parent and actor.parent not in actors:
            raise ClaimgraphError(Code.KB_INVALID, f"{actor.id}: parent {actor.parent} is not in the KB")
    return KnowledgeBase(actors)


@lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    return read_kb()
