"""JSON Lines: one article per line, failures named by line number."""

from __future__ import annotations

import json
from pathlib import Path

from claimgraph.errors import Code
from claimgraph.ingest import Article, Failure, iter_articles

TEXT = "The general was accused of selling arms to the militia, a charge he denied."


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def summary(items: list[Article | Failure]) -> list[tuple[str, str]]:
    """(line number, doc_id or failure code name) for each item."""
    return [(item.source.rsplit(":", 1)[1],
             item.doc_id if isinstance(item, Article) else item.error.code.name) for item in items]


def test_non_json_line_between_good_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "batch.jsonl", [
        json.dumps({"text": TEXT, "title": "Arms", "url": "https://news.example/a", "outlet": "News",
                    "author": "A. Writer", "published": "2024-02-01"}),
        "this is {not json",
        "",
        json.dumps({"id": "doc-7", "text": TEXT + " Again."}),
        json.dumps({"title": "no body"}),
        json.dumps({"doc": 42, "html": f"<html><body><p>{TEXT}</p></body></html>", "title": "From HTML"}),
        json.dumps(["a", "list"]),
    ])
    items = list(iter_articles([str(path)]))
    assert summary(items) == [("1", "batch-1"), ("2", "NOT_JSON"), ("4", "doc-7"), ("5", "BAD_RECORD"),
                              ("6", "42"), ("7", "BAD_RECORD")]
    first = items[0]
    assert isinstance(first, Article)
    assert (first.title, first.url, first.outlet, first.author, first.published) == (
        "Arms", "https://news.example/a", "News", "A. Writer", "2024-02-01")
    assert first.source == f"{path}:1" and first.language == "en"
    assert isinstance(items[1], Failure) and "line 2" in items[1].error.message
    from_html = items[4]
    assert isinstance(from_html, Article)
    assert from_html.text == TEXT and from_html.title == "From HTML"


def test_dates_kept_only_in_iso_form(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "dates.jsonl", [
        json.dumps({"text": TEXT, "published": "2024-03-05T10:00:00+01:00"}),
        json.dumps({"text": TEXT, "published": "Tue, 05 Mar 2024 10:00:00 GMT"}),
        json.dumps({"text": TEXT, "published": "last Tuesday"}),
    ])
    dates = [item.published for item in iter_articles([str(path)]) if isinstance(item, Article)]
    assert dates == ["2024-03-05T10:00:00+01:00", "2024-03-05T10:00:00+00:00", None]


def test_blank_only_file_is_empty(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "blank.jsonl", ["", "   ", ""])
    [failure] = list(iter_articles([str(path)]))
    assert isinstance(failure, Failure) and failure.error.code is Code.EMPTY


def test_over_long_line_is_skipped_and_the_next_is_read(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "long.jsonl", [
        json.dumps({"text": "x " * 2000}),
        json.dumps({"text": TEXT}),
    ])
    items = list(iter_articles([str(path)], max_bytes=1000))
    assert summary(items) == [("1", "TOO_LARGE"), ("2", "long-2")]


def test_invalid_utf8_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(json.dumps({"text": TEXT}).encode() + b"\n" + b'{"text": "caf\xe9"}\n')
    items = list(iter_articles([str(path)]))
    assert summary(items) == [("1", "mixed-1"), ("2", "NOT_UTF8")]
