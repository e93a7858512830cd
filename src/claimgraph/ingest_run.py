"""One ingest run: inputs -> articles -> extraction -> store, streaming, with a report of every item.

Shared by `claimgraph ingest` and bench/extract_speed.py, so the benchmark measures the CLI's code path.

The flow, without ever holding the corpus in memory:

- ingest Failures go straight into the report;
- texts already stored (or already on their way into the store in this run) are reported as
  duplicates without being parsed;
- texts not in English go into the store with no extraction and a `skipped: ...` status;
- English texts go through spaCy's `nlp.pipe` (in `workers` processes) and the extractor's rules,
  and are stored in batches with `Store.add_documents`.

An error while extracting one document fails that document only; an error inside spaCy's pipe
fails nothing by itself: the documents it held are retried one by one, and the pipe restarts.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimgraph import EXTRACTOR_VERSION
from claimgraph.errors import Code
from claimgraph.ingest import Failure, iter_articles
from claimgraph.model import Article, Extraction

if TYPE_CHECKING:  # spaCy costs a second to import; a re-run that finds only duplicates never needs it
    from claimgraph.analyse.copies import CopyDetector
    from claimgraph.extract.pipeline import Extractor
    from claimgraph.store import Store

SUPPORTED_LANGUAGES = frozenset({"en"})
PIPE_BATCH = 16  # documents per spaCy batch, as Extractor.extract uses
MAX_PIPE_RESTARTS = 3  # consecutive pipe crashes with no document parsed in between: give up


@dataclass
class Item:
    """One input that was not simply stored: a skipped or failed document, or a failed input."""

    source: str
    doc: str | None
    reason: str  # "E103 invalid UTF-8 ..." or "language es not supported yet"
    code: str | None = None  # "E103"; None when the reason has no code

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "doc": self.doc, "code": self.code, "reason": self.reason}


@dataclass
class IngestReport:
    new: int = 0
    duplicate: int = 0
    words: int = 0  # words of the English documents that were parsed
    skipped: list[Item] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)
    seconds: float = 0.0
    store: dict[str, int] = field(default_factory=dict)  # Store.counts() after the run
    database: str = ""

    @property
    def handled(self) -> int:
        return self.new + self.duplicate + len(self.skipped) + len(self.failed)

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "inputs": self.handled,
            "new": self.new,
            "duplicate": self.duplicate,
            "skipped": [item.to_json() for item in self.skipped],
            "failed": [item.to_json() for item in self.failed],
            "seconds": round(self.seconds, 3),
            "store": self.store,
        }


# What a progress display hears: (outcome, advance). advance=1 when an item is done with reading and
# parsing (so the count moves as the work does); the outcome ("new", "duplicate", "skipped", "failed")
# comes when it is known, for stored items only once their batch is written; None while not known yet.
Progress = Callable[[str | None, int], None]


def skip_reason(language: str | None) -> str | None:
    """Why a document in this language is stored without extraction; None when it is extracted."""
    if language in SUPPORTED_LANGUAGES:
        return None
    if not language:
        return "language unknown"
    return f"language {language} not supported yet"


def words_in(text: str) -> int:
    return len(text.split())


class _Run:
    """The state of one run: the report, the batch being filled, the hashes on their way in."""

    def __init__(self, store: Store, batch_size: int, progress: Progress | None) -> None:
        self.store = store
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.report = IngestReport(database=store.url)
        self.batch: list[tuple[Article, Extraction | None, str]] = []
        self.pending: set[str] = set()  # hashes routed to the store in this run and not yet stored
        self.parsing: dict[str, Article] = {}  # fed to spaCy, not yet out, by hash (in feeding order)
        self.exhausted = False  # the inputs are all read
        self.broken: BaseException | None = None  # what ended reading the inputs early, a bug
        self.copies: CopyDetector | None = None  # copies and stories, analysed batch by batch

    # --- reporting ---------------------------------------------------------------------------
    def _tell(self, outcome: str | None, advance: int) -> None:
        if self.progress is not None:
            self.progress(outcome, advance)

    def fail(self, source: str, doc: str | None, reason: str, code: str | None, advance: int = 1) -> None:
        self.report.failed.append(Item(source, doc, reason, code))
        self._tell("failed", advance)

    def ingest_failure(self, failure: Failure) -> None:
        self.fail(failure.source, None, str(failure.error), failure.error.code.value)

    def duplicate(self, advance: int = 1) -> None:
        self.report.duplicate += 1
        self._tell("duplicate", advance)

    # --- routing -----------------------------------------------------------------------------
    def _is_known(self, digest: str) -> bool:
        if digest in self.pending:
            return True
        try:
            return self.store.has_hash(digest)
        except Exception:  # noqa: BLE001 - the store decides again when it writes; parse to be safe
            return False

    def route(self, outcomes: Iterable[Article | Failure]) -> Iterator[Article]:
        """The English articles that need parsing; everything else is reported or batched here."""
        try:
            for outcome in outcomes:
                if isinstance(outcome, Failure):
                    self.ingest_failure(outcome)
                    continue
                digest = outcome.hash  # a property that hashes the whole text: once is enough
                if self._is_known(digest):
                    self.duplicate()
                elif (reason := skip_reason(outcome.language)) is not None:
                    self.pending.add(digest)
                    self.add(outcome, None, f"skipped: {reason}")
                else:
                    self.pending.add(digest)
                    self.parsing[digest] = outcome
                    yield outcome
        except Exception as error:
            self.broken = error
            raise
        self.exhausted = True

    # --- storing -----------------------------------------------------------------------------
    def add(self, article: Article, extraction: Extraction | None, status: str) -> None:
        self.batch.append((article, extraction, status))
        self._tell(None, 1)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            results = self.store.add_documents(batch, extractor_version=EXTRACTOR_VERSION)
        except Exception as error:  # noqa: BLE001 - report every document of the batch, go on
            results = [(f"failed: {type(error).__name__}: {error}", 0)] * len(batch)
        self.find_copies([doc_id for outcome, doc_id in results if outcome == "new"])
        for (article, _extraction, status), (outcome, _id) in zip(batch, results, strict=True):
            self.pending.discard(article.hash)
            if outcome == "new" and status.startswith("skipped: "):
                reason = status.removeprefix("skipped: ")
                self.report.skipped.append(Item(article.source, article.doc_id, reason))
                self._tell("skipped", 0)
            elif outcome == "new":
                self.report.new += 1
                self._tell("new", 0)
            elif outcome == "duplicate":
                self.duplicate(advance=0)
            else:
                reason = f"{Code.STORE_WRITE.value} could not store: {outcome.removeprefix('failed: ')}"
                self.fail(article.source, article.doc_id, reason, Code.STORE_WRITE.value, advance=0)

    def find_copies(self, ids: list[int]) -> None:
        """Put the new documents into their stories (analyse/copies.py); never fails the ingest."""
        if not ids:
            return
        try:
            if self.copies is None:
                from claimgraph.analyse.copies import CopyDetector

                self.copies = CopyDetector(self.store)
            self.copies.add(ids)
        except Exception as error:  # noqa: BLE001 - `claimgraph stories` analyses what is left over
            logging.getLogger("claimgraph.copies").warning("copy detection skipped a batch: %s", error)
            self.copies = None  # reload from the store next time

    # --- extracting --------------------------------------------------------------------------
    def extracted(self, extractor: Extractor, doc: Any, article: Article) -> None:
        """A parsed document out of the pipe: run the rules on it, batch it or fail it."""
        self.parsing.pop(article.hash, None)
        try:
            extraction = extractor.extract_doc(doc, article.doc_id)
        except Exception as error:  # noqa: BLE001 - one document's bad luck must not end the run
            self.extraction_failed(article, error)
            return
        self.report.words += words_in(article.text)
        self.add(article, extraction, "ok")

    def extraction_failed(self, article: Article, error: BaseException) -> None:
        self.pending.discard(article.hash)
        code = Code.EXTRACTION_FAILED.value
        reason = f"{code} extraction failed: {type(error).__name__}: {error}"
        self.fail(article.source, article.doc_id, reason, code)

    def retry_alone(self, extractor: Extractor) -> None:
        """After a crash of the pipe: parse each document it held on its own."""
        held, self.parsing = list(self.parsing.values()), {}
        for article in held:
            try:
                doc = extractor.nlp(article.text)
            except Exception as error:  # noqa: BLE001
                self.extraction_failed(article, error)
                continue
            self.parsing[article.hash] = article
            self.extracted(extractor, doc, article)


def run_ingest(
    inputs: Sequence[str],
    store: Store,
    extractor: Extractor | Callable[[], Extractor],
    *,
    workers: int = 1,
    batch_size: int = 200,
    allow_private: bool = False,
    max_bytes: int = 10_000_000,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest `inputs` (paths, folders, URLs) into `store`; the report says what became of each item.

    `extractor` may be a factory: it is called only when the first document that needs parsing
    turns up, so a re-run over stored documents never loads spaCy.
    """
    started = time.perf_counter()
    run = _Run(store, batch_size, progress)
    articles = run.route(iter_articles(list(inputs), allow_private=allow_private, max_bytes=max_bytes))
    try:
        first = next(articles, None)
        if first is not None:
            loaded = extractor if not callable(extractor) else extractor()
            _extract_all(run, loaded, first, articles, workers)
    finally:
        run.flush()  # what was parsed before an error is kept
    run.report.seconds = time.perf_counter() - started
    run.report.store = store.counts()
    return run.report


def _extract_all(run: _Run, extractor: Extractor, first: Article, rest: Iterator[Article],
                 workers: int) -> None:
    # itertools.chain, not a generator with `yield from`: when a crashed pipe is thrown away, a
    # generator would close `rest` with it, and the inputs after the crash would be lost
    feed: Iterator[Article] = itertools.chain([first], rest)
    crashes = 0
    while True:
        pairs = ((article.text, article) for article in feed)
        parsed = 0
        try:
            for doc, article in extractor.nlp.pipe(pairs, as_tuples=True, n_process=workers,
                                                   batch_size=PIPE_BATCH):
                run.extracted(extractor, doc, article)
                parsed += 1
            return
        except Exception:
            crashes = 0 if parsed else crashes + 1
            if run.broken is not None or crashes >= MAX_PIPE_RESTARTS or not run.parsing:
                raise
        # spaCy gave up on a batch: the documents it held are parsed alone, then the pipe goes on
        run.retry_alone(extractor)
        if run.exhausted:
            return
        feed = rest
