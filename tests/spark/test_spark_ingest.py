"""`ingest --engine spark` on a real local[2] Spark with the real spaCy pipeline: whatever the output
(Parquet and `claimgraph load`, SQLite through one writer, PostgreSQL from every task), the store ends
up holding what a normal `claimgraph ingest` of the same inputs stores, and a second run adds nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from spark_corpus import outcome, snapshot

from claimgraph.cli import cli
from claimgraph.spark.command import SparkIngest, run
from claimgraph.spark.job import Request, write_store
from claimgraph.spark.worker import extractor_for, loads
from claimgraph.store import open_store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

FIRST, SECOND = "01-quds-wire", "04-quds-wire-again"  # the same text in two files


def run_json(spark: SparkSession, capsys: pytest.CaptureFixture[str],
             options: SparkIngest) -> tuple[int, Any]:
    code = run(options, as_json=True, spark=spark)
    return code, json.loads(capsys.readouterr().out)


def stored(db: str) -> dict[str, Any]:
    with open_store(db) as store:
        return snapshot(store)


def test_parquet_export_then_load_stores_what_a_local_ingest_stores(
        spark: SparkSession, capsys: pytest.CaptureFixture[str], inputs: tuple[str, ...],
        reference: dict[str, Any], tmp_path: Path) -> None:
    code, exported = run_json(spark, capsys, SparkIngest(inputs, output=f"parquet:{tmp_path / 'export'}"))
    assert code == 1  # some inputs failed, as in the local ingest
    expected = outcome(reference["report"])
    # the second copy of a text is exported too: only the store tells a duplicate
    assert exported["documents"] == expected["new"] + expected["duplicate"]
    assert sorted((item["source"], item["reason"]) for item in exported["skipped"]) == expected["skipped"]
    assert sorted((item["source"], item["code"]) for item in exported["failed"]) == expected["failed"]

    db = str(tmp_path / "loaded.db")
    loaded = CliRunner().invoke(cli, ["load", str(tmp_path / "export"), "--db", db, "--json"])
    assert loaded.exit_code == 1, loaded.output  # the export keeps the failures: the load reports them
    assert outcome(json.loads(loaded.output)) == expected
    assert stored(db) == reference["store"]

    again = CliRunner().invoke(cli, ["load", str(tmp_path / "export"), "--db", db, "--json"])
    assert json.loads(again.output)["new"] == 0
    assert stored(db) == reference["store"]


def test_sqlite_store_through_one_writer(spark: SparkSession, capsys: pytest.CaptureFixture[str],
                                         inputs: tuple[str, ...], reference: dict[str, Any],
                                         tmp_path: Path) -> None:
    db = str(tmp_path / "spark.db")
    code, report = run_json(spark, capsys, SparkIngest(inputs, db=db, batch_size=3))
    assert code == 1
    assert outcome(report) == outcome(reference["report"])
    assert report["store"] == reference["report"]["store"]
    assert stored(db) == reference["store"]

    # a re-run finds every text stored already: it parses nothing and stores nothing
    _code, again = run_json(spark, capsys, SparkIngest(inputs, db=db))
    assert again["new"] == 0 and again["skipped"] == []
    expected = reference["report"]
    assert again["duplicate"] == expected["new"] + expected["duplicate"] + len(expected["skipped"])
    assert stored(db) == reference["store"]


def as_first(found: dict[str, Any]) -> dict[str, Any]:
    """With writers in parallel, either of two identical texts may be stored first (and the other
    reported duplicate): name the one stored as the first of the two."""
    def rename(value: Any) -> Any:
        if isinstance(value, tuple | set):
            return type(value)(rename(item) for item in value)
        return value.replace(SECOND, FIRST) if isinstance(value, str) else value

    return {name: rename(value) for name, value in found.items()}


@pytest.mark.postgresql
def test_postgresql_written_by_every_task(spark: SparkSession, inputs: tuple[str, ...],
                                          reference: dict[str, Any], db: str) -> None:
    with open_store(db) as store:
        report = write_store(spark, Request(inputs, batch_size=2), db, store)
        assert outcome(report.to_json()) == outcome(reference["report"])
        assert as_first(snapshot(store)) == as_first(reference["store"])
        again = write_store(spark, Request(inputs, known_db=db), db, store)
        assert again.new == 0 and store.counts() == reference["report"]["store"]


def test_the_pipeline_is_loaded_once_per_python_worker(spark: SparkSession) -> None:
    def load_and_tell(frames: Any) -> Any:
        import os

        import pandas as pd

        for _frame in frames:
            extractor_for(None)
            yield pd.DataFrame({"pid": [os.getpid()], "loads": [len(loads())]})

    # 6 tasks on 2 cores: each worker runs several (and those of the other tests' jobs, if they ran)
    seen = spark.range(6, numPartitions=6).mapInPandas(load_and_tell, "pid long, loads long").collect()
    assert {row["loads"] for row in seen} == {1}
    assert 1 <= len({row["pid"] for row in seen}) <= 2
