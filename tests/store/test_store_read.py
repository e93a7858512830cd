"""Reading the graph back: entities with counts, claims joined and filtered."""

from __future__ import annotations

import pytest
from store_builders import DRAVIA_TEXT, HERON_TEXT, dravia, heron

from claimgraph.store import Store, open_store


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_documents([(*heron(), "ok"), (*dravia(), "ok")], "rules-7")
    return store


def test_entities_by_type_with_counts(filled: Store) -> None:
    groups = filled.entities(type="criminal_group")
    assert groups == [{
        "id": "blue-heron-syndicate", "name": "Blue Heron Syndicate", "type": "criminal_group",
        "country": "OS", "provisional": False, "mention_count": 3, "claim_count": 4,
    }]
    assert [e["id"] for e in filled.entities(type="state")] == ["dravia", "osmania"]
    assert filled.entities(type="intl_org") == []


def test_entities_most_claimed_first_and_unclaimed_count_zero(filled: Store) -> None:
    listed = filled.entities()
    assert len(listed) == 7
    assert listed[0]["id"] == "blue-heron-syndicate"
    claim_counts = [e["claim_count"] for e in listed]
    assert claim_counts == sorted(claim_counts, reverse=True)
    by_id = {e["id"]: e for e in listed}
    # Speaking is not being claimed about: Lena Varga is subject of one claim only.
    assert by_id["lena-varga"]["claim_count"] == 1
    assert by_id["lena-varga"]["mention_count"] == 2
    assert by_id["dravia"]["claim_count"] == 1


def test_claim_rows_carry_names_offsets_and_document(filled: Store) -> None:
    rows = filled.claims(relation="supports")
    assert len(rows) == 1
    row = rows[0]
    assert row["subject_id"] == "osmanian-coast-guard" and row["subject_name"] == "Osmanian Coast Guard"
    assert row["object_id"] == "blue-heron-syndicate" and row["object_name"] == "Blue Heron Syndicate"
    assert row["speaker_id"] == "lena-varga" and row["speaker_name"] == "Lena Varga"
    assert (row["polarity"], row["modality"], row["cue"]) == ("affirmed", "asserted", "with the support of")
    assert HERON_TEXT[row["start"]:row["end"]] == row["evidence"]
    assert row["extractor_version"] == "rules-7"
    assert (row["doc_key"], row["title"], row["outlet"], row["published"], row["url"]) == (
        "heron-report", "Heron syndicate in Port Calder", "Example Courier", "2031-04-02",
        "https://news.example/heron")


def test_unattributed_claim_has_no_speaker(filled: Store) -> None:
    (row,) = filled.claims(relation="finances")
    assert row["speaker_id"] is None and row["speaker_name"] is None
    assert (row["polarity"], row["modality"]) == ("affirmed", "hedged")
    assert DRAVIA_TEXT[row["start"]:row["end"]] == row["evidence"]


@pytest.mark.parametrize("name", [
    "blue-heron-syndicate", "Blue Heron Syndicate", "BLUE  HERON syndicate", "the Blue Heron Syndicate's",
    "Blue Heron Cartel",
])
def test_claims_about_an_entity_by_id_name_or_alias(filled: Store, name: str) -> None:
    relations = sorted(row["relation"] for row in filled.claims(entity=name))
    assert relations == ["arms", "finances", "operates_in", "supports"]


def test_claims_about_an_entity_as_object_or_subject(filled: Store) -> None:
    assert [r["relation"] for r in filled.claims(entity="Dravia")] == ["finances"]
    assert [r["relation"] for r in filled.claims(entity="Osmania")] == ["member_of"]


def test_claims_by_speaker_and_relation_combined(filled: Store) -> None:
    by_varga = filled.claims(speaker="lena varga")
    assert [r["relation"] for r in by_varga] == ["supports", "operates_in"]
    assert filled.claims(speaker="Varga", relation="operates_in")[0]["object_id"] == "port-calder"
    assert filled.claims(speaker="dravia")[0]["polarity"] == "denied"
    assert filled.claims(speaker="osmanian-coast-guard") == []


def test_claims_unknown_entity_gives_nothing(filled: Store) -> None:
    assert filled.claims(entity="Nobody Known") == []
    assert filled.match_entities("Nobody Known") == []


def test_claims_order_and_limit(filled: Store) -> None:
    every = filled.claims()
    assert [r["doc_key"] for r in every] == ["heron-report"] * 3 + ["dravia-denial"] * 2
    assert filled.claims(limit=2) == every[:2]


def test_reopening_keeps_everything(filled: Store, db: str) -> None:
    before = (filled.counts(), filled.claims(), filled.entities())
    filled.close()
    with open_store(db) as again:
        assert (again.counts(), again.claims(), again.entities()) == before
        assert again.add_document(*heron())[0] == "duplicate"


def test_relation_counts_match_the_claims(filled: Store) -> None:
    from collections import Counter

    expected = Counter(row["relation"] for row in filled.claims())
    assert filled.relation_counts() == dict(expected)
    assert sum(filled.relation_counts().values()) == filled.counts()["claims"]
