"""Rendering a page: one Jinja2 environment (autoescape on for every template), its helpers, and
PageError, the error a page raises to answer with an HTML error page instead of JSON."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from claimgraph.errors import Code
from claimgraph.ontology import ENTITY_TYPES, RELATIONS, STATUSES

_WEB_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PageError(Exception):
    """Answered as the HTML error page with this status; `code` is the stable error code shown."""

    def __init__(self, status: int, code: Code, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def url(path: str, **query: Any) -> str:
    """`path` with the query parameters that have a value (empty filters stay out of the URL)."""
    kept = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def day(value: str | None) -> str:
    """The date part of an ISO date-time; the store keeps what the source gave."""
    return (value or "")[:10]


def words(name: str | None) -> str:
    """A relation or status as words: "cooperates_with" -> "cooperates with"."""
    return (name or "").replace("_", " ")


def safe_url(value: str | None) -> str | None:
    """The URL when it is http(s); anything else (javascript:, data:) must never become a link."""
    return value if value and _WEB_URL.match(value) else None


def _export_formats() -> list[Any]:
    from claimgraph.export.registry import formats

    return list(formats().values())


def _environment() -> jinja2.Environment:
    # autoescape=True for every template whatever its extension: all the text shown comes from
    # articles somebody else wrote.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(url=url, ENTITY_TYPES=ENTITY_TYPES, RELATIONS=RELATIONS, STATUSES=STATUSES,
                       export_formats=_export_formats)
    env.filters.update(day=day, words=words, safe_url=safe_url)
    return env


ENV = _environment()


def render(request: Request, template: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
    """The template rendered with `context`, plus `request` and the search box's current query."""
    values = {"request": request, "q": request.query_params.get("q", ""), **context}
    return HTMLResponse(ENV.get_template(template).render(values), status_code=status)


def error_page(request: Request, error: PageError) -> HTMLResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def not_found(what: str, key: str, code: Code = Code.UNKNOWN_ENTITY) -> PageError:
    return PageError(404, code, f"no stored {what} has the key {key!r}")
