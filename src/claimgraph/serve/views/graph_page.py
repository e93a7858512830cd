"""GET /graph?entity=&relation=&status=&since=&until=: an actor's neighbourhood (or the strongest
links overall), drawn by static/graph.js from GET /api/graph, and listed as plain links beside it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.serve.common import store_of
from claimgraph.serve.views.actors import resolve_optional
from claimgraph.serve.views.params import Filters
from claimgraph.serve.views.render import render, url

router = APIRouter(include_in_schema=False)
TOP_ACTORS = 12


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request, entity: str | None = None, relation: str | None = None,
               status: str | None = None, since: str | None = None,
               until: str | None = None) -> HTMLResponse:
    from claimgraph.analyse.graph import graph

    store = store_of(request)
    filters = Filters.parse(relation, status, since, until)
    actor = resolve_optional(store, entity)
    query = {"entity": actor["id"] if actor else None, **filters.query()}
    drawn = graph(store, **query)
    names = {node["id"]: node["name"] for node in drawn["nodes"]}
    return render(request, "graph.html", {
        "nav": "graph", "actor": actor, "filters": filters, "graph": drawn, "names": names,
        "source": url("/api/graph", **query),
        "actors": [] if actor else store.entities(limit=TOP_ACTORS),
    })
