"""How fast the served app answers at scale: the entity, link and graph endpoints under a small load.

    .venv/bin/python bench/api_latency.py [--claims 100000] [--db PATH] [--concurrency 4] [--requests 200]
                                          [--workers 1]
    .venv/bin/python bench/api_latency.py --quick      # 10,000 claims, 50 requests: a smoke run

A benchmark, not a test. Builds --claims synthetic claims (bench/synthetic.py) into a SQLite file (or
reuses --db PATH when it holds documents; a missing PATH is built and kept for the next run), starts
`claimgraph serve` on it in a subprocess (one uvicorn worker, 127.0.0.1, a free port), warms it (the
first read refreshes the link cache), then sends --requests requests per endpoint from this process
with --concurrency requests in flight (httpx), and prints p50/p95/max latency and requests/s.

Entities: the top hub (the actor in most claims, the worst case) and --sample ordinary actors drawn
with --seed from the others; pairs: --sample links drawn from the stored claims. Two references are
measured in the same run, so a noisy machine still gives comparable ratios: `GET /api/documents/1`
(the baseline: one small document with its mentions, claims and story, a few indexed reads) and
`GET /openapi.json` (the floor: no store read at all). The goal is a p95 under 100 ms for every endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from claimgraph.store import open_store  # noqa: E402
from synthetic import build  # noqa: E402

GOAL_P95_MS = 100.0
BASELINE = "/api/documents/1 (base)"
FLOOR = "/openapi.json (floor)"  # no store read at all: what HTTP and uvicorn cost by themselves
HUBS_LEFT_OUT = 10  # the most claimed actors are hubs, not ordinary actors
START_TIMEOUT_S = 60.0


@dataclass
class Sample:
    hub: str
    actors: list[str]  # ordinary actors
    pairs: list[tuple[str, str]]  # (subject, object) of stored claims


@dataclass
class Result:
    label: str
    times: list[float] = field(default_factory=list)  # seconds, one per answered request
    statuses: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0

    def ms(self, share: float) -> float:
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    @property
    def ok(self) -> bool:
        return bool(self.times) and set(self.statuses) == {200}


# --- the store --------------------------------------------------------------------------------------
def has_documents(db: Path) -> bool:
    if not db.exists():
        return False
    with sqlite3.connect(db) as conn:
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM documents)").fetchone()[0])


def prepare_store(db: Path, claims: int) -> None:
    if has_documents(db):
        print(f"reusing {db}")
        return
    with open_store(str(db)) as store:
        start = time.perf_counter()
        built = build(store, claims)
    print(f"built {built.claims:,} claims, {built.documents:,} documents, {built.entities:,} entities "
          f"in {time.perf_counter() - start:.1f} s into {db}")


def sample(db: Path, size: int, seed: int) -> Sample:
    """The hub, ordinary actors and pairs, read from the claims (any store, synthetic or not)."""
    with sqlite3.connect(db) as conn:
        ends = conn.execute("SELECT id, COUNT(*) AS n FROM (SELECT subject_id AS id FROM claims UNION ALL "
                            "SELECT object_id FROM claims) GROUP BY id ORDER BY n DESC, id").fetchall()
        pairs = conn.execute("SELECT DISTINCT subject_id, object_id FROM claims ORDER BY 1, 2").fetchall()
    if not ends:
        raise SystemExit("the store has no claims to sample")
    rng = random.Random(seed)
    ordinary = [row[0] for row in ends[HUBS_LEFT_OUT:]] or [row[0] for row in ends]
    return Sample(hub=ends[0][0], actors=rng.sample(ordinary, min(size, len(ordinary))),
                  pairs=[tuple(p) for p in rng.sample(pairs, min(size, len(pairs)))])


# --- the server -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db: Path, log: Path, workers: int = 1) -> Iterator[str]:
    """`claimgraph serve` on the store in a subprocess, as users run it; its base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from claimgraph.cli import main; main()", "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with open(log, "wb") as out:
        # its own process, so the load generator here and the server do not share one interpreter lock
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {START_TIMEOUT_S:.0f} s; see {log}")


# --- the load ---------------------------------------------------------------------------------------
def endpoints(found: Sample) -> list[tuple[str, list[str]]]:
    """(label, paths): the requests of an endpoint cycle through its paths. The baseline comes first."""
    rows: list[tuple[str, list[str]]] = [(BASELINE, ["/api/documents/1"]), (FLOOR, ["/openapi.json"]),
                                         ("/ (overview)", ["/"])]
    for template in ("/entity/{}", "/api/entities/{}", "/api/graph?entity={}"):
        label = template.format("{id}")
        rows.append((f"{label} hub", [template.format(quote(found.hub, safe=""))]))
        rows.append((f"{label} actors", [template.format(quote(actor, safe="")) for actor in found.actors]))
    for path in ("/link", "/api/link"):
        pairs = [f"{path}?{urlencode({'a': a, 'b': b})}" for a, b in found.pairs]
        rows.append((f"{path}?a=&b= pairs", pairs))
    return rows


async def load(client: httpx.AsyncClient, label: str, paths: list[str], requests: int,
               concurrency: int) -> Result:
    result = Result(label)
    queue = iter([paths[i % len(paths)] for i in range(requests)])

    async def worker() -> None:
        for path in queue:  # one shared iterator: each request is taken by exactly one worker
            start = time.perf_counter()
            response = await client.get(path)
            await response.aread()
            result.times.append(time.perf_counter() - start)
            result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall = time.perf_counter() - start
    return result


async def warm(client: httpx.AsyncClient, rows: list[tuple[str, list[str]]]) -> float:
    """One request per endpoint; the first refreshes the link cache. Seconds taken by the first."""
    start = time.perf_counter()
    await client.get(rows[3][1][0])  # the entity page of the hub
    first = time.perf_counter() - start
    for _label, paths in rows:
        await client.get(paths[0])
    return first


async def measure(base: str, rows: list[tuple[str, list[str]]], requests: int,
                  concurrency: int) -> list[Result]:
    """Each endpoint in turn, its row printed as soon as it is measured (a slow one takes minutes)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        print(f"warm-up: the first request (link cache refresh) took {await warm(client, rows):.2f} s")
        print(f"\n{'endpoint':<30} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'req/s':>6} "
              f"{'p50/base':>8} {'p95/base':>8} {'p95/floor':>9}  statuses")
        results: list[Result] = []
        for label, paths in rows:
            results.append(await load(client, label, paths, requests, concurrency))
            if len(results) == 2:  # the two references first, once both are known
                print_row(results[0], results[0], results[1])
            if len(results) >= 2:
                print_row(results[-1], results[0], results[1])
        return results


# --- the report -------------------------------------------------------------------------------------
def print_row(row: Result, base: Result, floor: Result) -> None:
    """Latencies, and their ratios to the baseline's and to the floor's measured in the same run."""
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(row.statuses.items()))
    print(f"{row.label:<30} {len(row.times):4d} {row.ms(0.5):7.1f} {row.ms(0.95):7.1f} "
          f"{row.ms(1.0):7.1f} {len(row.times) / row.wall:6.1f} {row.ms(0.5) / base.ms(0.5):8.2f} "
          f"{row.ms(0.95) / base.ms(0.95):8.2f} {row.ms(0.95) / floor.ms(0.95):9.1f}  {statuses}")


def verdict(results: list[Result], concurrency: int) -> None:
    for row in results:
        if not row.ok:
            print(f"NOTE {row.label}: not every answer was 200, so these are not the page's figures")
    goals = [row for row in results if row.label not in (BASELINE, FLOOR)]
    missed = [f"{row.label} ({row.ms(0.95):.0f} ms)" for row in goals
              if not row.ok or row.ms(0.95) >= GOAL_P95_MS]
    found = "met by every endpoint" if not missed else f"MISSED by {', '.join(missed)}"
    print(f"\np95 under {GOAL_P95_MS:.0f} ms at concurrency {concurrency}: {found}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or build and keep) this store")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (claimgraph serve --workers)")
    parser.add_argument("--sample", type=int, default=50, help="ordinary actors, and pairs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10,000 claims and 50 requests per endpoint")
    args = parser.parse_args()
    if args.quick:
        args.claims, args.requests = 10_000, 50
    return args


def main() -> None:
    args = parse()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # rows show as measured
    print("$ .venv/bin/python bench/api_latency.py " + shlex.join(sys.argv[1:]))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, concurrency {args.concurrency}, "
          f"{args.workers} server worker(s), {args.requests} requests per endpoint")
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        prepare_store(db, args.claims)
        found = sample(db, args.sample, args.seed)
        print(f"hub {found.hub}; {len(found.actors)} ordinary actors; {len(found.pairs)} pairs")
        rows = endpoints(found)
        with serving(db, Path(tmp) / "server.log", args.workers) as base:
            results = asyncio.run(measure(base, rows, args.requests, args.concurrency))
    verdict(results, args.concurrency)


if __name__ == "__main__":
    main()
