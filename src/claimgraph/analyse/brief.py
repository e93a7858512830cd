"""Briefings on one actor: an extractive, deterministic digest of what the store says about it.

`build_briefing(store, entity, since=...)` gathers the actor's links (`analyse.links.assess`) and
their evidence (`analyse.links.evidence_for`) into a `Briefing`; `render_markdown` and `render_html`
turn it into text. Nothing is written that the store does not hold:

- the synopsis is computed from counts and names only ("12 claims from 7 independent sources link
  X to 5 actors"); it states no claim of its own;
- every quoted sentence is a stored claim's evidence, verbatim except that each run of whitespace
  is shown as one space, followed by its speaker, outlet, date and a citation number `[n]` that
  points into the list of sources (outlet, title, date, URL, document key);
- the timeline lists the stored claims themselves (ends, relation, polarity, modality), dated by
  their document's publication date.

Key takeaways are the strongest links, in this order: status (corroborated, contested,
single-source, denied), then more independent sources first, then the most recent evidence first,
then subject, relation and object ids.

The strongest evidence of a link (on one side: affirming, or denying for a denied link) is chosen by:

1. asserted before hedged;
2. a named speaker before none;
3. an origin document before a copy of it (`Evidence.copy_of` unset first);
4. the earliest publication date (undated evidence last);
5. the lowest claim id.

A contested link shows the best evidence of each side, from up to `SIDE_QUOTES` independent sources
per side, ranked the same way. Every ordering ends on ids, so the same store gives the same bytes.
With `since`, evidence published before that date, and undated evidence, is left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimgraph.analyse.links import Evidence, Link, assess, evidence_for
from claimgraph.errors import ClaimgraphError, Code

if TYPE_CHECKING:
    from claimgraph.store import Store

STATUS_ORDER = ("corroborated", "contested", "single-source", "denied")
TAKEAWAYS = 5
SIDE_QUOTES = 2
UNDATED = "undated"


# --- the data -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One document cited by the briefing; `number` is its citation `[n]`."""

    number: int
    document: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    copy_of: str | None = None


@dataclass(frozen=True)
class Quote:
    """A stored evidence sentence and the source it is cited from."""

    evidence: Evidence
    citation: int


@dataclass
class Takeaway:
    link: Link
    quote: Quote | None
    claims: int  # evidence items behind the link (after `since`)


@dataclass
class Contested:
    link: Link
    affirming: list[Quote]
    denying: list[Quote]


@dataclass
class Briefing:
    entity: str
    entity_name: str
    since: str | None
    synopsis: list[str]
    takeaways: list[Takeaway]
    contested: list[Contested]
    timeline: list[Quote]  # every claim, in date order (undated last)
    sources: list[Source]
    months: list[tuple[str, int, int]] = field(default_factory=list)  # (YYYY-MM, affirmed, denied)
    names: dict[str, str] = field(default_factory=dict)  # entity id -> name, for the timeline


# --- building ---------------------------------------------------------------------------------------
def resolve_entity(store: Store, entity: str) -> str:
    """The id of the stored entity with this id, name or alias; E204 when there is none."""
    ids = store.match_entities(entity)
    if not ids:
        raise ClaimgraphError(Code.UNKNOWN_ENTITY,
                              f"no stored entity is called {entity!r}; try `claimgraph entities`")
    if len(ids) > 1:
        raise ClaimgraphError(Code.BAD_OPTION,
                              f"{entity!r} names several entities ({', '.join(ids)}): give one id")
    return ids[0]


def _day(published: str | None) -> str | None:
    return published[:10] if published else None


def _keep(evidence: Evidence, since: str | None) -> bool:
    if since is None:
        return True
    day = _day(evidence.published)
    return day is not None and day >= since


def strength(evidence: Evidence) -> tuple[int, int, int, str, int]:
    """Sort key of evidence, strongest first (see the module docstring)."""
    return (
        0 if evidence.modality == "asserted" else 1,
        0 if evidence.speaker else 1,
        0 if evidence.copy_of is None else 1,
        _day(evidence.published) or "9999-99-99",
        evidence.claim_id,
    )


def _link_key(link: Link) -> tuple[str, str, str]:
    return (link.subject, link.relation or "", link.object)


def order_links(links: Iterable[Link]) -> list[Link]:
    """Strongest first: status, independent sources, recency, then ids (stable sorts, last key first)."""
    ordered = sorted(links, key=_link_key)
    ordered.sort(key=lambda link: link.last_seen or "", reverse=True)
    ordered.sort(key=lambda link: -len(link.sources_for))
    ordered.sort(key=lambda link: _status_rank(link.status))
    return ordered


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _timeline_key(evidence: Evidence) -> tuple[int, str, str, int, int]:
    day = _day(evidence.published)
    return (0 if day else 1, day or "", evidence.document, evidence.start, evidence.claim_id)


def _best(items: Iterable[Evidence]) -> Evidence | None:
    return min(items, key=strength, default=None)


def _side(items: list[Evidence], polarity: str, limit: int) -> list[Evidence]:
    """The best evidence of each independent source on one side, best sources first."""
    by_source: dict[str, Evidence] = {}
    for item in sorted((e for e in items if e.polarity == polarity), key=strength):
        by_source.setdefault(item.source, item)
    return sorted(by_source.values(), key=strength)[:limit]


def _sources(evidence: Iterable[Evidence]) -> list[Source]:
    docs: dict[str, Evidence] = {}
    for item in sorted(evidence, key=lambda e: e.claim_id):
        docs.setdefault(item.document, item)
    ordered = sorted(docs.values(), key=lambda e: (_day(e.published) or "9999-99-99", e.outlet or "",
                                                    e.document))
    return [Source(n, e.document, e.outlet, e.title, e.published, e.url, e.copy_of)
            for n, e in enumerate(ordered, 1)]


def build_briefing(store: Store, entity: str, *, since: str | None = None,
                   takeaways: int = TAKEAWAYS) -> Briefing:
    """The briefing on `entity` (an id, name or alias) from the store's links and evidence."""
    entity_id = resolve_entity(store, entity)
    names = {row["id"]: row["name"] for row in store.entities()}
    entity_name = names.get(entity_id, entity_id)
    links = order_links(assess(store, entity=entity_id, since=since))
    behind: dict[tuple[str, str, str], list[Evidence]] = {}
    for link in links:
        items = [e for e in evidence_for(store, link, since=since) if _keep(e, since)]
        behind[_link_key(link)] = sorted(items, key=lambda e: e.claim_id)
    links = [link for link in links if behind[_link_key(link)]]
    every = {e.claim_id: e for items in behind.values() for e in items}
    sources = _sources(every.values())
    cite = {source.document: source.number for source in sources}

    def quote(item: Evidence) -> Quote:
        return Quote(item, cite[item.document])

    tops = []
    for link in links[:takeaways]:
        items = behind[_link_key(link)]
        side = "denied" if link.status == "denied" else "affirmed"
        best = _best(e for e in items if e.polarity == side) or _best(items)
        tops.append(Takeaway(link, quote(best) if best else None, len(items)))
    contested = []
    for link in links:
        if link.status == "contested":
            items = behind[_link_key(link)]
            contested.append(Contested(link, [quote(e) for e in _side(items, "affirmed", SIDE_QUOTES)],
                                       [quote(e) for e in _side(items, "denied", SIDE_QUOTES)]))
    timeline = [quote(e) for e in sorted(every.values(), key=_timeline_key)]
    return Briefing(entity_id, entity_name, since, _synopsis(entity_id, entity_name, links, every, since),
                    tops, contested, timeline, sources, _months(timeline),
                    {key: names.get(key, key) for e in every.values() for key in (e.subject, e.object)})


def _months(timeline: list[Quote]) -> list[tuple[str, int, int]]:
    counts: dict[str, list[int]] = {}
    for item in timeline:
        day = _day(item.evidence.published)
        if day:
            row = counts.setdefault(day[:7], [0, 0])
            row[0 if item.evidence.polarity == "affirmed" else 1] += 1
    return [(month, row[0], row[1]) for month, row in sorted(counts.items())]


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def _other(link: Link, entity: str) -> tuple[str, str]:
    return (link.object, link.object_name) if link.subject == entity else (link.subject, link.subject_name)


def _synopsis(entity: str, name: str, links: list[Link], every: dict[int, Evidence],
              since: str | None) -> list[str]:
    """Templated sentences computed from counts and names: summaries, not claims."""
    window = f" since {since}" if since else ""
    if not links:
        return [f"The store holds no claim linking {name} to another actor{window}."]
    actors: dict[str, tuple[str, int]] = {}
    for link in links:
        other, other_name = _other(link, entity)
        n = actors.get(other, (other_name, 0))[1]
        actors[other] = (other_name, n + link.affirmed + link.denied)
    items = list(every.values())
    documents = {e.document for e in items}
    independent = {e.source for e in items}
    lines = [
        f"{_plural(len(items), 'claim')} in {_plural(len(documents), 'document')} from "
        f"{_plural(len(independent), 'independent source')} link {name} to "
        f"{_plural(len(actors), 'other actor')}{window}, in {_plural(len(links), 'distinct link')}.",
    ]
    by_status = {status: sum(1 for link in links if link.status == status) for status in STATUS_ORDER}
    parts = [f"{by_status[s]} {s}" for s in STATUS_ORDER if by_status[s]]
    lines.append(f"By status, the links are {_join(parts)}.")
    denied = sum(1 for e in items if e.polarity == "denied")
    hedged = sum(1 for e in items if e.modality == "hedged")
    lines.append(f"{_plural(denied, 'claim')} {'is a denial' if denied == 1 else 'are denials'}; "
                 f"{_plural(hedged, 'claim')} {'is' if hedged == 1 else 'are'} hedged.")
    ranked = sorted(actors.items(), key=lambda kv: (-kv[1][1], kv[0]))[:3]
    lines.append("Most claimed counterparts: "
                 + _join([f"{other_name} ({_plural(n, 'claim')})" for _, (other_name, n) in ranked]) + ".")
    days = sorted(d for d in (_day(e.published) for e in items) if d)
    undated = len(items) - len(days)
    if days:
        span = (f"All dated evidence is from {days[0]}" if days[0] == days[-1]
                else f"Dated evidence runs from {days[0]} to {days[-1]}")
        lines.append(span + (f"; {undated} undated." if undated else "."))
    return lines


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- shared rendering helpers -----------------------------------------------------------------------
def shown(text: str) -> str:
    """Evidence as displayed: verbatim, each run of whitespace as one space."""
    return " ".join(text.split())


def relation_words(relation: str | None) -> str:
    return (relation or "linked_to").replace("_", " ")


def _link_words(link: Link) -> str:
    return f"{link.subject_name} {relation_words(link.relation)} {link.object_name}"


def _attribution(quote: Quote) -> list[str]:
    e = quote.evidence
    parts = [e.speaker_name or "no named speaker", e.outlet or e.document, _day(e.published) or UNDATED]
    return parts


def _link_facts(link: Link, claims: int) -> str:
    text = f"{link.status}: {_plural(claims, 'claim')}"
    sides = [f"{side} by {_plural(len(keys), 'independent source')}"
             for side, keys in (("affirmed", link.sources_for), ("denied", link.sources_against)) if keys]
    text += ", " + " and ".join(sides) if sides else ""
    if link.first_seen or link.last_seen:
        first, last = _day(link.first_seen) or "?", _day(link.last_seen) or "?"
        text += f", {first}" if first == last else f", {first} to {last}"
    return text


def _claim_words(e: Evidence, names: dict[str, str]) -> str:
    subject, obj = names.get(e.subject, e.subject), names.get(e.object, e.object)
    return (f"{subject} {relation_words(e.relation)} {obj} "
            f"({e.polarity}, {e.modality})")


# --- Markdown ---------------------------------------------------------------------------------------
# "&" only where it would start a character reference ("&amp;", "&#38;")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|]|&(?=#?\w+;))")
_MD_LINE_START = re.compile(r"^([#+\-=])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str) -> str:
    """Minimal Markdown escaping: the characters that would format, link or open HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", shown(text))
    text = _MD_LINE_START.sub(r"\\\1", text)
    return _MD_NUMBERED.sub(r"\1\\\2", text)


def md_unescape(text: str) -> str:
    """The inverse of `md_escape` (for readers and tests)."""
    return re.sub(r"\\([\\`*_\[\]<>|&#+\-=.)])", r"\1", text)


def _md_quote(quote: Quote, indent: str = "") -> list[str]:
    e = quote.evidence
    return [
        f"{indent}> {md_escape(e.evidence)}",
        f"{indent}>",
        f"{indent}> — {', '.join(md_escape(p) for p in _attribution(quote))} (claim {e.claim_id}) "
        f"\\[{quote.citation}\\]",
    ]


def render_markdown(brief: Briefing) -> str:
    """The briefing as Markdown; quotes are blockquotes, citations `\\[n\\]`."""
    name = md_escape(brief.entity_name)
    out = [f"# Briefing: {name}", ""]
    if brief.since:
        out += [f"Evidence published on or after {brief.since}.", ""]
    out += ["## Synopsis", ""]
    out += [md_escape(line) for line in brief.synopsis]
    out += ["", "## Key takeaways", ""]
    if not brief.takeaways:
        out += ["No links.", ""]
    for n, top in enumerate(brief.takeaways, 1):
        facts = md_escape(_link_facts(top.link, top.claims))
        out.append(f"{n}. **{md_escape(_link_words(top.link))}** — {facts}")
        out.append("")
        if top.quote:
            out += _md_quote(top.quote, "   ")
            out.append("")
    out += ["## Contested links", ""]
    if not brief.contested:
        out += [f"No link of {name} is contested in the stored evidence.", ""]
    for item in brief.contested:
        out += [f"### {md_escape(_link_words(item.link))}", ""]
        for label, quotes in (("Affirming", item.affirming), ("Denying", item.denying)):
            out += [f"{label} ({_plural(len(quotes), 'source')} shown):", ""]
            for quote in quotes:
                out += _md_quote(quote) + [""]
    out += ["## Timeline", ""]
    for quote in brief.timeline:
        e = quote.evidence
        out.append(f"- {_day(e.published) or UNDATED} — {md_escape(_claim_words(e, brief.names))}, "
                   f"{md_escape(e.speaker_name or 'no named speaker')}, {md_escape(e.outlet or e.document)} "
                   f"(claim {e.claim_id}) \\[{quote.citation}\\]")
    out += ["", "## Sources", ""]
    for source in brief.sources:
        out.append(f"{source.number}. {md_escape(_source_text(source))}")
    return "\n".join(out).rstrip("\n") + "\n"


def _source_text(source: Source) -> str:
    parts = [source.outlet or "unknown outlet", source.title or "untitled", _day(source.published) or UNDATED]
    if source.url:
        parts.append(source.url)
    parts.append(f"doc {source.document}")
    if source.copy_of:
        parts.append(f"copy of {source.copy_of}")
    return ", ".join(parts)


# --- HTML -------------------------------------------------------------------------------------------
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}
blockquote{margin:.5rem 0 .2rem 1rem;padding-left:.8rem;border-left:3px solid #999;color:#333}
.attribution{margin:0 0 1rem 1.8rem;font-size:.9em;color:#555}
.status{font-weight:600}.status-corroborated{color:#1b6e20}.status-contested{color:#a35a00}
.status-denied{color:#a11}.timeline li{margin:.2rem 0}.sources li{margin:.3rem 0}
.chart text{font-size:10px;fill:#333}.affirmed{fill:#3b7dd8}.denied{fill:#d8533b}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cite(n: int) -> str:
    return f'<a class="cite" href="#src-{n}">[{n}]</a>'


def _html_quote(quote: Quote) -> list[str]:
    e = quote.evidence
    return [
        f'<blockquote class="evidence" data-claim="{e.claim_id}">{_e(shown(e.evidence))}</blockquote>',
        f'<p class="attribution">— {_e(", ".join(_attribution(quote)))} (claim {e.claim_id}) '
        f"{_cite(quote.citation)}</p>",
    ]


def chart_svg(months: list[tuple[str, int, int]]) -> str:
    """Bars of claims per month present (affirmed beside denied), as inline SVG."""
    bar, gap, height, base = 10, 14, 120, 140
    top = max([max(a, d) for _, a, d in months] + [1])
    width = max(len(months) * (2 * bar + gap) + 40, 160)
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
           f'height="{base + 56}" viewBox="0 0 {width} {base + 56}">',
           "<title>Claims per month: affirmed and denied</title>",
           f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>',
           f'<text x="2" y="{base - height + 8}">{top}</text>',
           '<rect class="affirmed" x="30" y="2" width="9" height="9"/><text x="42" y="10">affirmed</text>',
           '<rect class="denied" x="92" y="2" width="9" height="9"/><text x="104" y="10">denied</text>']
    for i, (month, affirmed, denied) in enumerate(months):
        x = 24 + i * (2 * bar + gap)
        out.append(f'<g class="month" data-month="{_e(month)}">')
        out.append(f"<title>{_e(month)}: {affirmed} affirmed, {denied} denied</title>")
        for j, (kind, n) in enumerate((("affirmed", affirmed), ("denied", denied))):
            h = round(height * n / top)
            out.append(f'<rect class="{kind}" data-count="{n}" x="{x + j * bar}" y="{base - h}" '
                       f'width="{bar - 1}" height="{h}"/>')
        out.append(f'<text x="{x}" y="{base + 12}" transform="rotate(45 {x} {base + 12})">{_e(month)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None


def render_html(brief: Briefing) -> str:
    """The briefing as one self-contained HTML page: inline CSS and SVG, no script, everything escaped."""
    name = _e(brief.entity_name)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           '<meta name="referrer" content="no-referrer">',
           f"<title>Briefing: {name}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>Briefing: {name}</h1>"]
    if brief.since:
        out.append(f'<p class="since">Evidence published on or after {_e(brief.since)}.</p>')
    out.append('<section id="synopsis"><h2>Synopsis</h2>')
    out += [f"<p>{_e(line)}</p>" for line in brief.synopsis]
    out.append('</section>\n<section id="takeaways"><h2>Key takeaways</h2>')
    if not brief.takeaways:
        out.append("<p>No links.</p>")
    out.append("<ol>")
    for top in brief.takeaways:
        status = _e(top.link.status)
        out.append(f'<li><strong>{_e(_link_words(top.link))}</strong> — '
                   f'<span class="status status-{status}">{_e(_link_facts(top.link, top.claims))}</span>')
        if top.quote:
            out += _html_quote(top.quote)
        out.append("</li>")
    out.append('</ol>\n</section>\n<section id="contested"><h2>Contested links</h2>')
    if not brief.contested:
        out.append(f"<p>No link of {name} is contested in the stored evidence.</p>")
    for item in brief.contested:
        out.append(f"<h3>{_e(_link_words(item.link))}</h3>")
        for label, quotes in (("Affirming", item.affirming), ("Denying", item.denying)):
            out.append(f"<h4>{label} ({_plural(len(quotes), 'source')} shown)</h4>")
            for quote in quotes:
                out += _html_quote(quote)
    out.append('</section>\n<section id="timeline"><h2>Timeline</h2>')
    out.append(chart_svg(brief.months) if brief.months else "<p>No dated claims to chart.</p>")
    out.append('<ul class="timeline">')
    for quote in brief.timeline:
        e = quote.evidence
        out.append(f'<li data-claim="{e.claim_id}">{_e(_day(e.published) or UNDATED)} — '
                   f"{_e(_claim_words(e, brief.names))}, {_e(e.speaker_name or 'no named speaker')}, "
                   f"{_e(e.outlet or e.document)} (claim {e.claim_id}) {_cite(quote.citation)}</li>")
    out.append('</ul>\n</section>\n<section id="sources"><h2>Sources</h2>\n<ol class="sources">')
    for source in brief.sources:
        out.append(f'<li id="src-{source.number}" value="{source.number}">{_source_html(source)}</li>')
    out += ["</ol>", "</section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _source_html(source: Source) -> str:
    parts = [_e(source.outlet or "unknown outlet"), f"<cite>{_e(source.title or 'untitled')}</cite>",
             _e(_day(source.published) or UNDATED)]
    url = _safe_url(source.url)
    if url:
        parts.append(f'<a href="{_e(url)}" rel="noreferrer noopener">{_e(url)}</a>')
    elif source.url:
        parts.append(_e(source.url))
    parts.append(f"doc <code>{_e(source.document)}</code>")
    if source.copy_of:
        parts.append(f"copy of <code>{_e(source.copy_of)}</code>")
    return ", ".join(parts)


RENDERERS: dict[str, Callable[[Briefing], str]] = {"md": render_markdown, "html": render_html}
