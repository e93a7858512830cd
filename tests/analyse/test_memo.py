"""Remembered answers: reused while the store stays as it was, recomputed once it changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from link_builders import Said, document

from claimgraph.analyse.graph import graph
from claimgraph.analyse.links import entity_links
from claimgraph.analyse.memo import forget, remember
from claimgraph.analyse.profiles import entity_overview
from claimgraph.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "memo.db"))
    forget()
    document(opened, "a", "Daily Lantern", "2024-01-05", Said("ostravia", "arms", "red-kestrels"))
    yield opened
    opened.close()


def test_an_answer_is_computed_once_while_the_store_is_unchanged(store: Store) -> None:
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert remember(store, "test", ("x",), compute) == [1]
    again = remember(store, "test", ("x",), compute)
    assert again == [1] and len(calls) == 1
    again.append(99)  # a caller's change does not reach the kept answer
    assert remember(store, "test", ("x",), compute) == [1]
    assert remember(store, "test", ("y",), compute) == [2]  # other arguments, another answer


def test_a_new_claim_makes_every_view_current(store: Store) -> None:
    before = (graph(store, entity="ostravia"), entity_links(store, "ostravia"),
              entity_overview(store, "ostravia"))
    document(store, "b", "Harbour Post", "2024-02-01", Said("ostravia", "arms", "red-kestrels"),
             Said("ostravia", "finances", "grey-owl-cartel"))
    after_graph = graph(store, entity="ostravia")
    assert len(after_graph["edges"]) == len(before[0]["edges"]) + 1
    assert [g["relation"] for g in entity_links(store, "ostravia")] != [g["relation"] for g in before[1]]
    assert entity_overview(store, "ostravia")["timeline"] == [
        {"month": "2024-01", "affirmed": 1, "denied": 0}, {"month": "2024-02", "affirmed": 2, "denied": 0}]
    assert before[2]["timeline"] == [{"month": "2024-01", "affirmed": 1, "denied": 0}]
