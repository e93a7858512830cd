"""Check knowledge-base entries against the schema written as data in `data/kb/schema.yaml`.

`validate(entry, where)` raises E303 with the file, line, entry id and key of the first violation, so a
hand-edited or imported KB file is refused with a message that says what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from claimgraph.errors import ClaimgraphError, Code

SCHEMA_FILE = "schema.yaml"
OVERLAY_KEY = "extends"
_TYPE_NAMES = {"str": (str,), "list": (list,), "map": (dict,)}
_SHOWN = 60  # characters of a wrong value quoted in a message


@dataclass(frozen=True)
class Schema:
    entry: dict[str, Any]
    overlay: dict[str, Any]
    types: tuple[str, ...]
    patterns: dict[str, str]


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    text = resources.files("claimgraph.data.kb").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return Schema(entry=data["entry"], overlay=data["overlay"], types=tuple(data["types"]),
                  patterns=dict(data["patterns"]))


def _show(value: Any) -> str:
    if value is None:
        return "null (an empty value)"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean (quote it: YAML reads a bare yes/no/on/off as true/false)"
    if isinstance(value, dt.date):
        return "a date (quote it)"
    if isinstance(value, int | float):
        return "a number (quote it)"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _problems(value: Any, spec: dict[str, Any], path: str, entry_type: Any) -> str | None:
    """The first violation of `spec` by `value` at `path`, or None."""
    wanted = spec.get("type", "str")
    doc = f" ({spec['doc']})" if spec.get("doc") else ""
    if not isinstance(value, _TYPE_NAMES[wanted]):
        article = {"str": "a string", "list": "a list", "map": "a mapping"}[wanted]
        return f"{path} must be {article}{doc}, got {_kind(value)}: {_show(value)}"
    only = spec.get("only_types")
    if only and entry_type not in only:
        return f"{path} is allowed only on entries of type {', '.join(only)}, not {entry_type}"
    if spec.get("nonempty") and not (value.strip() if isinstance(value, str) else value):
        what = "an empty string" if isinstance(value, str) else "empty"
        return f"{path} is {what}; leave the key out instead"
    if isinstance(value, str):
        return _string_problem(value, spec, path, doc)
    if isinstance(value, list):
        return _list_problem(value, spec, path, entry_type)
    return _map_problem(value, spec, path, entry_type)


def _string_problem(value: str, spec: dict[str, Any], path: str, doc: str) -> str | None:
    if "enum" in spec and value not in spec["enum"]:
        return f"{path} {_show(value)} is not one of {', '.join(spec['enum'])}"
    if "pattern" in spec and not re.fullmatch(spec["pattern"], value):
        return f"{path} {_show(value)} does not match {spec['pattern']}{doc}"
    if spec.get("format") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{path} {_show(value)} is not a calendar date (YYYY-MM-DD)"
    return None


def _list_problem(value: list[Any], spec: dict[str, Any], path: str, entry_type: Any) -> str | None:
    item_spec = spec.get("items")
    seen: set[Any] = set()
    for i, item in enumerate(value):
        if item_spec is not None:
            problem = _problems(item, item_spec, f"{path}[{i}]", entry_type)
            if problem:
                return problem
        if spec.get("unique"):
            key = repr(item)
            if key in seen:
                return f"{path} lists {_show(item)} twice"
            seen.add(key)
    return None


def _map_problem(value: dict[Any, Any], spec: dict[str, Any], path: str, entry_type: Any) -> str | None:
    keys: dict[str, Any] = spec.get("keys") or {}
    prefix = f"{path}." if path else ""
    missing = [k for k in spec.get("required") or [] if k not in value]
    if missing:
        return f"{path or 'entry'} lacks required key{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    for key, item in value.items():
        if key not in keys:
            return (f"{prefix}{key} is not an allowed key{' of ' + path if path else ''} "
                    f"(allowed: {', '.join(keys)})")
        problem = _problems(item, keys[key], f"{prefix}{key}", entry_type)
        if problem:
            return problem
    return None


def validate(entry: Any, where: str) -> None:
    """Raise E303 naming `where` (file:line) when `entry` breaks the schema; an overlay has `extends`."""
    schema = load_schema()
    if not isinstance(entry, dict):
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: an entry must be a mapping of keys, "
                                               f"got {_kind(entry)}: {_show(entry)}")
    overlay = OVERLAY_KEY in entry
    spec = schema.overlay if overlay else schema.entry
    label = entry.get("extends" if overlay else "id")
    name = (f"overlay of {label}" if overlay else f"entry {label}") if isinstance(label, str) else "entry"
    problem = _map_problem(entry, {"type": "map", **spec}, "", entry.get("type"))
    if problem:
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: {name}: {problem}")
