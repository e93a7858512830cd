"""`claimgraph db status|migrate|copy` on each backend: text and JSON, exit codes, $CLAIMGRAPH_DB."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.model import Article, Entity, Extraction
from claimgraph.store import CURRENT_VERSION, open_store

NewDb = Callable[..., str]
TEXT = "Varnia arms the Red Lantern Front, a harbour official said."


def fill(db: str) -> None:
    with open_store(db) as store:
        entities = [Entity("varnia", "Varnia", "state"),
                    Entity("red-lantern", "Red Lantern Front", "armed_group")]
        store.add_document(Article(text=TEXT, source="/cli-db/a.txt", doc_id="a", language="en"),
                           Extraction("a", entities))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["db", *args])
    return result.exit_code, result.output


def test_status_of_a_database_that_is_not_there_yet_changes_nothing(new_db: NewDb, backend: str) -> None:
    db = new_db("later", empty=True)
    code, out = run("status", "--db", db, "--json")
    found = json.loads(out)
    assert code == 0 and found["schema_version"] is None and found["current_version"] == CURRENT_VERSION
    assert found["migrations_pending"] == [f"v{CURRENT_VERSION}: create every table"]
    assert found["backend"] == backend
    if backend == "sqlite":
        assert found["exists"] is False and not Path(db).exists()
    code, out = run("status", "--db", db)  # still nothing there: status created nothing
    assert code == 0 and f"this claimgraph writes v{CURRENT_VERSION}" in out


def test_migrate_creates_then_finds_nothing_to_do(new_db: NewDb) -> None:
    db = new_db("fresh", empty=True)
    code, out = run("migrate", "--db", db)
    assert code == 0 and out.startswith("created ") and f"at schema v{CURRENT_VERSION}" in out
    code, out = run("migrate", "--db", db, "--json")
    assert code == 0 and json.loads(out)["from"] == json.loads(out)["to"] == CURRENT_VERSION
    code, out = run("status", "--db", db)
    assert code == 0 and "pending   none" in out and "search    " in out


def test_status_counts_the_rows(db: str) -> None:
    fill(db)
    code, out = run("status", "--db", db, "--json")
    found = json.loads(out)
    assert code == 0 and found["migrations_pending"] == []
    assert found["counts"]["documents"] == 1 and found["counts"]["entities"] == 2
    assert "accents folded" in found["search"]


def test_the_database_comes_from_the_environment(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db)
    monkeypatch.setenv("CLAIMGRAPH_DB", db)
    code, out = run("status", "--json")
    assert code == 0 and json.loads(out)["counts"]["documents"] == 1


def test_copy_moves_the_graph_and_checks_the_counts(db: str, tmp_path: Path) -> None:
    fill(db)
    target = str(tmp_path / "copy.db")
    code, out = run("copy", db, target)
    assert code == 0, out
    assert "documents" in out and "every count matches" in out
    code, out = run("copy", db, target, "--json")  # the target holds the graph now
    assert code == 2 and "E208" in out and "--replace" in out
    code, out = run("copy", db, target, "--replace", "--json")
    report = json.loads(out)
    assert code == 0 and report["tables"]["documents"] == {"source": 1, "target": 1}
    with open_store(target) as store:
        assert store.counts()["documents"] == 1


def test_a_password_never_shows() -> None:
    code, out = run("status", "--db", "postgresql://analyst:s3cret-pw@127.0.0.1:1/graph")
    assert code == 2 and "E203" in out and "s3cret-pw" not in out


def test_an_unusable_url_is_e401() -> None:
    code, out = run("status", "--db", "nosuchdb://localhost/x")
    assert code == 2 and "E401" in out
