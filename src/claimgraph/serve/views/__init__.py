"""The server-rendered web UI (Jinja2 templates in serve/templates, files in serve/static)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    """Add the UI's pages and its static files to the app."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
