"""GET /entity/{id}: one actor, its links by relation, its claims over time and who reports them;
GET /entity/{id}/briefing and /entity/{id}/briefing.html: its briefing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from claimgraph.serve.common import store_of
from claimgraph.serve.views.actors import alias_names, resolve
from claimgraph.serve.views.render import render

router = APIRouter(include_in_schema=False)
PER_RELATION = 10
BAR_STEPS = 20  # the timeline's bars are drawn in steps of 5% (CSS classes, no style attributes)
# The briefing renderer's own policy (inline CSS, no script at all), framed by our own pages only.
BRIEFING_FRAME_ANCESTORS = "frame-ancestors 'self'"


def bars(timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each month with the length of its bars, in BAR_STEPS steps of the busiest month."""
    top = max([max(row["affirmed"], row["denied"]) for row in timeline] + [1])

    def step(n: int) -> int:
        return -(-n * BAR_STEPS // top)  # rounded up, so one claim is never an empty bar

    return [{**row, "affirmed_step": step(row["affirmed"]), "denied_step": step(row["denied"])}
            for row in timeline]


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str) -> HTMLResponse:
    from claimgraph.analyse.links import entity_links
    from claimgraph.analyse.profiles import entity_overview

    store = store_of(request)
    found = resolve(store, entity_id)
    profile = entity_overview(store, found["id"])
    return render(request, "entity.html", {
        "entity": found, "aliases": [name for name in alias_names(found) if name != found["name"]],
        "groups": entity_links(store, found["id"], per_relation=PER_RELATION),
        "timeline": bars(profile["timeline"]), "sources": profile["sources"],
    })


@router.get("/entity/{entity_id}/briefing", response_class=HTMLResponse)
def briefing(request: Request, entity_id: str) -> HTMLResponse:
    """Our page around the briefing, which is framed from /briefing.html in a sandbox."""
    found = resolve(store_of(request), entity_id)
    return render(request, "briefing.html", {"entity": found})


@router.get("/entity/{entity_id}/briefing.html", response_class=HTMLResponse)
def briefing_document(request: Request, entity_id: str) -> HTMLResponse:
    """The briefing exactly as analyse/brief.py renders it: a whole page that escapes every stored
    text, with inline CSS and no script. It keeps the renderer's own strict policy (which allows
    that inline CSS and nothing else) instead of the UI's."""
    from claimgraph.analyse.brief import CSP, build_briefing, render_html

    store = store_of(request)
    found = resolve(store, entity_id)
    content = render_html(build_briefing(store, found["id"]))
    policy = f"{CSP}; object-src 'none'; {BRIEFING_FRAME_ANCESTORS}"
    return HTMLResponse(content, headers={"Content-Security-Policy": policy})
