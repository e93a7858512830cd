"""Copies and stories (analyse/copies.py): syndicated and spun copies, origins, increments, rebuilds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from claimgraph.analyse.copies import (
    CopyDetector,
    compare,
    copy_pairs,
    rebuild_copies,
    stories,
    update_copies,
)
from claimgraph.cli import cli
from claimgraph.ingest import Failure, iter_articles
from claimgraph.ingest_run import run_ingest
from claimgraph.model import Article
from claimgraph.store import Store, open_store
from claimgraph.store.schema import document_copies, document_signatures

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"

ORIGINAL = """PORT LEMAR, March 3 (Harbour Post) - Coast guard officers in Port Lemar seized 2.4 tonnes of
cocaine from a fishing trawler on Tuesday, the largest haul in the country's history, the Interior
Ministry said.

The trawler, the Santa Brisa, was stopped 40 nautical miles off the coast after a tip from the Maritime
Analysis and Operations Centre, a European body that tracks drug shipments across the Atlantic.

Interior Minister Elena Duarte told reporters that the cargo belonged to the Clan del Golfo and was bound
for Rotterdam. She said seven crew members, all foreign nationals, had been arrested.

The Clan del Golfo, Colombia's largest drug trafficking group, has used the coast of Lemaria as a
transit route since 2019, according to a report by the National Anti-Drug Office.

Opposition lawmakers have accused senior police officers of taking bribes to let shipments through.
The government denies any collusion and says the seizure proves its resolve.

Duarte said the investigation would look at who financed the voyage and at the port officials who
cleared the trawler to sail from Puerto Azul last month."""

# The same text under another outlet's name: a syndicated copy.
SYNDICATED = ("Distributed by Coastline News Service\n\n" + ORIGINAL
              + "\n\nRead more at Coastline News Service.")

# A content farm's rewrite: the same facts, names, numbers and order, with common words swapped.
SPUN = """PORT LEMAR - Coast guard officers in Port Lemar seized 2.4 tonnes of cocaine
from a fishing trawler on Tuesday, the most important haul within the nation's historical past, the
Inside Ministry stated.

The trawler, the Santa Brisa, was stopped 40 nautical miles off the shoreline after a tip from the Maritime
Evaluation and Operations Centre, a European physique that tracks drug shipments throughout the Atlantic.

Inside Minister Elena Duarte advised reporters that the cargo belonged to the Clan del Golfo and was certain
for Rotterdam. She mentioned seven crew members, all overseas nationals, had been arrested.

The Clan del Golfo, Colombia's greatest drug trafficking group, has used the shoreline of Lemaria as a
transit route since 2019, in accordance with a report by the Nationwide Anti-Drug Workplace.

Opposition lawmakers have accused senior police officers of taking bribes to let shipments by means of.
The federal government denies any collusion and says the seizure proves its resolve.

Duarte stated the investigation would have a look at who financed the voyage and on the port officers who
cleared the trawler to sail from Puerto Azul final month.

Supply hyperlink"""

# Another report of the same event: the same names and numbers, sentences of its own.
SAME_STORY = """Lemaria's record cocaine seizure puts the Clan del Golfo's Atlantic route in the spotlight

By Tomas Ferreira, The Atlantic Monitor, March 5

When the Santa Brisa was boarded off Port Lemar this week, investigators found 2.4 tonnes of cocaine
packed under frozen fish. For analysts who follow the trade, the surprise was not the size of the load.

Since 2019, the Colombian group has leaned on small West African states as staging posts for Europe,
said Ines Okafor, a researcher who has interviewed fishermen along the Lemarian coast.

She argued that Rotterdam and Antwerp remain the main gateways, and that the crews are rarely told
what they carry. Seven men now face trial, but none of the financiers has been named.

Lawmakers in the opposition want an inquiry into the police. Elena Duarte, the interior minister,
rejected the idea on Thursday and called the bribery allegations political theatre.

The Maritime Analysis and Operations Centre declined to comment on its role in the operation."""


def _article(text: str, doc_id: str, outlet: str, published: str | None) -> tuple[Article, None, str]:
    return Article(text=text, source=f"{doc_id}.txt", doc_id=doc_id, outlet=outlet, published=published,
                   language="en"), None, "ok"


def _rows(store: Store) -> dict[str, tuple[str, str | None, str]]:
    """doc_key -> (origin doc_key, copy_of doc_key, method), read straight from the table."""
    with store._engine.connect() as conn:
        keys = dict(conn.exec_driver_sql("SELECT id, doc_key FROM documents").all())
        found = conn.execute(document_copies.select()).all()
    return {keys[r.document_id]: (keys[r.story_id], keys.get(r.copy_of), r.method) for r in found}


# --- comparing two texts --------------------------------------------------------------------------
def test_a_syndicated_copy_under_another_outlet_line_is_a_copy() -> None:
    found = compare(ORIGINAL, SYNDICATED)
    assert found.is_copy and found.method == "syndicated"
    assert found.similarity >= 0.9


def test_a_spun_rewrite_is_a_copy() -> None:
    found = compare(ORIGINAL, SPUN)
    assert found.is_copy and found.method == "spun"
    assert found.similarity >= 0.8


def test_the_same_text_in_other_whitespace_and_case_is_exact() -> None:
    found = compare(ORIGINAL, ORIGINAL.upper().replace("\n", " "))
    assert found.is_copy and found.method == "exact" and found.similarity == 1.0


def test_another_report_of_the_same_story_is_not_a_copy() -> None:
    found = compare(ORIGINAL, SAME_STORY)
    assert not found.is_copy
    assert found.similarity < 0.2
    assert not compare(SPUN, SAME_STORY).is_copy


def test_templated_reports_with_other_numbers_are_not_copies() -> None:
    day = ("On March {d}, coalition forces conducted {n} strikes near Port Lemar. Near Puerto Azul, {k} "
           "strikes destroyed {k} boats and a storage site. Near Lemaria's border, one strike struck a "
           "tactical unit. Strike assessments are based on initial reports.")
    first = day.format(d=3, n=12, k=4)
    second = day.format(d=4, n=9, k=2)
    assert not compare(first, second).is_copy


# --- stories in a store ----------------------------------------------------------------------------
def test_the_bundled_corpus_has_exactly_its_two_spun_copies(store: Store) -> None:
    articles = [a for a in iter_articles([str(CORPUS)]) if not isinstance(a, Failure)]
    store.add_documents([(a, None, "ok") for a in articles], extractor_version="")
    assert update_copies(store) == len(articles)
    assert copy_pairs(store) == {
        ("06-wagner-mali-wire-spun", "04-wagner-mali-wire"),
        ("16-honduras-hernandez-sentence-spun", "15-honduras-hernandez-sentence-wire"),
    }
    assert {c["method"] for s in stories(store) for c in s["copies"]} == {"spun"}


def test_copies_join_the_story_of_the_earliest_document(store: Store) -> None:
    store.add_documents([
        _article(ORIGINAL, "original", "Harbour Post", "2025-03-03"),
        _article(SPUN, "spun", "NewsNow247", "2025-03-04"),
        _article(SYNDICATED, "syndicated", "Coastline", "2025-03-03T18:00"),
        _article(SAME_STORY, "feature", "The Atlantic Monitor", "2025-03-05"),
    ], extractor_version="")
    update_copies(store)
    assert _rows(store) == {
        "original": ("original", None, ""),
        "spun": ("original", "original", "spun"),
        "syndicated": ("original", "original", "syndicated"),
        "feature": ("feature", None, ""),
    }
    [story] = stories(store)
    assert story["origin"]["doc_key"] == "original"
    assert [c["doc_key"] for c in story["copies"]] == ["syndicated", "spun"]


def test_an_earlier_copy_added_later_becomes_the_origin(store: Store) -> None:
    store.add_documents([_article(SPUN, "spun", "NewsNow247", "2025-03-04"),
                         _article(SAME_STORY, "feature", "The Atlantic Monitor", "2025-03-05")], "")
    detector = CopyDetector(store)
    detector.add(detector.unanalysed())
    store.add_documents([_article(SYNDICATED, "syndicated", "Coastline", "2025-03-03T18:00")], "")
    detector.add(detector.unanalysed())
    assert _rows(store)["spun"] == ("syndicated", "syndicated", "spun")
    # a new detector, as a later ingest run would open: state rebuilt from the stored signatures
    results = store.add_documents([_article(ORIGINAL, "original", "Harbour Post", "2025-03-03")], "")
    CopyDetector(store).add([doc_id for _, doc_id in results])
    incremental = _rows(store)
    assert incremental == {
        "original": ("original", None, ""),
        "spun": ("original", "original", "spun"),
        "syndicated": ("original", "original", "syndicated"),
        "feature": ("feature", None, ""),
    }
    assert rebuild_copies(store) == 4
    assert _rows(store) == incremental


def test_a_document_without_a_date_is_never_the_origin_of_a_dated_copy(store: Store) -> None:
    store.add_documents([_article(ORIGINAL, "undated", "Harbour Post", None),
                         _article(SPUN, "dated", "NewsNow247", "2025-03-04")], "")
    update_copies(store)
    assert _rows(store)["undated"] == ("dated", "dated", "spun")


def test_stale_signatures_are_hashed_again(store: Store) -> None:
    store.add_documents([_article(ORIGINAL, "original", "Harbour Post", "2025-03-03")], "")
    update_copies(store)
    with store._engine.begin() as conn:
        conn.execute(update(document_signatures).values(signature=b"\x00"))
    store.add_documents([_article(SPUN, "spun", "NewsNow247", "2025-03-04")], "")
    update_copies(store)
    assert _rows(store)["spun"] == ("original", "original", "spun")


# --- the ingest hook and the command -----------------------------------------------------------------
ES_ORIGINAL = """La guardia costera de Puerto Lemar incautó el martes 2,4 toneladas de cocaína en un pesquero,
el mayor decomiso de la historia del país, según informó el Ministerio del Interior.

El pesquero Santa Brisa fue interceptado a 40 millas náuticas de la costa gracias a un aviso de un
organismo europeo que sigue los envíos de droga a través del Atlántico.

La ministra Elena Duarte dijo a los periodistas que la carga pertenecía al Clan del Golfo y tenía como
destino Rotterdam. Según la ministra, siete tripulantes extranjeros fueron detenidos."""


def test_ingest_puts_new_documents_into_stories(tmp_path: Path, db: str) -> None:
    # Spanish texts are stored without extraction, so this ingest needs no spaCy model.
    (tmp_path / "a.txt").write_text(ES_ORIGINAL, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Publicado por Agencia Costera\n\n" + ES_ORIGINAL, encoding="utf-8")
    with open_store(db) as opened:
        report = run_ingest([str(tmp_path / "a.txt")], opened, extractor=lambda: pytest.fail("no parsing"))
        assert len(report.skipped) == 1
        report = run_ingest([str(tmp_path / "b.txt")], opened, extractor=lambda: pytest.fail("no parsing"))
        assert len(report.skipped) == 1
        assert _rows(opened) == {"a": ("a", None, ""), "b": ("a", "a", "syndicated")}
    result = CliRunner().invoke(cli, ["stories", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    [story] = json.loads(result.output)
    assert story["origin"]["doc_key"] == "a"
    assert [(c["doc_key"], c["method"]) for c in story["copies"]] == [("b", "syndicated")]


def test_stories_command_analyses_old_documents_and_rebuilds(db: str) -> None:
    with open_store(db) as opened:
        opened.add_documents([_article(ORIGINAL, "original", "Harbour Post", "2025-03-03"),
                              _article(SPUN, "spun", "NewsNow247", "2025-03-04")], "")
    result = CliRunner().invoke(cli, ["stories", "--db", db])
    assert result.exit_code == 0, result.output
    assert "analysed 2 documents" in result.output
    assert "origin  original  Harbour Post  2025-03-03" in result.output
    assert "copy  spun  NewsNow247  2025-03-04  spun" in result.output
    rebuilt = CliRunner().invoke(cli, ["stories", "--db", db, "--rebuild"])
    assert rebuilt.exit_code == 0
    assert rebuilt.output.splitlines()[1:] == result.output.splitlines()[1:]


def test_stories_command_with_no_copies(new_db: Callable[..., str]) -> None:
    result = CliRunner().invoke(cli, ["stories", "--db", new_db("empty", empty=True)])
    assert result.exit_code == 0
    assert "No copies found" in result.output
