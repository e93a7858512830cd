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
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from claimgraph.extract.lexicon import Lexicon
from claimgraph.model import Entity
from claimgraph.names import normalise_name, slug
from claimgraph.resolve import guards
from claimgraph.resolve.disambiguation import choose
from claimgraph.resolve.fuzzy import FuzzyIndex
from claimgraph.resolve.kb import KnowledgeBase

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
        self.leader_tokens: dict[tuple[str, ...], str] = {}  # a leader's name, as lower-case tokens
        self.by_compact: dict[str, str] = {}
        self.capitals: set[tuple[str, str]] = set()
        self.form_tokens: dict[tuple[str, str], list[str]] = {}  # (actor, normalised form) -> its words
        self.sharers: dict[str, list[str]] = {}  # normalised form -> every actor that carries it
        self.weak_acronyms = set(lexicon.descriptions["weak_acronyms"])
        self.us_states = set(lexicon.descriptions["us_states"])
        self.unspin = {k.lower(): v.lower() for k, v in lexicon.descriptions["spun_words"].items()}
        context = lexicon.descriptions["needs_context"]
        self.needs_context = {name: [w.lower() for w in words] for name, words in context.items()}
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
            docs = [nlp.make_doc(form) for form in forms]
            for form_doc in docs:
                key = normalise_name(fold_accents(form_doc.text))
                self.form_tokens.setdefault((actor_id, key), [t.text for t in form_doc])
                sharing = self.sharers.setdefault(key, [])
                if actor_id not in sharing:
                    sharing.append(actor_id)
            self.phrases.add(actor_id, docs)
        for actor_id, forms in exact.items():
            self.exact.add(actor_id, [nlp.make_doc(form) for form in forms])
        single = sorted(d for d in self.demonyms if " " not in d and "-" not in d)
        government_words: dict[str, Any] = {
            "LOWER": {"IN": ["government", "security", "armed", "military", "intelligence", "state",
                             "national", "police", "navy"]}, "OP": "?"}
        noun: dict[str, Any] = {"LOWER": {"IN": GOVERNMENT_NOUNS}}
        self.patterns.add("DEMONYM", [[{"ORTH": {"IN": single}}, government_words, noun]])
        # "North Korean officials", "South Sudanese forces": demonyms of more than one word
        several: list[list[dict[str, Any]]] = [
            [{"ORTH": t.text} for t in nlp.make_doc(d)] for d in self.demonyms if d not in single]
        if several:
            self.patterns.add("DEMONYM", [[*words, government_words, noun] for words in several])
        regime: dict[str, Any] = {"LOWER": {"IN": REGIME_NOUNS}}
        possessive: dict[str, Any] = {"ORTH": {"IN": ["'s", "\u2019s"]}, "OP": "?"}
        optional_name: dict[str, Any] = {"POS": "PROPN", "OP": "?"}
        # one pattern for all one-word names (the Matcher's cost grows with the number of patterns),
        # one each for the few names of several tokens ("Díaz-Canel")
        # The Matcher's cost grows with its patterns: one pattern per name length, each position a set
        # of the words found there ("díaz", "-", "canel"); a match is kept only if it spells a leader.
        by_length: dict[int, list[set[str]]] = {}
        for name in self.leaders:
            words = [t.lower_ for t in nlp.make_doc(name)]
            self.leader_tokens[tuple(words)] = name
            positions = by_length.setdefault(len(words), [set() for _ in words])
            for position, word in zip(positions, words, strict=True):
                position.add(word)
        leader_words: list[list[dict[str, Any]]] = [
            [{"LOWER": {"IN": sorted(position)}} for position in positions]
            for positions in by_length.values()]
        patterns: list[list[dict[str, Any]]] = [[*words, possessive, regime] for words in leader_words]
        patterns += [[regime, {"LOWER": "of"}, optional_name, *words] for words in leader_words]
        self.patterns.add("LEADER_REGIME", patterns)

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
        ents = _extend_bodies(doc)
        patterns = [f for f in self._pattern_candidates(doc) if f.entity_id not in self.kb.actors
                    or not guards.inside_other_name(f.start, f.end, self.kb.actors[f.entity_id], ents)]
        candidates = self._kb_candidates(doc, ents) + patterns
        taken: set[int] = set()
        # longest first, knowledge base before patterns: "New York Post" beats "New York"
        trusted = ("alias", "capital")
        for found in sorted(candidates, key=lambda f: (-(f.end - f.start), f.rule not in trusted, f.start)):
            if taken.intersection(range(found.start, found.end)):
                continue
            taken.update(range(found.start, found.end))
            self._register(result, found, doc)
        for ent in ents:
            self._add_ner(result, ent, taken, doc)
        self._add_spun_names(result, doc, taken)
        result.mentions.sort(key=lambda f: f.start)
        self._drop_lone_weak_acronyms(result, doc)
        self._drop_out_of_context(result, doc)
        self._define_acronyms(result, doc, taken)
        result.mentions.sort(key=lambda f: f.start)
        self._link_surnames(result, doc)
        self._add_descriptions(result, doc, taken)
        result.mentions.sort(key=lambda f: f.start)
        return result

    def _kb_candidates(self, doc: Doc, ents: list[Span]) -> list[Found]:
        found = self._chosen(doc, [(doc.vocab.strings[m], s, e) for m, s, e in self.phrases(doc)])
        found = [f for f in found if self._fits(doc, f, ents)]
        for f in found:
            if (f.entity_id, normalise_name(doc[f.start:f.end].text)) in self.capitals:
                f.rule = "capital"
            # "officials in Washington": a capital after a locative preposition is a place, not a government
            root = doc[f.start:f.end].root
            if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE:
                f.scope = "place"
        exact = [(doc.vocab.strings[m], s, e) for m, s, e in self.exact(doc)]
        acronyms = self._chosen(doc, exact, "acronym")
        found += [f for f in acronyms if not guards.shouting(doc[f.start:f.end])
                  and not guards.inside_other_name(f.start, f.end, self.kb.actors[f.entity_id], ents)]
        return [f for f in found if self._plausible(doc, f)]

    def _chosen(self, doc: Doc, matches: list[tuple[str, int, int]], rule: str = "alias") -> list[Found]:
        """One candidate per span: a form two actors share goes to the one its rule picks in context."""
        by_span: dict[tuple[int, int], list[str]] = {}
        for actor_id, start, end in matches:
            by_span.setdefault((start, end), []).append(actor_id)
        out: list[Found] = []
        for (start, end), ids in by_span.items():
            span = doc[start:end]
            actor_id = ids[0] if len(ids) == 1 else choose(self.kb, normalise_name(span.text), ids,
                                                             span.sent.text, span.text)
            out.append(Found(start, end, actor_id, rule))
        return out

    def _fits(self, doc: Doc, found: Found, ents: list[Span]) -> bool:
        """The guards of resolve/guards.py: longer names, case, cities named like countries."""
        span = doc[found.start:found.end]
        actor = self.kb.actors[found.entity_id]
        if guards.inside_other_name(found.start, found.end, actor, ents):
            return False
        form = self.form_tokens.get((actor.id, normalise_name(fold_accents(span.text))))
        if form is not None and not guards.case_fits(span, form):
            return False
        if actor.type == "state" and guards.city_qualifier(span, self.us_states):
            return False
        # "San Jose, California", "Antigua, Guatemala": a town named like a capital or a country
        capital = (actor.id, normalise_name(span.text)) in self.capitals
        return not ((capital or actor.type == "state") and guards.city_named_like_capital(span))

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
                demonym = next(d for d in self._demonym_prefixes(span) if d in self.demonyms)
                out.append(Found(start, end, self.demonyms[demonym], "demonym", span[-1].lower_))
            elif label.startswith("ACTIVITY:"):
                out.append(Found(start, end, label.split(":", 1)[1], "activity_phrase"))
            else:
                leader = self._leader_in(span)
                if leader is not None:
                    out.append(Found(start, end, self.leaders[leader], "leader_regime", "government"))
        return out

    def _leader_in(self, span: Span) -> str | None:
        """The leader's name a regime match spells, longest first; None for a mix of two names."""
        tokens = tuple(t.lower_ for t in span)
        for size in range(len(tokens), 0, -1):
            for start in range(len(tokens) - size + 1):
                name = self.leader_tokens.get(tokens[start:start + size])
                if name is not None:
                    return name
        return None

    @staticmethod
    def _demonym_prefixes(span: Span) -> list[str]:
        """'North Korean officials' -> ['North Korean', 'North']: the longest demonym first."""
        words = [t.text for t in span]
        return [" ".join(words[:n]).replace(" - ", "-") for n in range(len(words) - 1, 0, -1)]

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
        """A name NER found that the phrase matcher did not, if the guards let it through."""
        found = self._lookup_name(span, label)
        if found is None:
            return None
        actor = self.kb.actors[found.entity_id]
        if label in ("LOC", "FAC", "GPE") and actor.type not in ("place", "state"):
            return None  # "across the Atlantic" is an ocean, not The Atlantic
        if actor.type == "state" and (guards.city_qualifier(span, self.us_states)
                                      or guards.city_named_like_capital(span)):
            return None  # "Spokane, Washington", "San Jose, California"
        return found

    def _lookup_name(self, span: Span, label: str) -> Found | None:
        """Normalised, compacted, surname, unspun, then fuzzy."""
        key = normalise_name(span.text)
        if key in self.by_norm:
            return Found(span.start, span.end, self.by_norm[key], "normalised", alias=key)
        if compact(span.text) in self.by_compact:
            return Found(span.start, span.end, self.by_compact[compact(span.text)], "compact", alias=key)
        if label == "PERSON" and len(span) == 1 and span.text.lower() in self.surnames:
            return Found(span.start, span.end, self.surnames[span.text.lower()], "surname", alias=key)
        unspun = self._unspin(key)
        if unspun != key and unspun in self.by_norm:
            return Found(span.start, span.end, self.by_norm[unspun], "unspun", alias=unspun, score=0.9)
        match = self.fuzzy.lookup(span.text, label)
        if match is None:
            return None
        return Found(span.start, span.end, match.entity_id, f"fuzzy_{match.how}", alias=match.alias,
                     score=match.score / 100)

    def _add_spun_names(self, result: DocEntities, doc: Doc, taken: set[int]) -> None:
        """Runs of capitalised words NER missed ('the Fast Support Forces') that name a known actor
        once a content farm's synonym swaps are undone."""
        for start, end in _capitalised_runs(doc, taken):
            key = normalise_name(doc[start:end].text)
            unspun = self._unspin(key)
            if unspun != key and unspun in self.by_norm:
                found = Found(start, end, self.by_norm[unspun], "unspun", alias=unspun, score=0.9)
                self._register(result, found, doc)
                taken.update(range(start, end))

    def _unspin(self, key: str) -> str:
        """Undo a content farm's synonym swaps word by word: 'federal bureau of examination'."""
        return " ".join(self.unspin.get(word, word) for word in key.split())

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

    def _drop_lone_weak_acronyms(self, result: DocEntities, doc: Doc) -> None:
        """'CV', 'MIT' name an actor only in a document that also names it in full."""
        named = {f.entity_id for f in result.mentions if f.rule != "acronym"}
        lone = [f for f in result.mentions if f.rule == "acronym" and f.entity_id not in named
                and doc[f.start:f.end].text in self.weak_acronyms]
        self._drop(result, lone)

    def _drop_out_of_context(self, result: DocEntities, doc: Doc) -> None:
        """'Lazarus' in a sermon, 'Los Lobos' the band: a name that is also a common one needs a
        word of its field in the sentence, or another name of the actor in the document."""
        drop = []
        for found in result.mentions:
            span = doc[found.start:found.end]
            words = self.needs_context.get(span.text)
            if words is None:
                continue
            others = {doc[f.start:f.end].text for f in result.mentions if f.entity_id == found.entity_id}
            sentence = span.sent.text.lower()
            if len(others) < 2 and not any(word in sentence for word in words):
                drop.append(found)
        self._drop(result, drop)

    @staticmethod
    def _drop(result: DocEntities, lone: list[Found]) -> None:
        for found in lone:
            result.mentions.remove(found)
            for i in range(found.start, found.end):
                result.by_token.pop(i, None)
        for entity_id in {f.entity_id for f in lone} - {f.entity_id for f in result.mentions}:
            result.entities.pop(entity_id, None)

    def _define_acronyms(self, result: DocEntities, doc: Doc, taken: set[int]) -> None:
        """'Reporters Without Borders (RSF)': later 'RSF' in this document is that body, whatever the
        knowledge base says RSF usually means."""
        defined: dict[str, str] = {}
        for found in list(result.mentions):
            end = found.end
            if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" \
                    and _acronym_like(doc[end + 1].text):
                defined.setdefault(doc[end + 1].text, found.entity_id)
        for start, end in _named_before_brackets(doc, taken):
            # "Reporters Without Borders (RSF)": a name nobody recognised, defined by its acronym
            acronym = doc[end + 1].text
            if acronym not in defined:
                span = doc[start:end]
                self._add_provisional(result, span, "ORG")
                taken.update(range(start, end))
                defined[acronym] = slug(span.text)
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


BODY_HEADS = {"court", "police", "ministry", "bank", "office", "council", "army", "navy", "guard", "senate",
              "assembly", "agency", "service", "department", "directorate", "tribunal", "prosecutor"}
NAME_JOINERS = {"of", "for", "and", "the", "de", "del", "la", "al"}


def _extend_bodies(doc: Doc) -> list[Span]:
    """NER entities, with 'Supreme Court' + 'of Mexico' joined into one body's name."""
    ents = list(doc.ents)
    out: list[Span] = []
    skip = -1
    for n, ent in enumerate(ents):
        if n == skip:
            continue
        following = ents[n + 1] if n + 1 < len(ents) else None
        body = ent.label_ == "ORG" and ent[-1].lower_ in BODY_HEADS
        if following is not None and body and following.label_ == "GPE" \
                and following.start == ent.end + 1 and doc[ent.end].lower_ == "of":
            out.append(Span(doc, ent.start, following.end, label="ORG"))
            skip = n + 1
        else:
            out.append(ent)
    return out


def _capitalised_runs(doc: Doc, taken: set[int]) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words (joined by 'of', 'the'...) outside every mention."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(doc):
        if doc[i].is_title and i not in taken and not doc[i].is_sent_start:
            end = i + 1
            while end < len(doc) and end not in taken and (doc[end].is_title or (
                    doc[end].lower_ in NAME_JOINERS and end + 1 < len(doc) and doc[end + 1].is_title)):
                end += 1
            if end - i >= 2:
                runs.append((i, end))
            i = end
        else:
            i += 1
    return runs


def _named_before_brackets(doc: Doc, taken: set[int]) -> list[tuple[int, int]]:
    """Spans of two or more capitalised words, in no mention yet, right before '(ACRONYM)'."""
    out = []
    for token in doc:
        i = token.i
        if token.text != "(" or i + 2 >= len(doc) or doc[i + 2].text != ")":
            continue
        if not _acronym_like(doc[i + 1].text):
            continue
        start = i
        while start > 0 and start - 1 not in taken and (
                doc[start - 1].is_title or doc[start - 1].lower_ in NAME_JOINERS):
            start -= 1
        while start < i and not doc[start].is_title:
            start += 1  # a name starts with a capital
        if i - start >= 2:
            out.append((start, i))
    return out


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
