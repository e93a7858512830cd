"""GET /ingest (the form) and POST /ingest (check the token, ingest, show the report).

The work is routes_ingest's: the same token check and the same ingest as POST /api/ingest, so the
form and the API cannot drift apart. Their errors (ApiError) are shown on the page with their code
and HTTP status.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from claimgraph.errors import Code
from claimgraph.serve.common import ApiError
from claimgraph.serve.views.render import render

router = APIRouter(include_in_schema=False)
METADATA = ("url", "title", "outlet", "published")
FIELDS = ("text", "file", "token", *METADATA)
FORM_SLACK = 64_000  # the small fields around the text or the file


def _limit() -> int:
    """The largest form we read: a text or a file at the API's limit, plus the rest of the form."""
    from claimgraph.serve.routes_ingest import MAX_BODY, MAX_UPLOAD

    return max(MAX_BODY, MAX_UPLOAD) + FORM_SLACK


def _form_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = {"nav": "ingest", "fields": {}, "report": None, "error": None, **context}
    return render(request, "ingest.html", values, status=status)


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> HTMLResponse:
    return _form_page(request)


def _value(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _fields(form: FormData) -> dict[str, str | None]:
    """The text exactly as pasted (its offsets are what gets stored); the short fields trimmed."""
    fields = {name: (value.strip() if (value := _value(form, name)) else None) for name in METADATA}
    return {"text": _value(form, "text"), **fields}


async def _upload(form: FormData) -> tuple[str, bytes] | None:
    """The uploaded file (a browser sends an empty part when none is chosen)."""
    part = form.get("file")
    if not isinstance(part, UploadFile) or not part.filename:
        return None
    return part.filename, await part.read(_limit() + 1)


async def _read_form(request: Request) -> FormData:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _limit():
        raise ApiError(Code.REQUEST_TOO_LARGE, f"the form is over {_limit()} bytes")
    try:
        return await request.form(max_files=1, max_fields=len(FIELDS), max_part_size=_limit())
    except HTTPException as exc:  # Starlette's answer to a malformed multipart body
        raise ApiError(Code.BAD_REQUEST, f"the form cannot be read: {exc.detail}") from exc


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_submit(request: Request) -> HTMLResponse:
    """Ingest the pasted text, the URL or the file; nothing is ingested without the token."""
    from claimgraph.serve.routes_ingest import check_token_value, ingest_payload

    fields: dict[str, str | None] = {}
    try:
        form = await _read_form(request)
        fields = _fields(form)
        check_token_value(_value(form, "token"))
        upload = await _upload(form)
        report = await run_in_threadpool(lambda: ingest_payload(request.app, upload=upload, **fields))
    except ApiError as error:
        return _form_page(request, status=error.status, fields=fields, error=error)
    return _form_page(request, report=report)
