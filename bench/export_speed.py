"""How fast the exports and `claimgraph import` run, as ratios to baselines timed in the same process.

    .venv/bin/python bench/export_speed.py [--claims 20000] [--formats jsonl,csv,...] [--repeats 3]

A benchmark, not a test. Builds --claims synthetic claims (bench/synthetic.py: Zipf-skewed actors and
outlets, 15 % copies, 40 % unattributed) into a temporary SQLite file, then times (median of
--repeats):

  read     the baseline: every claims row with its document's key and date, fetched by one SELECT;
           what any export must at least do
  select   export/selection.py: the links assessed and every claim, document and entity behind them
  FORMAT   writing each format from that selection (the selection's own cost not included)
  import   `claimgraph import` of the whole jsonl export into a new file, against the baseline
  copy     `claimgraph db copy` of the same store into a new file (the same rows, table to table)

and prints each time with its ratio to `read` (and import's to `copy`), so a slower or busier
machine gives comparable numbers.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from sqlalchemy import select  # noqa: E402

from claimgraph.export import jsonl  # noqa: E402
from claimgraph.export.registry import Source, formats  # noqa: E402
from claimgraph.export.selection import Selection, select_graph  # noqa: E402
from claimgraph.store import Store, open_store  # noqa: E402
from claimgraph.store.schema import claims, documents  # noqa: E402
from claimgraph.store.transfer import copy_store  # noqa: E402
from synthetic import build  # noqa: E402


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_rows(store: Store) -> int:
    query = (select(claims, documents.c.doc_key, documents.c.published)
             .join(documents, documents.c.id == claims.c.document_id))
    with store.engine.connect() as conn:
        return len(conn.execute(query).all())


def write_format(store: Store, selection: Selection, name: str) -> int:
    source = Source(store)
    source.__dict__["selection"] = selection  # timed apart: the format's own work only
    out = io.BytesIO()
    formats()[name].write(source, out)
    return len(out.getvalue())


def import_once(data: bytes, folder: Path, n: list[int]) -> None:
    n[0] += 1
    with open_store(str(folder / f"imported-{n[0]}.db")) as target:
        jsonl.read_into(target, io.BytesIO(data), "bench.jsonl")


def copy_once(source: str, folder: Path, n: list[int]) -> None:
    n[0] += 1
    copy_store(source, str(folder / f"copied-{n[0]}.db"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--formats", default=",".join(formats()))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = str(folder / "bench.db")
        with open_store(path) as store:
            built = build(store, args.claims)
            print(f"{built.claims:,} claims, {built.documents:,} documents, {built.entities:,} entities")
            select_graph(store)  # warm-up: the link cache, the page cache
            read = median_time(lambda: read_rows(store), args.repeats)
            print(f"{'read':<8} {read:8.2f} s   1.00 (baseline)")
            selection = select_graph(store)
            chosen = median_time(lambda: select_graph(store), args.repeats)
            print(f"{'select':<8} {chosen:8.2f} s {chosen / read:6.2f}")
            for name in args.formats.split(","):
                size = write_format(store, selection, name)
                took = median_time(lambda name=name: write_format(store, selection, name), args.repeats)
                print(f"{name:<8} {took:8.2f} s {took / read:6.2f}   {size / 1e6:.1f} MB")
            out = io.BytesIO()
            jsonl.write(Source(store), out)
        counter = [0]
        imported = median_time(lambda: import_once(out.getvalue(), folder, counter), args.repeats)
        copied = median_time(lambda: copy_once(path, folder, counter), args.repeats)
        print(f"{'import':<8} {imported:8.2f} s {imported / read:6.2f}   {imported / copied:.2f} x db copy")
        print(f"{'copy':<8} {copied:8.2f} s {copied / read:6.2f}")


if __name__ == "__main__":
    main()
