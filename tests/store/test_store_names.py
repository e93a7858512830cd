"""normalise_name: the key aliases are stored and looked up by."""

from __future__ import annotations

import pytest

from claimgraph.names import normalise_name


@pytest.mark.parametrize(("name", "key"), [
    ("Nicolás  Maduro", "nicolas maduro"),
    ("The Maduro Regime", "maduro regime"),
    ("the\tmaduro\nregime's", "maduro regime"),
    ("Regime\u2019s", "regime"),
    ("ÉTAT-MAJOR", "etat-major"),
    ("Straße", "strasse"),
    ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),  # NFKD folds compatibility forms
    ("Theodore", "theodore"),  # "the" only as a separate word
    ("  ", ""),
])
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_normalise_name_is_idempotent() -> None:
    for name in ("The Zürich Office's", "São Tomé", "  Ｃａｒｔｅｌ  de los Soles "):
        assert normalise_name(normalise_name(name)) == normalise_name(name)
