"""The inputs of a Spark ingest: paths and Hadoop URIs checked on the driver, and the files Spark lists
under them traced back to the input they came from.

Local paths keep the names a normal ingest gives their files ("corpus/a.txt", not
"file:/home/me/corpus/a.txt"), so the same input stores the same sources either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimgraph.errors import Code
from claimgraph.ingest.files import not_found_reason, unsupported_reason
from claimgraph.ingest_run import Item
from claimgraph.spark.units import kind_of

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

GLOB_CHARACTERS = frozenset("*?[{")


@dataclass(frozen=True)
class Input:
    number: int
    uri: str  # qualified, as Spark names the files under it: "file:/data/news", "hdfs://nn:8020/crawl"
    display: str  # what a normal ingest calls it: "news" for a local path, the URI itself otherwise
    folder: bool


class Locator:
    """Which input a file Spark listed belongs to, and its path inside that input."""

    def __init__(self, inputs: list[Input]) -> None:
        self.by_uri: dict[str, Input] = {}
        for item in inputs:
            self.by_uri.setdefault(item.uri.rstrip("/"), item)

    def locate(self, path: str) -> tuple[Input, str] | None:
        candidate = path
        while candidate:
            found = self.by_uri.get(candidate)
            if found is not None:
                return found, path[len(candidate):].lstrip("/")
            candidate = candidate[:max(candidate.rfind("/"), 0)]
        return None

    def source(self, path: str) -> tuple[int, str, str]:
        """(input number, source as a normal ingest names it, sort key of the path inside the input)."""
        found = self.locate(path)
        if found is None:  # not under any input: cannot happen, but a name is better than a crash
            return len(self.by_uri), path, path
        item, inside = found
        # "\0" sorts before every character a name can hold: "a/b" before "a-c", as a folder walk goes
        return item.number, f"{item.display}/{inside}" if inside else item.display, inside.replace("/", "\0")


def list_inputs(spark: SparkSession, names: list[str]) -> tuple[list[Input], list[Item]]:
    """The inputs Spark can read, and a failure for each it cannot (missing, unsupported file)."""
    found: list[Input] = []
    failed: list[Item] = []
    for number, name in enumerate(names):
        try:
            expanded = _expand(spark, name)
        except Exception as error:  # noqa: BLE001 - e.g. no FileSystem for the scheme: that input fails
            reason = f"{Code.NOT_FOUND.value} cannot read: {_first_line(error)}"
            failed.append(Item(name, None, reason, Code.NOT_FOUND.value))
            continue
        if not expanded:
            reason = f"{Code.NOT_FOUND.value} {not_found_reason(name)}"
            failed.append(Item(name, None, reason, Code.NOT_FOUND.value))
        for uri, folder in expanded:
            display = _display(name, uri, is_glob(name))
            if not folder and kind_of(uri) is None:
                reason = f"{Code.UNSUPPORTED_FILE.value} {unsupported_reason(Path(uri))}"
                failed.append(Item(display, None, reason, Code.UNSUPPORTED_FILE.value))
            else:
                found.append(Input(number, uri, display, folder))
    return found, failed


def _expand(spark: SparkSession, name: str) -> list[tuple[str, bool]]:
    """(qualified URI, is a folder) of what the name points to: none, one, or a glob's matches."""
    jvm: Any = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(_uri(name))
    fs = path.getFileSystem(conf)
    if is_glob(name):
        statuses = fs.globStatus(path) or []
    else:
        statuses = [fs.getFileStatus(path)] if fs.exists(path) else []
    return [(fs.makeQualified(status.getPath()).toString(), bool(status.isDirectory()))
            for status in statuses]


def is_glob(name: str) -> bool:
    return bool(GLOB_CHARACTERS & set(name))


def _uri(name: str) -> str:
    """Local paths as absolute file: URIs; URIs (hdfs://, s3a://, file:/...) as they are."""
    if "://" in name or name.startswith("file:"):
        return name
    return "file://" + os.path.abspath(os.path.expanduser(name))


def _display(name: str, uri: str, glob: bool) -> str:
    """The name a normal ingest gives an input: a local path as typed (normalised as pathlib does),
    a local glob's matches as absolute paths, anything else as Spark names it."""
    if "://" in name or name.startswith("file:"):
        return uri
    if glob:
        return uri.removeprefix("file:")
    return str(Path(name))


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
