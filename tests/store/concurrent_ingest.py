"""The worker of test_concurrent_ingest.py, importable by name in a spawned process: invented texts
and one `run_ingest` over them with a cheap extractor that finds the same entities and claims in a
text every time (no spaCy: the test is about the store, and four models would cost seconds each)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from claimgraph.model import Claim, Entity, Extraction, Mention
from claimgraph.store import open_store

ACTORS = {
    "Varnia": ("varnia", "state"),
    "Red Lantern Front": ("red-lantern-front", "armed_group"),
    "Grey Wolves Ring": ("grey-wolves-ring", "criminal_group"),
    "Pelmark": ("pelmark", "state"),
    "Kessa Port Authority": ("kessa-port-authority", "state_body"),
    "Ilse Moor": ("ilse-moor", "person"),
}
VERBS = {"arms": "arms", "funds": "finances", "shelters": "supports", "works with": "cooperates_with"}
NAMES = list(ACTORS)
TEXTS = 12
CLAIMS_PER_TEXT = 2
_SENTENCE = re.compile(r"(?P<s>[A-Z][\w ]+?) (?P<v>arms|funds|shelters|works with) "
                       r"the (?P<o>[A-Z][\w ]+?)[,.]")


def text_of(n: int) -> str:
    """Text n: two claims between the invented actors, in a few plain English sentences."""
    a, b, c, d = (NAMES[(n + k) % len(NAMES)] for k in (0, 1, 2, 3))
    verb, other = list(VERBS)[n % len(VERBS)], list(VERBS)[(n + 1) % len(VERBS)]
    return (f"{a} {verb} the {b}, officials in the northern province said on day {n} of the inquiry. "
            f"The reporters who followed the convoys for a month also wrote that {c} {other} the {d}. "
            "The ministry promised to answer every question from the press before the end of the week.")


def write_texts(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(TEXTS):
        path = folder / f"report-{n:02d}.txt"
        path.write_text(text_of(n), encoding="utf-8")
        paths.append(str(path))
    return paths


class _Nlp:
    def pipe(self, pairs: Any, **_: Any) -> Iterator[tuple[str, Any]]:
        yield from pairs

    def __call__(self, text: str) -> str:
        return text


class RuleExtractor:
    """Actors found by name; a claim for each "<actor> <verb> the <actor>"."""

    nlp = _Nlp()

    def extract_doc(self, doc: str, doc_id: str) -> Extraction:
        present = [name for name in NAMES if name in doc]
        entities = [Entity(ACTORS[name][0], name, ACTORS[name][1], mentions=[name]) for name in present]
        mentions = [Mention(m.start(), m.end(), name, ACTORS[name][0], rule="alias")
                    for name in present for m in re.finditer(re.escape(name), doc)]
        claims = [Claim(ACTORS[m["s"].split("that ")[-1]][0], VERBS[m["v"]], ACTORS[m["o"]][0], "affirmed",
                        "asserted", None, m.group(0)[:-1], m.start(), m.end() - 1, cue=m["v"], rule="test")
                  for m in _SENTENCE.finditer(doc)]
        return Extraction(doc_id, entities, claims, mentions)


class _Heard(logging.Handler):
    """What the store said while writing: a retried transaction, a batch that fell back to one by one."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def ingest(db: str, paths: list[str], barrier: Barrier, results: Any, batch_size: int = 3) -> None:
    """One process's ingest, started with the others at the barrier; its outcome on the queue."""
    from claimgraph.ingest_run import run_ingest

    heard = _Heard()
    logger = logging.getLogger("claimgraph.store")
    logger.addHandler(heard)
    logger.setLevel(logging.INFO)
    with open_store(db) as store:
        barrier.wait(timeout=60)
        report = run_ingest(paths, store, RuleExtractor(), batch_size=batch_size)  # type: ignore[arg-type]
    results.put({"new": report.new, "duplicate": report.duplicate,
                 "failed": [item.reason for item in report.failed],
                 "skipped": [item.reason for item in report.skipped],
                 "fallbacks": [m for m in heard.messages if "one by one" in m],
                 "retries": [m for m in heard.messages if "trying again" in m]})
