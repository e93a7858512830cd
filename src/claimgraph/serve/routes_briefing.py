"""GET /api/briefing/{entity}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from claimgraph.serve.common import date_value, store_of

router = APIRouter(tags=["briefing"])


@router.get("/api/briefing/{entity}")
def briefing(request: Request, entity: str, format: str = Query("md", pattern="^(md|html)$"),
             since: str | None = Query(None)) -> dict[str, Any]:
    """The briefing on one actor (id, name or alias), rendered as Markdown or HTML inside JSON."""
    from claimgraph.analyse.brief import RENDERERS, build_briefing

    built = build_briefing(store_of(request), entity, since=date_value(since))
    return {"entity": built.entity, "entity_name": built.entity_name, "since": built.since,
            "format": format, "content": RENDERERS[format](built)}
