"""A real HTTP server on 127.0.0.1 for the URL tests, serving whatever routes a test sets up."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    delay: float = 0.0  # seconds to wait before answering


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (size limits, timeouts)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


class Handler(BaseHTTPRequestHandler):
    server: QuietServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.hits.append(self.path)
        route = self.server.routes.get(self.path, Route(b"not here", status=404))
        time.sleep(route.delay)
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.content_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        for start in range(0, len(route.body), 65536):
            self.wfile.write(route.body[start:start + 65536])

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output clean
        pass
