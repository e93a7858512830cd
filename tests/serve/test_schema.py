"""schemathesis against the live server's /openapi.json: no GET under /api answers a server error, and
what they answer matches the schema. Writes are not fuzzed, only refused without the token.

The operations are read from the schema when the test runs, so GET endpoints added later are fuzzed
too. A real uvicorn on loopback over a SQLite file of invented actors; a bounded, derandomized number
of examples per operation keeps the run short and the same from one run to the next.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from live_server import serving
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import open_store

pytestmark = pytest.mark.network
TOKEN = "schema-test-token"
WRITES = ("post", "put", "patch", "delete")
ACTORS = {"varnia": ("Varnia", "state"), "red-lantern": ("Red Lantern Front", "armed_group"),
          "ilse-moor": ("Ilse Moor", "person"), "grey-wolves": ("Grey Wolves Ring", "criminal_group"),
          "kessa-port": ("Port Authority of Kessa", "state_body")}
# (key, outlet, text, claims: (subject, relation, object, polarity, speaker)); each claim's evidence is
# the whole text
DOCS: list[tuple[str, str, str, list[tuple[str, str, str, str, str | None]]]] = [
    ("one", "Kessa Times", "Varnia arms the Red Lantern Front, Minister Ilse Moor said.",
     [("varnia", "arms", "red-lantern", "affirmed", "ilse-moor")]),
    ("two", "Coastal Monitor", "The Red Lantern Front is armed by Varnia.",
     [("varnia", "arms", "red-lantern", "affirmed", None)]),
    ("three", "Varnia Daily", "Varnia denied that it arms the Red Lantern Front.",
     [("varnia", "arms", "red-lantern", "denied", "varnia")]),
    ("four", "Wire <b>", "The Grey Wolves Ring works with the Port Authority of Kessa <script>.",
     [("grey-wolves", "cooperates_with", "kessa-port", "affirmed", None)]),
]


def _extraction(key: str, text: str, claims: list[tuple[str, str, str, str, str | None]]) -> Extraction:
    present = {i: v for i, v in ACTORS.items() if v[0] in text}
    entities = [Entity(i, name, kind, mentions=[name]) for i, (name, kind) in present.items()]
    mentions = [Mention(text.index(name), text.index(name) + len(name), name, i, rule="alias")
                for i, (name, _) in present.items()]
    found = [Claim(s, r, o, p, "asserted", sp, text, 0, len(text), cue=r, rule="test")
             for s, r, o, p, sp in claims]
    return Extraction(key, entities, found, mentions)


def _fill(db: str) -> None:
    with open_store(db) as store:
        for number, (key, outlet, text, claims) in enumerate(DOCS, 1):
            article = Article(text=text, source=f"/schema-test/{key}.txt", doc_id=key, title=f"Report {key}",
                              url=f"https://news.example/{key}", outlet=outlet,
                              published=f"2031-0{number}-01", language="en")
            store.add_document(article, _extraction(key, text, claims))


@pytest.fixture(scope="module")
def base(module_db: Callable[..., str]) -> Iterator[str]:
    db = module_db("schema")
    _fill(db)
    with serving(db, TOKEN) as url:
        yield url


@pytest.fixture(scope="module")
def spec(base: str) -> dict[str, Any]:
    found: dict[str, Any] = httpx.get(f"{base}/openapi.json", timeout=30).json()
    return found


@pytest.fixture(scope="module")
def api_schema(base: str) -> Any:
    return schemathesis.openapi.from_url(f"{base}/openapi.json")


def _reads(api_schema: Any) -> list[Any]:
    """The GET operations under /api in the schema as served now."""
    found = api_schema.include(method="GET", path_regex=r"^/api/").get_all_operations()
    return [result.ok() for result in found]


def _fuzz(operation: Any, mode: GenerationMode) -> None:
    # schemathesis' own pytest loader for a schema from a fixture (`schemathesis.pytest.from_fixture`)
    # fails on pytest 9 (it reads the removed `Node._nodeid`), so each operation gets its Hypothesis
    # test here, with the same strategy and checks
    @settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    fuzz()


def _boundaries(api_schema: Any, operation: Any) -> None:
    """schemathesis' coverage phase: a fixed set of edge values (bounds, wrong types, missing
    parameters, other methods) for the operation."""
    config = api_schema.config.generation_for(operation=operation)
    for case in api_schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode),
                                               generation_config=config):
        case.call_and_validate(checks=[not_a_server_error])


def test_reads_never_fail(api_schema: Any, subtests: pytest.Subtests) -> None:
    operations = _reads(api_schema)
    assert operations
    for operation in operations:
        with subtests.test(msg=f"{operation.label} boundaries"):
            _boundaries(api_schema, operation)
        for mode in GenerationMode:
            with subtests.test(msg=f"{operation.label} {mode.value}"):
                try:
                    _fuzz(operation, mode)
                except Unsatisfiable:
                    # nothing in the schema can be broken (e.g. a lone string in the path)
                    assert mode is GenerationMode.NEGATIVE


def test_the_schema_has_the_reads(spec: dict[str, Any]) -> None:
    """The fuzzing above covers what the schema lists; this pins what it must list at least."""
    reads = {path for path, item in spec["paths"].items() if path.startswith("/api/") and "get" in item}
    assert {"/api/entities", "/api/entities/{entity_id}", "/api/claims", "/api/links", "/api/link",
            "/api/briefing/{entity}"} <= reads


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(_is_integer(part) for part in schema.get("anyOf", []))


def _probes(spec: dict[str, Any]) -> Iterator[str]:
    """Requests with numbers past SQLite's 64-bit integers, where a route hands a number to the store:
    each integer query parameter, and each path parameter (a key may be read as a numeric id)."""
    for path, item in spec["paths"].items():
        if not path.startswith("/api/") or "get" not in item:
            continue
        params = item["get"].get("parameters", [])
        required = {p["name"]: "x" for p in params if p["in"] == "query" and p.get("required")}
        huge_path = re.sub(r"\{[^}]+\}", str(10 ** 20), path)
        if huge_path != path:
            yield str(httpx.URL(huge_path, params=required))
        plain_path = re.sub(r"\{[^}]+\}", "x", path)
        for param in params:
            if param["in"] == "query" and _is_integer(param.get("schema", {})):
                yield str(httpx.URL(plain_path, params={**required, param["name"]: 2 ** 63}))


def test_huge_numbers_are_no_server_error(base: str, spec: dict[str, Any]) -> None:
    """Found by the fuzzing above: offsets and numeric keys past 2**63 once made SQLite raise (500)."""
    failing = [probe for probe in _probes(spec) if httpx.get(base + probe, timeout=30).status_code >= 500]
    assert failing == []


def _writes(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method, path) for path, item in spec["paths"].items() for method in item if method in WRITES]


def _call(base: str, method: str, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    concrete = re.sub(r"\{[^}]+\}", "x", path)  # any value: the token is checked before anything else
    return httpx.request(method.upper(), base + concrete, json={"text": "Varnia arms the Red Lantern Front."},
                         headers=headers, timeout=30)


def test_writes_are_refused_without_the_token(base: str, spec: dict[str, Any]) -> None:
    writes = _writes(spec)
    assert ("post", "/api/ingest") in writes and ("post", "/api/ingest/file") in writes
    for method, path in writes:
        for headers in (None, {"Authorization": "Bearer wrong"}):
            response = _call(base, method, path, headers)
            assert response.status_code in (401, 403), (method, path, response.status_code, response.text)
    token = os.environ.pop("CLAIMGRAPH_TOKEN")
    try:
        for method, path in writes:
            response = _call(base, method, path, {"Authorization": f"Bearer {token}"})
            assert response.status_code == 403, (method, path, response.status_code, response.text)
    finally:
        os.environ["CLAIMGRAPH_TOKEN"] = token
