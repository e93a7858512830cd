"""`claimgraph load`: Parquet written by `ingest --engine spark --output parquet:PATH` into a store.

Read with pyarrow, part file by part file in name order (the order Spark wrote them in: input
order), a batch of rows at a time, so a load holds one batch in memory whatever the export's size.
Documents go through `Store.add_documents` as in any ingest; copy detection runs after the load.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ingest_run import IngestReport, Progress
from claimgraph.spark.records import EXPORT_FORMAT, Result, columns
from claimgraph.spark.sink import Sink, analyse_new

if TYPE_CHECKING:
    from pyarrow.fs import FileSystem

    from claimgraph.store import Store

READ_ROWS = 1000  # rows per pyarrow batch; the store's own batches are --batch-size
RESULT_COLUMNS = columns(Result)


def load_parquet(path: str, store: Store, *, batch_size: int = 200,
                 progress: Progress | None = None) -> IngestReport:
    """Store every row of the export at `path` (a folder of part files, one file, or a URI)."""
    started = time.perf_counter()
    fs, files = parquet_files(path)
    sink = Sink(store, batch_size, progress)
    for row in iter_rows(fs, files):
        sink.add(row)
    sink.flush()
    analyse_new(store)
    report = sink.report
    report.seconds = time.perf_counter() - started
    report.store = store.counts()
    return report


def parquet_files(path: str) -> tuple[FileSystem, list[str]]:
    """The part files of an export, in name order; BAD_EXPORT when there are none."""
    from pyarrow import fs as pafs

    try:
        filesystem, root = pafs.FileSystem.from_uri(path) if "://" in path else (pafs.LocalFileSystem(), path)
        info = filesystem.get_file_info(root)
        if info.type == pafs.FileType.File:
            return filesystem, [root]
        if info.type != pafs.FileType.Directory:
            raise ClaimgraphError(Code.BAD_EXPORT, f"{path}: no such file or folder")
        found = filesystem.get_file_info(pafs.FileSelector(root, recursive=True))
    except (OSError, ValueError) as error:  # pyarrow's errors: ArrowInvalid is a ValueError
        raise ClaimgraphError(Code.BAD_EXPORT, f"{path}: cannot list: {error}") from error
    # Spark leaves _SUCCESS and .crc files beside the part files
    files = sorted(item.path for item in found
                   if item.type == pafs.FileType.File and not item.base_name.startswith(("_", "."))
                   and item.base_name.endswith(".parquet"))
    if not files:
        raise ClaimgraphError(Code.BAD_EXPORT, f"{path} holds no .parquet files; "
                              "write them with `claimgraph ingest --engine spark --output parquet:PATH`")
    return filesystem, files


def iter_rows(filesystem: FileSystem, files: list[str]) -> Iterator[Result]:
    """Every row of the files, checked to be of this export format."""
    import pyarrow.parquet as pq

    for name in files:
        try:
            parquet = pq.ParquetFile(filesystem.open_input_file(name))
        except (OSError, ValueError) as error:
            raise ClaimgraphError(Code.BAD_EXPORT, f"{name} is not Parquet: {error}") from error
        missing = sorted(set(RESULT_COLUMNS) - set(parquet.schema_arrow.names))
        if missing:
            raise ClaimgraphError(Code.BAD_EXPORT, f"{name} is not a claimgraph export "
                                  f"(no column {', '.join(missing)})")
        for batch in parquet.iter_batches(batch_size=READ_ROWS, columns=RESULT_COLUMNS):
            yield from (_result(name, values) for values in batch.to_pylist())


def _result(name: str, values: dict[str, Any]) -> Result:
    if values["export_format"] != EXPORT_FORMAT:
        raise ClaimgraphError(Code.BAD_EXPORT, f"{name} is export format {values['export_format']}; this "
                              f"claimgraph loads format {EXPORT_FORMAT}: export again with this version")
    return Result(**values)
