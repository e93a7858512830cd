"""The FollowTheMoney export, checked with FtM's own model: every line loads as an entity of its
schema with values FtM keeps unchanged, every reference lands on an entity of the file, and the
mapping of data/exports/ftm.yaml holds for known claims of the sample corpus."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
import yaml
from click.testing import CliRunner
from followthemoney import model, registry
from followthemoney.cli.cli import cli as ftm_cli
from followthemoney.types.topic import TopicType

from claimgraph.analyse.links import Link
from claimgraph.errors import ClaimgraphError
from claimgraph.export import ftm
from claimgraph.export.registry import Source
from claimgraph.export.selection import Claim, Document, Entity, Filters, Mention, Selection
from claimgraph.store import Store, open_store

Record = dict[str, Any]
KB = Path(ftm.__file__).resolve().parents[1] / "data" / "kb"
# types whose values FtM normalises to one canonical form: ours must already be that form
EXACT_TYPES = {"entity", "country", "date", "topic", "language", "identifier", "url"}


def exported(store: Store, filters: Filters | None = None) -> bytes:
    out = io.BytesIO()
    ftm.write(Source(store, filters or Filters()), out)
    return out.getvalue()


def parsed(data: bytes) -> list[Record]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def whole(corpus_db: Path) -> bytes:
    with open_store(str(corpus_db)) as store:
        return exported(store)


@pytest.fixture(scope="module")
def records(whole: bytes) -> list[Record]:
    return parsed(whole)


@pytest.fixture(scope="module")
def by_id(records: list[Record]) -> dict[str, Record]:
    return {record["id"]: record for record in records}


def find_claim(selection: Selection, subject: str, relation: str, obj: str) -> Claim:
    return next(claim for claim in selection.claims if (claim.subject, claim.relation, claim.object)
                == (subject, relation, obj))


def check_entity(data: Record) -> None:
    """One line as FtM's model sees it: a concrete schema, only its properties, valid values that
    cleaning keeps as they are, required properties present."""
    assert set(data) == {"id", "schema", "properties"}
    schema = model.get(data["schema"])
    assert schema is not None and not schema.abstract, data["schema"]
    assert registry.entity.validate(data["id"]) and len(data["id"]) <= 200
    for name, values in data["properties"].items():
        prop = schema.get(name)
        assert prop is not None and not prop.stub, f"{schema.name} has no property {name}"
        assert values and all(isinstance(value, str) for value in values), (data["id"], name)
        assert len(set(values)) == len(values), (data["id"], name)
    schema.validate(data)  # raises InvalidData naming the property at fault
    assert set(schema.required) <= set(data["properties"]), data["id"]
    proxy = model.get_proxy(data, cleaned=False)
    for name, values in data["properties"].items():
        kept = proxy.get(name)
        assert len(kept) == len(values), (data["id"], name, values, kept)
        if schema.properties[name].type.name in EXACT_TYPES:
            assert kept == values, (data["id"], name)


def test_every_line_is_an_entity_ftm_loads_unchanged(records: list[Record]) -> None:
    assert records
    for data in records:
        check_entity(data)


def test_ids_are_unique_and_every_reference_lands_on_an_entity_in_range(records: list[Record],
                                                                         by_id: dict[str, Record]) -> None:
    assert len(by_id) == len(records)
    for data in records:
        schema = model[data["schema"]]
        for name, values in data["properties"].items():
            prop = schema.properties[name]
            if prop.type != registry.entity:
                continue
            for value in values:
                assert value in by_id, f"{data['id']}.{name} -> {value}"
                assert model[by_id[value]["schema"]].is_a(prop.range), (data["id"], name, value)


def test_the_ftm_command_validates_the_file_without_change(whole: bytes, records: list[Record],
                                                          tmp_path: Path) -> None:
    path = tmp_path / "graph.ftm.json"
    path.write_bytes(whole)
    result = CliRunner().invoke(ftm_cli, ["validate", "-i", str(path), "-o", str(tmp_path / "clean.json")])
    assert result.exit_code == 0, result.output
    cleaned = {line["id"]: line for line in parsed((tmp_path / "clean.json").read_bytes())}
    assert len(cleaned) == len(records)
    for data in records:
        again = cleaned[data["id"]]
        assert again["schema"] == data["schema"]
        assert {name: sorted(values) for name, values in again["properties"].items()} == {
            name: sorted(values) for name, values in data["properties"].items()}, data["id"]


def test_one_link_entity_per_claim_one_article_per_document(records: list[Record],
                                                            corpus_selection: Selection) -> None:
    claims = [data for data in records if data["id"].startswith("cg-claim-")]
    assert [data["id"] for data in claims] == [f"cg-claim-{claim.id}" for claim in corpus_selection.claims]
    articles = [data for data in records if data["schema"] == "Article"]
    documents = corpus_selection.documents
    assert [data["id"] for data in articles] == [ftm.document_id(doc.key) for doc in documents]
    actors = [data for data in records if data["id"].startswith("cg-entity-")]
    expected = [entity.id for entity in corpus_selection.entities.values() if entity.type != "activity"]
    assert [data["id"] for data in actors] == [ftm.entity_id(our_id) for our_id in expected]
    assert len(records) == len(claims) + len(articles) + len(actors) + sum(
        data["schema"] == "Mention" for data in records)


def test_a_wagner_claim_carries_its_evidence_and_its_document(by_id: dict[str, Record],
                                                             corpus_selection: Selection) -> None:
    claim = next(claim for claim in corpus_selection.claims
                 if "wagner-group" in (claim.subject, claim.object) and claim.relation != "member_of"
                 and corpus_selection.document(claim.document).url)
    doc = corpus_selection.document(claim.document)
    props = by_id[f"cg-claim-{claim.id}"]["properties"]
    assert props["summary"] == [claim.evidence.strip()]
    assert props["sourceUrl"] == [doc.url] and props["publisher"] == [doc.outlet]
    assert props["date"] == [ftm.ftm_date(doc.published)] and props["recordId"] == [str(claim.id)]
    assert props["proof"] == [ftm.document_id(doc.key)]
    assert props["role"] == [claim.relation]
    assert props["status"] == [f"{claim.polarity}, {claim.modality}"]
    assert f"Claim {claim.id} in document {doc.key}" in props["description"][0]
    article = by_id[ftm.document_id(doc.key)]["properties"]
    assert article["title"] == [doc.title] and article["sourceUrl"] == [doc.url]
    assert article["publishedAt"] == [ftm.ftm_date(doc.published)] and article["language"] == ["eng"]
    assert "".join(article["bodyText"]) == doc.text.strip()


def test_member_of_becomes_a_membership_from_member_to_organization(by_id: dict[str, Record],
                                                                     corpus_selection: Selection) -> None:
    claim = find_claim(corpus_selection, "vladimir-putin", "member_of", "russia")
    data = by_id[f"cg-claim-{claim.id}"]
    assert data["schema"] == "Membership"
    assert data["properties"]["member"] == ["cg-entity-vladimir-putin"]
    assert data["properties"]["organization"] == ["cg-entity-russia"]
    assert by_id["cg-entity-russia"]["schema"] == "PublicBody"
    assert "gov.national" in by_id["cg-entity-russia"]["properties"]["topics"]


def test_two_persons_that_cooperate_are_associates(by_id: dict[str, Record],
                                                   corpus_selection: Selection) -> None:
    claim = next(claim for claim in corpus_selection.claims if claim.relation == "cooperates_with"
                 and corpus_selection.entities[claim.subject].type == "person"
                 and corpus_selection.entities[claim.object].type == "person")
    data = by_id[f"cg-claim-{claim.id}"]
    assert data["schema"] == "Associate"
    assert data["properties"]["person"] == [ftm.entity_id(claim.subject)]
    assert data["properties"]["associate"] == [ftm.entity_id(claim.object)]
    assert data["properties"]["relationship"] == ["cooperates_with"]


def test_an_activity_is_a_topic_of_its_subject_and_the_claim_a_note(by_id: dict[str, Record],
                                                                    corpus_selection: Selection) -> None:
    claim = find_claim(corpus_selection, "syria", "engages_in", "drug-trafficking")
    note = by_id[f"cg-claim-{claim.id}"]
    assert note["schema"] == "Note"
    assert note["properties"]["entity"] == ["cg-entity-syria"]
    assert note["properties"]["keywords"] == ["drug trafficking"]
    assert "cg-entity-drug-trafficking" not in by_id
    # one source alleges it: FtM tools read topics as risk flags, so it sets none...
    status = {(link.subject, link.relation, link.object): link.status for link in corpus_selection.links}
    assert status[claim.link] == "single-source"
    assert "crime.traffick.drug" not in by_id["cg-entity-syria"]["properties"]["topics"]
    # ...unless the mapping lets single-source links count
    counting = frozenset({"corroborated", "single-source"})
    lenient = dataclasses.replace(ftm.load_mapping(), derived_from=counting)
    again = {record["id"]: record for record in ftm.entities(corpus_selection, lenient)}
    assert "crime.traffick.drug" in again["cg-entity-syria"]["properties"]["topics"]


def test_operates_in_adds_the_country_unless_the_link_is_denied(by_id: dict[str, Record],
                                                                corpus_selection: Selection) -> None:
    wagner = by_id["cg-entity-wagner-group"]["properties"]
    assert wagner["country"] == ["ru"]  # its own: "operates in Syria" has one source, so adds none
    assert {"crime.terror", "sanction"} <= set(wagner["topics"])  # proscribed, TCO
    assert any(note.startswith("Designated by UK Home Office") for note in wagner["notes"])
    denied = next(link for link in corpus_selection.links
                  if (link.subject, link.relation, link.object) == ("al-qaeda", "operates_in", "afghanistan"))
    assert denied.status == "denied"
    assert "af" not in by_id["cg-entity-al-qaeda"]["properties"].get("country", [])
    sanaa = by_id["cg-entity-sanaa"]
    assert sanaa["schema"] == "Address" and sanaa["properties"]["country"] == ["ye"]


def test_countries_are_lowercase_ftm_codes(records: list[Record]) -> None:
    countries = [value for data in records for value in data["properties"].get("country", [])]
    assert countries and all(len(code) == 2 and code.islower() for code in countries)
    assert all(registry.country.validate(code) for code in countries)


def test_mentions_point_at_their_article_and_entity_once_per_form(records: list[Record],
                                                                  by_id: dict[str, Record]) -> None:
    mentions = [data["properties"] for data in records if data["schema"] == "Mention"]
    assert mentions
    seen = {(m["document"][0], m["resolved"][0], m["name"][0]) for m in mentions}
    assert len(seen) == len(mentions)
    for mention in mentions:
        assert by_id[mention["document"][0]]["schema"] == "Article"
        assert mention["detectedSchema"] == [by_id[mention["resolved"][0]]["schema"]]


def test_the_same_store_gives_the_same_bytes(whole: bytes, corpus_store: Store) -> None:
    assert exported(corpus_store) == whole


def test_filters_shrink_the_export(whole: bytes, corpus_store: Store) -> None:
    part = parsed(exported(corpus_store, Filters(entity="wagner-group")))
    assert 0 < len(part) < len(parsed(whole))
    for data in part:
        check_entity(data)
    links = [data["properties"] for data in part if data["id"].startswith("cg-claim-")]
    assert links and all("cg-entity-wagner-group" in sum(props.values(), []) for props in links)
    denied = [data["properties"] for data in parsed(exported(corpus_store, Filters(status="denied")))
              if data["id"].startswith("cg-claim-")]
    everything = [data for data in parsed(whole) if data["id"].startswith("cg-claim-")]
    assert 0 < len(denied) < len(everything)
    assert all("Link status over independent sources: denied" in props["description"][0] for props in denied)


def test_the_mapping_uses_ftm_names_and_covers_the_knowledge_base() -> None:
    mapping = ftm.load_mapping()
    for schema in {*filter(None, mapping.schemata.values()), *mapping.legal_entities}:
        assert model.get(schema) is not None, schema
    assert all(model[name].is_a("LegalEntity") for name in mapping.legal_entities)
    vocabulary = set(TopicType._TOPICS)
    topics = [topic for table in (mapping.activities, mapping.designations, mapping.type_topics)
              for found in table.values() for topic in found]
    assert set(topics) <= vocabulary, set(topics) - vocabulary
    activities = {entry["id"] for entry in yaml.safe_load((KB / "activities.yaml").read_text())}
    assert activities == set(mapping.activities)
    lists = {designation["list"] for path in KB.glob("*.yaml") if path.name != "schema.yaml"
             for entry in yaml.safe_load(path.read_text()) or [] if isinstance(entry, dict)
             for designation in entry.get("designations") or []}
    assert lists <= set(mapping.designations), lists - set(mapping.designations)
    assert all(registry.language.validate(code) for code in mapping.languages.values())


def test_the_knowledge_base_countries_are_ftm_countries() -> None:
    entries = [entry for path in KB.glob("*.yaml") for entry in yaml.safe_load(path.read_text()) or []]
    codes = {entry["country"] for entry in entries
             if isinstance(entry, dict) and isinstance(entry.get("country"), str)}
    assert codes and all(registry.country.validate(code.lower()) for code in codes)


def test_a_mapping_without_an_entity_type_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((KB.parent / "exports" / "ftm.yaml").read_text())
    del data["entities"]["place"]
    path = tmp_path / "ftm.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ClaimgraphError) as raised:
        ftm.load_mapping(path)
    assert str(raised.value) == f"E505 {path}: entities: no mapping for place"


# -- a hand-made selection for what the corpus lacks --------------------------------------------------

SCRIPT = '<script>alert("x")</script> & </p>'


def hand_made() -> Selection:
    def entity(our_id: str, name: str, type_: str, country: str | None = None) -> Entity:
        return Entity(our_id, name, type_, country, None, provisional=True)

    found = {e.id: e for e in (entity("odd id_1", "Odd \x07Group", "armed_group", "XK"),
                               entity("someone", "Some One", "person", "USA"),
                               entity("kidnapping", "kidnapping", "activity"))}
    doc = Document(1, "doc one", SCRIPT, "file:///tmp/x.html", "Outlet", None, "2025-03-04T21:10:00-05:00",
                   "tlh", "2025-03-05T00:00:00+00:00", "doc zero", "doc zero",
                   "x" * 70_000 + SCRIPT)
    claims = [Claim(1, "doc one", "someone", "member_of", "odd id_1", "denied", "hedged", None, SCRIPT,
                    0, 5, "", "Outlet", ("someone", "member_of", "odd id_1")),
              Claim(2, "doc one", "odd id_1", "engages_in", "kidnapping", "affirmed", "asserted", "someone",
                    "kidnaps", 0, 5, "kidnaps", "Outlet", ("odd id_1", "engages_in", "kidnapping"))]
    links = [Link("someone", "Some One", "member_of", "odd id_1", "Odd Group", denied=1, status="denied"),
             Link("odd id_1", "Odd Group", "engages_in", "kidnapping", "kidnapping", affirmed=2,
                  status="corroborated")]
    mentions = [Mention("doc one", "someone", " Some  One ", 3, 13),
                Mention("doc one", "someone", "Some  One", 20, 29),
                Mention("doc one", "kidnapping", "kidnapping", 40, 50)]
    return Selection(filters=Filters(), links=links, claims=claims, documents=[doc], entities=found,
                     mentions=mentions)


def test_script_tags_stay_plain_data_and_odd_values_are_made_ftm_safe() -> None:
    out = io.BytesIO()
    ftm.write(SimpleNamespace(selection=hand_made()), out)  # type: ignore[arg-type]
    lines = parsed(out.getvalue())
    for data in lines:
        check_entity(data)
    got = {data["id"]: data for data in lines}
    assert len(out.getvalue().splitlines()) == len(lines) == len(got)
    article = got[ftm.document_id("doc one")]["properties"]
    assert article["title"] == [SCRIPT] and article["bodyText"][-1].endswith(SCRIPT)
    assert [len(piece) for piece in article["bodyText"]] == [65_000, 5_000 + len(SCRIPT)]
    assert article["publishedAt"] == ["2025-03-05T02:10:00"]  # in UTC
    assert "sourceUrl" not in article and "language" not in article  # a file path; Klingon
    assert "doc zero" in article["notes"][0]
    odd = got[ftm.entity_id("odd id_1")]
    assert odd["id"].startswith("cg-entity-") and " " not in odd["id"]
    assert odd["properties"]["name"] == ["Odd Group"] and odd["properties"]["country"] == ["xk"]
    assert "country" not in got[ftm.entity_id("someone")]["properties"]  # "USA" is no ISO alpha-2 code
    assert "crime" in odd["properties"]["topics"]  # kidnapping, a corroborated link
    membership = got["cg-claim-1"]["properties"]
    assert got["cg-claim-1"]["schema"] == "Membership" and membership["summary"] == [SCRIPT]
    assert membership["status"] == ["denied, hedged"]
    assert "Link status over independent sources: denied" in membership["description"][0]
    assert got["cg-claim-2"]["schema"] == "Note"
    assert "according to Some One" in got["cg-claim-2"]["properties"]["description"][0]
    assert [data["properties"]["name"] for data in lines if data["schema"] == "Mention"] == [["Some  One"]]
    assert orjson.loads(out.getvalue().splitlines()[0]) == lines[0]


@pytest.mark.parametrize(("stored", "written"), [
    ("2024-05-06", "2024-05-06"), ("2024-05", "2024-05"), ("2024", "2024"),
    ("2025-03-04T21:10:00-05:00", "2025-03-05T02:10:00"), ("2024-05-06 10:00:00", "2024-05-06T10:00:00"),
    ("May 2024", None), (None, None)])
def test_dates_take_ftm_form(stored: str | None, written: str | None) -> None:
    assert ftm.ftm_date(stored) == written
    if written is not None:
        assert registry.date.clean(written) == written
