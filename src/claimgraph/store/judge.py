"""The analysts' judgements on entities, each applied inside the caller's write transaction.

Each function validates, changes the graph, logs every entity id it changes in a mention or claim
(`row_moves`) and returns the judgement's payload: what `undo.py` needs to put the rest back (old
values, rows it deleted or added, the assignment it replaced) and the counts the CLI reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select, update

from claimgraph.errors import Code, StoreError
from claimgraph.names import normalise_name
from claimgraph.ontology import ENTITY_TYPES
from claimgraph.store.rules import (
    ENDS,
    Hop,
    MovedMention,
    Row,
    Rules,
    following_ends,
    identity,
    move_row,
    set_end,
)
from claimgraph.store.schema import (
    DELETED,
    ENTITY_ID,
    alias_assignments,
    aliases,
    blocked_aliases,
    claims,
    entities,
    mentions,
    redirects,
    row_moves,
)

Payload = dict[str, Any]
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CHUNK = 500  # values per IN (...): well under SQLite's bound-parameter limit


def bad(message: str) -> StoreError:
    return StoreError(Code.BAD_JUDGEMENT, message)


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def unknown_entity(entity_id: str, conn: Connection | None = None) -> StoreError:
    """The error for an unknown id; names the entities it is an alias of, as people type names for ids."""
    hint = "see `claimgraph entities`"
    if conn is not None and (normalised := normalise_name(entity_id)):
        query = select(aliases.c.entity_id).where(aliases.c.normalised == normalised).distinct()
        rules = Rules.load(conn)
        named = sorted({rules.resolve(e) for e in conn.execute(query).scalars()})
        hint = f"did you mean {' or '.join(named)}?" if named else hint
    return StoreError(Code.UNKNOWN_ENTITY, f"no entity has the id {entity_id!r}: {hint}")


def entity_row(conn: Connection, entity_id: str) -> Row | None:
    found = conn.execute(select(entities).where(entities.c.id == entity_id)).mappings().first()
    return dict(found) if found else None


def require_active(conn: Connection, rules: Rules, entity_id: str) -> Row:
    """The entity's row; an error for an unknown id or a merged entity (judgements go to its keeper)."""
    row = entity_row(conn, entity_id)
    if row is None:
        raise unknown_entity(entity_id, conn)
    if entity_id in rules.redirects:
        raise bad(f"{entity_id} was merged into {rules.resolve(entity_id)} (judgement "
                  f"{rules.redirects[entity_id][1]}): name that entity, or undo the merge first")
    return row


def merged_group(rules: Rules, entity_id: str) -> list[str]:
    """The entity and every entity merged into it, directly or through others."""
    return sorted({entity_id} | {e for e in rules.redirects if rules.resolve(e) == entity_id})


def valid_type(type_: str) -> str:
    if type_ not in ENTITY_TYPES:
        raise bad(f"unknown entity type {type_!r}: use one of {', '.join(ENTITY_TYPES)}")
    return type_


def normalised_alias(alias: str) -> str:
    normalised = normalise_name(alias)
    if not any(ch.isalnum() for ch in normalised):
        raise bad(f"{alias!r} is no name: an alias needs letters or digits")
    return normalised


# --- moving rows ---------------------------------------------------------------------------------
def log_moves(conn: Connection, moves: list[Row]) -> None:
    if moves:
        conn.execute(row_moves.insert(), moves)


def move_mentions(conn: Connection, judgement_id: int, found: list[tuple[int, str]], to_id: str) -> int:
    """Point the mentions (id, old entity) at to_id; return how many moved."""
    for chunk in chunks([mention_id for mention_id, _ in found]):
        conn.execute(update(mentions).where(mentions.c.id.in_(chunk)).values(entity_id=to_id))
    log_moves(conn, [move_row(judgement_id, "mentions", i, "entity_id", f, to_id) for i, f in found])
    return len(found)


def write_ends(conn: Connection, rows: list[Row]) -> None:
    """Store full claim rows with new ends, under their own ids.

    Deleted, then inserted: updated one by one, a claim could for a moment take the identity another
    claim is about to give up, and the unique constraint would refuse a change that is valid as a whole.
    """
    if not rows:
        return
    for chunk in chunks([row["id"] for row in rows]):
        conn.execute(delete(claims).where(claims.c.id.in_(chunk)))
    conn.execute(claims.insert(), rows)


def claims_of_documents(conn: Connection, touching: Any) -> list[Row]:
    """Every claim of the documents that hold a claim matching `touching`, in id order."""
    docs = select(claims.c.document_id).where(touching)
    query = select(claims).where(claims.c.document_id.in_(docs)).order_by(claims.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def change_claims(conn: Connection, judgement_id: int, rows: list[Row], changes: dict[int, dict[str, Hop]]
                  ) -> tuple[int, list[Row]]:
    """Apply new ends to claims; return how many changed and the rows deleted instead.

    A claim that would become a duplicate of another claim of its document (same identity), or would
    link an entity to itself where it did not before, is deleted; its row goes into the payload, so
    an undo restores it with its id.
    """
    taken = {identity(row) for row in rows if row["id"] not in changes}
    changed, deleted, moves = [], [], []
    for row in rows:
        ends = changes.get(row["id"])
        if not ends:
            continue
        new = dict(row)
        for column, (_, _, to_id) in ends.items():
            set_end(new, column, to_id)
        self_loop = new["subject_id"] == new["object_id"] and row["subject_id"] != row["object_id"]
        if self_loop or identity(new) in taken:
            deleted.append(row)
            moves.append(move_row(judgement_id, "claims", row["id"], DELETED, None, None))
            continue
        taken.add(identity(new))
        changed.append(new)
        moves += [move_row(judgement_id, "claims", row["id"], c, f, t) for c, (_, f, t) in ends.items()]
    for chunk in chunks([row["id"] for row in deleted]):
        conn.execute(delete(claims).where(claims.c.id.in_(chunk)))
    write_ends(conn, changed)
    log_moves(conn, moves)
    return len(changed), deleted


# --- merge ---------------------------------------------------------------------------------------
def merge(conn: Connection, judgement_id: int, keep: str, drop: str) -> Payload:
    """Everything stored under `drop` goes to `keep`; later writes naming `drop` follow a redirect.

    The dropped entity's row and aliases stay where they are: readers follow the redirect, and an
    unmerge finds them untouched.
    """
    rules = Rules.load(conn)
    if keep == drop:
        raise bad(f"cannot merge {keep} into itself")
    require_active(conn, rules, keep)
    require_active(conn, rules, drop)
    found = conn.execute(select(mentions.c.id).where(mentions.c.entity_id == drop)).scalars().all()
    moved = move_mentions(conn, judgement_id, [(i, drop) for i in found], keep)
    hop = (judgement_id, drop, keep)
    rows = claims_of_documents(conn, or_(*(claims.c[c] == drop for c in ENDS)))
    changes = {r["id"]: {c: hop for c in ENDS if r[c] == drop} for r in rows if drop in _ends(r)}
    changed, deleted = change_claims(conn, judgement_id, rows, changes)
    conn.execute(redirects.insert().values(from_id=drop, to_id=keep, judgement_id=judgement_id))
    return {"redirect": [drop, keep], "deleted_claims": deleted,
            "counts": {"mentions": moved, "claims": changed, "claims_removed": len(deleted)}}


def _ends(row: Row) -> set[str]:
    return {row[c] for c in ENDS if row[c] is not None}


# --- surface forms: split and alias add ------------------------------------------------------------
def _mentions_reading(conn: Connection, sources: Iterable[str], normalised: str) -> list[Row]:
    """Mentions of the given entities whose text normalises to `normalised`."""
    found: list[Row] = []
    for chunk in chunks(sorted(sources)):
        query = select(mentions.c.id, mentions.c.entity_id, mentions.c.document_id, mentions.c.start_offset,
                       mentions.c.end_offset, mentions.c.text).where(mentions.c.entity_id.in_(chunk))
        found += [dict(m) for m in conn.execute(query).mappings() if normalise_name(m["text"]) == normalised]
    return found


def _alias_rows(conn: Connection, holders: Iterable[str], normalised: str) -> list[list[str]]:
    query = select(aliases.c.entity_id, aliases.c.alias, aliases.c.normalised).where(
        aliases.c.entity_id.in_(sorted(holders)), aliases.c.normalised == normalised)
    return [list(row) for row in conn.execute(query)]


def _set_assignment(conn: Connection, rules: Rules, judgement_id: int, normalised: str,
                    entity_id: str | None) -> list[Any] | None:
    """Give the surface form to entity_id (None: to nobody); return the assignment it replaces."""
    before = rules.assignments.get(normalised)
    conn.execute(delete(alias_assignments).where(alias_assignments.c.normalised == normalised))
    if entity_id is not None:
        conn.execute(alias_assignments.insert().values(
            normalised=normalised, entity_id=entity_id, judgement_id=judgement_id))
    return list(before) if before else None


def _add_alias(conn: Connection, entity_id: str, alias: str) -> list[list[str]]:
    """Add an alias unless the entity has it; return the row added, if any (for the undo)."""
    normalised = normalise_name(alias)
    if not normalised or _alias_rows(conn, [entity_id], normalised):
        return []
    conn.execute(aliases.insert().values(entity_id=entity_id, alias=alias, normalised=normalised))
    return [[entity_id, alias, normalised]]


def _remove_aliases(conn: Connection, rows: list[list[str]]) -> None:
    for entity_id, _, normalised in rows:
        conn.execute(delete(aliases).where(and_(aliases.c.entity_id == entity_id,
                                                aliases.c.normalised == normalised)))


def give_surface(conn: Connection, rules: Rules, judgement_id: int, alias: str, to_id: str,
                 found: list[Row], held: list[list[str]]) -> Payload:
    """The surface form `alias` now means `to_id`: the mentions found that read so move there (with the
    claims they carry), the other entities' aliases `held` for it are removed, and later mentions that
    read so are assigned to `to_id`."""
    normalised = normalise_name(alias)
    moved = move_mentions(conn, judgement_id, [(m["id"], m["entity_id"]) for m in found], to_id)
    spans = [MovedMention(m["document_id"], m["start_offset"], m["end_offset"],
                          (judgement_id, m["entity_id"], to_id)) for m in found]
    sources = {m["entity_id"] for m in found}
    rows = claims_of_documents(conn, and_(
        claims.c.document_id.in_(sorted({m["document_id"] for m in found})),
        or_(*(claims.c[c].in_(sorted(sources)) for c in ENDS)))) if found else []
    changes = {r["id"]: ends for r in rows if (ends := following_ends(r, spans))}
    changed, deleted = change_claims(conn, judgement_id, rows, changes)
    _remove_aliases(conn, held)
    return {
        "alias": normalised, "text": alias, "aliases_removed": held,
        "aliases_added": _add_alias(conn, to_id, alias),
        "assignment_before": _set_assignment(conn, rules, judgement_id, normalised, to_id),
        "deleted_claims": deleted, "from": sorted(sources),
        "counts": {"mentions": moved, "claims": changed, "claims_removed": len(deleted)},
    }


def split(conn: Connection, judgement_id: int, entity_id: str, alias: str, new: Row) -> Payload:
    """The mentions of entity_id that read `alias` (and the claims they carry) become a new entity.

    `new` is the new entity's row; without a type it takes that of entity_id.
    """
    rules = Rules.load(conn)
    source = require_active(conn, rules, entity_id)
    normalised = normalised_alias(alias)
    new = {**new, "type": valid_type(new["type"] or source["type"])}
    _check_new_entity(conn, new)
    found = _mentions_reading(conn, [entity_id], normalised)
    held = _alias_rows(conn, merged_group(rules, entity_id), normalised)
    if not found and not held:
        raise bad(f"no mention or alias of {entity_id} reads {alias!r}: "
                  f"see `claimgraph entity show {entity_id}`")
    conn.execute(entities.insert().values(**new))
    payload = give_surface(conn, rules, judgement_id, alias, new["id"], found, held)
    payload["aliases_added"] += _add_alias(conn, new["id"], new["name"])
    payload["entity_created"] = new["id"]
    return payload


def new_entity(new_id: str, name: str, type_: str | None, now: datetime) -> Row:
    # Provisional: the knowledge base does not know it (an ingest that finds it there clears the flag).
    return {"id": new_id, "name": " ".join(name.split()), "type": type_, "country": None,
            "wikidata": None, "provisional": True, "created_at": now}


def _check_new_entity(conn: Connection, new: Row) -> None:
    if not SLUG.fullmatch(new["id"]) or len(new["id"]) > ENTITY_ID:
        raise bad(f"{new['id']!r} is not an entity id: use lower-case letters, digits and hyphens "
                  "(e.g. blue-heron-syndicate)")
    if entity_row(conn, new["id"]) is not None:
        raise bad(f"the id {new['id']} is taken: choose another --new-id")
    if not new["name"]:
        raise bad("the new entity needs a name")


def alias_add(conn: Connection, judgement_id: int, entity_id: str, alias: str) -> Payload:
    """`alias` names entity_id: stored mentions of other entities that read so move to it."""
    rules = Rules.load(conn)
    require_active(conn, rules, entity_id)
    normalised = normalised_alias(alias)
    group = merged_group(rules, entity_id)
    assigned = rules.assignments.get(normalised, ("", 0))[0]
    if rules.resolve(assigned) == entity_id and _alias_rows(conn, group, normalised):
        raise bad(f"{alias!r} is already an alias of {entity_id}")
    holders = set(_all_holders(conn, normalised)) - set(group)
    found = _mentions_reading(conn, {rules.resolve(h) for h in holders} - {entity_id}, normalised)
    payload = give_surface(conn, rules, judgement_id, alias, entity_id, found,
                           _alias_rows(conn, holders, normalised))
    payload["blocks_removed"] = _unblock(conn, entity_id, normalised)
    return payload


def _all_holders(conn: Connection, normalised: str) -> list[str]:
    query = select(aliases.c.entity_id).where(aliases.c.normalised == normalised)
    return list(conn.execute(query).scalars())


def _unblock(conn: Connection, entity_id: str, normalised: str) -> list[list[Any]]:
    where = and_(blocked_aliases.c.entity_id == entity_id, blocked_aliases.c.normalised == normalised)
    found = [list(row) for row in conn.execute(select(blocked_aliases).where(where))]
    conn.execute(delete(blocked_aliases).where(where))
    return found


# --- aliases, names, types -------------------------------------------------------------------------
def alias_remove(conn: Connection, judgement_id: int, entity_id: str, alias: str) -> Payload:
    """`alias` no longer names entity_id, and later ingests do not give it back; mentions stay."""
    rules = Rules.load(conn)
    row = require_active(conn, rules, entity_id)
    normalised = normalised_alias(alias)
    if normalised == normalise_name(row["name"]):
        raise bad(f"{alias!r} is the name of {entity_id}: rename it first (`claimgraph entity rename`)")
    held = _alias_rows(conn, merged_group(rules, entity_id), normalised)
    assigned = rules.assignments.get(normalised, ("", 0))[0]
    mine = bool(assigned) and rules.resolve(assigned) == entity_id
    if not held and not mine:
        raise bad(f"{alias!r} is not an alias of {entity_id}: see `claimgraph entity show {entity_id}`")
    _remove_aliases(conn, held)
    blocks = [] if (entity_id, normalised) in rules.blocked else [[entity_id, normalised]]
    for blocked_id, key in blocks:
        conn.execute(blocked_aliases.insert().values(entity_id=blocked_id, normalised=key,
                                                     judgement_id=judgement_id))
    payload: Payload = {"alias": normalised, "text": alias, "aliases_removed": held, "blocks_added": blocks}
    if mine:
        payload["assignment_before"] = _set_assignment(conn, rules, judgement_id, normalised, None)
    return payload


def rename(conn: Connection, judgement_id: int, entity_id: str, name: str) -> Payload:
    """A new display name; the new name becomes an alias too, so lookups by it work."""
    rules = Rules.load(conn)
    row = require_active(conn, rules, entity_id)
    name = " ".join(name.split())
    if not name:
        raise bad("a name needs letters or digits")
    if name == row["name"]:
        raise bad(f"{entity_id} is already named {name!r}")
    conn.execute(update(entities).where(entities.c.id == entity_id).values(name=name))
    blocked = (entity_id, normalise_name(name)) in rules.blocked
    return {"alias": normalise_name(name), "name_before": row["name"], "name": name,
            "aliases_added": [] if blocked else _add_alias(conn, entity_id, name)}


def retype(conn: Connection, judgement_id: int, entity_id: str, type_: str) -> Payload:
    row = require_active(conn, Rules.load(conn), entity_id)
    if valid_type(type_) == row["type"]:
        raise bad(f"{entity_id} is already of type {type_}")
    conn.execute(update(entities).where(entities.c.id == entity_id).values(type=type_))
    return {"type_before": row["type"], "type": type_}

