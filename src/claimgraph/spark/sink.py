"""Storing extraction results in batches with `Store.add_documents`, and saying what became of each.

Used by the Spark workers that write the store themselves and by `claimgraph load`. Copy detection
does not run here: with several writers no one of them sees every new document, so it runs once,
on the driver, after the load (`analyse_new`), as `claimgraph stories` would.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from claimgraph.errors import Code
from claimgraph.ingest_run import IngestReport, Item, Progress
from claimgraph.model import Article, Extraction
from claimgraph.spark.records import (
    DOCUMENT,
    DUPLICATE,
    FAILED,
    Result,
    article_from_json,
    extraction_from_json,
)

if TYPE_CHECKING:
    from claimgraph.store import Store

log = logging.getLogger("claimgraph.spark")
COPIES_CHUNK = 1000  # documents per round of copy detection: their texts are held in memory meanwhile
# what a worker reports: one row per outcome count, one per skipped or failed item
NEW, SKIPPED = "new", "skipped"
REPORT_DDL = "kind string, n long, source string, doc string, code string, reason string"
REPORT_COLUMNS = [column.split()[0] for column in REPORT_DDL.split(", ")]


class Sink:
    """Documents go to the store in batches; the counts and items say what became of each."""

    def __init__(self, store: Store, batch_size: int, progress: Progress | None = None) -> None:
        self.store = store
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.batch: list[tuple[Result, Article, Extraction | None]] = []
        self.report = IngestReport(database=store.url)

    def _tell(self, outcome: str) -> None:
        if self.progress is not None:
            self.progress(outcome, 1)

    def fail(self, source: str, doc: str | None, reason: str, code: str | None) -> None:
        self.report.failed.append(Item(source, doc, reason, code))
        self._tell(FAILED)

    def add(self, row: Result) -> None:
        if row.kind == FAILED:
            self.fail(row.source, row.doc, row.reason or "", row.code)
        elif row.kind == DUPLICATE:
            self.report.duplicate += 1
            self._tell(DUPLICATE)
        elif row.kind == DOCUMENT:
            self._add_document(row)
        else:
            self.fail(row.source, row.doc, f"{Code.BAD_EXPORT.value} unknown row kind {row.kind!r}",
                      Code.BAD_EXPORT.value)

    def _add_document(self, row: Result) -> None:
        try:
            article = article_from_json(row.article or "")
            extraction = extraction_from_json(row.extraction) if row.extraction else None
        except (ValueError, TypeError, KeyError) as error:  # a damaged export: that row fails alone
            reason = f"{Code.BAD_EXPORT.value} unreadable document row: {type(error).__name__}: {error}"
            self.fail(row.source, row.doc, reason, Code.BAD_EXPORT.value)
            return
        if self.batch and self.batch[0][0].extractor_version != row.extractor_version:
            self.flush()  # a batch is stored under one extractor version
        self.batch.append((row, article, extraction))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        items = [(article, extraction, row.status or "ok") for row, article, extraction in batch]
        try:
            results = self.store.add_documents(items, extractor_version=batch[0][0].extractor_version)
        except Exception as error:  # noqa: BLE001 - report every document of the batch, go on
            results = [(f"failed: {type(error).__name__}: {error}", 0)] * len(batch)
        for (row, article, _extraction), (outcome, _id) in zip(batch, results, strict=True):
            self._count(row, article, outcome)

    def _count(self, row: Result, article: Article, outcome: str) -> None:
        """As ingest_run counts a stored batch: new, skipped (new without extraction), duplicate, failed."""
        status = row.status or "ok"
        if outcome == "new" and status.startswith("skipped: "):
            self.report.skipped.append(Item(row.source, article.doc_id, status.removeprefix("skipped: ")))
            self._tell(SKIPPED)
        elif outcome == "new":
            self.report.new += 1
            self._tell(NEW)
        elif outcome == "duplicate":
            self.report.duplicate += 1
            self._tell(DUPLICATE)
        else:
            reason = f"{Code.STORE_WRITE.value} could not store: {outcome.removeprefix('failed: ')}"
            self.fail(row.source, article.doc_id, reason, Code.STORE_WRITE.value)


# --- a worker's report, and the driver's sum of them ------------------------------------------------
def report_rows(report: IngestReport) -> list[dict[str, Any]]:
    """A worker's report as rows of REPORT_DDL: counts, then each skipped and failed item."""
    rows: list[dict[str, Any]] = [
        {"kind": NEW, "n": report.new, "source": None, "doc": None, "code": None, "reason": None},
        {"kind": DUPLICATE, "n": report.duplicate, "source": None, "doc": None, "code": None, "reason": None},
    ]
    for kind, items in ((SKIPPED, report.skipped), (FAILED, report.failed)):
        rows += [{"kind": kind, "n": 1, "source": item.source, "doc": item.doc, "code": item.code,
                  "reason": item.reason} for item in items]
    return rows


def add_rows(report: IngestReport, rows: Iterable[dict[str, Any]]) -> IngestReport:
    """Add the workers' report rows to the driver's report."""
    for row in rows:
        if row["kind"] == NEW:
            report.new += int(row["n"])
        elif row["kind"] == DUPLICATE:
            report.duplicate += int(row["n"])
        else:
            item = Item(row["source"], row["doc"], row["reason"] or "", row["code"])
            (report.skipped if row["kind"] == SKIPPED else report.failed).append(item)
    report.skipped.sort(key=lambda item: item.source)
    report.failed.sort(key=lambda item: item.source)
    return report


# --- after the load -----------------------------------------------------------------------------------
def analyse_new(store: Store) -> int:
    """Copy detection for the stored documents no run has analysed yet: what run_ingest does batch by
    batch, done once after a load. Never fails the ingest: `claimgraph stories` analyses what is left."""
    from claimgraph.analyse.copies import CopyDetector

    done = 0
    try:
        detector = CopyDetector(store)
        ids = detector.unanalysed()
        for start in range(0, len(ids), COPIES_CHUNK):
            done += detector.add(ids[start:start + COPIES_CHUNK])
    except Exception as error:  # noqa: BLE001
        logging.getLogger("claimgraph.copies").warning("copy detection stopped after %d documents: %s",
                                                       done, error)
    return done
