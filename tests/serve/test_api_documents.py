"""The API's documents, search, graph, link filters and entity pages, against a real uvicorn server on
loopback over a real SQLite store filled with hand-made records (invented actors and outlets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from live_server import api_error, running
from sqlalchemy import insert

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.serve import create_app
from claimgraph.store import Store, open_store
from claimgraph.store.engine import write_transaction
from claimgraph.store.schema import document_copies

pytestmark = pytest.mark.network

NAMES = {
    "varnia": ("Varnia", "state"), "red-lantern": ("Red Lantern Front", "armed_group"),
    "ilse-moor": ("Ilse Moor", "person"), "grey-wolves": ("Grey Wolves Ring", "criminal_group"),
    "kessa-port": ("Port Authority of Kessa", "state_body"), "rlf": ("RLF", "armed_group"),
    "tren-de-aragua": ("Tren de Aragua", "criminal_group"),
}
# key: (outlet, published, text, claims as (subject, relation, object, polarity, modality, speaker))
DOCS: dict[str, tuple[str | None, str | None, str, list[tuple[str, str, str, str, str, str | None]]]] = {
    "one": ("Kessa Times", "2031-01-05", "Varnia arms the Red Lantern Front, Minister Ilse Moor said.",
            [("varnia", "arms", "red-lantern", "affirmed", "asserted", "ilse-moor")]),
    "two": ("Coastal Monitor", "2031-02-10", "Varnia arms the Red Lantern Front, the Coastal Monitor found.",
            [("varnia", "arms", "red-lantern", "affirmed", "asserted", None)]),
    "three": ("Varnia Daily", "2031-02-28T18:00:00", "Varnia denied that it arms the Red Lantern Front.",
              [("varnia", "arms", "red-lantern", "denied", "asserted", "varnia")]),
    "four": ("Wire", "2031-03-01", "The Grey Wolves Ring works with the Port Authority of Kessa.",
             [("grey-wolves", "cooperates_with", "kessa-port", "affirmed", "asserted", None)]),
    "five": ("Kessa Times", "2031-03-15", "Varnia may fund the Grey Wolves Ring, Ilse Moor said.",
             [("varnia", "finances", "grey-wolves", "affirmed", "hedged", "ilse-moor")]),
    "six": (None, None,
            "The Red Lantern Front works with the Grey Wolves Ring in the Société Noire district.",
            [("red-lantern", "cooperates_with", "grey-wolves", "affirmed", "asserted", None)]),
    "seven": ("Harbour Wire", "2031-02-11", "Varnia arms the Red Lantern Front, the Coastal Monitor found!",
              [("varnia", "arms", "red-lantern", "affirmed", "asserted", None)]),
    "eight": ("Kessa Times", "2031-01-20", "The RLF trains with the Red Lantern Front near Kessa.", []),
    "nine": ("Kessa Times", "2031-01-21", "A Kessa report named Tren de Aragua in passing.", []),
}


def _record(key: str) -> tuple[Article, Extraction]:
    outlet, published, text, claims = DOCS[key]
    article = Article(text=text, source=f"/api-docs-test/{key}.txt", doc_id=key, title=f"Report {key}",
                      url=f"https://news.example/{key}", outlet=outlet, published=published, language="en")
    named = {i: NAMES[i] for i in NAMES if NAMES[i][0] in text}
    entities = [Entity(i, name, kind, mentions=[name]) for i, (name, kind) in named.items()]
    mentions = [Mention(text.index(name), text.index(name) + len(name), name, i, rule="alias")
                for i, (name, _) in named.items()]
    evidence = text.rstrip(".!")
    found = [Claim(s, r, o, p, m, sp, evidence, 0, len(evidence), cue=r, rule="test")
             for s, r, o, p, m, sp in claims]
    return article, Extraction(key, entities, found, mentions)


def _fill(store: Store) -> dict[str, int]:
    ids = {key: store.add_document(*_record(key))[1] for key in DOCS}
    with write_transaction(store.engine) as conn:  # "seven" copies "two"
        conn.execute(insert(document_copies), [
            {"document_id": ids["two"], "story_id": ids["two"], "copy_of": None, "similarity": 1.0,
             "method": "origin"},
            {"document_id": ids["seven"], "story_id": ids["two"], "copy_of": ids["two"], "similarity": 0.97,
             "method": "syndicated"}])
    store.judge_merge("red-lantern", "rlf", who="test", why="the acronym of the front")
    return ids


@pytest.fixture(scope="module")
def ids(module_db: Callable[..., str]) -> Iterator[tuple[str, dict[str, int]]]:
    db = module_db("api")
    with open_store(db) as store:
        yield db, _fill(store)


@pytest.fixture(scope="module")
def client(ids: tuple[str, dict[str, int]]) -> Iterator[httpx.Client]:
    with running(create_app(ids[0])) as url, httpx.Client(base_url=url, timeout=60) as opened:
        yield opened


def _get(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- /api/documents ------------------------------------------------------------------------------
def test_documents_list_newest_first_and_pages(client: httpx.Client) -> None:
    body = _get(client, "/api/documents")
    assert (body["total"], body["limit"], body["offset"]) == (9, 50, 0)
    keys = [item["doc_key"] for item in body["items"]]
    assert keys == ["five", "four", "three", "seven", "two", "nine", "eight", "one", "six"]
    by_key = {item["doc_key"]: item for item in body["items"]}
    assert by_key["seven"]["copy_of"] == "two" and by_key["two"]["copy_of"] is None
    assert by_key["one"]["claim_count"] == 1 and by_key["eight"]["claim_count"] == 0
    assert "text" not in by_key["one"]
    page = _get(client, "/api/documents", limit=3, offset=2)
    assert page["total"] == 9 and [item["doc_key"] for item in page["items"]] == keys[2:5]
    assert _get(client, "/api/documents", offset=9)["items"] == []
    kessa = _get(client, "/api/documents", outlet="Kessa Times")
    assert kessa["total"] == 4 and [item["doc_key"] for item in kessa["items"]] == ["five", "nine", "eight",
                                                                                  "one"]
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}):
        api_error(client.get("/api/documents", params=bad), 400, "E413")


def test_one_document_by_key_or_id(client: httpx.Client, ids: tuple[str, dict[str, int]]) -> None:
    body = _get(client, "/api/documents/one")
    assert body["text"] == DOCS["one"][2] and body["outlet"] == "Kessa Times"
    assert body["id"] == ids[1]["one"] and body["story"] == []
    assert [(m["text"], m["entity_id"], m["entity_name"], m["entity_type"]) for m in body["mentions"]] == [
        ("Varnia", "varnia", "Varnia", "state"), ("Red Lantern Front", "red-lantern", "Red Lantern Front",
                                                  "armed_group"),
        ("Ilse Moor", "ilse-moor", "Ilse Moor", "person")]
    for mention in body["mentions"]:
        assert body["text"][mention["start"]:mention["end"]] == mention["text"]
    [claim] = body["claims"]
    assert (claim["subject_id"], claim["relation"], claim["object_id"], claim["speaker_id"]) == (
        "varnia", "arms", "red-lantern", "ilse-moor")
    assert body["text"][claim["start"]:claim["end"]] == claim["evidence"]
    assert _get(client, f"/api/documents/{ids[1]['one']}") == body
    # a merged entity's mentions are shown under the entity it was merged into
    merged = _get(client, "/api/documents/eight")
    assert {m["entity_id"] for m in merged["mentions"]} == {"red-lantern"}


def test_a_copy_shows_its_story(client: httpx.Client) -> None:
    copy = _get(client, "/api/documents/seven")
    assert copy["copy_of"] == "two"
    assert [(row["doc_key"], row["copy_of"], bool(row["origin"])) for row in copy["story"]] == [
        ("two", None, True), ("seven", "two", False)]
    assert _get(client, "/api/documents/two")["story"] == copy["story"]


@pytest.mark.parametrize("key", ["nope", "999999", "one/extra", "..%2F..%2Fetc", "%00",
                                 "100000000000000000000", "9223372036854775808", "%C2%B2", "%D9%A3"])
def test_an_unknown_document_is_e415(client: httpx.Client, key: str) -> None:
    message = api_error(client.get(f"/api/documents/{key}"), 404, "E415")
    assert "no stored document" in message


# --- /api/search ---------------------------------------------------------------------------------
def test_search_documents_and_claims(client: httpx.Client) -> None:
    body = _get(client, "/api/search", q="varnia arms")
    assert body["query"] == "varnia arms" and (body["limit"], body["offset"]) == (50, 0)
    assert sorted(item["doc_key"] for item in body["documents"]) == ["one", "seven", "three", "two"]
    assert body["total_documents"] == 4 and body["total_claims"] == 4
    for item in body["documents"] + body["claims"]:
        pieces = item["snippet"]
        assert all(isinstance(text, str) and isinstance(hit, bool) for text, hit in pieces)
        assert {text.lower() for text, hit in pieces if hit} == {"varnia", "arms"}
    for claim in body["claims"]:
        assert "".join(text for text, _ in claim["snippet"]) == claim["evidence"]
        assert claim["relation"] == "arms"


def test_search_phrases_accents_and_limits(client: httpx.Client) -> None:
    assert [d["doc_key"] for d in _get(client, "/api/search", q='"coastal monitor found"')["documents"]] in (
        ["two", "seven"], ["seven", "two"])
    assert [d["doc_key"] for d in _get(client, "/api/search", q="societe NOIRE")["documents"]] == ["six"]
    assert _get(client, "/api/search", q='"lantern red"')["total_documents"] == 0
    first = _get(client, "/api/search", q="varnia", limit=1)
    assert len(first["documents"]) == 1 and len(first["claims"]) == 1
    assert first["total_documents"] == 5 and first["total_claims"] == 5
    rest = _get(client, "/api/search", q="varnia", limit=500, offset=1)
    assert len(rest["documents"]) == 4 and len(rest["claims"]) == 4
    assert rest["total_documents"] == 5
    assert first["documents"][0]["doc_key"] not in {d["doc_key"] for d in rest["documents"]}


@pytest.mark.parametrize("q", ["NEAR(varnia", "varnia*", "-varnia", 'varnia"', "varnia AND OR NOT",
                               "title:varnia", "(varnia)", "'"])
def test_search_syntax_in_the_query_is_no_error(client: httpx.Client, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    if q == "'":
        api_error(response, 400, "E413")
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("params", [{"q": "*"}, {"q": '"'}, {"q": "()"}, {"q": ""}, {"q": "   "}, {},
                                    {"q": "varnia", "limit": 0}, {"q": "varnia", "limit": 501},
                                    {"q": "varnia", "offset": -1}, {"q": "x" * 501}])
def test_search_without_words_or_out_of_bounds_is_e413(client: httpx.Client, params: dict[str, Any]) -> None:
    api_error(client.get("/api/search", params=params), 400, "E413")


# --- /api/graph ----------------------------------------------------------------------------------
def test_graph_of_an_entity(client: httpx.Client) -> None:
    body = _get(client, "/api/graph", entity="Red Lantern Front")
    assert body["focus"] == "red-lantern" and body["truncated"] is False
    edges = {item["id"]: item for item in body["edges"]}
    assert set(edges) == {"varnia|arms|red-lantern", "grey-wolves|cooperates_with|red-lantern",
                          "varnia|finances|grey-wolves"}  # the last links two of its neighbours
    assert edges["varnia|arms|red-lantern"]["status"] == "contested"
    assert edges["varnia|finances|grey-wolves"]["modality"] == "hedged"
    assert [n["id"] for n in body["nodes"] if n["focus"]] == ["red-lantern"]
    assert _get(client, "/api/graph", entity="rlf")["focus"] == "red-lantern"  # merged id
    cut = _get(client, "/api/graph", entity="red-lantern", limit=1)
    assert cut["total_edges"] == 2 and cut["truncated"] is True and len(cut["edges"]) == 1
    overall = _get(client, "/api/graph")
    assert overall["focus"] is None and overall["total_edges"] == len(overall["edges"]) == 4
    assert [e["id"] for e in _get(client, "/api/graph", status="contested")["edges"]] == [
        "varnia|arms|red-lantern"]
    dated = _get(client, "/api/graph", entity="varnia", until="2031-02")
    assert [e["id"] for e in dated["edges"]] == ["varnia|arms|red-lantern"]


@pytest.mark.parametrize("params,status,code", [
    ({"entity": "atlantis"}, 404, "E204"), ({"relation": "likes"}, 400, "E413"),
    ({"status": "rumoured"}, 400, "E413"), ({"since": "last week"}, 400, "E413"),
    ({"until": "soon"}, 400, "E413"), ({"until": "2031-13-45x"}, 400, "E413"), ({"limit": 0}, 400, "E413"),
    ({"limit": 501}, 400, "E413"), ({"entity": "varnia", "relation": "likes"}, 400, "E413"),
])
def test_graph_errors(client: httpx.Client, params: dict[str, Any], status: int, code: str) -> None:
    api_error(client.get("/api/graph", params=params), status, code)


# --- /api/links?until=&speaker= ------------------------------------------------------------------
def test_links_until_is_inclusive(client: httpx.Client) -> None:
    def arms(**params: Any) -> dict[str, Any]:
        items = _get(client, "/api/links", **params)["items"]
        [link] = [item for item in items if item["relation"] == "arms"]
        return dict(link)

    assert arms(until="2031-02-10")["status"] == "corroborated"
    assert arms(until="2031-02-10")["sources_for"] == ["Coastal Monitor", "Kessa Times"]
    # 2031-02-28T18:00 is on or before 2031-02-28, and before the end of 2031-02
    for until in ("2031-02-28", "2031-02"):
        found = arms(until=until)
        assert found["status"] == "contested" and found["denied"] == 1 and found["affirmed"] == 3
    assert arms(until="2031-02-27")["denied"] == 0
    assert _get(client, "/api/links", until="2030")["total"] == 0
    assert _get(client, "/api/links", since="2031-03-01", until="2031-03-31")["total"] == 2
    api_error(client.get("/api/links", params={"until": "yesterday"}), 400, "E413")


def test_links_of_one_speaker(client: httpx.Client) -> None:
    body = _get(client, "/api/links", speaker="Ilse Moor")
    assert body["total"] == 2
    assert sorted(item["relation"] for item in body["items"]) == ["arms", "finances"]
    assert all(item["speakers"] == ["ilse-moor"] for item in body["items"])
    assert _get(client, "/api/links", speaker="ilse-moor") == body
    page = _get(client, "/api/links", speaker="ilse-moor", limit=1, offset=1)
    assert page["total"] == 2 and page["items"] == body["items"][1:]
    [denial] = _get(client, "/api/links", speaker="varnia")["items"]
    assert denial["status"] == "denied"
    assert _get(client, "/api/links", speaker="nobody")["total"] == 0
    assert _get(client, "/api/links", speaker="ilse-moor", until="2031-01-31")["total"] == 1


# --- /api/entities/{id} --------------------------------------------------------------------------
def test_entity_page_with_relations_and_paged_links(client: httpx.Client) -> None:
    body = _get(client, "/api/entities/red-lantern")
    assert set(body) >= {"entity", "relations", "links_total", "links", "limit", "offset"}
    assert body["entity"]["id"] == "red-lantern" and body["entity"]["merged_from"] == ["rlf"]
    assert body["links_total"] == 2 and len(body["links"]) == 2
    assert {r["relation"]: (r["total"], r["by_status"]) for r in body["relations"]} == {
        "arms": (1, {"contested": 1}), "cooperates_with": (1, {"single-source": 1})}
    first = _get(client, "/api/entities/red-lantern", limit=1)
    second = _get(client, "/api/entities/red-lantern", limit=1, offset=1)
    assert first["links_total"] == second["links_total"] == 2
    assert first["links"] + second["links"] == body["links"]
    assert first["relations"] == body["relations"]
    assert _get(client, "/api/entities/red-lantern", offset=5)["links"] == []
    assert _get(client, "/api/entities/rlf")["entity"]["id"] == "red-lantern"
    assert _get(client, "/api/entities/Varnia")["links_total"] == 2


def test_entity_page_of_a_knowledge_base_actor(client: httpx.Client) -> None:
    body = _get(client, "/api/entities/tren-de-aragua")
    assert body["entity"]["designations"] and body["entity"]["note"]
    assert body["links_total"] == 0 and body["links"] == [] and body["relations"] == []


def test_entity_page_errors(client: httpx.Client) -> None:
    assert "atlantis" in api_error(client.get("/api/entities/atlantis"), 404, "E204")
    api_error(client.get("/api/entities/varnia", params={"limit": 0}), 400, "E413")
    api_error(client.get("/api/entities/varnia", params={"limit": 501}), 400, "E413")
