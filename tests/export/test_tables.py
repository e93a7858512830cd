"""The CSV export: three tables whose columns are a documented interface, read back with the csv module
equal to the selection; the zip and the folder hold exactly those tables; and text a spreadsheet would
run as a formula is defused while numbers are left alone."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export import tables
from claimgraph.export.registry import Source
from claimgraph.export.selection import Filters, Selection, link_key
from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import Store, open_store

# The documented interface (build/docs-parts/csv.md): a change here is a change for every user.
ENTITY_COLUMNS = ["id", "name", "type", "country", "wikidata", "provisional", "aliases", "designations",
                  "note", "links", "claims", "claims_as_speaker"]
LINK_COLUMNS = ["link_id", "subject_id", "subject", "relation", "object_id", "object", "symmetric", "status",
                "affirmed", "denied", "asserted", "hedged", "hedged_share", "unattributed", "n_sources_for",
                "n_sources_against", "sources_for", "sources_against", "speaker_ids", "speakers",
                "first_seen", "last_seen", "claims"]
CLAIM_COLUMNS = ["claim_id", "document", "title", "outlet", "published", "url", "subject_id", "subject",
                 "relation", "object_id", "object", "polarity", "modality", "speaker_id", "speaker",
                 "evidence", "start", "end", "cue", "source", "copy_of", "link_status", "link_id"]

# a hand-made store whose article text is hostile to spreadsheets
HOSTILE_TEXT = ("=Varnia arms the -Grey Ring, +Ilse Moor said.\n"
                "The shipments went on at night, @harbour officials said.")
HOSTILE_TITLE = "=HYPERLINK(\"https://evil.example\",\"click\")"


def defused(text: str) -> str:
    """The documented rule: a text cell starting with = + - @ tab or CR gets a leading '."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table(data: bytes) -> list[dict[str, str]]:
    assert not data.startswith(b"\xef\xbb\xbf")  # no byte order mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def exported(store: Store, name: str, filters: Filters | None = None) -> bytes:
    out = io.BytesIO()
    tables.write_table(Source(store, filters or Filters()), name, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus_tables(corpus_db: Path) -> dict[str, bytes]:
    with open_store(str(corpus_db)) as store:
        return {name: exported(store, name) for name in tables.TABLES}


@pytest.fixture
def hostile_store(tmp_path: Path) -> Iterator[Store]:
    actors = [("varnia", "=Varnia", "state"), ("grey-ring", "-Grey Ring", "criminal_group"),
              ("ilse-moor", "+Ilse Moor", "person")]
    mentions = [Mention(HOSTILE_TEXT.index(name), HOSTILE_TEXT.index(name) + len(name), name, entity_id)
                for entity_id, name, _ in actors]
    claim = Claim("varnia", "arms", "grey-ring", "affirmed", "hedged", "ilse-moor", HOSTILE_TEXT, 0,
                  len(HOSTILE_TEXT), cue="arms")
    article = Article(text=HOSTILE_TEXT, source="/test/hostile.txt", doc_id="hostile-1", title=HOSTILE_TITLE,
                      url="https://news.example/hostile-1", outlet="@Harbour Wire", published="2031-01-05")
    extraction = Extraction("hostile-1", [Entity(i, name, kind, mentions=[name]) for i, name, kind in actors],
                            [claim], mentions)
    with open_store(str(tmp_path / "hostile.db")) as store:
        store.add_document(article, extraction)
        yield store


def test_the_headers_are_the_documented_columns(corpus_tables: dict[str, bytes]) -> None:
    assert tables.COLUMNS == {"entities": ENTITY_COLUMNS, "links": LINK_COLUMNS, "claims": CLAIM_COLUMNS}
    assert header(corpus_tables["entities"]) == ENTITY_COLUMNS
    assert header(corpus_tables["links"]) == LINK_COLUMNS
    assert header(corpus_tables["claims"]) == CLAIM_COLUMNS


def test_one_row_per_entity_link_and_claim(corpus_tables: dict[str, bytes],
                                           corpus_selection: Selection) -> None:
    entities, links, claims = (table(corpus_tables[name]) for name in tables.TABLES)
    assert [row["id"] for row in entities] == list(corpus_selection.entities)
    assert len(links) == len(corpus_selection.links) > 10
    assert [int(row["claim_id"]) for row in claims] == [claim.id for claim in corpus_selection.claims]
    # RFC 4180: CRLF after every row
    assert corpus_tables["links"].count(b"\r\n") == len(links) + 1


def test_a_link_row_holds_the_link(corpus_tables: dict[str, bytes], corpus_selection: Selection) -> None:
    rows = {row["link_id"]: row for row in table(corpus_tables["links"])}
    grouped = corpus_selection.link_claims()
    for link in corpus_selection.links:
        row = rows["|".join(link_key(link))]
        assert (row["subject_id"], row["relation"], row["object_id"]) == link_key(link)
        assert row["status"] == link.status and row["symmetric"] == str(link.symmetric).lower()
        assert int(row["affirmed"]) == link.affirmed and int(row["denied"]) == link.denied
        assert float(row["hedged_share"]) == pytest.approx(link.hedged_share, abs=1e-4)
        assert int(row["n_sources_for"]) == len(link.sources_for)
        assert row["sources_for"] == "; ".join(link.sources_for)
        assert row["speaker_ids"] == "; ".join(link.speakers)
        assert row["first_seen"] == (link.first_seen or "")
        assert int(row["claims"]) == len(grouped[link_key(link)]) == link.claims
    assert any(row["symmetric"] == "true" for row in rows.values())


def test_a_claim_row_holds_the_stored_claim(corpus_tables: dict[str, bytes],
                                            corpus_selection: Selection) -> None:
    rows = {int(row["claim_id"]): row for row in table(corpus_tables["claims"])}
    links = {link_key(link): link for link in corpus_selection.links}
    link_ids = {row["link_id"] for row in table(corpus_tables["links"])}
    for claim in corpus_selection.claims:
        row, doc = rows[claim.id], corpus_selection.document(claim.document)
        assert row["evidence"] == defused(claim.evidence)
        assert (int(row["start"]), int(row["end"])) == (claim.start, claim.end)
        assert (row["subject_id"], row["relation"], row["object_id"]) == (claim.subject, claim.relation,
                                                                          claim.object)
        assert row["speaker_id"] == (claim.speaker or "") and row["source"] == claim.source
        assert row["document"] == doc.key and row["url"] == (doc.url or "")
        assert row["copy_of"] == (doc.copy_of or "")
        assert row["link_status"] == links[claim.link].status and row["link_id"] in link_ids
    # the spun copy in the corpus names the report it copies; a bulleted line ("- US officials say") is
    # evidence a spreadsheet would take for a formula
    assert any(row["copy_of"] for row in rows.values())
    assert any(row["evidence"].startswith("'-") for row in rows.values())


def test_an_entity_row_counts_its_links_and_claims(corpus_tables: dict[str, bytes],
                                                   corpus_selection: Selection) -> None:
    rows = {row["id"]: row for row in table(corpus_tables["entities"])}
    wagner = rows["wagner-group"]
    assert wagner["name"] == "Wagner Group (PMC)" and "the Wagner outfit" in wagner["aliases"].split("; ")
    assert int(wagner["links"]) == corpus_selection.entities["wagner-group"].degree > 0
    said = sum(1 for claim in corpus_selection.claims if "wagner-group" in (claim.subject, claim.object))
    assert int(wagner["claims"]) == said
    assert any(row["designations"] for row in rows.values())  # the knowledge base's, as text
    assert any(int(row["claims_as_speaker"]) > 0 and int(row["links"]) == 0 for row in rows.values())


def test_filters_keep_the_tables_consistent(corpus_store: Store) -> None:
    filters = Filters(entity="wagner-group")
    selection = Source(corpus_store, filters).selection
    links = table(exported(corpus_store, "links", filters))
    claims = table(exported(corpus_store, "claims", filters))
    assert len(links) == len(selection.links) and len(claims) == len(selection.claims) > 0
    assert all("wagner-group" in (row["subject_id"], row["object_id"]) for row in links)
    assert {row["link_id"] for row in claims} == {row["link_id"] for row in links}


def test_multi_line_evidence_and_hostile_cells(hostile_store: Store) -> None:
    [claim] = table(exported(hostile_store, "claims"))
    # a line break inside evidence survives quoting; the leading = is defused with a '
    assert claim["evidence"] == "'" + HOSTILE_TEXT and "\n" in claim["evidence"]
    assert claim["title"] == "'" + HOSTILE_TITLE and claim["outlet"] == "'@Harbour Wire"
    assert (claim["subject"], claim["object"], claim["speaker"]) == ("'=Varnia", "'-Grey Ring", "'+Ilse Moor")
    assert claim["source"] == "'@Harbour Wire" and claim["url"] == "https://news.example/hostile-1"
    assert claim["start"] == "0" and claim["published"] == "2031-01-05"  # numbers and dates untouched
    [link] = table(exported(hostile_store, "links"))
    assert link["subject"] == "'=Varnia" and link["speakers"] == "'+Ilse Moor"
    assert link["sources_for"] == "'@Harbour Wire" and link["hedged_share"] == "1.0"
    names = {row["id"]: row["name"] for row in table(exported(hostile_store, "entities"))}
    assert names == {"grey-ring": "'-Grey Ring", "ilse-moor": "'+Ilse Moor", "varnia": "'=Varnia"}


def test_cells() -> None:
    assert [tables.cell(value) for value in (-1, 0, 2.5, -0.25, True, False, None)] == \
        ["-1", "0", "2.5", "-0.25", "true", "false", ""]
    assert [tables.cell(text) for text in ("-1", "=1+1", "+44", "@SUM(A1)", "\tx", "\rx", "a=b", "")] == \
        ["'-1", "'=1+1", "'+44", "'@SUM(A1)", "'\tx", "'\rx", "a=b", ""]
    assert tables.cell(1 / 3) == "0.3333"


def test_the_zip_holds_the_three_tables(corpus_store: Store, corpus_tables: dict[str, bytes]) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    tables.FORMAT.write(Source(corpus_store), first)
    tables.FORMAT.write(Source(corpus_store), second)
    assert first.getvalue() == second.getvalue()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["claims.csv", "entities.csv", "links.csv"]
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert archive.read(info) == corpus_tables[info.filename.removesuffix(".csv")]
    assert (tables.FORMAT.name, tables.FORMAT.extension, tables.FORMAT.media_type) == \
        ("csv", ".zip", "application/zip")


def test_write_folder_writes_the_three_files(corpus_store: Store, corpus_tables: dict[str, bytes],
                                             tmp_path: Path) -> None:
    folder = tmp_path / "out" / "csv"
    written = tables.write_folder(Source(corpus_store), folder)
    assert written == [folder / "entities.csv", folder / "links.csv", folder / "claims.csv"]
    assert sorted(path.name for path in folder.iterdir()) == ["claims.csv", "entities.csv", "links.csv"]
    for path in written:
        assert path.read_bytes() == corpus_tables[path.stem]


def test_an_unknown_table_is_refused(corpus_store: Store) -> None:
    with pytest.raises(ClaimgraphError) as refused:
        exported(corpus_store, "mentions")
    assert refused.value.code == Code.BAD_OPTION and "entities, links, claims" in str(refused.value)
