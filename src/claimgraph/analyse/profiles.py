"""Speaker and outlet profiles: what a speaker claims and how firmly, what an outlet publishes.

Both are computed from the stored claims when asked (a few GROUP BY statements), so they are current
after every ingest. "Accuses" counts the subjects of the affirmed claims: the actor said to support,
direct, fund... someone. An outlet's copies are its documents that copy-detection filed under another
document's story (`document_copies`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from claimgraph.analyse.links import _connect, _from_clause, _names, _origin
from claimgraph.store.engine import unstorable
from claimgraph.store.schema import claims, document_copies, documents

if TYPE_CHECKING:
    from claimgraph.store import Store

TOP = 10


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _stance(conn: Connection, where: ColumnElement[bool]) -> dict[str, Any]:
    """Counts of the claims matching `where`: total, hedged, denied, unattributed, dates, relations."""
    hedged = func.sum(case((claims.c.modality == "hedged", 1), else_=0))
    denied = func.sum(case((claims.c.polarity == "denied", 1), else_=0))
    unattributed = func.sum(case((claims.c.speaker_id.is_(None), 1), else_=0))
    row = conn.execute(
        select(func.count(), hedged, denied, unattributed, func.min(documents.c.published),
               func.max(documents.c.published), func.count(func.distinct(claims.c.document_id)))
        .select_from(_from_clause()).where(where)
    ).one()
    total = int(row[0])
    relations: dict[str, int] = dict(conn.execute(
        select(claims.c.relation, func.count()).select_from(_from_clause()).where(where)
        .group_by(claims.c.relation).order_by(func.count().desc(), claims.c.relation)
    ).all())
    return {
        "claims": total, "documents": int(row[6]), "hedged": int(row[1] or 0), "denied": int(row[2] or 0),
        "unattributed": int(row[3] or 0), "hedged_share": _share(int(row[1] or 0), total),
        "denied_share": _share(int(row[2] or 0), total),
        "unattributed_share": _share(int(row[3] or 0), total),
        "first_seen": row[4], "last_seen": row[5], "relations": relations,
    }


def _top(conn: Connection, column: Any, where: ColumnElement[bool],
         limit: int = TOP) -> list[tuple[Any, int]]:
    query = (select(column, func.count()).select_from(_from_clause()).where(where, column.is_not(None))
             .group_by(column).order_by(func.count().desc(), column).limit(limit))
    return [(key, int(n)) for key, n in conn.execute(query)]


def _accused(conn: Connection, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    rows = _top(conn, claims.c.subject_id, and_(where, claims.c.polarity == "affirmed"))
    names = _names(conn, [key for key, _ in rows])
    return [{"entity": key, "name": names.get(key, key), "claims": n} for key, n in rows]


def speaker_profile(store: Store, name: str) -> dict[str, Any] | None:
    """What a speaker (an entity id, name or alias) is quoted claiming; None if no entity is so called."""
    with _connect(store) as conn:
        ids = store.match_in(conn, name)
        if not ids:
            return None
        where = claims.c.speaker_id.in_(ids)
        name_of = _names(conn, ids[:1]).get(ids[0], ids[0])
        profile = {"speaker": ids[0], "name": name_of, **_stance(conn, where)}
        profile.pop("unattributed")
        profile.pop("unattributed_share")
        profile["accuses"] = _accused(conn, where)
        outlet = func.coalesce(documents.c.outlet, documents.c.doc_key)
        profile["outlets"] = [{"outlet": key, "claims": n} for key, n in _top(conn, outlet, where)]
    return profile


def outlets_named(conn: Connection, name: str) -> list[str]:
    """The stored outlet names that read as `name` (case-insensitive)."""
    if unstorable(name):
        return []
    same = func.lower(documents.c.outlet) == name.strip().lower()
    query = select(documents.c.outlet).where(same).distinct()
    return sorted(conn.execute(query).scalars())


def outlet_profile(store: Store, name: str) -> dict[str, Any] | None:
    """What an outlet publishes; None if no stored document has that outlet."""
    with _connect(store) as conn:
        outlets = outlets_named(conn, name)
        if not outlets:
            return None
        where = documents.c.outlet.in_(outlets)
        profile = {"outlet": outlets[0], **_stance(conn, where)}
        profile["accuses"] = _accused(conn, where)
        profile["accuses_in_own_voice"] = _accused(conn, and_(where, claims.c.speaker_id.is_(None)))
        rows = _top(conn, claims.c.speaker_id, where)
        names = _names(conn, [key for key, _ in rows])
        profile["speakers"] = [{"entity": key, "name": names.get(key, key), "claims": n} for key, n in rows]
        profile.update(_copies(conn, outlets))
    return profile


def _copies(conn: Connection, outlets: list[str]) -> dict[str, Any]:
    is_copy = document_copies.c.story_id != document_copies.c.document_id
    ours = documents.c.outlet.in_(outlets)
    origin_outlet = func.coalesce(_origin.c.outlet, _origin.c.doc_key)
    published = conn.execute(
        select(origin_outlet, func.count())
        .select_from(documents.join(document_copies, document_copies.c.document_id == documents.c.id)
                     .join(_origin, _origin.c.id == document_copies.c.story_id))
        .where(ours, is_copy).group_by(origin_outlet).order_by(func.count().desc(), origin_outlet)
    ).all()
    copier = documents.alias("copier")
    copied = conn.execute(
        select(func.coalesce(copier.c.outlet, copier.c.doc_key), func.count())
        .select_from(documents.join(document_copies, document_copies.c.story_id == documents.c.id)
                     .join(copier, copier.c.id == document_copies.c.document_id))
        .where(ours, is_copy).group_by(func.coalesce(copier.c.outlet, copier.c.doc_key))
    ).all()
    return {
        "copies_published": sum(int(n) for _, n in published),
        "copied_from": [{"outlet": key, "documents": int(n)} for key, n in published[:TOP]],
        "copied_by_others": sum(int(n) for _, n in copied),
    }


def entity_overview(store: Store, entity_id: str) -> dict[str, Any]:
    """An actor's claims over time and who reports them: {"timeline": [{month, affirmed, denied}],
    "sources": [{outlet, documents, claims, first, last}]}, counting the claims it is an end of.
    A source is the independent source of links.py (copies folded under their origin). A hub's
    overview scans every claim it is an end of, so answers are remembered (memo.py)."""
    from claimgraph.analyse.memo import remember

    return remember(store, "entity_overview", (entity_id,), lambda: _overview(store, entity_id))


def _overview(store: Store, entity_id: str) -> dict[str, Any]:
    from claimgraph.analyse.config import load
    from claimgraph.analyse.links import _source_expr

    with _connect(store) as conn:
        ids = store.match_in(conn, entity_id) or [entity_id]
        where = (claims.c.subject_id.in_(ids)) | (claims.c.object_id.in_(ids))
        month = func.substr(documents.c.published, 1, 7)
        affirmed = func.sum(case((claims.c.polarity == "affirmed", 1), else_=0))
        denied = func.sum(case((claims.c.polarity == "denied", 1), else_=0))
        timeline = conn.execute(
            select(month, affirmed, denied).select_from(_from_clause())
            .where(where, documents.c.published.is_not(None)).group_by(month).order_by(month)).all()
        source = _source_expr(load())
        sources = conn.execute(
            select(source, func.count(func.distinct(claims.c.document_id)), func.count(),
                   func.min(documents.c.published), func.max(documents.c.published))
            .select_from(_from_clause()).where(where).group_by(source)
            .order_by(func.count().desc(), source).limit(TOP * 5)).all()
    return {
        "timeline": [{"month": m, "affirmed": int(a or 0), "denied": int(d or 0)} for m, a, d in timeline],
        "sources": [{"outlet": o, "documents": int(docs), "claims": int(n), "first": first, "last": last}
                    for o, docs, n, first, last in sources],
    }
