"""GET /search?q=: documents and claims matching every word, with the hits marked."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.errors import ClaimgraphError
from claimgraph.serve.common import store_of
from claimgraph.serve.views.highlight import snippet
from claimgraph.serve.views.params import Pager, offset_of, page_number
from claimgraph.serve.views.render import PageError, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
MAX_QUERY = 500  # as GET /api/search


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str | None = None, page: str | None = None) -> HTMLResponse:
    from claimgraph.store.search import search

    query = (q or "").strip()[:MAX_QUERY]
    if not query:
        return render(request, "search.html", {"results": None})
    number = page_number(page)
    try:
        found = search(store_of(request), query, limit=PAGE_SIZE, offset=offset_of(number, PAGE_SIZE))
    except ClaimgraphError as exc:  # a query with no words
        raise PageError(400, exc.code, exc.message) from exc
    return render(request, "search.html", {
        "results": found,
        "documents": [(row, snippet(row["snippet"])) for row in found.documents],
        "claims": [(row, snippet(row["snippet"])) for row in found.claims],
        "pager": Pager(number, max(found.total_documents, found.total_claims), PAGE_SIZE),
    })
