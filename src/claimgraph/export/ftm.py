"""FollowTheMoney (FtM) entities: the selection as the entity JSON lines that Aleph, the `ftm` command
and OpenSanctions' tools read, one `{"id", "schema", "properties"}` object a line.

The mapping is data (data/exports/ftm.yaml): entity types to FtM schemata, relations to link schemata,
activities and designations to FtM topics. Entities become Person, PublicBody, Organization, Company
(places: Address); each claim becomes one link entity (UnknownLink, Membership or Associate) carrying
its evidence sentence, or a Note on its other end when one end is an activity; each document an
Article, with a Mention per (document, entity, surface form). docs/exports.md says what is kept.

Written with plain Python: followthemoney is an optional extra, never imported here. Values are
written in the form FtM cleans them to (NFC text without control characters, lowercase countries, FtM
dates, ISO 639-3 languages), so FtM's model keeps every one; tests/export/test_ftm.py checks that with
FtM itself.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import yaml

from claimgraph.analyse.links import Link
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export.registry import Format, Source
from claimgraph.export.selection import Claim, Document, Entity, LinkKey, Selection, link_key
from claimgraph.ontology import ENTITY_TYPES, RELATIONS, STATUSES

Record = dict[str, Any]
Properties = dict[str, list[str]]

MAPPING_FILE = "exports/ftm.yaml"  # under claimgraph/data
# FtM's rules (followthemoney/types): what an entity id may be, and the longest value of a text property
_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
_ID_MAX = 200
_TEXT_MAX = 65_000
_QID = re.compile(r"^Q[1-9][0-9]*$")
_COUNTRY = re.compile(r"^[a-z]{2}$")
_URL = re.compile(r"^https?://[^\s/?#]+\S*$")
# the characters FtM deletes from text (C0 controls but tab, newline and carriage return; DEL; C1)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


# ---------------------------------------------------------------------------------------------------
# The mapping, read from data/exports/ftm.yaml


@dataclass(frozen=True)
class LinkSchema:
    """The FtM schema a claim becomes, and which of its properties hold what."""

    schema: str
    source: str
    target: str
    role: str
    status: str | None = None
    subjects: frozenset[str] | None = None  # schemata its subject may have (None: any)
    objects: frozenset[str] | None = None

    def fits(self, subject: str, obj: str) -> bool:
        return ((self.subjects is None or subject in self.subjects)
                and (self.objects is None or obj in self.objects))


@dataclass(frozen=True)
class Mapping:
    schemata: dict[str, str | None]  # entity type -> FtM schema (None: no entity)
    type_topics: dict[str, tuple[str, ...]]
    legal_entities: frozenset[str]
    default: LinkSchema
    links: dict[str, tuple[LinkSchema, ...]]
    derived_from: frozenset[str]
    activities: dict[str, tuple[str, ...]]
    designations: dict[str, tuple[str, ...]]
    languages: dict[str, str]

    def link_schema(self, relation: str, subject: str, obj: str) -> LinkSchema:
        for candidate in self.links.get(relation, ()):
            if candidate.fits(subject, obj):
                return candidate
        return self.default


def _fail(key: str, message: str) -> ClaimgraphError:
    return ClaimgraphError(Code.MAPPING_INVALID, f"{key}: {message}")


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(key, "must be a list of names")
    return tuple(value)


def _table(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(key, "must be a mapping")
    return {str(name): item for name, item in value.items()}


def _link_schema(key: str, value: Any) -> LinkSchema:
    entry = _table(key, value)
    needed = ("schema", "source", "target", "role")
    missing = [name for name in needed if not isinstance(entry.get(name), str)]
    if missing:
        raise _fail(key, f"needs {', '.join(missing)}")
    ends = {end: frozenset(_strings(f"{key}.{end}", entry[end])) if end in entry else None
            for end in ("subjects", "objects")}
    return LinkSchema(entry["schema"], entry["source"], entry["target"], entry["role"], entry.get("status"),
                      ends["subjects"], ends["objects"])


def _entity_types(value: Any) -> tuple[dict[str, str | None], dict[str, tuple[str, ...]]]:
    found = _table("entities", value)
    missing = [name for name in ENTITY_TYPES if name not in found]
    if missing:
        raise _fail("entities", f"no mapping for {', '.join(missing)}")
    schemata: dict[str, str | None] = {}
    topics: dict[str, tuple[str, ...]] = {}
    for name, entry in found.items():
        if entry is None:
            schemata[name] = None
            continue
        entry = _table(f"entities.{name}", entry)
        if not isinstance(entry.get("schema"), str):
            raise _fail(f"entities.{name}", "needs a schema (or null for no entity)")
        schemata[name] = entry["schema"]
        topics[name] = _strings(f"entities.{name}.topics", entry.get("topics", []))
    return schemata, topics


def _links(value: Any) -> dict[str, tuple[LinkSchema, ...]]:
    found = _table("links", value)
    unknown = sorted(set(found) - set(RELATIONS))
    if unknown:
        raise _fail("links", f"unknown relations: {', '.join(unknown)}")
    links = {}
    for relation, entries in found.items():
        if not isinstance(entries, list):
            raise _fail(f"links.{relation}", "must be a list of link schemata")
        links[relation] = tuple(_link_schema(f"links.{relation}", entry) for entry in entries)
    return links


def _topic_table(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    return {name: _strings(f"{key}.{name}", item) for name, item in _table(key, value).items()}


def parse_mapping(data: Any) -> Mapping:
    """Check the YAML document of a mapping file (E505 naming the key at fault)."""
    data = _table("the file", data)
    schemata, type_topics = _entity_types(data.get("entities"))
    derived = _strings("derived_from", data.get("derived_from", []))
    unknown = sorted(set(derived) - set(STATUSES))
    if unknown:
        raise _fail("derived_from", f"unknown statuses: {', '.join(unknown)}")
    topics = {key: _topic_table(key, data.get(key)) for key in ("activities", "designations")}
    languages = {code: str(name) for code, name in _table("languages", data.get("languages")).items()}
    return Mapping(schemata, type_topics, frozenset(_strings("legal_entities", data.get("legal_entities"))),
                   _link_schema("default", data.get("default")), _links(data.get("links", {})),
                   frozenset(derived), topics["activities"], topics["designations"], languages)


@lru_cache(maxsize=4)
def load_mapping(path: Path | None = None) -> Mapping:
    """The bundled mapping, or a file of the same shape (E505 naming the file and the key at fault)."""
    if path is None:
        origin, where = f"data/{MAPPING_FILE}", resources.files("claimgraph.data").joinpath(MAPPING_FILE)
    else:
        origin, where = str(path), path
    try:
        return parse_mapping(yaml.safe_load(where.read_text(encoding="utf-8")))
    except ClaimgraphError as exc:
        raise ClaimgraphError(Code.MAPPING_INVALID, f"{origin}: {exc.message}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ClaimgraphError(Code.MAPPING_INVALID, f"{origin}: cannot be read: {exc}") from None


# ---------------------------------------------------------------------------------------------------
# Values as FtM keeps them


def clean_text(value: str | None) -> str | None:
    """Text as FtM stores it: NFC, no control characters, no surrounding space; None when empty."""
    if value is None:
        return None
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()
    return cleaned or None


def ftm_date(value: str | None) -> str | None:
    """An ISO date or timestamp in FtM's form: a prefix of YYYY-MM-DDTHH:MM:SS, in UTC, no zone."""
    if not value:
        return None
    value = value.strip()
    if _DATE.match(value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        # "2024", "2024-05" or something unparseable with a date in front of it
        found = _DATE_PREFIX.match(value)
        return found.group(0) if found else None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def _url(value: str | None) -> str | None:
    # FtM drops a URL without scheme and host; a local path is no source link anyway
    value = clean_text(value)
    return value if value is not None and _URL.match(value) else None


def _country(value: str | None) -> str | None:
    code = (value or "").strip().lower()
    return code if _COUNTRY.match(code) else None


def _pieces(text: str | None) -> list[str]:
    """Text longer than FtM takes in one value, as several values (in order)."""
    cleaned = clean_text(text)
    if cleaned is None:
        return []
    return [cleaned[i:i + _TEXT_MAX] for i in range(0, len(cleaned), _TEXT_MAX)]


def _add(props: Properties, name: str, *values: str | None) -> None:
    """Add the values that are not empty once each, keeping their order."""
    kept = props.setdefault(name, [])
    for value in values:
        cleaned = clean_text(value)
        if cleaned is not None and cleaned not in kept:
            kept.append(cleaned)
    if not kept:
        del props[name]


def _sha1(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def entity_id(our_id: str) -> str:
    """`cg-entity-<our id>`, or the SHA-1 of our id where FtM would refuse it as part of an id."""
    if _ID.match(our_id) and len("cg-entity-") + len(our_id) <= _ID_MAX:
        return f"cg-entity-{our_id}"
    return f"cg-entity-{_sha1(our_id)}"


def document_id(key: str) -> str:
    return f"cg-doc-{_sha1(key)}"


def claim_id(claim: Claim) -> str:
    return f"cg-claim-{claim.id}"


def mention_id(document: str, entity: str, name: str) -> str:
    return f"cg-mention-{_sha1(document, entity, name)}"


def _record(ftm_id: str, schema: str, props: Properties) -> Record:
    return {"id": ftm_id, "schema": schema, "properties": props}


# ---------------------------------------------------------------------------------------------------
# The selection as FtM entities


@dataclass
class _Export:
    selection: Selection
    mapping: Mapping
    # what links add to their subject (operates_in: countries, engages_in: topics), by entity id
    countries: dict[str, list[str]] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for claim in self.selection.claims:
            if self.link_status(claim.link) in self.mapping.derived_from:
                self._derive(claim)

    def _derive(self, claim: Claim) -> None:
        target = self.selection.entities.get(claim.object)
        if target is None:
            return
        if claim.relation == "operates_in" and _country(target.country):
            self.countries.setdefault(claim.subject, []).append(target.country or "")
        elif claim.relation == "engages_in" and target.type == "activity":
            self.topics.setdefault(claim.subject, []).extend(self.mapping.activities.get(target.id, ()))

    @cached_property
    def links(self) -> dict[LinkKey, Link]:
        return {link_key(link): link for link in self.selection.links}

    def link_status(self, key: LinkKey) -> str | None:
        link = self.links.get(key)
        return link.status if link is not None else None

    @cached_property
    def source_urls(self) -> dict[str, list[str]]:
        """The URLs of the documents whose claims an entity is an end or the speaker of."""
        found: dict[str, set[str]] = {}
        for claim in self.selection.claims:
            url = _url(self.selection.document(claim.document).url)
            for end in (claim.subject, claim.object, claim.speaker):
                if url is not None and end is not None:
                    found.setdefault(end, set()).add(url)
        return {end: sorted(urls) for end, urls in found.items()}

    def schema_of(self, our_id: str | None) -> str | None:
        entity = self.selection.entities.get(our_id or "")
        if entity is None:
            return None
        # a type outside the ontology still gets an entity: the most general one a link can point at
        return self.mapping.schemata.get(entity.type, "LegalEntity")

    def name_of(self, our_id: str) -> str:
        entity = self.selection.entities.get(our_id)
        return entity.name if entity is not None else our_id

    # -- entities ---------------------------------------------------------------------------------

    def actors(self) -> Iterator[Record]:
        for entity in self.selection.entities.values():
            schema = self.schema_of(entity.id)
            if schema is not None:
                yield _record(entity_id(entity.id), schema, self._actor_properties(entity, schema))

    def _actor_properties(self, entity: Entity, schema: str) -> Properties:
        props: Properties = {}
        if schema == "Address":
            _add(props, "full", entity.name)  # an Address's caption
        _add(props, "name", entity.name)
        _add(props, "alias", *entity.aliases)
        countries = [entity.country or "", *sorted(self.countries.get(entity.id, []))]
        _add(props, "country", *(_country(code) for code in countries))
        _add(props, "topics", *sorted(self._entity_topics(entity)))
        _add(props, "wikidataId", entity.wikidata if _QID.match(entity.wikidata or "") else None)
        _add(props, "keywords", entity.type)
        _add(props, "notes", *self._entity_notes(entity))
        _add(props, "sourceUrl", *self.source_urls.get(entity.id, []))
        return props

    def _entity_topics(self, entity: Entity) -> set[str]:
        topics = set(self.mapping.type_topics.get(entity.type, ()))
        for designation in entity.designations:
            topics.update(self.mapping.designations.get(str(designation.get("list", "")).strip(), ()))
        topics.update(self.topics.get(entity.id, []))
        return topics

    @staticmethod
    def _entity_notes(entity: Entity) -> list[str | None]:
        notes: list[str | None] = [entity.note]
        for designation in entity.designations:
            when = f" ({designation['date']})" if designation.get("date") else ""
            notes.append(f"Designated by {designation.get('authority', 'an authority')}: "
                         f"{designation.get('list', 'a list')}{when}")
        if entity.provisional:
            notes.append("Provisional: found in the text, not in claimgraph's knowledge base.")
        return notes

    # -- documents --------------------------------------------------------------------------------

    def articles(self) -> Iterator[Record]:
        for doc in self.selection.documents:
            yield _record(document_id(doc.key), "Article", self._article_properties(doc))

    def _article_properties(self, doc: Document) -> Properties:
        props: Properties = {}
        _add(props, "title", doc.title)
        _add(props, "fileName", doc.key)  # the caption of an Article without a title
        _add(props, "author", doc.author)
        _add(props, "publisher", doc.outlet)
        _add(props, "sourceUrl", _url(doc.url))
        _add(props, "publishedAt", ftm_date(doc.published))
        _add(props, "retrievedAt", ftm_date(doc.ingested_at))
        _add(props, "language", self.mapping.languages.get((doc.language or "").strip().lower()))
        if doc.copy_of is not None:
            _add(props, "notes", f"A syndicated or spun copy of document {doc.copy_of}: its claims count "
                                 f"for the source of {doc.story}, not as independent corroboration.")
        # the text is plain data: FtM's bodyText is text, never HTML
        props["bodyText"] = _pieces(doc.text)
        if not props["bodyText"]:
            del props["bodyText"]
        return props

    def mentions(self) -> Iterator[Record]:
        seen: set[tuple[str, str, str]] = set()
        for mention in self.selection.mentions:
            schema = self.schema_of(mention.entity)
            name = clean_text(mention.text)
            # FtM resolves a Mention to a LegalEntity only
            if schema not in self.mapping.legal_entities or name is None:
                continue
            key = (mention.document, mention.entity, name)
            if key in seen:
                continue
            seen.add(key)
            props = {"document": [document_id(mention.document)], "resolved": [entity_id(mention.entity)],
                     "name": [name], "detectedSchema": [str(schema)]}
            yield _record(mention_id(*key), "Mention", props)

    # -- claims -----------------------------------------------------------------------------------

    def claims(self) -> Iterator[Record]:
        for claim in self.selection.claims:
            subject, obj = self.schema_of(claim.subject), self.schema_of(claim.object)
            if subject is None or obj is None:
                yield _record(claim_id(claim), "Note", self._note_properties(claim))
                continue
            spec = self.mapping.link_schema(claim.relation, subject, obj)
            yield _record(claim_id(claim), spec.schema, self._link_properties(claim, spec))

    def _link_properties(self, claim: Claim, spec: LinkSchema) -> Properties:
        props: Properties = {}
        _add(props, spec.source, entity_id(claim.subject))
        _add(props, spec.target, entity_id(claim.object))
        _add(props, spec.role, claim.relation)
        if spec.status is not None:
            _add(props, spec.status, f"{claim.polarity}, {claim.modality}")
        _add(props, "date", ftm_date(self.selection.document(claim.document).published))
        _add(props, "recordId", str(claim.id))
        self._add_evidence(props, claim)
        return props

    def _note_properties(self, claim: Claim) -> Properties:
        """A claim with an end that is no FtM entity (an activity): a Note on the end that is one."""
        props: Properties = {}
        ends = (claim.subject, claim.object)
        _add(props, "entity", *(entity_id(end) for end in ends if self.schema_of(end) is not None))
        _add(props, "keywords", *(self.name_of(end) for end in ends if self.schema_of(end) is None))
        self._add_evidence(props, claim)
        return props

    def _add_evidence(self, props: Properties, claim: Claim) -> None:
        doc = self.selection.document(claim.document)
        _add(props, "summary", claim.evidence)
        _add(props, "description", self._description(claim))
        _add(props, "sourceUrl", _url(doc.url))
        _add(props, "publisher", doc.outlet)
        _add(props, "proof", document_id(doc.key))

    def _description(self, claim: Claim) -> str:
        said = (f"according to {self.name_of(claim.speaker)}" if claim.speaker
                else "in the article's own voice or from no named source")
        cue = f' (cue "{claim.cue}")' if claim.cue.strip() else ""
        parts = [f"{self.name_of(claim.subject)} {claim.relation.replace('_', ' ')} "
                 f"{self.name_of(claim.object)}: {claim.polarity}, {claim.modality}, {said}{cue}."]
        link = self.links.get(claim.link)
        if link is not None:
            parts.append(f"Link status over independent sources: {link.status} "
                         f"({len(link.sources_for)} for, {len(link.sources_against)} against).")
        parts.append(f"Claim {claim.id} in document {claim.document}, characters {claim.start}-{claim.end}.")
        return " ".join(parts)


def entities(selection: Selection, mapping: Mapping | None = None) -> Iterator[dict[str, Any]]:
    """Every FtM entity of the selection, in a stable order: actors and places (by our id), Articles
    (by document id), Mentions (by document, then place in the text), then the claims (by id)."""
    export = _Export(selection, mapping or load_mapping())
    yield from export.actors()
    yield from export.articles()
    yield from export.mentions()
    yield from export.claims()


def write(source: Source, out: BinaryIO) -> None:
    for record in entities(source.selection):
        out.write(orjson.dumps(record) + b"\n")


FORMAT = Format(name="ftm", extension=".ftm.json", media_type="application/x-ndjson",
                description="FollowTheMoney entities as JSON lines (Aleph, the ftm command, OpenSanctions "
                            "tools): actors, an Article per document, a link entity per claim",
                write=write, label="FollowTheMoney")
