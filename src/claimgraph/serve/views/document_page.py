"""GET /document/{key}: one stored article with its mentions and claims highlighted, and its story."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.errors import Code
from claimgraph.serve.common import store_of
from claimgraph.serve.views.highlight import document_spans, segments
from claimgraph.serve.views.render import not_found, render

router = APIRouter(include_in_schema=False)


@router.get("/document/{key:path}", response_class=HTMLResponse)
def document(request: Request, key: str) -> HTMLResponse:
    found = store_of(request).document(key)
    if found is None:
        raise not_found("document", key, Code.UNKNOWN_DOCUMENT)
    text = found.get("text") or ""
    return render(request, "document.html", {
        "doc": found,
        "segments": segments(text, document_spans(found["mentions"], found["claims"])),
    })
