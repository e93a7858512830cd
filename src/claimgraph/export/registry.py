"""The export formats by name. Built-in formats and plugins register the same way: a `Format` given
to `register()`, or named by an entry point of the `claimgraph.export_formats` group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, BinaryIO

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export.selection import Filters, Selection, select_graph

if TYPE_CHECKING:
    from claimgraph.store import Store

ENTRY_POINTS = "claimgraph.export_formats"
# the modules of the built-in formats, each with a FORMAT (or FORMATS) to register
BUILT_IN = ("claimgraph.export.stix", "claimgraph.export.ftm", "claimgraph.export.graphs",
            "claimgraph.export.tables", "claimgraph.export.jsonl")


@dataclass
class Source:
    """What a format writes from: the store and the filters; the selection is read once, when a
    format first asks for it."""

    store: Store
    filters: Filters = field(default_factory=Filters)

    @cached_property
    def selection(self) -> Selection:
        return select_graph(self.store, self.filters)


@dataclass(frozen=True)
class Format:
    name: str
    extension: str  # of the file it writes, with its dot: ".stix.json"
    media_type: str
    description: str
    write: Callable[[Source, BinaryIO], None]
    label: str = ""  # as the web UI names it ("STIX 2.1"); the name upper-cased when empty

    @property
    def title(self) -> str:
        return self.label or self.name.upper()


_formats: dict[str, Format] = {}
_loaded = False


def register(fmt: Format) -> Format:
    _formats[fmt.name] = fmt
    return fmt


def formats() -> dict[str, Format]:
    """Every registered format by name, built-in ones first."""
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILT_IN:
            found = import_module(module)
            for fmt in getattr(found, "FORMATS", [getattr(found, "FORMAT", None)]):
                if fmt is not None:
                    register(fmt)
        for point in entry_points(group=ENTRY_POINTS):
            register(point.load())
    return dict(_formats)


def get_format(name: str) -> Format:
    found = formats()
    if name not in found:
        raise ClaimgraphError(Code.BAD_OPTION, f"no export format is called {name!r} "
                                               f"(there are {', '.join(found)})")
    return found[name]
