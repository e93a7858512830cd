"""What every route shares: the store of the app, pagination, JSON errors with stable codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from claimgraph.errors import Code

if TYPE_CHECKING:
    from claimgraph.store import Store

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # the databases take 64-bit offsets; a larger one must be a 400, not a 500
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?([T ][0-9:.+Z-]*)?$")

# The HTTP status of each code the API answers with.
HTTP_STATUS: dict[Code, int] = {
    Code.UNKNOWN_ENTITY: 404,
    Code.UNKNOWN_DOCUMENT: 404,
    Code.NOT_AUTHENTICATED: 401,
    Code.WRITES_DISABLED: 403,
    Code.REQUEST_TOO_LARGE: 413,
    Code.BAD_REQUEST: 400,
    Code.BAD_OPTION: 400,
    Code.NO_ROUTE: 404,
    Code.ANALYSIS_INVALID: 500,
    Code.STORE_WRITE: 500,
}


class ApiError(Exception):
    """An error answered as {"error": {"code": ..., "message": ...}} with its HTTP status."""

    def __init__(self, code: Code, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or HTTP_STATUS.get(code, 400)


def error_response(code: Code, message: str, status: int | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code.value, "message": message}},
                        status_code=status or HTTP_STATUS.get(code, 400),
                        headers=dict(headers) if headers else None)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class Page:
    """limit and offset query parameters (a dependency)."""

    def __init__(self, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="at most 500"),
                 offset: int = Query(0, ge=0, le=MAX_OFFSET, description="at most 1,000,000,000")) -> None:
        self.limit = limit
        self.offset = offset

    def of(self, rows: list[Any]) -> dict[str, Any]:
        return {"total": len(rows), "limit": self.limit, "offset": self.offset,
                "items": rows[self.offset:self.offset + self.limit]}


def date_value(value: str | None, name: str = "since") -> str | None:
    """An ISO date (or year, or year and month) query parameter; None when empty."""
    if value is None or not value.strip():
        return None
    if not _DATE.match(value.strip()):
        raise ApiError(Code.BAD_REQUEST, f"{name} {value!r} is not an ISO date such as 2024-05-01")
    return value.strip()


Paged = Annotated[Page, Depends()]
