"""Names shared by several KB entries: every one has a rule in data/kb/disambiguation.yaml, and
`choose` applies the rules (default reading, context words, exact spelling)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.names import normalise_name
from claimgraph.resolve.disambiguation import choose, shared_forms
from claimgraph.resolve.kb import KnowledgeBase, read_kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return read_kb()


# -- the rules cover the bundled KB -----------------------------------------------------------------
def test_every_shared_form_has_a_rule(kb: KnowledgeBase) -> None:
    shared = shared_forms(kb)
    assert "cpc" in shared  # the acronym of `ccp` and `cpc`, reported by the KB's author
    missing = {form: ids for form, ids in shared.items() if form not in kb.disambiguation}
    assert missing == {}, f"add rules to src/claimgraph/data/kb/disambiguation.yaml for {missing}"


def test_every_rule_is_for_a_shared_form_and_names_its_entries(kb: KnowledgeBase) -> None:
    shared = shared_forms(kb)
    for form, rule in kb.disambiguation.items():
        assert form in shared, f"stale rule: {form} is carried by one entry only"
        assert set(rule.ids) <= set(shared[form]), f"{form}: {rule.ids} vs entries {shared[form]}"


def test_leaders_are_a_separate_channel(kb: KnowledgeBase) -> None:
    # "Maduro" is a leader of the state and an alias of the person: no clash
    assert "Maduro" in kb.actors["venezuela"].leaders
    assert "Maduro" in kb.actors["nicolas-maduro"].aliases
    assert "maduro" not in shared_forms(kb)


def test_shared_forms_are_normalised_across_channels(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "- {id: a, name: The Alpha Group, type: company}\n"
        "- {id: b, name: Beta, type: company, aliases: [alpha group's]}\n"
        "- {id: c, name: Gamma, type: state, capitals: [Beta], leaders: [Alpha], demonyms: [Gamman]}\n",
        encoding="utf-8")
    assert shared_forms(read_kb(tmp_path)) == {"alpha group": ["a", "b"], "beta": ["b", "c"]}


# -- choose ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("form", "context", "surface", "expected"), [
    ("cpc", "The CPC met in Beijing on Monday.", "CPC", "ccp"),
    ("cpc", "The CPC said its members would not negotiate.", "CPC", "ccp"),  # no clue: prefer
    ("cpc", "Rebels of the CPC attacked a town in the Central African Republic.", "CPC", "cpc"),
    ("cpc", "The CPC advanced towards Bangui.", "CPC", "cpc"),
    ("cpc", "The CPC rejected President Touadera's offer.", "CPC", "cpc"),  # accents ignored
    ("cpc", "The CPC said so in BANGUI.", None, "cpc"),  # case ignored
    ("cpc", "The CPC visited the Banguisland exhibit.", None, "ccp"),  # whole words only
    ("CPC", "Rebels near Bangui", None, "cpc"),  # the form is normalised again
    ("jem", "JEM fighters entered El Fasher in Darfur.", "JEM", "jem"),
    ("jem", "JeM claimed the attack in Kashmir.", "JeM", "jaish-e-mohammed"),
    ("jem", "JEM said in a statement.", "JEM", "jem"),  # no context: the spelling decides
    ("jem", "It said in a statement.", None, "jaish-e-mohammed"),
    ("sana", "SANA, the state news agency, reported the strike.", "SANA", "sana"),
    ("sana", "Houthi officials in Sana said the talks failed.", "Sana", "sanaa"),
    ("sana", "Officials in Sana said the talks failed.", "Sana", "sanaa"),
])
def test_choose_applies_the_rule(kb: KnowledgeBase, form: str, context: str, surface: str | None,
                                 expected: str) -> None:
    candidates = shared_forms(kb)[normalise_name(form)]
    assert choose(kb, form, candidates, context, surface=surface) == expected
    assert choose(kb, form, list(reversed(candidates)), context, surface=surface) == expected


def test_choose_only_picks_among_the_candidates(kb: KnowledgeBase) -> None:
    assert choose(kb, "cpc", ["cpc"], "The CPC met in Beijing.") == "cpc"
    assert choose(kb, "cpc", ["ccp", "ccp"], "Rebels near Bangui.") == "ccp"
    # a rule whose entries are not among the candidates falls back to KB order
    assert choose(kb, "cpc", ["venezuela", "afghanistan"], "near Bangui") == "afghanistan"


def test_without_a_rule_the_entry_loaded_first_wins(kb: KnowledgeBase) -> None:
    order = list(kb.actors)
    assert order.index("hezbollah") < order.index("venezuela")
    assert choose(kb, "no such form", ["venezuela", "hezbollah"], "") == "hezbollah"
    assert choose(kb, "no such form", ["not-in-kb", "venezuela"], "") == "venezuela"


def test_choose_needs_a_candidate(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError):
        choose(kb, "cpc", [], "")


# -- rule files -----------------------------------------------------------------------------------
ENTRIES = ("- {id: a, name: Alpha, type: company, acronyms: [AC]}\n"
           "- {id: b, name: Beta, type: company, acronyms: [AC]}\n")


def test_a_user_rule_replaces_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "disambiguation.yaml").write_text(
        "cpc:\n  prefer: cpc\n  when:\n    - {near: [Xi Jinping], id: ccp}\n", encoding="utf-8")
    kb = read_kb(user_dir=tmp_path)
    assert kb.disambiguation["cpc"].prefer == "cpc"
    assert "jem" in kb.disambiguation  # the other bundled rules stay
    assert choose(kb, "cpc", ["ccp", "cpc"], "The CPC said.") == "cpc"
    assert choose(kb, "cpc", ["ccp", "cpc"], "Xi Jinping told the CPC.") == "ccp"


@pytest.mark.parametrize(("rules", "message"), [
    ("AC:\n  prefer: a\n", "key 'AC' is not a normalised form; write it as 'ac'"),
    ("ac:\n  prefer: c\n", "ac: c is not in the KB"),
    ("ac:\n  prefer: a\n  when: [{near: [x], id: zz}]\n", "ac: zz is not in the KB"),
    ("ac:\n  when: [{near: [x], id: b}]\n", "ac: a rule needs `prefer: <id>`"),
    ("ac:\n  prefer: a\n  when: [{id: b}]\n", "`when` item for b needs `near` or `form`"),
    ("ac:\n  prefer: a\n  when: [{near: [no], id: b}]\n", "near must be a non-empty list of strings"),
    ("ac:\n  prefer: a\n  when: [{near: [x], id: b, far: [y]}]\n", "unknown key(s) far"),
    ("ac:\n  prefer: a\n  unless: x\n", "ac: unknown key(s) unless"),
    ("- ac\n", "must be a mapping of normalised forms to rules"),
])
def test_a_broken_rule_file_is_refused(tmp_path: Path, rules: str, message: str) -> None:
    (tmp_path / "entries.yaml").write_text(ENTRIES, encoding="utf-8")
    (tmp_path / "disambiguation.yaml").write_text(rules, encoding="utf-8")
    with pytest.raises(ClaimgraphError) as caught:
        read_kb(tmp_path)
    assert caught.value.code is Code.KB_INVALID
    assert "disambiguation.yaml" in caught.value.message
    assert message in caught.value.message
