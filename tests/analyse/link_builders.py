"""Hand-made documents for the link-assessment tests: invented states, groups, people and outlets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import Store
from claimgraph.store.engine import write_transaction
from claimgraph.store.schema import document_copies

NAMES = {
    "ostravia": ("Ostravia", "state"),
    "red-kestrels": ("Red Kestrels", "armed_group"),
    "grey-owl-cartel": ("Grey Owl Cartel", "criminal_group"),
    "mira-tal": ("Mira Tal", "person"),
    "jon-bask": ("Jon Bask", "person"),
    "pelmark": ("Pelmark", "state"),
}


@dataclass
class Said:
    subject: str
    relation: str
    object: str
    polarity: str = "affirmed"
    modality: str = "asserted"
    speaker: str | None = None

    def sentence(self) -> str:
        subject, obj = NAMES[self.subject][0], NAMES[self.object][0]
        verb = {"supports": "backs", "arms": "arms", "finances": "funds", "cooperates_with": "works with",
                "opposes": "fights", "linked_to": "has ties to"}[self.relation]
        hedge = "may " if self.modality == "hedged" else ""
        neg = "does not " if self.polarity == "denied" else ""
        if hedge and neg:
            neg = "not "
        if (hedge or neg) and verb.endswith("s") and " " not in verb:
            verb = verb[:-1]
        elif (hedge or neg) and " " in verb:
            verb = {"works with": "work with", "has ties to": "have ties to"}[verb]
        said = f", {NAMES[self.speaker][0]} said" if self.speaker else ""
        return f"{subject} {hedge}{neg}{verb} {obj}{said}."


def document(store: Store, doc_id: str, outlet: str | None, published: str | None, *said: Said,
             extra: str = "") -> int:
    """Store one document whose sentences state the given claims; returns its id."""
    sentences = [s.sentence() for s in said]
    text = " ".join(sentences) + (f" {extra}" if extra else f" ({doc_id})")
    article = Article(text=text, source=f"/data/{doc_id}.txt", doc_id=doc_id, title=f"Report {doc_id}",
                      url=f"https://news.example/{doc_id}", outlet=outlet, published=published, language="en")
    used = sorted({x for s in said for x in (s.subject, s.object, s.speaker) if x})
    entities = [Entity(key, NAMES[key][0], NAMES[key][1], mentions=[NAMES[key][0]]) for key in used]
    mentions: list[Mention] = []
    claims: list[Claim] = []
    offset = 0
    for s, sentence in zip(said, sentences, strict=True):
        start = text.index(sentence, offset)
        for key in (s.subject, s.object):
            at = text.index(NAMES[key][0], start)
            mentions.append(Mention(at, at + len(NAMES[key][0]), NAMES[key][0], key, rule="alias"))
        claims.append(Claim(s.subject, s.relation, s.object, s.polarity, s.modality, s.speaker, sentence,
                            start, start + len(sentence), cue="", rule="test"))
        offset = start + len(sentence)
    outcome, doc_key = store.add_document(article, Extraction(doc_id, entities, claims, mentions))
    assert outcome == "new"
    return doc_key


def mark_copy(store: Store, copy_id: int, origin_id: int, method: str = "spun") -> None:
    """What copy detection records: the copy points at its origin, the origin at itself."""
    with write_transaction(store._engine) as conn:
        conn.execute(insert(document_copies), [
            {"document_id": origin_id, "story_id": origin_id, "copy_of": None, "similarity": 1.0,
             "method": "origin"},
            {"document_id": copy_id, "story_id": origin_id, "copy_of": origin_id, "similarity": 0.9,
             "method": method},
        ])
