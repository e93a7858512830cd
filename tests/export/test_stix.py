"""The STIX 2.1 export: a valid bundle, one object per claim, the documented mapping and confidence,
authorship, reports, deterministic bytes, filters, and text kept as data."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stix2
import yaml
from stix2.base import _STIXBase

from claimgraph.analyse.links import Link
from claimgraph.errors import ClaimgraphError
from claimgraph.export import stix
from claimgraph.export.registry import Source
from claimgraph.export.selection import Claim, Document, Entity, Filters, Selection, link_key
from claimgraph.store import Store

Objects = dict[str, dict[str, Any]]


def _export(selection: Selection) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(stix.serialize(stix.bundle(selection)))
    return found


def _by_id(data: dict[str, Any]) -> Objects:
    return {made["id"]: made for made in data["objects"]}


def _of_type(objects: Objects, kind: str) -> list[dict[str, Any]]:
    return [made for made in objects.values() if made["type"] == kind]


def _by_claim(objects: Objects) -> dict[int, dict[str, Any]]:
    return {made["x_claimgraph_claim"]: made for made in objects.values() if "x_claimgraph_claim" in made}


def _entity_object(objects: Objects, entity_id: str) -> dict[str, Any]:
    # the entity's own object, not the identity a speaking group gets for authorship
    return objects[stix.stix_id(_stix_type(objects, entity_id), f"entity:{entity_id}")]


def _stix_type(objects: Objects, entity_id: str) -> str:
    kinds = {made["type"] for made in objects.values() if made.get("x_claimgraph_entity") == entity_id
             and made["id"] != stix.stix_id("identity", f"speaker:{entity_id}")}
    assert len(kinds) == 1, (entity_id, kinds)
    return kinds.pop()


def _references(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _references(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item, key)
    elif isinstance(value, str) and (key.endswith("_ref") or key.endswith("_refs")):
        yield value


@pytest.fixture(scope="module")
def corpus_bundle(corpus_selection: Selection) -> dict[str, Any]:
    return _export(corpus_selection)


@pytest.fixture(scope="module")
def corpus_objects(corpus_bundle: dict[str, Any]) -> Objects:
    return _by_id(corpus_bundle)


# --- the whole corpus ----------------------------------------------------------------------------
def test_bundle_parses_back_as_valid_stix(corpus_selection: Selection) -> None:
    text = stix.serialize(stix.bundle(corpus_selection)).decode("utf-8")
    parsed = stix2.parse(text, allow_custom=True)
    assert parsed.type == "bundle"
    assert parsed.objects
    # every object became a stix2 class (an unknown type would stay a plain dict)
    assert all(isinstance(made, _STIXBase) for made in parsed.objects)
    assert {made.spec_version for made in parsed.objects} == {"2.1"}
    assert {made.type for made in parsed.objects} == {
        "identity", "threat-actor", "attack-pattern", "location", "relationship", "opinion", "report"}


def test_every_reference_points_into_the_bundle(corpus_objects: Objects) -> None:
    dangling = [(made["id"], ref) for made in corpus_objects.values() for ref in _references(made)
                if ref not in corpus_objects]
    assert dangling == []


def test_one_relationship_per_affirmed_claim_and_one_opinion_per_denied(
        corpus_selection: Selection, corpus_objects: Objects) -> None:
    affirmed = {claim.id for claim in corpus_selection.claims if claim.polarity == "affirmed"}
    denied = {claim.id for claim in corpus_selection.claims if claim.polarity == "denied"}
    assert affirmed and denied
    assert {made["x_claimgraph_claim"] for made in _of_type(corpus_objects, "relationship")} == affirmed
    assert {made["x_claimgraph_claim"] for made in _of_type(corpus_objects, "opinion")} == denied
    assert len(_of_type(corpus_objects, "relationship")) == len(affirmed)
    assert len(_of_type(corpus_objects, "opinion")) == len(denied)


@pytest.mark.parametrize(("subject", "relation", "obj", "expected"), [
    ("russia", "directs", "wagner-group", "directs"),  # no STIX type: our name, hyphenated
    ("wagner-group", "operates_in", "africa", "located-at"),  # threat-actor -> location
    ("wagner-group", "engages_in", "homicide", "uses"),  # threat-actor -> attack-pattern
    ("houthis", "opposes", "united-states", "targets"),  # threat-actor -> identity
    ("united-states", "opposes", "kataib-hezbollah", "opposes"),  # identity source: STIX has no targets
    ("syria", "engages_in", "drug-trafficking", "engages-in"),  # an identity does not `uses`
    ("kataib-hezbollah", "operates_in", "iraq", "operates-in"),  # a state is no location
    ("al-qaeda", "linked_to", "taliban", "related-to"),
    ("ismael-zambada", "member_of", "sinaloa-cartel", "member-of"),
])
def test_known_links_have_the_mapped_type_and_stored_evidence(
        corpus_selection: Selection, corpus_objects: Objects, subject: str, relation: str, obj: str,
        expected: str) -> None:
    claims = corpus_selection.link_claims()[(subject, relation, obj)]
    made = _by_claim(corpus_objects)
    affirmed = [claim for claim in claims if claim.polarity == "affirmed"]
    assert affirmed
    for claim in affirmed:
        relationship = made[claim.id]
        assert relationship["relationship_type"] == expected
        assert relationship["x_claimgraph_relation"] == relation
        assert relationship["x_claimgraph_evidence"] == claim.evidence
        assert (relationship["x_claimgraph_evidence_start"], relationship["x_claimgraph_evidence_end"]) == (
            claim.start, claim.end)
        assert corpus_objects[relationship["source_ref"]]["x_claimgraph_entity"] == claim.subject
        assert corpus_objects[relationship["target_ref"]]["x_claimgraph_entity"] == claim.object
        assert relationship["x_claimgraph_document"] == claim.document
        assert relationship["x_claimgraph_source"] == claim.source
        assert relationship["x_claimgraph_cue"] == claim.cue


def test_entities_carry_names_aliases_designations_and_wikidata(corpus_objects: Objects) -> None:
    wagner = _entity_object(corpus_objects, "wagner-group")
    assert wagner["type"] == "threat-actor"
    assert wagner["name"] == "Wagner Group (PMC)"  # the analyst's rename
    assert "the Wagner outfit" in wagner["aliases"]  # and alias
    assert "terrorist" in wagner["threat_actor_types"]  # proscribed by the UK Home Office
    assert {"authority": "UK Home Office", "list": "proscribed organisation"} in wagner[
        "x_claimgraph_designations"]
    assert {ref["source_name"] for ref in wagner["external_references"]} >= {"UK Home Office", "US Treasury"}
    cartel = _entity_object(corpus_objects, "sinaloa-cartel")
    assert cartel["threat_actor_types"] == ["crime-syndicate", "terrorist"]
    assert "threat_actor_types" not in _entity_object(corpus_objects, "lna")  # no designation
    russia = _entity_object(corpus_objects, "russia")
    assert (russia["type"], russia["identity_class"], russia["sectors"]) == (
        "identity", "organization", ["government-national"])
    assert {"source_name": "wikidata", "external_id": "Q159",
            "url": "https://www.wikidata.org/wiki/Q159"} in russia["external_references"]
    assert _entity_object(corpus_objects, "homicide")["type"] == "attack-pattern"
    assert _entity_object(corpus_objects, "marco-rubio")["identity_class"] == "individual"


def test_places_become_locations_with_a_country_or_region(corpus_objects: Objects) -> None:
    sanaa = _entity_object(corpus_objects, "sanaa")
    assert (sanaa["type"], sanaa["country"]) == ("location", "YE")
    assert _entity_object(corpus_objects, "africa")["region"] == "africa"
    assert _entity_object(corpus_objects, "southeast-asia")["region"] == "south-eastern-asia"


def test_speakers_and_outlets_author_the_claims(corpus_selection: Selection, corpus_objects: Objects) -> None:
    made = _by_claim(corpus_objects)
    spoken = [claim for claim in corpus_selection.claims if claim.speaker]
    assert any(corpus_selection.entities[claim.speaker].type == "armed_group" for claim in spoken
               if claim.speaker)
    for claim in spoken:
        author = corpus_objects[made[claim.id]["created_by_ref"]]
        speaker = corpus_selection.entities[claim.speaker or ""]
        assert author["type"] == "identity"
        assert (author["name"], author["x_claimgraph_entity"]) == (speaker.name, speaker.id)
    for claim in (claim for claim in corpus_selection.claims if not claim.speaker):
        outlet = corpus_selection.document(claim.document).outlet
        if outlet is None:
            assert "created_by_ref" not in made[claim.id]
        else:
            assert corpus_objects[made[claim.id]["created_by_ref"]]["x_claimgraph_outlet"] == outlet


def test_suella_braverman_authors_her_claim(corpus_selection: Selection, corpus_objects: Objects) -> None:
    claim = next(claim for claim in corpus_selection.claims if claim.speaker == "suella-braverman"
                 and claim.relation == "directs")
    relationship = _by_claim(corpus_objects)[claim.id]
    assert corpus_objects[relationship["created_by_ref"]]["name"] == "Suella Braverman"
    assert relationship["x_claimgraph_speaker"] == "suella-braverman"


def test_confidence_falls_with_hedging_and_contest(corpus_selection: Selection,
                                                   corpus_objects: Objects) -> None:
    made = _by_claim(corpus_objects)
    links = {link_key(link): link for link in corpus_selection.links}
    by_kind: dict[tuple[str, int, str], set[int]] = {}
    for claim in corpus_selection.claims:
        if claim.polarity == "affirmed":
            link = links[claim.link]
            key = (link.status, len(link.sources_for), claim.modality)
            by_kind.setdefault(key, set()).add(made[claim.id]["confidence"])
    compared = 0
    for (status, sources, modality), values in by_kind.items():
        asserted = by_kind.get((status, sources, "asserted"))
        if modality == "hedged" and asserted:
            assert max(values) < min(asserted)
            compared += 1
    assert compared  # the corpus has hedged and asserted claims of the same kind of link
    confidence = {status: [made[claim.id]["confidence"] for claim in corpus_selection.claims
                           if claim.polarity == "affirmed" and claim.modality == "asserted"
                           and links[claim.link].status == status]
                  for status in ("contested", "corroborated")}
    assert confidence["contested"] and confidence["corroborated"]
    assert max(confidence["contested"]) < min(confidence["corroborated"])
    assert all(0 <= made_one["confidence"] <= 100 for made_one in made.values())


def test_confidence_rule_as_documented() -> None:
    rule = stix.load_mapping().confidence
    assert rule.score("asserted", 1, "single-source") == 55
    assert rule.score("hedged", 1, "single-source") == 25
    assert rule.score("asserted", 2, "corroborated") == 70
    assert rule.score("asserted", 9, "corroborated") == 100  # three extra sources at most
    assert rule.score("asserted", 1, "contested") == 20
    assert rule.score("hedged", 1, "contested") == 0  # clamped


def test_denied_claims_are_opinions(corpus_selection: Selection, corpus_objects: Objects) -> None:
    made = _by_claim(corpus_objects)
    grouped = corpus_selection.link_claims()
    for claim in (claim for claim in corpus_selection.claims if claim.polarity == "denied"):
        opinion = made[claim.id]
        assert (opinion["type"], opinion["opinion"]) == ("opinion", "strongly-disagree")
        assert opinion["explanation"] == claim.evidence == opinion["x_claimgraph_evidence"]
        assert opinion["x_claimgraph_polarity"] == "denied"
        if claim.speaker:
            assert opinion["authors"] == [corpus_selection.entities[claim.speaker].name]
        affirmed = {made[other.id]["id"] for other in grouped[claim.link] if other.polarity == "affirmed"}
        if affirmed:
            assert set(opinion["object_refs"]) == affirmed
        else:
            ends = {corpus_objects[ref]["x_claimgraph_entity"] for ref in opinion["object_refs"]}
            assert ends == {claim.subject, claim.object}
    contested = made[next(claim.id for claim in corpus_selection.claims if claim.polarity == "denied"
                          and claim.link == ("iran", "arms", "houthis"))]
    assert corpus_objects[contested["object_refs"][0]]["type"] == "relationship"


def test_reports_hold_their_claims(corpus_selection: Selection, corpus_objects: Objects) -> None:
    reports = {made["x_claimgraph_document"]: made for made in _of_type(corpus_objects, "report")}
    assert set(reports) == {doc.key for doc in corpus_selection.documents}
    made = _by_claim(corpus_objects)
    for claim in corpus_selection.claims:
        refs = set(reports[claim.document]["object_refs"])
        assert made[claim.id]["id"] in refs
        if claim.polarity == "affirmed":
            assert {made[claim.id]["source_ref"], made[claim.id]["target_ref"]} <= refs
    for doc in corpus_selection.documents:
        report = reports[doc.key]
        assert report["name"] == (doc.title or doc.key)
        assert report["report_types"] == ["threat-report"]
        assert report.get("x_claimgraph_copy_of") == doc.copy_of
        assert report["external_references"][0]["source_name"] == (doc.outlet or doc.key)
        if doc.url:
            assert report["external_references"][0]["url"] == doc.url
        if doc.published is None:
            assert report["published"] == report["created"]
    assert reports["06-wagner-mali-wire-spun"]["x_claimgraph_copy_of"] == "04-wagner-mali-wire"
    assert reports["d1ffcadd01a29e7a"]["published"] == "2023-09-06T08:45:00Z"
    assert reports["briefs-3"]["published"] == "2020-05-26T00:00:00Z"


def test_writing_twice_gives_the_same_bytes(corpus_store: Store, corpus_selection: Selection) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    stix.FORMAT.write(Source(corpus_store), first)
    stix.FORMAT.write(Source(corpus_store), second)
    assert first.getvalue() == second.getvalue()
    made = stix.bundle(corpus_selection)
    assert first.getvalue() == stix.serialize(made)
    # our fast JSON says what stix2's own serializer says (optional defaults left out, Z timestamps)
    assert json.loads(first.getvalue()) == json.loads(made.serialize())
    ids = [made["id"] for made in json.loads(first.getvalue())["objects"]]
    assert ids == sorted(ids)


@pytest.mark.parametrize("filters", [Filters(entity="wagner-group"), Filters(status="contested"),
                                     Filters(relation="operates_in"), Filters(relation="supports")])
def test_filters_shrink_the_bundle_consistently(corpus_store: Store, corpus_objects: Objects,
                                                corpus_bundle: dict[str, Any], filters: Filters) -> None:
    source = Source(corpus_store, filters)
    out = io.BytesIO()
    stix.write(source, out)
    data = json.loads(out.getvalue())
    objects = _by_id(data)
    assert data["id"] != corpus_bundle["id"]
    assert set(objects) < set(corpus_objects)
    claims = {claim.id for claim in source.selection.claims}
    assert set(_by_claim(objects)) == claims
    for made in objects.values():
        if made["type"] in ("relationship", "opinion"):
            assert made == corpus_objects[made["id"]]  # the same claim gives the same object
    assert not [ref for made in objects.values() for ref in _references(made) if ref not in objects]
    if filters.entity:
        assert all(filters.entity in (claim.subject, claim.object) for claim in source.selection.claims)
    if filters.status:
        assert {made["x_claimgraph_link_status"] for made in _by_claim(objects).values()} == {filters.status}


def test_format_is_registered_as_stix() -> None:
    assert (stix.FORMAT.name, stix.FORMAT.extension, stix.FORMAT.media_type) == (
        "stix", ".stix.json", "application/stix+json;version=2.1")


# --- a small hand-made selection ---------------------------------------------------------------
HOSTILE = '<script>alert("x")</script> & \'quotes\' "said" \\ é'


def _entity(entity_id: str, type_: str, **extra: Any) -> Entity:
    name = entity_id.replace("-", " ").title()
    return Entity(entity_id, name, type_, extra.pop("country", None), None, False, **extra)


def _claim(claim_id: int, doc: str, subject: str, relation: str, obj: str, **extra: Any) -> Claim:
    values: dict[str, Any] = {"polarity": "affirmed", "modality": "asserted", "speaker": None,
                              "evidence": f"claim {claim_id}", "start": 0, "end": 9, "cue": "cue",
                              "source": doc}
    values.update(extra)
    return Claim(claim_id, doc, subject, relation, obj, values["polarity"], values["modality"],
                 values["speaker"], values["evidence"], values["start"], values["end"], values["cue"],
                 values["source"], (subject, relation, obj))


def _link(subject: str, relation: str, obj: str, status: str, sources_for: list[str],
          sources_against: list[str] | None = None) -> Link:
    return Link(subject, subject, relation, obj, obj, status=status, sources_for=sources_for,
                sources_against=sources_against or [])


def small_selection(**overrides: Any) -> Selection:
    entities = [
        _entity("state-a", "state", country="AA"),
        _entity("gang", "criminal_group", designations=[{"authority": "US State Department", "list": "FTO"}]),
        _entity("militia", "armed_group"),
        _entity("lagoon", "place"),
        _entity("sahel", "place", aliases=["the Sahel"]),
        _entity("smuggling", "activity"),
    ]
    documents = [
        Document(1, "d1", f"Title {HOSTILE}", "https://example.org/a?b=1&c=<2>", "Outlet <One>", None,
                 "2024-05", "en", "2025-01-02T03:04:05+00:00", None, "d1", "text"),
        Document(2, "d2", None, None, None, None, None, "en", "2025-01-03T00:00:00+00:00", None, "d2",
                 "text"),
    ]
    claims = [
        _claim(1, "d1", "gang", "operates_in", "lagoon", evidence=HOSTILE, cue=HOSTILE),
        _claim(2, "d2", "militia", "engages_in", "smuggling", modality="hedged", speaker="militia"),
        _claim(3, "d2", "state-a", "supports", "gang", polarity="denied", speaker="state-a"),
        _claim(4, "d2", "militia", "operates_in", "sahel"),
    ]
    links = [
        _link("gang", "operates_in", "lagoon", "single-source", ["d1"]),
        _link("militia", "engages_in", "smuggling", "single-source", ["d2"]),
        _link("state-a", "supports", "gang", "denied", [], ["d2"]),
        _link("militia", "operates_in", "sahel", "single-source", ["d2"]),
    ]
    values: dict[str, Any] = {"entities": {entity.id: entity for entity in entities}, "documents": documents,
                              "claims": claims, "links": links}
    values.update(overrides)
    return Selection(Filters(), values["links"], values["claims"], values["documents"], values["entities"],
                     [])


def test_markup_and_quotes_survive_as_data() -> None:
    raw = stix.serialize(stix.bundle(small_selection()))
    assert b'alert(\\"x\\")' in raw  # JSON-escaped, not cut or entity-encoded
    parsed = stix2.parse(raw.decode("utf-8"), allow_custom=True)
    relationship = next(made for made in parsed.objects if made.get("x_claimgraph_claim") == 1)
    assert relationship.x_claimgraph_evidence == HOSTILE
    assert relationship.x_claimgraph_cue == HOSTILE
    report = next(made for made in parsed.objects
                  if made.type == "report" and made.x_claimgraph_document == "d1")
    assert report.name == f"Title {HOSTILE}"
    assert report.external_references[0].url == "https://example.org/a?b=1&c=<2>"


def test_authorship_of_groups_outlets_and_nobody() -> None:
    objects = _by_id(_export(small_selection()))
    made = _by_claim(objects)
    outlet = objects[made[1]["created_by_ref"]]  # unattributed, the document has an outlet
    assert (outlet["type"], outlet["name"], outlet["sectors"]) == (
        "identity", "Outlet <One>", ["communications"])
    group = objects[made[2]["created_by_ref"]]  # a threat actor speaks: an identity of its own
    assert (group["type"], group["identity_class"], group["x_claimgraph_entity"]) == (
        "identity", "group", "militia")
    assert group["id"] != made[2]["source_ref"]
    assert "created_by_ref" not in made[4]  # unattributed, no outlet
    opinion = made[3]
    assert opinion["authors"] == ["State A"]
    assert {objects[ref]["x_claimgraph_entity"] for ref in opinion["object_refs"]} == {"state-a", "gang"}


def test_small_selection_mapping() -> None:
    objects = _by_id(_export(small_selection()))
    made = _by_claim(objects)
    assert made[1]["relationship_type"] == "located-at"
    assert made[2]["relationship_type"] == "uses"
    assert made[2]["confidence"] < made[4]["confidence"]  # hedged below asserted, both single-source
    assert _entity_object(objects, "lagoon")["region"] == "lagoon"  # no country, no known region
    assert _entity_object(objects, "sahel")["region"] == "western-africa"
    assert _entity_object(objects, "gang")["threat_actor_types"] == ["crime-syndicate", "terrorist"]
    assert _entity_object(objects, "state-a")["x_claimgraph_country"] == "AA"
    reports = {made["x_claimgraph_document"]: made for made in _of_type(objects, "report")}
    assert reports["d1"]["published"] == "2024-05-01T00:00:00Z"
    assert reports["d2"]["published"] == "2025-01-03T00:00:00Z"  # no date: its ingestion
    assert reports["d2"]["name"] == "d2"


def test_an_unmapped_entity_type_is_a_clear_error() -> None:
    selection = small_selection()
    selection.entities["gang"].type = "vessel"
    with pytest.raises(ClaimgraphError, match="E505 .*entity type 'vessel'"):
        stix.bundle(selection)


@pytest.mark.parametrize(("value", "expected"), [
    ("2024", "2024-01-01T00:00:00+00:00"),
    ("2024-05", "2024-05-01T00:00:00+00:00"),
    ("2024-05-07", "2024-05-07T00:00:00+00:00"),
    ("2024-05-01T10:00", "2024-05-01T10:00:00+00:00"),
    ("2024-05-01T10:00:00+02:00", "2024-05-01T08:00:00+00:00"),
    ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
    ("last Tuesday", None),
    (None, None),
])
def test_timestamps_of_partial_dates(value: str | None, expected: str | None) -> None:
    found = stix.timestamp(value)
    assert (found.isoformat() if found else None) == expected


# --- the mapping file ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mapping_data() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("claimgraph.data").joinpath("exports", "stix.yaml").read_text(encoding="utf-8")
    found: dict[str, Any] = yaml.safe_load(text)
    return found


def _broken(data: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize(("path", "value", "message"), [
    (["entity_types", "place"], None, "entity_types: missing keys: place"),
    (["entity_types", "vessel"], {"stix": "identity", "identity_class": "group"}, "unknown keys: vessel"),
    (["relations", "operates_in"], None, "relations: missing keys: operates_in"),
    (["relations", "bribes"], {"stix": "bribes"}, "relations: unknown keys: bribes"),
    (["relations", "arms", "stix"], "Supplies Arms", "relations.arms.stix: 'Supplies Arms' must be"),
    (["relations", "arms", "from"], ["threat-actor"], "relations.arms: `from`/`to` and `else` go together"),
    (["entity_types", "person", "stix"], "malware", "entity_types.person.stix: 'malware' is not one of"),
    (["entity_types", "armed_group", "threat_actor_types"], ["pirate"], "'pirate' is not one of"),
    (["entity_types", "person", "sectors"], ["government"], None),  # valid: a person is an identity
    (["entity_types", "place", "sectors"], ["government"], "sectors are for identity objects only"),
    (["regions", "sahel"], "the-sahel", "regions.sahel: 'the-sahel' is not one of"),
    (["confidence", "base", "hedged"], 200, "confidence.base.hedged: must be a whole number"),
    (["producer", "created"], "someday", "producer.created: must be an ISO 8601 timestamp"),
])
def test_a_bad_mapping_names_the_key(mapping_data: dict[str, Any], path: list[str], value: Any,
                                     message: str | None) -> None:
    data = _broken(mapping_data, path, value)
    if message is None:  # a valid change
        stix.parse_mapping(data, "test.yaml")
        return
    with pytest.raises(ClaimgraphError, match="E505 test.yaml: ") as caught:
        stix.parse_mapping(data, "test.yaml")
    assert message in str(caught.value)


def test_the_bundled_mapping_covers_the_ontology(tmp_path: Path, mapping_data: dict[str, Any]) -> None:
    from claimgraph.ontology import ENTITY_TYPES, RELATIONS

    mapping = stix.load_mapping()
    assert set(mapping.entity_types) == set(ENTITY_TYPES)
    assert set(mapping.relations) == set(RELATIONS)
    path = tmp_path / "stix.yaml"
    path.write_text(yaml.safe_dump(mapping_data), encoding="utf-8")
    assert stix.load_mapping(path) == mapping
    path.write_text("entity_types: [", encoding="utf-8")
    with pytest.raises(ClaimgraphError, match="not YAML"):
        stix.load_mapping(path)


def test_an_entity_keeps_its_created_time_in_every_export(corpus_store: Store,
                                                          corpus_bundle: dict[str, Any]) -> None:
    whole = {made["id"]: made for made in corpus_bundle["objects"] if "x_claimgraph_entity" in made}
    out = io.BytesIO()
    stix.write(Source(corpus_store, Filters(since="2025-01-01")), out)
    part = [made for made in json.loads(out.getvalue())["objects"] if "x_claimgraph_entity" in made]
    assert part and {made["id"] for made in part} < set(whole)
    for made in part:
        assert made["created"] == whole[made["id"]]["created"]
        assert whole[made["id"]]["modified"] >= made["modified"] >= made["created"]
