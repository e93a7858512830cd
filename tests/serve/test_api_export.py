"""GET /api/export and /api/export/{format}, and the download links of the entity and link pages,
against a real uvicorn server over the invented-actor store of conftest.py (on each backend)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import networkx as nx
import orjson
import pytest
import stix2

pytestmark = pytest.mark.network
BUILT_IN = ["stix", "ftm", "graphml", "gexf", "csv", "jsonl"]


@pytest.fixture(scope="module")
def client(ui_base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ui_base, timeout=60) as opened:
        yield opened


def download(client: httpx.Client, path: str, **params: str) -> httpx.Response:
    response = client.get(path, params=params) if params else client.get(path)  # keeps a link's query
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return response


def test_the_formats_are_listed(client: httpx.Client) -> None:
    listed = client.get("/api/export").json()["items"]
    assert [item["name"] for item in listed] == BUILT_IN
    assert all(item["extension"].startswith(".") and item["media_type"] for item in listed)


def test_a_stix_download_of_one_actor_parses_back(client: httpx.Client, ui_corpus: Any) -> None:
    response = download(client, "/api/export/stix", entity="Varnia")
    assert response.headers["content-type"].startswith("application/stix+json")
    assert 'filename="claimgraph-varnia.stix.json"' in response.headers["content-disposition"]
    bundle = stix2.parse(response.text, allow_custom=True)
    names = {getattr(obj, "name", None) for obj in bundle.objects}
    assert {"Varnia", "Red Lantern Front"} <= names
    # the hedged Grey Wolves link does not touch Varnia
    assert "Grey Wolves Ring" not in names


def test_a_link_page_download_holds_that_pair_only(client: httpx.Client) -> None:
    response = download(client, "/api/export/graphml", entity="varnia", other="red-lantern")
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert set(graph.nodes) == {"varnia", "red-lantern"}
    statuses = {data["status"] for _, _, data in graph.edges(data=True)}
    assert statuses == {"contested"}


def test_csv_is_a_zip_of_three_tables(client: httpx.Client, ui_corpus: Any) -> None:
    response = download(client, "/api/export/csv")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["claims.csv", "entities.csv", "links.csv"]
    claims = archive.read("claims.csv").decode("utf-8")
    assert ui_corpus.deny in claims
    # the payload in an outlet name is kept as text, as stored
    assert ui_corpus.script in claims


def test_the_jsonl_download_imports(client: httpx.Client, tmp_path: Path) -> None:
    from claimgraph.export.jsonl import read_into
    from claimgraph.store import open_store

    response = download(client, "/api/export/jsonl")
    with open_store(str(tmp_path / "copy.db")) as store:
        report = read_into(store, io.BytesIO(response.content), "download.jsonl")
    assert report.counts["document"] == 5 and report.counts["claim"] == 5


def test_ftm_lines_are_json(client: httpx.Client) -> None:
    response = download(client, "/api/export/ftm", status="contested")
    lines = [orjson.loads(line) for line in response.content.splitlines()]
    assert lines and all({"id", "schema", "properties"} <= set(line) for line in lines)


@pytest.mark.parametrize(("path", "params", "status", "code"), [
    ("/api/export/pdf", {}, 404, "E414"),
    ("/api/export/stix", {"entity": "Nobody Anywhere"}, 404, "E204"),
    ("/api/export/stix", {"status": "likely"}, 400, "E401"),
    ("/api/export/stix", {"relation": "sells_to"}, 400, "E401"),
    ("/api/export/stix", {"since": "last week"}, 400, "E413"),
    ("/api/export/stix", {"other": "varnia"}, 400, "E401"),
])
def test_bad_requests_are_coded(client: httpx.Client, path: str, params: dict[str, str], status: int,
                                code: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_file_name_from_a_filter_is_safe(client: httpx.Client) -> None:
    from claimgraph.serve.routes_export import _slug

    response = download(client, "/api/export/gexf", entity="Red Lantern Front", since="2031-02")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="claimgraph-red-lantern-front-2031-02.gexf"'
    assert _slug('Varnia"; evil=1\r\nX-Header: 1') == "varnia-evil-1-x-header-1"


def _download_links(client: httpx.Client, page: str) -> dict[str, str]:
    response = client.get(page)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.text)
    found = tree.xpath("//p[contains(@class,'downloads')]/a")
    return {a.text_content().strip(): a.get("href") for a in found}


def test_the_entity_page_offers_every_format(client: httpx.Client) -> None:
    links = _download_links(client, "/entity/varnia")
    assert list(links) == ["STIX 2.1", "FollowTheMoney", "GraphML", "GEXF", "CSV", "JSONL"]
    for href in links.values():
        assert href.startswith("/api/export/") and "entity=varnia" in href
        download(client, href)


def test_the_link_page_offers_the_pair(client: httpx.Client) -> None:
    links = _download_links(client, "/link?a=varnia&b=red-lantern")
    assert links and all("entity=varnia" in href and "other=red-lantern" in href for href in links.values())
    graph = nx.read_gexf(io.BytesIO(download(client, links["GEXF"]).content))
    assert set(graph.nodes) == {"varnia", "red-lantern"}
