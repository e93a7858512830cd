"""The Spark plan of an ingest: inputs -> files -> units in input order -> extraction -> a store or Parquet.

For Parquet, units are range-partitioned by (input, path inside it, position) before anything is
parsed, so the partitions hold the inputs in the order a normal ingest reads them and the part files
list the documents in that order: `claimgraph load` then stores them in that order (and with the
same keys when two files share a name) as `claimgraph ingest` would. The sample Spark takes to
choose the ranges reads the files once more, but parses nothing. Into a store, units are hash
partitioned (no sample): one SQLite writer gets the results sorted back into input order, while
PostgreSQL's many writers store in whatever order their tasks run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ingest.files import KINDS
from claimgraph.ingest_run import IngestReport, Item
from claimgraph.spark.listing import list_inputs
from claimgraph.spark.records import DOCUMENT, DUPLICATE, FAILED, Result, Unit, ddl
from claimgraph.spark.session import partitions
from claimgraph.spark.sink import REPORT_DDL, add_rows, analyse_new
from claimgraph.spark.worker import Settings, explode_frames, extract_frames, store_frames, write_frames

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from claimgraph.store import Store

ORDER = ("input_no", "path_key", "position")
REASON_CHARS = 400


@dataclass(frozen=True)
class Request:
    """What to ingest and how; the same whatever the output."""

    inputs: tuple[str, ...]
    model: str | None = None
    max_bytes: int = 10_000_000
    allow_private: bool = False
    batch_size: int = 200
    known_db: str | None = None  # texts this store holds already are reported duplicate, not parsed


@dataclass
class ExportReport:
    """What `--output parquet:PATH` wrote: rows for `claimgraph load`."""

    path: str
    documents: int = 0  # to be stored with their extraction
    duplicate: int = 0  # already in the store given with --db
    skipped: list[Item] = field(default_factory=list)  # to be stored without extraction
    failed: list[Item] = field(default_factory=list)  # exported as failures, for `load` to report
    seconds: float = 0.0

    @property
    def handled(self) -> int:
        return self.documents + self.duplicate + len(self.skipped) + len(self.failed)

    def to_json(self) -> dict[str, Any]:
        return {"output": self.path, "inputs": self.handled, "documents": self.documents,
                "duplicate": self.duplicate, "skipped": [item.to_json() for item in self.skipped],
                "failed": [item.to_json() for item in self.failed], "seconds": round(self.seconds, 3)}


# --- the plan ----------------------------------------------------------------------------------------
def name_glob() -> str:
    """A Hadoop glob for the file names ingest reads, any case: "*.{[tT][xX][tT],...}"."""
    suffixes = sorted({suffix.rsplit(".", 1)[1] for suffix in KINDS})  # ".warc.gz" -> "gz"; checked later
    either = ["".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in s) for s in suffixes]
    return "*.{" + ",".join(either) + "}"


def units(spark: SparkSession, settings: Settings, *, ordered: bool = True) -> DataFrame:
    """Every unit of the inputs, sorted in input order within partitions, and across them if `ordered`
    (range partitions, whose bounds Spark finds by reading a sample first); else hash partitions."""
    uris = list(dict.fromkeys(item.uri for item in settings.inputs))
    files = (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
             .option("pathGlobFilter", name_glob()).load(uris).select("path", "content"))
    cut = files.mapInPandas(partial(explode_frames, settings=settings), ddl(Unit))
    parts = partitions(spark)
    spread = cut.repartitionByRange(parts, *ORDER) if ordered else cut.repartition(parts, *ORDER)
    return spread.sortWithinPartitions(*ORDER)


def settings_for(spark: SparkSession, request: Request, db: str | None = None) -> tuple[Settings, list[Item]]:
    """The workers' settings for a new run, and the inputs that cannot be read."""
    inputs, failed = list_inputs(spark, list(request.inputs))
    settings = Settings(job=uuid.uuid4().hex, inputs=tuple(inputs), model=request.model,
                        max_bytes=request.max_bytes, allow_private=request.allow_private,
                        known_db=request.known_db, db=db, batch_size=request.batch_size)
    return settings, failed


@contextmanager
def spark_errors(what: str) -> Iterator[None]:
    """Spark's failures (a Java or Python exception in a task, a path that exists) as SPARK_FAILED."""
    try:
        yield
    except ClaimgraphError:
        raise
    except Exception as error:
        raise ClaimgraphError(Code.SPARK_FAILED, f"{what}: {spark_reason(error)}") from error


def spark_reason(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("An error occurred while calling")]
    if not lines:
        return type(error).__name__
    # a Python worker's exception comes with its traceback: the last line says what happened
    reason = lines[-1] if type(error).__name__ == "PythonException" else lines[0]
    return reason[:REASON_CHARS]


# --- outputs -----------------------------------------------------------------------------------------
def write_parquet(spark: SparkSession, request: Request, path: str) -> None:
    """Extract into Parquet at `path` (which must not exist), with a row for each input that could not
    be read: `claimgraph load` reports every failure `claimgraph ingest` would."""
    settings, failed = settings_for(spark, request)
    rows = [asdict(Result(0, "", 0, FAILED, item.source, code=item.code, reason=item.reason))
            for item in failed]
    results = spark.createDataFrame(rows, ddl(Result))
    if settings.inputs:
        extracted = units(spark, settings).mapInPandas(partial(extract_frames, settings=settings),
                                                                ddl(Result))
        results = extracted.unionByName(results) if rows else extracted
    with spark_errors(f"writing {path}"):
        results.write.mode("errorifexists").parquet(path)


def export_parquet(spark: SparkSession, request: Request, path: str) -> ExportReport:
    """`--output parquet:PATH`: write, then count what was written."""
    started = time.perf_counter()
    write_parquet(spark, request, path)
    report = ExportReport(path)
    _count_export(report, spark.read.parquet(path))
    report.seconds = time.perf_counter() - started
    return report


def _count_export(report: ExportReport, written: DataFrame) -> None:
    """Counts by kind, and the skipped and failed items themselves, in one pass over the export."""
    from pyspark.sql import functions as F  # noqa: N812 - the name PySpark's own docs use

    skipped = F.coalesce(F.col("status").startswith("skipped: "), F.lit(False))
    listed = F.when((F.col("kind") == FAILED) | skipped,  # collect_list drops the other rows' nulls
                    F.struct("source", "doc", "code", "reason", "status"))
    with spark_errors(f"reading {report.path}"):
        groups = written.groupBy("kind", skipped.alias("skipped")).agg(
            F.count(F.lit(1)).alias("n"), F.collect_list(listed).alias("items")).collect()
    for group in groups:
        if group["kind"] == DOCUMENT and not group["skipped"]:
            report.documents += group["n"]
        elif group["kind"] == DUPLICATE:
            report.duplicate += group["n"]
        for row in group["items"]:
            if group["kind"] == FAILED:
                report.failed.append(Item(row["source"], row["doc"], row["reason"] or "", row["code"]))
            else:
                reason = row["status"].removeprefix("skipped: ")
                report.skipped.append(Item(row["source"], row["doc"], reason))
    report.failed.sort(key=lambda item: item.source)
    report.skipped.sort(key=lambda item: item.source)


def write_store(spark: SparkSession, request: Request, db: str, store: Store, *,
                one_writer: bool = False) -> IngestReport:
    """Spark's tasks store the documents into `db` (the URL of `store`); copy detection runs here after.

    Every extracting task writes its own documents, unless `one_writer`: then the results are
    gathered, in input order, into one task that writes them all (SQLite takes one writer at a time).
    """
    started = time.perf_counter()
    settings, failed = settings_for(spark, request, db=db)
    report = IngestReport(database=store.url, failed=failed)
    if settings.inputs:
        frame = units(spark, settings, ordered=False)  # one writer sorts the results; many write in any order
        if one_writer:
            results = frame.mapInPandas(partial(extract_frames, settings=settings), ddl(Result))
            # one range needs no sample (no second extraction): it sorts the results into one task
            gathered = results.repartitionByRange(1, *ORDER).sortWithinPartitions(*ORDER)
            written = gathered.mapInPandas(partial(store_frames, settings=settings), REPORT_DDL)
        else:
            written = frame.mapInPandas(partial(write_frames, settings=settings), REPORT_DDL)
        with spark_errors(f"storing into {store.url}"):
            rows = written.collect()
        add_rows(report, (row.asDict() for row in rows))
    analyse_new(store)
    report.seconds = time.perf_counter() - started
    report.store = store.counts()
    return report
