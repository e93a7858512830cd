"""`claimgraph entities`, `claims` and `summary` over the stored mixed corpus."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_corpus import GOOD, Ingested
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.extract.lexicon import RELATIONS as EXTRACTOR_RELATIONS
from claimgraph.resolve.kb import TYPES as KB_TYPES
from claimgraph.summary import ENTITY_TYPES, RELATIONS, shell_quote


def run_json(runner: CliRunner, ingested: Ingested, *args: str) -> Any:
    result = runner.invoke(cli, [*args, "--db", str(ingested.db), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_choices_are_the_ontology_names() -> None:
    assert set(RELATIONS) == EXTRACTOR_RELATIONS
    assert set(ENTITY_TYPES) == KB_TYPES


def test_entities_by_type(runner: CliRunner, ingested: Ingested) -> None:
    groups = run_json(runner, ingested, "entities", "--type", "armed_group")
    ids = {row["id"] for row in groups}
    assert {"wagner-group", "eln", "hezbollah"} <= ids
    assert all(row["type"] == "armed_group" for row in groups)
    states = {row["id"] for row in run_json(runner, ingested, "entities", "--type", "state")}
    assert {"russia", "venezuela", "iran"} <= states and not ids & states


def test_entities_limit_keeps_the_most_claimed(runner: CliRunner, ingested: Ingested) -> None:
    every = run_json(runner, ingested, "entities")
    two = run_json(runner, ingested, "entities", "--limit", "2")
    assert two == every[:2] and len(every) > 2
    assert two[0]["claim_count"] >= every[-1]["claim_count"]


def test_claims_by_relation(runner: CliRunner, ingested: Ingested) -> None:
    rows = run_json(runner, ingested, "claims", "--relation", "harbors")
    assert {(r["subject_id"], r["object_id"]) for r in rows} == {("venezuela", "eln")}
    assert rows[0]["doc_key"] == "border" and "harbors" in rows[0]["evidence"]


def test_claims_by_entity_name_or_alias(runner: CliRunner, ingested: Ingested) -> None:
    rows = run_json(runner, ingested, "claims", "--entity", "Wagner Group")
    assert rows and all("wagner-group" in (r["subject_id"], r["object_id"]) for r in rows)
    assert ("russia", "supports", "wagner-group") in {(r["subject_id"], r["relation"], r["object_id"])
                                                      for r in rows}
    combined = run_json(runner, ingested, "claims", "--entity", "Wagner Group", "--relation", "supports")
    assert [(r["subject_id"], r["object_id"]) for r in combined] == [("russia", "wagner-group")]


def test_claims_by_speaker(runner: CliRunner, ingested: Ingested) -> None:
    rows = run_json(runner, ingested, "claims", "--speaker", "un")
    assert rows and all(r["speaker_id"] == "un" for r in rows)


def test_claims_carry_the_document_metadata(runner: CliRunner, ingested: Ingested) -> None:
    rows = run_json(runner, ingested, "claims", "--entity", "Iran", "--relation", "arms")
    assert [(r["outlet"], r["published"], r["doc_key"]) for r in rows] == [
        ("Example Wire", "2024-03-01", "iran-wire")]


def test_claims_of_an_unknown_entity(runner: CliRunner, ingested: Ingested) -> None:
    result = runner.invoke(cli, ["claims", "--entity", "Nobody At All", "--db", str(ingested.db), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "no stored entity" in result.stderr


def test_tables(runner: CliRunner, ingested: Ingested) -> None:
    claims = runner.invoke(cli, ["claims", "--relation", "sanctions", "--db", str(ingested.db)])
    assert claims.exit_code == 0
    assert "Sinaloa Cartel" in claims.stdout and "sanctions" in claims.stdout and "evidence" in claims.stdout
    entities = runner.invoke(cli, ["entities", "--db", str(ingested.db)])
    assert entities.exit_code == 0 and "Wagner Group" in entities.stdout


def test_summary(runner: CliRunner, ingested: Ingested) -> None:
    data = run_json(runner, ingested, "summary")
    assert data["documents"] == {"all": len(GOOD) + 3, "ok": len(GOOD) + 1, "skipped": 2}
    assert data["claims"] == sum(data["claims_by_relation"].values())
    assert data["entities"] == sum(data["entities_by_type"].values())
    assert set(data["claims_by_relation"]) <= set(RELATIONS)
    assert 0 < len(data["top_actors"]) <= 5
    assert all(actor["type"] not in ("place", "activity") for actor in data["top_actors"])
    assert any(hint.startswith("claimgraph claims --entity ") for hint in data["next"])
    assert any(hint.startswith("claimgraph entities --type ") for hint in data["next"])
    assert any(hint.startswith("claimgraph serve") for hint in data["next"])
    assert all(f"--db {ingested.db}" in hint for hint in data["next"])
    plain = runner.invoke(cli, ["summary", "--db", str(ingested.db)])
    assert plain.exit_code == 0
    assert "What to run next" in plain.stdout and "Most connected actors" in plain.stdout


def test_summary_of_an_empty_store_suggests_an_ingest(runner: CliRunner, tmp_path: Any) -> None:
    result = runner.invoke(cli, ["summary", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 0
    assert "claimgraph ingest" in result.stdout


@pytest.mark.parametrize(("value", "quoted"), [
    ("Wagner Group", '"Wagner Group"'), ("armed_group", "armed_group"), ("Jama'at", '"Jama\'at"'),
    ('say "hi"', "'say \"hi\"'"),
])
def test_shell_quote(value: str, quoted: str) -> None:
    assert shell_quote(value) == quoted
