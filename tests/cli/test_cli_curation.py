"""`claimgraph entity ...` and `claimgraph alias ...` on real SQLite files: what they print, what they
store, --json, who and why, errors (exit 2), and a merge that a later real ingest follows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from claimgraph.cli import cli
from claimgraph.extract.pipeline import Extractor
from claimgraph.store import open_store

# The store tests' builders of invented documents; make them importable however pytest was started.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from curation_builders import dump, ingest, kite, later  # noqa: E402


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding the kite report; judgements made by analyst-e unless --who says otherwise."""
    monkeypatch.setenv("CLAIMGRAPH_USER", "analyst-e")
    path = tmp_path / "graph.db"
    with open_store(str(path)) as store:
        ingest(store, kite())
    return path


def run(runner: CliRunner, db: Path, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--db", str(db)])


def run_json(runner: CliRunner, db: Path, *args: str) -> Any:
    result = run(runner, db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_merge_prints_what_moved_and_how_to_undo(runner: CliRunner, db: Path) -> None:
    result = run(runner, db, "entity", "merge", "red-kite-brotherhood", "kite-gang", "--why", "one gang")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Judgement 1: merged kite-gang into red-kite-brotherhood: 3 mentions and 1 claim moved, "
        "2 claims removed as duplicates or self-links (kept for an undo)",
        "  undo with: claimgraph entity undo 1",
    ]
    shown = run_json(runner, db, "entity", "show", "red-kite-brotherhood")
    assert (shown["merged_from"], shown["mentions"]) == (["kite-gang"], 6)
    judgement = shown["judgements"][0]
    assert (judgement["who"], judgement["why"], judgement["action"]) == ("analyst-e", "one gang", "merge")


def test_unmerge_restores_the_store(runner: CliRunner, db: Path) -> None:
    before = dump(db)
    merged = run_json(runner, db, "entity", "merge", "red-kite-brotherhood", "kite-gang", "--why", "x")
    assert merged["payload"]["counts"] == {"mentions": 3, "claims": 1, "claims_removed": 2}
    result = run(runner, db, "entity", "unmerge", str(merged["id"]), "--who", "analyst-f", "--why", "no")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Undid judgement 1: merged kite-gang into red-kite-brotherhood")
    assert dump(db) == before
    history = run_json(runner, db, "entity", "history", "kite-gang")
    assert [(j["undone_by"], j["payload"]["undo_why"]) for j in history] == [("analyst-f", "no")]


def test_split_rename_retype_and_aliases(runner: CliRunner, db: Path) -> None:
    steps = [
        (["entity", "split", "marek-tolan", "--alias", "Tolan Shipping", "--new-id", "tolan-shipping",
          "--name", "Tolan Shipping", "--type", "company", "--why", "a firm"],
         "Judgement 1: split tolan-shipping off marek-tolan (mentions reading 'Tolan Shipping'): "
         "1 mention and 1 claim moved"),
        (["entity", "rename", "korvian-navy", "Korvian Naval Command"],
         "Judgement 2: renamed korvian-navy: 'Korvian Navy' -> 'Korvian Naval Command'"),
        (["entity", "retype", "kite-gang", "armed_group", "--why", "it fights"],
         "Judgement 3: retyped kite-gang: criminal_group -> armed_group"),
        (["alias", "add", "red-kite-brotherhood", "the Kite Gang"],
         "Judgement 4: 'the Kite Gang' now names red-kite-brotherhood: 3 mentions and 1 claim moved, "
         "2 claims removed as duplicates or self-links (kept for an undo) from kite-gang"),
        (["alias", "remove", "korvian-navy", "Korvian Navy"],
         "Judgement 5: 'Korvian Navy' no longer names korvian-navy; later ingests will not add it back"),
    ]
    for args, line in steps:
        result = run(runner, db, *args)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == line
    shown = run(runner, db, "entity", "show", "korvian-navy")
    assert shown.exit_code == 0
    assert shown.stdout.splitlines()[:5] == [
        "Korvian Naval Command (korvian-navy): state_body, in the knowledge base",
        "  2 mentions, 2 claims, speaker of 0 claims",  # alias add removed a duplicate
        "  aliases: Korvian Naval Command",
        "  removed aliases: korvian navy",
        "  judgements:",
    ]
    history = run(runner, db, "entity", "history")
    assert history.stdout.splitlines()[0] == "5 judgements"
    assert "because: it fights" in history.stdout


def test_a_later_ingest_keeps_the_judgements(runner: CliRunner, db: Path) -> None:
    for args in (["entity", "rename", "red-kite-brotherhood", "The Red Kites"],
                 ["alias", "remove", "marek-tolan", "Tolan Shipping"],
                 ["entity", "merge", "red-kite-brotherhood", "kite-gang", "--why", "one gang"]):
        assert run(runner, db, *args).exit_code == 0
    with open_store(str(db)) as store:
        ingest(store, later())
    kites = run_json(runner, db, "entity", "show", "red-kite-brotherhood")
    assert (kites["name"], kites["mentions"]) == ("The Red Kites", 9)
    assert run_json(runner, db, "entity", "show", "kite-gang")["mentions"] == 0
    assert run_json(runner, db, "claims", "--entity", "Tolan Shipping") == []


def test_who_defaults_to_the_environment_and_why_is_required_for_merge_and_split(
    runner: CliRunner, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMGRAPH_USER")
    monkeypatch.setenv("USER", "login-name")
    monkeypatch.setenv("LOGNAME", "login-name")
    renamed = run_json(runner, db, "entity", "rename", "kite-gang", "Kites")
    assert (renamed["who"], renamed["why"]) == ("login-name", "")
    for args in (["entity", "merge", "red-kite-brotherhood", "kite-gang"],
                 ["entity", "split", "marek-tolan", "--alias", "Tolan Shipping", "--new-id", "t",
                  "--name", "T"]):
        result = run(runner, db, *args)
        assert result.exit_code == 2 and "Missing option '--why'" in result.stderr


@pytest.mark.parametrize(("args", "code"), [
    (["entity", "show", "nobody"], "E204"),
    (["entity", "merge", "red-kite-brotherhood", "nobody", "--why", "x"], "E204"),
    (["entity", "rename", "nobody", "N"], "E204"),
    (["entity", "history", "nobody"], "E204"),
    (["alias", "add", "nobody", "N"], "E204"),
    (["entity", "merge", "kite-gang", "kite-gang", "--why", "x"], "E205"),
    (["entity", "split", "marek-tolan", "--alias", "Tolan Shipping", "--new-id", "kite-gang", "--name", "T",
      "--why", "x"], "E205"),
    (["alias", "remove", "kite-gang", "Marek Tolan"], "E205"),
    (["entity", "undo", "7"], "E206"),
    (["entity", "unmerge", "7"], "E206"),
])
def test_errors_exit_2_with_their_code(runner: CliRunner, db: Path, args: list[str], code: str) -> None:
    before = dump(db)
    result = run(runner, db, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {code} ") and result.stdout == ""
    assert dump(db) == before


def test_a_name_given_for_an_id_gets_a_suggestion(runner: CliRunner, db: Path) -> None:
    result = run(runner, db, "entity", "show", "Kite Gang")
    assert result.exit_code == 2
    assert result.stderr == "error: E204 no entity has the id 'Kite Gang': did you mean kite-gang?\n"


def test_usage_errors_exit_2(runner: CliRunner, db: Path) -> None:
    for args in (["entity", "retype", "kite-gang", "gang"], ["entity", "undo", "one"], ["alias", "add", "x"]):
        result = run(runner, db, *args)
        assert result.exit_code == 2 and "Usage:" in result.stderr


def test_undo_in_the_wrong_order_names_what_to_undo_first(runner: CliRunner, db: Path) -> None:
    assert run(runner, db, "entity", "rename", "kite-gang", "Kites").exit_code == 0
    assert run(runner, db, "entity", "rename", "kite-gang", "The Kites").exit_code == 0
    result = run(runner, db, "entity", "undo", "1")
    assert result.exit_code == 2 and "undo 2 first" in result.stderr
    assert run(runner, db, "entity", "undo", "2").exit_code == 0
    assert run(runner, db, "entity", "undo", "1").exit_code == 0
    again = run(runner, db, "entity", "undo", "1")
    assert again.exit_code == 2 and "already undone" in again.stderr


def test_a_real_ingest_after_a_merge_follows_it(runner: CliRunner, shared_model: Extractor,
                                               tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "arms.txt").write_text("Iran arms Hezbollah with drones, officials in Beirut said.\n")
    (second / "south.txt").write_text("Hezbollah moved rockets to the south last week, the report said.\n")
    db = tmp_path / "graph.db"
    assert run(runner, db, "ingest", str(first)).exit_code == 0
    base = run_json(runner, db, "entity", "show", "iran")["mentions"]
    assert run_json(runner, db, "entity", "show", "hezbollah")["mentions"] >= 1
    merged = run_json(runner, db, "entity", "merge", "iran", "hezbollah", "--why", "test of the mechanics")
    assert run_json(runner, db, "entity", "show", "iran")["mentions"] == base + merged["payload"]["counts"][
        "mentions"]
    assert run(runner, db, "ingest", str(second)).exit_code == 0
    assert run_json(runner, db, "entity", "show", "hezbollah")["mentions"] == 0
    grown = run_json(runner, db, "entity", "show", "iran")["mentions"]
    assert grown > base + merged["payload"]["counts"]["mentions"]
    assert run(runner, db, "entity", "unmerge", str(merged["id"])).exit_code == 0
    assert run_json(runner, db, "entity", "show", "iran")["mentions"] == base
    assert run_json(runner, db, "entity", "show", "hezbollah")["mentions"] == grown - base
