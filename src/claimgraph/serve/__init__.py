"""The JSON HTTP API of `claimgraph serve` (FastAPI): read-only views of the store, plus ingest.

`create_app(db_url)` builds the app; the routes live one module per resource (routes_*.py).
"""

from claimgraph.serve.app import create_app

__all__ = ["create_app"]
