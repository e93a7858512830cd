"""Exports of the claim graph in the formats the field's tools read, and our own lossless jsonl.

Each format is a `Format` in the registry (`export/registry.py`): a name, a file extension, a media
type and a `write(source, out)` function. The built-in formats register themselves the way a plugin
does (an entry point in the `claimgraph.export_formats` group naming a `Format`).
"""

from __future__ import annotations

from claimgraph.export.registry import Format, Source, formats, get_format, register

__all__ = ["Format", "Source", "formats", "get_format", "register"]
