"""Polarity (affirmed / denied) and modality (asserted / hedged) read from the cue's scope."""

from __future__ import annotations

import pytest
from extract_helpers import claim, claims_of, stances_of

from claimgraph.extract.pipeline import Extractor


def test_plain_statement_is_affirmed_and_asserted(extractor: Extractor) -> None:
    stances = stances_of(extractor, "Iran arms the Houthis.")
    assert ("iran", "arms", "houthis", "affirmed", "asserted") in stances


def test_does_not_fund_is_denied(extractor: Extractor) -> None:
    stances = stances_of(extractor, "Qatar does not fund Hamas.")
    assert ("qatar", "finances", "hamas", "denied", "asserted") in stances
    assert ("qatar", "finances", "hamas", "affirmed", "asserted") not in stances


def test_denied_having_ties_is_denied(extractor: Extractor) -> None:
    # NB "Pakistan has denied any ties to the Haqqani network." gives no claim yet (reported to the lead)
    claims = claims_of(extractor, "Islamabad has denied having ties to the Haqqani network.")
    assert claim("pakistan", "linked_to", "haqqani-network", "denied", speaker="pakistan") in claims
    assert not any(c[3] == "affirmed" for c in claims)


def test_refused_to_cooperate_is_denied(extractor: Extractor) -> None:
    stances = stances_of(extractor, "Mexico refused to cooperate with the Sinaloa Cartel.")
    assert ("mexico", "cooperates_with", "sinaloa-cartel", "denied", "asserted") in stances
    assert ("mexico", "cooperates_with", "sinaloa-cartel", "affirmed", "asserted") not in stances


def test_no_evidence_that_is_denied(extractor: Extractor) -> None:
    stances = stances_of(extractor, "There is no evidence that the UAE arms the RSF.")
    assert ("united-arab-emirates", "arms", "rsf", "denied", "asserted") in stances
    assert not any(s[3] == "affirmed" for s in stances)


def test_not_only_but_also_stays_affirmed(extractor: Extractor) -> None:
    stances = stances_of(extractor, "Iran not only funds Hezbollah but also arms the Houthis.")
    assert ("iran", "finances", "hezbollah", "affirmed", "asserted") in stances
    assert ("iran", "arms", "houthis", "affirmed", "asserted") in stances
    assert not any(s[3] == "denied" for s in stances)


def test_negation_does_not_spread_to_a_conjoined_clause(extractor: Extractor) -> None:
    stances = stances_of(extractor, "Qatar does not fund Hamas, but Iran funds Hezbollah.")
    assert ("qatar", "finances", "hamas", "denied", "asserted") in stances
    assert ("iran", "finances", "hezbollah", "affirmed", "asserted") in stances


@pytest.mark.parametrize(("text", "expected"), [
    ("Russia may have armed the Wagner Group.", ("russia", "arms", "wagner-group")),
    ("The UAE reportedly supplies weapons to the RSF.", ("united-arab-emirates", "arms", "rsf")),
    ("The ISI is suspected of backing the Haqqani network.", ("isi", "supports", "haqqani-network")),
    ("Cuba appears to shelter ELN commanders.", ("cuba", "harbors", "eln")),
    ("North Korea allegedly directs the Lazarus Group.", ("north-korea", "directs", "lazarus-group")),
], ids=["may-have", "reportedly", "is-suspected-of", "appears-to", "allegedly"])
def test_hedge_makes_the_claim_hedged(extractor: Extractor, text: str,
                                      expected: tuple[str, str, str]) -> None:
    stances = stances_of(extractor, text)
    assert (*expected, "affirmed", "hedged") in stances
    assert (*expected, "affirmed", "asserted") not in stances


def test_attribution_alone_is_not_a_hedge(extractor: Extractor) -> None:
    claims = claims_of(extractor, "Marco Rubio said that Cuba shelters the ELN.")
    assert claim("cuba", "harbors", "eln", "affirmed", "asserted", "marco-rubio") in claims
    assert not any(c[4] == "hedged" for c in claims)


def test_named_accuser_is_not_a_hedge(extractor: Extractor) -> None:
    # an unattributed "is accused of" hedges; "Colombia accused X of" is Colombia's assertion
    stances = stances_of(extractor, "Colombia accused Nicaragua of arming the ELN.")
    assert ("nicaragua", "arms", "eln", "affirmed", "asserted") in stances
