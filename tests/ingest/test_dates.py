"""Dates are stored in the one ISO form the date filters and timelines compare as strings."""

from __future__ import annotations

import pytest

from claimgraph.ingest.dates import iso_date


@pytest.mark.parametrize(("given", "stored"), [
    ("2024", "2024"),
    ("2024-05", "2024-05"),
    ("2024-05-06", "2024-05-06"),
    (" 2024-05-06 ", "2024-05-06"),
    ("20240501", "2024-05-01"),  # compact form
    ("2024-W18-3", "2024-05-01"),  # week date: Wednesday of week 18
    ("2025-08-25T19:30:00+00:00", "2025-08-25T19:30:00+00:00"),
    ("2025-08-25 19:30", "2025-08-25T19:30:00"),
    ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00+00:00"),  # RSS
])
def test_dates_are_stored_in_the_extended_form(given: str, stored: str) -> None:
    assert iso_date(given) == stored


@pytest.mark.parametrize("given", ["", "  ", "yesterday", "2024-13-01", "2024-02-30", None, 20240501])
def test_what_is_no_date_is_none(given: object) -> None:
    assert iso_date(given) is None


def test_stored_dates_sort_as_time_does() -> None:
    forms = ["20240501", "2024-04-30", "2024-W18-4", "2024-05-01T09:00:00"]
    assert sorted(iso_date(f) or "" for f in forms) == [
        "2024-04-30", "2024-05-01", "2024-05-01T09:00:00", "2024-05-02"]
