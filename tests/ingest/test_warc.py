"""WARC input: article records become Articles, the rest pass silently, a broken record fails alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from warc_builders import ARTICLE_HTML, WarcFile, news_warc

from claimgraph.errors import Code
from claimgraph.ingest import Article, Failure, iter_articles
from claimgraph.ingest.warc import parse_content_type, record_doc_id


def outcomes(path: Path, max_bytes: int = 10_000_000) -> list[tuple[str, str]]:
    """(url or offset, "article" or the failure's code) for each item, in file order."""
    found = []
    for item in iter_articles([str(path)], max_bytes=max_bytes):
        if isinstance(item, Article):
            found.append((item.url or "", "article"))
        else:
            found.append((item.source.rsplit("#", 1)[-1], item.error.code.value))
    return found


def offsets_of_failures(items: list[Article | Failure]) -> list[int]:
    return [int(item.source.rsplit("#", 1)[1]) for item in items if isinstance(item, Failure)]


def test_articles_come_out_and_other_records_pass_silently(tmp_path: Path) -> None:
    path = news_warc().write(tmp_path / "crawl.warc.gz")
    found = outcomes(path)
    assert [code for _, code in found] == ["article", "E120", "article", "article"]
    assert [url for url, code in found if code == "article"] == [
        "https://harbour.example/world/quds-drones", "https://gazette.example/cartel",
        "https://wire.example/lazarus.txt"]


def test_a_broken_record_fails_alone_and_the_next_ones_are_read(tmp_path: Path) -> None:
    later = ARTICLE_HTML.replace("on Tuesday", "on Friday").encode("utf-8")
    path = (news_warc().corrupt_member("https://harbour.example/damaged")
            .response("https://harbour.example/after", later).write(tmp_path / "crawl.warc.gz"))
    items = list(iter_articles([str(path)]))
    codes = ["article" if isinstance(item, Article) else item.error.code.value for item in items]
    assert codes == ["article", "E120", "article", "article", "E120", "article"]
    assert isinstance(items[-1], Article) and items[-1].url == "https://harbour.example/after"
    failures = [item for item in items if isinstance(item, Failure)]
    assert all(item.error.message.startswith("unreadable WARC record: ") for item in failures)
    assert all(item.error.message.isprintable() for item in failures)
    # the source is the broken record's byte offset: a gzip member starts there
    raw = path.read_bytes()
    assert all(raw[offset:offset + 2] == b"\x1f\x8b" for offset in offsets_of_failures(items))


def test_metadata_from_the_record_and_the_page(tmp_path: Path) -> None:
    path = news_warc().write(tmp_path / "crawl.warc.gz")
    articles = [item for item in iter_articles([str(path)]) if isinstance(item, Article)]
    page, latin, text = articles
    assert page.title == "Officials link Quds Force to militia drone strike"
    assert page.outlet == "Harbour Daily"
    assert "Kataib Hezbollah" in page.text
    assert "Home | World" not in page.text and "Copyright" not in page.text
    assert page.published == "2024-05-07T09:30:00+00:00"  # the page has no date: the crawl's WARC-Date
    assert page.language == "en"
    assert page.source.startswith(f"{path}#")
    assert len(page.doc_id) == 36 and page.doc_id.count("-") == 4  # the record's UUID
    assert "\u00abwe were paid to look away\u00bb" in latin.text  # decoded with the HTTP charset
    assert text.text.startswith("Pyongyang denies role") and text.url == "https://wire.example/lazarus.txt"


def test_uncompressed_warc_reads_the_same(tmp_path: Path) -> None:
    gzipped = outcomes(news_warc().write(tmp_path / "a.warc.gz"))
    plain = outcomes(news_warc().write(tmp_path / "b.warc", gzipped=False))
    articles = [item for item in gzipped if item[1] == "article"]
    assert [item for item in plain if item[1] == "article"] == articles
    assert [code for _, code in plain] == ["article", "E120", "article", "article"]


def test_folders_pick_up_warc_files(tmp_path: Path) -> None:
    news_warc().write(tmp_path / "CC-NEWS-20240507.WARC.GZ")
    (tmp_path / "notes.gz").write_bytes(b"not read")
    items = list(iter_articles([str(tmp_path)]))
    assert sum(isinstance(item, Article) for item in items) == 3


def test_a_record_over_the_limit_fails_and_the_rest_are_read(tmp_path: Path) -> None:
    big = ("<html><body><p>" + "The militia was armed by the state. " * 400 + "</p></body></html>").encode()
    path = (WarcFile().response("https://a.example/big", big)
            .response("https://a.example/small", ARTICLE_HTML.encode()).write(tmp_path / "c.warc.gz"))
    found = outcomes(path, max_bytes=10_000)
    assert [code for _, code in found] == [Code.TOO_LARGE.value, "article"]


@pytest.mark.parametrize(("content", "code"), [(b"", Code.EMPTY), (b"GIF89a" + b"\x00" * 200, Code.BAD_WARC),
                                                (b"just some text\nin a file\n", Code.BAD_WARC)])
def test_files_that_are_no_warc(tmp_path: Path, content: bytes, code: Code) -> None:
    path = tmp_path / "odd.warc"
    path.write_bytes(content)
    items = list(iter_articles([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Failure) and items[0].error.code == code


def test_content_type_and_record_id_parsing() -> None:
    assert parse_content_type('text/HTML; charset="ISO-8859-1"') == ("text/html", "ISO-8859-1")
    assert parse_content_type("text/plain") == ("text/plain", None)
    assert parse_content_type(None) == ("", None)
    uuid = "0b9c1e1a-2f6e-4a61-9d0e-5a1c2b3d4e5f"
    assert record_doc_id(f"<urn:uuid:{uuid}>") == uuid
    assert record_doc_id(None) == ""
