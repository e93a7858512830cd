"""URLs against a real HTTP server on 127.0.0.1: safety rules, limits and every failure code."""

from __future__ import annotations

import ipaddress

import httpx
import pytest
from ingest_server import QuietServer, Route

from claimgraph.errors import Code, IngestError
from claimgraph.ingest import Article, Failure, iter_articles
from claimgraph.ingest.fetch import IPAddress, fetch, is_public_address, pinned_request
from claimgraph.ingest.options import Options

TEXT = "The court heard that the colonel had passed intelligence to the cartel for years."
PAGE = f"<html><head><title>Court hears case</title></head><body><p>{TEXT}</p></body></html>".encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}


def only(url: str, **options: object) -> Article | Failure:
    items = list(iter_articles([url], **options))  # type: ignore[arg-type]
    assert len(items) == 1, items
    return items[0]


def code_of(item: Article | Failure) -> Code:
    assert isinstance(item, Failure), item
    return item.error.code


@pytest.mark.parametrize("address", [
    "10.0.0.1", "192.168.1.1", "172.16.5.4", "127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1",
    "240.0.0.1", "100.64.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "2002:7f00:1::",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_page_from_url(server: QuietServer) -> None:
    url = server.add("/page", Route(PAGE, headers=HTML))
    item = only(url, allow_private=True)
    assert isinstance(item, Article)
    assert item.text == TEXT and item.title == "Court hears case"
    assert item.url == url and item.source == url
    assert item.doc_id == item.hash[:16]


def test_loopback_refused_without_allow_private(server: QuietServer) -> None:
    url = server.add("/page", Route(PAGE, headers=HTML))
    assert code_of(only(url)) is Code.PRIVATE_ADDRESS
    assert code_of(only(url.replace("127.0.0.1", "localhost"))) is Code.PRIVATE_ADDRESS
    assert server.hits == []  # refused before connecting


def only_loopback(address: IPAddress) -> bool:
    """A stand-in for "public": lets the test server (and localhost's ::1) through, nothing else."""
    return address.is_loopback


def test_redirect_to_a_private_address_is_refused(server: QuietServer) -> None:
    server.add("/page", Route(PAGE, headers=HTML))
    good = server.add("/hop", Route(status=302, headers={"Location": "/page"}))
    evil = server.add("/evil", Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    assert fetch(good, Options(), allowed=only_loopback).url == server.url("/page")
    with pytest.raises(IngestError) as refused:
        fetch(evil, Options(), allowed=only_loopback)
    assert refused.value.code is Code.PRIVATE_ADDRESS
    assert "169.254.169.254" in refused.value.message


def test_host_names_are_pinned_to_the_checked_address(server: QuietServer) -> None:
    url = server.add("/page", Route(PAGE, headers=HTML)).replace("127.0.0.1", "localhost")
    page = fetch(url, Options(), allowed=only_loopback)
    assert page.body == PAGE and page.url == url


def test_pinned_request_keeps_host_header_and_tls_name() -> None:
    with httpx.Client() as client:
        request = pinned_request(client, httpx.URL("https://news.example:8443/a?b=1"), "93.184.216.34", 5.0)
        plain = pinned_request(client, httpx.URL("http://news.example/a"), "2606:4700::1", 5.0)
    assert str(request.url) == "https://93.184.216.34:8443/a?b=1"
    assert request.headers["host"] == "news.example:8443"
    assert request.extensions["sni_hostname"] == "news.example"
    assert str(plain.url) == "http://[2606:4700::1]/a" and plain.headers["host"] == "news.example"
    assert "sni_hostname" not in plain.extensions


def test_xhtml_with_xml_declaration_is_a_page_not_a_feed(server: QuietServer) -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + PAGE
    url = server.add("/x", Route(body, headers={"Content-Type": "application/xhtml+xml"}))
    item = only(url, allow_private=True)
    assert isinstance(item, Article) and item.text == TEXT


def test_redirects_are_followed_and_the_final_url_kept(server: QuietServer) -> None:
    final = server.add("/final", Route(PAGE, headers=HTML))
    server.add("/two", Route(status=301, headers={"Location": final}))
    start = server.add("/one", Route(status=307, headers={"Location": "/two"}))
    item = only(start, allow_private=True)
    assert isinstance(item, Article) and item.url == final and item.source == start


def test_redirect_loop(server: QuietServer) -> None:
    url = server.add("/loop", Route(status=302, headers={"Location": "/loop"}))
    failure = only(url, allow_private=True, max_redirects=3)
    assert code_of(failure) is Code.TOO_MANY_REDIRECTS
    assert server.hits == ["/loop"] * 4  # the first request and three redirects


def test_redirect_to_another_scheme_is_not_followed(server: QuietServer) -> None:
    url = server.add("/file", Route(status=302, headers={"Location": "file:///etc/passwd"}))
    assert code_of(only(url, allow_private=True)) is Code.UNREACHABLE


def test_unreachable_closed_port(closed_port: int) -> None:
    failure = only(f"http://127.0.0.1:{closed_port}/", allow_private=True)
    assert code_of(failure) is Code.UNREACHABLE


def test_unresolvable_host() -> None:
    assert code_of(only("http://no-such-host.invalid/")) is Code.UNREACHABLE


def test_http_404(server: QuietServer) -> None:
    failure = only(server.url("/missing"), allow_private=True)
    assert code_of(failure) is Code.HTTP_STATUS
    assert isinstance(failure, Failure) and "404" in failure.error.message


def test_wrong_content_type(server: QuietServer) -> None:
    url = server.add("/img", Route(b"\x89PNG\r\n\x1a\n" + bytes(100), headers={"Content-Type": "image/png"}))
    failure = only(url, allow_private=True)
    assert code_of(failure) is Code.BAD_CONTENT_TYPE
    assert isinstance(failure, Failure) and "image/png" in failure.error.message


def test_oversize_body_with_content_length(server: QuietServer) -> None:
    url = server.add("/big", Route(b"<p>" + b"a" * 200_000 + b"</p>", headers=HTML))
    assert code_of(only(url, allow_private=True, max_bytes=100_000)) is Code.TOO_LARGE


def test_oversize_body_without_content_length_stops_streaming(server: QuietServer) -> None:
    url = server.add("/stream", Route(b"x" * 3_000_000, headers={"Content-Type": "text/plain"},
                                      content_length=False))
    assert code_of(only(url, allow_private=True, max_bytes=100_000)) is Code.TOO_LARGE
    small = server.add("/small", Route(TEXT.encode(), headers={"Content-Type": "text/plain"},
                                       content_length=False))
    item = only(small, allow_private=True, max_bytes=100_000)
    assert isinstance(item, Article) and item.text == TEXT


def test_slow_server_times_out(server: QuietServer) -> None:
    url = server.add("/slow", Route(PAGE, headers=HTML, delay=2.0))
    failure = only(url, allow_private=True, timeout=0.3)
    assert code_of(failure) is Code.UNREACHABLE
    assert isinstance(failure, Failure) and "timed out" in failure.error.message


def test_declared_charset_is_used(server: QuietServer) -> None:
    text = "La fiscalía acusó al señor Núñez de colaborar con la guerrilla durante años."
    latin = {"Content-Type": "text/plain; charset=ISO-8859-1"}
    url = server.add("/es", Route(text.encode("latin-1"), headers=latin))
    item = only(url, allow_private=True)
    assert isinstance(item, Article) and item.text == text and item.language == "es"


def test_plain_text_without_charset_must_be_utf8(server: QuietServer) -> None:
    url = server.add("/latin", Route("señor".encode("latin-1"), headers={"Content-Type": "text/plain"}))
    assert code_of(only(url, allow_private=True)) is Code.NOT_UTF8


def test_empty_page_and_tag_soup(server: QuietServer) -> None:
    empty = server.add("/empty", Route(b"", headers=HTML))
    markup = b"<html><body><div></div><br><img src=a.png></body></html>"
    soup = server.add("/soup", Route(markup, headers=HTML))
    assert code_of(only(empty, allow_private=True)) is Code.EMPTY
    assert code_of(only(soup, allow_private=True)) is Code.NO_TEXT


def test_missing_content_type_is_sniffed(server: QuietServer) -> None:
    page = server.add("/bare", Route(b"<!DOCTYPE html>" + PAGE))
    blob = server.add("/blob", Route(b"\x00\x01\x02 not markup"))
    assert isinstance(only(page, allow_private=True), Article)
    assert code_of(only(blob, allow_private=True)) is Code.BAD_CONTENT_TYPE
