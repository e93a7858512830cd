"""STIX 2.1: the selection as one bundle.

Entities become identities, threat actors, attack patterns or locations; each affirmed claim a
relationship, each denied claim an opinion that strongly disagrees, each document a report holding
what its claims produced. data/exports/stix.yaml holds the mapping (entity types, relations,
confidence rules, regions); a malformed file stops the export with E505.

The same store gives the same bytes: ids are UUIDv5 of a fixed namespace and our stable keys (entity
id, claim id, document key, outlet name), timestamps come from stored data (ingested_at, published),
objects are sorted by id and the bundle id is derived from a hash of its objects.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import orjson
import stix2
import yaml
from stix2.v21 import vocab

from claimgraph.analyse.links import Link
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export.registry import Format, Source
from claimgraph.export.selection import Claim, Document, Entity, LinkKey, Selection, link_key
from claimgraph.ontology import ENTITY_TYPES, MODALITIES, RELATIONS

# Never change it: every id of every bundle ever written derives from it.
NAMESPACE = uuid.UUID("92709b71-3423-4deb-a1c6-7515cbe16654")
STIX_TYPES = ("identity", "threat-actor", "attack-pattern", "location")
PREFIX = "x_claimgraph_"
_HYPHENATED = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # what STIX allows in a relationship_type
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
K = TypeVar("K")
V = TypeVar("V")


# --- the mapping --------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntityRule:
    stix: str
    identity_class: str
    sectors: tuple[str, ...] = ()
    threat_actor_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationRule:
    stix: str
    sources: tuple[str, ...] | None = None  # the STIX types `stix` fits as source; None: any
    targets: tuple[str, ...] | None = None
    fallback: str = ""

    def type_for(self, source: str, target: str) -> str:
        fits = ((self.sources is None or source in self.sources)
                and (self.targets is None or target in self.targets))
        return self.stix if fits else self.fallback


@dataclass(frozen=True)
class ConfidenceRule:
    base: dict[str, int]  # by modality
    per_source: int
    max_extra_sources: int
    contested: int

    def score(self, modality: str, sources: int, status: str) -> int:
        """A claim's confidence, given the independent sources on its side of the link."""
        extra = min(max(sources - 1, 0), self.max_extra_sources)
        value = _lookup(self.base, modality, "modality") + self.per_source * extra
        if status == "contested":
            value += self.contested
        return max(0, min(100, value))


@dataclass(frozen=True)
class Mapping:
    producer_name: str
    producer_created: datetime
    report_types: tuple[str, ...]
    entity_types: dict[str, EntityRule]
    relations: dict[str, RelationRule]
    confidence: ConfidenceRule
    designated_type: str
    designated_lists: tuple[str, ...]
    regions: dict[str, str]


_TOP_KEYS = {"producer", "report_types", "entity_types", "designated", "relations", "confidence", "regions"}


def load_mapping(path: str | Path | None = None) -> Mapping:
    """The mapping of `path`, or the bundled data/exports/stix.yaml."""
    if path is None:
        return _bundled_mapping()
    return _read_mapping(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _bundled_mapping() -> Mapping:
    text = resources.files("claimgraph.data").joinpath("exports", "stix.yaml").read_text(encoding="utf-8")
    return _read_mapping(text, "data/exports/stix.yaml")


def _read_mapping(text: str, origin: str) -> Mapping:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise _invalid(origin, f"not YAML: {err}") from err
    return parse_mapping(data, origin)


def parse_mapping(data: Any, origin: str) -> Mapping:
    """Check the YAML document of a mapping file, naming the first bad key."""
    top = _table(data, origin, _TOP_KEYS, required=_TOP_KEYS)
    producer = _table(top["producer"], f"{origin}: producer", {"name", "created"}, {"name", "created"})
    designated = _table(top["designated"], f"{origin}: designated", {"threat_actor_type", "lists"},
                        {"threat_actor_type", "lists"})
    return Mapping(
        producer_name=_text(producer["name"], f"{origin}: producer.name"),
        producer_created=_created(producer["created"], f"{origin}: producer.created"),
        report_types=_words(top["report_types"], f"{origin}: report_types", vocab.REPORT_TYPE),
        entity_types=_entity_rules(top["entity_types"], f"{origin}: entity_types"),
        relations=_relation_rules(top["relations"], f"{origin}: relations"),
        confidence=_confidence_rule(top["confidence"], f"{origin}: confidence"),
        designated_type=_word(designated["threat_actor_type"], f"{origin}: designated.threat_actor_type",
                              vocab.THREAT_ACTOR_TYPE),
        designated_lists=_words(designated["lists"], f"{origin}: designated.lists", None),
        regions=_regions(top["regions"], f"{origin}: regions"),
    )


def _entity_rules(data: Any, where: str) -> dict[str, EntityRule]:
    table = _table(data, where, set(ENTITY_TYPES), required=set(ENTITY_TYPES))
    rules = {}
    for name, spec in table.items():
        here = f"{where}.{name}"
        entry = _table(spec, here, {"stix", "identity_class", "sectors", "threat_actor_types"},
                       {"stix", "identity_class"})
        stix = _word(entry["stix"], f"{here}.stix", STIX_TYPES)
        if "sectors" in entry and stix != "identity":
            raise _invalid(here, "sectors are for identity objects only")
        if "threat_actor_types" in entry and stix != "threat-actor":
            raise _invalid(here, "threat_actor_types are for threat-actor objects only")
        rules[name] = EntityRule(
            stix, _word(entry["identity_class"], f"{here}.identity_class", vocab.IDENTITY_CLASS),
            _words(entry.get("sectors", []), f"{here}.sectors", vocab.INDUSTRY_SECTOR),
            _words(entry.get("threat_actor_types", []), f"{here}.threat_actor_types",
                   vocab.THREAT_ACTOR_TYPE))
    return rules


def _relation_rules(data: Any, where: str) -> dict[str, RelationRule]:
    table = _table(data, where, set(RELATIONS), required=set(RELATIONS))
    rules = {}
    for name, spec in table.items():
        here = f"{where}.{name}"
        entry = _table(spec, here, {"stix", "from", "to", "else"}, {"stix"})
        constrained = "from" in entry or "to" in entry
        if constrained != ("else" in entry):
            raise _invalid(here, "`from`/`to` and `else` go together")
        stix = _hyphenated(entry["stix"], f"{here}.stix")
        rules[name] = RelationRule(
            stix,
            _words(entry["from"], f"{here}.from", STIX_TYPES) if "from" in entry else None,
            _words(entry["to"], f"{here}.to", STIX_TYPES) if "to" in entry else None,
            _hyphenated(entry["else"], f"{here}.else") if constrained else stix)
    return rules


def _confidence_rule(data: Any, where: str) -> ConfidenceRule:
    keys = {"base", "per_source", "max_extra_sources", "contested"}
    entry = _table(data, where, keys, keys)
    base = _table(entry["base"], f"{where}.base", set(MODALITIES), set(MODALITIES))
    return ConfidenceRule(
        {name: _number(value, f"{where}.base.{name}", 0, 100) for name, value in base.items()},
        _number(entry["per_source"], f"{where}.per_source", 0, 100),
        _number(entry["max_extra_sources"], f"{where}.max_extra_sources", 0, 100),
        _number(entry["contested"], f"{where}.contested", -100, 0))


def _regions(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict):
        raise _invalid(where, "must be a mapping of place ids to regions")
    return {_hyphenated(key, where): _word(value, f"{where}.{key}", vocab.REGION)
            for key, value in data.items()}


def _invalid(where: str, message: str) -> ClaimgraphError:
    return ClaimgraphError(Code.MAPPING_INVALID, f"{where}: {message}")


def _table(data: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _invalid(where, "must be a mapping")
    unknown = sorted(str(key) for key in set(data) - allowed)
    if unknown:
        raise _invalid(where, f"unknown keys: {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(data))
    if missing:
        raise _invalid(where, f"missing keys: {', '.join(missing)}")
    return data


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(where, "must be a non-empty string")
    return value


def _word(value: Any, where: str, allowed: list[str] | tuple[str, ...] | None) -> str:
    text = _text(value, where)
    if allowed is not None and text not in allowed:
        raise _invalid(where, f"{text!r} is not one of {', '.join(allowed)}")
    return text


def _words(value: Any, where: str, allowed: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _invalid(where, "must be a list")
    return tuple(_word(item, where, allowed) for item in value)


def _hyphenated(value: Any, where: str) -> str:
    text = _text(value, where)
    if not _HYPHENATED.match(text):
        raise _invalid(where, f"{text!r} must be lowercase letters and digits joined by hyphens")
    return text


def _number(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(where, f"must be a whole number from {low} to {high}")
    return value


def _created(value: Any, where: str) -> datetime:
    found = timestamp(value) if isinstance(value, str | datetime) else None
    if found is None:
        raise _invalid(where, "must be an ISO 8601 timestamp")
    return found


def _lookup(table: dict[K, V], key: K, what: str) -> V:
    # the store only holds the ontology's names, but a mapping file may lag behind a new one
    if key not in table:
        raise ClaimgraphError(Code.MAPPING_INVALID, f"no STIX mapping for the {what} {key!r}")
    return table[key]


# --- times and ids --------------------------------------------------------------------------------
def timestamp(value: str | datetime | None) -> datetime | None:
    """A stored date or timestamp as an aware UTC datetime: partial ISO dates ("2024", "2024-05")
    fall on their first day, naive times are taken as UTC; None when it is no date."""
    if value is None or isinstance(value, datetime):
        return _utc(value) if value is not None else None
    text = value.strip()
    partial = _PARTIAL_DATE.match(text)
    try:
        if partial:
            year, month, day = partial.groups()
            return datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC)
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def _ingested(doc: Document) -> datetime:
    found = timestamp(doc.ingested_at)
    if found is None:
        raise ClaimgraphError(Code.EXPORT_FAILED, f"document {doc.key} has no ingestion time")
    return found


def _spans(pairs: list[tuple[str, datetime]]) -> dict[str, tuple[datetime, datetime]]:
    """The earliest and latest time seen for each key."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for key, when in pairs:
        first, last = spans.get(key, (when, when))
        spans[key] = (min(first, when), max(last, when))
    return spans


def _entity_times(selection: Selection) -> dict[str, tuple[datetime, datetime]]:
    """When each entity entered the selection's evidence: the first and last ingestion of the
    documents whose claims or mentions name it."""
    ingested = {doc.key: _ingested(doc) for doc in selection.documents}
    pairs = [(end, ingested[claim.document]) for claim in selection.claims
             for end in (claim.subject, claim.object, claim.speaker) if end is not None]
    pairs += [(mention.entity, ingested[mention.document]) for mention in selection.mentions
              if mention.document in ingested]
    return _spans(pairs)


# --- references and custom properties ------------------------------------------------------------
def _document_reference(doc: Document) -> dict[str, str]:
    found = {"source_name": doc.outlet or doc.key, "external_id": doc.key}
    if doc.url:
        found["url"] = doc.url
    if doc.title:
        found["description"] = doc.title
    return found


def _designations(entity: Entity) -> list[dict[str, str]]:
    return [{key: str(value) for key, value in sorted(item.items())} for item in entity.designations]


def _entity_references(entity: Entity) -> list[dict[str, str]]:
    found = []
    if entity.wikidata:
        found.append({"source_name": "wikidata", "external_id": entity.wikidata,
                      "url": f"https://www.wikidata.org/wiki/{entity.wikidata}"})
    for item in _designations(entity):
        when = f", designated {item['date']}" if "date" in item else ""
        found.append({"source_name": item["authority"], "description": f"{item['list']}{when}"})
    return found


def _claim_properties(claim: Claim, link: Link) -> dict[str, Any]:
    found: dict[str, Any] = {
        "claim": claim.id, "relation": claim.relation, "polarity": claim.polarity,
        "modality": claim.modality, "speaker": claim.speaker, "evidence": claim.evidence,
        "evidence_start": claim.start, "evidence_end": claim.end, "document": claim.document,
        "source": claim.source, "link_status": link.status, "cue": claim.cue or None,
    }
    return {PREFIX + name: value for name, value in found.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- the bundle ----------------------------------------------------------------------------------
class _Bundler:
    """Builds the objects of one selection; each object once, by id."""

    def __init__(self, selection: Selection, mapping: Mapping):
        self.selection = selection
        self.mapping = mapping
        self.links = {link_key(link): link for link in selection.links}
        self.entity_times = _entity_times(selection)
        self.outlet_times = _spans([(doc.outlet, _ingested(doc)) for doc in selection.documents
                                    if doc.outlet])
        self.entity_ids = {entity.id: stix_id(self._rule(entity).stix, f"entity:{entity.id}")
                           for entity in selection.entities.values()}
        self.objects: dict[str, Any] = {}
        self.references: dict[str, Any] = {}
        self.producer = self._producer()

    def build(self) -> list[Any]:
        """Every object, in the order of their ids."""
        for entity in self.selection.entities.values():
            self._add(self._entity(entity))
        refs: dict[str, set[str]] = {doc.key: set() for doc in self.selection.documents}
        affirmed: dict[LinkKey, list[str]] = {}
        # affirmed claims first: an opinion points at the relationships of its link
        for claim in (claim for claim in self.selection.claims if claim.polarity != "denied"):
            made = self._add(self._relationship(claim))
            affirmed.setdefault(claim.link, []).append(made.id)
            refs[claim.document] |= {made.id, made.source_ref, made.target_ref, *self._author_refs(made)}
        for claim in (claim for claim in self.selection.claims if claim.polarity == "denied"):
            made = self._add(self._opinion(claim, affirmed.get(claim.link, [])))
            ends = {self._entity_id(claim.subject), self._entity_id(claim.object)}
            refs[claim.document] |= {made.id, *ends, *self._author_refs(made)}
        for doc in self.selection.documents:
            self._add(self._report(doc, refs[doc.key]))
        return sorted(self.objects.values(), key=lambda made: str(made.id))

    def _add(self, made: Any) -> Any:
        self.objects[made.id] = made
        return made

    @staticmethod
    def _author_refs(made: Any) -> list[str]:
        return [made.created_by_ref] if "created_by_ref" in made else []

    def _rule(self, entity: Entity) -> EntityRule:
        return _lookup(self.mapping.entity_types, entity.type, "entity type")

    def _entity_id(self, entity_id: str) -> str:
        return _lookup(self.entity_ids, entity_id, "entity (not in the selection)")

    def _times(self, entity: Entity) -> tuple[datetime, datetime]:
        """created: when the store first held the entity (the same in every export); modified: the
        latest ingestion of the selection's evidence naming it, so a later export is a newer version."""
        fallback = self.mapping.producer_created
        first, last = self.entity_times.get(entity.id, (fallback, fallback))
        created = timestamp(entity.created_at) if entity.created_at else first
        created = created or first
        return created, max(created, last)

    # entities
    def _producer(self) -> str:
        created = self.mapping.producer_created
        made = self._add(stix2.v21.Identity(
            id=stix_id("identity", "producer"), name=self.mapping.producer_name, identity_class="system",
            created=created, modified=created))
        return str(made.id)

    def _entity(self, entity: Entity) -> Any:
        rule = self._rule(entity)
        first, last = self._times(entity)
        common = {
            "id": self.entity_ids[entity.id], "created": first, "modified": last, "name": entity.name,
            "description": entity.note, "created_by_ref": self.producer,
            "external_references": _entity_references(entity), "allow_custom": True,
            PREFIX + "entity": entity.id, PREFIX + "type": entity.type,
            PREFIX + "provisional": entity.provisional, PREFIX + "designations": _designations(entity),
        }
        if rule.stix == "threat-actor":
            return stix2.v21.ThreatActor(aliases=entity.aliases,
                                         threat_actor_types=self._actor_types(rule, entity),
                                         **{PREFIX + "country": entity.country}, **common)
        if rule.stix == "attack-pattern":
            return stix2.v21.AttackPattern(aliases=entity.aliases, **common)
        if rule.stix == "location":
            return self._location(entity, common)
        return stix2.v21.Identity(identity_class=rule.identity_class, sectors=list(rule.sectors),
                                  **{PREFIX + "aliases": entity.aliases, PREFIX + "country": entity.country},
                                  **common)

    def _actor_types(self, rule: EntityRule, entity: Entity) -> list[str]:
        found = list(rule.threat_actor_types)
        lists = [str(item.get("list", "")).lower() for item in entity.designations]
        listed = any(word.lower() in name for word in self.mapping.designated_lists for name in lists)
        if listed and self.mapping.designated_type not in found:
            found.append(self.mapping.designated_type)
        return found

    def _location(self, entity: Entity, common: dict[str, Any]) -> Any:
        # STIX needs a region, a country or coordinates: the country when we know it, else a region
        country = entity.country if entity.country and _COUNTRY.match(entity.country) else None
        region = None if country else self._region(entity)
        return stix2.v21.Location(country=country, region=region, **{PREFIX + "aliases": entity.aliases},
                                  **common)

    def _region(self, entity: Entity) -> str:
        for candidate in (entity.id, *map(_slug, [entity.name, *entity.aliases])):
            if candidate in self.mapping.regions:
                return self.mapping.regions[candidate]
            if candidate in vocab.REGION:
                return candidate
        return entity.id

    # who a claim is by
    def _author(self, claim: Claim, doc: Document) -> str | None:
        if claim.speaker is not None:
            return self._speaker(_lookup(self.selection.entities, claim.speaker, "speaker"))
        return self._outlet(doc.outlet) if doc.outlet else None

    def _speaker(self, entity: Entity) -> str:
        rule = self._rule(entity)
        if rule.stix == "identity":
            return self.entity_ids[entity.id]
        # created_by_ref must be an identity: a group (or place) that speaks gets one of its own
        made_id = stix_id("identity", f"speaker:{entity.id}")
        if made_id not in self.objects:
            first, last = self._times(entity)
            self._add(stix2.v21.Identity(
                id=made_id, name=entity.name, identity_class=rule.identity_class, created=first,
                modified=last, created_by_ref=self.producer, allow_custom=True,
                **{PREFIX + "entity": entity.id, PREFIX + "type": entity.type}))
        return made_id

    def _outlet(self, outlet: str) -> str:
        made_id = stix_id("identity", f"outlet:{outlet}")
        if made_id not in self.objects:
            first, last = self.outlet_times[outlet]
            rule = self.mapping.entity_types["media"]
            self._add(stix2.v21.Identity(
                id=made_id, name=outlet, identity_class=rule.identity_class, sectors=list(rule.sectors),
                created=first, modified=last, created_by_ref=self.producer, allow_custom=True,
                **{PREFIX + "outlet": outlet}))
        return made_id

    # claims and documents
    def _reference(self, doc: Document) -> Any:
        """The document's external reference, built (and checked) once: stix2 takes a built one as it
        is, where a dict would be checked again in every claim of the document."""
        made = self.references.get(doc.key)
        if made is None:
            made = self.references[doc.key] = stix2.v21.ExternalReference(**_document_reference(doc))
        return made

    def _claim_common(self, claim: Claim) -> dict[str, Any]:
        doc = self.selection.document(claim.document)
        link = _lookup(self.links, claim.link, "link")
        sources = link.sources_against if claim.polarity == "denied" else link.sources_for
        when = _ingested(doc)
        return {
            "created": when, "modified": when, "created_by_ref": self._author(claim, doc),
            "confidence": self.mapping.confidence.score(claim.modality, len(sources), link.status),
            "external_references": [self._reference(doc)], "allow_custom": True,
            **_claim_properties(claim, link),
        }

    def _relationship(self, claim: Claim) -> Any:
        source, target = self._entity_id(claim.subject), self._entity_id(claim.object)
        rule = _lookup(self.mapping.relations, claim.relation, "relation")
        kind = rule.type_for(source.split("--")[0], target.split("--")[0])
        return stix2.v21.Relationship(id=stix_id("relationship", f"claim:{claim.id}"), relationship_type=kind,
                                      source_ref=source, target_ref=target, **self._claim_common(claim))

    def _opinion(self, claim: Claim, affirmed: list[str]) -> Any:
        ends = [self._entity_id(claim.subject), self._entity_id(claim.object)]
        speaker = self.selection.entities.get(claim.speaker) if claim.speaker else None
        return stix2.v21.Opinion(
            id=stix_id("opinion", f"claim:{claim.id}"), opinion="strongly-disagree",
            explanation=claim.evidence, authors=[speaker.name] if speaker else None,
            object_refs=sorted(set(affirmed or ends)),
            **self._claim_common(claim))

    def _report(self, doc: Document, refs: set[str]) -> Any:
        when = _ingested(doc)
        extra = {"document": doc.key, "copy_of": doc.copy_of, "story": doc.story, "outlet": doc.outlet,
                 "author": doc.author, "language": doc.language, "published": doc.published}
        return stix2.v21.Report(
            id=stix_id("report", f"document:{doc.key}"), name=doc.title or doc.key,
            created=when, modified=when, published=timestamp(doc.published) or when,
            report_types=list(self.mapping.report_types), object_refs=sorted(refs),
            created_by_ref=self.producer, external_references=[self._reference(doc)], allow_custom=True,
            **{PREFIX + name: value for name, value in extra.items()})


def _bundle_id(parts: list[bytes]) -> str:
    # the id names the content: a different graph gives a different bundle id, the same graph the same
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return stix_id("bundle", f"bundle:{digest.hexdigest()}")


def bundle(selection: Selection, mapping: Mapping | None = None) -> Any:
    """The STIX 2.1 bundle (a stix2.v21.Bundle) of a selection."""
    objects = _Bundler(selection, mapping or load_mapping()).build()
    return stix2.v21.Bundle(objects=objects, id=_bundle_id([_json(made) for made in objects]),
                            allow_custom=True)


def _plain(value: Any) -> Any:
    # what orjson cannot write itself: stix2's objects (mappings) and its timestamps, which STIX
    # writes with a Z and milliseconds
    if isinstance(value, datetime):
        return stix2.utils.format_datetime(value)
    if isinstance(value, MappingABC):
        # as stix2 writes them: an optional property left at its default (revoked: false) is left out
        skipped = getattr(value, "_defaulted_optional_properties", ())
        return {key: item for key, item in value.items() if key not in skipped}
    raise TypeError(f"no JSON for {type(value).__name__}")


def _json(value: Any) -> bytes:
    """Compact JSON with sorted keys, as stix2's serialize(sort_keys=True) writes it, 3x faster."""
    return orjson.dumps(value, default=_plain, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME)


def serialize(found: Any) -> bytes:
    """A bundle as compact UTF-8 JSON with sorted keys."""
    return _json(found)


def write(source: Source, out: BinaryIO) -> None:
    """The bundle `serialize(bundle(...))` gives, with each object written once (and no Bundle built)."""
    parts = [_json(made) for made in _Bundler(source.selection, load_mapping()).build()]
    out.write(b'{"id":' + orjson.dumps(_bundle_id(parts)) + b',"objects":[')
    out.write(b",".join(parts))
    out.write(b'],"type":"bundle"}')


FORMAT = Format(
    name="stix",
    extension=".stix.json",
    media_type="application/stix+json;version=2.1",
    description="a STIX 2.1 bundle: entities as identities, threat actors, attack patterns and locations, "
                "affirmed claims as relationships, denied ones as opinions, documents as reports",
    write=write,
    label="STIX 2.1",
)
