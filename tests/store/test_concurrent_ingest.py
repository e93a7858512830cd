"""Four ingest processes writing the same texts at once, in different orders, into one database of
each backend (PostgreSQL; SQLite in WAL mode with its busy timeout): each document is stored once,
no claim is lost or doubled, no process fails or hangs. The entities and aliases every text shares
are written by all four at once, so their upserts meet on the same keys."""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path
from typing import Any

import pytest
from concurrent_ingest import CLAIMS_PER_TEXT, NAMES, TEXTS, ingest, write_texts

from backends import raw

PROCESSES = 4
DEADLINE = 180.0  # seconds for the whole race: far more than it takes; a deadlock would wait forever


def _race(db: str, orders: list[list[str]]) -> tuple[list[dict[str, Any]], float]:
    """Run one ingest process per order, released together; their reports and the wall time."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(orders))
    results = context.Queue()
    processes = [context.Process(target=ingest, args=(db, order, barrier, results)) for order in orders]
    started = time.perf_counter()
    for process in processes:
        process.start()
    reports: list[dict[str, Any]] = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=max(1.0, DEADLINE - (time.perf_counter() - started))))
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * len(processes)
    return reports, time.perf_counter() - started


def test_four_processes_ingesting_the_same_texts_store_each_once(
    db: str, backend: str, tmp_path: Path
) -> None:
    paths = write_texts(tmp_path / "texts")
    orders = [random.Random(seed).sample(paths, len(paths)) for seed in range(PROCESSES)]
    reports, _seconds = _race(db, orders)
    assert [report["failed"] for report in reports] == [[]] * PROCESSES
    assert [report["skipped"] for report in reports] == [[]] * PROCESSES
    # writers that meet wait for each other (or, rarely, run a transaction again): no batch failed
    assert [report["fallbacks"] for report in reports] == [[]] * PROCESSES
    # every text was stored by exactly one process; the other three found it stored
    assert sum(report["new"] for report in reports) == TEXTS
    assert sum(report["new"] + report["duplicate"] for report in reports) == TEXTS * PROCESSES
    assert raw(db, "SELECT count(*), count(DISTINCT hash), count(DISTINCT doc_key) FROM documents") == [
        (TEXTS, TEXTS, TEXTS)]
    # every claim once, in its document; the shared entities and aliases once each
    per_document = raw(db, "SELECT document_id, count(*) FROM claims GROUP BY document_id")
    assert len(per_document) == TEXTS and {n for _, n in per_document} == {CLAIMS_PER_TEXT}
    assert raw(db, "SELECT count(*) FROM mentions") == [(TEXTS * 4,)]
    assert raw(db, "SELECT count(*) FROM entities") == [(len(NAMES),)]
    assert raw(db, "SELECT count(*) FROM aliases") == [(len(NAMES),)]
    # and every document went into the copy analysis by the process that stored it
    assert raw(db, "SELECT count(*) FROM document_copies") == [(TEXTS,)]


@pytest.mark.sqlite_only
def test_the_sqlite_race_ran_in_wal_mode(db: str) -> None:
    assert raw(db, "PRAGMA journal_mode") == [("wal",)]
