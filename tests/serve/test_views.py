"""The server-rendered pages against a real uvicorn server on loopback, over a real SQLite store of
invented actors (conftest.py): content, error pages, security headers and escaping."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import httpx
import lxml.html
import pytest

from claimgraph.serve.views.highlight import Span, name_spans, segments
from claimgraph.serve.views.security import DOCS_POLICY, UI_POLICY

pytestmark = pytest.mark.network

PAGES = ["/", "/graph", "/graph?entity=varnia", "/graph?entity=Varnia&status=contested", "/entity/varnia",
         "/entity/red-lantern", "/entity/varnia/briefing", "/links", "/links?entity=varnia&relation=arms",
         "/link?a=varnia&b=red-lantern", "/document/kessa-1", "/document/xss-1", "/search?q=Varnia",
         "/search", "/ingest"]


@pytest.fixture(scope="module")
def client(ui_base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ui_base, timeout=30) as opened:
        yield opened


def _page(client: httpx.Client, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = client.get(path, **kwargs)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def _text(tree: Any, xpath: str) -> str:
    # itertext with spaces: "<dt>Documents</dt><dd>5</dd>" reads "Documents 5"
    return " ".join(" ".join(" ".join(node.itertext()).split()) for node in tree.xpath(xpath))


def _by_id(element_id: str) -> str:
    return f"//*[@id='{element_id}']"


# --- every page ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_the_layout_and_the_headers(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-security-policy"] == UI_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    tree = lxml.html.fromstring(response.text)
    assert tree.xpath("//a[@class='skip-link']/@href") == ["#content"] and tree.xpath(_by_id("content"))
    assert [a.text_content() for a in tree.xpath("//nav[@aria-label='Main']//ul/li/a")] == [
        "Overview", "Graph", "Ingest"]
    assert tree.xpath("//form[@role='search' and @action='/search']//input[@name='q']")
    # the CSP would block them anyway; the templates must not need them
    assert all(script.get("src") for script in tree.xpath("//script"))
    assert not tree.xpath("//*[@style]")
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", response.text)


def test_static_files_and_the_api_docs(client: httpx.Client) -> None:
    for path in ("/static/claimgraph.css", "/static/graph.js", "/static/vendor/cytoscape-3.34.4.min.js"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["x-content-type-options"] == "nosniff"
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-security-policy"] == DOCS_POLICY
    assert client.get("/redoc").headers["content-security-policy"] == DOCS_POLICY
    api = client.get("/api/entities")
    assert api.headers["content-type"].startswith("application/json")
    assert api.headers["x-content-type-options"] == "nosniff"


# --- the pages ----------------------------------------------------------------------------------------
def test_overview(client: httpx.Client) -> None:
    tree = _page(client, "/")
    counts = _text(tree, _by_id("counts"))
    assert "Documents 5" in counts and "Entities 5" in counts and "Claims 5" in counts and "Links 2" in counts
    assert "contested 1" in counts and "single-source 1" in counts
    assert "Varnia arms Red Lantern Front contested" in _text(tree, _by_id("contested"))
    assert tree.xpath(_by_id("contested") + "//a[@href='/link?a=varnia&b=red-lantern']")
    newest = _text(tree, _by_id("newest-claims"))
    assert newest.index("Grey Wolves Ring") < newest.index("Varnia denied")  # newest published first
    actors = tree.xpath(_by_id("top-actors") + "//li/a[@class='entity']/text()")
    # most links first; here each has one, so by id (grey-wolves, kessa-port, red-lantern, varnia)
    assert actors == ["Grey Wolves Ring", "Port Authority of Kessa", "Red Lantern Front", "Varnia"]


def test_link_page_shows_evidence_for_and_against_by_source(client: httpx.Client, ui_corpus: Any) -> None:
    tree = _page(client, "/link", params={"a": "Varnia", "b": "red-lantern"})
    assert "Varnia arms Red Lantern Front contested 2 for · 1 against" in _text(tree, _by_id("links"))
    sides = {side: tree.xpath(_by_id(side))[0] for side in ("evidence-for", "evidence-against")}
    sources = [h.text.strip() for h in sides["evidence-for"].xpath(".//h3")]
    assert sources == ["Kessa Times", "Coastal Monitor"]
    top = sides["evidence-for"].xpath("./section[1]/ol/li[contains(@class, 'evidence')]")
    assert len(top) == 1  # the syndicated copy is folded under its origin, not a source of its own
    copy = top[0].xpath(".//details[@class='copies']//li[contains(@class, 'evidence')]")
    assert len(copy) == 1 and "Harbour Wire" in copy[0].text_content()
    assert top[0].xpath("./blockquote/mark[@class='actor']/text()") == ["Varnia", "Red Lantern Front"]
    assert "Ilse Moor" in _text(top[0], ".//span[@class='speaker']")
    assert "2031-01-05" in top[0].text_content()
    against = sides["evidence-against"]
    assert [h.text.strip() for h in against.xpath(".//h3")] == ["Varnia Daily"]
    assert ui_corpus.deny == against.xpath(".//li[contains(@class, 'evidence')]/blockquote")[0].text_content()


def test_entity_page(client: httpx.Client) -> None:
    tree = _page(client, "/entity/red-lantern")
    assert "Red Lantern Front" in _text(tree, "//h1")
    facts = _text(tree, _by_id("facts"))
    assert "armed group" in facts and "Aliases" not in facts  # its only alias is its name
    links = _text(tree, _by_id("entity-links"))
    assert "Arms" in links or "arms" in links
    assert "Varnia arms Red Lantern Front contested" in links
    assert [row.text for row in tree.xpath(_by_id("timeline") + "//tbody/tr/th")] == [
        "2031-01", "2031-02", "2031-03"]
    # the busiest month (two affirming reports in January, the copy counted) is the longest bar
    bars = tree.xpath(_by_id("timeline") + "//tbody//span/@class")
    assert bars == ["bar affirmed step-20", "bar denied step-0", "bar affirmed step-10", "bar denied step-0",
                    "bar affirmed step-0", "bar denied step-10"]
    sources = _text(tree, _by_id("sources"))
    assert "Kessa Times 2 2" in sources and "Varnia Daily 1 1" in sources  # the copy counts under its origin
    assert tree.xpath("//a[@href='/graph?entity=red-lantern']") and tree.xpath(
        "//a[@href='/entity/red-lantern/briefing']")


def test_entity_by_name_and_the_paged_list_of_links(client: httpx.Client) -> None:
    assert "Varnia" in _text(_page(client, "/entity/Varnia"), "//h1")
    tree = _page(client, "/links", params={"entity": "varnia", "relation": "arms"})
    assert _text(tree, _by_id("links-total")).startswith("1 link")
    assert tree.xpath("//select[@name='relation']/option[@selected]/@value") == ["arms"]
    assert len(tree.xpath(_by_id("link-list") + "/li")) == 1
    tree = _page(client, "/links", params={"status": "single-source"})
    assert "Grey Wolves Ring cooperates with Port Authority of Kessa" in _text(tree, _by_id("link-list"))
    assert not tree.xpath(_by_id("link-list") + "//a[@href='/link?a=varnia&b=red-lantern']")


def test_briefing_is_framed_from_the_renderers_page(client: httpx.Client, ui_corpus: Any) -> None:
    tree = _page(client, "/entity/grey-wolves/briefing")
    frame = tree.xpath("//iframe[@id='briefing']")[0]
    assert frame.get("sandbox") == "" and frame.get("src") == "/entity/grey-wolves/briefing.html"
    inner = client.get("/entity/grey-wolves/briefing.html")
    assert inner.status_code == 200 and "Briefing: Grey Wolves Ring" in inner.text
    policy = inner.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "script-src" not in policy
    assert ui_corpus.script not in inner.text


def test_document_page_highlights_mentions_and_evidence(client: httpx.Client) -> None:
    tree = _page(client, "/document/harbour-1")
    text = tree.xpath(_by_id("document-text"))[0]
    assert text.text_content().startswith("KESSA (Harbour Wire) - Varnia arms")
    mentions = {(a.text, a.get("href")) for a in text.xpath(".//a[contains(@class, 'mention')]")}
    assert mentions == {("Varnia", "/entity/varnia"), ("Red Lantern Front", "/entity/red-lantern"),
                        ("Ilse Moor", "/entity/ilse-moor")}
    assert "evidence" in text.xpath(".//a[text()='Varnia']/@class")[0]
    assert text.xpath(".//mark[@class='evidence' and text()=' arms the ']")
    story = _text(tree, _by_id("story"))
    assert story.index("origin Report kessa-1") < story.index("copy Report harbour-1")
    assert "syndicated" in story


def test_search_marks_the_hits(client: httpx.Client) -> None:
    tree = _page(client, "/search", params={"q": "denied"})
    assert tree.xpath(_by_id("search-claims") + "//mark[@class='hit']/text()") == ["denied"]
    assert tree.xpath(_by_id("search-documents") + "//a[@href='/document/varnia-1']")
    assert tree.xpath("//input[@id='site-search']/@value") == ["denied"]
    nothing = _page(client, "/search", 400, params={"q": "!!"})
    assert "type at least one word" in _text(nothing, "//p[@id='error']")


def test_graph_page_lists_the_edges_it_draws(client: httpx.Client) -> None:
    tree = _page(client, "/graph", params={"entity": "Varnia"})
    assert tree.xpath(_by_id("graph") + "/@data-source") == ["/api/graph?entity=varnia"]
    edges = tree.xpath(_by_id("edge-list") + "//a")
    assert [(a.text_content().split(), a.get("href")) for a in edges] == [
        (["Varnia", "arms", "Red", "Lantern", "Front"], "/link?a=varnia&b=red-lantern")]
    assert tree.xpath("//script/@src") == ["/static/vendor/cytoscape-3.34.4.min.js", "/static/graph.js"]
    assert len(tree.xpath(_by_id("legend") + "//li")) == 11 + 4 + 1
    api = client.get("/api/graph", params={"entity": "varnia"}).json()
    assert [e["id"] for e in api["edges"]] == ["varnia|arms|red-lantern"]
    filtered = _page(client, "/graph", params={"relation": "cooperates_with", "since": "2031-04"})
    assert tree.xpath(_by_id("graph-actors")) == [] and filtered.xpath(_by_id("graph-actors"))
    assert "hedged" in _text(filtered, _by_id("edge-list"))
    assert filtered.xpath("//input[@name='since']/@value") == ["2031-04"]


# --- errors -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "code"), [
    ("/entity/nobody", "E204"), ("/entity/nobody/briefing", "E204"), ("/document/nothing-here", "E415"),
    ("/graph?entity=Atlantis", "E204"), ("/link?a=varnia&b=atlantis", "E204"),
    ("/links?entity=atlantis", "E204"),
])
def test_unknown_entities_and_documents_are_html_404s(client: httpx.Client, path: str, code: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-security-policy"] == UI_POLICY
    tree = lxml.html.fromstring(response.text)
    assert _text(tree, "//h1") == "Not found" and tree.xpath("//p[@id='error']/code/text()") == [code]


@pytest.mark.parametrize("path", ["/links?status=rumoured", "/graph?relation=likes", "/links?since=yesterday",
                                  "/links?page=0", "/links?page=99999999999999999999",
                                  "/search?q=x&page=-1", "/link?a=varnia"])
def test_bad_parameters_are_html_400s(client: httpx.Client, path: str) -> None:
    tree = _page(client, path, 400)
    assert tree.xpath("//p[@id='error']/code/text()") == ["E413"]


def test_the_api_keeps_answering_json(client: httpx.Client) -> None:
    for path in ("/api/entities/nobody", "/api/nothing"):
        response = client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")


# --- escaping -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/document/xss-1", "/search?q=window", "/entity/grey-wolves",
                                  "/link?a=grey-wolves&b=kessa-port"])
def test_stored_markup_comes_back_escaped(client: httpx.Client, ui_corpus: Any, path: str) -> None:
    html = client.get(path).text
    assert ui_corpus.script not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html or path == "/search?q=window"


def test_document_with_markup_shows_it_as_text(client: httpx.Client, ui_corpus: Any) -> None:
    tree = _page(client, "/document/xss-1")
    assert _text(tree, "//h1") == ui_corpus.xss_title
    assert ui_corpus.xss_outlet in _text(tree, _by_id("document-meta"))
    assert ui_corpus.script in tree.xpath(_by_id("document-text"))[0].text_content()
    assert ui_corpus.img in tree.xpath(_by_id("document-text"))[0].text_content()
    assert not tree.xpath("//img") and len(tree.xpath("//script")) == 0


# --- ingest -------------------------------------------------------------------------------------------
def test_ingest_form(client: httpx.Client) -> None:
    tree = _page(client, "/ingest")
    form = tree.xpath("//form[@action='/ingest']")[0]
    assert form.get("method") == "post" and form.get("enctype") == "multipart/form-data"
    assert form.xpath(".//input[@name='token']/@type") == ["password"]
    assert {"text", "url", "file", "title", "outlet", "published", "token"} <= set(form.xpath(".//@name"))


def test_ingest_needs_the_token(client: httpx.Client) -> None:
    text = {"text": "Varnia funds the Red Lantern Front.", "title": "<b>kept</b>"}
    for data in (text, {**text, "token": "wrong"}):
        response = client.post("/ingest", data=data)
        assert response.status_code == 401 and response.headers["content-security-policy"] == UI_POLICY
        tree = lxml.html.fromstring(response.text)
        assert tree.xpath(_by_id("ingest-error") + "//code/text()") == ["E410"]
        assert tree.xpath("//textarea[@name='text']/text()") == [text["text"]]  # the text is kept
        assert tree.xpath("//input[@name='token']/@value") == []  # the token is not
    token = os.environ.pop("CLAIMGRAPH_TOKEN")
    try:
        response = client.post("/ingest", data={**text, "token": token})
        assert response.status_code == 403 and "E411" in response.text
    finally:
        os.environ["CLAIMGRAPH_TOKEN"] = token


def test_ingest_reports_bad_input_on_the_page(client: httpx.Client, ui_corpus: Any) -> None:
    response = client.post("/ingest", data={"token": ui_corpus.token})
    assert response.status_code == 400
    assert lxml.html.fromstring(response.text).xpath(_by_id("ingest-error") + "//code/text()") == ["E413"]
    big = client.post("/ingest", data={"token": ui_corpus.token},
                      files={"file": ("big.txt", b"word " * 300_000)})
    assert big.status_code == 413 and "E412" in big.text


# --- highlighting, without the server --------------------------------------------------------------------
def test_segments_nest_mentions_inside_evidence() -> None:
    text = "Alpha arms Beta. Gamma"
    cut = segments(text, [Span(0, 5, "alpha", "state"), Span(11, 15, "beta"), Span(0, 16, mark="evidence"),
                          Span(17, 99, "bad"), Span(5, 5, "empty")])
    assert [(s.text, s.entity, s.marks) for s in cut] == [
        ("Alpha", "alpha", ("evidence",)), (" arms ", None, ("evidence",)), ("Beta", "beta", ("evidence",)),
        (".", None, ("evidence",)), (" Gamma", None, ())]
    assert "".join(s.text for s in cut) == text


def test_names_are_found_as_whole_words_longest_first() -> None:
    text = "Varnian troops: Varnia and the Red Lantern Front, red lantern front."
    spans = name_spans(text, ["Varnia", "Red Lantern", "Red Lantern Front", None])
    found = [text[s.start:s.end] for s in spans]
    assert found == ["Varnia", "Red Lantern Front", "red lantern front"]
