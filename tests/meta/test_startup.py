"""Every command starts fast: loading the CLI must not load the web app or the export libraries,
which only `serve` and `export` need (FastAPI and the app alone cost most of a second)."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_loads_without_the_web_app_or_exporters() -> None:
    heavy = ["fastapi", "uvicorn", "claimgraph.serve", "stix2", "networkx", "claimgraph.export.registry"]
    code = f"import sys, claimgraph.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
