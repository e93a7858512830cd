"""When Spark pays: the same documents through one process, --workers 2, and Spark local[1] / local[2].

    .venv/bin/python bench/spark_scale.py [--docs 2000] [--db sqlite|POSTGRES_SERVER_URL] [--pg URL]
                                          [--skip-local]

A benchmark, not a test. The documents are the bundled corpus's English .txt files, cycled with a
per-copy dateline so every copy has its own hash (as bench/extract_speed.py builds them), written
as files into a temporary folder. Then:

  (1) local     claimgraph.ingest_run.run_ingest, the code of `claimgraph ingest`, one process,
                into a fresh SQLite file (the pipeline loaded beforehand, as Spark's is warm too)
  (2) local -w2 the same with --workers 2 (spaCy's n_process)
  (3) Spark local[1] and local[2]: `ingest --engine spark --output parquet:` (claimgraph.spark.job),
                each on a session started for it; a tiny run first starts the Python workers and loads
                the pipeline in them: the session start plus that run is the fixed start-up cost.
                With --db, also storing straight into a fresh store: `sqlite` (files here, one writer),
                or a PostgreSQL server URL (a database is created per run and dropped; every task writes)
  (4) load      `claimgraph load` of the local[2] Parquet into a fresh SQLite file

It prints docs/s of each, the speed-up of local[2] over local[1] (goal >= 1.7), the fixed start-up
cost, and a projection for a cluster: per-core throughput (local[1]) x cores x the parallel
efficiency measured at 2 cores, capped by the rate PostgreSQL takes a document's rows (its
document, entity, alias, mention and claim rows, built from the run's own extractions) by COPY into
a fresh claimgraph schema: measured when --pg names a server, else said to be unmeasured.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimgraph.extract.pipeline import Extractor
from claimgraph.ingest_run import run_ingest
from claimgraph.store import open_store
from extract_speed import CORPUS, Doc, build_docs, english_sources, write_folder

TINY = 4  # documents of the start-up run
GOAL_SPEEDUP = 1.7
PROJECTED_CORES = (8, 32, 128)


@dataclass
class Measure:
    name: str
    docs: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = run()
    return time.perf_counter() - started, value


def load_average() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def say(text: str) -> None:
    print(text, flush=True)


# --- (1), (2): the local engine ----------------------------------------------------------------------
def local_runs(folder: Path, root: Path, docs: int) -> list[Measure]:
    extractor = Extractor()
    found = []
    for workers in (1, 2):
        with open_store(str(root / f"local-{workers}.db")) as store:
            seconds, report = timed(lambda s=store, w=workers: run_ingest([str(folder)], s, extractor,
                                                                          workers=w))
        check(report.new == docs and not report.failed, f"local --workers {workers} stored {report.new}")
        found.append(Measure("local" if workers == 1 else "local --workers 2", docs, seconds))
        say(f"  {found[-1].name:<36}{seconds:8.1f} s  {found[-1].rate:7.1f} docs/s   (load {load_average()})")
    return found


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise SystemExit(f"benchmark run went wrong: {problem}")


# --- (3): Spark ---------------------------------------------------------------------------------------
def spark_runs(folder: Path, tiny: Path, root: Path, docs: int, db: str | None) -> list[Measure]:
    found = []
    for cores in (2, 1):  # local[2] first: its start-up is measured on a fresh JVM
        found += spark_master(f"local[{cores}]", folder, tiny, root, docs, db)
    return found


def spark_master(master: str, folder: Path, tiny: Path, root: Path, docs: int,
                 db: str | None) -> list[Measure]:
    from claimgraph.spark.job import Request, export_parquet
    from claimgraph.spark.session import start_session

    name = master.replace("[", "").replace("]", "")
    started, spark = timed(lambda: start_session(master))
    first, _ = timed(lambda: export_parquet(spark, Request((str(tiny),)), str(root / f"{name}-tiny")))
    note = f"session {started:.1f} s + first run {first:.1f} s "
    found = [Measure(f"{master} start-up", TINY, started + first, note)]
    output = str(root / f"{name}-parquet")
    seconds, report = timed(lambda: export_parquet(spark, Request((str(folder),)), output))
    check(report.documents == docs and not report.failed, f"{master} exported {report.documents}")
    found.append(Measure(f"{master} -> Parquet", docs, seconds))
    if db is not None:
        found.append(spark_to_store(spark, master, folder, docs, db, root))
    spark.stop()
    for measure in found:
        say(f"  {measure.name:<36}{measure.seconds:8.1f} s  {measure.rate:7.1f} docs/s   {measure.note}"
            f"(load {load_average()})")
    return found


def spark_to_store(spark: Any, master: str, folder: Path, docs: int, db: str, root: Path) -> Measure:
    from claimgraph.spark.command import is_sqlite
    from claimgraph.spark.job import Request, write_store

    url = fresh_store(db, root, master)
    try:
        with open_store(url) as store:
            seconds, report = timed(lambda: write_store(spark, Request((str(folder),)), url, store,
                                                        one_writer=is_sqlite(url)))
        check(report.new == docs and not report.failed, f"{master} stored {report.new}")
    finally:
        drop_store(db, url)
    kind = "SQLite, one writer" if is_sqlite(url) else "PostgreSQL, every task"
    return Measure(f"{master} -> {kind}", docs, seconds)


def fresh_store(db: str, root: Path, label: str) -> str:
    """A new SQLite file, or a new database on the PostgreSQL server `db` names."""
    name = "bench_" + "".join(char for char in label if char.isalnum())
    if db == "sqlite":
        return f"sqlite:///{root / name}.db"
    admin(db, f'CREATE DATABASE "{name}"')
    return db.rsplit("/", 1)[0] + "/" + name


def drop_store(db: str, url: str) -> None:
    if db != "sqlite":
        admin(db, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def admin(db: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(plain_url(db), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- (4): claimgraph load -------------------------------------------------------------------------------
def load_run(root: Path, docs: int) -> Measure:
    from claimgraph.spark.load import load_parquet

    with open_store(str(root / "loaded.db")) as store:
        seconds, report = timed(lambda: load_parquet(str(root / "local2-parquet"), store))
    check(report.new == docs, f"load stored {report.new}")
    measure = Measure("load Parquet -> SQLite", docs, seconds)
    say(f"  {measure.name:<36}{seconds:8.1f} s  {measure.rate:7.1f} docs/s   (load {load_average()})")
    return measure


# --- the ceiling: PostgreSQL COPY ------------------------------------------------------------------------
def copy_ceiling(pg: str, root: Path) -> tuple[float, str]:
    """Documents per second PostgreSQL takes by COPY: every row the store writes for them."""
    from claimgraph.store import rows

    docs = exported_docs(root / "local2-parquet")
    url = fresh_store(pg, root, "copy")
    try:
        open_store(url).close()  # the schema, with its indexes and constraints
        now = datetime.now(UTC)
        known, pending = rows.Pending(), rows.Pending()
        tables = {
            "entities": rows.entity_rows(docs, known, pending, now),
            "aliases": rows.alias_rows(docs, known, pending),
            "documents": [{"id": i, **rows.document_row(doc, f"copy-{i}", "bench", now)}
                          for i, doc in enumerate(docs, 1)],
            "mentions": [row for i, doc in enumerate(docs, 1) for row in rows.mention_rows(i, doc)],
            "claims": [row for i, doc in enumerate(docs, 1) for row in rows.claim_rows(i, doc, "bench")],
        }
        seconds = copy_all(url, tables)
    finally:
        drop_store(pg, url)
    n_rows = sum(len(values) for values in tables.values())
    return len(docs) / seconds, f"{n_rows:,} rows of {len(docs)} documents in {seconds:.2f} s"


def exported_docs(path: Path) -> list[Any]:
    from claimgraph.spark.load import iter_rows, parquet_files
    from claimgraph.spark.records import DOCUMENT, article_from_json, extraction_from_json
    from claimgraph.store.rows import Doc as StoreDoc

    fs, files = parquet_files(str(path))
    return [StoreDoc.of(article_from_json(row.article or ""), extraction_from_json(row.extraction or ""),
                        "ok") for row in iter_rows(fs, files) if row.kind == DOCUMENT]


def copy_all(url: str, tables: dict[str, list[dict[str, Any]]]) -> float:
    import psycopg

    with psycopg.connect(plain_url(url)) as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for table, values in tables.items():
                if not values:
                    continue
                names = list(values[0])
                statement = f"COPY {table} ({', '.join(names)}) FROM STDIN"
                with cursor.copy(statement) as copy:  # type: ignore[arg-type]
                    for value in values:
                        copy.write_row([value[name] for name in names])
        conn.commit()
        return time.perf_counter() - started


# --- the summary ---------------------------------------------------------------------------------------
def summary(measures: list[Measure], ceiling: tuple[float, str] | None) -> None:
    by_name = {measure.name: measure for measure in measures}
    one, two = by_name["local[1] -> Parquet"], by_name["local[2] -> Parquet"]
    speedup = two.rate / one.rate
    say("")
    verdict = "ok" if speedup >= GOAL_SPEEDUP else "UNDER"
    say(f"speed-up local[2] / local[1]   {speedup:.2f}  (goal >= {GOAL_SPEEDUP})  {verdict}")
    start = by_name["local[2] start-up"]
    say(f"fixed start-up cost (local[2]) {start.seconds:.1f} s: {start.note.strip()}, "
        f"the first on {TINY} documents")
    efficiency = speedup / 2
    say(f"per core (local[1])            {one.rate:.1f} docs/s; "
        f"parallel efficiency at 2 cores {efficiency:.2f}")
    if ceiling is None:
        say("PostgreSQL COPY ceiling        not measured (give --pg URL of a PostgreSQL server)")
    else:
        say(f"PostgreSQL COPY ceiling        {ceiling[0]:.0f} docs/s ({ceiling[1]})")
    say("projection: executor cores x per-core rate x efficiency, capped by the COPY ceiling")
    for cores in PROJECTED_CORES:
        raw = cores * one.rate * efficiency
        capped = min(raw, ceiling[0]) if ceiling else raw
        note = " (capped by PostgreSQL)" if ceiling and raw > ceiling[0] else ""
        say(f"  {cores:>4} cores  {capped:8.0f} docs/s{note}")
    if ceiling:
        say(f"  PostgreSQL's COPY rate is reached at about {ceiling[0] / (one.rate * efficiency):.0f} cores")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to build, default 2000")
    parser.add_argument("--db", default=None,
                        help="also store from Spark: 'sqlite', or a PostgreSQL server URL (databases are "
                             "created and dropped there)")
    parser.add_argument("--pg", default=None, help="a PostgreSQL server URL to measure the COPY ceiling on")
    parser.add_argument("--skip-local", action="store_true", help="only the Spark runs (and the load)")
    args = parser.parse_args()

    say("$ " + shlex.join([sys.executable, *sys.argv]))
    say(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, python {platform.python_version()}, {os.cpu_count()} cores "
        f"(so local[2] is the whole machine), load average {load_average()}")
    docs = build_docs(english_sources(CORPUS), args.docs)
    with tempfile.TemporaryDirectory(prefix="claimgraph-spark-bench-") as tmp:
        root = Path(tmp)
        folder = write_folder(docs, root / "corpus")
        tiny = write_folder([Doc(f"tiny-{d.name}", d.text) for d in docs[:TINY]], root / "tiny")
        words = sum(len(doc.text.split()) for doc in docs)
        say(f"{len(docs)} documents, {words:,} words\n")
        measures = [] if args.skip_local else local_runs(folder, root, len(docs))
        measures += spark_runs(folder, tiny, root, len(docs), args.db)
        measures.append(load_run(root, len(docs)))
        ceiling = copy_ceiling(args.pg, root) if args.pg else None
    summary(measures, ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
