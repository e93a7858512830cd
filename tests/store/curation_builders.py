"""Invented documents for the curation tests: a gang known under two names, a shipping firm resolved to
the man it is named after, and two go-betweens who pay the gang in the same breath."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from store_builders import claim, mention

from backends import raw
from claimgraph.model import Article, Entity, Extraction
from claimgraph.store import Store

ENTITIES = {
    "korvian-navy": ("Korvian Navy", "state_body"),
    "red-kite-brotherhood": ("Red Kite Brotherhood", "criminal_group"),
    "kite-gang": ("Kite Gang", "criminal_group"),
    "marek-tolan": ("Marek Tolan", "person"),
    "port-vell": ("Port Vell", "place"),
    "osk": ("Osk", "person"),
    "pell": ("Pell", "person"),
    "tolan-shipping": ("Tolan Shipping Ltd", "company"),
}
PROVISIONAL = {"kite-gang", "osk", "pell"}

# (evidence, subject, relation, object, speaker, polarity)
ClaimSpec = tuple[str, str, str, str, str | None, str]

KITE_TEXT = (
    "The Korvian Navy protects the Red Kite Brotherhood, Marek Tolan said. "
    "Both the Red Kite Brotherhood and the Kite Gang work with the Korvian Navy. "
    "The Red Kite Brotherhood is linked to the Kite Gang. Tolan Shipping finances the Kite Gang."
)
KITE_MENTIONS = [
    ("Korvian Navy", "korvian-navy"), ("Red Kite Brotherhood", "red-kite-brotherhood"),
    ("Marek Tolan", "marek-tolan"), ("Red Kite Brotherhood", "red-kite-brotherhood"),
    ("Kite Gang", "kite-gang"), ("Korvian Navy", "korvian-navy"),
    ("Red Kite Brotherhood", "red-kite-brotherhood"), ("Kite Gang", "kite-gang"),
    ("Tolan Shipping", "marek-tolan"),  # the resolver's mistake that a split corrects
    ("Kite Gang", "kite-gang"),
]
KITE_CLAIMS: list[ClaimSpec] = [
    ("The Korvian Navy protects the Red Kite Brotherhood", "korvian-navy", "supports",
     "red-kite-brotherhood", "marek-tolan", "affirmed"),
    # one sentence, two claims with the same start: duplicates once the two gangs are one
    ("Both the Red Kite Brotherhood and the Kite Gang work with the Korvian Navy", "red-kite-brotherhood",
     "cooperates_with", "korvian-navy", None, "affirmed"),
    ("Both the Red Kite Brotherhood and the Kite Gang work with the Korvian Navy", "kite-gang",
     "cooperates_with", "korvian-navy", None, "affirmed"),
    # a self-link once the two gangs are one
    ("The Red Kite Brotherhood is linked to the Kite Gang", "red-kite-brotherhood", "linked_to", "kite-gang",
     None, "affirmed"),
    ("Tolan Shipping finances the Kite Gang", "marek-tolan", "finances", "kite-gang", None, "affirmed"),
]

LATER_TEXT = (
    "Marek Tolan says the Kite Gang pays the Korvian Navy. Tolan Shipping denied any ties to the Kite Gang. "
    "The Red Kite Brotherhood recruits in Port Vell."
)
LATER_MENTIONS = [
    ("Marek Tolan", "marek-tolan"), ("Kite Gang", "kite-gang"), ("Korvian Navy", "korvian-navy"),
    ("Tolan Shipping", "marek-tolan"), ("Kite Gang", "kite-gang"),
    ("Red Kite Brotherhood", "red-kite-brotherhood"), ("Port Vell", "port-vell"),
]
LATER_CLAIMS: list[ClaimSpec] = [
    ("the Kite Gang pays the Korvian Navy", "kite-gang", "finances", "korvian-navy", "marek-tolan",
     "affirmed"),
    ("Tolan Shipping denied any ties to the Kite Gang", "marek-tolan", "linked_to", "kite-gang", None,
     "denied"),
    ("The Red Kite Brotherhood recruits in Port Vell", "red-kite-brotherhood", "operates_in", "port-vell",
     None, "affirmed"),
]

PAY_TEXT = "Osk and Pell pay the Kite Gang."
PAY_MENTIONS = [("Osk", "osk"), ("Pell", "pell"), ("Kite Gang", "kite-gang")]
PAY_CLAIMS: list[ClaimSpec] = [
    ("Osk and Pell pay the Kite Gang", "osk", "finances", "kite-gang", None, "affirmed"),
    ("Osk and Pell pay the Kite Gang", "pell", "finances", "kite-gang", None, "affirmed"),
]


def document(doc_id: str, text: str, mentions: list[tuple[str, str]], claims: list[ClaimSpec]
             ) -> tuple[Article, Extraction]:
    """A document whose mentions take the phrases' occurrences in order."""
    seen: Counter[str] = Counter()
    found = []
    for phrase, entity_id in mentions:
        found.append(mention(text, phrase, entity_id, occurrence=seen[phrase]))
        seen[phrase] += 1
    ids = list(dict.fromkeys(entity_id for _, entity_id in mentions))
    entities = [Entity(e, *ENTITIES[e], mentions=sorted({p for p, m in mentions if m == e}),
                       provisional=e in PROVISIONAL) for e in ids]
    article = Article(text=text, source=f"/data/{doc_id}.txt", doc_id=doc_id, outlet="Korvia Today")
    stated = [claim(text, ev, s, r, o, speaker=sp, polarity=pol) for ev, s, r, o, sp, pol in claims]
    return article, Extraction(doc_id, entities, stated, found)


def kite() -> tuple[Article, Extraction]:
    return document("kite-report", KITE_TEXT, KITE_MENTIONS, KITE_CLAIMS)


def later() -> tuple[Article, Extraction]:
    return document("later-report", LATER_TEXT, LATER_MENTIONS, LATER_CLAIMS)


def pay() -> tuple[Article, Extraction]:
    return document("pay-note", PAY_TEXT, PAY_MENTIONS, PAY_CLAIMS)


# Everything but the audit tables (judgements, row_moves) and entities' creation times.
GRAPH_TABLES = {
    "entities": "id, name, type, country, wikidata, provisional",
    "aliases": "*", "mentions": "*", "claims": "*",
    "redirects": "*", "alias_assignments": "*", "blocked_aliases": "*",
}


def dump(db: str | Path) -> dict[str, list[tuple[object, ...]]]:
    """The whole graph, read on a connection of its own, independently of the Store under test."""
    return {table: sorted(raw(db, f"SELECT {columns} FROM {table}"), key=repr)
            for table, columns in GRAPH_TABLES.items()}


def ingest(store: Store, *docs: tuple[Article, Extraction]) -> None:
    for article, extraction in docs:
        assert store.add_document(article, extraction)[0] == "new"
