"""`claimgraph links`, `link A B` and `profile`: output with the evidence, JSON, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from link_builders import Said, document, mark_copy

from claimgraph.cli import cli
from claimgraph.store import open_store


@pytest.fixture
def db(new_db: Callable[..., str]) -> str:
    path = new_db()
    with open_store(path) as store:
        a = document(store, "c1", "Daily Lantern", "2024-01-05",
                     Said("ostravia", "arms", "red-kestrels", speaker="mira-tal"))
        document(store, "c2", "Harbour Post", "2024-02-01", Said("ostravia", "arms", "red-kestrels"))
        b = document(store, "c3", "Coast Herald", "2024-02-02", Said("ostravia", "arms", "red-kestrels"),
                     extra="Spun.")
        document(store, "c4", "Coast Herald", "2024-03-01",
                 Said("ostravia", "arms", "red-kestrels", polarity="denied", speaker="jon-bask"))
        mark_copy(store, b, a)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_links_table(db: str) -> None:
    code, out, _ = run("links", "--entity", "Red Kestrels", "--db", db)
    assert code == 0
    assert "Ostravia" in out and "arms" in out and "contested" in out and "2024-01-05" in out


def test_links_json_and_filters(db: str) -> None:
    code, out, _ = run("links", "--status", "contested", "--json", "--db", db)
    assert code == 0
    [link] = json.loads(out)
    assert link["sources_for"] == ["Daily Lantern", "Harbour Post"]  # the Coast Herald copy folds away
    assert link["sources_against"] == ["Coast Herald"] and link["hedged_share"] == 0
    code, out, _ = run("links", "--status", "corroborated", "--json", "--db", db)
    assert json.loads(out) == []
    code, out, _ = run("links", "--relation", "supports", "--roll-up", "--since", "2024-02-01", "--json",
                       "--db", db)
    assert [x["relation"] for x in json.loads(out)] == ["supports"]


def test_links_usage_errors(db: str) -> None:
    assert run("links", "--relation", "bribes", "--db", db)[0] == 2
    code, _, err = run("links", "--since", "last week", "--db", db)
    assert code == 2 and "E401" in err
    code, _, err = run("links", "--entity", "Nobody", "--db", db)
    assert code == 0 and "no stored entity" in err


def test_link_prints_the_evidence_for_and_against(db: str) -> None:
    code, out, _ = run("link", "Ostravia", "red-kestrels", "--db", db)
    assert code == 0
    assert "For (2 independent sources)" in out and "Against (1 independent source)" in out
    assert "Ostravia arms Red Kestrels, Mira Tal said." in out
    assert "Ostravia does not arm Red Kestrels, Jon Bask said." in out
    assert "copy of c1" in out and "1 copy folded in" in out
    assert "Jon Bask in Coast Herald" in out


def test_link_json_and_unknown_actor(db: str) -> None:
    code, out, _ = run("link", "Red Kestrels", "Ostravia", "--json", "--db", db)
    data = json.loads(out)
    assert code == 0 and data["a"] == "red-kestrels"
    assert [e["document"] for e in data["affirming"]["Daily Lantern"]] == ["c1", "c3"]
    code, _, err = run("link", "Ostravia", "Atlantis", "--db", db)
    assert code == 2 and "E204" in err


def test_bad_rules_file_is_e305(db: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("status:\n  source: twitter\n", encoding="utf-8")
    code, _, err = run("links", "--rules", str(rules), "--db", db)
    assert code == 2 and "E305" in err


def test_profiles(db: str) -> None:
    code, out, _ = run("profile", "speaker", "Mira Tal", "--db", db)
    assert code == 0 and "Ostravia (1)" in out and "hedged" in out
    code, out, _ = run("profile", "outlet", "Coast Herald", "--json", "--db", db)
    data = json.loads(out)
    assert code == 0 and data["copies_published"] == 1 and data["claims"] == 2
    assert run("profile", "speaker", "Nobody", "--db", db)[0] == 2
    assert run("profile", "outlet", "Nowhere", "--db", db)[0] == 2
