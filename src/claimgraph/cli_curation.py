"""`claimgraph entity ...` and `claimgraph alias ...`: an analyst's judgements on the stored graph.

Registered on the main command in cli.py with `cli.add_command(entity)` and `cli.add_command(alias)`.
Every judgement is recorded with who made it, when and why, applies at once to the stored mentions
and claims, holds for later ingests, and can be undone (`claimgraph entity undo N`). Errors (an
unknown id, a judgement that cannot apply) exit with code 2, as every error of claimgraph does.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from claimgraph.cli_output import dump_json, plural
from claimgraph.ontology import ENTITY_TYPES

if TYPE_CHECKING:
    from claimgraph.store import Store

USER_VAR = "CLAIMGRAPH_USER"

db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL (default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)
json_option = click.option("--json", "as_json", is_flag=True, help="print JSON for scripts instead of text")
who_option = click.option("--who", default=None, metavar="NAME",
                          help=f"who makes the judgement (default: ${USER_VAR}, else the login name)")


def why_option(required: bool) -> Callable[[Any], Any]:
    text = "the reason, kept with the judgement"
    if required:  # no default at all: click (8.3+) takes even default=None as one and skips the check
        return click.option("--why", required=True, metavar="TEXT", help=text)
    return click.option("--why", default="", metavar="TEXT", help=text + " (optional)")


def judgement_options(why_required: bool) -> Callable[[Any], Any]:
    """The options of every judgement: --why, --who, --db and --json, in that order in --help."""
    def apply(command: Any) -> Any:
        for option in (json_option, db_option, who_option, why_option(why_required)):
            command = option(command)
        return command
    return apply


def default_who() -> str:
    try:
        return os.environ.get(USER_VAR) or getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


def _open(db: str | None) -> Store:
    from claimgraph.store import open_store

    return open_store(db)


# --- what a judgement did, in words ---------------------------------------------------------------
def _moved(counts: dict[str, int]) -> str:
    text = f"{plural(counts['mentions'], 'mention')} and {plural(counts['claims'], 'claim')} moved"
    if counts.get("claims_removed"):
        text += (f", {plural(counts['claims_removed'], 'claim')} removed as duplicates or self-links "
                 "(kept for an undo)")
    return text


def describe(j: dict[str, Any]) -> str:
    """One line on what a judgement did."""
    p, entity, action = j["payload"], j["entity_id"], j["action"]
    typed = p.get("text", p.get("alias"))  # the alias as the analyst typed it
    if action == "merge":
        return f"merged {entity} into {j['target_id']}: {_moved(p['counts'])}"
    if action == "split":
        return f"split {j['target_id']} off {entity} (mentions reading {typed!r}): {_moved(p['counts'])}"
    if action == "rename":
        return f"renamed {entity}: {p['name_before']!r} -> {p['name']!r}"
    if action == "retype":
        return f"retyped {entity}: {p['type_before']} -> {p['type']}"
    if action == "alias_add":
        sources = f" from {', '.join(p['from'])}" if p["from"] else ""
        return f"{typed!r} now names {entity}: {_moved(p['counts'])}{sources}"
    if action == "alias_remove":
        return f"{typed!r} no longer names {entity}; later ingests will not add it back"
    return f"{action} {entity}"


def _history_line(j: dict[str, Any]) -> str:
    undone = f" [undone {j['undone_at']} by {j['undone_by']}]" if j["undone_at"] else ""
    why = f" because: {j['why']}" if j["why"] else ""
    return f"  #{j['id']} {j['created_at']} {j['who']}: {describe(j)}{why}{undone}"


def _report(store: Store, number: int, as_json: bool, undone: bool = False) -> None:
    j = store.judgement(number)
    if as_json:
        dump_json(j)
        return
    if undone:
        click.echo(f"Undid judgement {number}: {describe(j)}")
    else:
        click.echo(f"Judgement {number}: {describe(j)}")
        click.echo(f"  undo with: claimgraph entity undo {number}")


def _judge(db: str | None, as_json: bool, act: Callable[[Store], int]) -> None:
    with _open(db) as store:
        _report(store, act(store), as_json)


# --- claimgraph entity ----------------------------------------------------------------------------
@click.group()
def entity() -> None:
    """Look at one entity and judge it: merge, unmerge, split, rename, retype, undo, history."""


@entity.command()
@click.argument("entity_id", metavar="ID")
@db_option
@json_option
def show(entity_id: str, db: str | None, as_json: bool) -> None:
    """An entity with its aliases, counts and the judgements on it."""
    with _open(db) as store:
        view = store.entity_show(entity_id)
    if as_json:
        dump_json(view)
        return
    _print_entity(view)


def _print_entity(v: dict[str, Any]) -> None:
    kb = "not in the knowledge base" if v["provisional"] else "in the knowledge base"
    country = f", country {v['country']}" if v["country"] else ""
    click.echo(f"{v['name']} ({v['id']}): {v['type']}, {kb}{country}")
    if v["merged_into"]:
        click.echo(f"  merged into {v['merged_into']} (judgement {v['merged_by']})")
    if v["merged_from"]:
        click.echo(f"  merged from {', '.join(v['merged_from'])}")
    click.echo(f"  {plural(v['mentions'], 'mention')}, {plural(v['claims'], 'claim')}, "
               f"speaker of {plural(v['claims_spoken'], 'claim')}")
    names = [a["alias"] + (f" (via {a['via']})" if a["via"] else "") for a in v["aliases"]]
    click.echo(f"  aliases: {'; '.join(names) or '-'}")
    if v["blocked_aliases"]:
        click.echo(f"  removed aliases: {'; '.join(v['blocked_aliases'])}")
    if v["assigned_aliases"]:
        click.echo(f"  later mentions reading these go to it: {'; '.join(v['assigned_aliases'])}")
    if v["judgements"]:
        click.echo("  judgements:")
        for j in v["judgements"]:
            click.echo(_history_line(j))


@entity.command()
@click.argument("keep")
@click.argument("drop")
@judgement_options(why_required=True)
def merge(keep: str, drop: str, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """Merge DROP into KEEP: DROP's mentions and claims move to KEEP, and later ingests follow."""
    _judge(db, as_json, lambda s: s.judge_merge(keep, drop, who=who or default_who(), why=why))


@entity.command()
@click.argument("judgement_id", metavar="JUDGEMENT_ID", type=int)
@judgement_options(why_required=False)
def unmerge(judgement_id: int, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """Undo a merge exactly: the merged entity gets its mentions and claims back."""
    with _open(db) as store:
        store.unmerge(judgement_id, who=who or default_who(), why=why)
        _report(store, judgement_id, as_json, undone=True)


@entity.command()
@click.argument("entity_id", metavar="ID")
@click.option("--alias", required=True, metavar="TEXT", help="the surface form that names the other entity")
@click.option("--new-id", required=True, metavar="ID", help="id of the new entity (lower-case, hyphens)")
@click.option("--name", required=True, metavar="NAME", help="name of the new entity")
@click.option("--type", "entity_type", type=click.Choice(ENTITY_TYPES), default=None,
              help="type of the new entity (default: that of ID)")
@judgement_options(why_required=True)
def split(entity_id: str, alias: str, new_id: str, name: str, entity_type: str | None, why: str,
          who: str | None, db: str | None, as_json: bool) -> None:
    """Mentions of ID that read ALIAS (and the claims they carry) become a new entity; so do later ones."""
    _judge(db, as_json, lambda s: s.split(entity_id, alias, new_id, name, entity_type,
                                          who=who or default_who(), why=why))


@entity.command()
@click.argument("entity_id", metavar="ID")
@click.argument("name")
@judgement_options(why_required=False)
def rename(entity_id: str, name: str, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """Give an entity another name; later ingests keep it."""
    _judge(db, as_json, lambda s: s.rename(entity_id, name, who=who or default_who(), why=why))


@entity.command()
@click.argument("entity_id", metavar="ID")
@click.argument("entity_type", metavar="TYPE", type=click.Choice(ENTITY_TYPES))
@judgement_options(why_required=False)
def retype(entity_id: str, entity_type: str, why: str, who: str | None, db: str | None,
           as_json: bool) -> None:
    """Give an entity another type; later ingests keep it."""
    _judge(db, as_json, lambda s: s.retype(entity_id, entity_type, who=who or default_who(), why=why))


@entity.command()
@click.argument("judgement_id", metavar="JUDGEMENT_ID", type=int)
@judgement_options(why_required=False)
def undo(judgement_id: int, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """Undo any judgement exactly (later judgements on the same entities must be undone first)."""
    with _open(db) as store:
        store.undo(judgement_id, who=who or default_who(), why=why)
        _report(store, judgement_id, as_json, undone=True)


@entity.command()
@click.argument("entity_id", metavar="[ID]", required=False)
@db_option
@json_option
def history(entity_id: str | None, db: str | None, as_json: bool) -> None:
    """Every judgement, oldest first; with ID, those naming that entity."""
    with _open(db) as store:
        rows = store.judgements(entity_id)
    if as_json:
        dump_json(rows)
        return
    click.echo(plural(len(rows), "judgement") + (f" on {entity_id}" if entity_id else ""))
    for j in rows:
        click.echo(_history_line(j))


# --- claimgraph alias -----------------------------------------------------------------------------
@click.group()
def alias() -> None:
    """Add or remove an entity's aliases; stored mentions follow, and later ingests too."""


@alias.command("add")
@click.argument("entity_id", metavar="ID")
@click.argument("text", metavar="ALIAS")
@judgement_options(why_required=False)
def alias_add(entity_id: str, text: str, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """ALIAS names ID: stored mentions of other entities that read so move to ID, and later ones go there."""
    _judge(db, as_json, lambda s: s.alias_add(entity_id, text, who=who or default_who(), why=why))


@alias.command("remove")
@click.argument("entity_id", metavar="ID")
@click.argument("text", metavar="ALIAS")
@judgement_options(why_required=False)
def alias_remove(entity_id: str, text: str, why: str, who: str | None, db: str | None, as_json: bool) -> None:
    """ALIAS no longer names ID, and later ingests do not add it back (mentions stay where they are)."""
    _judge(db, as_json, lambda s: s.alias_remove(entity_id, text, who=who or default_who(), why=why))
