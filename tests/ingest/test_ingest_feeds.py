"""RSS and Atom feeds from files and from a live local server."""

from __future__ import annotations

from pathlib import Path

from ingest_server import QuietServer, Route

from claimgraph.errors import Code
from claimgraph.ingest import Article, Failure, iter_articles

ENTRY_TEXT = "Prosecutors said the senator met leaders of the armed group twice in 2022."
PAGE_TEXT = "The ministry denied that its officials had any contact with the smugglers."


def rss(items: str, title: str = "Ledger World") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{title}</title><link>https://ledger.example/</link>{items}</channel></rss>"""


GOOD_ITEM = f"""<item><title>Senator met armed group</title><link>https://ledger.example/a</link>
<author>desk@ledger.example (News Desk)</author><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<description>Short teaser</description>
<content:encoded><![CDATA[<p>{ENTRY_TEXT}</p><script>track()</script>]]></content:encoded></item>"""
EMPTY_ITEM = "<item><title>Nothing here</title></item>"


def test_feed_file_with_a_broken_entry(tmp_path: Path) -> None:
    path = tmp_path / "world.rss"
    path.write_text(rss(GOOD_ITEM + EMPTY_ITEM))
    good, broken = iter_articles([str(path)])
    assert isinstance(good, Article)
    assert good.text == ENTRY_TEXT  # content:encoded wins over the teaser, the script is gone
    assert good.title == "Senator met armed group"
    assert good.url == "https://ledger.example/a"
    assert good.outlet == "Ledger World"
    assert good.author == "desk@ledger.example (News Desk)"
    assert good.published == "2024-03-05T10:00:00+00:00"
    assert good.source == f"{path}#entry 1"
    assert good.doc_id == good.hash[:16]  # feed entries are named by their text
    assert isinstance(broken, Failure) and broken.error.code is Code.BAD_FEED
    assert broken.source == f"{path}#entry 2"


def test_atom_feed_file_uses_summary_when_there_is_no_content(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:x</id>
<updated>2024-01-02T03:04:05Z</updated>
<entry><title>Wire story</title><id>urn:1</id><updated>2024-01-02T03:04:05Z</updated>
<author><name>Wire Staff</name></author><summary type="html">&lt;p&gt;{ENTRY_TEXT}&lt;/p&gt;</summary></entry>
</feed>""")
    [item] = iter_articles([str(path)])
    assert isinstance(item, Article)
    assert (item.text, item.outlet, item.author) == (ENTRY_TEXT, "Atom Wire", "Wire Staff")
    assert item.published == "2024-01-02T03:04:05+00:00"


def test_feed_extension_that_is_not_a_feed_is_bad_feed(tmp_path: Path) -> None:
    path = tmp_path / "fake.rss"
    path.write_text("<html><body><p>Not a feed at all</p></body></html>")
    [failure] = iter_articles([str(path)])
    assert isinstance(failure, Failure) and failure.error.code is Code.BAD_FEED


def test_feed_xml_file_is_sniffed_as_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(rss(GOOD_ITEM))
    [item] = iter_articles([str(path)])
    assert isinstance(item, Article) and item.text == ENTRY_TEXT


def test_feed_file_link_entry_is_fetched_under_the_safety_rules(tmp_path: Path, server: QuietServer) -> None:
    page = server.add("/story", Route(f"<html><body><p>{PAGE_TEXT}</p></body></html>".encode(),
                                      headers={"Content-Type": "text/html"}))
    path = tmp_path / "links.rss"
    path.write_text(rss(f"<item><title>Linked</title><link>{page}</link></item>"))
    [refused] = iter_articles([str(path)])  # loopback, and private addresses are not allowed
    assert isinstance(refused, Failure) and refused.error.code is Code.PRIVATE_ADDRESS
    assert refused.source == f"{path}#entry 1"
    assert server.hits == []
    [fetched] = iter_articles([str(path)], allow_private=True)
    assert isinstance(fetched, Article)
    assert (fetched.text, fetched.title, fetched.url) == (PAGE_TEXT, "Linked", page)


def test_feed_from_url_with_relative_link_entry(server: QuietServer) -> None:
    server.add("/story", Route(f"<html><body><p>{PAGE_TEXT}</p></body></html>".encode(),
                               headers={"Content-Type": "text/html; charset=utf-8"}))
    body = rss(GOOD_ITEM + "<item><title>Linked</title><link>/story</link></item>" + EMPTY_ITEM)
    # served as text/html, as careless servers do: the body is still recognised as a feed
    feed = server.add("/feed", Route(body.encode(), headers={"Content-Type": "text/html"}))
    items = list(iter_articles([feed], allow_private=True))
    assert [type(item).__name__ for item in items] == ["Article", "Article", "Failure"]
    first, linked, broken = items
    assert isinstance(first, Article) and first.text == ENTRY_TEXT and first.outlet == "Ledger World"
    assert isinstance(linked, Article) and linked.text == PAGE_TEXT
    assert linked.url == server.url("/story") and linked.source == f"{feed}#entry 2"
    assert isinstance(broken, Failure) and broken.error.code is Code.BAD_FEED
    assert broken.source == f"{feed}#entry 3"


def test_xml_url_that_is_not_a_feed(server: QuietServer) -> None:
    url = server.add("/data", Route(b"<?xml version='1.0'?><data><x>1</x></data>",
                                    headers={"Content-Type": "application/xml"}))
    [failure] = iter_articles([url], allow_private=True)
    assert isinstance(failure, Failure) and failure.error.code is Code.BAD_FEED
