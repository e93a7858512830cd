"""What a store holds, in a few numbers, and which commands to run next to look inside."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimgraph.store import Store

from claimgraph.ontology import ENTITY_TYPES, RELATIONS

NOT_ACTORS = frozenset({"activity", "place"})
GROUPS = ("armed_group", "criminal_group")
TOP_ACTORS = 5

_SAFE_IN_DOUBLE_QUOTES = re.compile(r'^[^"$`\\!]*$')


def shell_quote(value: str) -> str:
    """A shell word for `value`, in double quotes when that is safe (they read best in a hint)."""
    if re.fullmatch(r"[\w./:@%+=,-]+", value):
        return value
    if _SAFE_IN_DOUBLE_QUOTES.match(value):
        return f'"{value}"'
    return shlex.quote(value)


def program_name() -> str:
    """How the user can call us again: 'claimgraph' when it is on PATH, else the path they used
    ('.venv/bin/claimgraph' after `make demo`), so every hint can be pasted as it is."""
    invoked = Path(sys.argv[0])
    if invoked.name != "claimgraph":
        return "claimgraph"
    on_path = shutil.which("claimgraph")
    if on_path and Path(on_path).resolve() == invoked.resolve():
        return "claimgraph"
    try:
        return str(invoked.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(invoked)


def summarise(store: Store, db_option: str | None = None) -> dict[str, Any]:
    """Counts, entities by type, claims by relation, the most connected actors and hints, as JSON data.

    `db_option`: the --db the user gave, repeated in the hints so they can be pasted as they are.
    """
    counts = store.counts()
    entities = store.entities()
    by_type = Counter(entity["type"] for entity in entities)
    by_relation = Counter(store.relation_counts())
    actors = [e for e in entities if e["type"] not in NOT_ACTORS and e["claim_count"] > 0]
    top = sorted(actors, key=lambda e: (-e["claim_count"], -e["mention_count"], e["id"]))[:TOP_ACTORS]
    return {
        "database": store.url,
        "documents": {"all": counts["documents"], "ok": counts["documents_ok"],
                      "skipped": counts["documents_skipped"]},
        "entities": counts["entities"],
        "entities_by_type": _ordered(by_type, ENTITY_TYPES),
        "claims": counts["claims"],
        "claims_by_relation": _ordered(by_relation, RELATIONS),
        "mentions": counts["mentions"],
        "top_actors": [
            {"id": e["id"], "name": e["name"], "type": e["type"], "claims": e["claim_count"],
             "mentions": e["mention_count"]}
            for e in top
        ],
        "next": hints(entities, by_type, by_relation, db_option),
    }


def _ordered(counter: Counter[str], names: tuple[str, ...]) -> dict[str, int]:
    """The non-zero counts, largest first; ties in the ontology's order, then names it does not know."""
    def rank(name: str) -> tuple[int, int, str]:
        return (-counter[name], names.index(name) if name in names else len(names), name)

    return {name: counter[name] for name in sorted(counter, key=rank) if counter[name]}


def hints(entities: list[dict[str, Any]], by_type: Counter[str], by_relation: Counter[str],
          db_option: str | None) -> list[str]:
    """Commands worth running next on this store, most telling first."""
    db = f" --db {shell_quote(db_option)}" if db_option else ""
    me = program_name()
    if not entities:
        return [f"{me} ingest examples/corpus{db}", f"{me} summary{db}"]
    found: list[str] = []
    groups = [e for e in entities if e["type"] in GROUPS and e["claim_count"] > 0]
    if groups:  # entities() comes most claimed first
        found.append(f"{me} claims --entity {shell_quote(groups[0]['name'])}{db}")
    group_type = max(GROUPS, key=lambda t: (by_type[t], t == GROUPS[0]))
    entity_type = group_type if by_type[group_type] else by_type.most_common(1)[0][0]
    found.append(f"{me} entities --type {entity_type}{db}")
    if by_relation:
        found.append(f"{me} claims --relation {by_relation.most_common(1)[0][0]}{db}")
    found.append(f"{me} claims --json{db} > claims.json")
    found.append(f"{me} serve{db}")  # the web UI, at http://127.0.0.1:8080/
    return found
