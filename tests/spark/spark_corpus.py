"""A small folder of invented news in every format the Spark engine reads, and what a store holds.

Texts, HTML, JSON lines (one broken), a Spanish text (stored, skipped), the same wire story twice
(a duplicate) and once more under another outlet's header (a copy, for copy detection), and a
Common Crawl style `.warc.gz` with a broken record and records that are no articles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warc_builders import news_warc

from claimgraph.store import Store

WIRE = """Officials say Iran armed militia behind border attack

BAGHDAD, May 6 (Meridian Wire) - Iran's Quds Force supplied rockets to Kataib Hezbollah before the
attack on the border post, two U.S. officials said on Tuesday. Tehran denied the accusation.

The officials said Hamas is funded by Iran as well, a charge Iranian diplomats have rejected in the
past. Kataib Hezbollah did not answer questions sent by e-mail.
"""

CARTEL_HTML = """<html><head><title>Cartel paid customs officers, prosecutors say</title>
<meta name="author" content="R. Ortega"></head><body><nav>Home | Americas</nav><article>
<h1>Cartel paid customs officers, prosecutors say</h1>
<p>MEXICO CITY - The Sinaloa Cartel bribed customs officers at the port of Manzanillo, federal
prosecutors said on Monday.</p>
<p>The government of Honduras denied that it had protected the cartel's shipments.</p>
</article></body></html>
"""

SPANISH = ("El gobierno negó el lunes que hubiera protegido a los cárteles, según un comunicado "
           "publicado por la cancillería en la capital.\n")

BRIEFS = [
    {"id": "wagner-brief", "text": "Russia's Wagner Group trained Malian soldiers near Timbuktu, a UN report "
     "said on Friday.", "outlet": "Sahel Monitor", "published": "2024-03-01"},
    "this line is {not json",
    {"html": "<p>The Taliban hosted al-Qaeda leaders in Kabul, according to a UN monitoring team.</p>",
     "title": "UN team on Taliban hosts"},
]


def write_corpus(folder: Path) -> Path:
    """The corpus under `folder`/news; returns that folder."""
    news = folder / "news"
    (news / "crawl").mkdir(parents=True)
    (news / "01-quds-wire.txt").write_text(WIRE, encoding="utf-8")
    (news / "02-cartel.html").write_text(CARTEL_HTML, encoding="utf-8")
    (news / "03-nota.txt").write_text(SPANISH, encoding="utf-8")
    (news / "04-quds-wire-again.txt").write_text(WIRE, encoding="utf-8")  # the same text: a duplicate
    syndicated = WIRE.replace("(Meridian Wire)", "(Gulf Courier, from Meridian Wire)")
    (news / "05-quds-courier.txt").write_text(syndicated, encoding="utf-8")
    lines = [json.dumps(item) if isinstance(item, dict) else item for item in BRIEFS]
    (news / "briefs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    news_warc().corrupt_member("https://harbour.example/damaged").write(news / "crawl" / "cc-news.warc.gz")
    (news / ".draft.txt").write_text("Hidden files are not read.", encoding="utf-8")
    (news / "scan.pdf").write_bytes(b"%PDF-1.4 not read in a folder")
    return news


def snapshot(store: Store) -> dict[str, Any]:
    """What the store holds, independent of row ids and storage order."""
    _, listed = store.documents(limit=1000)
    documents = set()
    for row in listed:
        stored = store.document(row["doc_key"])
        assert stored is not None
        documents.add((row["doc_key"], row["title"], row["url"], row["outlet"], row["author"],
                       row["published"], row["language"], row["status"], row["claim_count"], row["copy_of"],
                       stored["source"], stored["text"]))
    claims = {(row["doc_key"], row["subject_id"], row["relation"], row["object_id"], row["polarity"],
               row["modality"], row["speaker_id"], row["evidence"], row["start"], row["end"], row["cue"])
              for row in store.claims()}
    entities = {(row["id"], row["name"], row["type"], row["claim_count"], row["mention_count"])
                for row in store.entities()}
    return {"documents": documents, "claims": claims, "entities": entities, "counts": store.counts()}


def outcome(report: dict[str, Any]) -> dict[str, Any]:
    """An ingest report's JSON without what may differ between runs: time, database, item order."""
    return {"new": report["new"], "duplicate": report["duplicate"],
            "skipped": sorted((item["source"], item["reason"]) for item in report["skipped"]),
            "failed": sorted((item["source"], item["code"]) for item in report["failed"])}
