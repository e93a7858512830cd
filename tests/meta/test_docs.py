"""Meta-tests: what users can see must be documented (error codes, commands, data files)."""

from __future__ import annotations

import re
from pathlib import Path

from claimgraph.cli import cli
from claimgraph.errors import Code

ROOT = Path(__file__).resolve().parents[2]


def test_every_error_code_is_documented() -> None:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = [f"{code.value} {code.name}" for code in Code if f"| {code.value} | {code.name} |" not in text]
    assert missing == []


def test_documented_codes_exist() -> None:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    known = {code.value for code in Code}
    rows = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| E")]
    assert rows and set(rows) <= known


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"claimgraph {name}" not in readme]
    assert missing == []


def test_every_lexicon_file_is_described() -> None:
    guide = (ROOT / "docs" / "lexicons.md").read_text(encoding="utf-8")
    folder = ROOT / "src" / "claimgraph" / "data" / "lexicons"
    missing = [p.name for p in folder.glob("*.yaml") if p.name not in guide]
    assert missing == []


def test_every_api_endpoint_is_documented() -> None:
    from claimgraph.serve import create_app

    guide = _placeholders((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    paths = create_app("sqlite://").openapi()["paths"]  # an in-memory store: routes need no data
    missing = [f"{method.upper()} {path}" for path, item in paths.items() for method in item
               if f"{method.upper()} {_placeholders(path)}`" not in guide]
    assert paths and missing == []


def test_every_page_is_documented() -> None:
    from fastapi.routing import APIRoute

    from claimgraph.serve.views import PAGES

    guide = _placeholders((ROOT / "docs" / "ui.md").read_text(encoding="utf-8"))
    pages = {route.path for module in PAGES for route in module.router.routes if isinstance(route, APIRoute)}
    # a page's row starts with its path; its query string may follow
    missing = [path for path in sorted(pages) if f"| `{_placeholders(path)}" not in guide]
    assert pages and missing == []


def _placeholders(text: str) -> str:
    """Path parameters compared by place, not name: /entity/{entity_id} is documented as /entity/{id}."""
    return re.sub(r"\{[^}]*\}", "{}", text)


def test_every_csv_column_is_in_the_readme_and_explained() -> None:
    from claimgraph.export.tables import COLUMNS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    explained = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        listed = re.search(rf"^\| `{table}\.csv` \| (.*) \|$", readme, re.MULTILINE)
        assert listed is not None, table
        assert re.findall(r"`([a-z_]+)`", listed.group(1)) == columns
        section = explained.split(f"### {table}.csv", 1)[1].split("\n#", 1)[0]
        rows = re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE)
        assert rows == columns, table


def test_every_export_format_is_documented() -> None:
    from claimgraph.export.registry import formats

    explained = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert [name for name in formats() if f"| `{name}` |" not in explained] == []
