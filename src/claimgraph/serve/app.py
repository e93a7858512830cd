"""create_app(db_url): the FastAPI app of `claimgraph serve`, on one store opened for its lifetime."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.serve import (
    routes_briefing,
    routes_claims,
    routes_documents,
    routes_entities,
    routes_export,
    routes_graph,
    routes_ingest,
    routes_links,
    views,
)
from claimgraph.serve.common import HTTP_STATUS, ApiError, error_response
from claimgraph.serve.views.render import PageError, error_page

ALLOW_PRIVATE_ENV = "CLAIMGRAPH_ALLOW_PRIVATE"


def create_app(db_url: str | None = None, *, extractor: Callable[[], Any] | None = None,
               allow_private: bool = False) -> FastAPI:
    """The API on the store at `db_url` (None: $CLAIMGRAPH_DB, else ./claimgraph.db).

    `extractor` is a factory of the extractor used by POST /api/ingest (default: the spaCy pipeline
    of $CLAIMGRAPH_MODEL, loaded on the first text that needs it). `allow_private` lets ingest by URL
    fetch private and loopback addresses.
    """
    from claimgraph.store import open_store

    store = open_store(db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="claimgraph", summary="Alleged links between state actors and armed, criminal "
                  "or terrorist organisations, with their sources", version="0.1.0", lifespan=lifespan)
    app.state.store = store
    app.state.extractor = None
    app.state.extractor_factory = extractor
    app.state.allow_private = allow_private
    for module in (routes_entities, routes_claims, routes_links, routes_graph, routes_documents,
                   routes_briefing, routes_ingest, routes_export):
        app.include_router(module.router)
    views.install(app)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.code, exc.message, exc.status)

    @app.exception_handler(ClaimgraphError)
    async def claimgraph_error(request: Request, exc: ClaimgraphError) -> JSONResponse:
        return error_response(exc.code, exc.message, HTTP_STATUS.get(exc.code, 500))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return error_response(Code.BAD_REQUEST, problems or "bad request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = Code.NO_ROUTE if exc.status_code in (404, 405) else Code.BAD_REQUEST
        if _wants_page(request):
            return error_page(request, PageError(exc.status_code, code, f"no page at {request.url.path}"))
        return error_response(code, str(exc.detail), exc.status_code, headers=exc.headers)

    return app


def app_from_environment() -> FastAPI:
    """The app of one of several server processes (`claimgraph serve --workers N`): the store of
    $CLAIMGRAPH_DB, private addresses allowed when $CLAIMGRAPH_ALLOW_PRIVATE is set."""
    return create_app(None, allow_private=bool(os.environ.get(ALLOW_PRIVATE_ENV)))


def _wants_page(request: Request) -> bool:
    """A browser asking for a page outside the API gets the HTML error page; programs get JSON."""
    return (request.method == "GET" and not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))
