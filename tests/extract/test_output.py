"""Extraction.to_contract(): the JSON object of shared/contract/FORMATS.md."""

from __future__ import annotations

import json

import pytest
from extract_helpers import mentions_of

from claimgraph.extract.lexicon import RELATIONS
from claimgraph.extract.pipeline import Extractor

# FORMATS.md keys, and the extra keys the project documents on top of them ("Other keys may be added")
TOP_KEYS = {"doc", "entities", "claims"}
ENTITY_KEYS = {"id", "name", "type", "mentions"}
ENTITY_EXTRAS = {"provisional"}
CLAIM_KEYS = {"subject", "relation", "object", "polarity", "modality", "speaker", "evidence", "start", "end"}
CLAIM_EXTRAS = {"cue"}
TYPES = {"state", "state_body", "person", "criminal_group", "armed_group", "political_org", "company",
         "media", "intl_org", "activity", "place"}

TEXT = ("Sudan's war has drawn in foreign backers.\n"
        "The UAE reportedly supplies weapons to the RSF, according to a UN panel.   "
        "Marco Rubio said that Iran funds the Houthis and Hezbollah. "
        "\"Qatar does not fund Hamas,\" a Qatari diplomat said. The CJNG is involved in extortion.")


@pytest.fixture(scope="module")
def contract(extractor: Extractor) -> dict[str, object]:
    return extractor.extract_text(TEXT, doc_id="sudan_2025_001").to_contract()


def test_contract_has_the_formats_keys(contract: dict) -> None:
    assert set(contract) == TOP_KEYS
    assert contract["doc"] == "sudan_2025_001"
    assert contract["entities"] and contract["claims"]
    for item in contract["entities"]:
        assert ENTITY_KEYS <= set(item) <= ENTITY_KEYS | ENTITY_EXTRAS
    for item in contract["claims"]:
        assert CLAIM_KEYS <= set(item) <= CLAIM_KEYS | CLAIM_EXTRAS


def test_contract_is_json_with_the_ontology_names(contract: dict) -> None:
    assert json.loads(json.dumps(contract)) == contract
    for item in contract["entities"]:
        assert item["type"] in TYPES
    for item in contract["claims"]:
        assert item["relation"] in RELATIONS
        assert item["polarity"] in {"affirmed", "denied"}
        assert item["modality"] in {"asserted", "hedged"}


def test_claim_offsets_slice_the_text_to_the_evidence(contract: dict) -> None:
    for item in contract["claims"]:
        assert 0 <= item["start"] < item["end"] <= len(TEXT)
        assert TEXT[item["start"]:item["end"]] == item["evidence"]
    evidence = {(c["subject"], c["object"]): c["evidence"] for c in contract["claims"]}
    assert evidence[("iran", "hezbollah")] == "Marco Rubio said that Iran funds the Houthis and Hezbollah."
    assert evidence[("cjng", "extortion")] == "The CJNG is involved in extortion."


def test_claim_ends_and_speakers_are_listed_entities(contract: dict) -> None:
    ids = {e["id"] for e in contract["entities"]}
    assert len(ids) == len(contract["entities"])
    for item in contract["claims"]:
        assert item["subject"] in ids
        assert item["object"] in ids
        assert item["speaker"] is None or item["speaker"] in ids
    assert {"marco-rubio", "iran", "houthis", "hezbollah", "rsf", "united-arab-emirates"} <= ids


def test_entity_mentions_are_surface_forms_of_the_text(contract: dict) -> None:
    for item in contract["entities"]:
        assert item["mentions"], f"{item['id']} has no mention"
        for form in item["mentions"]:
            assert form in TEXT


def test_us_acronym_is_listed_as_a_mention(extractor: Extractor) -> None:
    extraction = extractor.extract_text("Rubio, the US secretary of state, met Mexican officials.")
    assert mentions_of(extraction, "united-states") == ["US"]
    us = next(e for e in extraction.entities if e.id == "united-states")
    assert us.mentions == ["US"]
