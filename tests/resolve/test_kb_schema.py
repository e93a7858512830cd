"""The bundled knowledge base against the schema written as data (data/kb/schema.yaml), and broken
entries refused by the loader with E303 and a message that names the file, line, entry and key."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.resolve.kb import TYPES, KnowledgeBase, read_kb
from claimgraph.resolve.kb_schema import load_schema, validate

ONTOLOGY = Path(__file__).resolve().parents[3] / "shared" / "contract" / "ONTOLOGY.md"
ENTRY_FILES = sorted(p.name for p in resources.files("claimgraph.data.kb").iterdir()
                     if p.name.endswith(".yaml") and p.name not in {"schema.yaml", "disambiguation.yaml"})
# countries of entries that have no state entry (see data/kb/README.md)
NO_STATE_ENTRY = {"EH", "HK", "MO"}
WELL_KNOWN_STATES = [
    "united-states", "china", "russia", "india", "brazil", "mexico", "venezuela", "colombia", "iran",
    "north-korea", "south-korea", "japan", "germany", "france", "united-kingdom", "italy", "spain",
    "turkey", "saudi-arabia", "israel", "egypt", "nigeria", "south-africa", "kenya", "ukraine", "syria",
    "afghanistan", "pakistan", "indonesia", "australia",
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return read_kb()


def _raw_entries() -> list[tuple[str, dict[str, object]]]:
    root = resources.files("claimgraph.data.kb")
    return [(name, entry) for name in ENTRY_FILES
            for entry in yaml.safe_load(root.joinpath(name).read_text(encoding="utf-8")) or []]


# -- the bundled KB ---------------------------------------------------------------------------------
def test_every_bundled_entry_matches_the_schema() -> None:
    entries = _raw_entries()
    assert len(entries) >= 600
    for name, entry in entries:
        validate(entry, name)  # raises E303 on the first violation
        assert "extends" not in entry, f"{name}: the bundled KB holds full entries only"


def test_ids_are_unique_across_files() -> None:
    ids = [str(entry["id"]) for _, entry in _raw_entries()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_every_parent_exists(kb: KnowledgeBase) -> None:
    missing = [(a.id, a.parent) for a in kb.actors.values() if a.parent and a.parent not in kb.actors]
    assert missing == []


def test_the_kb_is_large_and_has_every_un_member_state(kb: KnowledgeBase) -> None:
    assert len(kb) >= 600
    states = {a.id for a in kb.actors.values() if a.type == "state"}
    assert len(states) >= 193
    assert set(WELL_KNOWN_STATES) - states == set()


def test_every_state_has_its_own_country_code(kb: KnowledgeBase) -> None:
    states = [a for a in kb.actors.values() if a.type == "state"]
    codes = [a.country for a in states]
    assert None not in codes
    assert len(set(codes)) == len(codes)
    orphans = {a.country for a in kb.actors.values() if a.country and a.country not in codes}
    assert orphans <= NO_STATE_ENTRY


def test_schema_types_are_the_ontology_types() -> None:
    schema = load_schema()
    assert set(schema.types) == TYPES
    assert set(schema.entry["keys"]["type"]["enum"]) == TYPES
    if ONTOLOGY.is_file():  # the contract sits beside the repository
        text = ONTOLOGY.read_text(encoding="utf-8").split("## Relations")[0]
        assert set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)) == TYPES


def test_state_only_keys_are_only_on_states(kb: KnowledgeBase) -> None:
    for actor in kb.actors.values():
        if actor.type != "state":
            assert not (actor.demonyms or actor.capitals or actor.leaders), actor.id


def test_designation_dates_are_iso_strings(kb: KnowledgeBase) -> None:
    dates = [d["date"] for a in kb.actors.values() for d in a.designations if "date" in d]
    assert dates and all(isinstance(d, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)


def test_schema_and_rules_files_are_not_read_as_entries(kb: KnowledgeBase) -> None:
    assert "cpc" in kb.disambiguation
    assert "entry" not in kb.actors and "patterns" not in kb.actors


# -- broken entries ---------------------------------------------------------------------------------
GOOD = "- {id: good-state, name: Goodland, type: state, country: GL, demonyms: [Goodlander]}\n"

BROKEN = [
    ("- {id: foo, name: Foo, type: company, colour: red}", "entry foo: colour is not an allowed key"),
    ("- {id: foo, type: company}", "entry foo: entry lacks required key name"),
    ("- {name: Foo}", "entry: entry lacks required keys id, type"),
    ("- {id: Foo_Bar, name: Foo, type: company}", "id 'Foo_Bar' does not match ^[a-z0-9]+(-[a-z0-9]+)*$"),
    ("- {id: foo--bar, name: Foo, type: company}", "id 'foo--bar' does not match"),
    ("- {id: foo, name: Foo, type: gang}", "type 'gang' is not one of state, state_body, person"),
    ("- {id: foo, name: Foo, type: company, country: ve}", "country 've' does not match ^[A-Z]{2}$"),
    ("- {id: foo, name: Foo, type: company, country: VEN}",
     "country 'VEN' does not match ^[A-Z]{2}$ (an ISO"),
    ("- {id: foo, name: Foo, type: company, wikidata: '717'}", r"wikidata '717' does not match ^Q\d+$"),
    ("- {id: foo, name: Foo, type: company, wikidata: 717}", "wikidata must be a string"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: UN}]}",
     "designations[0] lacks required key list"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: UN, list: X, date: 2025-02-20}]}",
     "designations[0].date must be a string (a quoted ISO date, e.g. '2025-02-20'), got a date"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: UN, list: X, date: '2025-13-1'}]}",
     "designations[0].date '2025-13-1' does not match"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: U, list: X, date: '2025-13-01'}]}",
     "designations[0].date '2025-13-01' is not a calendar date"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: UN, list: X, date: 20 May}]}",
     "designations[0].date '20 May' does not match"),
    ("- {id: foo, name: Foo, type: armed_group, designations: [{authority: UN, list: X, by: me}]}",
     "designations[0].by is not an allowed key of designations[0]"),
    ("- {id: foo, name: Foo, type: person, demonyms: [Fooish]}",
     "demonyms is allowed only on entries of type state, not person"),
    ("- {id: foo, name: Foo, type: person, leaders: [Bar]}",
     "leaders is allowed only on entries of type state"),
    ("- {id: foo, name: Foo, type: company, aliases: Foo Inc}", "aliases must be a list, got a string"),
    ("- {id: foo, name: Foo, type: company, aliases: [no]}", "aliases[0] must be a string, got a boolean"),
    ("- {id: foo, name: Foo, type: company, aliases: []}", "aliases is empty; leave the key out instead"),
    ("- {id: foo, name: Foo, type: company, aliases: [Bar, Bar]}", "aliases lists 'Bar' twice"),
    ("- {id: foo, name: '', type: company}", "name is an empty string"),
    ("- {id: foo, name: Foo, type: company, country: }", "country must be a string (an ISO 3166-1 alpha-2"),
    ("- {id: foo, name: Foo, type: company, source: {ftm_id: x}}", "source lacks required key name"),
    ("- {id: foo, name: Foo, type: company, source: {name: os, url: x}}",
     "source.url is not an allowed key of source"),
    ("- {extends: good-state, id: foo}", "overlay of good-state: id is not an allowed key"),
    ("- {extends: good-state, type: state}", "overlay of good-state: type is not an allowed key"),
    ("- just a string", "an entry must be a mapping of keys, got a string"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_a_broken_entry_is_refused_with_a_precise_message(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "broken.yaml").write_text(GOOD + "\n" + text + "\n", encoding="utf-8")
    with pytest.raises(ClaimgraphError) as caught:
        read_kb(tmp_path)
    assert caught.value.code is Code.KB_INVALID
    assert str(caught.value).startswith(f"E303 {tmp_path / 'broken.yaml'}:3: ")
    assert message in caught.value.message


@pytest.mark.parametrize(("text", "message"), [
    ("- {id: foo, name: Foo, type: company, parent: nowhere}", "entry foo: parent nowhere is not in the KB"),
    ("- {extends: nowhere, aliases: [Foo]}", "overlay extends nowhere, which is not in the KB"),
    ("- {id: good-state, name: Again, type: state}", "duplicate id good-state (first defined at"),
    ("{id: foo, name: Foo, type: company}", "a KB file must be a YAML list of entries"),
    ("- {id: foo, name: [Foo", "not valid YAML"),
])
def test_kb_level_problems_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ClaimgraphError) as caught:
        read_kb(tmp_path)
    assert caught.value.code is Code.KB_INVALID
    assert message in caught.value.message
    assert "b.yaml" in caught.value.message


def test_a_valid_small_kb_loads(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD + (
        "- id: foo-corp\n  name: Foo Corp\n  type: company\n  aliases: [Foo Corporation]\n  country: GL\n"
        "  parent: good-state\n  designations:\n"
        "    - {authority: UN Security Council, list: X, date: '2024-02-29'}\n"
        "  source: {name: hand-written, ftm_id: abc}\n"
        "- {extends: foo-corp, aliases: [FooCo, Foo Corporation], acronyms: [FC], source: {name: other}}\n"
    ), encoding="utf-8")
    kb = read_kb(tmp_path)
    assert set(kb.actors) == {"good-state", "foo-corp"}
    foo = kb.actors["foo-corp"]
    assert foo.aliases == ["Foo Corporation", "FooCo"]  # the overlay adds names once
    assert foo.acronyms == ["FC"]
    assert foo.source == {"name": "hand-written", "ftm_id": "abc"}
    assert foo.extended_by == [{"name": "other"}]
    assert kb.disambiguation == {}
