"""Import FollowTheMoney entities (JSON lines, as OpenSanctions publishes them) into a user KB file.

Each line is one entity: {"id", "schema", "properties": {"name": [...], "alias": [...], ...}, "datasets",
"caption", ...}. Actors are mapped to our types and written, in our KB schema, to `<kb_dir>/<source>.yaml`;
the loader reads that folder after the bundled KB. An entity whose Wikidata QID is already in the KB
becomes an overlay (`extends: <id>`) that adds its names to that entry instead of a duplicate. Other
schemas (vessels, addresses, sanctions...) are skipped with a reason; lines that are not entities fail
with their line number (E109, E116) and the rest is imported. Plain JSON: no `followthemoney` library.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import yaml

from claimgraph import names
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.names import normalise_name
from claimgraph.resolve.disambiguation import RULES_FILE, forms_of, parse_rules
from claimgraph.resolve.kb import KnowledgeBase, read_kb
from claimgraph.resolve.kb_schema import SCHEMA_FILE, load_schema, validate

MAX_NAME = 150  # longer "names" are descriptions
MAX_NOTE = 240
MAX_ID = 60
# topics that record a listing by an authority: they become designations
DESIGNATION_TOPICS = ("sanction", "sanction.linked", "sanction.counter", "crime.terror", "wanted",
                      "debarment", "export.control")
COUNTRY_PROPERTIES = ("mainCountry", "country", "jurisdiction", "nationality", "citizenship")
NOT_COUNTRIES = {"zz", "eu", "xx"}  # FtM codes for unknown, the EU, stateless
RESERVED_SOURCES = {Path(RULES_FILE).stem, Path(SCHEMA_FILE).stem}
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.\-]{1,5}")
_SUFFIXES = (".gz", ".jsonl", ".json", ".ftm", ".ndjson")


@dataclass
class LineFailure:
    line: int
    code: Code
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code.value} {self.reason}"


@dataclass
class ImportReport:
    source: str
    output: Path
    lines: int = 0  # non-blank lines read
    created: Counter[str] = field(default_factory=Counter)  # new entries by type
    overlays: list[str] = field(default_factory=list)  # ids of existing entries that got names added
    merged: int = 0  # entities folded into an entry of the same import (same QID or FtM id)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> entities
    failed: list[LineFailure] = field(default_factory=list)
    weak_dropped: int = 0  # one-word weak aliases left out (too ambiguous to match on)
    shared: list[str] = field(default_factory=list)  # forms now shared with other entries, with no rule
    written: bool = False

    @property
    def imported(self) -> int:
        return sum(self.created.values()) + len(self.overlays) + self.merged


class _Bad(Exception):
    def __init__(self, code: Code, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def check_source_name(name: str) -> str:
    """A source name is a file name in the KB folder: a slug, not a reserved name."""
    if not re.fullmatch(load_schema().patterns["id"], name) or name in RESERVED_SOURCES:
        reserved = " or ".join(sorted(RESERVED_SOURCES))
        raise ClaimgraphError(Code.BAD_OPTION, f"source name {name!r} must be a slug (lowercase letters and "
                                               f"digits joined by hyphens), not {reserved}")
    return name


def default_source(path: Path) -> str:
    """`entities.ftm.json` -> `entities`."""
    name = path.name
    while name.lower().endswith(_SUFFIXES):
        name = name[: name.rfind(".")]
    base = slugify(name)
    return f"{base}-import" if base in RESERVED_SOURCES else base


def slugify(text: str) -> str:
    """names.slug, cut at a hyphen to fit MAX_ID; "" for a name with no letters or digits."""
    slug = names.slug(text, default="")
    if len(slug) > MAX_ID:
        slug = slug[:MAX_ID].rsplit("-", 1)[0] or slug[:MAX_ID]
    return slug


def map_type(schema: str, topics: set[str]) -> tuple[str | None, str]:
    """Our entity type for an FtM schema and topics, or (None, why it is skipped)."""
    fixed = {"Person": "person", "PublicBody": "state_body", "Company": "company"}
    if schema in fixed:
        return fixed[schema], ""
    if schema not in ("Organization", "LegalEntity"):
        return None, f"schema {schema} is not an actor"

    def has(prefix: str) -> bool:
        return any(t == prefix or t.startswith(prefix + ".") for t in topics)

    if topics & {"crime.terror", "crime.war"}:
        return "armed_group", ""
    if has("crime"):
        return "criminal_group", ""
    if "gov.igo" in topics:
        return "intl_org", ""
    if "gov.soe" in topics:
        return "company", ""
    if has("gov"):
        return "state_body", ""
    if "pol.party" in topics:
        return "political_org", ""
    if schema == "LegalEntity" and has("role.pep"):
        return "person", ""
    return None, f"{schema} with no topic that gives its type (crime*, gov*, pol.party)"


# -- reading one line -------------------------------------------------------------------------------
def _values(properties: dict[str, Any], key: str) -> list[str]:
    value = properties.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(Code.BAD_ENTITY, f"properties.{key} must be a list of strings")
    return value


def _clean(value: str) -> str | None:
    text = " ".join(value.split())
    return text if text and len(text) <= MAX_NAME else None


def _is_acronym(value: str) -> bool:
    return bool(_ACRONYM.fullmatch(value)) and sum(c.isupper() for c in value) >= 2


def _shouting(value: str) -> bool:
    letters = [c for c in value if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


@dataclass
class _Entity:
    ftm_id: str
    type: str
    name: str
    aliases: list[str]
    acronyms: list[str]
    country: str | None
    wikidata: str | None
    designations: list[dict[str, str]]
    note: str | None


def _parse_line(raw: bytes, source: str, report: ImportReport) -> _Entity | None:
    """One entity, or None when skipped; raises _Bad when the line is not an entity."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Bad(Code.NOT_UTF8, f"not valid UTF-8 at byte {error.start}") from error
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Bad(Code.NOT_JSON, f"not JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise _Bad(Code.BAD_ENTITY, "a FollowTheMoney entity is a JSON object")
    ftm_id, schema, properties = record.get("id"), record.get("schema"), record.get("properties", {})
    if not isinstance(ftm_id, str) or not ftm_id.strip():
        raise _Bad(Code.BAD_ENTITY, "no `id`")
    if not isinstance(schema, str) or not schema.strip():
        raise _Bad(Code.BAD_ENTITY, f"entity {ftm_id} has no `schema`")
    if not isinstance(properties, dict):
        raise _Bad(Code.BAD_ENTITY, f"entity {ftm_id}: `properties` must be an object")
    topics = set(_values(properties, "topics"))
    entity_type, reason = map_type(schema, topics)
    if entity_type is None:
        report.skipped[reason] += 1
        return None
    names = [n for n in (_clean(v) for v in _values(properties, "name")) if n]
    caption = record.get("caption")
    if isinstance(caption, str) and _clean(caption) and _clean(caption) not in names:
        names.insert(0, _clean(caption) or "")
    if not names:
        raise _Bad(Code.BAD_ENTITY, f"entity {ftm_id} has no name")
    strong = names + _values(properties, "alias") + _values(properties, "previousName")
    # the caption, unless it is in capitals (OFAC style) and a name, or an alias spelled the same way,
    # is written in mixed case
    name = next((n for n in names if not _shouting(n)), names[0])
    if _shouting(name):
        same = [c for c in (_clean(v) for v in strong) if c and normalise_name(c) == normalise_name(name)]
        name = next((c for c in same if not _shouting(c)), name)
    aliases: list[str] = []
    acronyms: list[str] = []
    seen = {normalise_name(name)}
    for value, weak in [(v, False) for v in strong] + [(v, True) for v in _values(properties, "weakAlias")]:
        form = _clean(value)
        if form is None:
            continue
        if _is_acronym(form):
            if form not in acronyms:
                acronyms.append(form)
            continue
        if weak and len(form.split()) < 2:
            report.weak_dropped += 1
            continue
        if normalise_name(form) not in seen:
            seen.add(normalise_name(form))
            aliases.append(form)
    country = next((c.upper() for key in COUNTRY_PROPERTIES for c in _values(properties, key)
                    if re.fullmatch(r"[a-z]{2}", c) and c not in NOT_COUNTRIES), None)
    wikidata = next((q for q in _values(properties, "wikidataId") if re.fullmatch(r"Q\d+", q)), None)
    datasets = record.get("datasets")
    authority = source
    if isinstance(datasets, list) and datasets and all(isinstance(d, str) for d in datasets):
        authority = ", ".join(datasets)
    designations = [{"authority": authority, "list": t} for t in DESIGNATION_TOPICS if t in topics]
    note = next((" ".join(n.split()) for n in _values(properties, "notes") if n.strip()), None)
    if note and len(note) > MAX_NOTE:
        note = note[:MAX_NOTE - 1].rstrip() + "…"
    return _Entity(ftm_id, entity_type, name, aliases, acronyms, country, wikidata, designations, note)


# -- building the KB file ---------------------------------------------------------------------------
def _entry(entity: _Entity, actor_id: str, source: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": actor_id, "name": entity.name, "type": entity.type}
    optional = {"aliases": entity.aliases, "acronyms": entity.acronyms, "country": entity.country,
                "wikidata": entity.wikidata, "designations": entity.designations, "note": entity.note}
    entry.update({key: value for key, value in optional.items() if value})
    entry["source"] = {"name": source, "ftm_id": entity.ftm_id}
    return entry


def _merge(entry: dict[str, Any], entity: _Entity) -> None:
    """Fold another FtM entity for the same actor into an entry (new or overlay)."""
    known = {normalise_name(f) for f in [entry.get("name", ""), *entry.get("aliases", [])] if f}
    for form in [entity.name, *entity.aliases]:
        if normalise_name(form) not in known:
            known.add(normalise_name(form))
            entry.setdefault("aliases", []).append(form)
    for acronym in entity.acronyms:
        if acronym not in entry.get("acronyms", []):
            entry.setdefault("acronyms", []).append(acronym)
    for designation in entity.designations:
        if designation not in entry.get("designations", []):
            entry.setdefault("designations", []).append(designation)


def _overlay(entity: _Entity, target_id: str, kb: KnowledgeBase, source: str) -> dict[str, Any]:
    target = kb.actors[target_id]
    overlay: dict[str, Any] = {"extends": target_id}
    _merge(overlay, entity)
    known = {normalise_name(f) for f in [target.name, *target.aliases]}
    aliases = [a for a in overlay.pop("aliases", []) if normalise_name(a) not in known]
    acronyms = [a for a in overlay.pop("acronyms", []) if a not in target.acronyms]
    designations = [d for d in overlay.pop("designations", []) if d not in target.designations]
    overlay.update({k: v for k, v in [("aliases", aliases), ("acronyms", acronyms),
                                      ("designations", designations)] if v})
    overlay["source"] = {"name": source, "ftm_id": entity.ftm_id}
    return overlay


def _open(path: Path) -> BinaryIO:
    try:
        if path.suffix == ".gz":
            return cast(BinaryIO, gzip.open(path, "rb"))
        return path.open("rb")
    except OSError as error:
        raise ClaimgraphError(Code.NOT_FOUND, f"{path}: {error.strerror or error}") from error


def _shared_forms(kb: KnowledgeBase, entries: list[dict[str, Any]]) -> list[str]:
    """Forms of the new entries and overlays that another entry also carries, with no rule for them."""
    owners: dict[str, set[str]] = {}
    for actor in kb.actors.values():
        for form in forms_of(actor):
            owners.setdefault(normalise_name(form), set()).add(actor.id)
    for entry in entries:
        own = entry.get("id") or entry["extends"]
        for form in [entry.get("name", ""), *entry.get("aliases", []), *entry.get("acronyms", [])]:
            if form:
                owners.setdefault(normalise_name(form), set()).add(own)
    shared = {form for form, ids in owners.items() if len(ids) > 1 and form not in kb.disambiguation}
    mine = {normalise_name(f) for e in entries
            for f in [e.get("name", ""), *e.get("aliases", []), *e.get("acronyms", [])] if f}
    return sorted(shared & mine)


def _write(path: Path, entries: list[dict[str, Any]], input_name: str, source: str) -> None:
    header = (f"# Source {source}: written by `claimgraph kb import` from {input_name}.\n"
              "# FollowTheMoney entities in the claimgraph KB schema (claimgraph/data/kb/schema.yaml).\n"
              "# Importing the same source again replaces this file: keep edits in another file.\n")
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(header + body, encoding="utf-8")
    os.replace(temporary, path)


def _unique(base: str, taken: set[str]) -> str:
    base = base or "entity"
    actor_id, n = base, 1
    while actor_id in taken:
        n += 1
        actor_id = f"{base}-{n}"
    return actor_id


def import_ftm(path: Path, kb_dir: Path, source: str | None = None) -> ImportReport:
    """Read FtM JSON lines from `path` and write `<kb_dir>/<source>.yaml`; the report says what happened.

    The existing KB (bundled plus the other files of `kb_dir`) must load; it decides clashing ids and
    which QIDs are already known. Nothing is written when no entity could be imported.
    """
    source = check_source_name(source or default_source(path))
    output = kb_dir / f"{source}.yaml"
    report = ImportReport(source, output)
    folder = kb_dir if kb_dir.is_dir() else None
    # the user's rules may name entries of the file being replaced: read them, but check no ids
    existing = read_kb(user_dir=folder, exclude={output.name, RULES_FILE})
    rules_file = kb_dir / RULES_FILE
    if rules_file.is_file():
        try:
            data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ClaimgraphError(Code.KB_INVALID, f"{rules_file}: not valid YAML: {error}") from error
        existing.disambiguation.update(parse_rules(data, str(rules_file)))
    taken = set(existing.actors)
    known_qids = {a.wikidata: a.id for a in existing.actors.values() if a.wikidata}
    entries: list[dict[str, Any]] = []
    by_qid: dict[str, dict[str, Any]] = {}
    by_ftm_id: dict[str, dict[str, Any]] = {}
    with _open(path) as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            report.lines += 1
            try:
                entity = _parse_line(raw.strip(), source, report)
            except _Bad as bad:
                report.failed.append(LineFailure(number, bad.code, bad.reason))
                continue
            if entity is None:
                continue
            earlier = by_ftm_id.get(entity.ftm_id) or by_qid.get(entity.wikidata or "")
            if earlier is not None:
                _merge(earlier, entity)
                report.merged += 1
                continue
            if entity.wikidata in known_qids:
                entry = _overlay(entity, known_qids[entity.wikidata], existing, source)
            else:
                entry = _entry(entity, _unique(slugify(entity.name) or slugify(entity.ftm_id), taken), source)
            try:
                validate(entry, f"{path.name}:{number}")
            except ClaimgraphError as error:
                report.failed.append(LineFailure(number, Code.BAD_ENTITY, error.message))
                continue
            if "extends" in entry:
                report.overlays.append(entry["extends"])
            else:
                taken.add(entry["id"])
                report.created[entity.type] += 1
            entries.append(entry)
            by_ftm_id[entity.ftm_id] = entry
            if entity.wikidata:
                by_qid[entity.wikidata] = entry
    if entries:
        kb_dir.mkdir(parents=True, exist_ok=True)
        _write(output, entries, path.name, source)
        report.written = True
        report.shared = _shared_forms(existing, entries)
    return report
