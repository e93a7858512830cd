"""The HTTP API against a real uvicorn server on loopback, over a real SQLite store.

The store is filled with hand-made records (invented actors); one test ingests a real text through
the API, which loads the spaCy pipeline once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import httpx
import pytest
from live_server import api_error, serving

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import open_store

pytestmark = pytest.mark.network
TOKEN = "s3cret-test-token"
XSS = "<script>alert(1)</script>"


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _doc(doc_id: str, text: str, outlet: str, published: str, names: dict[str, tuple[str, str]],
         claims: list[tuple[str, str, str, str, str | None, str]]) -> tuple[Article, Extraction]:
    """names: id -> (name, type), each name found in text; claims: (subject, relation, object,
    polarity, speaker, evidence)."""
    article = Article(text=text, source=f"/api-test/{doc_id}.txt", doc_id=doc_id, title=f"Report {doc_id}",
                      url=f"https://news.example/{doc_id}", outlet=outlet, published=published, language="en")
    entities = [Entity(i, name, kind, mentions=[name]) for i, (name, kind) in names.items()]
    mentions = [Mention(*_span(text, name), name, i, rule="alias") for i, (name, _) in names.items()]
    found = [Claim(s, r, o, p, "asserted", sp, ev, *_span(text, ev), cue=r, rule="test")
             for s, r, o, p, sp, ev in claims]
    return article, Extraction(doc_id, entities, found, mentions)


def _fill(db: str) -> None:
    one = "Varnia arms the Red Lantern Front, Minister Ilse Moor said."
    two = "The Red Lantern Front is armed by Varnia, according to the Coastal Monitor."
    three = "Varnia denied that it arms the Red Lantern Front."
    four = f"The Grey Wolves Ring {XSS} works with the Port Authority of Kessa."
    docs = [
        _doc("one", one, "Kessa Times", "2031-01-05",
             {"varnia": ("Varnia", "state"), "red-lantern": ("Red Lantern Front", "armed_group"),
              "ilse-moor": ("Ilse Moor", "person")},
             [("varnia", "arms", "red-lantern", "affirmed", "ilse-moor",
               "Varnia arms the Red Lantern Front")]),
        _doc("two", two, "Coastal Monitor", "2031-02-10",
             {"varnia": ("Varnia", "state"), "red-lantern": ("Red Lantern Front", "armed_group")},
             [("varnia", "arms", "red-lantern", "affirmed", None, two)]),
        _doc("three", three, "Varnia Daily", "2031-03-01",
             {"varnia": ("Varnia", "state"), "red-lantern": ("Red Lantern Front", "armed_group")},
             [("varnia", "arms", "red-lantern", "denied", "varnia", three)]),
        _doc("four", four, f"Wire {XSS}", "2031-04-01",
             {"grey-wolves": ("Grey Wolves Ring", "criminal_group"),
              "kessa-port": ("Port Authority of Kessa", "state_body")},
             [("grey-wolves", "cooperates_with", "kessa-port", "affirmed", None, four)]),
    ]
    with open_store(db) as store:
        for article, extraction in docs:
            store.add_document(article, extraction)


@pytest.fixture(scope="module")
def base(module_db: Callable[..., str]) -> Iterator[str]:
    db = module_db("api")
    _fill(db)
    with serving(db, TOKEN) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as opened:
        yield opened


def test_openapi_and_docs(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/entities", "/api/entities/{entity_id}", "/api/claims", "/api/links", "/api/link",
                 "/api/briefing/{entity}", "/api/ingest"):
        assert path in spec["paths"]
    assert "text" in str(spec["paths"]["/api/ingest"]["post"]["requestBody"])
    assert client.get("/docs").status_code == 200


def test_entities_list_filter_and_paginate(client: httpx.Client) -> None:
    body = client.get("/api/entities").json()
    assert body["total"] == 5 and body["limit"] == 50 and body["offset"] == 0
    assert body["items"][0]["id"] in {"varnia", "red-lantern"}  # most claimed first
    assert {"id", "name", "type", "claim_count", "mention_count"} <= set(body["items"][0])
    page = client.get("/api/entities", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 5 and [e["id"] for e in page["items"]] == [e["id"] for e in body["items"][2:4]]
    assert [e["id"] for e in client.get("/api/entities", params={"type": "person"}).json()["items"]] == [
        "ilse-moor"]
    assert [e["id"] for e in client.get("/api/entities", params={"q": "lantern"}).json()["items"]] == [
        "red-lantern"]
    api_error(client.get("/api/entities", params={"type": "wizard"}), 400, "E413")
    api_error(client.get("/api/entities", params={"limit": 501}), 400, "E413")
    api_error(client.get("/api/entities", params={"limit": 0}), 400, "E413")
    assert client.get("/api/entities", params={"limit": 500}).status_code == 200


def test_entity_detail_with_links(client: httpx.Client) -> None:
    body = client.get("/api/entities/red-lantern").json()
    assert body["entity"]["name"] == "Red Lantern Front"
    [link] = body["links"]
    assert (link["subject"], link["relation"], link["object"]) == ("varnia", "arms", "red-lantern")
    assert link["status"] == "contested" and link["affirmed"] == 2 and link["denied"] == 1
    assert "nobody" in api_error(client.get("/api/entities/nobody"), 404, "E204")
    assert client.get("/api/entities/Varnia").json()["entity"]["id"] == "varnia"  # a name works too


def test_claims(client: httpx.Client) -> None:
    body = client.get("/api/claims").json()
    assert body["total"] == 4 and len(body["items"]) == 4
    assert {"subject_id", "relation", "object_id", "polarity", "evidence", "outlet", "doc_key"} <= set(
        body["items"][0])
    denied = client.get("/api/claims", params={"entity": "Red Lantern Front", "speaker": "varnia"}).json()
    assert [c["polarity"] for c in denied["items"]] == ["denied"]
    assert client.get("/api/claims", params={"relation": "cooperates_with"}).json()["total"] == 1
    page = client.get("/api/claims", params={"limit": 1, "offset": 3}).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    api_error(client.get("/api/claims", params={"relation": "likes"}), 400, "E413")


def test_links_and_pair(client: httpx.Client) -> None:
    body = client.get("/api/links").json()
    assert body["total"] == 2
    assert client.get("/api/links", params={"status": "contested"}).json()["total"] == 1
    assert client.get("/api/links", params={"entity": "Varnia", "relation": "arms"}).json()["total"] == 1
    later = client.get("/api/links", params={"since": "2031-03-01"}).json()
    assert {item["status"] for item in later["items"]} == {"denied", "single-source"}
    assert client.get("/api/links", params={"limit": 1}).json()["items"].__len__() == 1
    api_error(client.get("/api/links", params={"status": "rumoured"}), 400, "E413")
    api_error(client.get("/api/links", params={"since": "last week"}), 400, "E413")

    pair = client.get("/api/link", params={"a": "Varnia", "b": "red-lantern"}).json()
    assert pair["a"] == "varnia" and pair["b_name"] == "Red Lantern Front"
    assert set(pair["affirming"]) == {"Kessa Times", "Coastal Monitor"} and set(pair["denying"]) == {
        "Varnia Daily"}
    assert pair["affirming"]["Kessa Times"][0]["speaker"] == "ilse-moor"
    api_error(client.get("/api/link", params={"a": "Varnia", "b": "Atlantis"}), 404, "E204")
    api_error(client.get("/api/link", params={"a": "Varnia"}), 400, "E413")


def test_briefing(client: httpx.Client) -> None:
    md = client.get("/api/briefing/red-lantern").json()
    assert md["format"] == "md" and md["entity"] == "red-lantern"
    assert "Varnia arms the Red Lantern Front" in md["content"]
    html = client.get("/api/briefing/Grey Wolves Ring", params={"format": "html"}).json()
    assert html["content"].startswith("<!") and XSS not in html["content"]
    api_error(client.get("/api/briefing/red-lantern", params={"format": "pdf"}), 400, "E413")
    api_error(client.get("/api/briefing/atlantis"), 404, "E204")


def test_xss_text_stays_plain_json_data(client: httpx.Client) -> None:
    response = client.get("/api/claims", params={"entity": "grey-wolves"})
    assert response.headers["content-type"].startswith("application/json")
    [item] = response.json()["items"]
    assert XSS in item["evidence"] and item["outlet"] == f"Wire {XSS}"


def test_unknown_route_is_a_json_error(client: httpx.Client) -> None:
    api_error(client.get("/api/nothing"), 404, "E414")
    api_error(client.delete("/api/claims"), 405, "E414")


def test_ingest_needs_the_token(client: httpx.Client) -> None:
    body = {"text": "Varnia funds the Red Lantern Front."}
    api_error(client.post("/api/ingest", json=body), 401, "E410")
    api_error(client.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}), 401, "E410")
    api_error(client.post("/api/ingest", json=body, headers={"Authorization": TOKEN}), 401, "E410")
    token = os.environ.pop("CLAIMGRAPH_TOKEN")
    try:
        assert "writes disabled" in api_error(
            client.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {token}"}), 403, "E411")
    finally:
        os.environ["CLAIMGRAPH_TOKEN"] = token


def test_ingest_body_limits(client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {"text": "word " * 400_000}  # 2 MB
    api_error(client.post("/api/ingest", json=big, headers=auth), 413, "E412")
    api_error(client.post("/api/ingest", content=b"not json", headers=auth), 400, "E413")
    api_error(client.post("/api/ingest", json={"title": "no text"}, headers=auth), 400, "E413")
    api_error(client.post("/api/ingest", json={"text": "   "}, headers=auth), 400, "E413")


def test_ingest_stores_the_text_then_lists_it(client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"text": "The US Treasury said Iran funds Hezbollah through front companies.",
            "title": "Treasury on Hezbollah", "outlet": "Example Wire", "published": "2031-06-01",
            "url": "https://wire.example/hezbollah"}
    first = client.post("/api/ingest", json=body, headers=auth)
    assert first.status_code == 201, first.text
    assert first.json()["new"] == 1 and first.json()["failed"] == []
    again = client.post("/api/ingest", json=body, headers=auth)
    assert again.status_code == 200 and again.json()["duplicate"] == 1
    claims = client.get("/api/claims", params={"entity": "Hezbollah"}).json()["items"]
    assert [(c["subject_id"], c["relation"], c["object_id"]) for c in claims] == [
        ("iran", "finances", "hezbollah")]
    assert claims[0]["outlet"] == "Example Wire" and claims[0]["title"] == "Treasury on Hezbollah"
    assert claims[0]["doc_key"] == first.json()["doc"]
    assert client.get("/api/entities", params={"q": "Hezbollah"}).json()["total"] == 1
