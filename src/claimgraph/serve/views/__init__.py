"""The server-rendered web UI (Jinja2 templates in serve/templates, files in serve/static).

Every page module has a `router`; install() adds them after the JSON API, with the static files,
the security headers and the HTML error page of PageError.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from claimgraph.serve.views import (
    document_page,
    entity_page,
    graph_page,
    ingest_page,
    link_pages,
    overview,
    search_page,
)
from claimgraph.serve.views.render import PageError, error_page
from claimgraph.serve.views.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = (overview, graph_page, entity_page, link_pages, document_page, search_page, ingest_page)


def install(app: FastAPI) -> None:
    """Add the UI's pages, its static files and the security headers to the app."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        app.include_router(module.router)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> HTMLResponse:
        return error_page(request, exc)

    app.add_middleware(SecurityHeaders)
