"""Ingest through the HTTP API: a text, a web page by URL, an uploaded file.

A real uvicorn server on loopback over a real database of each backend; the pages come from a second
HTTP server on loopback. The extractor is a cheap stand-in wherever the content does not matter; one test runs
the real spaCy pipeline on an uploaded HTML page.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from live_server import free_port, running

from backends import raw
from claimgraph.model import Claim, Extraction
from claimgraph.serve import create_app
from claimgraph.serve.common import ApiError
from claimgraph.serve.routes_ingest import MAX_UPLOAD, check_token_value, ingest_payload

pytestmark = pytest.mark.network
TOKEN = "upload-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAGE = """<!doctype html><html><head><title>Treasury names Hezbollah funders</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> Subscribe now</nav>
<article><h1>Treasury names Hezbollah funders</h1>
<p>The US Treasury said Iran funds Hezbollah through front companies.</p>
<p>{more}</p>
</article>
<footer>Copyright Example Wire. All rights reserved.</footer>
</body></html>"""


def _page(more: str) -> bytes:
    """An article page with its furniture; `more` tells pages apart (the same text is a duplicate)."""
    return PAGE.format(more=more).encode()


# --- stand-in extractors ------------------------------------------------------------------------------
class _Nlp:
    """What run_ingest asks of spaCy: pipe() over (text, context) pairs, and a call on one text."""

    def pipe(self, pairs: Any, **_: Any) -> Iterator[tuple[str, Any]]:
        yield from pairs

    def __call__(self, text: str) -> str:
        return text


class _Cheap:
    """Finds nothing: for tests where only the document matters."""

    nlp = _Nlp()

    def extract_doc(self, doc: Any, doc_id: str) -> Extraction:
        return Extraction(doc_id)


class _Crashing(_Cheap):
    def extract_doc(self, doc: Any, doc_id: str) -> Extraction:
        raise RuntimeError("the rules broke")


class _Dangling(_Cheap):
    """A claim between entities the extraction does not define: the store refuses the document."""

    def extract_doc(self, doc: Any, doc_id: str) -> Extraction:
        claim = Claim("nobody-a", "arms", "nobody-b", "affirmed", "asserted", None, "x", 0, 1)
        return Extraction(doc_id, claims=[claim])


# --- servers ------------------------------------------------------------------------------------------
class _Pages(ThreadingHTTPServer):
    """Web pages on loopback for the URL ingest: path -> (content type, body)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _PageHandler)
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.hits: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _PageHandler(BaseHTTPRequestHandler):
    server: _Pages

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.hits.append(self.path)
        kind, body = self.server.pages.get(self.path, ("text/plain", b"not here"))
        self.send_response(200 if self.path in self.server.pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output clean
        pass


@dataclass
class Served:
    base: str
    app: FastAPI
    db: str
    pages: _Pages


@pytest.fixture(scope="module")
def served(module_db: Callable[..., str]) -> Iterator[Served]:
    db = module_db("ingest")
    app = create_app(db, extractor=_Cheap)
    app.state.allow_private = True  # the pages are on loopback; one test turns it off again
    pages = _Pages()
    threading.Thread(target=pages.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAIMGRAPH_TOKEN", TOKEN)
        try:
            with running(app) as url:
                yield Served(url, app, db, pages)
        finally:
            pages.shutdown()
            pages.server_close()


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.base, timeout=120) as opened:
        yield opened


@contextmanager
def _extractor(app: FastAPI, factory: Callable[[], Any] | None) -> Iterator[None]:
    """Another extractor for the requests inside the block (None: the real spaCy pipeline)."""
    before = app.state.extractor_factory
    app.state.extractor_factory = factory
    try:
        yield
    finally:
        app.state.extractor_factory = before


def _documents(db: str) -> dict[str, dict[str, Any]]:
    """The stored documents, read on a connection of their own, independently of the served app."""
    columns = ("doc_key", "text", "title", "url", "status")
    rows = raw(db, f"SELECT {', '.join(columns)} FROM documents")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return str(body["error"]["message"])


def _upload(client: httpx.Client, name: str, content: bytes, **headers: str) -> httpx.Response:
    return client.post("/api/ingest/file", files={"file": (name, content)}, headers={**AUTH, **headers})


# --- URLs ---------------------------------------------------------------------------------------------
def test_url_ingest_fetches_the_page(served: Served, client: httpx.Client) -> None:
    served.pages.pages["/news/1"] = ("text/html; charset=utf-8", _page("Officials gave no figures."))
    url = served.pages.url("/news/1")
    first = client.post("/api/ingest", json={"url": url}, headers=AUTH)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["new"] == 1 and body["failed"] == [] and body["docs"] == [body["doc"]]
    stored = _documents(served.db)[body["doc"]]
    assert stored["url"] == url and stored["title"] == "Treasury names Hezbollah funders"
    assert "Iran funds Hezbollah" in stored["text"] and "Subscribe" not in stored["text"]
    again = client.post("/api/ingest", json={"url": url}, headers=AUTH)
    assert again.status_code == 200 and again.json()["duplicate"] == 1


def test_private_urls_are_refused_unless_allowed(served: Served, client: httpx.Client) -> None:
    served.pages.pages["/news/2"] = ("text/plain", b"Varnia arms the Red Lantern Front.")
    url = served.pages.url("/news/2")
    served.app.state.allow_private = False
    try:
        message = _error(client.post("/api/ingest", json={"url": url}, headers=AUTH), 400, "E107")
    finally:
        served.app.state.allow_private = True
    assert "127.0.0.1" in message and "/news/2" not in served.pages.hits  # refused before connecting
    assert client.post("/api/ingest", json={"url": url}, headers=AUTH).status_code == 201


def test_url_failures(served: Served, client: httpx.Client) -> None:
    _error(client.post("/api/ingest", json={"url": served.pages.url("/missing")}, headers=AUTH), 502, "E113")
    closed = f"http://127.0.0.1:{free_port()}/"
    _error(client.post("/api/ingest", json={"url": closed}, headers=AUTH), 502, "E106")


@pytest.mark.parametrize("body", [
    {"url": "/etc/passwd"}, {"url": "file:///etc/passwd"}, {"url": "ftp://example.org/x"},  # never a path
    {}, {"title": "a title alone"}, {"text": "  ", "url": " "},
    {"url": "https://example.org/a", "title": "a page brings its own title"},
])
def test_a_request_needs_one_text_or_url(client: httpx.Client, body: dict[str, str]) -> None:
    _error(client.post("/api/ingest", json=body, headers=AUTH), 400, "E413")


# --- files --------------------------------------------------------------------------------------------
def test_html_upload_is_cleaned_and_extracted(served: Served, client: httpx.Client) -> None:
    with _extractor(served.app, None):  # the real pipeline, once
        response = _upload(client, "treasury-note.html", _page("The companies did not answer."))
    assert response.status_code == 201, response.text
    assert response.json()["doc"] == "treasury-note"  # named by its stem, as on the command line
    stored = _documents(served.db)["treasury-note"]
    assert stored["title"] == "Treasury names Hezbollah funders"
    assert "Iran funds Hezbollah" in stored["text"]
    assert "<p>" not in stored["text"] and "Subscribe" not in stored["text"]
    claims = client.get("/api/claims", params={"entity": "Hezbollah"}).json()["items"]
    assert ("iran", "finances", "hezbollah", "treasury-note") in {
        (c["subject_id"], c["relation"], c["object_id"], c["doc_key"]) for c in claims}


def test_text_upload_then_its_duplicate(served: Served, client: httpx.Client) -> None:
    content = b"Minister Ilse Moor said Varnia trains the Grey Wolves Ring.\n"
    first = _upload(client, "field notes.TXT", content)
    assert first.status_code == 201 and first.json()["doc"] == "field-notes", first.text
    assert _documents(served.db)["field-notes"]["text"] == content.decode()
    again = _upload(client, "other-name.txt", content)
    assert again.status_code == 200 and again.json()["duplicate"] == 1 and again.json()["new"] == 0


def test_the_client_file_name_is_sanitised(served: Served, client: httpx.Client) -> None:
    response = _upload(client, "../../etc/cron.d/evil name!.md", b"A note about the port of Kessa.")
    assert response.status_code == 201 and response.json()["doc"] == "evil-name", response.text


@pytest.mark.parametrize("name", ["report.pdf", "report", "archive.tar.gz", ".txt", "notes.rss"])
def test_unsupported_suffixes(client: httpx.Client, name: str) -> None:
    assert "known extensions" in _error(_upload(client, name, b"some text"), 400, "E114")


def test_jsonl_upload_reports_a_bad_line_and_keeps_the_good_one(served: Served, client: httpx.Client) -> None:
    lines = b'{"id": "wire-7", "text": "Kessa sanctions the Grey Wolves Ring.", "outlet": "Wire"}\n{oops\n'
    response = _upload(client, "batch.jsonl", lines)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["new"] == 1 and body["docs"] == ["wire-7"]
    assert [item["code"] for item in body["failed"]] == ["E109"]


def test_empty_and_binary_uploads(client: httpx.Client) -> None:
    _error(_upload(client, "empty.txt", b""), 400, "E101")
    _error(_upload(client, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), 400, "E102")


def test_upload_size_limits(client: httpx.Client) -> None:
    _error(_upload(client, "big.txt", b"a" * (MAX_UPLOAD + 200_000)), 413, "E412")  # Content-Length
    _error(_upload(client, "just-over.txt", b"a" * (MAX_UPLOAD + 1)), 413, "E412")  # the part itself

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must stop reading at the limit
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\n"
        for _ in range(40):
            yield b"a" * 65_536

    streamed = client.post("/api/ingest/file", content=chunks(),
                           headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
    _error(streamed, 413, "E412")


def test_malformed_uploads(client: httpx.Client) -> None:
    _error(client.post("/api/ingest/file", content=b"text", headers={**AUTH, "Content-Type": "text/plain"}),
           400, "E413")
    no_file = client.post("/api/ingest/file", data={"title": "x"}, files={"other": ("a.txt", b"x")},
                          headers=AUTH)
    _error(no_file, 400, "E413")


@pytest.mark.parametrize("path", ["/api/ingest", "/api/ingest/file"])
def test_writes_need_the_token(client: httpx.Client, path: str) -> None:
    text = "Varnia funds the Red Lantern Front."
    send: dict[str, Any] = {"json": {"text": text}} if path == "/api/ingest" else {
        "files": {"file": ("a.txt", text.encode())}}
    _error(client.post(path, **send), 401, "E410")
    _error(client.post(path, **send, headers={"Authorization": "Bearer nope"}), 401, "E410")
    _error(client.post(path, **send, headers={"Authorization": f"Basic {TOKEN}"}), 401, "E410")
    token = os.environ.pop("CLAIMGRAPH_TOKEN")
    try:
        _error(client.post(path, **send, headers=AUTH), 403, "E411")
    finally:
        os.environ["CLAIMGRAPH_TOKEN"] = token


def test_a_failing_item_leaves_no_document(served: Served, client: httpx.Client) -> None:
    content = b"The Coastal Monitor said Varnia harbors the Red Lantern Front."
    before = _documents(served.db)
    with _extractor(served.app, _Crashing):
        _error(_upload(client, "crash.txt", content), 500, "E304")
    with _extractor(served.app, _Dangling):
        _error(_upload(client, "dangling.txt", content), 500, "E203")
    assert _documents(served.db) == before
    # nothing of the text was kept, so it is new, not a duplicate, once the extractor works
    retried = _upload(client, "crash.txt", content)
    assert retried.status_code == 201 and retried.json()["new"] == 1, retried.text


# --- the functions the UI calls -----------------------------------------------------------------------
def test_ingest_payload_takes_form_values(served: Served) -> None:
    """A form sends empty strings for the fields left blank: they count as not given."""
    data = ingest_payload(served.app, text="", url="", upload=("memo.txt", b"Kessa arms the Port guard."),
                          title="", outlet=" ", published="")
    assert data["new"] == 1 and data["doc"] == "memo"
    text = ingest_payload(served.app, text="Varnia denies arming anyone.", title="Denial", outlet="Wire")
    assert text["doc"].startswith("api-") and _documents(served.db)[text["doc"]]["title"] == "Denial"
    again = ingest_payload(served.app, text="Varnia  denies arming anyone.")  # other whitespace, same text
    assert again["duplicate"] == 1 and again["doc"] == text["doc"]
    with pytest.raises(ApiError) as both:
        ingest_payload(served.app, text="a text", upload=("a.txt", b"and a file"))
    assert both.value.code.value == "E413" and both.value.status == 400
    with pytest.raises(ApiError) as big:
        ingest_payload(served.app, upload=("a.txt", b"a" * (MAX_UPLOAD + 1)))
    assert big.value.status == 413


def test_check_token_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_TOKEN", TOKEN)
    check_token_value(TOKEN)
    for wrong in (None, "", "nope", TOKEN + "x"):
        with pytest.raises(ApiError) as refused:
            check_token_value(wrong)
        assert refused.value.code.value == "E410" and refused.value.status == 401
    monkeypatch.delenv("CLAIMGRAPH_TOKEN")
    with pytest.raises(ApiError) as disabled:
        check_token_value(TOKEN)
    assert disabled.value.code.value == "E411" and disabled.value.status == 403
