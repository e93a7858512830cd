"""GET /api/entities and /api/entities/{id}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from claimgraph.errors import Code
from claimgraph.ontology import ENTITY_TYPES
from claimgraph.serve.common import ApiError, Paged, store_of

router = APIRouter(tags=["entities"])


@router.get("/api/entities")
def list_entities(request: Request, page: Paged,
                  type: str | None = Query(None, description="an entity type"),
                  q: str | None = Query(None, description="part of a name, or an id, name or alias"),
                  ) -> dict[str, Any]:
    """Stored entities, most claimed first."""
    if type is not None and type not in ENTITY_TYPES:
        raise ApiError(Code.BAD_REQUEST, f"type {type!r} is none of {', '.join(ENTITY_TYPES)}")
    store = store_of(request)
    rows = store.entities(type)
    if q is not None and q.strip():
        matched = set(store.match_entities(q))
        needle = q.strip().casefold()
        rows = [row for row in rows if row["id"] in matched or needle in row["name"].casefold()]
    return page.of(rows)


@router.get("/api/entities/{entity_id}")
def show_entity(request: Request, entity_id: str) -> dict[str, Any]:
    """One entity (an id; a merged id stands for the entity it was merged into) and its links."""
    from claimgraph.analyse.links import assess
    from claimgraph.cli_links import link_json

    store = store_of(request)
    rows = {row["id"]: row for row in store.entities()}
    found = rows.get(entity_id)
    if found is None:
        ids = [i for i in store.match_entities(entity_id) if i in rows]
        if len(ids) != 1:
            raise ApiError(Code.UNKNOWN_ENTITY, f"no stored entity has the id {entity_id!r}")
        found = rows[ids[0]]
    links = assess(store, entity=found["id"])
    return {"entity": found, "links": [link_json(link) for link in links]}
