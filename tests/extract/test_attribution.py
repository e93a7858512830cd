"""Speaker: the innermost named source of reported speech or writing, else None."""

from __future__ import annotations

import pytest
from extract_helpers import ClaimTuple, claim, claims_of

from claimgraph.extract.pipeline import Extractor


def speakers(claims: set[ClaimTuple], subject: str, obj: str) -> set[str | None]:
    """The speakers of every claim between subject and object."""
    return {c[5] for c in claims if (c[0], c[2]) == (subject, obj)}


def test_own_voice_has_no_speaker(extractor: Extractor) -> None:
    claims = claims_of(extractor, "Iran arms the Houthis.")
    assert speakers(claims, "iran", "houthis") == {None}


def test_speaker_of_said_that(extractor: Extractor) -> None:
    claims = claims_of(extractor, "Marco Rubio said that Iran funds Hezbollah.")
    assert claim("iran", "finances", "hezbollah", speaker="marco-rubio") in claims
    assert speakers(claims, "iran", "hezbollah") == {"marco-rubio"}


def test_speaker_of_according_to(extractor: Extractor) -> None:
    claims = claims_of(extractor, "According to the DEA, the Sinaloa Cartel cooperates with the CJNG.")
    assert claim("sinaloa-cartel", "cooperates_with", "cjng", speaker="dea") in claims


def test_accuser_is_the_speaker_and_the_accused_the_subject(extractor: Extractor) -> None:
    claims = claims_of(extractor, "Colombia accused Cuba of harboring the ELN.")
    assert claim("cuba", "harbors", "eln", speaker="colombia") in claims
    assert ("colombia", "eln") not in {(c[0], c[2]) for c in claims}


def test_he_added_resolves_to_the_last_named_speaker(extractor: Extractor) -> None:
    # Nayib Bukele is the last person named before "He", but Rubio is the last one who spoke
    text = ("Marco Rubio said on Monday that Iran funds Hezbollah, after meeting Nayib Bukele. "
            "He added that Cuba shelters the ELN.")
    claims = claims_of(extractor, text)
    assert claim("cuba", "harbors", "eln", speaker="marco-rubio") in claims
    assert speakers(claims, "cuba", "eln") == {"marco-rubio"}


@pytest.mark.parametrize("text", [
    '"Iran is arming the Houthis," Marco Rubio said.',
    '"Iran is arming the Houthis," said Marco Rubio.',
], ids=["name-said", "said-name"])
def test_direct_quote_followed_by_its_speaker(extractor: Extractor, text: str) -> None:
    assert claim("iran", "arms", "houthis", speaker="marco-rubio") in claims_of(extractor, text)


def test_quote_with_pronoun_speaker_in_a_later_sentence(extractor: Extractor) -> None:
    text = 'Rubio spoke in Panama on Monday. "Iran is arming the Houthis," he said.'
    assert claim("iran", "arms", "houthis", speaker="marco-rubio") in claims_of(extractor, text)


@pytest.mark.parametrize("text", [
    "Officials said that the UAE arms the RSF.",
    "U.S. officials said that the UAE arms the RSF.",
], ids=["officials", "us-officials"])
def test_unnamed_officials_are_no_speaker(extractor: Extractor, text: str) -> None:
    claims = claims_of(extractor, text)
    assert claim("united-arab-emirates", "arms", "rsf") in claims
    assert speakers(claims, "united-arab-emirates", "rsf") == {None}


def test_document_speaker_is_its_author(extractor: Extractor) -> None:
    text = ("The Central Intelligence Agency briefed Congress on Thursday. "
            "The agency's report found that Iran directs the Houthis.")
    claims = claims_of(extractor, text)
    assert claim("iran", "directs", "houthis", speaker="cia") in claims
    assert speakers(claims, "iran", "houthis") == {"cia"}


def test_unattributed_suspicion_has_no_speaker(extractor: Extractor) -> None:
    claims = claims_of(extractor, "The ISI is suspected of backing the Haqqani network.")
    assert claim("isi", "supports", "haqqani-network", modality="hedged", speaker=None) in claims
