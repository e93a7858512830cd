"""Checks that keep a knowledge-base name from matching where the text means something else.

Each guard answers one question about a candidate match, from the document alone:
- is the name only part of a longer name NER found ("Jordan" in "Jordan River", "Wagner" in
  "Richard Wagner", "Islamic Jihad" in "Egyptian Islamic Jihad")?
- is a capitalised name written as a common word ("the company" is not "The Company")?
- is a short acronym an ordinary abbreviation here ("his CV", "at MIT", "IS THE CEASEFIRE OVER?")?
- is a country name only the state or region of a city ("Savannah, Georgia", "San Jose, California")?
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span

from claimgraph.resolve.kb import Actor

ARTICLES = {"the", "a", "an"}
# a ministry's portfolio in a title: "the minister of Defense of Venezuela" still names Venezuela
PORTFOLIOS = {"defense", "defence", "interior", "finance", "justice", "foreign", "affairs", "security",
              "health", "economy", "agriculture", "energy", "trade", "labour", "labor", "education",
              "communications", "information", "culture", "transport", "mines", "oil", "petroleum"}


def inside_other_name(found_start: int, found_end: int, actor: Actor, ents: Iterable[Span]) -> bool:
    """True when an NER span reaching past the match names something else: its extra words are
    capitalised words of none of the actor's names ("Jordan River", "Richard Wagner", "Nicolás
    Maduro Guerra", "Semana Santa"), whatever label NER gives it."""
    own_words = _name_words(actor)
    for ent in ents:
        overlaps = ent.start < found_end and found_start < ent.end
        if not overlaps or (found_start <= ent.start and ent.end <= found_end):
            continue
        extra = [t for t in ent if not (found_start <= t.i < found_end) and t.lower_ not in ARTICLES
                 and not _across_hyphen(t.i, found_start, found_end, ent)]
        # "El Pollo Carvajal" is Hugo Carvajal whatever label NER gives it: his own names change nothing
        if any(_capitalised_word(t.text) and t.lower_ not in own_words and t.lower_ not in PORTFOLIOS
               for t in extra):
            return True
    return False


def _across_hyphen(i: int, found_start: int, found_end: int, ent: Span) -> bool:
    """'Sinaloa Cartel-CJNG': a name joined by a hyphen to the match is a second name, not a longer one."""
    doc = ent.doc
    if i >= found_end:
        return any(doc[j].text == "-" for j in range(found_end, i))
    return any(doc[j].text == "-" for j in range(i + 1, found_start))


def _name_words(actor: Actor) -> set[str]:
    return {word.lower() for form in [actor.name, *actor.aliases] for word in form.split()}


def _capitalised_word(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


def case_fits(span: Span, form_tokens: list[str]) -> bool:
    """A name the knowledge base starts with a capital matches only a capitalised first word: 'the
    company' is not the gang 'The Company', while 'the Sinaloa cartel' is the Sinaloa Cartel.
    A one-word 'The X' name needs its capital 'The' too ('across the Atlantic' is no magazine)."""
    if len(form_tokens) != len(span):
        return True  # folded or re-tokenised forms: no word-by-word comparison
    if len(form_tokens) == 2 and form_tokens[0] == "The":
        return span[0].text == "The" and span[1].text[:1].isupper()
    for word, form in zip(span, form_tokens, strict=True):
        if form.lower() in ARTICLES:
            continue
        return not (form[:1].isupper() and not word.text[:1].isupper())
    return True


def shouting(span: Span) -> bool:
    """A sentence in capitals ('CAR BOMB KILLS SIX'): every word looks like an acronym there."""
    sent = span.sent
    letters = [t for t in sent if t.is_alpha and len(t) > 1]
    return len(letters) >= 3 and sum(t.is_upper for t in letters) >= 0.8 * len(letters)


def city_qualifier(span: Span, us_states: set[str]) -> bool:
    """'Savannah, Georgia', 'Spokane, Washington': a US state's name after 'City,' is no country."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].text != ",":
        return False
    city = doc[span.start - 2]
    return city.ent_type_ in ("GPE", "LOC", "FAC") and span.text in us_states


def city_named_like_capital(span: Span) -> bool:
    """'San Jose, California', 'Antigua, Guatemala': a place name followed by ', Region' is a town
    there, not the capital standing for its government."""
    doc = span.doc
    end = span.end
    return end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].ent_type_ in ("GPE", "LOC")
