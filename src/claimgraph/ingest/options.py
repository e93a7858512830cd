"""The limits one ingest run works under, passed down to every reader."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    allow_private: bool = False  # fetch from private, loopback and link-local addresses too
    max_bytes: int = 10_000_000  # per file, per HTTP body, per JSONL line
    timeout: float = 20.0  # seconds for one URL, redirects included
    max_redirects: int = 5
