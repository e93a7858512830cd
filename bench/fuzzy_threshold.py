"""Choose the fuzzy matcher's RATIO_THRESHOLD on the labelled surface forms.

    .venv/bin/python bench/fuzzy_threshold.py [--from 80] [--to 98] [--step 2] [--show-changes]

A benchmark, not a test. It scores the resolver on tests/resolve/data/surface_forms.tsv (the list that
tests/resolve/test_surface_forms.py checks) once per threshold: the spaCy parses and the extractor are
built once, and only `extractor.matcher.fuzzy` is replaced by `FuzzyIndex(kb, ratio_threshold=t)`.

For each threshold: accuracy, wrong merges (a mention resolved to a knowledge-base actor other than the
expected one, or to any actor where none is expected), misses (an expected actor not reached), how many
mentions the ratio resolved, and how many of the wrong merges the ratio made (split by the type of the
actor merged into: persons, whose names differ from other people's by a letter, and everything else).

Only the ratio signal depends on the threshold; wrong merges made by phrase matching, NER or skeletons
are the same at every threshold. The recommendation is the threshold with the highest accuracy among
those without wrong merges, ties going to the higher threshold; when every threshold has some, the rule
is applied to the wrong merges the threshold controls (the ratio's). A second line applies it to the
ratio's merges into non-person actors only: the threshold to use if persons were held to a stricter one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from claimgraph.extract.pipeline import Extractor
from claimgraph.resolve.fuzzy import RATIO_THRESHOLD, FuzzyIndex
from claimgraph.resolve.kb import KnowledgeBase

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "resolve"))
from surface_forms_eval import TSV, Outcome, accuracy, counts, evaluate, load_rows, parse  # noqa: E402


def ratio_merges(outcomes: list[Outcome], kb: KnowledgeBase, persons: bool) -> int:
    """Wrong merges the ratio made, into persons or into any other type of actor."""
    def is_person(entity_id: str | None) -> bool:
        actor = kb.get(entity_id) if entity_id else None
        return actor is not None and actor.type == "person"

    return sum(o.status == "wrong_merge" and o.rule == "fuzzy_ratio" and is_person(o.got) == persons
               for o in outcomes)


def recommend(table: dict[float, list[Outcome]], merges: Callable[[list[Outcome]], int]) -> float:
    """Highest accuracy among the thresholds with no wrong merges (as counted by `merges`); ties go to
    the higher threshold. Without such a threshold: fewest merges first."""
    return max(table, key=lambda t: (-merges(table[t]), accuracy(table[t]), t))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="low", type=float, default=80.0)
    parser.add_argument("--to", dest="high", type=float, default=98.0)
    parser.add_argument("--step", type=float, default=2.0)
    parser.add_argument("--show-changes", action="store_true",
                        help="list the rows whose outcome differs from the current RATIO_THRESHOLD's")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rows = load_rows()
    extractor = Extractor()
    docs = parse(extractor, rows)
    thresholds = []
    t = args.low
    while t <= args.high + 1e-9:
        thresholds.append(round(t, 2))
        t += args.step
    if RATIO_THRESHOLD not in thresholds:
        thresholds = sorted({*thresholds, RATIO_THRESHOLD})

    table: dict[float, list[Outcome]] = {}
    for threshold in thresholds:
        extractor.matcher.fuzzy = FuzzyIndex(extractor.kb, ratio_threshold=threshold)
        table[threshold] = evaluate(extractor, rows, docs)

    kb = extractor.kb
    shown = TSV.relative_to(Path.cwd()) if TSV.is_relative_to(Path.cwd()) else TSV
    print(f"{len(rows)} labelled rows from {shown}")
    print(f"{'threshold':>9} {'accuracy':>9} {'ok':>5} {'wrong merges':>13} {'misses':>7} "
          f"{'ratio matches':>14} {'ratio merges: persons':>22} {'other':>6}")
    for threshold, outcomes in table.items():
        c = counts(outcomes)
        ratio = sum(o.rule == "fuzzy_ratio" for o in outcomes)
        mark = "  <- current" if threshold == RATIO_THRESHOLD else ""
        print(f"{threshold:>9g} {accuracy(outcomes):>9.3f} {c['ok']:>5} {c['wrong_merge']:>13} "
              f"{c['miss']:>7} {ratio:>14} {ratio_merges(outcomes, kb, True):>22} "
              f"{ratio_merges(outcomes, kb, False):>6}{mark}")

    def total(outcomes: list[Outcome]) -> int:
        return counts(outcomes)["wrong_merge"]

    def by_ratio(outcomes: list[Outcome]) -> int:
        return ratio_merges(outcomes, kb, True) + ratio_merges(outcomes, kb, False)

    def by_ratio_not_persons(outcomes: list[Outcome]) -> int:
        return ratio_merges(outcomes, kb, False)

    free = [t for t in table if total(table[t]) == 0]
    best = recommend(table, total if free else by_ratio)
    if free:
        note = "no wrong merges"
    else:
        note = (f"{total(table[best])} wrong merges, {by_ratio(table[best])} of them by the ratio: "
                "no threshold is free of wrong merges, the others come from phrase matching, NER "
                "and skeletons")
    print(f"\nrecommended RATIO_THRESHOLD = {best:g}: accuracy {accuracy(table[best]):.3f}, {note}")
    orgs = recommend(table, by_ratio_not_persons)
    print(f"counting only the ratio's merges into non-person actors: {orgs:g}, accuracy "
          f"{accuracy(table[orgs]):.3f} (it still merges {ratio_merges(table[orgs], kb, True)} "
          "person names; persons would need a stricter threshold of their own)")

    if args.show_changes:
        current = {o.row.line: o for o in table[RATIO_THRESHOLD]}
        for threshold, outcomes in table.items():
            changed = [o for o in outcomes if o.status != current[o.row.line].status]
            for outcome in changed:
                print(f"  at {threshold:g}: {outcome.status:<11} {outcome.describe()}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
