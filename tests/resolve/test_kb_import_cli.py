"""`claimgraph kb import` and `claimgraph kb check` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.resolve.kb import ENV_VAR, read_kb

SAMPLE = Path(__file__).parent / "data" / "opensanctions-sample.ftm.jsonl"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_import_prints_a_summary_and_exits_1_when_lines_failed(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    result = runner.invoke(cli, ["kb", "import", str(SAMPLE), "--kb-dir", str(folder), "--source", "sample"])
    assert result.exit_code == 1, result.output
    out = result.output
    assert f"Imported 8 of 12 lines from {SAMPLE} into {folder / 'sample.yaml'}" in out
    assert "new entries  7 (2 person, 2 company, 1 armed_group, 1 state_body, 1 criminal_group)" in out
    assert "overlays     1 (names added to bashar-al-assad)" in out
    assert "schema Vessel is not an actor" in out
    assert "line 11: E109 not JSON" in out
    assert "line 12: E116 entity cgtest-nameless has no name" in out
    assert "without a disambiguation rule" in out and out.rstrip().endswith(": aurora")
    assert "northern-ember-brigades" in read_kb(user_dir=folder).actors


def test_import_of_good_lines_exits_0_into_the_default_folder(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    good.write_text("".join(lines[:10]), encoding="utf-8")  # lines 11 and 12 are the broken ones
    result = runner.invoke(cli, ["kb", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "claimgraph-kb" / "good.yaml").is_file()
    assert "failed       0" in result.output


def test_import_uses_the_folder_of_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "from-env"
    result = runner.invoke(cli, ["kb", "import", str(SAMPLE), "--source", "env"], env={ENV_VAR: str(folder)})
    assert result.exit_code == 1
    assert (folder / "env.yaml").is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["--source", "Not A Slug"], "E401 source name 'Not A Slug' must be a slug"),
    (["--source", "schema"], "E401"),
])
def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(cli, ["kb", "import", str(SAMPLE), "--kb-dir", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["kb", "import", str(tmp_path / "nowhere.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_import_refuses_to_build_on_a_broken_kb_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("- {id: x, name: X, type: gang}\n", encoding="utf-8")
    result = runner.invoke(cli, ["kb", "import", str(SAMPLE), "--kb-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "error: E303" in result.output and "type 'gang'" in result.output
    assert not (tmp_path / "opensanctions-sample.yaml").exists()


def test_check_counts_the_kb_and_reports_shared_names(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "bundled; 0 extended by overlays" in result.output
    assert "with a disambiguation rule" in result.output and "without one" not in result.output
    folder = tmp_path / "kb"
    runner.invoke(cli, ["kb", "import", str(SAMPLE), "--kb-dir", str(folder)])
    result = runner.invoke(cli, ["kb", "check", "--kb-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"7 from {folder}; 1 extended by overlays" in result.output
    assert "without one (the entry loaded first wins): aurora" in result.output


def test_check_refuses_a_broken_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("- {id: x, name: X, type: company, wikidata: x1}\n", encoding="utf-8")
    result = runner.invoke(cli, ["kb", "check", "--kb-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"error: E303 {tmp_path / 'mine.yaml'}:1: entry x: wikidata 'x1' does not match" in result.output
