"""`claimgraph kb import`'s engine: FollowTheMoney entities (a fixture written for these tests) into a
user KB file, loaded after the bundled KB, with an overlay on a bundled entry, and used by the extractor."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.extract.pipeline import Extractor  # bound at collection: tests/cli patches the module's name
from claimgraph.resolve.ftm_import import ImportReport, default_source, import_ftm, map_type, slugify
from claimgraph.resolve.kb import ENV_VAR, KnowledgeBase, load_kb, read_kb

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "opensanctions-sample.ftm.jsonl"
NEW_IDS = {"aurelio-quintanar-vexo": "person", "northern-ember-brigades": "armed_group",
           "directorate-of-coastal-revenue-enforcement": "state_body",
           "quintanar-freight-holdings-s-a": "company", "los-halcones-del-puerto": "criminal_group",
           "marisol-ebrard-tintor": "person", "aurora-colorado-2": "company"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Path]:
    folder = tmp_path_factory.mktemp("user-kb")
    return import_ftm(SAMPLE, folder, "sample"), folder


@pytest.fixture(scope="module")
def kb(imported: tuple[ImportReport, Path]) -> KnowledgeBase:
    return read_kb(user_dir=imported[1])


@pytest.fixture
def no_user_kb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _lines(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _entity(ftm_id: str, name: str, schema: str = "Organization",
            **properties: list[str]) -> dict[str, object]:
    return {"id": ftm_id, "schema": schema, "properties": {"name": [name], **properties}, "datasets": ["t"]}


# -- the report -----------------------------------------------------------------------------------
def test_the_report_counts_every_line(imported: tuple[ImportReport, Path]) -> None:
    report, folder = imported
    assert report.written and report.output == folder / "sample.yaml"
    assert report.lines == 12
    assert dict(report.created) == {"person": 2, "armed_group": 1, "state_body": 1, "company": 2,
                                    "criminal_group": 1}
    assert report.overlays == ["bashar-al-assad"]
    assert report.imported == 8
    assert dict(report.skipped) == {
        "schema Vessel is not an actor": 1,
        "Organization with no topic that gives its type (crime*, gov*, pol.party)": 1,
    }
    assert [(f.line, f.code) for f in report.failed] == [(11, Code.NOT_JSON), (12, Code.BAD_ENTITY)]
    assert "not JSON" in report.failed[0].reason
    assert report.failed[1].reason == "entity cgtest-nameless has no name"
    assert str(report.failed[0]).startswith("line 11: E109 not JSON")
    assert report.weak_dropped == 2  # "Lelo" and "Ascua": one-word weak aliases
    assert report.shared == ["aurora"]  # the new company's alias is also Aurora, Colorado's


# -- the KB with the user folder ----------------------------------------------------------------------
def test_new_actors_have_types_names_designations_and_source(kb: KnowledgeBase) -> None:
    bundled = read_kb()
    assert len(kb) == len(bundled) + len(NEW_IDS)
    for actor_id, entity_type in NEW_IDS.items():
        assert kb.actors[actor_id].type == entity_type
    brigades = kb.actors["northern-ember-brigades"]
    assert brigades.name == "Northern Ember Brigades"
    assert brigades.aliases == ["Brigadas del Ascua Norte", "Ember Front", "Ember Brigades"]
    assert brigades.acronyms == ["NEB"]  # an upper-case alias is matched case-sensitively
    assert brigades.country == "ML"
    assert brigades.designations == [
        {"authority": "us_ofac_sdn, gb_hmt_sanctions", "list": "sanction"},
        {"authority": "us_ofac_sdn, gb_hmt_sanctions", "list": "crime.terror"},
    ]
    assert brigades.source == {"name": "sample", "ftm_id": "cgtest-org-ember"}
    person = kb.actors["aurelio-quintanar-vexo"]
    assert person.aliases == ["Aurelio Quintanar", "El Arquitecto"]
    assert person.designations == [{"authority": "us_ofac_sdn", "list": "sanction"}]
    assert kb.actors["quintanar-freight-holdings-s-a"].country == "PA"  # from `jurisdiction`
    assert kb.actors["directorate-of-coastal-revenue-enforcement"].designations == []


def test_a_known_qid_extends_the_bundled_entry(kb: KnowledgeBase) -> None:
    assad = kb.actors["bashar-al-assad"]
    bundled = read_kb().actors["bashar-al-assad"]
    assert [a for a in kb.actors.values() if a.wikidata == "Q44329"] == [assad]
    assert assad.aliases == [*bundled.aliases, "Bashar Hafiz al-Asad", "Bashar al-Asad"]
    assert {"authority": "eu_fsf", "list": "sanction"} in assad.designations
    assert assad.extended_by == [{"name": "sample", "ftm_id": "cgtest-person-assad"}]
    assert assad.source is None and assad.type == "person"


def test_an_id_taken_by_the_bundled_kb_gets_a_suffix(kb: KnowledgeBase) -> None:
    assert kb.actors["aurora-colorado"].type == "place"
    assert kb.actors["aurora-colorado-2"].name == "Aurora Colorado"


def test_load_kb_reads_the_folder_named_by_the_environment(imported: tuple[ImportReport, Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(imported[1]))
    assert "northern-ember-brigades" in load_kb().actors
    assert "Bashar Hafiz al-Asad" in load_kb().actors["bashar-al-assad"].aliases
    monkeypatch.delenv(ENV_VAR)
    assert "northern-ember-brigades" in load_kb(imported[1]).actors


def test_load_kb_defaults_to_claimgraph_kb_when_it_exists(imported: tuple[ImportReport, Path],
                                                         no_user_kb: Path) -> None:
    assert "northern-ember-brigades" not in load_kb().actors
    assert "Bashar Hafiz al-Asad" not in load_kb().actors["bashar-al-assad"].aliases  # cache is per folder
    (no_user_kb / "claimgraph-kb").mkdir()
    (no_user_kb / "claimgraph-kb" / "sample.yaml").write_text(imported[0].output.read_text(encoding="utf-8"),
                                                             encoding="utf-8")
    assert "northern-ember-brigades" in load_kb().actors


def test_load_kb_sees_a_changed_file(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("- {id: first-actor, name: First Actor, type: company}\n")
    assert "first-actor" in load_kb(tmp_path).actors
    (tmp_path / "mine.yaml").write_text("- {id: second-actor, name: Second Actor, type: company}\n")
    os.utime(tmp_path / "mine.yaml", ns=(1, 1))  # a different mtime even on coarse clocks
    assert "second-actor" in load_kb(tmp_path).actors


def test_a_missing_folder_in_the_environment_is_an_error(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(ClaimgraphError) as caught:
        load_kb()
    assert caught.value.code is Code.NOT_FOUND
    assert "nowhere" in caught.value.message


def test_a_broken_user_file_is_refused_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("- {id: x, name: X, type: company, country: usa}\n")
    with pytest.raises(ClaimgraphError) as caught:
        read_kb(user_dir=tmp_path)
    assert caught.value.code is Code.KB_INVALID
    assert f"{tmp_path / 'mine.yaml'}:1: entry x: country 'usa'" in caught.value.message


# -- importing again, merging, odd inputs -------------------------------------------------------------------
def test_importing_again_replaces_the_file_with_the_same_ids(imported: tuple[ImportReport, Path],
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    first = import_ftm(SAMPLE, folder, "sample")
    text = first.output.read_text(encoding="utf-8")
    again = import_ftm(SAMPLE, folder, "sample")
    assert again.output.read_text(encoding="utf-8") == text
    assert text == imported[0].output.read_text(encoding="utf-8")
    assert [p.name for p in folder.iterdir()] == ["sample.yaml"]
    # a second source sees the first one's ids as taken
    other = import_ftm(SAMPLE, folder, "other")
    assert other.output.name == "other.yaml"
    assert "northern-ember-brigades-2" in read_kb(user_dir=folder).actors


def test_user_rules_may_name_entries_of_the_file_being_replaced(tmp_path: Path) -> None:
    import_ftm(SAMPLE, tmp_path, "sample")
    (tmp_path / "disambiguation.yaml").write_text("aurora:\n  prefer: aurora-colorado-2\n", encoding="utf-8")
    report = import_ftm(SAMPLE, tmp_path, "sample")
    assert report.shared == []  # the user's rule covers the shared alias
    assert read_kb(user_dir=tmp_path).disambiguation["aurora"].prefer == "aurora-colorado-2"


def test_entities_with_one_qid_or_ftm_id_are_merged(tmp_path: Path) -> None:
    source = _lines(tmp_path / "in.jsonl", [
        _entity("a1", "Red Dune Front", topics=["crime.terror"], wikidataId=["Q999999991"]),
        _entity("a2", "Frente Duna Roja", topics=["crime.terror", "sanction"], wikidataId=["Q999999991"]),
        _entity("a1", "Red Dune Front", alias=["RDF"], topics=["crime.terror"]),
        _entity("b1", "Bashar Assad", "Person", wikidataId=["Q44329"], alias=["Assad"]),
    ])
    report = import_ftm(source, tmp_path / "kb", "merged")
    assert report.merged == 2 and dict(report.created) == {"armed_group": 1}
    kb = read_kb(user_dir=tmp_path / "kb")
    front = kb.actors["red-dune-front"]
    assert front.aliases == ["Frente Duna Roja"] and front.acronyms == ["RDF"]
    assert front.designations == [{"authority": "t", "list": "crime.terror"},
                                  {"authority": "t", "list": "sanction"}]
    # the overlay adds nothing the bundled entry has, but records the source
    assert kb.actors["bashar-al-assad"].aliases == read_kb().actors["bashar-al-assad"].aliases
    assert kb.actors["bashar-al-assad"].extended_by == [{"name": "merged", "ftm_id": "b1"}]


def test_names_are_cleaned_and_shouting_captions_avoided(tmp_path: Path) -> None:
    record = _entity("x", "GRUPO  TORMENTA NEGRA", topics=["crime"],
                     alias=["Grupo Tormenta Negra", "  ", "GTN"],
                     weakAlias=["Tormenta", "La Tormenta Negra"], country=["zz", "suhh", "co"])
    record["caption"] = "GRUPO TORMENTA NEGRA"
    report = import_ftm(_lines(tmp_path / "in.jsonl", [record]), tmp_path / "kb", "clean")
    actor = read_kb(user_dir=tmp_path / "kb").actors["grupo-tormenta-negra"]
    assert actor.name == "Grupo Tormenta Negra"
    assert actor.aliases == ["La Tormenta Negra"]  # the capitals form is the name; "Tormenta" is too weak
    assert actor.acronyms == ["GTN"]
    assert actor.country == "CO"
    assert report.weak_dropped == 1


def test_gzip_input_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(_entity("ok", "Silver Reef Cartel", topics=["crime.traffick"])).encode(),
        b"",
        b"\xff\xfe not utf-8",
        b"[1, 2]",
        json.dumps({"schema": "Person", "properties": {"name": ["No Id"]}}).encode(),
        json.dumps({"id": "s", "properties": {"name": ["No Schema"]}}).encode(),
        json.dumps({"id": "p", "schema": "Person", "properties": {"name": "Not A List"}}).encode(),
        json.dumps({"id": "q", "schema": "Person", "properties": []}).encode(),
    ]
    path = tmp_path / "entities.ftm.json.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"\n".join(lines) + b"\n")
    report = import_ftm(path, tmp_path / "kb")
    assert report.source == "entities" and report.output == tmp_path / "kb" / "entities.yaml"
    assert dict(report.created) == {"criminal_group": 1}
    assert [(f.line, f.code.value) for f in report.failed] == [
        (3, "E103"), (4, "E116"), (5, "E116"), (6, "E116"), (7, "E116"), (8, "E116")]
    assert report.failed[4].reason == "properties.name must be a list of strings"


def test_nothing_imported_leaves_the_file_alone(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "sample.yaml").write_text("- {id: kept, name: Kept, type: company}\n", encoding="utf-8")
    report = import_ftm(_lines(tmp_path / "in.jsonl", [_entity("v", "Boat", "Vessel")]), folder, "sample")
    assert not report.written and report.imported == 0
    assert "kept" in read_kb(user_dir=folder).actors


@pytest.mark.parametrize("name", ["Bad Name", "schema", "disambiguation", "-x", "a_b"])
def test_a_source_name_must_be_a_slug(tmp_path: Path, name: str) -> None:
    with pytest.raises(ClaimgraphError) as caught:
        import_ftm(SAMPLE, tmp_path, name)
    assert caught.value.code is Code.BAD_OPTION


@pytest.mark.parametrize(("schema", "topics", "expected"), [
    ("Person", [], "person"),
    ("PublicBody", [], "state_body"),
    ("Company", ["sanction"], "company"),
    ("Organization", ["sanction", "crime.terror"], "armed_group"),
    ("Organization", ["crime.war"], "armed_group"),
    ("LegalEntity", ["crime.boss"], "criminal_group"),
    ("Organization", ["sanction", "crime.traffick.drug"], "criminal_group"),
    ("Organization", ["crime"], "criminal_group"),
    ("Organization", ["gov.national"], "state_body"),
    ("Organization", ["gov"], "state_body"),
    ("Organization", ["gov.igo"], "intl_org"),
    ("Organization", ["gov.soe"], "company"),
    ("Organization", ["pol.party"], "political_org"),
    ("LegalEntity", ["role.pep"], "person"),
    ("Organization", ["role.pep"], None),
    ("Organization", ["sanction"], None),
    ("Vessel", ["sanction"], None),
    ("Airplane", [], None),
])
def test_map_type(schema: str, topics: list[str], expected: str | None) -> None:
    assert map_type(schema, set(topics))[0] == expected


def test_slugs_and_default_sources() -> None:
    assert slugify("Frente Nacional de Liberación (FNL)") == "frente-nacional-de-liberacion-fnl"
    assert slugify("حزب الله") == ""
    assert len(slugify("word " * 40)) <= 60
    assert default_source(Path("entities.ftm.json")) == "entities"
    assert default_source(Path("/x/OpenSanctions Default.jsonl.gz")) == "opensanctions-default"
    assert default_source(Path("schema.json")) == "schema-import"


# -- the extractor with the extended KB -------------------------------------------------------------
def test_the_extractor_resolves_imported_names(kb: KnowledgeBase) -> None:
    extractor = Extractor(kb=kb)
    text = ("The Brigadas del Ascua Norte attacked an army convoy near Gao on Monday, "
            "and Bashar Hafiz al-Asad condemned Los Halcones del Puerto.")
    extraction = extractor.extract_text(text, "imported")
    ids = {entity.id for entity in extraction.entities}
    assert {"northern-ember-brigades", "bashar-al-assad", "los-halcones-del-puerto"} <= ids
    mentions = {m.text: m.entity_id for m in extraction.mentions}
    assert mentions["Brigadas del Ascua Norte"] == "northern-ember-brigades"
    assert mentions["Bashar Hafiz al-Asad"] == "bashar-al-assad"
