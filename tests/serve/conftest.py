"""What the web UI tests share: a store of invented actors and a real uvicorn server on loopback.

The store holds a contested link (two outlets affirm, the accused denies, one report syndicated by a
third outlet), a hedged link, and a document whose title, outlet and text carry script payloads.
Fixtures: `ui_base` (the server's base URL, one per test module and backend, with $CLAIMGRAPH_TOKEN set) and
`ui_corpus` (the texts and names the store was filled with).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from live_server import serving

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import open_store

TOKEN = "ui-test-token"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
XSS_TITLE = f"Port deal {SCRIPT}"
XSS_OUTLET = f"Wire {SCRIPT}"

ACTORS = {
    "varnia": ("Varnia", "state"),
    "red-lantern": ("Red Lantern Front", "armed_group"),
    "ilse-moor": ("Ilse Moor", "person"),
    "grey-wolves": ("Grey Wolves Ring", "criminal_group"),
    "kessa-port": ("Port Authority of Kessa", "state_body"),
}
ARMS = "Varnia arms the Red Lantern Front, Minister Ilse Moor said on Monday in the capital."
ORIGIN = (f"{ARMS} The shipments crossed the northern border at night, officials told reporters. "
          "The ministry promised a full inquiry into the convoy routes before the summer.")
# the same report, syndicated under another outlet's name with a dateline: a copy, not a new source
COPY = f"KESSA (Harbour Wire) - {ORIGIN}"
AFFIRM_TWO = "The Red Lantern Front is armed by Varnia, according to the Coastal Monitor."
DENY = "Varnia denied that it arms the Red Lantern Front."
HEDGED = f"The Grey Wolves Ring may work with the Port Authority of Kessa. {SCRIPT} {IMG}"


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# (subject, relation, object, polarity, modality, speaker, evidence found in the text)
Said = tuple[str, str, str, str, str, str | None, str]


def _doc(key: str, text: str, outlet: str, published: str, claims: list[Said],
         title: str | None = None) -> tuple[Article, Extraction]:
    article = Article(text=text, source=f"/ui-test/{key}.txt", doc_id=key, title=title or f"Report {key}",
                      url=f"https://news.example/{key}", outlet=outlet, published=published, language="en")
    present = {i: v for i, v in ACTORS.items() if v[0] in text}
    entities = [Entity(i, name, kind, mentions=[name]) for i, (name, kind) in present.items()]
    mentions = [Mention(*_span(text, name), name, i, rule="alias") for i, (name, _) in present.items()]
    found = [Claim(s, r, o, p, m, sp, ev, *_span(text, ev), cue=r, rule="test")
             for s, r, o, p, m, sp, ev in claims]
    return article, Extraction(key, entities, found, mentions)


def fill(db: str) -> None:
    from claimgraph.analyse.copies import update_copies

    arms = ("varnia", "arms", "red-lantern")
    moor_said: Said = (*arms, "affirmed", "asserted", "ilse-moor", ARMS)
    docs = [
        _doc("kessa-1", ORIGIN, "Kessa Times", "2031-01-05", [moor_said]),
        _doc("harbour-1", COPY, "Harbour Wire", "2031-01-06", [moor_said]),
        _doc("coastal-1", AFFIRM_TWO, "Coastal Monitor", "2031-02-10",
             [(*arms, "affirmed", "asserted", None, AFFIRM_TWO)]),
        _doc("varnia-1", DENY, "Varnia Daily", "2031-03-01", [(*arms, "denied", "asserted", "varnia", DENY)]),
        _doc("xss-1", HEDGED, XSS_OUTLET, "2031-04-01",
             [("grey-wolves", "cooperates_with", "kessa-port", "affirmed", "hedged", None,
               "The Grey Wolves Ring may work with the Port Authority of Kessa.")], title=XSS_TITLE),
    ]
    with open_store(db) as store:
        for article, extraction in docs:
            store.add_document(article, extraction)
        update_copies(store)


class Corpus:
    """The constants above, for the test modules (a conftest is not imported by name)."""

    token = TOKEN
    script = SCRIPT
    img = IMG
    xss_title = XSS_TITLE
    xss_outlet = XSS_OUTLET
    actors = ACTORS
    arms = ARMS
    deny = DENY
    affirm_two = AFFIRM_TWO


@pytest.fixture(scope="module")
def ui_corpus() -> type[Corpus]:
    return Corpus


@pytest.fixture(scope="module")
def ui_base(module_db: Callable[..., str]) -> Iterator[str]:
    db = module_db("ui")
    fill(db)
    with serving(db, TOKEN) as base:
        yield base
