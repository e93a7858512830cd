"""GET /api/claims."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from claimgraph.errors import Code
from claimgraph.ontology import RELATIONS
from claimgraph.serve.common import ApiError, Paged, store_of

router = APIRouter(tags=["claims"])


@router.get("/api/claims")
def list_claims(request: Request, page: Paged,
                entity: str | None = Query(None, description="subject or object: an id, name or alias"),
                relation: str | None = Query(None),
                speaker: str | None = Query(None, description="an id, name or alias")) -> dict[str, Any]:
    """Stored claims in ingestion and text order."""
    if relation is not None and relation not in RELATIONS:
        raise ApiError(Code.BAD_REQUEST, f"relation {relation!r} is none of {', '.join(RELATIONS)}")
    return page.of(store_of(request).claims(entity=entity, relation=relation, speaker=speaker))
