"""The installed `claimgraph` entry point, run as a user would: real model, real process, real exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from cli_corpus import BAD, GOOD, write_good, write_mixed

from claimgraph.store import open_store


def run(exe: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_ingest_then_reingest_then_query(claimgraph_exe: str, tmp_path: Path) -> None:
    folder = write_good(tmp_path / "clean")
    db = str(tmp_path / "graph.db")
    first = run(claimgraph_exe, "ingest", str(folder), "--db", db)
    assert first.returncode == 0, first.stderr
    assert f"new        {len(GOOD) + 1}" in first.stdout
    assert first.stderr == ""  # no progress bar and no noise when stderr is not a terminal

    again = run(claimgraph_exe, "ingest", str(folder), "--db", db, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["new"], report["duplicate"]) == (0, len(GOOD) + 1)

    claims = run(claimgraph_exe, "claims", "--entity", "Wagner Group", "--db", db, "--json")
    assert claims.returncode == 0
    assert ("russia", "supports", "wagner-group") in {
        (c["subject_id"], c["relation"], c["object_id"]) for c in json.loads(claims.stdout)}

    summary = run(claimgraph_exe, "summary", "--db", db)
    assert summary.returncode == 0 and "What to run next" in summary.stdout


def test_mixed_folder_exits_1_and_keeps_the_good(claimgraph_exe: str, tmp_path: Path) -> None:
    folder = write_mixed(tmp_path / "mixed")
    result = run(claimgraph_exe, "ingest", str(folder), cwd=tmp_path)  # --db defaults to ./claimgraph.db
    assert result.returncode == 1, result.stderr
    for name, code in BAD.items():
        assert any(name in line and f": {code} " in line for line in result.stdout.splitlines()), name
    with open_store(str(tmp_path / "claimgraph.db")) as store:
        assert store.counts()["documents_ok"] == len(GOOD) + 1


def test_newer_schema_and_usage_errors_exit_2(claimgraph_exe: str, tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    open_store(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    result = run(claimgraph_exe, "summary", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith("error: E201 ") and "upgrade claimgraph" in result.stderr

    usage = run(claimgraph_exe, "claims", "--relation", "bribes", "--db", str(db))
    assert usage.returncode == 2 and "Invalid value for '--relation'" in usage.stderr
