"""POST /api/ingest: one text into the store, through the same run as `claimgraph ingest`.

Writes need `Authorization: Bearer <token>` equal to $CLAIMGRAPH_TOKEN (read at each request); with
no token set, writes are disabled. The body is read up to MAX_BODY bytes, never more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from claimgraph.errors import Code
from claimgraph.serve.common import ApiError, store_of

if TYPE_CHECKING:
    from claimgraph.extract.pipeline import Extractor
    from claimgraph.store import Store

router = APIRouter(tags=["ingest"])
MAX_BODY = 1_000_000
TOKEN_ENV = "CLAIMGRAPH_TOKEN"
_LOCK = threading.Lock()  # one ingest at a time: one extractor, one writer


class IngestBody(BaseModel):
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


def check_token(request: Request) -> None:
    expected = os.environ.get(TOKEN_ENV, "")
    if not expected:
        raise ApiError(Code.WRITES_DISABLED, f"writes disabled: set ${TOKEN_ENV} to allow ingest")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(Code.NOT_AUTHENTICATED, "missing or invalid bearer token")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
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
        body = IngestBody.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise ApiError(Code.BAD_REQUEST, f"the body must be a JSON object with a \"text\" string ({problems})"
                       ) from exc
    if not body.text.strip():
        raise ApiError(Code.BAD_REQUEST, "\"text\" is empty")
    return body


def ingest_text(store: Store, body: IngestBody, extractor: Extractor | Any) -> dict[str, Any]:
    """Ingest one text as a one-line JSONL file, so `claimgraph ingest` reads it the same way."""
    from claimgraph.ingest_run import run_ingest

    record = body.model_dump(exclude_none=True)
    record["id"] = "api-" + hashlib.sha256(body.text.encode()).hexdigest()[:12]
    with tempfile.TemporaryDirectory(prefix="claimgraph-api-") as folder:
        path = Path(folder) / "request.jsonl"
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        report = run_ingest([str(path)], store, extractor, max_bytes=MAX_BODY * 2)
    data = report.to_json()
    data["doc"] = record["id"]
    return data


def _extractor(request: Request) -> Any:
    """The app's extractor, loaded on the first ingest that needs one (spaCy takes seconds)."""
    state = request.app.state
    if getattr(state, "extractor", None) is None:
        from claimgraph.extract.pipeline import Extractor

        state.extractor = Extractor(None)
    return state.extractor


@router.post(
    "/api/ingest", status_code=201,
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": IngestBody.model_json_schema()}}}},
    responses={200: {"description": "the text was already stored"}, 201: {"description": "stored"}},
)
async def ingest(request: Request) -> JSONResponse:
    """Ingest one text (`Authorization: Bearer $CLAIMGRAPH_TOKEN`; body at most 1 MB)."""
    from starlette.concurrency import run_in_threadpool

    check_token(request)
    body = parse_body(await read_body(request))
    store = store_of(request)

    def work() -> dict[str, Any]:
        with _LOCK:
            factory = request.app.state.extractor_factory or (lambda: _extractor(request))
            return ingest_text(store, body, factory)

    data = await run_in_threadpool(work)
    if data["failed"]:
        item = data["failed"][0]
        code = Code(item["code"]) if item["code"] in {c.value for c in Code} else Code.BAD_REQUEST
        raise ApiError(code, item["reason"], status=500 if code is Code.EXTRACTION_FAILED else 400)
    return JSONResponse(data, status_code=201 if data["new"] or data["skipped"] else 200)
