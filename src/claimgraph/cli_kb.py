"""`claimgraph kb`: the knowledge base of actors. Import FollowTheMoney entities into the user KB folder,
and check the KB as the extractor will load it.

Registered on the main command in cli.py with `cli.add_command(kb)`. Exit codes as there: 0 all lines
imported, 1 some lines failed (the rest were imported), 2 usage errors and an invalid KB (E303).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import click

EXIT_OK, EXIT_SOME_FAILED = 0, 1
SHOWN = 20  # names listed before "and N more"

kb_dir_option = click.option(
    "--kb-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
    help="user KB folder (default: $CLAIMGRAPH_KB_DIR, else ./claimgraph-kb)",
)


def _kb_dir(given: Path | None) -> Path:
    from claimgraph.resolve.kb import DEFAULT_USER_DIR, ENV_VAR

    return given or Path(os.environ.get(ENV_VAR) or DEFAULT_USER_DIR)


def _listing(names: list[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


@click.group()
def kb() -> None:
    """The knowledge base of actors: import entities into the user KB folder, check it."""


@kb.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@kb_dir_option
@click.option("--source", default=None, metavar="NAME",
              help="name of the import: writes DIR/NAME.yaml (default: the file name, e.g. `entities` "
                   "for entities.ftm.json)")
def import_command(file: Path, kb_dir: Path | None, source: str | None) -> None:
    """Import FollowTheMoney entities (JSON lines, as OpenSanctions publishes them, .gz too).

    Persons, public bodies, companies and organisations become KB entries in DIR/NAME.yaml (types from
    the FtM schema and topics; sanction and terrorism topics become designations). An entity whose
    Wikidata QID is already in the KB adds its names to that entry (an overlay). Other schemas are
    skipped with a reason; lines that are not entities are reported with their line number. Importing
    the same source again replaces its file. The extractor reads the folder on its next run.
    """
    from claimgraph.resolve.ftm_import import import_ftm

    report = import_ftm(file, _kb_dir(kb_dir), source)
    click.echo(f"Imported {report.imported} of {report.lines} lines from {file}"
               + (f" into {report.output}" if report.written else f"; nothing written to {report.output}"))
    by_type = ", ".join(f"{n} {t}" for t, n in report.created.most_common())
    click.echo(f"  new entries  {sum(report.created.values())}" + (f" ({by_type})" if by_type else ""))
    targets = sorted(set(report.overlays))
    click.echo(f"  overlays     {len(report.overlays)}"
               + (f" (names added to {_listing(targets)})" if targets else ""))
    click.echo(f"  merged       {report.merged} (same QID or FtM id as an entity above)")
    click.echo(f"  skipped      {sum(report.skipped.values())}")
    for reason, n in report.skipped.most_common():
        click.echo(f"    {n:>6}  {reason}")
    click.echo(f"  failed       {len(report.failed)}")
    for failure in report.failed[:SHOWN]:
        click.echo(f"    {failure}")
    if len(report.failed) > SHOWN:
        click.echo(f"    ... and {len(report.failed) - SHOWN} more")
    if report.weak_dropped:
        click.echo(f"  one-word weak aliases left out: {report.weak_dropped}")
    if report.shared:
        click.echo(f"Names now shared with other entries and without a disambiguation rule (the entry "
                   f"loaded first wins; add rules in {report.output.parent / 'disambiguation.yaml'}): "
                   f"{_listing(report.shared)}")
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


@kb.command("check")
@kb_dir_option
def check_command(kb_dir: Path | None) -> None:
    """Load and validate the KB as the extractor will (bundled files, then the user KB folder)."""
    from claimgraph.resolve.disambiguation import shared_forms
    from claimgraph.resolve.kb import load_kb, read_kb, user_kb_dir

    folder = kb_dir if kb_dir is not None else user_kb_dir()
    base = read_kb()
    knowledge = load_kb(folder) if folder is not None else base
    types = Counter(actor.type for actor in knowledge.actors.values())
    extended = sum(1 for actor in knowledge.actors.values() if actor.extended_by)
    click.echo(f"{len(knowledge)} entries: {len(base)} bundled"
               + (f", {len(knowledge) - len(base)} from {folder}" if folder is not None else "")
               + f"; {extended} extended by overlays")
    click.echo("  " + ", ".join(f"{n} {t}" for t, n in types.most_common()))
    shared = shared_forms(knowledge)
    missing = [form for form in shared if form not in knowledge.disambiguation]
    click.echo(f"Shared names: {len(shared)}, {len(shared) - len(missing)} with a disambiguation rule"
               + (f"; without one (the entry loaded first wins): {_listing(missing)}" if missing else ""))
