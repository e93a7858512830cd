"""Small questions about a dependency parse that every extraction rule asks.

Who is the subject of this verb once passives, coordination, control and relative clauses are
undone? Which actor mentions does this argument name?
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

VERBS = ("VERB", "AUX")
SUBJECTS = ("nsubj", "nsubjpass", "csubj")
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# Heads whose subject is whoever the accusation or suspicion is about: "accused X of Ving".
ACCUSING = {"accuse", "charge", "convict", "indict", "suspect", "blame", "sentence", "sanction", "designate",
            "investigate", "prosecute"}
# Preposition objects that name the actors behind a generic noun: "elements of the regime",
# "gangs such as TdA", "enterprises, including extortion".
EXPANDING_PREPS = {"of", "such", "as", "including", "like", "among", "from"}


def is_passive(verb: Token) -> bool:
    """'was funded by', and the reduced relative 'the group led by X' (a participle with an agent)."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children)


def agent_of(verb: Token) -> Token | None:
    """The 'by X' of a passive verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def direct_object(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    return None


def grammatical_subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return child
    return None


def logical_subject(verb: Token, depth: int = 0) -> Token | None:
    """The doer of a verb: its subject, or the one it inherits through conj, xcomp, advcl and pcomp."""
    if depth > 6:
        return None
    if is_passive(verb):
        agent = agent_of(verb)
        if agent is not None:
            return agent
    own = grammatical_subject(verb)
    if own is not None:
        return own
    head = verb.head
    if head.i == verb.i:
        return None
    if verb.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        return logical_subject(head, depth + 1)
    if verb.dep_ == "xcomp":
        obj = direct_object(head)
        return obj if obj is not None else logical_subject(head, depth + 1)
    if verb.dep_ == "advcl" and verb.tag_ in ("VBG", "VBN"):
        return logical_subject(head, depth + 1)
    if verb.dep_ == "pcomp" or (verb.dep_ == "pobj" and verb.tag_ == "VBG"):
        return _subject_through_preposition(head, depth)
    if verb.dep_ == "acl":
        return _subject_of_noun_clause(head)
    if verb.dep_ == "relcl":
        return head
    return None


def _subject_through_preposition(prep: Token, depth: int) -> Token | None:
    """'accused X of letting', 'is suspected of giving', 'responsible for trafficking'."""
    governor = prep.head
    if governor.lemma_ in ACCUSING and not is_passive(governor):
        obj = direct_object(governor)
        if obj is not None:
            return obj
    if governor.pos_ in ("VERB", "AUX"):
        if is_passive(governor):
            for child in governor.children:
                if child.dep_ == "nsubjpass":
                    return child
        return logical_subject(governor, depth + 1)
    if governor.pos_ == "ADJ" and governor.dep_ in ("acomp", "amod"):
        return logical_subject(governor.head, depth + 1) if governor.dep_ == "acomp" else governor.head
    if governor.pos_ in ("NOUN", "PROPN") and governor.dep_ == "pobj":
        return _subject_through_preposition(governor.head, depth + 1) if depth < 6 else None
    if governor.pos_ == "NOUN" and governor.dep_ in ("dobj", "attr") and governor.head.pos_ in VERBS:
        return logical_subject(governor.head, depth + 1)  # "has no policy of cooperating"
    return None


def _subject_of_noun_clause(noun: Token) -> Token | None:
    """'Washington's decision to list X': the possessor; 'the largest group operating in Y': the noun."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    if noun.dep_ == "attr":
        return grammatical_subject(noun.head)
    return noun


def conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


MODIFIER_ORDER = {"compound": 0, "nmod": 0, "appos": 1, "npadvmod": 1, "poss": 2}


def _hyphen_modifier(token: Token) -> bool:
    """'Iran' in 'Iran-backed militias' or 'China-based firms' describes, it does not refer."""
    doc = token.doc
    return token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and doc[token.i + 2].is_lower


def expansion(token: Token, depth: int = 0) -> Iterator[Token]:
    """Tokens that may name the actor an argument refers to: the token, then compound/appos/poss
    modifiers and 'of'/'such as'/'including' objects ("Pakistan's ISI agency" is the ISI)."""
    yield token
    if depth >= 3:
        return
    children = sorted(token.children, key=lambda c: MODIFIER_ORDER.get(c.dep_, 3))
    for child in children:
        if _hyphen_modifier(child):
            continue
        if child.dep_ in MODIFIER_ORDER:
            yield from expansion(child, depth + 1)
        elif child.dep_ == "prep" and child.lower_ in EXPANDING_PREPS:
            for grandchild in child.children:
                if grandchild.dep_ in ("pobj", "prep"):
                    target = grandchild
                    if grandchild.dep_ == "prep":  # "such as X": such -> as -> X
                        target = next((g for g in grandchild.children if g.dep_ == "pobj"), grandchild)
                    yield from expansion(target, depth + 1)
        elif child.dep_ == "amod" and child.pos_ in ("PROPN", "ADJ") and child.text[:1].isupper():
            yield child  # "Venezuelan support"


def prep_objects(head: Token, preps: tuple[str, ...] | set[str]) -> list[Token]:
    """Objects of the given prepositions under head ('cooperate with X', 'ties to Y')."""
    out: list[Token] = []
    for child in head.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
            # "across South America and into the United States": coordinated prepositions count too
            for prep in [child, *(c for c in child.conjuncts if c.pos_ == "ADP")]:
                out.extend(g for g in prep.children if g.dep_ in ("pobj", "pcomp"))
            # "in concert with": the object hangs one preposition lower
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    out.extend(prep_objects(grandchild, preps))
        elif child.dep_ == "prt":
            out.extend(prep_objects(child, preps))
    return out


def path_up(token: Token, limit: int = 12) -> list[Token]:
    """The token and its ancestors up to the root of its sentence."""
    out = [token]
    while out[-1].head.i != out[-1].i and len(out) < limit:
        out.append(out[-1].head)
    return out
