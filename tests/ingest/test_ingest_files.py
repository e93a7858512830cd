"""Folders, dispatch by extension, and HTML files."""

from __future__ import annotations

from pathlib import Path

from claimgraph.errors import Code
from claimgraph.ingest import Article, Failure, iter_articles

TEXT = "Officials confirmed that the shipment was seized at the port on Tuesday night.\n"

OG_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Port seizure | The Daily Ledger</title>
<meta property="og:title" content="Customs seize shipment at the port">
<meta property="og:site_name" content="The Daily Ledger">
<meta property="og:url" content="https://ledger.example/news/port-seizure">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-03-05T10:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Customs seize shipment at the port</h1>
<p>Customs officers seized a shipment of weapons at the port on Tuesday, officials said.</p>
<p>The interior ministry said the cargo had been sent by a company linked to an armed group,
and that an investigation had been opened into its owners and their contacts abroad.</p>
<p>Police arrested two men at the scene; both were later released without charge.</p>
</article>
<footer>Copyright 2024 The Daily Ledger</footer>
</body></html>
"""


def run(*inputs: str) -> list[Article | Failure]:
    return list(iter_articles(list(inputs)))


def sources(items: list[Article | Failure]) -> list[str]:
    return [item.source for item in items]


def test_folder_walk_is_sorted_recursive_and_skips_hidden_and_unknown(tmp_path: Path) -> None:
    # created out of order on purpose: the walk must not depend on creation order
    for name in ["b.txt", "sub/z.md", "a.txt", "sub/deeper/c.txt", "c.html", ".hidden.txt",
                 ".git/config.txt", "photo.png", "notes.docx", "sub/a.TXT"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{TEXT}</p>" if name.endswith(".html") else TEXT)
    items = run(str(tmp_path))
    expected = ["a.txt", "b.txt", "c.html", "sub/a.TXT", "sub/deeper/c.txt", "sub/z.md"]
    assert sources(items) == [str(tmp_path / name) for name in expected]
    assert all(isinstance(item, Article) for item in items)
    assert run(str(tmp_path)) == items


def test_explicit_unknown_extension_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_text(TEXT)
    [failure] = run(str(path))
    assert isinstance(failure, Failure) and failure.error.code is Code.UNSUPPORTED_FILE
    assert ".docx" in failure.error.message


def test_missing_path_is_not_found_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(TEXT)
    (tmp_path / "two.txt").write_text(TEXT)
    items = run(str(tmp_path / "one.txt"), str(tmp_path / "nope.txt"), "ftp://example.org/x",
                str(tmp_path / "two.txt"))
    assert [type(item).__name__ for item in items] == ["Article", "Failure", "Failure", "Article"]
    assert isinstance(items[1], Failure) and items[1].error.code is Code.NOT_FOUND
    assert isinstance(items[2], Failure) and "http://" in items[2].error.message


def test_bad_file_inside_folder_does_not_stop_the_walk(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_text(TEXT)
    (tmp_path / "2.txt").write_bytes(b"")
    (tmp_path / "3.txt").write_bytes(b"\xff\xfe\x00\x01binary\x00")
    (tmp_path / "4.txt").write_text(TEXT)
    items = run(str(tmp_path))
    codes = [item.error.code if isinstance(item, Failure) else "ok" for item in items]
    assert codes == ["ok", Code.EMPTY, Code.NOT_UTF8, "ok"]  # \xff\xfe is a UTF-16 byte order mark


def test_result_is_a_lazy_generator(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    items = iter_articles([str(tmp_path / "a.txt"), str(tmp_path / "later.txt")])
    first = next(items)
    (tmp_path / "later.txt").write_text(TEXT)  # exists by the time the generator gets to it
    second = next(items)
    assert isinstance(first, Article) and isinstance(second, Article)


def test_html_metadata_from_og_tags(tmp_path: Path) -> None:
    path = tmp_path / "port.html"
    path.write_text(OG_PAGE)
    [item] = run(str(path))
    assert isinstance(item, Article)
    assert item.doc_id == "port"
    assert item.title == "Customs seize shipment at the port"
    assert item.author == "Maria Lopez"
    assert item.published is not None and item.published.startswith("2024-03-05")
    assert item.outlet == "The Daily Ledger"
    assert item.url == "https://ledger.example/news/port-seizure"
    assert "seized a shipment of weapons" in item.text
    assert "Copyright" not in item.text and "Home" not in item.text
    assert item.language == "en"


def test_malformed_html_with_text_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.htm"
    path.write_text("<div><p>The mayor <b>denied any <i>contact with the cartel</div></p></span><td>")
    [item] = run(str(path))
    assert isinstance(item, Article)
    assert item.text == "The mayor denied any contact with the cartel"


def test_html_fragment_too_small_for_trafilatura_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "fragment.html"
    path.write_text("<p>Police said the gang paid the mayor.</p>")
    [item] = run(str(path))
    assert isinstance(item, Article) and item.text == "Police said the gang paid the mayor."


def test_tag_soup_without_text_is_no_text(tmp_path: Path) -> None:
    path = tmp_path / "soup.html"
    path.write_text("<html><head><script>var x = 1;</script><style>p{}</style></head>"
                    "<body><div><span></span><b></b><img src=x.png></div><p> </p><<>></body></html>")
    [failure] = run(str(path))
    assert isinstance(failure, Failure) and failure.error.code is Code.NO_TEXT
    assert failure.error.message == "no readable text in HTML"


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    path = tmp_path / "latin.html"
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
            "<body><p>El presidente habló con el señor Núñez sobre la situación en la región.</p>"
            "</body></html>")
    path.write_bytes(page.encode("latin-1"))
    [item] = run(str(path))
    assert isinstance(item, Article)
    assert "habló con el señor Núñez" in item.text
    assert item.language == "es"


def test_empty_and_binary_html(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b" \n")
    (tmp_path / "b.html").write_bytes(b"GIF89a\x00\x01\x02\x03")
    codes = [item.error.code for item in run(str(tmp_path)) if isinstance(item, Failure)]
    assert codes == [Code.EMPTY, Code.BINARY]


def test_xml_that_is_not_a_feed_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text('<?xml version="1.0"?><settings><colour>blue</colour></settings>')
    [failure] = run(str(path))
    assert isinstance(failure, Failure) and failure.error.code is Code.UNSUPPORTED_FILE
