"""Query parameters of the pages, checked the way the API checks them but answered as an HTML page.

Every parameter arrives as text (FastAPI would answer a malformed integer with a JSON error); a bad
value raises PageError 400 with the API's error code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from claimgraph.errors import Code
from claimgraph.ontology import RELATIONS, STATUSES
from claimgraph.serve.common import ApiError, date_value
from claimgraph.serve.views.render import PageError

PAGE_SIZE = 50
MAX_PAGE = 100_000  # far past any store's last page, and an offset the database can still take


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    value = _blank(value)
    if value is not None and value not in allowed:
        raise PageError(400, Code.BAD_REQUEST, f"{name} {value!r} is none of {', '.join(allowed)}")
    return value


def _date(name: str, value: str | None) -> str | None:
    try:
        return date_value(value, name)
    except ApiError as exc:
        raise PageError(400, exc.code, exc.message) from exc


@dataclass(frozen=True)
class Filters:
    """The filters shared by the graph and the list of links."""

    relation: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(cls, relation: str | None, status: str | None, since: str | None,
              until: str | None) -> Filters:
        return cls(_choice("relation", relation, RELATIONS), _choice("status", status, STATUSES),
                   _date("since", since), _date("until", until))

    def query(self) -> dict[str, Any]:
        return asdict(self)


def page_number(value: str | None) -> int:
    """A 1-based page number."""
    value = _blank(value)
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise PageError(400, Code.BAD_REQUEST, f"page {value!r} is not a number from 1 to {MAX_PAGE}")
    return int(value)


def required(name: str, value: str | None) -> str:
    found = _blank(value)
    if found is None:
        raise PageError(400, Code.BAD_REQUEST, f"the {name} parameter is missing")
    return found


def offset_of(number: int, size: int = PAGE_SIZE) -> int:
    """Where page `number` (1-based) starts."""
    return (number - 1) * size


@dataclass(frozen=True)
class Pager:
    """Where page `number` of `total` items starts, and whether there is a page before or after."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return offset_of(self.number, self.size)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None
