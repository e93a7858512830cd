"""The graph a viewer draws: nodes (actors) and edges (assessed links) for a neighbourhood or a filter.

Built from the link assessment (links.py), so an edge's status is the one every other view shows.
A neighbourhood is an actor's strongest links plus the links among the actors they reach, so the
picture shows who around an actor is also tied together. `limit` bounds the edges of each part:
a hub with thousands of links is drawn from its strongest ones, and `truncated` says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from claimgraph.analyse.links import Link, _connect, links_among, links_page
from claimgraph.store.schema import entities

if TYPE_CHECKING:
    from claimgraph.store import Store

DEFAULT_LIMIT = 150
HEDGED_MAJORITY = 0.5  # an edge is drawn as hedged when most of its claims are


def graph(store: Store, *, entity: str | None = None, relation: str | None = None,
          status: str | None = None, since: str | None = None, until: str | None = None,
          limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """{"nodes": [...], "edges": [...], "total_edges": n, "truncated": bool, "focus": id or None};
    answers are remembered (memo.py)."""
    from claimgraph.analyse.memo import remember

    arguments = (entity, relation, status, since, until, limit)
    return remember(store, "graph", arguments, lambda: _graph(store, *arguments))


def _graph(store: Store, entity: str | None, relation: str | None, status: str | None, since: str | None,
           until: str | None, limit: int) -> dict[str, Any]:
    filters: dict[str, Any] = {"relation": relation, "status": status, "since": since, "until": until}
    total, links = links_page(store, entity=entity, relation=relation, status=status, since=since,
                              until=until, limit=limit)
    focus = _focus(store, entity) if entity is not None else None
    among_cut = False
    if focus is not None and links:
        among, among_cut = _among(store, links, focus, limit, filters)
        links = links + among
    nodes = _nodes(store, links, focus)
    return {"focus": focus, "nodes": nodes, "edges": [edge(link) for link in links],
            "total_edges": total, "truncated": total > limit or among_cut}


def _focus(store: Store, entity: str) -> str | None:
    found = store.match_entities(entity)
    return found[0] if found else None


def _among(store: Store, links: list[Link], focus: str, limit: int,
           filters: dict[str, Any]) -> tuple[list[Link], bool]:
    """The strongest links between the focus's neighbours, and whether `limit` left some out. Only for
    the plain assessment (no date range): with one, the neighbourhood is the focus's own links."""
    if filters["since"] is not None or filters["until"] is not None:
        return [], False
    neighbours = {end for link in links for end in (link.subject, link.object)} - {focus}
    seen = {(link.subject, link.relation, link.object) for link in links}
    found = links_among(store, sorted(neighbours), relation=filters["relation"], status=filters["status"],
                        limit=limit + len(seen) + 1)
    new = [link for link in found if (link.subject, link.relation, link.object) not in seen]
    return new[:limit], len(new) > limit


def _nodes(store: Store, links: list[Link], focus: str | None) -> list[dict[str, Any]]:
    degree: dict[str, int] = {}
    names: dict[str, str] = {}
    for link in links:
        for end, name in ((link.subject, link.subject_name), (link.object, link.object_name)):
            degree[end] = degree.get(end, 0) + 1
            names[end] = name
    if focus is not None:
        degree.setdefault(focus, 0)
    with _connect(store) as conn:
        query = select(entities.c.id, entities.c.name, entities.c.type, entities.c.country)
        rows = {row.id: row for row in conn.execute(query.where(entities.c.id.in_(sorted(degree))))}
    nodes = []
    for node_id in sorted(degree, key=lambda i: (-degree[i], i)):
        row = rows.get(node_id)
        nodes.append({"id": node_id, "name": row.name if row else names.get(node_id, node_id),
                      "type": row.type if row else None, "country": row.country if row else None,
                      "degree": degree[node_id], "focus": node_id == focus})
    return nodes


def edge(link: Link) -> dict[str, Any]:
    """One link as a drawn edge; its id names subject, relation and object."""
    return {
        "id": f"{link.subject}|{link.relation}|{link.object}", "source": link.subject, "target": link.object,
        "relation": link.relation, "status": link.status,
        "modality": "hedged" if link.hedged_share > HEDGED_MAJORITY else "asserted",
        "affirmed": link.affirmed, "denied": link.denied, "sources_for": len(link.sources_for),
        "sources_against": len(link.sources_against), "first_seen": link.first_seen,
        "last_seen": link.last_seen,
    }
