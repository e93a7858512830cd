"""Claims from a parsed document: relation cues, their arguments, stance and speaker.

Each rule proposes (subjects, relation, objects) from one cue word; `ClaimReader.build` then
checks types, reads polarity, modality and speaker from the cue's scope, and records the
evidence sentence. Rules are small functions over the dependency parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claimgraph.extract import stance
from claimgraph.extract.attribution import according_to, find_quotes, quote_at, reporting_verb
from claimgraph.extract.lexicon import SYMMETRIC, Lexicon
from claimgraph.extract.syntax import (
    agent_of,
    conjuncts,
    direct_object,
    expansion,
    grammatical_subject,
    is_passive,
    logical_subject,
    prep_objects,
)
from claimgraph.model import Claim, Entity
from claimgraph.resolve.kb import KnowledgeBase
from claimgraph.resolve.matcher import DocEntities, Found

ACTORS = {"state", "state_body", "person", "criminal_group", "armed_group", "political_org", "company",
          "intl_org", "media"}
GROUPS = {"criminal_group", "armed_group"}
ORGS = ACTORS - {"person"}
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "supports": (ACTORS - {"media"}, ACTORS - {"media", "intl_org"}),
    "cooperates_with": (ACTORS - {"media"}, ACTORS - {"media"}),
    "directs": (ACTORS - {"media"}, ACTORS - {"media", "intl_org"}),
    "harbors": ({"state", "state_body", "person", "criminal_group", "armed_group"}, ACTORS - {"media"}),
    "facilitates": (ACTORS - {"media"}, ACTORS - {"media", "intl_org"}),
    "finances": (ACTORS - {"media"}, ACTORS - {"media", "intl_org"}),
    "arms": (ACTORS - {"media", "intl_org"}, ACTORS - {"media", "intl_org"}),
    "member_of": ({"person", "state", "state_body", "criminal_group", "armed_group", "political_org"}, ORGS),
    "opposes": (ACTORS - {"media"}, ACTORS - {"media"}),
    "sanctions": ({"state", "state_body", "intl_org"}, ACTORS - {"media"}),
    "linked_to": (ACTORS - {"media"}, ACTORS - {"media"}),
    "engages_in": (ACTORS - {"media", "intl_org"}, {"activity"}),
    "operates_in": (ACTORS - {"state", "media"}, {"place", "state"}),
}
STEERING = {"directs", "supports", "finances", "arms", "harbors", "facilitates"}
PLACING = {"bring", "place", "put", "keep", "leave", "return"}
FIRST_PERSON = {"we", "us", "our"}


@dataclass
class Proposal:
    """What one rule read from one cue, before types, stance and speaker are checked."""

    subjects: list[Token]
    relation: str
    objects: list[Token]
    cue: Token
    rule: str
    place_relation: str | None = None
    person_relation: str | None = None
    person_only: bool = False
    object_types: tuple[str, ...] = ()
    pairwise: bool = False  # symmetric relation among the subjects themselves ("Tehran and Caracas signed")


@dataclass
class ClaimReader:
    doc: Doc
    ents: DocEntities
    kb: KnowledgeBase
    lex: Lexicon
    claims: list[Claim] = field(default_factory=list)
    last_speaker: str | None = None
    affiliation: dict[str, str] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    demonym_map: dict[str, str] = field(default_factory=dict)

    def read(self) -> list[Claim]:
        self.quotes = find_quotes(self.doc, self.lex)
        for sent in self.doc.sents:
            for proposal in self._proposals(sent):
                self.build(proposal, sent)
        return self.claims

    # -- proposals --------------------------------------------------------------------------------
    def _proposals(self, sent: Span) -> Iterator[Proposal]:
        lex = self.lex
        for token in sent:
            lemma = lex.lemma(token)
            if token.pos_ in ("VERB", "AUX") and lemma in lex.verbs:
                yield from self._verb(token, lemma)
            if token.pos_ in ("NOUN", "PROPN"):
                if lemma in lex.nouns:
                    yield from self._noun(token, lemma)
                if lemma in lex.guidance:
                    yield from self._guidance(token, lemma)
                if lemma in lex.agent_nouns or lemma in self.lex.titles_set:
                    yield from self._role(token, lemma)
            if token.lower_ == "subject" and token.pos_ == "ADJ":
                yield from self._subject_to(token)
            if token.pos_ == "VERB" and (lemma in lex.receiving_verbs or lemma in lex.money_giving_verbs):
                yield from self._money(token, lemma)
            if token.pos_ in ("VERB", "AUX"):
                yield from self._alongside(token)
            if lemma in lex.with_verbs and token.pos_ == "VERB":
                yield from self._supplied_with(token)
            if token.lower_ in lex.hyphen_cues and token.i >= 2 and token.nbor(-1).text == "-":
                yield from self._hyphenated(token)
        yield from self._activities(sent)
        yield from self._memberships(sent)
        yield from self._presence(sent)


    def _verb(self, verb: Token, lemma: str) -> Iterator[Proposal]:
        cue = self.lex.verbs[lemma]
        if cue.needs_xcomp and not self._has_complement(verb, cue.needs_xcomp):
            return
        if cue.needs_as and not any(c.lower_ == "as" for c in verb.children):
            return
        if cue.needs_list and not any(t.lemma_ == "list" for t in verb.subtree if t.dep_ == "pobj"):
            return
        subjects, objects = self._verb_arguments(verb, cue.preps, cue.prep_only)
        if not subjects or not objects:
            return
        yield Proposal(subjects, cue.relation, objects, verb, f"verb:{lemma}", cue.place_relation,
                       cue.person_relation, cue.person_only, cue.object_types)

    def _has_complement(self, verb: Token, kind: str) -> bool:
        for child in verb.children:
            clause = child.dep_ in ("xcomp", "ccomp", "advcl") and child.pos_ == "VERB"
            if clause and (kind == "any" or child.lemma_.lower() in self.lex.operate_verbs):
                return True
        return False

    def _verb_arguments(self, verb: Token, preps: tuple[str, ...], prep_only: bool
                        ) -> tuple[list[Token], list[Token]]:
        if is_passive(verb):
            agent = agent_of(verb)
            patient = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if not patient and verb.dep_ == "conj":  # "is based in X and is headed by Y"
                shared = grammatical_subject(verb.head)
                patient = [shared] if shared is not None else []
            if not patient and verb.dep_ == "acl":  # "the coalition led by X", "militias backed by Iran"
                patient = [verb.head]
            if agent is not None:
                return [agent], patient
            by_prep = prep_objects(verb, preps) if preps else []
            return (patient, by_prep) if by_prep else ([], [])
        subject = logical_subject(verb)
        objects: list[Token] = []
        obj = direct_object(verb) or _complement_subject(verb) or self._misparsed_object(verb)
        if obj is not None and not prep_only:
            objects.append(obj)
        objects += prep_objects(verb, preps)
        if obj is not None and prep_only:
            objects += prep_objects(obj, preps)  # "paved the way for X"
        return ([subject] if subject is not None else []), objects

    def _misparsed_object(self, verb: Token) -> Token | None:
        """'shelters MS-13' may be parsed with the name as a number: take a name right after the verb."""
        for child in verb.rights:
            if child.dep_ in ("advmod", "npadvmod", "attr", "oprd") and self.ents.at(child) is not None:
                return child
            break
        return None

    def _noun(self, noun: Token, lemma: str) -> Iterator[Proposal]:
        cue = self.lex.nouns[lemma]
        # "warfare ... on the direction of X": a guidance phrase is not the target
        patients = [p for p in prep_objects(noun, cue.patient_preps)
                    if p.lemma_.lower() not in self.lex.guidance]
        agents = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod")]
        agents += prep_objects(noun, cue.agent_preps)
        for clause in (c for c in noun.children if c.dep_ == "relcl"):
            if clause.lemma_.lower() in self.lex.giving_verbs:  # "the attack that X launched against Y"
                doer = grammatical_subject(clause)
                agents = agents or ([doer] if doer is not None and doer.i != noun.i else [])
                patients = patients or prep_objects(clause, cue.patient_preps)
        anchor = noun.head if noun.dep_ == "compound" else noun
        governor = anchor.head
        gov_lemma = self.lex.lemma(governor)
        if anchor.dep_ in ("dobj", "obj") and governor.pos_ == "VERB":
            if gov_lemma in self.lex.receiving_verbs:
                patients = patients or [t for t in [logical_subject(governor)] if t is not None]
                agents = agents or prep_objects(governor, ("from",))
            elif gov_lemma in self.lex.giving_verbs or gov_lemma in self.lex.stance["negations"]["verbs"]:
                if not self._actor_tokens(agents):
                    agents = [t for t in [logical_subject(governor)] if t is not None]
                patients = patients or prep_objects(governor, cue.patient_preps)
            elif cue.inverse_verbs_only:
                return
        elif cue.inverse_verbs_only:
            return
        elif anchor.dep_ == "pobj" and anchor.head.lower_ == "in" and anchor.head.head.pos_ == "VERB":
            doer = logical_subject(anchor.head.head)  # "acting in concert with X", "in league with"
            agents = agents or ([doer] if doer is not None else [])
        elif anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and anchor.head.head.pos_ == "NOUN":
            holder = anchor.head.head  # "Mexico's level of cooperation with us"
            agents = agents or [c for c in holder.children if c.dep_ == "poss"]
        if cue.relation in SYMMETRIC and not patients:
            # "Iran-Hezbollah cooperation": the parse nests one name inside the other
            agents = [t for a in agents for t in (a.subtree if a.dep_ == "compound" else [a])]
        if cue.relation in SYMMETRIC and not patients and len(self._actor_tokens(agents)) >= 2:
            yield Proposal(agents, cue.relation, [], noun, f"noun:{lemma}", pairwise=True)
            return
        if cue.relation in SYMMETRIC and not agents and len(self._actor_tokens(patients)) >= 2:
            yield Proposal(patients, cue.relation, [], noun, f"noun:{lemma}", pairwise=True)
            return
        if agents and patients:
            by_prep = dict(cue.prep_relations)
            for relation, group in _split_by_prep(patients, by_prep, cue.relation).items():
                yield Proposal(agents, relation, group, noun, f"noun:{lemma}")

    def _supplied_with(self, verb: Token) -> Iterator[Proposal]:
        """'supplied the Houthis with missiles': the 'with' noun says which relation."""
        receiver, doer = direct_object(verb), logical_subject(verb)
        if receiver is None or doer is None:
            return
        for thing in prep_objects(verb, ("with",)):
            cue = self.lex.nouns.get(thing.lemma_.lower())
            relation = cue.relation if cue is not None else None
            if relation is None and thing.lower_ in self.lex.money_nouns:
                relation = "finances"
            if relation is not None:
                yield Proposal([doer], relation, [receiver], verb, "supplied_with")

    def _hyphenated(self, participle: Token) -> Iterator[Proposal]:
        """'the Iran-backed Houthis', 'Kata'ib Hezbollah, an Iran-backed militia'."""
        name = self.ents.at(participle.nbor(-2))
        if name is None:
            return
        described = participle.head
        if described.dep_ == "appos" and self.ents.at(described) is None:
            described = described.head
        elif described.dep_ == "attr" and self.ents.at(described) is None:
            subject = grammatical_subject(described.head)
            described = subject if subject is not None else described
        relation = self.lex.hyphen_cues[participle.lower_]
        yield Proposal([participle.nbor(-2)], relation, [described], participle, "hyphen", pairwise=False,
                       place_relation="operates_in" if relation == "operates_in" else None)

    def _alongside(self, verb: Token) -> Iterator[Proposal]:
        """'fought alongside X', 'operates together with X': partners, whatever the verb."""
        partners = prep_objects(verb, ("alongside",))
        for child in verb.children:
            if child.lower_ == "together" and child.dep_ == "advmod":
                partners += prep_objects(child, ("with",))
        doer = logical_subject(verb)
        if partners and doer is not None:
            yield Proposal([doer], "cooperates_with", partners, verb, "alongside")

    def _money(self, verb: Token, lemma: str) -> Iterator[Proposal]:
        """'took bribes from X': X finances the taker; 'delivered cash to Y': the giver finances Y."""
        obj = direct_object(verb)
        if obj is None or not any(t.lower_ in self.lex.money_nouns for t in obj.subtree):
            return
        doer = logical_subject(verb)
        if doer is None:
            return
        if lemma in self.lex.receiving_verbs:
            payers = prep_objects(verb, ("from",)) or prep_objects(obj, ("from",))
            if payers:
                yield Proposal(payers, "finances", [doer], verb, f"money:{lemma}")
        else:
            payees = prep_objects(verb, ("to",)) or prep_objects(obj, ("to",))
            if payees:
                yield Proposal([doer], "finances", payees, verb, f"money:{lemma}")

    def _subject_to(self, adjective: Token) -> Iterator[Proposal]:
        """'Venezuela has been subject to US sanctions': the sanctions' owner sanctions the subject."""
        for noun in prep_objects(adjective, ("to",)):
            if noun.lemma_.lower() not in self.lex.nouns:
                continue
            owners = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod")]
            target = logical_subject(adjective.head) if adjective.dep_ == "acomp" else None
            if owners and target is not None:
                relation = self.lex.nouns[noun.lemma_.lower()].relation
                yield Proposal(owners, relation, [target], noun, "subject_to")

    def _guidance(self, noun: Token, lemma: str) -> Iterator[Proposal]:
        """'at the direction of X', 'on X's orders': X directs whoever does the governing verb."""
        prep = noun.head
        if noun.dep_ != "pobj" or prep.lower_ not in self.lex.guidance[lemma]:
            return
        verb = prep.head
        if verb.pos_ not in ("VERB", "AUX"):
            return
        directors = [c for c in noun.children if c.dep_ == "poss"] + prep_objects(noun, ("of", "from", "by"))
        # "bring the unit under the control of X": what is brought is directed, not who brings it
        placed = direct_object(verb) if verb.lemma_.lower() in PLACING else None
        doer = placed if placed is not None else logical_subject(verb)
        if directors and doer is not None:
            yield Proposal(directors, "directs", [doer], noun, f"guidance:{lemma}")

    def _role(self, noun: Token, lemma: str) -> Iterator[Proposal]:
        """'X, a supporter of Y', 'Y's leader X', 'X is the head of Y', 'served as Y's secretary'."""
        relation = self.lex.agent_nouns.get(lemma, "member_of")
        holders = self._role_holder(noun)
        if not holders:
            return
        groups = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod")]
        groups += prep_objects(noun, ("of",))
        if relation == "member_of":
            groups += prep_objects(noun, ("at", "for"))
        if not groups:
            if relation == "member_of" and lemma in self.lex.state_titles:
                yield Proposal(holders, "member_of", [], noun, "title_kb")  # "X, Secretary of State"
            return
        if relation == "directed_by":
            yield Proposal(groups, "directs", holders, noun, f"role:{lemma}")
        else:
            yield Proposal(holders, relation, groups, noun, f"role:{lemma}")

    def _role_holder(self, noun: Token) -> list[Token]:
        if noun.dep_ == "appos":
            return [noun.head]
        appositions = [c for c in noun.children if c.dep_ == "appos"]
        if appositions:
            return appositions
        if noun.dep_ == "attr":
            subject = grammatical_subject(noun.head)
            return [subject] if subject is not None else []
        if noun.dep_ == "pobj" and noun.head.lower_ == "as":
            verb = noun.head.head
            obj = direct_object(verb)
            subject = obj if obj is not None else logical_subject(verb)
            return [subject] if subject is not None else []
        if noun.dep_ == "compound" and self.ents.at(noun.head) is not None:
            return [noun.head]
        return []

    def _activities(self, sent: Span) -> Iterator[Proposal]:
        for found in self._mentions_in(sent):
            if self.ents.type_of(found.entity_id) != "activity":
                continue
            head = self.doc[found.start:found.end].root
            doer = self._activity_doer(head)
            if doer is not None:
                yield Proposal([doer], "engages_in", [head], head, "activity")

    def _activity_doer(self, head: Token) -> Token | None:
        acts = self.lex.activities
        if head.pos_ == "VERB":
            return logical_subject(head)
        token = head
        for _ in range(7):
            if token.head.i == token.i:
                return None
            below, token = token, token.head
            lemma = token.lemma_.lower()
            if lemma in self.lex.reporting_verbs and lemma not in ("accuse", "charge"):
                return None
            if lemma in acts["engagement_verbs"]:
                return self._engaged(token)
            if lemma in acts["responsible_adjs"] and token.dep_ == "acomp":
                return grammatical_subject(token.head)
            if lemma in acts["income_verbs"] and below.dep_ in ("prep", "pobj"):
                return logical_subject(token)
            if lemma in ("accuse", "charge", "convict", "indict", "suspect") and token.pos_ == "VERB":
                return self._engaged(token)
            if token.lemma_ in ("commit", "conduct") and below.dep_ in ("dobj", "obj"):
                return logical_subject(token)
        return None

    @staticmethod
    def _engaged(verb: Token) -> Token | None:
        if is_passive(verb):
            return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        obj = direct_object(verb)
        return obj if obj is not None and verb.lemma_ not in ("engage", "involve") else logical_subject(verb)

    def _presence(self, sent: Span) -> Iterator[Proposal]:
        """'ISIL fighters in Mosul', 'the defeat of Daesh in Syria': a group placed somewhere."""
        for found in self._mentions_in(sent):
            if found.rule == "coref" or self.ents.type_of(found.entity_id) not in self.lex.presence_types:
                continue
            root = self.doc[found.start:found.end].root
            holder = root.head if root.dep_ in ("compound", "poss") else root
            if holder.dep_ == "pobj" and holder.head.lower_ == "of" and holder.head.head.pos_ == "NOUN":
                holder = holder.head.head  # "the defeat of Daesh in Syria"
            places = prep_objects(holder, self.lex.presence_preps)
            if places:
                yield Proposal([root], "operates_in", places, root, "presence")

    def _memberships(self, sent: Span) -> Iterator[Proposal]:
        """Titles before a name ('US Secretary of State Marco Rubio', 'DEA chief Anne Milgram',
        'President Maduro') and a person 'at' an outlet ('Jane Roe at the Daily Ledger')."""
        for found in self._mentions_in(sent):
            entity = self.ents.entities[found.entity_id]
            if entity.type != "person" or found.rule == "coref":
                continue
            person = self.doc[found.start:found.end].root
            org, title = self._title_window(found)
            if org is not None:
                yield Proposal([person], "member_of", [org], person, "title")
            elif title in self.lex.state_titles:
                yield Proposal([person], "member_of", [], person, "title_kb")
            for outlet in prep_objects(person, tuple(self.lex.titles["media_preps"])):
                yield Proposal([person], "member_of", [outlet], person, "media")


    def _title_window(self, found: Found) -> tuple[Token | None, str | None]:
        title: str | None = None
        i = found.start - 1
        titles = self.lex.titles_set
        while i >= max(0, found.start - 7):
            token = self.doc[i]
            other = self.ents.at(token)
            if other is not None and other.entity_id != found.entity_id:
                kind = self.ents.type_of(other.entity_id)
                if title is not None and kind in ORGS:
                    return self.doc[other.start:other.end].root, title
                return None, title
            word = token.lower_
            if word in titles:
                title = word
            elif word in ("of", "-", "'s", "\u2019s", "former", "then", "acting", "deputy", "foreign",
                          "defense", "defence", "interior", "finance", "state", "vice", "prime", "general",
                          "attorney", "chief", "senior", "top") or (token.is_title and token.pos_ == "PROPN"):
                pass
            else:
                break
            i -= 1
        return None, title

    def _kb_parent(self, entity_id: str) -> str | None:
        """The state a titled person serves ("President X", "Secretary of State X"), by the knowledge
        base's parent chain, when the text names that state somewhere."""
        actor = self.kb.get(entity_id)
        for _ in range(3):
            if actor is None or actor.parent is None:
                return None
            actor = self.kb.get(actor.parent)
            if actor is not None and actor.type == "state":
                return actor.id if actor.id in self.ents.entities else None
        return None

    # -- arguments to entities --------------------------------------------------------------------
    def _mentions_in(self, sent: Span) -> list[Found]:
        return [f for f in self.ents.mentions if sent.start <= f.start < sent.end]

    def _actor_tokens(self, tokens: list[Token]) -> list[str]:
        ids: list[str] = []
        for token in tokens:
            ids += self.resolve(token, None)
        return ids

    def resolve(self, token: Token, speaker: str | None, exclude: list[str] | None = None) -> list[str]:
        """Entity ids an argument names: the mention it is in (and its conjuncts), else the actors
        named by its modifiers; pronouns go to the most recent compatible actor not in `exclude`."""
        ids: list[str] = []
        for item in conjuncts(token):
            state = self._government_of(item)
            if state is not None:
                ids.append(state)
                continue
            for candidate in expansion(item):
                found = self.ents.at(candidate)
                if found is not None:
                    ids += [i for i in found.entity_ids if i not in ids]
                    break
                pronoun = self._pronoun(candidate, speaker, exclude or [])
                if pronoun is not None:
                    ids.append(pronoun)
                    break
                nation = self._demonym(candidate)
                if nation is not None:  # "the Colombian president", "a Lebanese diplomat"
                    ids.append(nation)
                    break
            else:
                anchor = self.ents.at(item.head) if item.dep_ == "appos" else None
                if anchor is not None:
                    # "Kata'ib Hezbollah, a militia backed by Iran": the apposition is its anchor
                    ids += [i for i in anchor.entity_ids if i not in ids]
        return ids

    def _demonym(self, token: Token) -> str | None:
        if token.dep_ not in ("amod", "compound") or not token.text[:1].isupper():
            return None
        state = self.demonym_map.get(token.text)
        if state is not None:
            self._ensure_entity(state)
        return state

    def _government_of(self, noun: Token) -> str | None:
        """'his government', 'Chávez's administration': the state the person serves."""
        if noun.lemma_.lower() not in ("government", "administration", "regime", "cabinet") or \
                self.ents.at(noun) is not None:
            return None
        for child in noun.children:
            if child.dep_ != "poss":
                continue
            person = self._pronoun(child, None) if child.pos_ == "PRON" else None
            found = self.ents.at(child)
            person = person or (found.entity_id if found is not None else None)
            if person is not None and self.ents.type_of(person) == "person":
                if person in self.affiliation:
                    return self.affiliation[person]
                actor = self.kb.get(person)
                if actor is not None and actor.parent and self.kb.get(actor.parent) is not None:
                    parent = self.kb.actors[actor.parent]
                    if parent.type == "state":
                        self._ensure_entity(parent.id)
                        return parent.id
        return None

    def _ensure_entity(self, actor_id: str) -> None:
        if actor_id not in self.ents.entities:
            actor = self.kb.actors[actor_id]
            self.ents.entities[actor_id] = Entity(actor.id, actor.name, actor.type, country=actor.country,
                                                  wikidata=actor.wikidata)

    def _pronoun(self, token: Token, speaker: str | None, exclude: list[str] | None = None) -> str | None:
        word = token.lower_
        if word in FIRST_PERSON:
            return self._speaker_side(token, speaker)
        types = self.lex.descriptions["pronouns"].get(word)
        if not types or token.pos_ not in ("PRON", "DET"):
            return None
        if types == ["person"] and speaker is not None and self.ents.type_of(speaker) == "person" \
                and speaker not in (exclude or []):
            return speaker  # "X said that he had delivered ...": he is the speaker
        found = self.ents.last_before(token.i, types, exclude=exclude or [], skip_places=True)
        return found.entity_id if found is not None else None

    def _speaker_side(self, token: Token, speaker: str | None) -> str | None:
        if speaker is None or quote_at(self.quotes, token.idx) is None:
            return None
        if speaker in self.affiliation:
            return self.affiliation[speaker]
        actor = self.kb.get(speaker)
        return actor.parent if actor is not None and actor.parent in self.ents.entities else None

    # -- speaker ----------------------------------------------------------------------------------
    def speaker(self, cue: Token, report: Token | None) -> str | None:
        if report is not None:
            if is_passive(report) and agent_of(report) is None:
                return None  # "X is suspected of ...": nobody named says so
            return self._speaker_of(logical_subject(report))
        named = according_to(cue, self.lex)
        if named is not None:
            return self._speaker_of(named)
        quote = quote_at(self.quotes, cue.idx)
        if quote is not None and quote.speaker is not None:
            return self._speaker_of(quote.speaker)
        return None

    def _speaker_of(self, token: Token | None) -> str | None:
        if token is None:
            return None
        word = token.lower_
        if word in ("he", "she"):
            return self.last_speaker or self._last_person(token)
        if word in FIRST_PERSON or word in ("they", "it", "i"):
            return None
        lemma = token.lemma_.lower()
        if lemma in self.lex.attribution["document_nouns"]:
            return self._author(token)
        found = self.ents.at(token)
        if found is None and token.lower_ in self.lex.attribution["anonymous_heads"]:
            return None
        if found is not None and found.scope in ("officials", "official", "sources", "diplomats"):
            return None  # "US officials said": an unnamed part of a state
        ids = self.resolve(token, None)
        if not ids:
            return None
        if self.ents.type_of(ids[0]) == "person":
            self.last_speaker = ids[0]
        return ids[0]

    def _last_person(self, token: Token) -> str | None:
        found = self.ents.last_before(token.i, ["person"])
        return found.entity_id if found is not None else None

    def _author(self, noun: Token) -> str | None:
        """'the council memo', 'an assessment by the NIC', 'the FBI's report': who wrote it."""
        lemma = noun.lemma_.lower()
        for child in noun.children:
            candidates = [child]
            if child.dep_ in ("agent", "prep") and child.lower_ == "by":
                candidates = [g for g in child.children if g.dep_ == "pobj"]
            elif child.dep_ not in ("poss", "compound"):
                continue
            for candidate in candidates:
                author = self._named_body(candidate)
                if author is not None:
                    self.authors[lemma] = author
                    return author
        return self.authors.get(lemma)

    def _named_body(self, token: Token) -> str | None:
        found = self.ents.at(token)
        if found is not None:
            return found.entity_id
        # "council memo": a bare noun that names a known body by a word of its name
        body = self.ents.last_before(token.i, ["state_body", "intl_org"], name_word=token.lemma_.lower())
        return body.entity_id if body is not None else None

    # -- building claims --------------------------------------------------------------------------
    def build(self, proposal: Proposal, sent: Span) -> None:
        cue = proposal.cue
        report = reporting_verb(cue, self.lex)
        speaker = self.speaker(cue, report)
        polarity = stance.polarity(cue, report, self.lex)
        modality = stance.modality(cue, report, self.lex)
        subjects = self._ids(proposal.subjects, speaker, [])
        if proposal.pairwise:
            pairs = [(a, b) for n, a in enumerate(subjects) for b in subjects[n + 1:]]
        elif proposal.rule == "title_kb":
            # a title with no organisation named: the state the knowledge base says the person serves
            pairs = [(s, parent) for s in subjects if (parent := self._kb_parent(s)) is not None]
        else:
            # a pronoun object does not point back at its own clause's subject ("X expects Y to use it")
            objects = self._ids(proposal.objects, speaker, subjects)
            pairs = [(s, o) for s in subjects for o in objects]
        for subject, obj in pairs:
            relation = self._relation(proposal, subject, obj)
            if relation is None:
                continue
            self._add(Claim(subject, relation, obj, polarity, modality, speaker, sent.text,
                            sent.start_char, sent.end_char, cue.text, proposal.rule))

    def _ids(self, tokens: list[Token], speaker: str | None, exclude: list[str]) -> list[str]:
        out: list[str] = []
        for token in tokens:
            out += [i for i in self.resolve(token, speaker, exclude) if i not in out]
        return out

    def _relation(self, proposal: Proposal, subject: str, obj: str) -> str | None:
        if subject == obj:
            return None
        s_type, o_type = self.ents.type_of(subject), self.ents.type_of(obj)
        if o_type == "state" and self._as_place(proposal, obj):
            o_type = "place"
        relation = proposal.relation
        if proposal.place_relation and o_type == "place":
            relation = proposal.place_relation
        elif proposal.person_relation and s_type == "person" and o_type in ORGS:
            relation = proposal.person_relation
        elif proposal.person_only and s_type != "person":
            return None
        elif proposal.object_types and o_type not in proposal.object_types:
            return None
        if relation in STEERING and self._parent_of(subject) == obj:
            return None  # "the IRGC runs Tehran's operations": a body does not steer its own state
        subjects_ok, objects_ok = ALLOWED[relation]
        if s_type not in subjects_ok or o_type not in objects_ok:
            return None
        return relation

    def _parent_of(self, entity_id: str) -> str | None:
        actor = self.kb.get(entity_id)
        return actor.parent if actor is not None else None

    def _as_place(self, proposal: Proposal, obj: str) -> bool:
        """'uses the Venezuelan territory as rearguard': the state named as ground, not as actor."""
        for token in proposal.objects:
            found = self.ents.at(token)
            if found is not None and found.entity_id == obj and found.scope in ("territory", "place"):
                return True
            if token.lemma_.lower() in ("territory", "soil", "border", "borders", "land", "territories"):
                return True
        return False

    def _add(self, claim: Claim) -> None:
        key = (claim.subject, claim.relation, claim.object, claim.polarity, claim.start)
        if any((c.subject, c.relation, c.object, c.polarity, c.start) == key for c in self.claims):
            return
        if claim.relation == "member_of" and self.ents.type_of(claim.object) in ("state", "state_body"):
            self.affiliation.setdefault(claim.subject, claim.object)
        self.claims.append(claim)


def _split_by_prep(objects: list[Token], by_prep: dict[str, str], default: str) -> dict[str, list[Token]]:
    """'operations against IS' oppose, 'operations in Iraq' locate: the preposition picks the relation."""
    groups: dict[str, list[Token]] = {}
    for obj in objects:
        prep = obj.head.lower_ if obj.dep_ in ("pobj", "pcomp") else ""
        groups.setdefault(by_prep.get(prep, default), []).append(obj)
    return groups


def _complement_subject(verb: Token) -> Token | None:
    """'allows TdA to operate' parsed with TdA as the subject of the complement clause."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp"):
            subject = grammatical_subject(child)
            if subject is not None:
                return subject
    return None


def read_claims(doc: Doc, ents: DocEntities, kb: KnowledgeBase, lex: Lexicon,
                demonyms: dict[str, str] | None = None) -> list[Claim]:
    return ClaimReader(doc, ents, kb, lex, demonym_map=demonyms or {}).read()


__all__ = ["ClaimReader", "read_claims"]
