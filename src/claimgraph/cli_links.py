"""`claimgraph links`, `claimgraph link A B` and `claimgraph profile speaker|outlet NAME`: link assessment.

Registered on the main command in cli.py with `cli.add_command(...)`. Exit codes as there: 0 answered
(an empty answer included), 2 usage errors, an unknown actor in `link` (E204) or a bad rules file (E305).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from claimgraph.cli_output import console, dump_json, plural
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ontology import RELATIONS, STATUSES

if TYPE_CHECKING:
    from claimgraph.analyse.config import AnalysisConfig
    from claimgraph.analyse.links import Evidence, Link
    from claimgraph.store import Store

EVIDENCE_CHARS = 160
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?([T ][0-9:.+Z-]*)?$")

db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL (default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)
json_option = click.option("--json", "as_json", is_flag=True,
                           help="print JSON for scripts instead of a table")
rules_option = click.option(
    "--rules", default=None, metavar="FILE",
    help="status rules and relation families (default: $CLAIMGRAPH_ANALYSIS, else the bundled analysis.yaml)",
)
since_option = click.option("--since", default=None, metavar="DATE",
                            help="only evidence published on or after this ISO date "
                                 "(undated evidence is left out)")


def _open(db: str | None) -> Store:
    from claimgraph.store import open_store

    return open_store(db)


def _config(rules: str | None) -> AnalysisConfig:
    from claimgraph.analyse.config import load

    return load(rules)


def since_value(value: str | None) -> str | None:
    if value is not None and not _DATE.match(value.strip()):
        raise ClaimgraphError(Code.BAD_OPTION, f"--since {value!r} is not an ISO date such as 2024-05-01")
    return value.strip() if value else None


def link_json(link: Link) -> dict[str, Any]:
    data = asdict(link)
    data["claims"] = link.claims
    data["hedged_share"] = round(link.hedged_share, 3)
    return data


def _day(value: str | None) -> str:
    return (value or "")[:10]


# --- links -------------------------------------------------------------------------------------
@click.command()
@click.option("--entity", default=None, help="links with this actor (id, name or alias) at either end")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="only links of this status")
@click.option("--relation", default=None, metavar="RELATION",
              help="only this relation (with --roll-up: this family)")
@since_option
@click.option("--roll-up", is_flag=True, help="count each relation under its family (e.g. arms -> supports)")
@click.option("--pairs", is_flag=True, help="one row per unordered pair of actors, over all relations")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="at most this many rows")
@rules_option
@db_option
@json_option
def links(entity: str | None, status: str | None, relation: str | None, since: str | None, roll_up: bool,
          pairs: bool, limit: int | None, rules: str | None, db: str | None, as_json: bool) -> None:
    """Assess alleged links: for and against, hedged share, independent sources, status."""
    from claimgraph.analyse.links import assess

    config = _config(rules)
    if relation is not None and relation not in RELATIONS and relation not in config.families:
        choices = ", ".join([*RELATIONS, *(f for f in config.families if f not in RELATIONS)])
        raise click.BadParameter(f"{relation!r} is no relation or family ({choices})",
                                 param_hint="--relation")
    with _open(db) as store:
        unknown = entity is not None and not store.match_entities(entity)
        found = assess(store, entity=entity, relation=relation, status=status, since=since_value(since),
                       roll_up=roll_up, by_pair=pairs, config=config)
    if unknown:
        click.echo(f"note: no stored entity is called {entity!r}; try `claimgraph entities`", err=True)
    shown = found[:limit] if limit is not None else found
    if as_json:
        dump_json([link_json(link) for link in shown])
        return
    title = plural(len(found), "link") + (f" (first {len(shown)})" if len(shown) < len(found) else "")
    table = Table(box=box.SIMPLE_HEAD, title=title)
    table.add_column("subject", max_width=28)
    table.add_column("relation", no_wrap=True)
    table.add_column("object", max_width=28)
    table.add_column("status", no_wrap=True)
    for name in ("+", "−", "hedged", "sources", "speakers"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("first seen", no_wrap=True)
    table.add_column("last seen", no_wrap=True)
    for link in shown:
        relation_text = link.relation or "(pair)"
        if link.symmetric and link.relation is not None:
            relation_text += " ↔"
        against = f"/−{len(link.sources_against)}" if link.sources_against else ""
        sources = f"{len(link.sources_for)}{against}"
        table.add_row(
            escape(link.subject_name), relation_text, escape(link.object_name), link.status,
            str(link.affirmed), str(link.denied), f"{link.hedged_share:.0%}", sources,
            str(len(link.speakers)),
            _day(link.first_seen), _day(link.last_seen),
        )
    console().print(table)
    if shown:
        console().print("sources: independent sources affirming (/− denying), copies folded into their "
                        "origin; see `claimgraph link A B` for the evidence")


# --- link A B ----------------------------------------------------------------------------------
def _evidence_json(item: Evidence) -> dict[str, Any]:
    return asdict(item)


def _evidence_line(item: Evidence) -> str:
    speaker = item.speaker_name or item.speaker or "unattributed"
    where = item.outlet or item.document
    copy = f", copy of {item.copy_of}" if item.copy_of else ""
    text = " ".join(item.evidence.split())
    if len(text) > EVIDENCE_CHARS:
        text = text[:EVIDENCE_CHARS - 1] + "…"
    stance = "" if item.modality == "asserted" else " [hedged]"
    return (f"    {_day(item.published) or 'undated'}  {escape(speaker)} in {escape(where)}{escape(copy)}: "
            f"{escape(item.subject_name)} {item.relation} {escape(item.object_name)}{stance}\n"
            f"      “{escape(text)}”")


@click.command()
@click.argument("a")
@click.argument("b")
@since_option
@rules_option
@db_option
@json_option
def link(a: str, b: str, since: str | None, rules: str | None, db: str | None, as_json: bool) -> None:
    """The evidence for and against the links between actors A and B, grouped by independent source."""
    from claimgraph.analyse.links import pair

    config = _config(rules)
    with _open(db) as store:
        for name in (a, b):
            if not store.match_entities(name):
                raise ClaimgraphError(Code.UNKNOWN_ENTITY,
                                      f"no stored entity is called {name!r}; try `claimgraph entities`")
        found = pair(store, a, b, since=since_value(since), config=config)
    if as_json:
        dump_json({
            "a": found.a, "a_name": found.a_name, "b": found.b, "b_name": found.b_name,
            "links": [link_json(item) for item in found.links],
            "affirming": {key: [_evidence_json(e) for e in items] for key, items in found.affirming.items()},
            "denying": {key: [_evidence_json(e) for e in items] for key, items in found.denying.items()},
        })
        return
    out = console()
    out.print(f"[bold]{escape(found.a_name)}[/] ({escape(found.a)}) and [bold]{escape(found.b_name)}[/] "
              f"({escape(found.b)})")
    if not found.links:
        out.print("No stored claim links them.")
        return
    for item in found.links:
        arrow = "↔" if item.symmetric else "→"
        hedged = f", {item.hedged_share:.0%} hedged" if item.hedged else ""
        ends = f"{escape(item.subject_name)} {arrow} {item.relation} {arrow} {escape(item.object_name)}"
        out.print(f"  {ends}: "
                  f"[bold]{item.status}[/] (+{item.affirmed} −{item.denied}{hedged}; "
                  f"{plural(len(item.sources_for), 'independent source')} for, {len(item.sources_against)} "
                  f"against; {_day(item.first_seen) or '?'} to {_day(item.last_seen) or '?'})")
    for heading, groups in (("For", found.affirming), ("Against", found.denying)):
        if not groups:
            continue
        out.print(f"[bold]{heading}[/] ({plural(len(groups), 'independent source')})")
        for source, items in groups.items():
            copies = sum(1 for e in items if e.copy_of)
            folded = f", {plural(copies, 'copy')} folded in".replace("copys", "copies") if copies else ""
            out.print(f"  [bold]{escape(source)}[/] ({plural(len(items), 'claim')}{folded})")
            for evidence in items:
                out.print(_evidence_line(evidence))


# --- profile -----------------------------------------------------------------------------------
@click.group()
def profile() -> None:
    """Profiles: what a speaker claims, what an outlet publishes."""


def _print_profile(data: dict[str, Any], title: str) -> None:
    out = console()
    out.print(f"[bold]{escape(title)}[/]")
    out.print(f"  claims         {data['claims']} in {plural(data['documents'], 'document')}, "
              f"{_day(data['first_seen']) or '?'} to {_day(data['last_seen']) or '?'}")
    out.print(f"  hedged         {data['hedged_share']:.0%} ({data['hedged']})")
    out.print(f"  denials        {data['denied_share']:.0%} ({data['denied']})")
    if "unattributed" in data:
        out.print(f"  unattributed   {data['unattributed_share']:.0%} ({data['unattributed']})")
    if data["relations"]:
        out.print("  relations      " + ", ".join(f"{k} {v}" for k, v in data["relations"].items()))
    for key, label, name, count in (("accuses", "accuses", "name", "claims"),
                                    ("accuses_in_own_voice", "in own voice", "name", "claims"),
                                    ("speakers", "quotes", "name", "claims"),
                                    ("outlets", "carried by", "outlet", "claims")):
        if data.get(key):
            listed = ", ".join(f"{escape(str(item[name]))} ({item[count]})" for item in data[key])
            out.print(f"  {label:<14} {listed}")
    if "copies_published" in data:
        copied = ", ".join(f"{escape(o['outlet'])} ({o['documents']})" for o in data["copied_from"])
        of = f" (of {copied})" if copied else ""
        out.print(f"  copies         {data['copies_published']} published{of}; "
                  f"its stories copied {data['copied_by_others']} times by others")


@profile.command("speaker")
@click.argument("name")
@db_option
@json_option
def speaker_command(name: str, db: str | None, as_json: bool) -> None:
    """A speaker's claims: how many, share hedged and denied, whom they accuse, where they appear."""
    from claimgraph.analyse.profiles import speaker_profile

    with _open(db) as store:
        data = speaker_profile(store, name)
    if data is None:
        raise ClaimgraphError(Code.UNKNOWN_ENTITY,
                              f"no stored entity is called {name!r}; try `claimgraph entities`")
    if as_json:
        dump_json(data)
        return
    _print_profile(data, f"{data['name']} ({data['speaker']}) as a speaker")


@profile.command("outlet")
@click.argument("name")
@db_option
@json_option
def outlet_command(name: str, db: str | None, as_json: bool) -> None:
    """An outlet's claims: share hedged and unattributed, whom it accuses, whom it quotes, copies."""
    from claimgraph.analyse.profiles import outlet_profile

    with _open(db) as store:
        data = outlet_profile(store, name)
    if data is None:
        raise ClaimgraphError(Code.BAD_OPTION, f"no stored document has the outlet {name!r}")
    if as_json:
        dump_json(data)
        return
    _print_profile(data, f"{data['outlet']} as an outlet")
