"""GET /api/documents, /api/documents/{key} and /api/search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request

from claimgraph.errors import Code
from claimgraph.serve.common import ApiError, Paged, store_of

router = APIRouter(tags=["documents"])


@router.get("/api/documents")
def list_documents(request: Request, page: Paged,
                   outlet: str | None = Query(None, description="only this outlet's documents")
                   ) -> dict[str, Any]:
    """Stored documents, newest published first (without their text)."""
    total, rows = store_of(request).documents(limit=page.limit, offset=page.offset, outlet=outlet)
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": rows}


@router.get("/api/documents/{key:path}")
def show_document(request: Request,
                  key: str = Path(..., description="a document key, or its numeric id")) -> dict[str, Any]:
    """One document: metadata, text, entity mentions and claims (both with offsets into the text, for
    highlighting), and the other documents of its story (copies and their origin)."""
    found = store_of(request).document(key)
    if found is None:
        raise ApiError(Code.UNKNOWN_DOCUMENT, f"no stored document has the key {key!r}")
    return found


@router.get("/api/search")
def search_text(request: Request, page: Paged,
                q: str = Query(..., min_length=1, max_length=500,
                               description='words and "quoted phrases"; all must match')) -> dict[str, Any]:
    """Full-text search over document titles and texts and claim evidence. Snippets are lists of
    [text, is_hit] pieces."""
    from claimgraph.store.search import search

    found = search(store_of(request), q, limit=page.limit, offset=page.offset)
    return {"query": found.query, "limit": page.limit, "offset": page.offset,
            "total_documents": found.total_documents, "total_claims": found.total_claims,
            "documents": found.documents, "claims": found.claims}
