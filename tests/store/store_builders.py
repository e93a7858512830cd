"""Hand-built documents for the store tests: invented places, groups and people only."""

from __future__ import annotations

from claimgraph.model import Article, Claim, Entity, Extraction, Mention

HERON_TEXT = (
    "Osmania's interior minister Lena Varga said the Blue Heron Syndicate operates in Port Calder "
    "with the support of the Osmanian Coast Guard. Varga is a member of the Osmanian cabinet."
)

DRAVIA_TEXT = (
    "Dravia denied that the Dravian Army arms the Blue Heron Cartel, "
    "although the group may be financed by Dravia."
)


def span(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of the n-th occurrence of phrase in text."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def mention(text: str, phrase: str, entity_id: str, rule: str = "alias", occurrence: int = 0) -> Mention:
    start, end = span(text, phrase, occurrence)
    return Mention(start, end, phrase, entity_id, rule=rule)


def claim(
    text: str, evidence: str, subject: str, relation: str, obj: str, *, speaker: str | None = None,
    polarity: str = "affirmed", modality: str = "asserted", cue: str = "",
) -> Claim:
    start, end = span(text, evidence)
    return Claim(subject, relation, obj, polarity, modality, speaker, evidence, start, end,
                 cue=cue, rule="test")


def heron(text: str = HERON_TEXT, doc_id: str = "heron-report") -> tuple[Article, Extraction]:
    """Five entities, six mentions, three claims (two attributed to Lena Varga)."""
    article = Article(
        text=text, source=f"/data/{doc_id}.txt", doc_id=doc_id, title="Heron syndicate in Port Calder",
        url="https://news.example/heron", outlet="Example Courier", published="2031-04-02",
        language="en",
    )
    first = text.split(". ")[0] + "."
    entities = [
        Entity("osmania", "Osmania", "state", mentions=["Osmania's"], country="OS"),
        Entity("lena-varga", "Lena Varga", "person", mentions=["Lena Varga", "Varga"]),
        Entity("blue-heron-syndicate", "Blue Heron Syndicate", "criminal_group",
               mentions=["the Blue Heron Syndicate"], provisional=True),
        Entity("port-calder", "Port Calder", "place", mentions=["Port Calder"]),
        Entity("osmanian-coast-guard", "Osmanian Coast Guard", "state_body",
               mentions=["the Osmanian Coast Guard"]),
    ]
    mentions = [
        mention(text, "Osmania", "osmania"),
        mention(text, "Lena Varga", "lena-varga"),
        mention(text, "Blue Heron Syndicate", "blue-heron-syndicate"),
        mention(text, "Port Calder", "port-calder"),
        mention(text, "Osmanian Coast Guard", "osmanian-coast-guard"),
        mention(text, "Varga", "lena-varga", occurrence=1),
    ]
    claims = [
        claim(text, first, "osmanian-coast-guard", "supports", "blue-heron-syndicate",
              speaker="lena-varga", cue="with the support of"),
        claim(text, first, "blue-heron-syndicate", "operates_in", "port-calder",
              speaker="lena-varga", cue="operates in"),
        claim(text, "Varga is a member of the Osmanian cabinet.", "lena-varga", "member_of", "osmania",
              cue="member of"),
    ]
    return article, Extraction(article.doc_id, entities, claims, mentions)


def dravia(text: str = DRAVIA_TEXT, doc_id: str = "dravia-denial") -> tuple[Article, Extraction]:
    """Names the syndicate differently (and mistypes it): the stored name and type must survive."""
    article = Article(text=text, source=f"/data/{doc_id}.txt", doc_id=doc_id, outlet="Dravian Wire",
                      published="2031-05-10")
    entities = [
        Entity("dravia", "Dravia", "state", mentions=["Dravia"]),
        Entity("dravian-army", "Dravian Army", "state_body", mentions=["the Dravian Army"]),
        Entity("blue-heron-syndicate", "Blue Heron Cartel", "armed_group",
               mentions=["the Blue Heron Cartel", "the group"], country="OS", wikidata="Q999999001"),
    ]
    mentions = [
        mention(text, "Dravia", "dravia"),
        mention(text, "Dravian Army", "dravian-army"),
        mention(text, "Blue Heron Cartel", "blue-heron-syndicate"),
        mention(text, "the group", "blue-heron-syndicate", rule="coref"),
        mention(text, "Dravia", "dravia", occurrence=2),
    ]
    claims = [
        claim(text, "Dravia denied that the Dravian Army arms the Blue Heron Cartel",
              "dravian-army", "arms", "blue-heron-syndicate", speaker="dravia", polarity="denied",
              cue="arms"),
        claim(text, "the group may be financed by Dravia", "dravia", "finances", "blue-heron-syndicate",
              modality="hedged", cue="financed"),
    ]
    return article, Extraction(article.doc_id, entities, claims, mentions)


def plain(n: int, entity_prefix: str = "e") -> tuple[Article, Extraction]:
    """A small distinct document: two entities and one claim between them."""
    text = f"Item {n}: Group {n} works with Agency {n} in the capital."
    group, agency = f"{entity_prefix}-group-{n}", f"{entity_prefix}-agency-{n}"
    article = Article(text=text, source=f"batch.jsonl:{n}", doc_id=f"item-{n}")
    entities = [
        Entity(group, f"Group {n}", "criminal_group", mentions=[f"Group {n}"]),
        Entity(agency, f"Agency {n}", "state_body", mentions=[f"Agency {n}"]),
    ]
    mentions = [mention(text, f"Group {n}", group), mention(text, f"Agency {n}", agency)]
    claims = [claim(text, f"Group {n} works with Agency {n}", group, "cooperates_with", agency)]
    return article, Extraction(article.doc_id, entities, claims, mentions)
