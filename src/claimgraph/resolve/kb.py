"""The knowledge base of actors: YAML files in claimgraph/data/kb, one list of entries each.

The bundled files are read first, then every `*.yaml` of the user KB folder ($CLAIMGRAPH_KB_DIR, else
`./claimgraph-kb` when it exists), such as those written by `claimgraph kb import`. Every entry is checked
against `data/kb/schema.yaml` (`resolve/kb_schema.py`); overlays (`extends: <id>`) add names and
designations to an entry defined elsewhere. `disambiguation.yaml` files hold the rules for names that
several entries share (`resolve/disambiguation.py`).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.names import normalise_name
from claimgraph.ontology import ENTITY_TYPES
from claimgraph.resolve.disambiguation import RULES_FILE, Rule, check_rule_ids, choose, parse_rules
from claimgraph.resolve.kb_schema import OVERLAY_KEY, SCHEMA_FILE, validate

__all__ = ["Actor", "KnowledgeBase", "Rule", "TYPES", "choose", "load_kb", "read_kb", "user_kb_dir"]

TYPES = set(ENTITY_TYPES)
ENV_VAR = "CLAIMGRAPH_KB_DIR"
DEFAULT_USER_DIR = "claimgraph-kb"
# libyaml's loader when PyYAML has it: the same data and line marks, several times faster
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    note: str | None = None
    source: dict[str, str] | None = None  # imported entries: {name, ftm_id}
    extended_by: list[dict[str, str]] = field(default_factory=list)  # sources of overlays applied to it


@dataclass
class KnowledgeBase:
    actors: dict[str, Actor]
    # normalised form shared by several entries -> which one it means (see resolve/disambiguation.py)
    disambiguation: dict[str, Rule] = field(default_factory=dict)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def __len__(self) -> int:
        return len(self.actors)


def _actor(entry: dict[str, Any]) -> Actor:
    def strings(key: str) -> list[str]:
        return [str(v) for v in entry.get(key) or []]

    return Actor(
        id=entry["id"], name=entry["name"], type=entry["type"], aliases=strings("aliases"),
        acronyms=strings("acronyms"), country=entry.get("country"), wikidata=entry.get("wikidata"),
        parent=entry.get("parent"), demonyms=strings("demonyms"), capitals=strings("capitals"),
        leaders=strings("leaders"), designations=[dict(d) for d in entry.get("designations") or []],
        note=entry.get("note"), source=dict(entry["source"]) if "source" in entry else None,
    )


def _files(folder: Path | None, exclude: Collection[str] = ()) -> list[tuple[str, str, str]]:
    """(file name, label for messages, text) of every YAML file of a KB folder (bundled when None)."""
    if folder is not None:
        return [(p.name, str(p), p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))
                if p.name not in exclude and p.name != SCHEMA_FILE]
    root = resources.files("claimgraph.data.kb")
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".yaml") and p.name != SCHEMA_FILE)
    return [(name, name, root.joinpath(name).read_text(encoding="utf-8")) for name in names]


def _parse(label: str, text: str) -> tuple[Any, yaml.Node | None]:
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise ClaimgraphError(Code.KB_INVALID, f"{label}: not valid YAML: {error}") from error
    finally:
        loader.dispose()
    return data, node


def _entries(label: str, text: str) -> list[tuple[str, Any]]:
    """(where, entry) pairs: `where` is `file:line` of the entry."""
    data, node = _parse(label, text)
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise ClaimgraphError(Code.KB_INVALID, f"{label}: a KB file must be a YAML list of entries")
    lines = [item.start_mark.line + 1 for item in node.value]
    return [(f"{label}:{line}", entry) for line, entry in zip(lines, data, strict=True)]


def _apply_overlay(target: Actor, overlay: dict[str, Any]) -> None:
    known = {normalise_name(f) for f in [target.name, *target.aliases]}
    for alias in overlay.get("aliases") or []:
        if normalise_name(alias) not in known:
            target.aliases.append(alias)
            known.add(normalise_name(alias))
    target.acronyms += [a for a in dict.fromkeys(overlay.get("acronyms") or []) if a not in target.acronyms]
    for designation in overlay.get("designations") or []:
        if designation not in target.designations:
            target.designations.append(dict(designation))
    if "source" in overlay:
        target.extended_by.append(dict(overlay["source"]))


def read_kb(folder: Path | None = None, user_dir: Path | None = None,
            exclude: Collection[str] = ()) -> KnowledgeBase:
    """Read and validate a knowledge base: `folder` (the bundled one by default), then `user_dir`.

    `exclude`: file names of `user_dir` to leave out (the import that is about to replace one).
    """
    files = _files(folder) + (_files(user_dir, exclude) if user_dir is not None else [])
    actors: dict[str, Actor] = {}
    defined: dict[str, str] = {}
    overlays: list[tuple[str, dict[str, Any]]] = []
    rule_files: list[tuple[str, dict[str, Rule]]] = []
    for name, label, text in files:
        if name == RULES_FILE:
            rule_files.append((label, parse_rules(_parse(label, text)[0], label)))
            continue
        for where, entry in _entries(label, text):
            validate(entry, where)
            if OVERLAY_KEY in entry:
                overlays.append((where, entry))
                continue
            actor = _actor(entry)
            if actor.id in actors:
                raise ClaimgraphError(Code.KB_INVALID, f"{where}: duplicate id {actor.id} "
                                                       f"(first defined at {defined[actor.id]})")
            actors[actor.id] = actor
            defined[actor.id] = where
    for where, overlay in overlays:
        target = actors.get(overlay[OVERLAY_KEY])
        if target is None:
            raise ClaimgraphError(Code.KB_INVALID, f"{where}: overlay extends {overlay[OVERLAY_KEY]}, "
                                                   "which is not in the KB")
        _apply_overlay(target, overlay)
    for actor in actors.values():
        if actor.parent and actor.parent not in actors:
            raise ClaimgraphError(Code.KB_INVALID, f"{defined[actor.id]}: entry {actor.id}: parent "
                                                   f"{actor.parent} is not in the KB")
    rules: dict[str, Rule] = {}
    for label, file_rules in rule_files:  # the user folder's rules replace bundled ones for the same form
        check_rule_ids(file_rules, actors, label)
        rules.update(file_rules)
    return KnowledgeBase(actors, rules)


def user_kb_dir() -> Path | None:
    """The user KB folder: $CLAIMGRAPH_KB_DIR (which must exist), else ./claimgraph-kb if it exists."""
    value = os.environ.get(ENV_VAR)
    if value:
        path = Path(value).expanduser()
        if not path.is_dir():
            raise ClaimgraphError(Code.NOT_FOUND, f"${ENV_VAR} names {value}, which is not a folder")
        return path
    default = Path(DEFAULT_USER_DIR)
    return default if default.is_dir() else None


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    stats = ((p.name, p.stat()) for p in sorted(folder.glob("*.yaml")))
    return tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats)


@lru_cache(maxsize=4)
def _load(user_dir: Path | None, signature: tuple[tuple[str, int, int], ...]) -> KnowledgeBase:
    return read_kb(user_dir=user_dir)


def load_kb(user_dir: Path | None = None) -> KnowledgeBase:
    """The bundled KB plus the user KB folder (`user_dir`, else `user_kb_dir()`); cached until it changes."""
    folder = user_dir if user_dir is not None else user_kb_dir()
    if folder is not None and not folder.is_dir():
        raise ClaimgraphError(Code.NOT_FOUND, f"user KB folder {folder} does not exist")
    if folder is None:
        return _load(None, ())
    folder = folder.resolve()
    return _load(folder, _signature(folder))
