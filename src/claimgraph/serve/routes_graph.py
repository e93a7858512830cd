"""GET /api/graph: nodes and edges for a neighbourhood or a filter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from claimgraph.errors import Code
from claimgraph.ontology import RELATIONS, STATUSES
from claimgraph.serve.common import ApiError, date_value, store_of

router = APIRouter(tags=["graph"])


@router.get("/api/graph")
def graph_json(request: Request,
               entity: str | None = Query(None, description="the actor at the centre: id, name or alias"),
               relation: str | None = Query(None), status: str | None = Query(None),
               since: str | None = Query(None, description="ISO date: evidence published on or after it"),
               until: str | None = Query(None, description="ISO date: evidence published on or before it"),
               limit: int = Query(150, ge=1, le=500, description="at most this many edges per part"),
               ) -> dict[str, Any]:
    """The neighbourhood of `entity` (its strongest links, then the links among its neighbours), or
    the strongest links overall; `truncated` says whether edges were left out."""
    from claimgraph.analyse.graph import graph

    if relation is not None and relation not in RELATIONS:
        raise ApiError(Code.BAD_REQUEST, f"relation {relation!r} is none of {', '.join(RELATIONS)}")
    if status is not None and status not in STATUSES:
        raise ApiError(Code.BAD_REQUEST, f"status {status!r} is none of {', '.join(STATUSES)}")
    store = store_of(request)
    if entity is not None and not store.match_entities(entity):
        raise ApiError(Code.UNKNOWN_ENTITY, f"no stored entity is called {entity!r}")
    return graph(store, entity=entity, relation=relation, status=status, since=date_value(since),
                 until=date_value(until, "until"), limit=limit)
