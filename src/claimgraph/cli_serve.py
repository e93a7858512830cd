"""`claimgraph serve`: the web UI and JSON HTTP API (FastAPI on uvicorn), on 127.0.0.1 unless told
otherwise.

Registered on the main command in cli.py with `cli.add_command(...)`.
"""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--db", default=None, metavar="PATH|URL",
              help="database: a SQLite path or SQLAlchemy URL "
                   "(default: $CLAIMGRAPH_DB, else ./claimgraph.db)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to bind (another than loopback exposes the store to the network)")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--allow-private", is_flag=True,
              help="let ingest by URL fetch private, loopback and link-local addresses")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="server processes (each opens the store; SQLite readers run side by side in WAL mode)")
def serve(db: str | None, host: str, port: int, allow_private: bool, workers: int) -> None:
    """Serve the store as a web UI and a JSON HTTP API (OpenAPI at /docs). POST /api/ingest needs
    `Authorization: Bearer $CLAIMGRAPH_TOKEN`; without that variable, writes are disabled."""
    # imported here, not above: FastAPI and the app cost every other command most of a second to load
    import uvicorn

    from claimgraph.serve.app import ALLOW_PRIVATE_ENV, create_app

    click.echo(f"claimgraph on http://{host}:{port}/ (API under /api, OpenAPI at /docs)", err=True)
    if workers == 1:
        uvicorn.run(create_app(db, allow_private=allow_private), host=host, port=port, log_level="info")
        return
    # Several processes import the app by name, so its settings travel in the environment.
    from claimgraph.store.engine import ENV_VAR, resolve_url

    os.environ[ENV_VAR] = resolve_url(db)
    os.environ[ALLOW_PRIVATE_ENV] = "1" if allow_private else ""
    uvicorn.run("claimgraph.serve.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info")
