"""Who a claim is according to: the innermost reporting verb, 'according to X', or the quote it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

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


def find_quotes(doc: Doc, lex: Lexicon) -> list[Quote]:
    """Quoted passages and the subject of the reporting verb right after or right before each."""
    quotes: list[Quote] = []
    for match in QUOTES.finditer(doc.text):
        start, end = match.span(1)
        quotes.append(Quote(start, end, _quote_speaker(doc, start, end, lex)))
    return quotes


def _quote_speaker(doc: Doc, start: int, end: int, lex: Lexicon) -> Token | None:
    after = doc.char_span(end, min(len(doc.text), end + 80), alignment_mode="expand")
    before = doc.char_span(max(0, start - 80), start, alignment_mode="expand")
    for span in (after, before):
        verb = _reporting_in(span, lex) if span is not None else None
        if verb is not None:
            return logical_subject(verb)
    return None


def _reporting_in(span: Span, lex: Lexicon) -> Token | None:
    for token in span:
        if token.text in ("\n",) or (token.is_sent_start and token.i > span.start + 1):
            break
        if token.pos_ == "VERB" and token.lemma_.lower() in lex.reporting_verbs:
            return token
    return None


def quote_at(quotes: list[Quote], offset: int) -> Quote | None:
    for quote in quotes:
        if quote.start <= offset < quote.end:
            return quote
    return None
