"""POST /api/ingest and /api/ingest/file: a text, a web page or a file into the store, through the
same run as `claimgraph ingest` (`run_ingest`), so the API stores exactly what the command line would.

Writes need `Authorization: Bearer <token>` equal to $CLAIMGRAPH_TOKEN (read at each request); with
no token set, writes are disabled. Bodies are read up to their limit, never more.

`ingest_payload` is the one path every caller takes (these routes and the UI's form handler): it
checks the input, runs the ingest under the module lock and turns a failed input into an ApiError.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import tempfile
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from claimgraph.errors import Code
from claimgraph.serve.common import ApiError

if TYPE_CHECKING:
    from starlette.datastructures import FormData, Headers

    from claimgraph.store import Store

router = APIRouter(tags=["ingest"])
MAX_BODY = 1_000_000  # a JSON request body, and a text given by the UI
MAX_UPLOAD = 1_000_000  # an uploaded file
MULTIPART_SLACK = 16_384  # room for the boundaries and part headers around the file in a multipart body
MAX_PAGE = 10_000_000  # a fetched page: the default of `claimgraph ingest --max-bytes`
UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".jsonl", ".xml"})
TOKEN_ENV = "CLAIMGRAPH_TOKEN"
_LOCK = threading.Lock()  # one ingest at a time: one extractor, one writer
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# A failed input is the client's fault (400) unless the server or the fetched site failed.
_FAILURE_STATUS = {Code.EXTRACTION_FAILED: 500, Code.STORE_WRITE: 500, Code.UNREACHABLE: 502,
                   Code.HTTP_STATUS: 502}


class IngestBody(BaseModel):
    text: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class _Input:
    """One checked request: exactly one of a text (with its metadata), a URL or an upload."""

    text: str | None = None
    url: str | None = None
    upload: tuple[str, bytes] | None = None  # (sanitised file name, content)
    record: dict[str, str] = field(default_factory=dict)  # the JSONL record of a text


# --- the token --------------------------------------------------------------------------------------
def check_token_value(given: str | None) -> None:
    """Raise E411 when writes are disabled, E410 unless `given` is the server's token."""
    expected = os.environ.get(TOKEN_ENV, "")
    if not expected:
        raise ApiError(Code.WRITES_DISABLED, f"writes disabled: set ${TOKEN_ENV} to allow ingest")
    # compare_digest: the time taken must not tell how much of a guessed token was right
    if given is None or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(Code.NOT_AUTHENTICATED, "missing or invalid bearer token")


def check_token(request: Request) -> None:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    check_token_value(given if scheme.lower() == "bearer" else None)


# --- reading bodies ---------------------------------------------------------------------------------
async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused by its declared length first, then as soon as what arrives passes `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(Code.REQUEST_TOO_LARGE, f"the body is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(Code.REQUEST_TOO_LARGE, f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_body(raw: bytes) -> IngestBody:
    try:
        return IngestBody.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise ApiError(Code.BAD_REQUEST, "the body must be a JSON object with a \"text\" or a \"url\" "
                       f"string ({problems})") from exc


async def read_upload(request: Request) -> tuple[str, bytes]:
    """The `file` field of a multipart body: (the client's file name, its content)."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(Code.BAD_REQUEST, "send the file as multipart/form-data in a field named \"file\"")
    form = await _parse_multipart(request.headers, await read_body(request, MAX_UPLOAD + MULTIPART_SLACK))
    try:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(Code.BAD_REQUEST, "the multipart body has no file in a field named \"file\"")
        return upload.filename or "", await upload.read()
    finally:
        await form.close()


async def _parse_multipart(headers: Headers, raw: bytes) -> FormData:
    """Parse a body already read (within its limit), rather than let Starlette stream one unbounded."""
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def once() -> AsyncGenerator[bytes, None]:
        yield raw

    parser = MultiPartParser(headers, once(), max_files=1, max_fields=20, max_part_size=MAX_UPLOAD + 1)
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise ApiError(Code.BAD_REQUEST, f"malformed multipart body: {exc.message}") from exc


# --- checking what to ingest ------------------------------------------------------------------------
def _blank(value: str | None) -> bool:
    """A form's empty field counts as not given."""
    return value is None or not value.strip()


def upload_name(filename: str) -> str:
    """The client's file name made safe for a temporary folder, with one of the accepted suffixes.

    The stem becomes the document key, as `claimgraph ingest FILE` names documents by their stem.
    """
    base = re.split(r"[\\/]", filename)[-1]
    stem, suffix = os.path.splitext(base)
    if suffix.lower() not in UPLOAD_SUFFIXES:
        known = ", ".join(sorted(UPLOAD_SUFFIXES))
        raise ApiError(Code.UNSUPPORTED_FILE, f"cannot read {suffix or 'files without an extension'} "
                       f"uploads; known extensions: {known}")
    return (_UNSAFE.sub("-", stem).strip(".-_")[:64] or "upload") + suffix.lower()


def _no_metadata(what: str, **metadata: str | None) -> None:
    given = [name for name, value in metadata.items() if not _blank(value)]
    if given:
        raise ApiError(Code.BAD_REQUEST, f"{', '.join(given)} go with a text only; {what} brings its own")


def checked_input(*, text: str | None, url: str | None, upload: tuple[str, bytes] | None,
                  title: str | None, outlet: str | None, published: str | None) -> _Input:
    """Exactly one of text, url (without text) and upload; a text's `url` is where it was published."""
    if upload is not None:
        if not _blank(text) or not _blank(url):
            raise ApiError(Code.BAD_REQUEST, "give a file, or a text, or a URL: not more than one")
        _no_metadata("a file", title=title, outlet=outlet, published=published)
        if len(upload[1]) > MAX_UPLOAD:
            raise ApiError(Code.REQUEST_TOO_LARGE, f"the file is over {MAX_UPLOAD} bytes")
        return _Input(upload=(upload_name(upload[0]), upload[1]))
    if text is not None and not _blank(text):
        return _text_input(text, url=url, title=title, outlet=outlet, published=published)
    if not _blank(url):
        return _url_input(str(url), title=title, outlet=outlet, published=published)
    if text is not None:
        raise ApiError(Code.BAD_REQUEST, "\"text\" is empty")
    raise ApiError(Code.BAD_REQUEST, "give one of \"text\", \"url\" or a file")


def _text_input(text: str, **metadata: str | None) -> _Input:
    import hashlib

    if len(text.encode()) > MAX_BODY:
        raise ApiError(Code.REQUEST_TOO_LARGE, f"the text is over {MAX_BODY} bytes")
    record = {key: value.strip() for key, value in metadata.items() if value is not None and value.strip()}
    # the id depends on the text alone, so sending the same text twice names the same document
    record["id"] = "api-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    return _Input(text=text, record={**record, "text": text})


def _url_input(url: str, **metadata: str | None) -> _Input:
    from claimgraph.ingest.urls import is_url

    url = url.strip()
    # run_ingest reads anything else as a path on the server's disk: that must never come from a client
    if not is_url(url):
        raise ApiError(Code.BAD_REQUEST, f"url {url!r} must start with http:// or https://")
    _no_metadata("a web page", **metadata)
    return _Input(url=url)


# --- running the ingest -----------------------------------------------------------------------------
def default_extractor(app: FastAPI) -> Any:
    """The app's spaCy extractor, loaded on the first ingest that needs one (it takes seconds)."""
    state = app.state
    if getattr(state, "extractor", None) is None:
        from claimgraph.extract.pipeline import Extractor

        state.extractor = Extractor(None)
    return state.extractor


def _allow_private(app: FastAPI) -> bool:
    # create_app does not know the option yet; an app without it keeps private addresses refused
    return getattr(app.state, "allow_private", False) is True


def _source(given: _Input, folder: Path) -> tuple[str, int]:
    """What run_ingest reads (a file in `folder`, or the URL) and the size limit it reads it under."""
    if given.upload is not None:
        name, content = given.upload
        path = folder / name
        path.write_bytes(content)
        return str(path), MAX_UPLOAD
    if given.text is not None:
        # a one-line JSONL file: `claimgraph ingest` reads a text with its metadata the same way
        path = folder / "request.jsonl"
        path.write_text(json.dumps(given.record, ensure_ascii=False) + "\n", encoding="utf-8")
        return str(path), MAX_BODY * 2  # JSON escapes may double the text's size
    return str(given.url), MAX_PAGE


def _last_document(store: Store) -> int:
    from sqlalchemy import func, select

    from claimgraph.store.schema import documents

    with store.engine.connect() as conn:
        return int(conn.execute(select(func.max(documents.c.id))).scalar() or 0)


def _new_keys(store: Store, after: int, source: str) -> list[str]:
    """Keys of the documents this run stored: newer than `after`, read from `source` (a file, one of
    its JSONL lines "path:N", or a feed's entries "url#entry N")."""
    from sqlalchemy import select

    from claimgraph.store.schema import documents

    query = select(documents.c.doc_key, documents.c.source).where(documents.c.id > after)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(documents.c.id)).all()
    return [key for key, found in rows if found == source or found.startswith((f"{source}:", f"{source}#"))]


def _key_of_text(store: Store, text: str) -> str | None:
    """The key of the stored document with this text (a duplicate's), found by its hash."""
    from sqlalchemy import select

    from claimgraph.model import document_hash
    from claimgraph.store.schema import documents

    query = select(documents.c.doc_key).where(documents.c.hash == document_hash(text))
    with store.engine.connect() as conn:
        key = conn.execute(query).scalar()
    return None if key is None else str(key)


def _run(app: FastAPI, given: _Input) -> dict[str, Any]:
    from claimgraph.ingest_run import run_ingest

    store: Store = app.state.store
    factory = app.state.extractor_factory or (lambda: default_extractor(app))
    with tempfile.TemporaryDirectory(prefix="claimgraph-api-") as folder:
        source, limit = _source(given, Path(folder))
        before = _last_document(store)
        report = run_ingest([source], store, factory, max_bytes=limit, allow_private=_allow_private(app))
        data = report.to_json()
        data["docs"] = _new_keys(store, before, source)
    text_key = _key_of_text(store, given.text) if given.text is not None and not data["docs"] else None
    data["doc"] = data["docs"][0] if data["docs"] else text_key
    return data


def _raise_if_nothing_ingested(data: dict[str, Any]) -> None:
    """An input that gave no document is an error; one bad line among good ones is only reported."""
    if data["new"] or data["duplicate"] or data["skipped"]:
        return
    if not data["failed"]:
        raise ApiError(Code.EMPTY, "the input holds no document")
    item = data["failed"][0]
    code = Code(item["code"]) if item["code"] in {c.value for c in Code} else Code.BAD_REQUEST
    raise ApiError(code, item["reason"], status=_FAILURE_STATUS.get(code, 400))


def ingest_payload(app: FastAPI, *, text: str | None = None, url: str | None = None,
                   upload: tuple[str, bytes] | None = None, title: str | None = None,
                   outlet: str | None = None, published: str | None = None) -> dict[str, Any]:
    """Ingest a text, a URL or an uploaded (file name, bytes) into the app's store; blocking.

    The answer is the ingest report (`new`, `duplicate`, `skipped`, `failed`, ...) with `doc`, the
    key of the stored document (None when unknown, as for a duplicate page), and `docs`, the keys of
    every document stored. Bad input, or an input that gave no document, raises ApiError; the token
    is the caller's to check (check_token_value).
    """
    given = checked_input(text=text, url=url, upload=upload, title=title, outlet=outlet,
                          published=published)
    with _LOCK:
        data = _run(app, given)
    _raise_if_nothing_ingested(data)
    return data


def _answer(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(data, status_code=201 if data["new"] or data["skipped"] else 200)


# --- the routes -------------------------------------------------------------------------------------
_UPLOAD_SCHEMA = {"type": "object", "required": ["file"],
                  "properties": {"file": {"type": "string", "format": "binary"}}}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "already stored (`duplicate`)"}, 201: {"description": "stored"}}


@router.post(
    "/api/ingest", status_code=201, responses=_ANSWERS,
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": IngestBody.model_json_schema()}}}},
)
async def ingest(request: Request) -> JSONResponse:
    """Ingest a text (`text`, with optional `title`, `url`, `outlet`, `published`) or fetch a web page
    (`url` alone). `Authorization: Bearer $CLAIMGRAPH_TOKEN`; body at most 1 MB."""
    from starlette.concurrency import run_in_threadpool

    check_token(request)
    body = parse_body(await read_body(request))
    data = await run_in_threadpool(lambda: ingest_payload(request.app, **body.model_dump()))
    return _answer(data)


@router.post(
    "/api/ingest/file", status_code=201, responses=_ANSWERS,
    openapi_extra={"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": _UPLOAD_SCHEMA}}}},
)
async def ingest_file(request: Request) -> JSONResponse:
    """Ingest an uploaded file (multipart field `file`: .txt, .md, .html, .htm, .jsonl or .xml, at most
    1 MB), read as `claimgraph ingest FILE` reads it. `Authorization: Bearer $CLAIMGRAPH_TOKEN`."""
    from starlette.concurrency import run_in_threadpool

    check_token(request)
    upload = await read_upload(request)
    data = await run_in_threadpool(lambda: ingest_payload(request.app, upload=upload))
    return _answer(data)
