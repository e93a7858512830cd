"""Fixtures for the ingest tests: a live HTTP server on loopback and a port nobody listens on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from ingest_server import QuietServer


@pytest.fixture
def server() -> Iterator[QuietServer]:
    httpd = QuietServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
