"""The small corpora of the CLI tests: short invented news items and every kind of bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import Result

# Short invented news items, each with a claim the rules read plainly.
GOOD = {
    "treasury.txt": (
        "WASHINGTON - The US Treasury sanctioned the Sinaloa Cartel on Monday. Officials said the cartel "
        "launders money for Hezbollah through front companies in West Africa.\n"
    ),
    "wagner.txt": (
        "Russia supports the Wagner Group in Mali, according to the United Nations. The Wagner Group "
        "operates in Libya and the Central African Republic, the report added.\n"
    ),
    "border.txt": (
        "Venezuela harbors the ELN along its western border, Colombian officials said on Tuesday. "
        "The government in Caracas denied any ties to the guerrillas.\n"
    ),
}
WIRE_RECORD = {
    "id": "iran-wire", "title": "Iran arms Hezbollah", "outlet": "Example Wire", "published": "2024-03-01",
    "text": "Iran arms Hezbollah with drones and rockets, Israeli officials said. Tehran also finances "
            "the Houthis, the State Department said in a statement.",
}
SPANISH = (
    "El gobierno anunció el lunes nuevas medidas contra las redes de lavado de dinero en el norte del "
    "país, según fuentes oficiales.\n"
)
# what the mixed corpus holds besides GOOD: file name -> expected error code (None: skipped)
BAD = {"empty.txt": "E101", "blob.txt": "E102", "latin1.txt": "E103", "wire.jsonl:2": "E109"}
SKIPPED = {"nota.txt": "language es not supported yet", "numbers.txt": "language unknown"}


def write_good(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "wire.jsonl").write_text(json.dumps(WIRE_RECORD) + "\n", encoding="utf-8")
    return folder


def write_mixed(folder: Path) -> Path:
    """The good documents, a copy of one under another name, every kind of bad input, two skipped."""
    write_good(folder)
    (folder / "treasury-copy.txt").write_text(GOOD["treasury.txt"], encoding="utf-8")
    with open(folder / "wire.jsonl", "a", encoding="utf-8") as wire:
        wire.write('{"id": "broken", "text": "no closing quote}\n')
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners said the gang extorts them.".encode("latin-1"))
    (folder / "nota.txt").write_text(SPANISH, encoding="utf-8")
    (folder / "numbers.txt").write_text("2024 - 03 - 01 / 555 0199\n", encoding="utf-8")
    return folder


@dataclass
class Ingested:
    """A corpus ingested through the CLI: where, from what, and the CliRunner result."""

    db: Path
    folder: Path
    result: Result
