"""`claimgraph extract` output, usage errors (exit 2) and a database too new for this version."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_corpus import GOOD, write_good
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.extract.pipeline import Extractor
from claimgraph.store import open_store

ENTITY_KEYS = {"id", "name", "type", "mentions"}
CLAIM_KEYS = {"subject", "relation", "object", "polarity", "modality", "speaker", "evidence", "start", "end"}


def test_extract_prints_the_contract_jsonl(runner: CliRunner, shared_model: Extractor,
                                           tmp_path: Path) -> None:
    folder = write_good(tmp_path / "good")
    result = runner.invoke(cli, ["extract", "--format", "jsonl", str(folder)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc"] for r in records} == {Path(name).stem for name in GOOD} | {"iran-wire"}
    for record in records:
        assert {"doc", "entities", "claims"} <= set(record)
        ids = {entity["id"] for entity in record["entities"]}
        for entity in record["entities"]:
            assert set(entity) >= ENTITY_KEYS
        for claim in record["claims"]:
            assert set(claim) >= CLAIM_KEYS
            assert {claim["subject"], claim["object"]} <= ids
            assert claim["speaker"] is None or claim["speaker"] in ids
    assert any(c["relation"] == "harbors" for r in records for c in r["claims"])


@pytest.mark.parametrize("args", [
    ["claims", "--relation", "bribes"],
    ["entities", "--type", "gang"],
    ["ingest"],
    ["ingest", "x.txt", "--workers", "0"],
    ["claims", "--limit", "0"],
    ["nonsense"],
])
def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(cli, [*args, "--db", str(tmp_path / "g.db")] if args[0] != "nonsense" else args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr


def make_too_new(path: Path) -> Path:
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    return path


@pytest.mark.parametrize("command", [["summary"], ["entities"], ["claims"], ["ingest", "."]])
def test_a_newer_schema_exits_2_with_e201(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    db = make_too_new(tmp_path / "future.db")
    result = runner.invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: E201 ")
    assert result.stdout == ""


def test_a_file_that_is_no_database_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not a database, just notes\n" * 100)
    result = runner.invoke(cli, ["summary", "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: E202 ")
