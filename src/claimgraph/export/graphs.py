"""GraphML and GEXF: the selected links as a directed multigraph, for Gephi, Neo4j (APOC) and networkx.

One node per entity that is an end of a selected link (its id is the entity id); one edge per link,
from subject to object, with the relation as its networkx key. A symmetric relation (cooperates_with)
is one edge too, its ends sorted by id and `symmetric` true: both formats could mix directed and
undirected edges, but networkx cannot read such a file back.

Every value is a str, int, float or bool (neither format has a null, so a missing value is ""), each
attribute keeps one type on every node or edge, and text loses the characters XML 1.0 cannot hold.
The same store and filters give the same bytes: nodes sorted by id, edges by subject, object and
relation, edge ids numbered in that order, and no clock in the file.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

from claimgraph import __version__
from claimgraph.analyse.links import Link
from claimgraph.export.registry import Format, Source
from claimgraph.export.selection import Selection, link_key
from claimgraph.export.tables import claim_counts, designation_text, joined, link_counts, name_of

DESCRIPTION = "Alleged links between state actors and criminal, armed or terrorist groups"
# characters XML 1.0 cannot carry even as references: a name holding one would make the file unreadable
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str | None) -> str:
    # an XML reader turns a carriage return in text into a line feed: do it here, so values read back equal
    return _NOT_XML.sub("", value or "").replace("\r\n", "\n").replace("\r", "\n")


def graph(selection: Selection) -> nx.MultiDiGraph:
    """The selection as a networkx graph: nodes sorted by id, edges by subject, object and relation."""
    found = nx.MultiDiGraph()
    links = sorted(selection.links, key=lambda link: (link.subject, link.object, link.relation or ""))
    degrees, claims = link_counts(selection), claim_counts(selection)
    names = {end: name for link in links
             for end, name in ((link.subject, link.subject_name), (link.object, link.object_name))}
    for entity_id in sorted(names):
        found.add_node(entity_id, **_node(selection, entity_id, names[entity_id], degrees[entity_id],
                                          claims[entity_id]))
    grouped = selection.link_claims()
    for link in links:
        found.add_edge(link.subject, link.object, key=link.relation or "",
                       **_edge(selection, link, len(grouped.get(link_key(link), []))))
    return found


def _node(selection: Selection, entity_id: str, name: str, degree: int, claims: int) -> dict[str, Any]:
    entity = selection.entities.get(entity_id)
    if entity is None:  # an end without an entity row: keep the link, with what the link knows
        return {"label": _text(name), "type": "", "country": "", "wikidata": "", "provisional": True,
                "aliases": "", "designations": "", "degree": degree, "claims": claims}
    return {"label": _text(entity.name), "type": _text(entity.type), "country": _text(entity.country),
            "wikidata": _text(entity.wikidata), "provisional": entity.provisional,
            "aliases": _text(joined(entity.aliases)),
            "designations": _text(joined(designation_text(found) for found in entity.designations)),
            "degree": degree, "claims": claims}


def _edge(selection: Selection, link: Link, claims: int) -> dict[str, Any]:
    relation = _text(link.relation)
    return {
        "label": relation, "relation": relation, "status": link.status, "symmetric": link.symmetric,
        "affirmed": link.affirmed, "denied": link.denied, "asserted": link.asserted, "hedged": link.hedged,
        "hedged_share": float(link.hedged_share), "unattributed": link.unattributed,
        "n_sources_for": len(link.sources_for), "n_sources_against": len(link.sources_against),
        "sources_for": _text(joined(link.sources_for)),
        "sources_against": _text(joined(link.sources_against)),
        "speakers": _text(joined(name_of(selection, speaker) for speaker in link.speakers)),
        "first_seen": _text(link.first_seen), "last_seen": _text(link.last_seen), "claims": claims,
        # Gephi draws an edge as thick as its weight: the independent sources that spoke to it
        "weight": float(len(set(link.sources_for) | set(link.sources_against))),
    }


def write_graphml(source: Source, out: BinaryIO) -> None:
    writer = GraphMLWriter(graph=graph(source.selection), encoding="utf-8", prettyprint=True)
    _fix_graphml(writer.xml)
    writer.dump(out)


def _fix_graphml(root: Any) -> None:
    """What networkx writes, made fit for Gephi and Neo4j.

    networkx numbers the keys d0, d1, ... and Gephi takes a node key d3 and an edge key d7 for the label
    (yEd's habit), so each key gets an id from its scope and name; networkx makes a multigraph edge's id
    its key, the relation, which repeats, and Gephi drops an edge whose id it has seen, so edges are
    numbered; and booleans are written true/false, as XML Schema spells them, not Python's True/False.
    """
    keys = list(root.iter("key"))
    renamed, booleans = {}, set()
    for key in keys:
        renamed[key.get("id")] = f"{key.get('for')}_{key.get('attr.name')}"
        key.set("id", renamed[key.get("id")])
        if key.get("attr.type") == "boolean":
            booleans.add(key.get("id"))
        root.remove(key)
    for position, key in enumerate(reversed(keys)):  # networkx puts each new key first: undo that
        root.insert(position, key)
    for data in root.iter("data"):
        data.set("key", renamed[data.get("key")])
        if data.get("key") in booleans:
            data.text = data.text.lower()
    for number, edge in enumerate(root.iter("edge")):
        edge.set("id", f"e{number}")


def write_gexf(source: Source, out: BinaryIO) -> None:
    selection = source.selection
    found = graph(selection)
    for number, (_, _, data) in enumerate(found.edges(data=True)):
        data["id"] = f"e{number}"  # the writer takes it for the edge's id and keeps the key as networkx_key
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    _meta(writer, selection)
    writer.add_graph(found)
    writer.write(out)


def _meta(writer: Any, selection: Selection) -> None:
    """Name claimgraph as the creator, say what was selected, and date the file from its data: networkx
    writes today's date, which would make each day's export of the same store other bytes."""
    meta = writer.xml.find("meta")
    meta.find("creator").text = f"claimgraph {__version__}"
    filters = ", ".join(f"{name}={value}" for name, value in selection.filters.as_dict().items())
    SubElement(meta, "description").text = DESCRIPTION + (f"; filters: {filters}" if filters else "")
    stored = max((doc.ingested_at[:10] for doc in selection.documents if doc.ingested_at), default=None)
    if stored:
        meta.set("lastmodifieddate", stored)
    else:
        del meta.attrib["lastmodifieddate"]


FORMATS = [
    Format(name="graphml", extension=".graphml", media_type="application/graphml+xml",
           description="GraphML of the links, for Gephi, Neo4j (apoc.import.graphml) and networkx",
           write=write_graphml, label="GraphML"),
    Format(name="gexf", extension=".gexf", media_type="application/gexf+xml",
           description="GEXF 1.2 of the links, for Gephi and networkx", write=write_gexf,
           label="GEXF"),
]
