"""An actor named in a page's URL: an id, or a name or alias that names exactly one entity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from claimgraph.errors import Code
from claimgraph.serve.views.render import PageError, not_found

if TYPE_CHECKING:
    from claimgraph.store import Store


def resolve(store: Store, key: str) -> dict[str, Any]:
    """The entity record (Store.entity) of `key`; PageError 404 when nothing is so called, 400 when
    a name stands for several entities."""
    found = store.entity(key)
    if found is not None:
        return found
    ids = store.match_entities(key)
    if len(ids) > 1:
        raise PageError(400, Code.BAD_OPTION, f"{key!r} names several entities: {', '.join(ids)}")
    found = store.entity(ids[0]) if ids else None
    if found is None:
        raise not_found("entity", key)
    return found


def resolve_optional(store: Store, key: str | None) -> dict[str, Any] | None:
    """As resolve, for an optional parameter: None when it is missing or blank."""
    return resolve(store, key.strip()) if key and key.strip() else None


def aliases_of(entity: dict[str, Any]) -> list[str]:
    """Every name the entity goes by, to mark in evidence sentences."""
    return [entity["name"], *alias_names(entity)]


def alias_names(entity: dict[str, Any]) -> list[str]:
    """The entity's aliases as text (Store.entity gives each as {alias, normalised, via})."""
    return [a["alias"] if isinstance(a, dict) else str(a) for a in entity.get("aliases", [])]
