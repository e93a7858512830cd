"""GET /api/export (the formats) and GET /api/export/{format} (a download of the graph or part of it)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from claimgraph.errors import Code
from claimgraph.serve.common import ApiError, date_value, store_of

router = APIRouter(tags=["export"])
SPOOL = 8 * 1024 * 1024  # an export larger than this waits on disk, not in memory
CHUNK = 64 * 1024


@router.get("/api/export")
def export_formats() -> dict[str, Any]:
    """The export formats: name, file extension, media type, what it holds."""
    from claimgraph.export.registry import formats

    return {"items": [{"name": f.name, "extension": f.extension, "media_type": f.media_type,
                       "description": f.description} for f in formats().values()]}


def _file_types() -> dict[str, Any]:
    from claimgraph.export.registry import formats

    return {fmt.media_type: {} for fmt in formats().values()}


@router.get("/api/export/{format}", response_class=StreamingResponse,
            responses={200: {"description": "the file", "content": _file_types()}})
def export(request: Request, format: str, entity: str | None = Query(None), other: str | None = Query(None),
           relation: str | None = Query(None), status: str | None = Query(None),
           since: str | None = Query(None)) -> StreamingResponse:
    """The graph, or the part the filters keep, as a file of that format (the filters of
    `claimgraph export`: entity, other, relation, status, since)."""
    from claimgraph.export.registry import Source, formats
    from claimgraph.export.selection import Filters

    found = formats().get(format)
    if found is None:
        raise ApiError(Code.NO_ROUTE,
                       f"no export format is called {format!r} (there are {', '.join(formats())})")
    filters = Filters(entity=_value(entity), other=_value(other), relation=_value(relation),
                      status=_value(status), since=date_value(since))
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed by the stream)
    try:
        found.write(Source(store_of(request), filters), spool)  # type: ignore[arg-type]
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    name = "claimgraph" + "".join(f"-{_slug(v)}" for v in filters.as_dict().values()) + found.extension
    return StreamingResponse(_chunks(spool), media_type=found.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _value(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _slug(value: str) -> str:
    # a file name from untrusted input: letters, digits and dashes only
    kept = "".join(c if c.isascii() and c.isalnum() else "-" for c in value.lower())
    return "-".join(part for part in kept.split("-") if part)[:60] or "x"


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK):
            yield chunk
