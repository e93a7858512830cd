"""Names shared by several knowledge-base entries, and the rules that say which entry such a name means.

The rules are data (`data/kb/disambiguation.yaml`, plus an optional `disambiguation.yaml` in the user KB
folder): for each normalised form that two or more entries share, the entry it means by default
(`prefer`) and context overrides (`when`: words near the mention, or its exact spelling).
`choose(kb, form, candidates, context)` applies them.

Only the forms the matcher looks up by name are compared: an entry's name, aliases, acronyms and
capitals. A state's `leaders` ("the Maduro regime") and `demonyms` are separate channels: "Maduro" as a
leader of `venezuela` and as an alias of `nicolas-maduro` is no clash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.names import normalise_name

if TYPE_CHECKING:
    from claimgraph.resolve.kb import Actor, KnowledgeBase

RULES_FILE = "disambiguation.yaml"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Context:
    """`id` wins when any `near` word or phrase is in the context, or the mention is spelled as in `forms`."""

    id: str
    near: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    form: str  # the normalised form the rule is for
    prefer: str  # the default reading
    when: tuple[Context, ...] = ()  # tried in order; the first that applies wins

    @property
    def ids(self) -> list[str]:
        return list(dict.fromkeys([self.prefer, *(c.id for c in self.when)]))


def forms_of(actor: Actor) -> list[str]:
    """The names the matcher looks an actor up by (leaders and demonyms are other channels)."""
    return [actor.name, *actor.aliases, *actor.acronyms, *actor.capitals]


def shared_forms(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every normalised form that two or more entries carry, with their ids in KB order."""
    owners: dict[str, list[str]] = {}
    for actor in kb.actors.values():
        for form in {normalise_name(f) for f in forms_of(actor)}:
            owners.setdefault(form, []).append(actor.id)
    return {form: ids for form, ids in sorted(owners.items()) if len(ids) > 1}


# -- reading the rules ------------------------------------------------------------------------------
def _strings(value: Any, what: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: {what} must be a non-empty list of strings "
                                               f"(quote yes/no/on/off), got {value!r:.60}")
    return tuple(value)


def _context(item: Any, where: str) -> Context:
    if not isinstance(item, dict) or "id" not in item or not isinstance(item["id"], str):
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: each `when` item must be a mapping with an `id`, "
                                               f"got {item!r:.60}")
    unknown = set(item) - {"id", "near", "form"}
    if unknown:
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: `when` item for {item['id']} has unknown "
                                               f"key(s) {', '.join(sorted(map(str, unknown)))} "
                                               "(allowed: near, form, id)")
    if "near" not in item and "form" not in item:
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: `when` item for {item['id']} needs `near` "
                                               "or `form`")
    near = _strings(item["near"], "near", where) if "near" in item else ()
    forms = _strings(item["form"], "form", where) if "form" in item else ()
    return Context(item["id"], near, forms)


def parse_rules(data: Any, where: str) -> dict[str, Rule]:
    """Read a disambiguation file (a mapping: normalised form -> {prefer, when}); E303 when malformed."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ClaimgraphError(Code.KB_INVALID, f"{where}: must be a mapping of normalised forms to rules")
    rules: dict[str, Rule] = {}
    for form, body in data.items():
        if not isinstance(form, str) or normalise_name(form) != form:
            hint = f"; write it as {normalise_name(form)!r}" if isinstance(form, str) else " (quote it)"
            raise ClaimgraphError(Code.KB_INVALID, f"{where}: key {form!r} is not a normalised form{hint}")
        at = f"{where}: {form}"
        if not isinstance(body, dict) or not isinstance(body.get("prefer"), str):
            raise ClaimgraphError(Code.KB_INVALID, f"{at}: a rule needs `prefer: <id>`")
        unknown = set(body) - {"prefer", "when", "note"}
        if unknown:
            keys = ", ".join(sorted(map(str, unknown)))
            raise ClaimgraphError(Code.KB_INVALID, f"{at}: unknown key(s) {keys} "
                                                   "(allowed: prefer, when, note)")
        when = body.get("when") or []
        if not isinstance(when, list):
            raise ClaimgraphError(Code.KB_INVALID, f"{at}: `when` must be a list")
        rules[form] = Rule(form, body["prefer"], tuple(_context(item, at) for item in when))
    return rules


def check_rule_ids(rules: dict[str, Rule], known: Iterable[str], where: str) -> None:
    ids = set(known)
    for rule in rules.values():
        for actor_id in rule.ids:
            if actor_id not in ids:
                raise ClaimgraphError(Code.KB_INVALID, f"{where}: {rule.form}: {actor_id} is not in the KB")


# -- choosing --------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " " + " ".join(_WORD.findall(plain)) + " "


def _applies(context: Context, folded: str, surface: str | None) -> bool:
    if surface is not None and surface in context.forms:
        return True
    return any(_fold(word) in folded for word in context.near if _fold(word).strip())


def choose(kb: KnowledgeBase, normalised_form: str, candidate_ids: Iterable[str], context_text: str,
           surface: str | None = None) -> str:
    """The entry a shared name means here.

    `candidate_ids`: the entries carrying the form; `context_text`: the mention's sentence or a window
    around it (words of a `near` list are matched whole, ignoring case and accents); `surface`: the
    mention as written, for `form` conditions. The first `when` item that applies and names a candidate
    wins, else `prefer`; a form with no rule (e.g. one shared with an imported entry) goes to the
    candidate loaded first, so bundled entries win over user ones.
    """
    candidates = list(dict.fromkeys(candidate_ids))
    if not candidates:
        raise ValueError("choose() needs at least one candidate id")
    if len(candidates) == 1:
        return candidates[0]
    rule = kb.disambiguation.get(normalise_name(normalised_form))
    if rule is not None:
        folded = _fold(context_text)
        for context in rule.when:
            if context.id in candidates and _applies(context, folded, surface):
                return context.id
        if rule.prefer in candidates:
            return rule.prefer
    order = {actor_id: i for i, actor_id in enumerate(kb.actors)}
    return min(candidates, key=lambda actor_id: order.get(actor_id, len(order)))
