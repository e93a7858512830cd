"""`claimgraph serve`: the web UI and JSON HTTP API (FastAPI on uvicorn), on 127.0.0.1 unless told
otherwise.

Registered on the main command in cli.py with `cli.add_command(...)`.
"""

from __future__ import annotations

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
def serve(db: str | None, host: str, port: int, allow_private: bool) -> None:
    """Serve the store as a web UI and a JSON HTTP API (OpenAPI at /docs). POST /api/ingest needs
    `Authorization: Bearer $CLAIMGRAPH_TOKEN`; without that variable, writes are disabled."""
    import uvicorn

    from claimgraph.serve import create_app

    app = create_app(db, allow_private=allow_private)
    click.echo(f"claimgraph on http://{host}:{port}/ (API under /api, OpenAPI at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
