"""CSV: the selection as three tables, for spreadsheets and dataframes.

  entities.csv  one row per selected entity (an end or the speaker of a selected claim), by id;
  links.csv     one row per selected link, by subject id, relation, object id;
  claims.csv    one row per claim behind those links, by claim id.

The column names are a stable interface (docs: "CSV"); columns are only ever added at the end.
The files are UTF-8 without a byte order mark, RFC 4180: a header row, CRLF after each row, fields quoted
when they hold a comma, a quote or a line break (line breaks inside evidence are kept as they are).
Lists are joined with "; ", booleans are `true`/`false`, a missing value is an empty cell.

Article text is untrusted and spreadsheets run a cell that starts with = + - @ (or a tab or carriage
return) as a formula, so such a *text* cell gets a leading `'`; numbers never do, so -1 stays -1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from claimgraph.analyse.links import Link
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export.registry import Format, Source
from claimgraph.export.selection import Selection, link_key

SEPARATOR = "; "
TABLES = ("entities", "links", "claims")

ENTITY_COLUMNS = ["id", "name", "type", "country", "wikidata", "provisional", "aliases", "designations",
                  "note", "links", "claims", "claims_as_speaker"]
LINK_COLUMNS = ["link_id", "subject_id", "subject", "relation", "object_id", "object", "symmetric", "status",
                "affirmed", "denied", "asserted", "hedged", "hedged_share", "unattributed", "n_sources_for",
                "n_sources_against", "sources_for", "sources_against", "speaker_ids", "speakers",
                "first_seen", "last_seen", "claims"]
CLAIM_COLUMNS = ["claim_id", "document", "title", "outlet", "published", "url", "subject_id", "subject",
                 "relation", "object_id", "object", "polarity", "modality", "speaker_id", "speaker",
                 "evidence", "start", "end", "cue", "source", "copy_of", "link_status", "link_id"]
COLUMNS = {"entities": ENTITY_COLUMNS, "links": LINK_COLUMNS, "claims": CLAIM_COLUMNS}

# what a spreadsheet may take for the start of a formula (OWASP's list for CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# zip entries carry a date; a fixed one keeps the archive the same bytes for the same store
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# --- shared with graphs.py -----------------------------------------------------------------------
def joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


def designation_text(designation: Mapping[str, Any]) -> str:
    """A knowledge-base designation as one phrase: "US State Department: FTO (2019-04-15)"."""
    text = ": ".join(str(designation[part]) for part in ("authority", "list") if designation.get(part))
    date = designation.get("date")
    return f"{text} ({date})" if date else text


def name_of(selection: Selection, entity_id: str | None, fallback: str | None = None) -> str:
    if entity_id is None:
        return ""
    found = selection.entities.get(entity_id)
    return found.name if found else (fallback or entity_id)


def link_id(link: Link) -> str:
    return "|".join(link_key(link))


def link_counts(selection: Selection) -> Counter[str]:
    """Selected links per entity at either end (a link from an entity to itself counts once)."""
    counts: Counter[str] = Counter()
    for link in selection.links:
        counts.update({link.subject, link.object})
    return counts


def claim_counts(selection: Selection) -> Counter[str]:
    """Selected claims per entity as subject or object."""
    counts: Counter[str] = Counter()
    for claim in selection.claims:
        counts.update({claim.subject, claim.object})
    return counts


def sorted_links(selection: Selection) -> list[Link]:
    return sorted(selection.links, key=link_key)


# --- rows ----------------------------------------------------------------------------------------
def cell(value: object) -> str:
    """One value as CSV text; a text value that a spreadsheet would run as a formula gets a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 4))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def entity_rows(selection: Selection) -> Iterator[dict[str, object]]:
    links, claims = link_counts(selection), claim_counts(selection)
    spoken = Counter(claim.speaker for claim in selection.claims if claim.speaker)
    for entity in selection.entities.values():
        yield {"id": entity.id, "name": entity.name, "type": entity.type, "country": entity.country,
               "wikidata": entity.wikidata, "provisional": entity.provisional,
               "aliases": joined(entity.aliases),
               "designations": joined(designation_text(found) for found in entity.designations),
               "note": entity.note, "links": links[entity.id], "claims": claims[entity.id],
               "claims_as_speaker": spoken[entity.id]}


def link_rows(selection: Selection) -> Iterator[dict[str, object]]:
    grouped = selection.link_claims()
    for link in sorted_links(selection):
        yield {"link_id": link_id(link), "subject_id": link.subject,
               "subject": name_of(selection, link.subject, link.subject_name), "relation": link.relation,
               "object_id": link.object, "object": name_of(selection, link.object, link.object_name),
               "symmetric": link.symmetric, "status": link.status, "affirmed": link.affirmed,
               "denied": link.denied, "asserted": link.asserted, "hedged": link.hedged,
               "hedged_share": float(link.hedged_share), "unattributed": link.unattributed,
               "n_sources_for": len(link.sources_for), "n_sources_against": len(link.sources_against),
               "sources_for": joined(link.sources_for), "sources_against": joined(link.sources_against),
               "speaker_ids": joined(link.speakers),
               "speakers": joined(name_of(selection, speaker) for speaker in link.speakers),
               "first_seen": link.first_seen, "last_seen": link.last_seen,
               "claims": len(grouped.get(link_key(link), []))}


def claim_rows(selection: Selection) -> Iterator[dict[str, object]]:
    status = {link_key(link): link.status for link in selection.links}
    for claim in selection.claims:
        doc = selection.document(claim.document)
        yield {"claim_id": claim.id, "document": claim.document, "title": doc.title, "outlet": doc.outlet,
               "published": doc.published, "url": doc.url, "subject_id": claim.subject,
               "subject": name_of(selection, claim.subject), "relation": claim.relation,
               "object_id": claim.object, "object": name_of(selection, claim.object),
               "polarity": claim.polarity, "modality": claim.modality, "speaker_id": claim.speaker,
               "speaker": name_of(selection, claim.speaker), "evidence": claim.evidence,
               "start": claim.start, "end": claim.end, "cue": claim.cue, "source": claim.source,
               "copy_of": doc.copy_of, "link_status": status.get(claim.link), "link_id": "|".join(claim.link)}


_ROWS = {"entities": entity_rows, "links": link_rows, "claims": claim_rows}


def table_bytes(selection: Selection, name: str) -> bytes:
    if name not in COLUMNS:
        raise ClaimgraphError(Code.BAD_OPTION,
                              f"no CSV table is called {name!r} (there are {', '.join(TABLES)})")
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    columns = COLUMNS[name]
    writer.writerow(columns)
    for row in _ROWS[name](selection):
        writer.writerow([cell(row[column]) for column in columns])
    return text.getvalue().encode("utf-8")


# --- writers -------------------------------------------------------------------------------------
def write_table(source: Source, name: str, out: BinaryIO) -> None:
    """One table, for `claimgraph export --format csv --table NAME`."""
    out.write(table_bytes(source.selection, name))


def write_folder(source: Source, folder: Path) -> list[Path]:
    """The three tables as files in `folder` (made if missing), replacing files of the same names."""
    # every table is made before the first is written: a failure then leaves no mix of old and new files
    made = {name: table_bytes(source.selection, name) for name in TABLES}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in made.items():
        path = folder / f"{name}.csv"
        path.write_bytes(data)
        written.append(path)
    return written


def write(source: Source, out: BinaryIO) -> None:
    """The three tables in one zip archive, entries sorted by name."""
    # Built in memory, then written whole: a zip written to a pipe gets other bytes (data descriptors)
    # than one written to a file, and the same store should give the same archive either way.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(TABLES):
            info = zipfile.ZipInfo(f"{name}.csv", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system writes it
            info.external_attr = 0o644 << 16
            archive.writestr(info, table_bytes(source.selection, name))
    out.write(buffer.getvalue())


FORMAT = Format(name="csv", extension=".zip", media_type="application/zip",
                description="CSV tables entities.csv, links.csv and claims.csv in a zip archive", write=write,
                label="CSV")
