"""Analyst curation on a `Store`: judgements on entities and aliases, their undo, and the views of them.

Every judgement is one write transaction that records who, when, what and why in `judgements`, and
applies at once to the stored mentions and claims (judge.py); the rules it leaves behind apply to
every later ingest (rules.py); `undo` reverses any judgement exactly (undo.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select, update

from claimgraph.store import judge
from claimgraph.store import undo as undoing
from claimgraph.store.contention import CURATION_KEY, CURATION_LOCK, lock_keys
from claimgraph.store.engine import read_transaction, write_transaction
from claimgraph.store.rows import Pending
from claimgraph.store.rules import Rules
from claimgraph.store.schema import (
    alias_assignments,
    aliases,
    blocked_aliases,
    claims,
    judgements,
    mentions,
)

Apply = Callable[[Connection, int], judge.Payload]


def _iso(value: datetime | None) -> str | None:
    # SQLite hands back naive datetimes (what was written: UTC), PostgreSQL aware ones.
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def judgement_view(row: Any) -> dict[str, Any]:
    view = dict(row)
    view["payload"] = json.loads(view["payload"])
    view["created_at"] = _iso(view["created_at"])
    view["undone_at"] = _iso(view["undone_at"])
    return view


def _need_reason(why: str, action: str) -> None:
    if not why.strip():
        raise judge.bad(f"a {action} needs a reason: say why (--why)")


class Curation:
    """The curation methods of `Store` (kept here so the store's read and write paths stay small)."""

    _engine: Engine
    _known: Pending

    # --- judgements --------------------------------------------------------------------------
    def _judge(self, action: str, entity_id: str, target_id: str | None, who: str, why: str,
               apply: Apply) -> int:
        now = datetime.now(UTC)
        with write_transaction(self._engine) as conn:
            lock_keys(conn, CURATION_LOCK, [CURATION_KEY])  # alone: no write in flight, no other judgement
            stmt = judgements.insert().values(action=action, entity_id=entity_id, target_id=target_id,
                                              who=who, why=why.strip(), created_at=now)
            number = int(conn.execute(stmt.returning(judgements.c.id)).scalar_one())
            payload = apply(conn, number)
            conn.execute(update(judgements).where(judgements.c.id == number).values(
                payload=json.dumps(payload, ensure_ascii=False)))
        # What this Store remembers having written may no longer be so (an alias moved or removed).
        self._known.clear()
        return number

    def judge_merge(self, keep: str, drop: str, *, who: str, why: str) -> int:
        """Merge `drop` into `keep`: its mentions and claims move, later ingests follow. The judgement id."""
        _need_reason(why, "merge")
        return self._judge("merge", drop, keep, who, why,
                           lambda conn, number: judge.merge(conn, number, keep, drop))

    def split(self, entity_id: str, alias: str, new_id: str, new_name: str, new_type: str | None = None,
              *, who: str, why: str) -> int:
        """The mentions of entity_id that read `alias` (and the claims they carry) become new_id."""
        _need_reason(why, "split")
        new = judge.new_entity(new_id, new_name, new_type, datetime.now(UTC))
        return self._judge("split", entity_id, new_id, who, why,
                           lambda conn, number: judge.split(conn, number, entity_id, alias, new))

    def rename(self, entity_id: str, name: str, *, who: str, why: str = "") -> int:
        return self._judge("rename", entity_id, None, who, why,
                           lambda conn, number: judge.rename(conn, number, entity_id, name))

    def retype(self, entity_id: str, type: str, *, who: str, why: str = "") -> int:
        return self._judge("retype", entity_id, None, who, why,
                           lambda conn, number: judge.retype(conn, number, entity_id, type))

    def alias_add(self, entity_id: str, alias: str, *, who: str, why: str = "") -> int:
        """`alias` names entity_id, now and in later ingests; other entities' mentions reading so move."""
        return self._judge("alias_add", entity_id, None, who, why,
                           lambda conn, number: judge.alias_add(conn, number, entity_id, alias))

    def alias_remove(self, entity_id: str, alias: str, *, who: str, why: str = "") -> int:
        return self._judge("alias_remove", entity_id, None, who, why,
                           lambda conn, number: judge.alias_remove(conn, number, entity_id, alias))

    # --- undo --------------------------------------------------------------------------------
    def undo(self, judgement_id: int, *, who: str, why: str = "", action: str | None = None) -> int:
        """Reverse a judgement exactly; `action` refuses any other kind (as `unmerge` does)."""
        with write_transaction(self._engine) as conn:
            lock_keys(conn, CURATION_LOCK, [CURATION_KEY])
            found = undoing.load(conn, judgement_id)
            if action is not None and found["action"] != action:
                raise judge.bad(f"judgement {judgement_id} ({found['action']}) is not a {action}: "
                                f"use `claimgraph entity undo {judgement_id}`")
            undoing.undo(conn, found, who, why.strip(), datetime.now(UTC))
        self._known.clear()
        return judgement_id

    def unmerge(self, judgement_id: int, *, who: str, why: str = "") -> int:
        return self.undo(judgement_id, who=who, why=why, action="merge")

    # --- reading -----------------------------------------------------------------------------
    def judgement(self, judgement_id: int) -> dict[str, Any]:
        with read_transaction(self._engine) as conn:
            return judgement_view(undoing.load(conn, judgement_id))

    def judgements(self, entity: str | None = None) -> list[dict[str, Any]]:
        """Judgements in the order they were made; with `entity`, those naming it (either side)."""
        query = select(judgements).order_by(judgements.c.id)
        if entity is not None:
            query = query.where(or_(judgements.c.entity_id == entity, judgements.c.target_id == entity))
        with read_transaction(self._engine) as conn:
            rows = [judgement_view(row) for row in conn.execute(query).mappings()]
            if entity is not None and not rows and judge.entity_row(conn, entity) is None:
                raise judge.unknown_entity(entity, conn)
        return rows

    def entity_show(self, entity_id: str) -> dict[str, Any]:
        """An entity with its aliases, counts, the rules on it and the judgements naming it."""
        with read_transaction(self._engine) as conn:
            row = judge.entity_row(conn, entity_id)
            if row is None:
                raise judge.unknown_entity(entity_id, conn)
            rules = Rules.load(conn)
            view = {**row, "created_at": _iso(row["created_at"]), **_merges(rules, entity_id),
                    **_counts(conn, entity_id), **_alias_view(conn, rules, entity_id)}
            view["judgements"] = [judgement_view(j) for j in conn.execute(
                select(judgements).where(or_(judgements.c.entity_id == entity_id,
                                             judgements.c.target_id == entity_id))
                .order_by(judgements.c.id)).mappings()]
        return view


def _merges(rules: Rules, entity_id: str) -> dict[str, Any]:
    hops = rules.hops(entity_id)
    return {"merged_into": hops[-1][2] if hops else None,
            "merged_by": hops[0][0] if hops else None,
            "merged_from": [e for e in judge.merged_group(rules, entity_id) if e != entity_id]}


def _counts(conn: Connection, entity_id: str) -> dict[str, int]:
    def count(table: Any, *where: Any) -> Any:
        return select(func.count()).select_from(table).where(or_(*where)).scalar_subquery()

    query = select(
        count(mentions, mentions.c.entity_id == entity_id).label("mentions"),
        count(claims, claims.c.subject_id == entity_id, claims.c.object_id == entity_id).label("claims"),
        count(claims, claims.c.speaker_id == entity_id).label("claims_spoken"),
    )
    return {key: int(value) for key, value in conn.execute(query).one()._mapping.items()}


def _alias_view(conn: Connection, rules: Rules, entity_id: str) -> dict[str, Any]:
    group = judge.merged_group(rules, entity_id)
    found = conn.execute(select(aliases.c.alias, aliases.c.normalised, aliases.c.entity_id)
                         .where(aliases.c.entity_id.in_(group))
                         .order_by(aliases.c.normalised, aliases.c.entity_id)).mappings()
    blocked = select(blocked_aliases.c.normalised).where(blocked_aliases.c.entity_id == entity_id)
    assigned = select(alias_assignments.c.normalised).where(alias_assignments.c.entity_id.in_(group))
    return {
        "aliases": [{"alias": a["alias"], "normalised": a["normalised"],
                     "via": a["entity_id"] if a["entity_id"] != entity_id else None} for a in found],
        "blocked_aliases": sorted(conn.execute(blocked).scalars()),
        "assigned_aliases": sorted(conn.execute(assigned).scalars()),
    }

