"""Score the resolver on the labelled surface forms in data/surface_forms.tsv.

Shared by tests/resolve/test_surface_forms.py and bench/fuzzy_threshold.py.

Each row is `sentence<TAB>surface<TAB>expected<TAB>kind`: the mention of `surface` (its first occurrence
in `sentence`) must resolve to the knowledge-base id `expected`, or, when `expected` is `-`, to no
knowledge-base actor at all (no mention there, or a provisional entity).

Outcomes:
- ok           as expected;
- wrong_merge  the mention went to a knowledge-base actor other than the expected one (for a `-` row: to
               any knowledge-base actor): two distinct actors merged, the error that corrupts the graph;
- miss         an expected id was not reached (no mention, or only a provisional entity).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from claimgraph.extract.pipeline import Extractor
from claimgraph.model import Extraction, Mention

TSV = Path(__file__).resolve().parent / "data" / "surface_forms.tsv"
NONE = "-"


@dataclass(frozen=True)
class Row:
    line: int
    sentence: str
    surface: str
    expected: str
    kind: str

    @property
    def span(self) -> tuple[int, int]:
        start = self.sentence.find(self.surface)
        return start, start + len(self.surface)


@dataclass(frozen=True)
class Outcome:
    row: Row
    got: str | None  # the entity id of the mention at the surface, None when there is none
    provisional: bool
    rule: str | None
    text: str | None  # the mention's own text (it may be longer or shorter than the surface)

    @property
    def known(self) -> bool:
        """The mention resolved to a knowledge-base actor."""
        return self.got is not None and not self.provisional

    @property
    def status(self) -> str:
        if self.row.expected == NONE:
            return "wrong_merge" if self.known else "ok"
        if self.known and self.got == self.row.expected:
            return "ok"
        return "wrong_merge" if self.known else "miss"

    def describe(self) -> str:
        got = self.got or "nothing"
        if self.provisional:
            got += " (provisional)"
        mention = f" mention={self.text!r} rule={self.rule}" if self.text is not None else ""
        return (f"line {self.row.line} [{self.row.kind}] {self.row.surface!r}: expected {self.row.expected}, "
                f"got {got}{mention} | {self.row.sentence}")


def load_rows(path: Path = TSV) -> list[Row]:
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for line, record in enumerate(reader, start=2):
            row = Row(line, record["sentence"], record["surface"], record["expected"], record["kind"])
            if row.surface not in row.sentence:
                raise ValueError(f"{path.name}:{line}: {row.surface!r} is not in the sentence")
            rows.append(row)
    return rows


def _overlap(mention: Mention, start: int, end: int) -> int:
    return min(mention.end, end) - max(mention.start, start)


def pick(extraction: Extraction, row: Row) -> Outcome:
    """The mention at the row's surface: the one with exactly its span, else the smallest one covering
    it (the tokenizer or a longer name may extend it), else the one overlapping it most. For a `-` row
    any overlapping mention of a knowledge-base actor counts: "Georgia" inside "Georgia Whitfield"."""
    start, end = row.span
    provisional = {e.id for e in extraction.entities if e.provisional}
    near = [m for m in extraction.mentions if _overlap(m, start, end) > 0]
    chosen: Mention | None = None
    if row.expected == NONE:
        known = [m for m in near if m.entity_id not in provisional]
        if known:
            chosen = max(known, key=lambda m: _overlap(m, start, end))
    if chosen is None and near:
        exact = [m for m in near if (m.start, m.end) == (start, end)]
        covering = sorted((m for m in near if m.start <= start and m.end >= end),
                          key=lambda m: m.end - m.start)
        chosen = (exact or covering or sorted(near, key=lambda m: -_overlap(m, start, end)))[0]
    if chosen is None:
        return Outcome(row, None, False, None, None)
    return Outcome(row, chosen.entity_id, chosen.entity_id in provisional, chosen.rule, chosen.text)


def parse(extractor: Extractor, rows: list[Row]) -> list[Doc]:
    """One parse per row, batched; the resolver only reads a Doc, so it can be scored again and again."""
    return list(extractor.nlp.pipe(row.sentence for row in rows))


def evaluate(extractor: Extractor, rows: Iterable[Row], docs: list[Doc] | None = None) -> list[Outcome]:
    rows = list(rows)
    docs = parse(extractor, rows) if docs is None else docs
    return [pick(extractor.extract_doc(doc, f"row-{row.line}"), row)
            for row, doc in zip(rows, docs, strict=True)]


def accuracy(outcomes: list[Outcome]) -> float:
    return sum(o.status == "ok" for o in outcomes) / len(outcomes) if outcomes else 0.0


def counts(outcomes: list[Outcome]) -> Counter[str]:
    return Counter(o.status for o in outcomes)


def report(outcomes: list[Outcome]) -> str:
    """Accuracy per kind, then every row that is not ok."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.row.kind].append(outcome)
    lines = [f"{'kind':<14} {'rows':>5} {'ok':>5} {'merge':>6} {'miss':>5} {'accuracy':>9}"]
    for kind in sorted(by_kind):
        group = by_kind[kind]
        c = counts(group)
        lines.append(f"{kind:<14} {len(group):>5} {c['ok']:>5} {c['wrong_merge']:>6} {c['miss']:>5} "
                     f"{accuracy(group):>9.3f}")
    c = counts(outcomes)
    lines.append(f"{'all':<14} {len(outcomes):>5} {c['ok']:>5} {c['wrong_merge']:>6} {c['miss']:>5} "
                 f"{accuracy(outcomes):>9.3f}")
    for status in ("wrong_merge", "miss"):
        wrong = [o for o in outcomes if o.status == status]
        if wrong:
            lines.append(f"\n{status} ({len(wrong)}):")
            lines.extend("  " + o.describe() for o in wrong)
    return "\n".join(lines)
