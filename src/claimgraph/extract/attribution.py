"""Who a claim is according to: the innermost reporting verb, 'according to X', or the quote it sits in."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from claimgraph.extract.lexicon import Lexicon
from claimgraph.extract.syntax import logical_subject, path_up

# the clause under a reporting verb hangs from it by one of these
REPORTED = {"ccomp", "xcomp", "dobj", "prep", "pcomp", "advcl", "parataxis", "oprd", "obj", "conj"}
QUOTES = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{3,}?)[\"\u201d]")


@dataclass
class Quote:
    start: int  # character offsets of the quoted words
    end: int
    speaker: Token | None  # the subject of the attribution next to it ("..., Rubio said")


def reporting_verb(cue: Token, lex: Lexicon) -> Token | None:
    """The innermost reporting verb above the cue ('said' in 'X said Y supports Z')."""
    reporting = lex.reporting_verbs
    path = path_up(cue)
    for below, token in zip(path, path[1:], strict=False):
        if token.pos_ not in ("VERB", "AUX"):
            continue
        if token.lemma_.lower() in reporting and below.dep_ in REPORTED:
            if below.dep_ == "conj" and below.pos_ in ("VERB", "AUX"):
                continue  # "X said A and supports B": the second verb is a claim of its own
            if below.dep_ in ("dobj", "obj") and token.lemma_.lower() not in lex.np_reporting_verbs:
                continue  # "maintains a presence" is no report; "denies any ties" is
            return token
    return _parenthetical(path[-1], lex)


def _parenthetical(root: Token, lex: Lexicon) -> Token | None:
    """'Washington, he added, was using ...': the reporting verb hangs below the claim."""
    for child in root.children:
        if child.dep_ in ("parataxis", "ccomp", "advcl") and child.lemma_.lower() in lex.reporting_verbs \
                and child.i > root.i and logical_subject(child) is not None:
            return child
    return None


def according_to(cue: Token, lex: Lexicon) -> Token | None:
    """The X of 'according to X' (or 'in accordance with X') on the cue's clause or sentence."""
    phrases = [tuple(p) for p in lex.attribution["according_to"]]
    candidates = path_up(cue)
    for token in candidates:
        for child in token.children:
            if child.dep_ != "prep":
                continue
            found = _phrase_object(child, phrases)
            if found is not None:
                return found
    return None


def _phrase_object(prep: Token, phrases: list[tuple[str, ...]]) -> Token | None:
    words = [t.lower_ for t in prep.subtree]
    for phrase in phrases:
        if tuple(words[: len(phrase)]) == phrase:
            pobjs = [t for t in prep.subtree if t.dep_ == "pobj"]
            return pobjs[-1] if len(phrase) > 1 and pobjs else (pobjs[0] if pobjs else None)
    return None


NEARBY = 12  # tokens to look at beside a quotation for its attribution ("..., Rubio said.")


def find_quotes(doc: Doc, lex: Lexicon) -> list[Quote]:
    """Quoted passages and the subject of the reporting verb right after or right before each."""
    quotes: list[Quote] = []
    starts: list[int] | None = None
    for match in QUOTES.finditer(doc.text):
        if starts is None:  # token offsets, once per document that has quotes at all
            starts = [token.idx for token in doc]
        start, end = match.span(1)
        quotes.append(Quote(start, end, _quote_speaker(doc, starts, start, end, lex)))
    return quotes


def _quote_speaker(doc: Doc, starts: list[int], start: int, end: int, lex: Lexicon) -> Token | None:
    after = bisect.bisect_left(starts, end)
    before = bisect.bisect_left(starts, start) - 1
    for tokens in (range(after, min(len(doc), after + NEARBY)), range(before, max(-1, before - NEARBY), -1)):
        verb = _reporting_in(doc, tokens, lex)
        if verb is not None:
            return logical_subject(verb)
    return None


def _reporting_in(doc: Doc, indices: range, lex: Lexicon) -> Token | None:
    """The first reporting verb among these tokens, not crossing a line break or another quotation."""
    for i in indices:
        token = doc[i]
        boundary = "\n" in token.text or "\n" in token.whitespace_ or token.text in ('"', "\u201c", "\u201d")
        if boundary and i != indices.start:
            break
        if token.pos_ == "VERB" and token.lemma_.lower() in lex.reporting_verbs:
            return token
    return None


def quote_at(quotes: list[Quote], offset: int) -> Quote | None:
    for quote in quotes:
        if quote.start <= offset < quote.end:
            return quote
    return None
