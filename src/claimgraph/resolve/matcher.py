"""Find actor mentions in a parsed document and resolve them to knowledge-base entities.

Three sources, in order of trust: knowledge-base names and aliases (phrase matching), patterns that
name a state by its parts ("Venezuelan officials", "the Maduro regime"), and spaCy's NER for actors
the knowledge base does not know (kept as provisional entities). Definite descriptions ("the gang")
are then linked back to the most recent compatible actor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from claimgraph.extract.lexicon import Lexicon
from claimgraph.model import Entity
from claimgraph.names import normalise_name
from claimgraph.resolve.fuzzy import FuzzyIndex
from claimgraph.resolve.kb import Actor, KnowledgeBase

GOVERNMENT_NOUNS = ["government", "regime", "authorities", "officials", "official", "forces", "police",
                    "military", "army", "soldiers", "troops", "state", "functionaries", "diplomats",
                    "administration", "leadership", "generals", "officers", "security", "intelligence",
                    "navy", "territory", "junta", "leaders", "ministers", "envoys", "embassy", "side",
                    "agents", "armed", "national", "guard", "authority", "prosecutors"]
REGIME_NOUNS = ["regime", "government", "administration", "dictatorship", "junta", "authorities"]
NER_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
ORG_HINTS = [
    ("criminal_group", {"cartel", "gang", "mafia", "syndicate", "clan", "mara", "bratva", "triad"}),
    ("armed_group", {"army", "front", "brigade", "brigades", "militia", "forces", "movement", "guerrilla",
                     "jihad", "battalion", "legion", "resistance", "liberation", "mujahideen"}),
    ("state_body", {"ministry", "department", "agency", "office", "council", "court", "police", "bureau",
                    "service", "commission", "directorate", "guard", "navy", "tribunal", "prosecutor",
                    "congress", "senate", "parliament", "assembly", "treasury"}),
    ("media", {"times", "post", "news", "journal", "herald", "tribune", "press", "gazette", "daily",
               "radio", "tv", "television", "magazine", "wire", "chronicle", "ledger"}),
    ("political_org", {"party", "union", "alliance", "coalition"}),
    ("intl_org", {"nations", "organization", "organisation", "panel"}),
]
LOCATIVE = {"in", "at", "into", "near", "across", "throughout"}
PRONOUNS = {"he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "we", "us", "our"}


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "unnamed"


@dataclass
class Found:
    """A mention in token offsets, resolved to an entity id."""

    start: int
    end: int
    entity_id: str
    rule: str
    scope: str | None = None  # "officials" for "Venezuelan officials": a part standing for the state
    also: list[str] = field(default_factory=list)  # "both groups": further entities the span names
    alias: str | None = None  # the knowledge-base form it matched, when not the text itself
    score: float = 1.0  # 1.0 for exact matches; the similarity for fuzzy ones

    @property
    def entity_ids(self) -> list[str]:
        return [self.entity_id, *self.also]


@dataclass
class DocEntities:
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Found] = field(default_factory=list)
    by_token: dict[int, Found] = field(default_factory=dict)

    def add(self, found: Found) -> None:
        self.mentions.append(found)
        for i in range(found.start, found.end):
            self.by_token[i] = found

    def at(self, token: Token) -> Found | None:
        return self.by_token.get(token.i)

    def type_of(self, entity_id: str) -> str:
        return self.entities[entity_id].type

    def last_before(self, index: int, types: Iterable[str], exclude: Iterable[str] = (),
                    name_word: str | None = None, skip_places: bool = False) -> Found | None:
        wanted, skip = set(types), set(exclude)
        for found in reversed(self.mentions):
            if found.start >= index or found.entity_id in skip:
                continue
            if skip_places and found.scope == "place":
                continue
            entity = self.entities[found.entity_id]
            if entity.type not in wanted:
                continue
            if name_word and name_word not in normalise_name(entity.name).split():
                continue
            return found
        return None


class EntityMatcher:
    """Builds its matchers once from the knowledge base; `find` runs per document."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, lexicon: Lexicon):
        self.kb = kb
        self.lexicon = lexicon
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.patterns = Matcher(nlp.vocab)
        self.by_norm: dict[str, str] = {}
        self.demonyms: dict[str, str] = {}
        self.leaders: dict[str, str] = {}
        self.surnames: dict[str, str] = {}
        self.by_compact: dict[str, str] = {}
        self.capitals: set[tuple[str, str]] = set()
        self.fuzzy = FuzzyIndex(kb)
        self.not_actors = {normalise_name(n) for n in lexicon.descriptions["not_actors"]}
        self._build(nlp)

    # -- building ---------------------------------------------------------------------------------
    def _build(self, nlp: Language) -> None:
        lower: dict[str, list[str]] = {}
        exact: dict[str, list[str]] = {}
        for actor in self.kb.actors.values():
            for form in [actor.name, *actor.aliases, *actor.capitals]:
                forms = lower.setdefault(actor.id, [])
                forms.append(form)
                folded = fold_accents(form)
                if folded != form:
                    forms.append(folded)  # "Nicolas Maduro" in text for "Nicolás Maduro" in the KB
                self.by_norm.setdefault(normalise_name(form), actor.id)
                self.by_compact.setdefault(compact(form), actor.id)
            for capital in actor.capitals:
                self.capitals.add((actor.id, normalise_name(capital)))
            for form in actor.acronyms:
                exact.setdefault(actor.id, []).append(form)
            for demonym in actor.demonyms:
                self.demonyms.setdefault(demonym, actor.id)
            for leader in actor.leaders:
                self.leaders.setdefault(leader.lower(), actor.id)
            if actor.type == "person":
                self.surnames.setdefault(actor.name.split()[-1].lower(), actor.id)
        for actor_id, forms in lower.items():
            self.phrases.add(actor_id, [nlp.make_doc(form) for form in forms])
        for actor_id, forms in exact.items():
            self.exact.add(actor_id, [nlp.make_doc(form) for form in forms])
        demonyms = sorted(self.demonyms)
        leaders = sorted(self.leaders)
        self.patterns.add("DEMONYM", [[
            {"ORTH": {"IN": demonyms}},
            {"LOWER": {"IN": ["government", "security", "armed", "military", "intelligence", "state",
                              "national", "police", "navy"]}, "OP": "?"},
            {"LOWER": {"IN": GOVERNMENT_NOUNS}},
        ]])
        self.patterns.add("LEADER_REGIME", [
            [{"LOWER": {"IN": leaders}}, {"ORTH": {"IN": ["'s", "\u2019s"]}, "OP": "?"},
             {"LOWER": {"IN": REGIME_NOUNS}}],
            [{"LOWER": {"IN": REGIME_NOUNS}}, {"LOWER": "of"}, {"POS": "PROPN", "OP": "?"},
             {"LOWER": {"IN": leaders}}],
        ])

        filler = {"POS": {"IN": ["DET", "ADJ", "NUM", "NOUN", "PROPN"]}, "OP": "?"}
        for activity_id, spec in self.lexicon.activities["phrases"].items():
            if activity_id not in self.kb.actors:
                continue
            head = {"LEMMA": {"IN": spec["verbs"]}, "POS": "VERB"}
            goods = {"LOWER": {"IN": spec["goods"]}}
            self.patterns.add(f"ACTIVITY:{activity_id}", [[head, filler, filler, goods]])

    # -- finding ----------------------------------------------------------------------------------
    def find(self, doc: Doc) -> DocEntities:
        result = DocEntities()
        candidates = self._kb_candidates(doc) + self._pattern_candidates(doc)
        taken: set[int] = set()
        # longest first, knowledge base before patterns: "New York Post" beats "New York"
        trusted = ("alias", "capital")
        for found in sorted(candidates, key=lambda f: (-(f.end - f.start), f.rule not in trusted, f.start)):
            if taken.intersection(range(found.start, found.end)):
                continue
            taken.update(range(found.start, found.end))
            self._register(result, found, doc)
        for ent in doc.ents:
            self._add_ner(result, ent, taken, doc)
        result.mentions.sort(key=lambda f: f.start)
        self._define_acronyms(result, doc, taken)
        result.mentions.sort(key=lambda f: f.start)
        self._link_surnames(result, doc)
        self._add_descriptions(result, doc, taken)
        result.mentions.sort(key=lambda f: f.start)
        return result

    def _kb_candidates(self, doc: Doc) -> list[Found]:
        found = [Found(s, e, doc.vocab.strings[m], "alias") for m, s, e in self.phrases(doc)]
        # "Georgia Worrell" is a person, not the country: a longer PERSON name beats a place inside it
        people = [(ent.start, ent.end) for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1]
        found = [f for f in found if not self._inside_person(f, people)]
        # "U.S. District Court for ...": a longer organisation name that starts with a state's name
        bodies = [(ent.start, ent.end) for ent in doc.ents if ent.label_ == "ORG" and len(ent) > 2]
        found = [f for f in found if not self._leads_organisation(f, bodies)]
        for f in found:
            if (f.entity_id, normalise_name(doc[f.start:f.end].text)) in self.capitals:
                f.rule = "capital"
            # "officials in Washington": a capital after a locative preposition is a place, not a government
            root = doc[f.start:f.end].root
            if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE:
                f.scope = "place"
        found += [Found(s, e, doc.vocab.strings[m], "acronym") for m, s, e in self.exact(doc)]
        return [f for f in found if self._plausible(doc, f)]

    def _leads_organisation(self, found: Found, bodies: list[tuple[int, int]]) -> bool:
        actor = self.kb.actors.get(found.entity_id)
        if actor is None or actor.type != "state":
            return False
        return any(s == found.start and e - s > found.end - found.start + 1 for s, e in bodies)

    def _inside_person(self, found: Found, people: list[tuple[int, int]]) -> bool:
        actor = self.kb.actors.get(found.entity_id)
        if actor is None or actor.type not in ("state", "place"):
            return False
        size = found.end - found.start
        return any(s <= found.start and found.end <= e and (e - s) > size for s, e in people)

    def _plausible(self, doc: Doc, found: Found) -> bool:
        """A one-word name in lower case ("state", "chad") names an actor only if it is an activity."""
        span = doc[found.start:found.end]
        if found.rule != "alias" or len(span) > 1 or not span.text.islower():
            return True
        actor = self.kb.actors.get(found.entity_id)
        return actor is not None and actor.type == "activity"

    def _pattern_candidates(self, doc: Doc) -> list[Found]:
        out: list[Found] = []
        for match_id, start, end in self.patterns(doc):
            label = doc.vocab.strings[match_id]
            span = doc[start:end]
            if label == "DEMONYM":
                if end < len(doc) and doc[end].lower_ == "of" and span[-1].lower_ == "state":
                    continue  # "the Venezuelan state of Aragua" is a region
                out.append(Found(start, end, self.demonyms[span[0].text], "demonym", span[-1].lower_))
            elif label.startswith("ACTIVITY:"):
                out.append(Found(start, end, label.split(":", 1)[1], "activity_phrase"))
            else:
                leader = next(t.lower_ for t in span if t.lower_ in self.leaders)
                out.append(Found(start, end, self.leaders[leader], "leader_regime", "government"))
        return out

    def _register(self, result: DocEntities, found: Found, doc: Doc) -> None:
        actor = self.kb.actors.get(found.entity_id)
        if actor is None:
            return
        entity = result.entities.get(actor.id)
        if entity is None:
            entity = Entity(actor.id, actor.name, actor.type, country=actor.country, wikidata=actor.wikidata)
            result.entities[actor.id] = entity
        self._remember_form(entity, doc[found.start:found.end])
        result.add(found)

    @staticmethod
    def _remember_form(entity: Entity, span: Span) -> None:
        text = span.text
        if text.lower() in PRONOUNS and not text.isupper():
            return  # "they" is no name; "US" is
        if text not in entity.mentions:
            entity.mentions.append(text)

    def _add_ner(self, result: DocEntities, ent: Span, taken: set[int], doc: Doc) -> None:
        if ent.label_ not in NER_LABELS:
            return
        span = _trim(ent)
        if span is None or taken.intersection(range(span.start, span.end)):
            return
        if not self._actor_like(span):
            return
        found = self._lookup(span, ent.label_)
        if found is not None:
            self._register(result, found, doc)
        else:
            self._add_provisional(result, span, ent.label_)
        taken.update(range(span.start, span.end))

    def _lookup(self, span: Span, label: str) -> Found | None:
        """A name NER found that the phrase matcher did not: normalised, compacted, surname, fuzzy."""
        key = normalise_name(span.text)
        if key in self.by_norm:
            return Found(span.start, span.end, self.by_norm[key], "normalised", alias=key)
        if compact(span.text) in self.by_compact:
            return Found(span.start, span.end, self.by_compact[compact(span.text)], "compact", alias=key)
        if label == "PERSON" and len(span) == 1 and span.text.lower() in self.surnames:
            return Found(span.start, span.end, self.surnames[span.text.lower()], "surname", alias=key)
        match = self.fuzzy.lookup(span.text, label)
        if match is None:
            return None
        return Found(span.start, span.end, match.entity_id, f"fuzzy_{match.how}", alias=match.alias,
                     score=match.score / 100)

    def _actor_like(self, span: Span) -> bool:
        """NER also tags labels and title words: 'Foreign Terrorist Organization', 'Supreme' (Leader)."""
        text = normalise_name(span.text)
        if text in self.not_actors:
            return False
        doc = span.doc
        following = doc[span.end] if span.end < len(doc) else None
        if len(span) == 1 and following is not None and following.lower_ in self.lexicon.titles_set:
            return False
        if len(span) == 1 and span.start >= 2 and doc[span.start - 1].lower_ == "of" \
                and doc[span.start - 2].lower_ in self.lexicon.titles_set:
            return False  # "Secretary of State", "Minister of Defence": part of a title
        return not _headline(span.sent)

    def _add_provisional(self, result: DocEntities, span: Span, label: str) -> None:
        entity_id = slug(span.text)
        entity = result.entities.get(entity_id)
        if entity is None:
            entity = Entity(entity_id, span.text, _provisional_type(span, label), provisional=True)
            result.entities[entity_id] = entity
        self._remember_form(entity, span)
        result.add(Found(span.start, span.end, entity_id, "ner"))

    def _define_acronyms(self, result: DocEntities, doc: Doc, taken: set[int]) -> None:
        """'Reporters Without Borders (RSF)': later 'RSF' in this document is that body, whatever the
        knowledge base says RSF usually means."""
        defined: dict[str, str] = {}
        for found in list(result.mentions):
            end = found.end
            if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" \
                    and _acronym_like(doc[end + 1].text):
                defined.setdefault(doc[end + 1].text, found.entity_id)
        if not defined:
            return
        for found in result.mentions:
            text = doc[found.start:found.end].text
            if text in defined and found.rule == "acronym" and found.entity_id != defined[text]:
                found.entity_id, found.rule = defined[text], "acronym_defined"
                self._remember_form(result.entities[found.entity_id], doc[found.start:found.end])
        for token in doc:
            if token.text in defined and token.i not in taken:
                result.add(Found(token.i, token.i + 1, defined[token.text], "acronym_defined"))
                self._remember_form(result.entities[defined[token.text]], doc[token.i:token.i + 1])
                taken.add(token.i)

    def _link_surnames(self, result: DocEntities, doc: Doc) -> None:
        """'Victor' after 'Prophane Victor' is the same person: fold one-word person names."""
        full: dict[str, str] = {}
        for found in result.mentions:
            entity = result.entities[found.entity_id]
            if entity.type == "person" and found.end - found.start > 1:
                full.setdefault(doc[found.end - 1].lower_, found.entity_id)
        for found in result.mentions:
            entity = result.entities[found.entity_id]
            if entity.provisional and entity.type == "person" and found.end - found.start == 1:
                target = full.get(doc[found.start].lower_)
                if target and target != found.entity_id:
                    self._fold(result, found, target, doc)

    def _fold(self, result: DocEntities, found: Found, target: str, doc: Doc) -> None:
        old = found.entity_id
        found.entity_id = target
        found.rule = "surname"
        self._remember_form(result.entities[target], doc[found.start:found.end])
        if not any(f.entity_id == old for f in result.mentions):
            result.entities.pop(old, None)

    def _add_descriptions(self, result: DocEntities, doc: Doc, taken: set[int]) -> None:
        nouns: dict[str, list[str]] = self.lexicon.descriptions["definite_nouns"]
        determiners = set(self.lexicon.descriptions["determiners"])
        pairs = set(self.lexicon.descriptions["pair_words"])
        bound = set(self.lexicon.descriptions["name_bound_types"])
        for token in doc:
            types = nouns.get(token.lower_) or nouns.get(token.lemma_.lower())
            if not types or token.i in taken or token.dep_ == "compound":
                continue
            if token.pos_ not in ("NOUN", "PROPN"):
                continue
            dets = [c for c in token.lefts if c.dep_ in ("det", "predet", "nummod")
                    and (c.lower_ in determiners or c.lower_ in pairs)]
            if not dets or any(c.dep_ in ("poss", "compound") or c.i in taken for c in token.lefts):
                continue
            if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
                continue  # "the state of Aragua", "the head of the agency": not a reference back
            word = token.lemma_.lower() if set(types) <= bound else None
            # people of a state ("these officials") are not the city they sit in
            people = token.lower_ in ("officials", "functionaries", "authorities")
            antecedent = result.last_before(dets[0].i, types, name_word=word, skip_places=people)
            if antecedent is None:
                continue
            start = min(c.i for c in token.lefts if c.dep_ in ("det", "amod", "predet"))
            found = Found(start, token.i + 1, antecedent.entity_id, "coref", token.lower_,
                          alias=doc[antecedent.start:antecedent.end].text)
            if any(c.lower_ in pairs for c in token.lefts):
                second = result.last_before(dets[0].i, types, exclude=[antecedent.entity_id])
                if second is not None:
                    found.also.append(second.entity_id)
            result.add(found)
            taken.update(range(found.start, found.end))
            self._remember_form(result.entities[antecedent.entity_id], doc[found.start:found.end])


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def compact(text: str) -> str:
    """Letters and digits only: "Kata'ib Hezbollah" and "Kataib Hezbollah" meet here."""
    return re.sub(r"[^0-9a-z]", "", normalise_name(text))


def _acronym_like(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(text) <= 8 and len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2


def _headline(sent: Span) -> bool:
    """Title Case lines make NER see organisations everywhere; trust only the knowledge base there.
    Names are capitalised anyway, so only the words outside them count."""
    words = [t for t in sent if t.is_alpha and len(t) > 3 and not t.ent_type_]
    return len(words) >= 4 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _trim(ent: Span) -> Span | None:
    """Drop a leading article and a trailing possessive that NER sometimes includes."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and doc[end - 1].tag_ in ("POS",):
        end -= 1
    if start >= end or not any(t.is_alpha and t.text[0].isupper() for t in doc[start:end]):
        return None
    return doc[start:end]


def _provisional_type(span: Span, label: str) -> str:
    if label == "PERSON":
        return "person"
    if label in ("GPE", "LOC", "FAC"):
        return "place"
    words = {t.lower_ for t in span}
    for type_name, hints in ORG_HINTS:
        if words & hints:
            return type_name
    return "company"


def actor_parent(kb: KnowledgeBase, entity_id: str) -> Actor | None:
    actor = kb.get(entity_id)
    return kb.get(actor.parent) if actor and actor.parent else None
