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
def show_entity(request: Request, entity_id: str, page: Paged) -> dict[str, Any]:
    """One entity (an id, name or alias; a merged id stands for the entity it was merged into) with
    its aliases and knowledge-base facts, its links by relation, and one page of its links."""
    from claimgraph.analyse.links import entity_links, links_page
    from claimgraph.cli_links import link_json

    store = store_of(request)
    found = store.entity(entity_id)
    if found is None:
        raise ApiError(Code.UNKNOWN_ENTITY, f"no stored entity has the id {entity_id!r}")
    total, links = links_page(store, entity=found["id"], limit=page.limit, offset=page.offset)
    relations = [{key: group[key] for key in ("relation", "total", "by_status")}
                 for group in entity_links(store, found["id"], per_relation=0)]
    return {"entity": found, "relations": relations, "links_total": total, "limit": page.limit,
            "offset": page.offset, "links": [link_json(link) for link in links]}
