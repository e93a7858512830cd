"""Speaker and outlet profiles; the analysis rules file and its validation (E305)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from link_builders import Said, document, mark_copy

from claimgraph.analyse.config import load, parse
from claimgraph.analyse.profiles import outlet_profile, speaker_profile
from claimgraph.errors import ClaimgraphError
from claimgraph.store import Store, open_store


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    opened = open_store(db)
    a = document(opened, "p1", "Daily Lantern", "2024-01-01",
                 Said("ostravia", "arms", "red-kestrels", speaker="mira-tal"),
                 Said("pelmark", "supports", "red-kestrels", modality="hedged", speaker="mira-tal"),
                 Said("ostravia", "finances", "grey-owl-cartel"))
    b = document(opened, "p2", "Harbour Post", "2024-02-01",
                 Said("ostravia", "arms", "red-kestrels", speaker="mira-tal"), extra="Copied.")
    document(opened, "p3", "Harbour Post", "2024-03-01",
             Said("pelmark", "supports", "red-kestrels", polarity="denied", speaker="jon-bask"))
    mark_copy(opened, b, a)
    yield opened
    opened.close()


def test_speaker_profile(store: Store) -> None:
    profile = speaker_profile(store, "Mira Tal")
    assert profile is not None
    assert (profile["speaker"], profile["claims"], profile["hedged"]) == ("mira-tal", 3, 1)
    assert profile["hedged_share"] == pytest.approx(0.333)
    assert profile["accuses"][0] == {"entity": "ostravia", "name": "Ostravia", "claims": 2}
    assert {o["outlet"] for o in profile["outlets"]} == {"Daily Lantern", "Harbour Post"}
    assert (profile["first_seen"], profile["last_seen"]) == ("2024-01-01", "2024-02-01")
    assert speaker_profile(store, "nobody here") is None


def test_outlet_profile(store: Store) -> None:
    lantern = outlet_profile(store, "daily lantern")
    assert lantern is not None
    assert (lantern["outlet"], lantern["claims"], lantern["documents"]) == ("Daily Lantern", 3, 1)
    assert lantern["unattributed_share"] == pytest.approx(0.333)
    assert lantern["accuses_in_own_voice"] == [{"entity": "ostravia", "name": "Ostravia", "claims": 1}]
    assert (lantern["copies_published"], lantern["copied_by_others"]) == (0, 1)
    post = outlet_profile(store, "Harbour Post")
    assert post is not None
    assert post["copies_published"] == 1
    assert post["copied_from"] == [{"outlet": "Daily Lantern", "documents": 1}]
    assert post["denied"] == 1 and post["speakers"][0]["claims"] == 1
    assert outlet_profile(store, "Nowhere Times") is None


def test_the_bundled_rules() -> None:
    config = load()
    assert config.min_sources == 2 and config.hedged_counts and config.source == "outlet"
    assert config.family_of("arms") == "supports" and config.family_of("opposes") == "opposes"
    assert set(config.members("supports")) >= {"directs", "finances", "arms", "harbors", "facilitates"}
    assert config.is_symmetric("linked_to", roll_up=True) and not config.is_symmetric("supports", True)


@pytest.mark.parametrize("data, words", [
    ([1, 2], "mapping"),
    ({"colour": 1}, "unknown keys"),
    ({"status": {"min_independent_sources": 0}}, "min_independent_sources"),
    ({"status": {"hedged_counts": "no"}}, "hedged_counts"),
    ({"status": {"source": "twitter"}}, "status.source"),
    ({"families": {"supports": ["arms", "bribes"]}}, "unknown relations: bribes"),
    ({"families": {"supports": ["arms"], "other": ["arms"]}}, "two families"),
    ({"symmetric": "linked_to"}, "list of relation names"),
])
def test_bad_rules_are_e305(data: object, words: str) -> None:
    with pytest.raises(ClaimgraphError) as caught:
        parse(data, "rules.yaml")
    assert caught.value.code.value == "E305" and words in str(caught.value)


def test_rules_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("status:\n  min_independent_sources: 3\n  source: speaker\n", encoding="utf-8")
    config = load(path)
    assert (config.min_sources, config.source, config.families) == (3, "speaker", {})
    path.write_text("status: [\n", encoding="utf-8")
    with pytest.raises(ClaimgraphError, match="E305"):
        load(path)
