"""The rows the Spark engine passes around and exports: units of input, and extraction results.

Articles and Extractions travel as JSON strings: Spark and Parquet need no schema of the model's
nested lists, and the reader gets back the very dataclasses a normal ingest hands to the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import orjson

from claimgraph import EXTRACTOR_VERSION
from claimgraph.model import Article, Claim, Entity, Extraction, Mention

# Parquet written by one version of this layout is loaded only by code that knows that version
EXPORT_FORMAT = 1
DOCUMENT, DUPLICATE, FAILED = "document", "duplicate", "failed"


@dataclass
class Unit:
    """A piece of input one worker turns into articles: a whole file, a JSON line, a WARC record."""

    input_no: int  # which input (command-line argument) it came from
    path_key: str  # the file's path inside that input, "/" as "\0": sorts as a folder walk does
    position: int  # line number, record number; 0 for a whole file
    kind: str  # text, html, xml, feed (as ingest.files.KINDS), jsonl, warc, or failure
    source: str  # as a normal ingest names it: "dir/a.txt", "dir/b.jsonl:3", "c.warc.gz#1234"
    payload: bytes | None = None
    meta: str | None = None  # JSON: a WARC page's fields; a failure's code and reason


@dataclass
class Result:
    """What became of one item: a document to store, a text the store holds already, a failure."""

    input_no: int
    path_key: str
    position: int
    kind: str  # DOCUMENT, DUPLICATE or FAILED
    source: str
    doc: str | None = None
    code: str | None = None  # of a failure: "E304"
    reason: str | None = None  # of a failure: "E304 extraction failed: ..."
    status: str | None = None  # of a document: "ok" or "skipped: language es not supported yet"
    article: str | None = None  # JSON of the Article
    extraction: str | None = None  # JSON of the Extraction; None for skipped documents
    extractor_version: str = EXTRACTOR_VERSION
    export_format: int = EXPORT_FORMAT

    @classmethod
    def of(cls, unit: Unit, kind: str, source: str, **values: Any) -> Result:
        return cls(unit.input_no, unit.path_key, unit.position, kind, source, **values)


def _spark_type(name: str) -> str:
    return {"int": "long", "str": "string", "bytes": "binary"}[name.split(" ")[0]]


def ddl(cls: type) -> str:
    """A Spark DDL schema ("input_no long, path_key string, ...") of one of these dataclasses."""
    return ", ".join(f"{field.name} {_spark_type(str(field.type))}" for field in fields(cls))


def columns(cls: type) -> list[str]:
    return [field.name for field in fields(cls)]


# --- the model as JSON ---------------------------------------------------------------------------
def dumps(value: Article | Extraction) -> str:
    return orjson.dumps(asdict(value)).decode("utf-8")


def article_from_json(text: str) -> Article:
    return Article(**orjson.loads(text))


def extraction_from_json(text: str) -> Extraction:
    data = orjson.loads(text)
    return Extraction(
        data["doc_id"],
        [Entity(**entity) for entity in data["entities"]],
        [Claim(**claim) for claim in data["claims"]],
        [Mention(**mention) for mention in data["mentions"]],
    )
