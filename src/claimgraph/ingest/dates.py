"""Dates from sources, kept only in ISO 8601 form as Article.published promises."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def iso_date(value: object) -> str | None:
    """An ISO date as given, an RFC 2822 date (as in RSS) converted, anything else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        datetime.fromisoformat(value)
        return value
    except ValueError:
        pass
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
