"""Plain-text files: what is read, and each way a file can be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimgraph.errors import Code
from claimgraph.ingest import Article, Failure, detect_language, iter_articles

ENGLISH = "The minister said on Monday that the police had arrested three members of the gang.\n"
SPANISH = ("El ministro del Interior afirmó el lunes que la policía había detenido a tres miembros "
           "de la banda en la frontera con Colombia.\n")


def only(path: Path, **options: int) -> Article | Failure:
    items = list(iter_articles([str(path)], **options))  # type: ignore[arg-type]
    assert len(items) == 1, items
    return items[0]


def code_of(item: Article | Failure) -> Code:
    assert isinstance(item, Failure), item
    return item.error.code


def test_text_file_becomes_article_named_by_stem(tmp_path: Path) -> None:
    path = tmp_path / "000_abc.txt"
    path.write_text(ENGLISH)
    item = only(path)
    assert isinstance(item, Article)
    assert item.doc_id == "000_abc"
    assert item.text == ENGLISH
    assert item.source == str(path)
    assert item.language == "en"


def test_markdown_is_plain_text(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Heading\n\n" + ENGLISH)
    item = only(tmp_path / "note.md")
    assert isinstance(item, Article) and item.text.startswith("# Heading")


def test_bom_stripped_and_newlines_normalised(tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    path.write_bytes(b"\xef\xbb\xbfline one\r\nline two\rline three\n")
    item = only(path)
    assert isinstance(item, Article)
    assert item.text == "line one\nline two\nline three\n"


def test_spanish_text_is_kept_with_language_es(tmp_path: Path) -> None:
    (tmp_path / "es.txt").write_text(SPANISH)
    item = only(tmp_path / "es.txt")
    assert isinstance(item, Article) and item.language == "es"


def test_detect_language() -> None:
    assert detect_language(ENGLISH) == "en"
    assert detect_language(SPANISH) == "es"
    assert detect_language("12 345 --") == ""


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf \n", "\u00a0\u2003\n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert code_of(only(path)) is Code.EMPTY


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    failure = only(path)
    assert code_of(failure) is Code.BINARY
    assert isinstance(failure, Failure) and "binary" in failure.error.message


def test_binary_file_with_control_bytes_but_no_nul(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(1, 32)) * 50)
    assert code_of(only(path)) is Code.BINARY


def test_latin1_text_is_not_utf8_with_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("first line\ncafé au lait".encode("latin-1"))
    failure = only(path)
    assert code_of(failure) is Code.NOT_UTF8
    assert isinstance(failure, Failure)
    assert "byte offset 14" in failure.error.message and "line 2" in failure.error.message
    assert "convert" in failure.error.message


def test_utf16_is_named_not_called_binary(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(ENGLISH.encode("utf-16"))
    failure = only(path)
    assert code_of(failure) is Code.NOT_UTF8
    assert isinstance(failure, Failure) and "UTF-16" in failure.error.message


def test_fifty_megabyte_file_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: instant, and only stat may look at it
    failure = only(path)
    assert code_of(failure) is Code.TOO_LARGE
    assert isinstance(failure, Failure) and "52,428,800" in failure.error.message


def test_small_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 100)
    assert code_of(only(path, max_bytes=100)) is Code.TOO_LARGE
    assert isinstance(only(path, max_bytes=500), Article)


LONG_ENGLISH = (
    "The finance ministry said on Tuesday that it had frozen the accounts of three shipping firms, "
    "which investigators say moved fuel for a sanctioned militia. The firms deny any wrongdoing and "
    "have said they will appeal. Officials in the capital told reporters that the inquiry was not over "
    "and that more names would follow in the coming weeks, as the government tries to show its partners "
    "that it is serious about the rules.")
LONG_FRENCH = (
    "Le ministère des finances a annoncé mardi le gel des comptes de trois sociétés de transport maritime, "
    "qui auraient acheminé du carburant pour une milice sous sanctions. Les sociétés nient toute faute et "
    "ont annoncé qu'elles feraient appel. Des responsables ont déclaré que l'enquête n'était pas terminée "
    "et que d'autres noms suivraient dans les semaines à venir, a indiqué le porte-parole du gouvernement.")
LONG_GERMAN = (
    "Das Finanzministerium teilte am Dienstag mit, es habe die Konten von drei Reedereien eingefroren, "
    "die nach Angaben der Ermittler Treibstoff für eine sanktionierte Miliz transportiert hätten. Die "
    "Firmen bestreiten jedes Fehlverhalten und wollen Einspruch einlegen. Beamte sagten, die Untersuchung "
    "sei nicht abgeschlossen und weitere Namen würden in den kommenden Wochen folgen.")


def test_long_texts_get_their_language() -> None:
    # long English prose takes the function-word shortcut; other languages must not slip through it
    assert detect_language(LONG_ENGLISH) == "en"
    assert detect_language(LONG_FRENCH) == "fr"
    assert detect_language(LONG_GERMAN) == "de"
    assert detect_language(LONG_FRENCH + " The end.") == "fr"
