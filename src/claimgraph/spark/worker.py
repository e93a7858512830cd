"""What runs inside Spark's Python workers: cutting files into units, extracting, writing.

The functions given to `mapInPandas` are this module's, bound to a `Settings` with
functools.partial, so Spark pickles them by reference and every Python worker imports this module
once. Spark reuses its Python workers from task to task (`spark.python.worker.reuse`, on by
default and set by session.py), so the module-level caches below live as long as the worker: the
spaCy pipeline and the knowledge base are loaded once per worker process, not once per task.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from claimgraph.errors import Code
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure
from claimgraph.ingest_run import PIPE_BATCH, skip_reason
from claimgraph.model import Article
from claimgraph.spark.listing import Input, Locator
from claimgraph.spark.records import DOCUMENT, DUPLICATE, FAILED, Result, Unit, columns, dumps
from claimgraph.spark.sink import REPORT_COLUMNS, Sink, report_rows
from claimgraph.spark.units import explode, kind_of, outcomes

if TYPE_CHECKING:
    import pandas as pd

    from claimgraph.extract.pipeline import Extractor
    from claimgraph.store import Store

_EXTRACTORS: dict[str | None, Extractor] = {}  # by model name
_LOADS: list[str | None] = []  # each pipeline this process loaded: the tests check it is once
_STORE: dict[str, tuple[str, str, Store]] = {}  # "open": (job, url, store) of the current run


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs, pickled into every task."""

    job: str  # one per run: a worker keeps the store of the current run open, and only that one
    inputs: tuple[Input, ...]
    model: str | None = None
    max_bytes: int = 10_000_000
    allow_private: bool = False
    known_db: str | None = None  # a store to ask which texts it holds already: those are not parsed
    db: str | None = None  # the store the workers write (write_frames)
    batch_size: int = 200

    @property
    def options(self) -> Options:
        return Options(allow_private=self.allow_private, max_bytes=self.max_bytes)


def extractor_for(model: str | None) -> Extractor:
    """This process's extractor for the model, loaded on first use."""
    if model not in _EXTRACTORS:
        from claimgraph.extract.pipeline import Extractor

        _EXTRACTORS[model] = Extractor(model)
        _LOADS.append(model)
    return _EXTRACTORS[model]


def loads() -> list[str | None]:
    """The pipelines this process has loaded, in order."""
    return list(_LOADS)


def store_for(url: str, job: str) -> Store:
    """The run's store, opened once per worker; a new run closes the last run's."""
    current = _STORE.get("open")
    if current is not None and current[:2] == (job, url):
        return current[2]
    from claimgraph.store import open_store

    if current is not None:
        current[2].close()
    store = open_store(url)
    _STORE["open"] = (job, url, store)
    return store


# --- cutting files into units ------------------------------------------------------------------------
UNIT_COLUMNS = columns(Unit)


def explode_frames(frames: Iterator[pd.DataFrame], settings: Settings) -> Iterator[pd.DataFrame]:
    """(path, content) rows of Spark's binaryFile source to the units of UNIT_COLUMNS."""
    import pandas as pd

    locator = Locator(list(settings.inputs))
    for frame in frames:
        units: list[dict[str, Any]] = []
        for path, content in zip(frame["path"], frame["content"], strict=True):
            kind = kind_of(path)
            if kind is None:  # the name glob lets any .gz through; only .warc.gz is read
                continue
            number, source, key = locator.source(path)
            file = Unit(number, key, 0, kind, source, content)
            units += [asdict(unit) for unit in explode(file, settings.max_bytes)]
        if units:
            yield pd.DataFrame(units, columns=UNIT_COLUMNS)


# --- extracting --------------------------------------------------------------------------------------
RESULT_COLUMNS = columns(Result)


def extract_frames(frames: Iterator[pd.DataFrame], settings: Settings) -> Iterator[pd.DataFrame]:
    """Units to result rows (RESULT_COLUMNS): documents with their extraction, duplicates, failures."""
    import pandas as pd

    for frame in frames:
        rows = extract_rows(units_of(frame), settings)
        if rows:
            yield pd.DataFrame([asdict(row) for row in rows], columns=RESULT_COLUMNS)


def write_frames(frames: Iterator[pd.DataFrame], settings: Settings) -> Iterator[pd.DataFrame]:
    """Units to stored documents, in batches of settings.batch_size; yields this task's report rows
    (sink.REPORT_DDL) once its partition is written."""
    import pandas as pd

    assert settings.db is not None
    sink = Sink(store_for(settings.db, settings.job), settings.batch_size)
    for frame in frames:
        for row in extract_rows(units_of(frame), settings):
            sink.add(row)
    sink.flush()
    yield pd.DataFrame(report_rows(sink.report), columns=REPORT_COLUMNS)


def store_frames(frames: Iterator[pd.DataFrame], settings: Settings) -> Iterator[pd.DataFrame]:
    """Result rows (RESULT_COLUMNS) to stored documents: the one writer of a SQLite store."""
    import pandas as pd

    assert settings.db is not None
    sink = Sink(store_for(settings.db, settings.job), settings.batch_size)
    for frame in frames:
        for record in frame.to_dict("records"):
            sink.add(Result(**record))
    sink.flush()
    yield pd.DataFrame(report_rows(sink.report), columns=REPORT_COLUMNS)


def units_of(frame: pd.DataFrame) -> list[Unit]:
    return [Unit(**record) for record in frame.to_dict("records")]


def extract_rows(units: list[Unit], settings: Settings) -> list[Result]:
    """A result row for each item of the units, in order; English articles are parsed together."""
    known = store_for(settings.known_db, settings.job) if settings.known_db else None
    rows: list[Result | None] = []
    parse: list[tuple[int, Unit, Article]] = []
    for unit in units:
        for outcome in outcomes(unit, settings.options):
            if isinstance(outcome, Failure):
                code = outcome.error.code.value
                rows.append(Result.of(unit, FAILED, outcome.source, code=code, reason=str(outcome.error)))
            elif known is not None and _is_known(known, outcome):
                rows.append(Result.of(unit, DUPLICATE, outcome.source, doc=outcome.doc_id))
            elif (reason := skip_reason(outcome.language)) is not None:
                rows.append(_document(unit, outcome, None, f"skipped: {reason}"))
            else:
                parse.append((len(rows), unit, outcome))
                rows.append(None)
    for index, row in _extract([(unit, article) for _, unit, article in parse], settings.model):
        rows[parse[index][0]] = row
    return [row for row in rows if row is not None]


def _is_known(store: Store, article: Article) -> bool:
    try:
        return store.has_hash(article.hash)
    except Exception:  # noqa: BLE001 - the store decides again when it writes; parse to be safe
        return False


def _document(unit: Unit, article: Article, extraction: Any, status: str) -> Result:
    return Result.of(unit, DOCUMENT, article.source, doc=article.doc_id, status=status,
                     article=dumps(article), extraction=dumps(extraction) if extraction is not None else None)


def _extract(items: list[tuple[Unit, Article]], model: str | None) -> Iterator[tuple[int, Result]]:
    """(index, row) for each article: parsed with nlp.pipe, or one by one if spaCy gives up on the batch."""
    if not items:
        return
    extractor = extractor_for(model)
    texts = [article.text for _, article in items]
    try:
        docs: list[Any] = list(extractor.nlp.pipe(texts, batch_size=PIPE_BATCH))
    except Exception:  # noqa: BLE001 - so that one bad text fails alone, as in run_ingest
        docs = [_parse_alone(extractor, text) for text in texts]
    for index, ((unit, article), doc) in enumerate(zip(items, docs, strict=True)):
        try:
            if isinstance(doc, Exception):
                raise doc
            extraction = extractor.extract_doc(doc, article.doc_id)
        except Exception as error:  # noqa: BLE001 - one document's bad luck must not end the task
            code = Code.EXTRACTION_FAILED.value
            reason = f"{code} extraction failed: {type(error).__name__}: {error}"
            yield index, Result.of(unit, FAILED, article.source, doc=article.doc_id, code=code, reason=reason)
            continue
        yield index, _document(unit, article, extraction, "ok")


def _parse_alone(extractor: Extractor, text: str) -> Any:
    try:
        return extractor.nlp(text)
    except Exception as error:  # noqa: BLE001 - returned, and reported as that document's failure
        return error
