"""Our own jsonl export and `claimgraph import`: a lossless round trip, analyst judgements included,
on each backend; and the files `import` refuses, whole."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from claimgraph.analyse.links import assess
from claimgraph.cli import cli
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export import jsonl
from claimgraph.export.registry import Source
from claimgraph.export.selection import Filters
from claimgraph.store import Store, open_store

NewDb = Callable[..., str]


def exported(store: Store, filters: Filters | None = None) -> bytes:
    out = io.BytesIO()
    jsonl.write(Source(store, filters or Filters()), out)
    return out.getvalue()


def records(data: bytes) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in data.splitlines()]


@pytest.fixture(scope="module")
def whole(corpus_db: Path) -> bytes:
    with open_store(str(corpus_db)) as store:
        return exported(store)


def test_the_export_holds_every_row_of_the_store(whole: bytes, corpus_store: Store) -> None:
    lines = records(whole)
    assert lines[0] == {"kind": "claimgraph", "format": 1, "schema": jsonl.schema_version(), "filters": {}}
    kinds: dict[str, int] = {}
    for line in lines[1:]:
        kinds[str(line["kind"])] = kinds.get(str(line["kind"]), 0) + 1
    counts = corpus_store.counts()
    assert kinds["document"] == counts["documents"] and kinds["claim"] == counts["claims"]
    assert kinds["mention"] == counts["mentions"]
    assert kinds["judgement"] == len(corpus_store.entity_show("wagner-group")["judgements"]) >= 3
    assert "redirect" not in kinds and kinds["row_move"] > 0  # the merge was undone; its moves are kept
    # the documents carry their text; timestamps in UTC
    document = next(line for line in lines if line["kind"] == "document")
    assert isinstance(document["text"], str) and len(document["text"]) > 100
    assert str(document["ingested_at"]).endswith("+00:00")


def test_import_then_export_gives_the_same_bytes_on_each_backend(whole: bytes, new_db: NewDb) -> None:
    target = new_db("imported")
    with open_store(target) as store:
        report = jsonl.read_into(store, io.BytesIO(whole), "corpus.jsonl")
        assert report.counts["claim"] == sum(1 for line in records(whole) if line["kind"] == "claim")
        assert exported(store) == whole


def test_the_imported_store_answers_as_the_original(whole: bytes, corpus_store: Store,
                                                    tmp_path: Path) -> None:
    with open_store(str(tmp_path / "imported.db")) as store:
        jsonl.read_into(store, io.BytesIO(whole), "corpus.jsonl")
        assert [vars(link) for link in assess(store)] == [vars(link) for link in assess(corpus_store)]
        shown, original = store.entity_show("wagner-group"), corpus_store.entity_show("wagner-group")
        assert shown == original and shown["name"] == "Wagner Group (PMC)"
        assert "the Wagner outfit" in [alias["alias"] for alias in shown["aliases"]]


def test_judgements_come_along_and_can_still_be_undone(whole: bytes, tmp_path: Path) -> None:
    with open_store(str(tmp_path / "imported.db")) as store:
        jsonl.read_into(store, io.BytesIO(whole), "corpus.jsonl")
        history = store.entity_show("wagner-group")["judgements"]
        rename = next(j for j in history if j["action"] == "rename")
        store.undo(rename["id"], who="second analyst", why="the plain name after all")
        assert store.entity_show("wagner-group")["name"] == "Wagner Group"
        # and new rows get fresh ids past the imported ones
        later = store.rename("wagner-group", "Wagner", who="second analyst")
        assert later > max(j["id"] for j in history)


def test_import_into_a_database_that_holds_a_graph_is_refused(whole: bytes, corpus_copy: Path) -> None:
    with open_store(str(corpus_copy)) as store:
        before = store.counts()
        with pytest.raises(ClaimgraphError) as caught:
            jsonl.read_into(store, io.BytesIO(whole), "corpus.jsonl")
        assert caught.value.code is Code.IMPORT_TARGET_NOT_EMPTY
        assert store.counts() == before


@pytest.mark.parametrize(("damage", "line_no", "said"), [
    (lambda lines: lines.__setitem__(5, b"{not json"), 6, "not JSON"),
    (lambda lines: lines.__setitem__(5, b'{"kind": "planet"}'), 6, "unknown kind"),
    (lambda lines: lines.append(lines[1]), -1, "parents first"),  # an entity after the signatures
    (lambda lines: lines.insert(2, lines[1]), 3, "twice"),
])
def test_a_bad_line_is_named_and_nothing_is_imported(whole: bytes, tmp_path: Path,
                                                     damage: Callable[[list[bytes]], None], line_no: int,
                                                     said: str) -> None:
    lines = whole.splitlines()
    damage(lines)
    line_no = line_no if line_no > 0 else len(lines)
    with open_store(str(tmp_path / "target.db")) as store:
        with pytest.raises(ClaimgraphError) as caught:
            jsonl.read_into(store, io.BytesIO(b"\n".join(lines)), "broken.jsonl")
        assert caught.value.code is Code.BAD_IMPORT
        assert f"line {line_no}:" in caught.value.message and said in caught.value.message
        assert store.counts()["documents"] == 0 and store.counts()["entities"] == 0


def test_a_claim_naming_an_entity_the_file_lacks_is_refused(whole: bytes, tmp_path: Path) -> None:
    lines = records(whole)
    claim = next(i for i, line in enumerate(lines) if line["kind"] == "claim")
    lines[claim]["subject_id"] = "nobody-at-all"
    data = b"\n".join(orjson.dumps(line) for line in lines)
    with open_store(str(tmp_path / "target.db")) as store, pytest.raises(ClaimgraphError) as caught:
        jsonl.read_into(store, io.BytesIO(data), "edited.jsonl")
    assert caught.value.code is Code.BAD_IMPORT and "'nobody-at-all'" in caught.value.message
    assert f"line {claim + 1}:" in caught.value.message


@pytest.mark.parametrize("first", [b"", b'{"kind": "entity", "id": "x"}',
                                   b'{"kind": "claimgraph", "format": 99, "schema": 5, "filters": {}}'])
def test_a_file_without_our_header_is_refused(first: bytes, tmp_path: Path) -> None:
    with open_store(str(tmp_path / "target.db")) as store, pytest.raises(ClaimgraphError) as caught:
        jsonl.read_into(store, io.BytesIO(first), "other.jsonl")
    assert caught.value.code is Code.IMPORT_VERSION


def test_a_filtered_export_holds_its_part_and_imports(corpus_store: Store, tmp_path: Path) -> None:
    filters = Filters(entity="Wagner Group", status="corroborated")
    data = exported(corpus_store, filters)
    lines = records(data)
    assert lines[0]["filters"] == {"entity": "Wagner Group", "status": "corroborated"}
    kinds = {line["kind"] for line in lines[1:]}
    assert "judgement" not in kinds and {"entity", "document", "claim", "mention"} <= kinds
    with open_store(str(tmp_path / "part.db")) as store:
        jsonl.read_into(store, io.BytesIO(data), "part.jsonl")
        wanted = assess(corpus_store, entity="Wagner Group", status="corroborated")
        got = assess(store, entity="wagner-group")
        assert {(lk.subject, lk.relation, lk.object) for lk in got} == \
            {(lk.subject, lk.relation, lk.object) for lk in wanted}
        assert store.counts()["claims"] == sum(lk.claims for lk in wanted)


def test_the_commands_round_trip_a_gzipped_export(corpus_db: Path, tmp_path: Path, whole: bytes) -> None:
    runner = CliRunner()
    packed = tmp_path / "graph.jsonl.gz"
    result = runner.invoke(cli, ["export", "--format", "jsonl", "--db", str(corpus_db), "-o", str(packed)])
    assert result.exit_code == 0, result.output
    assert gzip.decompress(packed.read_bytes()) == whole
    again = runner.invoke(cli, ["export", "--format", "jsonl", "--db", str(corpus_db), "-o", str(packed)])
    assert again.exit_code == 0 and gzip.decompress(packed.read_bytes()) == whole
    target = tmp_path / "imported.db"
    result = runner.invoke(cli, ["import", str(packed), "--db", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["kinds"]["claim"] == whole.count(b'{"kind":"claim"')
    twice = runner.invoke(cli, ["import", str(packed), "--db", str(target)])
    assert twice.exit_code == 2 and "E503" in twice.output


def test_import_of_a_missing_file_says_so(tmp_path: Path) -> None:
    missing, db = tmp_path / "nothing.jsonl", tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import", str(missing), "--db", str(db)])
    assert result.exit_code == 2 and "E112" in result.output


def test_small_batches_store_parents_before_children(whole: bytes, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # a batch of claims must never reach the database before the documents it names
    monkeypatch.setattr(jsonl, "BATCH", 7)
    with open_store(str(tmp_path / "imported.db")) as store:
        jsonl.read_into(store, io.BytesIO(whole), "corpus.jsonl")
        assert exported(store) == whole
