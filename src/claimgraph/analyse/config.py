"""The link-assessment rules: status thresholds, what one independent source is, relation families.

Read from claimgraph/data/analysis.yaml (or a file of the same shape named by `--rules` or
$CLAIMGRAPH_ANALYSIS); a malformed file raises E305 naming the entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ontology import RELATIONS

ENV_VAR = "CLAIMGRAPH_ANALYSIS"
SOURCE_KINDS = ("outlet", "speaker", "document")
_TOP_KEYS = {"status", "symmetric", "families"}
_STATUS_KEYS = {"min_independent_sources", "hedged_counts", "source"}


@dataclass(frozen=True)
class AnalysisConfig:
    min_sources: int = 2
    hedged_counts: bool = True
    source: str = "outlet"
    symmetric: frozenset[str] = frozenset({"cooperates_with", "linked_to"})
    families: dict[str, tuple[str, ...]] = field(default_factory=dict)  # family -> member relations
    origin: str = "built-in"

    def family_of(self, relation: str) -> str:
        for family, members in self.families.items():
            if relation in members:
                return family
        return relation

    def members(self, name: str) -> tuple[str, ...]:
        """The stored relations a family (or a plain relation) stands for."""
        return self.families.get(name, (name,))

    def is_symmetric(self, relation: str | None, roll_up: bool = False) -> bool:
        if relation is None:
            return True
        if roll_up and relation in self.families:
            return all(member in self.symmetric for member in self.families[relation])
        return relation in self.symmetric


def _fail(origin: str, message: str) -> ClaimgraphError:
    return ClaimgraphError(Code.ANALYSIS_INVALID, f"{origin}: {message}")


def _relation_list(origin: str, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(origin, f"{where} must be a list of relation names")
    unknown = sorted(set(value) - set(RELATIONS))
    if unknown:
        raise _fail(origin, f"{where} names unknown relations: {', '.join(unknown)}")
    return tuple(value)


def parse(data: Any, origin: str) -> AnalysisConfig:
    """Validate the YAML document of an analysis file."""
    if not isinstance(data, dict):
        raise _fail(origin, "the file must be a mapping with status, symmetric and families")
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        raise _fail(origin, f"unknown keys: {', '.join(map(str, extra))}")
    status = data.get("status") or {}
    if not isinstance(status, dict):
        raise _fail(origin, "status must be a mapping")
    extra = sorted(set(status) - _STATUS_KEYS)
    if extra:
        raise _fail(origin, f"unknown status keys: {', '.join(map(str, extra))}")
    min_sources = status.get("min_independent_sources", 2)
    if isinstance(min_sources, bool) or not isinstance(min_sources, int) or min_sources < 1:
        raise _fail(origin, f"status.min_independent_sources must be a number >= 1, not {min_sources!r}")
    hedged = status.get("hedged_counts", True)
    if not isinstance(hedged, bool):
        raise _fail(origin, f"status.hedged_counts must be true or false, not {hedged!r}")
    source = status.get("source", "outlet")
    if source not in SOURCE_KINDS:
        raise _fail(origin, f"status.source must be one of {', '.join(SOURCE_KINDS)}, not {source!r}")
    symmetric = _relation_list(origin, "symmetric", data.get("symmetric", []))
    families_raw = data.get("families") or {}
    if not isinstance(families_raw, dict):
        raise _fail(origin, "families must map a family name to a list of relations")
    families: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, members in families_raw.items():
        if not isinstance(name, str) or not name:
            raise _fail(origin, f"family name {name!r} must be a word")
        listed = _relation_list(origin, f"families.{name}", members)
        for relation in listed:
            if relation in seen:
                raise _fail(origin, f"{relation} is in two families: {seen[relation]} and {name}")
            seen[relation] = name
        if name in RELATIONS and seen.get(name, name) != name:
            raise _fail(origin, f"family {name} is a relation filed under family {seen[name]}")
        families[name] = listed
    return AnalysisConfig(min_sources, hedged, source, frozenset(symmetric), families, origin)


def load(path: str | Path | None = None) -> AnalysisConfig:
    """The rules from `path`, else $CLAIMGRAPH_ANALYSIS, else the bundled analysis.yaml."""
    chosen = path or os.environ.get(ENV_VAR)
    if chosen:
        return _load_file(str(chosen))
    return _bundled()


@lru_cache(maxsize=1)
def _bundled() -> AnalysisConfig:
    text = resources.files("claimgraph.data").joinpath("analysis.yaml").read_text(encoding="utf-8")
    return _parse_text(text, "data/analysis.yaml")


def _load_file(path: str) -> AnalysisConfig:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot read the file ({exc})") from exc
    return _parse_text(text, path)


def _parse_text(text: str, origin: str) -> AnalysisConfig:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(origin, f"not valid YAML ({str(exc).splitlines()[0]})") from exc
    return parse(data, origin)
