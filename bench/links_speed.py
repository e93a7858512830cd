"""How fast link assessment answers on synthetic stores: `links --entity X`, `link A B`, the whole graph.

    .venv/bin/python bench/links_speed.py [--claims 100000] [--full 1000000] [--repeats 30]

A benchmark, not a test. Builds --claims synthetic claims (bench/synthetic.py: Zipf-skewed actors and
outlets, 15 % copies, 40 % unattributed) into a temporary SQLite file, then times, after one warm-up:

  entity  assess(store, entity=HUB)          the top hub actor (the worst case), goal < 200 ms (p95)
  pair    pair(store, HUB1, HUB2)            the two top hubs, with all evidence rows, goal < 200 ms (p95)
  full    refresh_cache(store): the whole assessment recomputed and stored (what a query does first
          after the store changed), at --claims and again at --full claims, goal < 60 s

Both the entity and pair figures count what the CLI does too: name resolution, the SQL, the fold.
--full 0 skips the large build (the full figure is then extrapolated linearly from --claims, and
marked so).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from claimgraph.analyse.links import assess, pair, refresh_cache  # noqa: E402
from claimgraph.store import open_store  # noqa: E402
from synthetic import build  # noqa: E402

GOAL_QUERY_S = 0.200
GOAL_FULL_S = 60.0


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    fn()  # warm-up: page cache, statement cache, the bundled rules
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def full_assessment(n: int, folder: Path) -> tuple[float, float, int, int]:
    """(build seconds, assess seconds, links, claims) for a store of n claims."""
    with open_store(str(folder / f"full-{n}.db")) as store:
        start = time.perf_counter()
        built = build(store, n)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        found = refresh_cache(store)  # the whole assessment, recomputed and stored
        return build_s, time.perf_counter() - start, found, built.claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--full", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print("$ .venv/bin/python bench/links_speed.py " + shlex.join(sys.argv[1:]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open_store(str(folder / "bench.db")) as store:
            start = time.perf_counter()
            built = build(store, args.claims)
            print(f"built {built.claims:,} claims, {built.documents:,} documents, "
                  f"{built.entities:,} entities in {time.perf_counter() - start:.1f} s")
            hub, second = built.hubs[0], built.hubs[1]
            touching = assess(store, entity=hub)
            evidence = pair(store, hub, second)
            groups = [*evidence.affirming.values(), *evidence.denying.values()]
            n_ev = sum(len(v) for v in groups)
            print(f"hub {hub}: {len(touching):,} links; pair {hub}/{second}: {len(evidence.links)} links, "
                  f"{n_ev:,} evidence rows")
            rows = []
            tenth = built.hubs[9]
            mid = len(assess(store, entity=tenth))
            print(f"10th hub {tenth}: {mid:,} links")
            for label, fn in (("links --entity HUB", lambda: assess(store, entity=hub)),
                              ("links --entity HUB, no cache",
                               lambda: assess(store, entity=hub, cached=False)),
                              ("links --entity HUB --roll-up",
                               lambda: assess(store, entity=hub, roll_up=True)),
                              ("links --entity 10TH-HUB", lambda: assess(store, entity=tenth)),
                              ("link HUB1 HUB2", lambda: pair(store, hub, second))):
                p50, p95 = timed(fn, args.repeats)
                rows.append((label, p50, p95))
            start = time.perf_counter()
            whole = refresh_cache(store)
            small_full = time.perf_counter() - start
        print(f"\n{'query':<30} {'p50 ms':>8} {'p95 ms':>8} {'p95/goal':>9}")
        for label, p50, p95 in rows:
            print(f"{label:<30} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {p95 / GOAL_QUERY_S:9.2f}")
        print(f"\nfull assessment (refresh_cache) at {built.claims:,} claims: {small_full:.2f} s "
              f"({whole:,} links)")
        if args.full:
            build_s, full_s, n_links, n_claims = full_assessment(args.full, folder)
            print(f"full assessment (refresh_cache) at {n_claims:,} claims: {full_s:.2f} s "
                  f"({n_links:,} links; store built in "
                  f"{build_s:.0f} s); goal {GOAL_FULL_S:.0f} s, ratio {full_s / GOAL_FULL_S:.2f}")
        else:
            estimate = small_full * 1_000_000 / built.claims
            print(f"full assess() at 1,000,000 claims: about {estimate:.1f} s EXTRAPOLATED linearly from "
                  f"{built.claims:,}; goal {GOAL_FULL_S:.0f} s, ratio {estimate / GOAL_FULL_S:.2f}")


if __name__ == "__main__":
    main()
