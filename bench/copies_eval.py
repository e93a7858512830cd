"""Copy detection measured on the gold stories: precision and recall of "is a copy of".

Reads ../shared/gold/dev.jsonl (documents with `doc`, `story`, `copy_of`, `published`, `outlet`,
`text`) at run time (no gold text is kept in this repository), stores the documents in a temporary
database without extraction (no spaCy), runs the copy detection and prints:

- "is a copy of" over ordered document pairs: predicted (copy, origin) against gold (doc, copy_of);
- same-story clustering, pairwise: two documents predicted in one story against the gold `story`
  (gold stories also hold independent reports of the same event, which are not copies, so this
  recall measures how much of a news story is copying, not an error rate).

    .venv/bin/python bench/copies_eval.py [GOLD.jsonl] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from claimgraph.analyse.copies import copy_pairs, stories, update_copies
from claimgraph.model import Article
from claimgraph.store import open_store

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev.jsonl"


def _prf(predicted: set[tuple[str, str]], gold: set[tuple[str, str]]) -> dict[str, float | int]:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"predicted": len(predicted), "gold": len(gold), "correct": hits,
            "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _unordered(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in itertools.combinations(group, 2)}  # type: ignore[misc]


def evaluate(gold_path: Path) -> dict[str, object]:
    lines = gold_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "copies.db"))
        try:
            items = [(Article(text=r["text"], source=f"{gold_path.name}:{n}", doc_id=r["doc"],
                              title=r.get("title"), outlet=r.get("outlet"), published=r.get("published"),
                              language="en"), None, "ok")
                     for n, r in enumerate(records, 1)]
            store.add_documents(items, extractor_version="")
            started = time.perf_counter()
            update_copies(store)
            seconds = time.perf_counter() - started
            predicted = copy_pairs(store)
            predicted_stories = [[s["origin"]["doc_key"], *(c["doc_key"] for c in s["copies"])]
                                 for s in stories(store)]
        finally:
            store.close()
    gold = {(r["doc"], r["copy_of"]) for r in records if r.get("copy_of")}
    by_story: dict[str, list[str]] = {}
    for r in records:
        if r.get("story"):
            by_story.setdefault(r["story"], []).append(r["doc"])
    return {
        "gold": str(gold_path), "documents": len(records), "seconds": round(seconds, 3),
        "copy_of": _prf(predicted, gold),
        "same_story": _prf(_unordered(predicted_stories), _unordered(list(by_story.values()))),
        "false_positives": sorted(predicted - gold), "missed": sorted(gold - predicted),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=GOLD)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = evaluate(args.gold)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['documents']} documents from {result['gold']}, analysed in {result['seconds']} s")
    for name in ("copy_of", "same_story"):
        m = result[name]
        assert isinstance(m, dict)
        print(f"{name:>10}: P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
              f"({m['correct']} of {m['predicted']} predicted, {m['gold']} gold pairs)")
    for label in ("false_positives", "missed"):
        if result[label]:
            print(f"{label}: {result[label]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
