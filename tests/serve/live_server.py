"""A real uvicorn server on a free loopback port, for the tests of the served app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, for the duration of the block: its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serving(db: str, token: str) -> Iterator[str]:
    """The app of the store at `db` served with $CLAIMGRAPH_TOKEN set to `token`: its base URL."""
    from claimgraph.serve import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAIMGRAPH_TOKEN", token)
        with running(create_app(db)) as url:
            yield url


def api_error(response: httpx.Response, status: int, code: str) -> str:
    """Assert a JSON error answer of that status and code; its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return str(body["error"]["message"])
