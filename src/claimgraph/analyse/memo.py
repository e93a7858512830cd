"""Answers kept in memory by the store state they were computed from.

A busy actor's page folds thousands of links and scans tens of thousands of claims; the same page is
asked for again and again while the store does not change. `remember` keeps recent answers keyed by
(database, what, arguments, store state): the state digest (links.store_state) changes with every
claim, judgement or copy row, so a kept answer is never stale, only unused. Each server process keeps
its own; copies are handed out, so a caller may change what it gets.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from claimgraph.store import Store

T = TypeVar("T")
KEPT = 512
_ANSWERS: OrderedDict[tuple[Hashable, ...], object] = OrderedDict()
_LOCK = threading.Lock()  # the API answers from a thread pool


def remember(store: Store, what: str, arguments: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute(), or a copy of its answer for the same arguments on the store in the same state."""
    from claimgraph.analyse.links import store_state

    key = (store.url, what, arguments, store_state(store))
    with _LOCK:
        if key in _ANSWERS:
            _ANSWERS.move_to_end(key)
            return copy.deepcopy(_ANSWERS[key])  # type: ignore[return-value]
    answer = compute()
    with _LOCK:
        _ANSWERS[key] = answer
        while len(_ANSWERS) > KEPT:
            _ANSWERS.popitem(last=False)
    return copy.deepcopy(answer)


def forget() -> None:
    """Drop every kept answer (tests that compare a fresh computation)."""
    with _LOCK:
        _ANSWERS.clear()
