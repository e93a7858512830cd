"""Undoing a judgement: the same steps for every action, driven by what its payload and row moves hold.

A judgement is undone only when no later judgement that still stands depends on it: one on the same
entities (for merges and splits), the same alias, the same name or type, one naming an entity a
split created, or one that moved the same mention or claim columns. Those must be undone first,
newest first; anything else would put back values that are no longer the ones the judgement left.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from claimgraph.errors import Code, StoreError
from claimgraph.store.judge import Payload, bad, chunks, write_ends
from claimgraph.store.rules import ENDS, Row, set_end
from claimgraph.store.schema import (
    DELETED,
    alias_assignments,
    aliases,
    blocked_aliases,
    claims,
    entities,
    judgements,
    mentions,
    redirects,
    row_moves,
)
from claimgraph.store.upsert import insert_ignore


def load(conn: Connection, judgement_id: int) -> Row:
    found = conn.execute(select(judgements).where(judgements.c.id == judgement_id)).mappings().first()
    if found is None:
        raise StoreError(Code.UNKNOWN_JUDGEMENT,
                         f"no judgement has the number {judgement_id}: see `claimgraph entity history`")
    return dict(found)


def undo(conn: Connection, judgement: Row, who: str, why: str, now: datetime) -> None:
    """Reverse one judgement in the caller's transaction and mark it undone."""
    number = judgement["id"]
    if judgement["undone_at"] is not None:
        raise bad(f"judgement {number} was already undone "
                  f"({judgement['undone_by']}, {judgement['undone_at']})")
    later = blocking(conn, judgement)
    if later:
        raise bad(f"judgement {number} cannot be undone while later judgements on the same entities, "
                  f"aliases or rows stand: undo {', '.join(map(str, later))} first (newest first)")
    payload: Payload = json.loads(judgement["payload"])
    if "redirect" in payload:
        conn.execute(delete(redirects).where(redirects.c.from_id == payload["redirect"][0]))
    _revert_moves(conn, number)
    _restore_claims(conn, number, payload.get("deleted_claims", []))
    _restore_aliases(conn, payload)
    _restore_assignment(conn, payload)
    _restore_attributes(conn, judgement["entity_id"], payload, number)
    if "entity_created" in payload:
        _delete_if_unused(conn, payload["entity_created"])
    payload["undo_why"] = why
    conn.execute(update(judgements).where(judgements.c.id == number).values(
        undone_at=now, undone_by=who, payload=json.dumps(payload, ensure_ascii=False)))


# --- what stands in the way --------------------------------------------------------------------
def _keys(judgement: Row) -> set[str]:
    """What a judgement depends on; two judgements sharing a key must be undone newest first."""
    payload = json.loads(judgement["payload"])
    action, entity_id = judgement["action"], judgement["entity_id"]
    keys = {f"alias:{payload['alias']}"} if payload.get("alias") else set()
    if action == "rename":
        keys.add(f"name:{entity_id}")
    elif action == "retype":
        keys.add(f"type:{entity_id}")
    elif action in ("merge", "split"):
        keys |= {f"graph:{entity_id}", f"graph:{judgement['target_id']}"}
    return keys


def blocking(conn: Connection, judgement: Row) -> list[int]:
    """Later judgements, still standing, that must be undone before this one."""
    query = select(judgements).where(judgements.c.id > judgement["id"], judgements.c.undone_at.is_(None))
    later = [dict(row) for row in conn.execute(query).mappings()]
    keys = _keys(judgement)
    created = json.loads(judgement["payload"]).get("entity_created")
    found = {k["id"] for k in later
             if keys & _keys(k) or (created and created in (k["entity_id"], k["target_id"]))}
    return sorted(found | _same_rows(conn, judgement["id"]), reverse=True)


def _same_rows(conn: Connection, judgement_id: int) -> set[int]:
    """Later standing judgements that moved a column this one moved, or deleted a row it moved."""
    mine, theirs = row_moves.alias("mine"), row_moves.alias("theirs")
    query = (
        select(theirs.c.judgement_id).distinct()
        .select_from(mine.join(theirs, and_(mine.c.row_table == theirs.c.row_table,
                                             mine.c.row_id == theirs.c.row_id)))
        .join(judgements, judgements.c.id == theirs.c.judgement_id)
        .where(mine.c.judgement_id == judgement_id, theirs.c.judgement_id > judgement_id,
               judgements.c.undone_at.is_(None),
               or_(mine.c.row_column == theirs.c.row_column, mine.c.row_column == DELETED,
                   theirs.c.row_column == DELETED))
    )
    return set(conn.execute(query).scalars())


def _changed_since(number: int) -> StoreError:
    # blocking() should have named the judgement responsible; this guards against edits by hand.
    return bad(f"the rows judgement {number} moved were changed since by something else: not undone")


# --- mentions and claims -------------------------------------------------------------------------
def _revert_moves(conn: Connection, number: int) -> None:
    query = select(row_moves).where(row_moves.c.judgement_id == number, row_moves.c.row_column != DELETED)
    mention_moves: dict[tuple[str, str], list[int]] = defaultdict(list)
    claim_moves: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for move in conn.execute(query).mappings():
        if move["row_table"] == "mentions":
            mention_moves[(move["from_id"], move["to_id"])].append(move["row_id"])
        else:
            claim_moves[move["row_id"]][move["row_column"]] = (move["from_id"], move["to_id"])
    for (from_id, to_id), ids in mention_moves.items():
        for chunk in chunks(ids):
            stmt = update(mentions).where(mentions.c.id.in_(chunk), mentions.c.entity_id == to_id)
            if conn.execute(stmt.values(entity_id=from_id)).rowcount != len(chunk):
                raise _changed_since(number)
    _revert_claims(conn, number, claim_moves)


def _revert_claims(conn: Connection, number: int, moves: dict[int, dict[str, tuple[str, str]]]) -> None:
    rows: list[Row] = []
    for chunk in chunks(sorted(moves)):
        rows += [dict(r) for r in conn.execute(select(claims).where(claims.c.id.in_(chunk))).mappings()]
    if len(rows) != len(moves):
        raise _changed_since(number)
    for row in rows:
        for column, (from_id, to_id) in moves[row["id"]].items():
            if row[column] != to_id:
                raise _changed_since(number)
            set_end(row, column, from_id)
    try:
        write_ends(conn, rows)
    except IntegrityError as exc:
        raise _changed_since(number) from exc


def _restore_claims(conn: Connection, number: int, rows: list[Row]) -> None:
    if not rows:
        return
    taken = set(conn.execute(select(claims.c.id).where(claims.c.id.in_([r["id"] for r in rows]))).scalars())
    # SQLite may have given a deleted claim's id to a newer claim; such a row comes back with a new id.
    fresh = [{k: v for k, v in r.items() if k != "id"} if r["id"] in taken else r for r in rows]
    try:
        for row in fresh:
            conn.execute(claims.insert().values(**row))
    except IntegrityError as exc:
        raise bad(f"judgement {number} removed duplicate claims that now clash with others: "
                  "not undone") from exc


# --- aliases, assignments, names -----------------------------------------------------------------
def _restore_aliases(conn: Connection, payload: Payload) -> None:
    for entity_id, _, normalised in payload.get("aliases_added", []):
        conn.execute(delete(aliases).where(aliases.c.entity_id == entity_id,
                                           aliases.c.normalised == normalised))
    removed = [{"entity_id": e, "alias": a, "normalised": n}
               for e, a, n in payload.get("aliases_removed", [])]
    insert_ignore(conn, aliases, removed, ["entity_id", "normalised"])
    for entity_id, normalised in payload.get("blocks_added", []):
        conn.execute(delete(blocked_aliases).where(blocked_aliases.c.entity_id == entity_id,
                                                   blocked_aliases.c.normalised == normalised))
    for entity_id, normalised, judgement_id in payload.get("blocks_removed", []):
        conn.execute(blocked_aliases.insert().values(entity_id=entity_id, normalised=normalised,
                                                     judgement_id=judgement_id))


def _restore_assignment(conn: Connection, payload: Payload) -> None:
    if "assignment_before" not in payload:
        return
    normalised = payload["alias"]
    conn.execute(delete(alias_assignments).where(alias_assignments.c.normalised == normalised))
    before = payload["assignment_before"]
    if before:
        conn.execute(alias_assignments.insert().values(normalised=normalised, entity_id=before[0],
                                                       judgement_id=before[1]))


def _restore_attributes(conn: Connection, entity_id: str, payload: Payload, number: int) -> None:
    for column in ("name", "type"):
        if f"{column}_before" not in payload:
            continue
        stmt = update(entities).where(entities.c.id == entity_id, entities.c[column] == payload[column])
        if conn.execute(stmt.values({column: payload[f"{column}_before"]})).rowcount != 1:
            raise _changed_since(number)


def _delete_if_unused(conn: Connection, entity_id: str) -> None:
    # A later ingest may have brought an entity of that id from the knowledge base: then it stays.
    used = [exists().where(mentions.c.entity_id == entity_id),
            *(exists().where(claims.c[c] == entity_id) for c in ENDS),
            exists().where(aliases.c.entity_id == entity_id)]
    if not conn.execute(select(or_(*used))).scalar():
        conn.execute(delete(entities).where(entities.c.id == entity_id))

