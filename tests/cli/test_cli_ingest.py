"""`claimgraph ingest` through click's CliRunner: outcomes, summary, exit codes, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_corpus import BAD, GOOD, SKIPPED, Ingested, write_good
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.extract.pipeline import Extractor
from claimgraph.store import open_store


def test_mixed_folder_exits_1_and_reports_every_item(ingested: Ingested) -> None:
    assert ingested.result.exit_code == 1, ingested.result.output
    report = json.loads(ingested.result.stdout)
    assert report["new"] == len(GOOD) + 1  # three files and one JSONL record
    assert report["duplicate"] == 1  # treasury-copy.txt, found before parsing
    failed = {Path(item["source"]).name: item for item in report["failed"]}
    assert {name: item["code"] for name, item in failed.items()} == BAD
    for item in failed.values():
        assert item["reason"].startswith(item["code"] + " ")
    assert "invalid UTF-8" in failed["latin1.txt"]["reason"]
    skipped = {Path(item["source"]).name: item["reason"] for item in report["skipped"]}
    assert skipped == SKIPPED
    assert report["inputs"] == report["new"] + report["duplicate"] + len(BAD) + len(SKIPPED)
    assert report["store"]["documents"] == report["new"] + len(SKIPPED)
    assert report["store"]["documents_skipped"] == len(SKIPPED)


def test_good_documents_are_stored_with_their_claims(ingested: Ingested) -> None:
    with open_store(str(ingested.db)) as store:
        claims = {(c["subject_id"], c["relation"], c["object_id"]) for c in store.claims()}
        sanctions = store.claims(relation="sanctions")
        counts = store.counts()
    assert ("us-treasury", "sanctions", "sinaloa-cartel") in claims
    assert ("russia", "supports", "wagner-group") in claims
    assert ("venezuela", "harbors", "eln") in claims
    assert ("iran", "arms", "hezbollah") in claims
    assert sanctions and all(c["relation"] == "sanctions" for c in sanctions)
    assert counts["documents_ok"] == len(GOOD) + 1


def test_skipped_documents_are_stored_without_extraction(ingested: Ingested) -> None:
    with open_store(str(ingested.db)) as store:
        docs = {c["doc_key"] for c in store.claims()}
    assert "nota" not in docs and "numbers" not in docs


def test_plain_summary_names_each_failure_with_its_code(runner: CliRunner, shared_model: Extractor,
                                                        tmp_path: Path, ingested: Ingested) -> None:
    result = runner.invoke(cli, ["ingest", str(ingested.folder), "--db", str(tmp_path / "other.db")])
    assert result.exit_code == 1
    out = result.stdout
    for name, code in BAD.items():
        line = next(line for line in out.splitlines() if name in line)
        assert f": {code} " in line, line
    for name, reason in SKIPPED.items():
        assert any(name in line and reason in line for line in out.splitlines()), out
    assert "new        4" in out and "duplicate  1" in out and "failed     4" in out
    assert "entities" in out and "claims" in out


def test_reingest_adds_nothing_and_parses_nothing(runner: CliRunner, ingested: Ingested,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model(model: str | None = None) -> Extractor:
        raise AssertionError("a re-run over stored documents must not load the model")

    monkeypatch.setattr("claimgraph.extract.pipeline.Extractor", no_model)
    with open_store(str(ingested.db)) as store:
        before = store.counts()
    result = runner.invoke(cli, ["ingest", str(ingested.folder), "--db", str(ingested.db), "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1  # the bad inputs are still bad
    assert report["new"] == 0 and report["skipped"] == []
    assert report["duplicate"] == len(GOOD) + 1 + 1 + len(SKIPPED)
    assert report["store"] == before


def test_clean_folder_exits_0_then_all_duplicate(runner: CliRunner, shared_model: Extractor,
                                                 tmp_path: Path) -> None:
    folder = write_good(tmp_path / "clean")
    db = str(tmp_path / "clean.db")
    first = runner.invoke(cli, ["ingest", str(folder), "--db", db, "--json", "--batch-size", "2"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["new"] == len(GOOD) + 1
    again = runner.invoke(cli, ["ingest", str(folder), "--db", db, "--json"])
    assert again.exit_code == 0
    report = json.loads(again.stdout)
    assert (report["new"], report["duplicate"], report["failed"]) == (0, len(GOOD) + 1, [])
    assert report["store"] == json.loads(first.stdout)["store"]


def test_forced_progress_bar_keeps_stdout_clean(runner: CliRunner, shared_model: Extractor,
                                                tmp_path: Path) -> None:
    folder = write_good(tmp_path / "clean")
    db = str(tmp_path / "p.db")
    result = runner.invoke(cli, ["ingest", str(folder), "--db", db, "--json", "--progress"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["new"] == len(GOOD) + 1
    assert "docs" in result.stderr


def test_missing_input_is_a_failure_not_a_crash(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ingest", str(tmp_path / "nowhere"), "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 1
    assert "E112" in result.stdout


def test_db_defaults_to_the_environment(runner: CliRunner, ingested: Ingested) -> None:
    result = runner.invoke(cli, ["summary", "--json"], env={"CLAIMGRAPH_DB": str(ingested.db)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["documents"]["ok"] == len(GOOD) + 1
