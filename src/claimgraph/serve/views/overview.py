"""GET /: the overview of the store."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.serve.common import store_of
from claimgraph.serve.views.render import render

router = APIRouter(include_in_schema=False)
TOP = 10


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    """Counts, the most contested links, the newest claims and the most connected actors."""
    from claimgraph.analyse.links import links_page, most_connected, status_counts

    store = store_of(request)
    by_status = status_counts(store)
    return render(request, "overview.html", {
        "nav": "overview",
        "counts": store.counts(),
        "links_total": sum(by_status.values()),
        "by_status": list(by_status.items()),
        "contested": links_page(store, status="contested", limit=TOP)[1],
        "newest": store.newest_claims(limit=TOP),
        "actors": most_connected(store, limit=TOP),
    })
