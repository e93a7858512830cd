"""Polarity and modality of a claim, read from the words in its scope.

The scope is the cue and the clauses above it, up to the reporting verb: "Rubio said X may
support Y" is hedged by "may"; the attribution "said" is no hedge (ONTOLOGY.md, Modality).
"""

from __future__ import annotations

from spacy.tokens import Token

from claimgraph.extract.lexicon import Lexicon
from claimgraph.extract.syntax import agent_of, is_passive, path_up

# Climbing out of a subject, an apposition or a relative clause leaves the claim's clause:
# in "officials who assisted X did not testify", the negation is not about assisting.
CLAUSE_EXITS = {"nsubj", "nsubjpass", "csubj", "appos", "relcl"}


# "while Iran funds Hezbollah": a subordinate clause of its own, not in its main clause's scope
SEPARATE_CLAUSE_MARKS = {"while", "whereas", "although", "though", "because", "since", "after", "before",
                         "when", "if", "unless", "as"}
# verbs that make a noun their predicate ("has ties to", "provided support to"): their hedges count;
# other verbs only presuppose the noun ("may have assisted the gang's operations in X")
LIGHT_VERBS = {"have", "be", "provide", "give", "offer", "maintain", "receive", "get", "deny", "reject",
               "find", "establish", "show", "seek", "build", "forge", "sign", "launch", "conduct", "wage",
               "carry", "mount", "take", "accept", "enjoy", "impose", "extend", "lend", "supply", "deliver"}


def _own_clause(token: Token) -> bool:
    """A conjunct with its own auxiliary or subject, or a clause opened by 'while', 'although'..."""
    if token.dep_ == "conj":
        return any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in token.children)
    if token.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in SEPARATE_CLAUSE_MARKS for c in token.children)
    return False


def _leaves_noun_phrase(token: Token) -> bool:
    """Climbing from a noun into a verb that only takes it as an argument."""
    head = token.head
    return token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "obj", "nsubj", "pobj") \
        and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() not in LIGHT_VERBS


def scope(cue: Token, report: Token | None) -> list[Token]:
    chain: list[Token] = []
    skip_head = False
    for token in path_up(cue):
        if report is not None and token.i == report.i:
            break
        if not skip_head:
            chain.append(token)
        # "was not leaving and would go on supporting": the first conjunct's negation stays there
        skip_head = _own_clause(token)
        if token.dep_ in CLAUSE_EXITS or (cue.pos_ in ("NOUN", "PROPN") and _leaves_noun_phrase(token)):
            break
    return chain


def _negations(token: Token, lex: Lexicon) -> int:
    neg = lex.stance["negations"]
    count = 0
    for child in token.children:
        if child.dep_ == "neg" and not any(g.lower_ in neg["not_negations"] for g in child.children) \
                and not _followed_by(child, neg["not_negations"]):
            count += 1
        elif child.dep_ == "det" and child.lower_ in neg["determiners"]:
            count += 1
        elif child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in neg["subjects"]:
            count += 1
        elif child.dep_ in ("acomp", "oprd") and child.lemma_.lower() in neg["unlikely"]:
            count += 1
    return count


def _followed_by(token: Token, words: list[str]) -> bool:
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return following is not None and following.lower_ in words


def polarity(cue: Token, report: Token | None, lex: Lexicon) -> str:
    chain = scope(cue, report)
    count = sum(_negations(t, lex) for t in chain)
    if report is not None:
        count += _negations(report, lex)
        through_clause = any(t.dep_ in ("acl", "relcl") for t in chain)
        if report.lemma_.lower() in lex.stance["negations"]["verbs"] and not through_clause:
            count += 1
    for token in chain[1:]:
        # "refused to collaborate", "denied leading": a denying verb inside the claim's own clause
        if token.lemma_.lower() in lex.stance["negations"]["verbs"] and token.pos_ == "VERB":
            count += 1
    return "denied" if count % 2 else "affirmed"


def _hedged_token(token: Token, lex: Lexicon, reported: bool = False) -> bool:
    hedges = lex.stance["hedges"]
    lemma = token.lemma_.lower()
    if lemma in hedges["raising_verbs"] and token.pos_ == "VERB":
        return True
    if lemma in hedges["passive_verbs"] and is_passive(token) and agent_of(token) is None:
        return True
    for child in token.children:
        word = child.lower_
        if child.dep_ == "aux" and word in hedges["modals"]:
            # "said the group would keep fighting": reported speech shifts will to would
            return not (reported and word == "would")
        if child.dep_ == "advmod" and word in hedges["adverbs"]:
            return True
        if child.dep_ == "amod" and word in hedges["adjectives"]:
            return True
        if child.dep_ in ("acomp", "oprd") and child.lemma_.lower() in ("likely", "unlikely", "probable"):
            return True
        if child.dep_ == "prep" and _phrase(child) in hedges["phrases"]:
            return True
    return False


def _phrase(token: Token) -> str:
    return " ".join(t.lower_ for t in token.subtree)


def modality(cue: Token, report: Token | None, lex: Lexicon) -> str:
    if any(_hedged_token(t, lex, report is not None) for t in scope(cue, report)):
        return "hedged"
    if report is not None and report.lemma_.lower() in lex.stance["hedges"]["reporting_verbs"]:
        return "hedged"
    if report is not None and _hedged_token(report, lex) and is_passive(report):
        return "hedged"  # "X is accused of ...", "is believed to ..." with no named accuser
    return "asserted"
