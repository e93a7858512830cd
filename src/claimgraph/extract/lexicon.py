"""The extractor's word lists, read from the YAML files in claimgraph/data/lexicons.

Keeping cues as data lets an analyst extend coverage without touching the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Token

from claimgraph import ontology
from claimgraph.errors import ClaimgraphError, Code

RELATIONS = set(ontology.RELATIONS)
SYMMETRIC = set(ontology.SYMMETRIC)


@dataclass(frozen=True)
class VerbCue:
    relation: str
    preps: tuple[str, ...] = ()
    prep_only: bool = False
    place_relation: str | None = None
    person_relation: str | None = None
    person_only: bool = False
    needs_xcomp: str | None = None
    needs_as: bool = False
    needs_list: bool = False
    object_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class NounCue:
    relation: str
    agent_preps: tuple[str, ...] = ()
    patient_preps: tuple[str, ...] = ()
    inverse_verbs_only: bool = False
    prep_relations: tuple[tuple[str, str], ...] = ()  # ("against", "opposes"): that preposition's relation


@dataclass
class Lexicon:
    verbs: dict[str, VerbCue]
    nouns: dict[str, NounCue]
    agent_nouns: dict[str, str]
    guidance: dict[str, set[str]]
    receiving_verbs: set[str]
    giving_verbs: set[str]
    stance: dict[str, Any]
    attribution: dict[str, Any]
    descriptions: dict[str, Any]
    titles: dict[str, Any]
    activities: dict[str, Any]
    operate_verbs: set[str] = field(default_factory=set)
    money_nouns: set[str] = field(default_factory=set)
    hyphen_cues: dict[str, str] = field(default_factory=dict)
    with_verbs: set[str] = field(default_factory=set)
    presence_preps: tuple[str, ...] = ()
    lemma_fixes: dict[str, str] = field(default_factory=dict)
    presence_types: set[str] = field(default_factory=set)
    money_giving_verbs: set[str] = field(default_factory=set)

    reporting_verbs: set[str] = field(default_factory=set)
    np_reporting_verbs: set[str] = field(default_factory=set)
    titles_set: set[str] = field(default_factory=set)
    state_titles: set[str] = field(default_factory=set)

    def lemma(self, token: Token) -> str:
        """The token's lemma, lower-cased, with the model's known mistakes put right."""
        return self.lemma_fixes.get(token.lower_) or token.lemma_.lower()

    def __post_init__(self) -> None:
        # looked up once per token: keep them as sets
        self.reporting_verbs = set(self.attribution["reporting_verbs"])
        self.np_reporting_verbs = set(self.attribution["np_reporting_verbs"])
        self.titles_set = set(self.titles["titles"])
        self.state_titles = set(self.titles["state_titles"])


def _read(name: str) -> dict[str, Any]:
    text = resources.files("claimgraph.data.lexicons").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ClaimgraphError(Code.LEXICON_INVALID, f"lexicon {name} is not a mapping")
    _check_words(data, name)
    return data


def _check_words(value: Any, where: str) -> None:
    """Every list holds words: YAML reads a bare `no` or `on` as a boolean, which would match nothing."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_words(item, f"{where}:{key}")
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, str | list):
                raise ClaimgraphError(Code.LEXICON_INVALID, f"{where}: {item!r} is not a word (quote it)")
            _check_words(item, where)


def _check_relation(name: str, where: str) -> str:
    if name not in RELATIONS and name != "directed_by":
        raise ClaimgraphError(Code.LEXICON_INVALID, f"unknown relation {name!r} in {where}")
    return name


def _verb(lemma: str, spec: dict[str, Any]) -> VerbCue:
    relations = [spec.get("relation"), spec.get("place_relation"), spec.get("person_relation")]
    for relation in filter(None, relations):
        _check_relation(relation, f"relations.yaml verb {lemma}")
    return VerbCue(
        relation=spec["relation"], preps=tuple(spec.get("preps", ())), prep_only=bool(spec.get("prep_only")),
        place_relation=spec.get("place_relation"), person_relation=spec.get("person_relation"),
        person_only=bool(spec.get("person_only")), needs_xcomp=spec.get("needs_xcomp"),
        needs_as=bool(spec.get("needs_as")), needs_list=bool(spec.get("needs_list")),
        object_types=tuple(spec.get("object_types", ())),
    )


def _noun(lemma: str, spec: dict[str, Any]) -> NounCue:
    return NounCue(
        relation=_check_relation(spec["relation"], f"relations.yaml noun {lemma}"),
        agent_preps=tuple(spec.get("agent_preps", ())), patient_preps=tuple(spec.get("patient_preps", ())),
        inverse_verbs_only=bool(spec.get("inverse_verbs_only")),
        prep_relations=tuple((p, _check_relation(r, f"noun {lemma}"))
                             for p, r in (spec.get("prep_relations") or {}).items()),
    )


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    relations = _read("relations.yaml")
    return Lexicon(
        verbs={lemma: _verb(lemma, spec) for lemma, spec in relations["verbs"].items()},
        nouns={lemma: _noun(lemma, spec) for lemma, spec in relations["nouns"].items()},
        agent_nouns={k: _check_relation(v, "agent_nouns") for k, v in relations["agent_nouns"].items()},
        guidance={k: set(v) for k, v in relations["guidance"].items()},
        receiving_verbs=set(relations["receiving_verbs"]),
        giving_verbs=set(relations["giving_verbs"]),
        money_nouns=set(relations["money_nouns"]),
        hyphen_cues={k: _check_relation(v, "hyphen_cues") for k, v in relations["hyphen_cues"].items()},
        with_verbs=set(relations["with_verbs"]),
        presence_preps=tuple(relations["presence_preps"]),
        lemma_fixes=dict(relations["lemma_fixes"]),
        presence_types=set(relations["presence_types"]),
        money_giving_verbs=set(relations["money_giving_verbs"]),
        stance=_read("stance.yaml"),
        attribution=_read("attribution.yaml"),
        descriptions=_read("descriptions.yaml"),
        titles=_read("titles.yaml"),
        activities=_read("activities.yaml"),
        operate_verbs=set(relations["operate_verbs"]),
    )
