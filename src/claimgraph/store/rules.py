"""The analysts' standing rules, applied to every write of mentions, claims and aliases.

Three kinds, each left by a judgement (see curation.py): a merged entity's id is written as the
entity it was merged into (redirects, followed transitively); a surface form given to an entity
(alias assignments) sends later mentions that read so to that entity; a removed alias is not
written again (blocked aliases). Each id a rule changes in a mention or claim is logged in
`row_moves` under the judgement, so undoing the judgement also undoes it in later ingests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from claimgraph.names import normalise_name
from claimgraph.store.schema import (
    CLAIM_IDENTITY,
    alias_assignments,
    blocked_aliases,
    claims,
    mentions,
    redirects,
    row_moves,
)
from claimgraph.store.upsert import insert_ignore

Row = dict[str, Any]
Hop = tuple[int, str, str]  # (judgement id, from entity id, to entity id)
ENDS = ("subject_id", "object_id", "speaker_id")
_CHUNK = 500


@dataclass(frozen=True)
class MovedMention:
    """A mention that changed entity, as the span rule for claims needs it."""

    document_id: int
    start: int
    end: int
    hop: Hop


def following_ends(claim: Row, moved: Iterable[MovedMention]) -> dict[str, Hop]:
    """The ends of a claim that move with moved mentions, by column.

    A claim row does not record which mention each end came from, so an end follows a mention when it
    names the mention's old entity and the claim's evidence span contains the mention.
    """
    ends: dict[str, Hop] = {}
    for m in moved:
        inside = claim["start_offset"] <= m.start and m.end <= claim["end_offset"]
        if m.document_id != claim["document_id"] or not inside:
            continue
        for column in ENDS:
            if column not in ends and claim[column] == m.hop[1]:
                ends[column] = m.hop
    return ends


def set_end(row: Row, column: str, entity_id: str) -> None:
    """Set one end of a claim row; the speaker's key (part of the claim's identity) goes with it."""
    row[column] = entity_id
    if column == "speaker_id":
        row["speaker_key"] = entity_id


def identity(row: Row) -> tuple[Any, ...]:
    return tuple(row[key] for key in CLAIM_IDENTITY)


def move_row(judgement_id: int, table: str, row_id: int, column: str, from_id: str | None,
             to_id: str | None) -> Row:
    return {"judgement_id": judgement_id, "row_table": table, "row_id": row_id, "row_column": column,
            "from_id": from_id, "to_id": to_id}


@dataclass
class Rules:
    redirects: dict[str, tuple[str, int]] = field(default_factory=dict)  # from id -> (to id, judgement)
    assignments: dict[str, tuple[str, int]] = field(default_factory=dict)  # normalised -> (id, judgement)
    blocked: set[tuple[str, str]] = field(default_factory=set)  # (entity id, normalised)

    @classmethod
    def load(cls, conn: Connection) -> Rules:
        """The rules as they stand in this transaction (a few rows each: analysts write them by hand)."""
        return cls(
            {f: (t, j) for f, t, j in conn.execute(select(redirects))},
            {n: (e, j) for n, e, j in conn.execute(select(alias_assignments))},
            {(e, n) for e, n, _ in conn.execute(select(blocked_aliases))},
        )

    def __bool__(self) -> bool:
        return bool(self.redirects or self.assignments or self.blocked)

    def hops(self, entity_id: str) -> list[Hop]:
        """The redirects from entity_id to the entity it now stands for (none if it was never merged)."""
        hops: list[Hop] = []
        current = entity_id
        # merges refuse merged entities, so there are no cycles; the bound guards against a hand edit
        while current in self.redirects and len(hops) <= len(self.redirects):
            to_id, judgement_id = self.redirects[current]
            hops.append((judgement_id, current, to_id))
            current = to_id
        return hops

    def resolve(self, entity_id: str) -> str:
        hops = self.hops(entity_id)
        return hops[-1][2] if hops else entity_id

    def assigned(self, text: str, entity_id: str) -> Hop | None:
        """The assignment that takes a mention reading `text` away from entity_id, if any."""
        if not self.assignments:
            return None
        found = self.assignments.get(normalise_name(text))
        if found is None or found[0] == entity_id:
            return None
        return found[1], entity_id, found[0]

    def aliases(self, rows: Sequence[Row]) -> list[Row]:
        """Alias rows under their assigned entity, without the blocked ones (once per key)."""
        if not self:
            return list(rows)
        out: dict[tuple[str, str], Row] = {}
        for row in rows:
            normalised = row["normalised"]
            entity_id = self.assignments.get(normalised, (row["entity_id"], 0))[0]
            # An alias stays on the id it was written for (a merged id included): readers follow the
            # redirects, and an unmerge finds the merged entity's aliases where they were.
            chain = [entity_id, *(hop[2] for hop in self.hops(entity_id))]
            if any((e, normalised) in self.blocked for e in chain):
                continue
            out.setdefault((entity_id, normalised), {**row, "entity_id": entity_id})
        return list(out.values())

    # --- mentions and claims on their way in -----------------------------------------------------
    def rewrite_mentions(self, rows: list[Row]) -> tuple[list[list[Hop]], list[MovedMention]]:
        """Apply the rules to mention rows in place; the hops of each row, and the mentions an
        assignment moved (claims follow those).

        Redirects first, so an assignment's hop starts from the entity the mention stands for (an
        undo of the assignment then puts back a live entity, not a merged one), then redirects again.
        """
        all_hops: list[list[Hop]] = []
        assigned: list[MovedMention] = []
        for row in rows:
            hops = self.hops(row["entity_id"])
            first = self.assigned(row["text"], hops[-1][2] if hops else row["entity_id"])
            if first is not None:
                hops += [first, *self.hops(first[2])]
                assigned.append(MovedMention(row["document_id"], row["start_offset"], row["end_offset"],
                                             first))
            if hops:
                row["entity_id"] = hops[-1][2]
            all_hops.append(hops)
        return all_hops, assigned

    def rewrite_claims(self, rows: list[Row], assigned: list[MovedMention]) -> list[dict[str, list[Hop]]]:
        """Apply redirects, then the span rule for assigned mentions, to claim rows in place."""
        all_hops: list[dict[str, list[Hop]]] = []
        for row in rows:
            by_column: dict[str, list[Hop]] = {}
            for column in ENDS:
                if row[column] is not None:
                    self._extend(row, column, self.hops(row[column]), by_column)
            for column, hop in (following_ends(row, assigned) if assigned else {}).items():
                self._extend(row, column, [hop, *self.hops(hop[2])], by_column)
            all_hops.append(by_column)
        return all_hops

    @staticmethod
    def _extend(row: Row, column: str, hops: list[Hop], by_column: dict[str, list[Hop]]) -> None:
        if hops:
            set_end(row, column, hops[-1][2])
            by_column.setdefault(column, []).extend(hops)


def write_mentions_and_claims(conn: Connection, rules: Rules, mention_rows: list[Row],
                              claim_rows: list[Row]) -> None:
    """Insert a batch's mentions and claims (new documents only) with the rules applied and logged."""
    if not rules.redirects and not rules.assignments:
        if mention_rows:
            conn.execute(mentions.insert(), mention_rows)
        insert_ignore(conn, claims, claim_rows, CLAIM_IDENTITY)
        return
    mention_hops, assigned = rules.rewrite_mentions(mention_rows)
    claim_hops = rules.rewrite_claims(claim_rows, assigned)
    claim_rows, claim_hops = _unique_claims(claim_rows, claim_hops)
    logged = _insert_mentions(conn, mention_rows, mention_hops)
    insert_ignore(conn, claims, claim_rows, CLAIM_IDENTITY)
    logged += _claim_moves(conn, claim_rows, claim_hops)
    if logged:
        conn.execute(row_moves.insert(), logged)


def _unique_claims(rows: list[Row], hops: list[dict[str, list[Hop]]]
                   ) -> tuple[list[Row], list[dict[str, list[Hop]]]]:
    # Two claims of a new document can become one once rewritten; keep the first, and log hops only
    # for the row that is stored (else an undo would rewrite the claim that survived).
    seen: set[tuple[Any, ...]] = set()
    kept_rows, kept_hops = [], []
    for row, by_column in zip(rows, hops, strict=True):
        key = identity(row)
        if key not in seen:
            seen.add(key)
            kept_rows.append(row)
            kept_hops.append(by_column)
    return kept_rows, kept_hops


def _insert_mentions(conn: Connection, rows: list[Row], hops: list[list[Hop]]) -> list[Row]:
    if not rows:
        return []
    if not any(hops):
        conn.execute(mentions.insert(), rows)
        return []
    stmt = mentions.insert().returning(mentions.c.id, sort_by_parameter_order=True)
    ids = list(conn.execute(stmt, rows).scalars())
    return [move_row(j, "mentions", row_id, "entity_id", f, t)
            for row_id, row_hops in zip(ids, hops, strict=True) for j, f, t in row_hops]


def _claim_moves(conn: Connection, rows: list[Row], hops: list[dict[str, list[Hop]]]) -> list[Row]:
    changed = [(row, by_column) for row, by_column in zip(rows, hops, strict=True) if by_column]
    if not changed:
        return []
    # insert_ignore returns no ids: find the stored claims by identity in their (new) documents
    doc_ids = sorted({row["document_id"] for row, _ in changed})
    columns = [claims.c.id, *(claims.c[key] for key in CLAIM_IDENTITY)]
    ids: dict[tuple[Any, ...], int] = {}
    for i in range(0, len(doc_ids), _CHUNK):
        query = select(*columns).where(claims.c.document_id.in_(doc_ids[i:i + _CHUNK]))
        ids.update({tuple(found[1:]): found[0] for found in conn.execute(query)})
    return [move_row(j, "claims", ids[identity(row)], column, f, t)
            for row, by_column in changed for column, column_hops in by_column.items()
            for j, f, t in column_hops]
