"""`claimgraph export`: every format to a file and to standard output, the same bytes twice, filters,
and the errors that leave nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from claimgraph.cli import cli
from claimgraph.export.registry import formats

FORMATS = ["stix", "ftm", "graphml", "gexf", "csv", "jsonl"]


def export(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["export", "--db", str(db), *args])


def test_the_built_in_formats_are_registered() -> None:
    assert list(formats()) == FORMATS


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_writes_the_same_bytes_twice(corpus_db: Path, tmp_path: Path, fmt: str) -> None:
    extension = formats()[fmt].extension
    first, second = tmp_path / f"one{extension}", tmp_path / f"two{extension}"
    for path in (first, second):
        result = export(corpus_db, "--format", fmt, "-o", str(path))
        assert result.exit_code == 0, result.output
        assert f"wrote {path}" in result.output
    assert first.stat().st_size > 1000
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])  # no leftovers


def test_standard_output_is_the_default(corpus_db: Path) -> None:
    result = export(corpus_db, "--format", "stix", "--entity", "Wagner Group")
    assert result.exit_code == 0
    bundle = json.loads(result.stdout)
    assert bundle["type"] == "bundle" and bundle["objects"]
    assert "links," in result.stderr and "wrote standard output (stix)" in result.stderr


def test_csv_goes_into_a_folder_or_one_table_to_standard_output(corpus_db: Path, tmp_path: Path) -> None:
    result = export(corpus_db, "--format", "csv", "-o", str(tmp_path / "tables"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "tables").iterdir())
    assert written == ["claims.csv", "entities.csv", "links.csv"]
    one = export(corpus_db, "--format", "csv", "--table", "links", "--status", "contested")
    rows = list(csv.DictReader(io.StringIO(one.stdout)))
    assert rows and {row["status"] for row in rows} == {"contested"}


def test_filters_keep_part_of_the_graph(corpus_db: Path) -> None:
    whole = export(corpus_db, "--format", "csv", "--table", "links").stdout
    part = export(corpus_db, "--format", "csv", "--table", "links", "--entity", "wagner-group").stdout
    whole_rows, part_rows = list(csv.DictReader(io.StringIO(whole))), list(csv.DictReader(io.StringIO(part)))
    assert 0 < len(part_rows) < len(whole_rows)
    assert all("wagner-group" in (row["subject_id"], row["object_id"]) for row in part_rows)


@pytest.mark.parametrize(("args", "code"), [
    (["--format", "pdf"], "E401"),
    (["--format", "stix", "--table", "links"], "E401"),
    (["--format", "stix", "--entity", "Nobody Anywhere"], "E204"),
    (["--format", "stix", "--relation", "sells_to"], "E401"),
    (["--format", "stix", "--other", "Russia"], "E401"),
    (["--format", "stix", "--since", "yesterday"], "E401"),
])
def test_bad_options_are_coded(corpus_db: Path, args: list[str], code: str) -> None:
    result = export(corpus_db, *args)
    assert result.exit_code == 2 and code in result.output


def test_an_output_that_cannot_be_written_leaves_nothing(corpus_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "graph.stix.json"
    result = export(corpus_db, "--format", "stix", "-o", str(missing))
    assert result.exit_code == 2 and "E501" in result.output
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = export(corpus_db, "--format", "graphml", "-o", str(folder))
    assert result.exit_code == 2 and "E501" in result.output and not list(folder.iterdir())


def test_a_failed_export_keeps_the_earlier_file(corpus_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    path.write_bytes(b"earlier export")
    result = export(corpus_db, "--format", "graphml", "--entity", "Nobody Anywhere", "-o", str(path))
    assert result.exit_code == 2 and path.read_bytes() == b"earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]
