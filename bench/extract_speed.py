"""How much claimgraph costs on top of spaCy: bare nlp.pipe vs Extractor.extract vs a full ingest.

    .venv/bin/python bench/extract_speed.py [--workers N] [--docs N] [--repeats N] [--model NAME]

A benchmark, not a test. In one process, over the same texts (the bundled corpus's English .txt
files, cycled with a per-copy dateline so every copy has its own hash):

  (a) bare     spaCy's nlp.pipe with the extractor's own pipeline (claimgraph.extract.pipeline.load_model)
  (b) extract  Extractor.extract: the same parse plus the knowledge base and the claim rules
  (c) ingest   claimgraph.ingest_run.run_ingest, the code of `claimgraph ingest`: reading the files,
               language detection, duplicate checks, extraction, storing into a fresh SQLite file

Everything is warmed up once; each measurement runs --repeats times (interleaved) and the best counts.
Goals: extract/bare <= 1.3 and ingest/extract <= 1.15, as ratios of time.
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
from itertools import cycle
from pathlib import Path

import spacy

from claimgraph.extract.pipeline import Extractor, load_model, model_name
from claimgraph.ingest import detect_language
from claimgraph.ingest_run import PIPE_BATCH, run_ingest, words_in
from claimgraph.model import Article
from claimgraph.store import open_store

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
WARMUP_DOCS = 16
GOAL_EXTRACT_BARE = 1.3
GOAL_RESOLUTION = 0.10  # issue 3: resolution adds at most 10% to the bare parse
GOAL_INGEST_EXTRACT = 1.15


@dataclass
class Doc:
    name: str
    text: str


def english_sources(corpus: Path) -> list[Path]:
    """The corpus's top-level .txt files in English (a Spanish text would be skipped by ingest only)."""
    files = sorted(corpus.glob("*.txt"))
    return [path for path in files if detect_language(path.read_text(encoding="utf-8")) == "en"]


def build_docs(sources: list[Path], n: int) -> list[Doc]:
    """n documents cycling over the sources; each pass past the first adds its own dateline."""
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in sources]
    docs = []
    for i, (stem, text) in zip(range(n), cycle(texts), strict=False):
        copy = i // len(texts)
        if copy:
            day = 1 + copy % 28
            text = f"{text.rstrip()}\n\n(Filed 2024-02-{day:02d}, desk copy {copy}.)\n"
        docs.append(Doc(f"{i:04d}-{stem}", text))
    return docs


def write_folder(docs: list[Doc], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for doc in docs:
        (folder / f"{doc.name}.txt").write_text(doc.text, encoding="utf-8")
    return folder


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="spaCy processes (n_process), default 1")
    parser.add_argument("--docs", type=int, default=200, help="documents to build, default 200")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each measurement, default 2")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the extractor's)")
    args = parser.parse_args()

    print("$ " + shlex.join([sys.executable, *sys.argv]))
    sources = english_sources(CORPUS)
    if not sources:
        print(f"no English .txt files in {CORPUS}", file=sys.stderr)
        return 2
    docs = build_docs(sources, args.docs)
    texts = [doc.text for doc in docs]
    words = sum(words_in(text) for text in texts)

    bare_nlp = load_model(args.model)
    extractor = Extractor(args.model)
    print(f"python {platform.python_version()}, spaCy {spacy.__version__}, model {model_name(args.model)} "
          f"({', '.join(bare_nlp.pipe_names)}), {os.cpu_count()} cores, workers {args.workers}")
    print(f"{len(docs)} documents from {len(sources)} corpus files, {words:,} words; "
          f"best of {args.repeats} after one warm-up\n")

    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        root = Path(tmp)
        folder = write_folder(docs, root / "corpus")
        warm_folder = write_folder(docs[:WARMUP_DOCS], root / "warmup")
        runs = 0

        def bare(subset: list[str] = texts) -> None:
            for _doc in bare_nlp.pipe(subset, n_process=args.workers, batch_size=PIPE_BATCH):
                pass

        def extract(subset: list[Doc] = docs) -> None:
            articles = (Article(text=d.text, source=d.name, doc_id=d.name, language="en") for d in subset)
            for _pair in extractor.extract(articles, workers=args.workers, batch_size=PIPE_BATCH):
                pass

        def ingest(source: Path = folder, expected: int = len(docs)) -> None:
            nonlocal runs
            runs += 1
            with open_store(str(root / f"run-{runs}.db")) as store:  # a fresh file every run
                report = run_ingest([str(source)], store, extractor, workers=args.workers)
            if report.new != expected or report.failed:
                raise SystemExit(f"ingest stored {report.new} of {expected}; failed: {report.failed[:3]}")

        bare(texts[:WARMUP_DOCS])
        extract(docs[:WARMUP_DOCS])
        ingest(warm_folder, WARMUP_DOCS)

        best = {"bare": float("inf"), "extract": float("inf"), "ingest": float("inf")}
        for repeat in range(args.repeats):
            for name, measure in (("bare", bare), ("extract", extract), ("ingest", ingest)):
                seconds = timed(measure)
                best[name] = min(best[name], seconds)
                print(f"  run {repeat + 1} {name:<8}{seconds:7.2f} s  {words / seconds:9,.0f} words/s")

        # (d) where the extraction's own time goes: resolution (matching mentions to the knowledge
        # base, NER fallback, fuzzy, descriptions) and the claim rules, on documents parsed once
        parsed = list(extractor.nlp.pipe(texts, batch_size=PIPE_BATCH))
        resolve = min(timed(lambda: [extractor.matcher.find(d) for d in parsed]) for _ in range(args.repeats))

    print()
    labels = {"bare": "(a) bare nlp.pipe", "extract": "(b) Extractor.extract", "ingest": "(c) ingest"}
    for name, seconds in best.items():
        print(f"{labels[name]:<24}{seconds:7.2f} s  {words / seconds:9,.0f} words/s  "
              f"{len(docs) / seconds:6.1f} docs/s")
    extract_bare = best["extract"] / best["bare"]
    ingest_extract = best["ingest"] / best["extract"]
    print()
    print(f"extract/bare   {extract_bare:.2f}  (goal <= {GOAL_EXTRACT_BARE})  "
          f"{'ok' if extract_bare <= GOAL_EXTRACT_BARE else 'OVER'}")
    print(f"ingest/extract {ingest_extract:.2f}  (goal <= {GOAL_INGEST_EXTRACT})  "
          f"{'ok' if ingest_extract <= GOAL_INGEST_EXTRACT else 'OVER'}")
    share = resolve / best["bare"]
    verdict = "ok" if share <= GOAL_RESOLUTION else "OVER"
    print(f"resolution/bare {share:.2f}  (goal <= {GOAL_RESOLUTION})  {verdict}"
          f"  ({resolve:.2f} s of entity resolution in one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
