"""GET /links (a paged list of assessed links) and GET /link?a=&b= (two actors and their evidence)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.serve.common import store_of
from claimgraph.serve.views.actors import aliases_of, resolve, resolve_optional
from claimgraph.serve.views.evidence import grouped
from claimgraph.serve.views.params import PAGE_SIZE, Filters, Pager, offset_of, page_number, required
from claimgraph.serve.views.render import render

router = APIRouter(include_in_schema=False)
PER_SOURCE = 5  # evidence items shown per independent source; /api/link gives the rest
MAX_SOURCES = 25  # independent sources shown on each side, those with the most evidence first


@router.get("/links", response_class=HTMLResponse)
def links(request: Request, entity: str | None = None, relation: str | None = None,
          status: str | None = None, since: str | None = None, until: str | None = None,
          page: str | None = None) -> HTMLResponse:
    """Assessed links, strongest first, PAGE_SIZE a page."""
    from claimgraph.analyse.links import links_page

    store = store_of(request)
    filters = Filters.parse(relation, status, since, until)
    actor = resolve_optional(store, entity)
    number = page_number(page)
    query = {"entity": actor["id"] if actor else None, **filters.query()}
    total, found = links_page(store, limit=PAGE_SIZE, offset=offset_of(number), **query)
    return render(request, "links.html", {
        "actor": actor, "filters": filters, "links": found, "pager": Pager(number, total), "query": query,
    })


@router.get("/link", response_class=HTMLResponse)
def link(request: Request, a: str | None = None, b: str | None = None,
         since: str | None = None) -> HTMLResponse:
    """The links between a and b, with the evidence for and against by independent source (the
    earliest PER_SOURCE items of each)."""
    from claimgraph.analyse.links import pair_page

    store = store_of(request)
    one, other = resolve(store, required("a", a)), resolve(store, required("b", b))
    filters = Filters.parse(None, None, since, None)
    found = pair_page(store, one["id"], other["id"], since=filters.since, per_source=PER_SOURCE,
                      max_sources=MAX_SOURCES)
    names = [*aliases_of(one), *aliases_of(other)]
    return render(request, "link.html", {
        "pair": found, "one": one, "other": other, "filters": filters,
        "for_sources": grouped(found.affirming, names, found.counts.get("affirming")),
        "against_sources": grouped(found.denying, names, found.counts.get("denying")),
        "sources_for": len(found.counts.get("affirming", {})),
        "sources_against": len(found.counts.get("denying", {})),
    })
