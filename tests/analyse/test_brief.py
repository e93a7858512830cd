"""Briefings: the builder and both renderers on hand-built links (independent of the link engine), then
the `claimgraph brief` command on the bundled corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from claimgraph.analyse import brief as brief_module
from claimgraph.analyse.brief import (
    Briefing,
    build_briefing,
    md_unescape,
    render_html,
    render_markdown,
    shown,
)
from claimgraph.analyse.copies import update_copies
from claimgraph.analyse.links import Evidence, Link
from claimgraph.cli import cli
from claimgraph.errors import ClaimgraphError
from claimgraph.extract.pipeline import Extractor
from claimgraph.ingest_run import run_ingest
from claimgraph.store import open_store
from claimgraph.store.transfer import copy_store

MD_SECTIONS = ["# Briefing: ", "## Synopsis", "## Key takeaways", "## Contested links", "## Timeline",
               "## Sources"]
HTML_SECTIONS = ["synopsis", "takeaways", "contested", "timeline", "sources"]
XSS = "<script>alert(1)</script>"


# --- reading the output back ------------------------------------------------------------------------
MD_QUOTE = re.compile(r"^ *> (?!— )(.+)\n *>\n *> — .*\(claim (\d+)\) \\\[(\d+)\\\]$", re.MULTILINE)


def md_quotes(text: str) -> list[tuple[str, int, int]]:
    """(quoted text, claim id, citation) of every blockquote of a Markdown briefing."""
    return [(md_unescape(q), int(claim), int(n)) for q, claim, n in MD_QUOTE.findall(text)]


def md_citations(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\\\[(\d+)\\\]", text)}


def md_sources(text: str) -> set[int]:
    tail = text.split("## Sources", 1)[1]
    return {int(n) for n in re.findall(r"^(\d+)\. ", tail, re.MULTILINE)}


def md_section_order(text: str) -> list[int]:
    return [text.index(heading) for heading in MD_SECTIONS]


class Page(HTMLParser):
    """What the HTML tests look at: tags, quotes, links, citations, source anchors, chart groups."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.quotes: list[tuple[str, int]] = []
        self.text: list[str] = []
        self._quote: list[str] | None = None
        self._claim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "blockquote":
            self._quote, self._claim = [], int(attributes["data-claim"] or 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self._quote is not None:
            self.quotes.append(("".join(self._quote), self._claim))
            self._quote = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._quote is not None:
            self._quote.append(data)

    def attr(self, tag: str, name: str) -> list[str]:
        return [a[name] or "" for t, a in self.tags if t == tag and name in a]


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def html_checks(page: str) -> Page:
    """Structure every HTML briefing must have; returns the parsed page."""
    parsed = parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags and "<script" not in page.lower()
    assert not {"img", "link", "iframe", "object", "embed", "form"} & tags
    assert not re.search(r"\bon[a-z]+\s*=", page, re.IGNORECASE)  # no event handlers
    assert "Content-Security-Policy" in page and "@import" not in page and "url(" not in page
    # the only http(s) addresses are plain <a href> to sources (and the SVG namespace)
    hrefs = parsed.attr("a", "href")
    sources = [href for href in hrefs if not href.startswith("#")]
    assert all(re.match(r"https?://", href) for href in sources)
    for tag, attributes in parsed.tags:
        for name, value in attributes.items():
            if value and re.match(r"\s*(https?:|//|javascript:|data:)", value, re.IGNORECASE):
                assert (tag, name) == ("a", "href") or (tag, name) == ("svg", "xmlns"), (tag, name, value)
    anchors = {int(value[4:]) for value in parsed.attr("li", "id") if value.startswith("src-")}
    cited = {int(href[5:]) for href in hrefs if href.startswith("#src-")}
    assert cited and cited <= anchors
    positions = [page.index(f'<section id="{name}">') for name in HTML_SECTIONS]
    assert positions == sorted(positions)
    return parsed


# --- hand-built links ---------------------------------------------------------------------------------
NAMES = {"wagner-group": "Wagner Group", "russia": "Russia", "mali": "Mali", "united-states": "United States",
         "libya": "Libya", "alex-speaker": "Alex Speaker"}


def ev(claim_id: int, subject: str, relation: str, obj: str, *, polarity: str = "affirmed",
       modality: str = "asserted", speaker: str | None = None, document: str = "doc-a",
       published: str | None = "2023-07-06", outlet: str | None = "Meridian Wire", text: str = "",
       copy_of: str | None = None) -> Evidence:
    return Evidence(
        claim_id=claim_id, subject=subject, relation=relation, object=obj, polarity=polarity,
        modality=modality, speaker=speaker, speaker_name=NAMES.get(speaker or ""), document=document,
        title=f"Title of {document}",
        outlet=outlet, published=published, url=f"https://example.org/{document}", evidence=text or
        f"Sentence {claim_id} says {subject} {relation} {obj}.", start=claim_id * 10, end=claim_id * 10 + 5,
        source=(outlet or document) if copy_of is None else "origin-outlet", copy_of=copy_of,
    )


EVIDENCE: dict[tuple[str, str, str], list[Evidence]] = {
    ("russia", "directs", "wagner-group"): [
        ev(1, "russia", "directs", "wagner-group", modality="hedged", document="doc-a",
           published="2023-06-01", text="Russia may be *directing* Wagner [sources]\n  say."),
        ev(2, "russia", "directs", "wagner-group", speaker="alex-speaker", document="doc-b",
           published="2023-07-06", outlet="The Atlas Ledger"),
        ev(3, "russia", "directs", "wagner-group", speaker="alex-speaker", document="doc-c",
           published="2023-06-20", outlet="Copy Farm", copy_of="doc-b"),
    ],
    ("mali", "finances", "wagner-group"): [
        ev(4, "mali", "finances", "wagner-group", document="doc-d", published="2024-01-10",
           text="1. Mali pays Wagner $10 million a month, # officials | said."),
        ev(5, "mali", "finances", "wagner-group", polarity="denied", speaker="mali", document="doc-e",
           published="2024-02-02", outlet="Bamako Daily", text=f"Mali denied paying Wagner {XSS} & more."),
    ],
    ("united-states", "sanctions", "wagner-group"): [
        ev(6, "united-states", "sanctions", "wagner-group", document="doc-f", published=None, outlet=None),
    ],
    ("wagner-group", "linked_to", "libya"): [
        ev(7, "wagner-group", "linked_to", "libya", polarity="denied", document="doc-a",
           published="2023-06-01"),
    ],
}


def link(subject: str, relation: str, obj: str, status: str, **counts: Any) -> Link:
    items = EVIDENCE[(subject, relation, obj)]
    days = sorted(e.published for e in items if e.published)
    return Link(subject, NAMES[subject], relation, obj, NAMES[obj],
                affirmed=sum(e.polarity == "affirmed" for e in items),
                denied=sum(e.polarity == "denied" for e in items),
                sources_for=sorted({e.source for e in items if e.polarity == "affirmed"}),
                sources_against=sorted({e.source for e in items if e.polarity == "denied"}),
                first_seen=days[0] if days else None, last_seen=days[-1] if days else None, status=status,
                **counts)


LINKS = [  # deliberately not in briefing order
    link("wagner-group", "linked_to", "libya", "denied"),
    link("united-states", "sanctions", "wagner-group", "single-source"),
    link("mali", "finances", "wagner-group", "contested"),
    link("russia", "directs", "wagner-group", "corroborated"),
]


class FakeStore:
    def match_entities(self, name: str) -> list[str]:
        return [key for key, value in NAMES.items() if name in (key, value)]

    def entities(self) -> list[dict[str, Any]]:
        return [{"id": key, "name": value} for key, value in sorted(NAMES.items())]


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The link engine replaced by the hand-built links; records the calls."""
    calls: list[dict[str, Any]] = []

    def assess(store: Any, **options: Any) -> list[Link]:
        calls.append(options)
        return [replace(item) for item in LINKS]

    def evidence_for(store: Any, item: Link, **options: Any) -> list[Evidence]:
        return list(reversed(EVIDENCE[(item.subject, item.relation or "", item.object)]))

    monkeypatch.setattr(brief_module, "assess", assess)
    monkeypatch.setattr(brief_module, "evidence_for", evidence_for)
    return calls


def hand_built(**options: Any) -> Briefing:
    return build_briefing(FakeStore(), "Wagner Group", **options)  # type: ignore[arg-type]


# --- the tests ----------------------------------------------------------------------------------------
def test_takeaways_follow_status_order_with_their_strongest_evidence(engine: list[dict[str, Any]]) -> None:
    briefing = hand_built()
    assert engine == [{"entity": "wagner-group", "since": None}]
    statuses = [t.link.status for t in briefing.takeaways]
    assert statuses == ["corroborated", "contested", "single-source", "denied"]
    best = [t.quote.evidence.claim_id if t.quote else None for t in briefing.takeaways]
    # asserted beats hedged (1), the origin beats its earlier copy (3); a denied link quotes its denial
    assert best == [2, 4, 6, 7]
    sides = [(c.link.relation, [q.evidence.claim_id for q in c.affirming],
              [q.evidence.claim_id for q in c.denying]) for c in briefing.contested]
    assert sides == [("finances", [4], [5])]
    assert [q.evidence.claim_id for q in briefing.timeline] == [1, 7, 3, 2, 4, 5, 6]  # by date, undated last
    assert briefing.months == [("2023-06", 2, 1), ("2023-07", 1, 0), ("2024-01", 1, 0), ("2024-02", 0, 1)]
    assert [s.document for s in briefing.sources] == ["doc-a", "doc-c", "doc-b", "doc-d", "doc-e", "doc-f"]
    assert briefing.synopsis[0] == ("7 claims in 6 documents from 5 independent sources link Wagner Group to "
                                    "4 other actors, in 4 distinct links.")


def test_markdown_quotes_stored_sentences_and_cites_listed_sources(engine: list[dict[str, Any]]) -> None:
    text = render_markdown(hand_built())
    order = md_section_order(text)
    assert order == sorted(order)
    stored = {e.claim_id: e.evidence for items in EVIDENCE.values() for e in items}
    quotes = md_quotes(text)
    assert {claim for _, claim, _ in quotes} == {2, 4, 5, 6, 7}
    for quoted, claim, _ in quotes:
        assert quoted == shown(stored[claim])
    assert md_citations(text) <= md_sources(text) == set(range(1, 7))
    # Markdown-significant characters in article text are escaped, so nothing formats or opens HTML
    assert "1\\. Mali pays Wagner $10 million a month, # officials \\| said." in text
    assert "\\<script\\>alert(1)\\</script\\>" in text and XSS not in text
    assert text == render_markdown(hand_built())


def test_html_is_self_contained_escaped_and_charted(engine: list[dict[str, Any]]) -> None:
    page = render_html(hand_built())
    parsed = html_checks(page)
    stored = {e.claim_id: e.evidence for items in EVIDENCE.values() for e in items}
    assert parsed.quotes and all(quoted == shown(stored[claim]) for quoted, claim in parsed.quotes)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in page and XSS not in page
    assert parsed.attr("g", "data-month") == ["2023-06", "2023-07", "2024-01", "2024-02"]
    assert len(parsed.attr("rect", "data-count")) == 8
    assert page == render_html(hand_built())


def test_since_leaves_out_older_and_undated_evidence(engine: list[dict[str, Any]]) -> None:
    briefing = hand_built(since="2023-07-01")
    assert engine[-1] == {"entity": "wagner-group", "since": "2023-07-01"}
    assert [q.evidence.claim_id for q in briefing.timeline] == [2, 4, 5]
    assert [t.link.relation for t in briefing.takeaways] == ["directs", "finances"]
    assert "since 2023-07-01" in briefing.synopsis[0]
    assert "Evidence published on or after 2023-07-01." in render_markdown(briefing)


def test_unsafe_source_urls_are_not_links(engine: list[dict[str, Any]],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    item = EVIDENCE[("united-states", "sanctions", "wagner-group")][0]
    monkeypatch.setitem(EVIDENCE, ("united-states", "sanctions", "wagner-group"),
                        [replace(item, url="javascript:alert(1)")])
    page = render_html(hand_built())
    html_checks(page)
    assert "javascript:alert(1)" in page and 'href="javascript' not in page


def test_unknown_entity_is_a_coded_error(engine: list[dict[str, Any]]) -> None:
    with pytest.raises(ClaimgraphError) as error:
        build_briefing(FakeStore(), "Nobody")  # type: ignore[arg-type]
    assert error.value.code == "E204" and "Nobody" in str(error.value)


def test_an_actor_without_links_gets_a_short_briefing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief_module, "assess", lambda store, **options: [])
    briefing = build_briefing(FakeStore(), "libya")  # type: ignore[arg-type]
    assert briefing.synopsis == ["The store holds no claim linking Libya to another actor."]
    text = render_markdown(briefing)
    assert md_section_order(text) == sorted(md_section_order(text))
    html_checks_without_citations = parse(render_html(briefing))
    assert "script" not in {tag for tag, _ in html_checks_without_citations.tags}


# --- the bundled corpus, through the link engine and the CLI --------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
HOSTILE = {
    "id": "hostile-wire", "title": "Tehran <b>arms</b> the Houthis", "outlet": "Test Wire <i>",
    "published": "2025-05-02", "url": "https://example.org/hostile?a=1&b=<2>",
    "text": f"Iran arms the Houthis with drones {XSS} and missiles, the ministry said on Friday.\n\n"
            "Tehran finances Hezbollah through front companies, officials said.",
}


@pytest.fixture(scope="module")
def corpus_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled corpus and one hostile document, ingested once into SQLite, copies detected."""
    root = tmp_path_factory.mktemp("brief")
    (root / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = str(root / "graph.db")
    with open_store(db) as store:
        report = run_ingest([str(CORPUS), str(root / "hostile.jsonl")], store, Extractor())
        assert report.failed == [] and report.new >= 26
        update_copies(store)
    return db


@pytest.fixture(scope="module")
def corpus_db(backend: str, corpus_sqlite: str, module_db: Callable[..., str]) -> str:
    """The corpus store on each backend: on PostgreSQL, a `db copy` of the SQLite one (the spaCy
    pipeline runs once; the briefs must read the same from the copy)."""
    if backend == "sqlite":
        return corpus_sqlite
    target = module_db("corpus", empty=True)
    copy_store(corpus_sqlite, target)
    return target


def run_brief(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["brief", *args, "--db", str(db)])


def stored_claims(db: str, entity: str) -> dict[int, dict[str, Any]]:
    with open_store(str(db)) as store:
        return {row["id"]: row for row in store.claims(entity=entity)}


def test_corpus_markdown_brief_is_traceable_to_stored_claims(corpus_db: str) -> None:
    result = run_brief(corpus_db, "Iran")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Briefing: Iran\n")
    assert md_section_order(text) == sorted(md_section_order(text))
    claims = stored_claims(corpus_db, "Iran")
    quotes = md_quotes(text)
    assert len(quotes) >= 5
    for quoted, claim, _ in quotes:
        assert quoted == shown(claims[claim]["evidence"])
    # every citation resolves to a listed source, numbered 1..n, and each quote cites its own document
    sources = md_sources(text)
    assert md_citations(text) <= sources == set(range(1, len(sources) + 1))
    listed = dict(re.findall(r"^(\d+)\. .*, doc (\S+?)(?:, copy of \S+)?$", text.split("## Sources")[1],
                             re.MULTILINE))
    assert all(listed[str(n)] == claims[claim]["doc_key"] for _, claim, n in quotes)
    # the timeline holds every stored claim about Iran, once
    timeline = text.split("## Timeline")[1].split("## Sources")[0]
    assert sorted(int(n) for n in re.findall(r"\(claim (\d+)\)", timeline)) == sorted(claims)
    # the contested link gives both sides, each quote on its side
    contested = text.split("## Contested links")[1].split("## Timeline")[0]
    assert "### Iran arms Houthis" in contested
    affirming, denying = contested.split("Denying (")
    assert {claims[c]["polarity"] for _, c, _ in md_quotes(affirming)} == {"affirmed"}
    assert {claims[c]["polarity"] for _, c, _ in md_quotes(denying)} == {"denied"}


def test_corpus_brief_is_deterministic(corpus_db: str, tmp_path: Path) -> None:
    for fmt in ("md", "html"):
        first = run_brief(corpus_db, "Wagner Group", "--format", fmt)
        again = run_brief(corpus_db, "wagner-group", "--format", fmt, "-o", str(tmp_path / f"brief.{fmt}"))
        assert first.exit_code == again.exit_code == 0
        assert (tmp_path / f"brief.{fmt}").read_bytes() == first.stdout_bytes


def test_since_keeps_only_later_evidence(corpus_db: str) -> None:
    everything = run_brief(corpus_db, "Iran").stdout
    later = run_brief(corpus_db, "Iran", "--since", "2025-04-01").stdout
    claims = stored_claims(corpus_db, "Iran")
    kept = [int(n) for n in re.findall(r"\(claim (\d+)\)", later.split("## Timeline")[1])]
    assert kept and len(set(kept)) < len(claims)
    assert all((claims[n]["published"] or "")[:10] >= "2025-04-01" for n in kept)
    assert "Evidence published on or after 2025-04-01." in later and "since 2025-04-01" in later
    assert later != everything
    bad = run_brief(corpus_db, "Iran", "--since", "April")
    assert bad.exit_code == 2 and "--since" in bad.output


def test_corpus_html_brief_is_self_contained_and_escaped(corpus_db: str) -> None:
    result = run_brief(corpus_db, "Iran", "--format", "html")
    assert result.exit_code == 0
    page = result.stdout
    parsed = html_checks(page)
    claims = stored_claims(corpus_db, "Iran")
    assert parsed.quotes
    assert all(quoted == shown(claims[claim]["evidence"]) for quoted, claim in parsed.quotes)
    # the hostile document's text, title, outlet and URL are there, escaped
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tehran &lt;b&gt;arms&lt;/b&gt; the Houthis" in page and "Test Wire &lt;i&gt;" in page
    assert "https://example.org/hostile?a=1&b=<2>" in parsed.attr("a", "href")
    # one bar group per month that has dated claims, in order
    months = sorted({row["published"][:7] for row in claims.values() if row["published"]})
    assert parsed.attr("g", "data-month") == months
    assert page.count("<svg") == 1


def test_unknown_entity_exits_2(corpus_db: str) -> None:
    result = run_brief(corpus_db, "Atlantis Liberation Front")
    assert result.exit_code == 2
    assert "E204" in result.output and "Atlantis Liberation Front" in result.output
