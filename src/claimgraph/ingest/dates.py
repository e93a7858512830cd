"""Dates from sources, kept only in ISO 8601 form as Article.published promises."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_PARTIAL = re.compile(r"\d{4}(-\d{2})?")


def iso_date(value: object) -> str | None:
    """An ISO date in its extended calendar form, an RFC 2822 date (as in RSS) converted, anything
    else None. Date filters and monthly timelines compare these strings, so the compact and week
    forms ISO also allows ("20240501", "2024-W18-3") are rewritten as YYYY-MM-DD[THH:MM:SS...];
    a year or a year and month stays as it is."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if _PARTIAL.fullmatch(value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        has_time = "T" in value.upper() or ":" in value
        return parsed.isoformat() if has_time else parsed.date().isoformat()
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def struct_date(value: object) -> str | None:
    """feedparser's parsed dates are UTC struct_time values."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None
