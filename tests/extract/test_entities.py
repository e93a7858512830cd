"""Entity matching: knowledge-base names, patterns that name a state by its parts, NER, coreference."""

from __future__ import annotations

import pytest
from extract_helpers import claim, claims_of, entity, mentions_of

from claimgraph.extract.pipeline import Extractor


def test_kb_alias_matches_whatever_the_case(extractor: Extractor) -> None:
    text = "The Sinaloa cartel cooperates with the Gulf Cartel."
    extraction = extractor.extract_text(text)
    assert mentions_of(extraction, "sinaloa-cartel") == ["Sinaloa cartel"]
    assert entity(extraction, "sinaloa-cartel").type == "criminal_group"
    assert claim("sinaloa-cartel", "cooperates_with", "gulf-cartel") in claims_of(extractor, text)


def test_kb_alias_matches_a_variant_spelling(extractor: Extractor) -> None:
    extraction = extractor.extract_text("Tehran has bankrolled Hizballah since the 1980s.")
    assert mentions_of(extraction, "hezbollah") == ["Hizballah"]
    assert entity(extraction, "hezbollah").type == "armed_group"


def test_acronym_matches_in_its_own_case(extractor: Extractor) -> None:
    extraction = extractor.extract_text("OFAC designated leaders of the CJNG and the ELN.")
    assert mentions_of(extraction, "ofac") == ["OFAC"]
    assert mentions_of(extraction, "cjng") == ["CJNG"]
    assert mentions_of(extraction, "eln") == ["ELN"]
    assert entity(extraction, "ofac").type == "state_body"


def test_lowercase_words_are_not_acronyms(extractor: Extractor) -> None:
    # "us" is not the US and "is" is not the Islamic State (IS): acronyms match case-sensitively
    extraction = extractor.extract_text("Hezbollah sent us a statement that is brief.")
    ids = {e.id for e in extraction.entities}
    assert "hezbollah" in ids
    assert "united-states" not in ids
    assert "isis" not in ids


def test_demonym_and_government_noun_name_the_state(extractor: Extractor) -> None:
    extraction = extractor.extract_text("Cuban officials met ELN commanders last week.")
    assert mentions_of(extraction, "cuba") == ["Cuban officials"]
    assert entity(extraction, "cuba").type == "state"


@pytest.mark.parametrize(("text", "mention", "state", "relation", "group"), [
    ("The Ortega government backs MS-13.", "Ortega government", "nicaragua", "supports", "ms-13"),
    ("The Assad regime protected Hezbollah.", "Assad regime", "syria", "supports", "hezbollah"),
])
def test_leader_named_regime_is_the_state(extractor: Extractor, text: str, mention: str, state: str,
                                          relation: str, group: str) -> None:
    extraction = extractor.extract_text(text)
    assert mentions_of(extraction, state) == [mention]
    assert entity(extraction, state).type == "state"
    assert claim(state, relation, group) in claims_of(extractor, text)


def test_capital_as_subject_is_the_government(extractor: Extractor) -> None:
    text = "Tehran arms the Houthis."
    assert mentions_of(extractor.extract_text(text), "iran") == ["Tehran"]
    assert claim("iran", "arms", "houthis") in claims_of(extractor, text)


def test_unknown_organisation_is_a_provisional_entity(extractor: Extractor) -> None:
    text = "The Cartel de Tláhuac works with the CJNG."
    extraction = extractor.extract_text(text)
    tlahuac = entity(extraction, "cartel-de-tlahuac")
    assert tlahuac.provisional
    assert tlahuac.type == "criminal_group"
    assert not entity(extraction, "cjng").provisional
    assert claim("cartel-de-tlahuac", "cooperates_with", "cjng") in claims_of(extractor, text)


def test_unknown_person_is_a_provisional_entity(extractor: Extractor) -> None:
    extraction = extractor.extract_text("Brian Nelson said that Iran funds Hezbollah.")
    nelson = entity(extraction, "brian-nelson")
    assert nelson.provisional
    assert nelson.type == "person"
    assert nelson.name == "Brian Nelson"


def test_surname_folds_to_the_full_name_in_one_document(extractor: Extractor) -> None:
    text = ("Brian Nelson, a former Treasury official, testified on Tuesday. "
            "Nelson said that Iran funds the Houthis.")
    extraction = extractor.extract_text(text)
    assert mentions_of(extraction, "brian-nelson") == ["Brian Nelson", "Nelson"]
    assert "nelson" not in {e.id for e in extraction.entities}
    assert claim("iran", "finances", "houthis", speaker="brian-nelson") in claims_of(extractor, text)


def test_the_cartel_refers_to_the_last_cartel_named(extractor: Extractor) -> None:
    text = ("The DEA has pursued the Sinaloa Cartel for years. Mexican prosecutors charged leaders of the "
            "CJNG in 2023. The cartel also works with the Gulf Cartel.")
    extraction = extractor.extract_text(text)
    assert "The cartel" in mentions_of(extraction, "cjng")
    assert "The cartel" not in mentions_of(extraction, "sinaloa-cartel")
    claims = claims_of(extractor, text)
    assert claim("cjng", "cooperates_with", "gulf-cartel") in claims
    assert claim("sinaloa-cartel", "cooperates_with", "gulf-cartel") not in claims


def test_the_group_refers_to_the_last_group_named(extractor: Extractor) -> None:
    text = ("Iran has armed Hezbollah for decades. Qatar hosts Hamas's political bureau. "
            "Turkey also hosts the group.")
    extraction = extractor.extract_text(text)
    assert "the group" in mentions_of(extraction, "hamas")
    claims = claims_of(extractor, text)
    assert claim("turkey", "harbors", "hamas") in claims
    assert claim("turkey", "harbors", "hezbollah") not in claims


def test_country_name_inside_a_person_name_is_not_the_state(extractor: Extractor) -> None:
    text = "Chad Wolf said that Iran arms the Houthis."
    extraction = extractor.extract_text(text)
    assert "chad" not in {e.id for e in extraction.entities}
    assert entity(extraction, "chad-wolf").type == "person"
    assert claim("iran", "arms", "houthis", speaker="chad-wolf") in claims_of(extractor, text)
