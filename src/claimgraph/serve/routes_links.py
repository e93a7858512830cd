"""GET /api/links and /api/link?a=&b=."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query, Request

from claimgraph.errors import Code
from claimgraph.ontology import RELATIONS, STATUSES
from claimgraph.serve.common import ApiError, Paged, date_value, store_of

router = APIRouter(tags=["links"])


@router.get("/api/links")
def list_links(request: Request, page: Paged,
               entity: str | None = Query(None, description="an actor at either end: id, name or alias"),
               relation: str | None = Query(None), status: str | None = Query(None),
               since: str | None = Query(None, description="ISO date: evidence published on or after it"),
               until: str | None = Query(None, description="ISO date: evidence published on or before it"),
               speaker: str | None = Query(None, description="only the claims of this speaker"),
               ) -> dict[str, Any]:
    """Link assessment, strongest first."""
    from claimgraph.analyse.links import links_page
    from claimgraph.cli_links import link_json

    if status is not None and status not in STATUSES:
        raise ApiError(Code.BAD_REQUEST, f"status {status!r} is none of {', '.join(STATUSES)}")
    if relation is not None and relation not in RELATIONS:
        raise ApiError(Code.BAD_REQUEST, f"relation {relation!r} is none of {', '.join(RELATIONS)}")
    total, found = links_page(store_of(request), entity=entity, relation=relation, status=status,
                              since=date_value(since), until=date_value(until, "until"), speaker=speaker,
                              limit=page.limit, offset=page.offset)
    return {"total": total, "limit": page.limit, "offset": page.offset,
            "items": [link_json(link) for link in found]}


@router.get("/api/link")
def pair_evidence(request: Request, a: str = Query(..., description="an actor: id, name or alias"),
                  b: str = Query(..., description="another actor"),
                  since: str | None = Query(None), until: str | None = Query(None),
                  per_source: int = Query(20, ge=1, le=10_000,
                                          description="at most this many evidence items per source"),
                  ) -> dict[str, Any]:
    """The links between actors a and b and their evidence, for and against, by independent source:
    each source's earliest `per_source` items, and in `counts` how many each has."""
    from claimgraph.analyse.links import pair_page
    from claimgraph.cli_links import link_json

    store = store_of(request)
    for name in (a, b):
        if not store.match_entities(name):
            raise ApiError(Code.UNKNOWN_ENTITY, f"no stored entity is called {name!r}")
    found = pair_page(store, a, b, since=date_value(since), until=date_value(until, "until"),
                      per_source=per_source)
    return {
        "a": found.a, "a_name": found.a_name, "b": found.b, "b_name": found.b_name,
        "links": [link_json(item) for item in found.links],
        "affirming": {key: [asdict(e) for e in items] for key, items in found.affirming.items()},
        "denying": {key: [asdict(e) for e in items] for key, items in found.denying.items()},
        "counts": found.counts,
    }
