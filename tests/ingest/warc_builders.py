"""Small WARC files for the tests, written with warcio's own writer, one gzip member per record as
Common Crawl News writes them. The articles are invented for the tests."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Officials link Quds Force to militia drone strike</title>
<meta property="og:site_name" content="Harbour Daily"></head>
<body><nav>Home | World | Business</nav>
<article><h1>Officials link Quds Force to militia drone strike</h1>
<p>BAGHDAD (Harbour Daily) - Iran's Quds Force supplied the drones that Kataib Hezbollah used in the
attack on the border outpost, two U.S. officials said on Tuesday.</p>
<p>The officials said the Quds Force had also trained the militia's drone teams near the Syrian border.
Tehran denied any role, calling the accusation baseless.</p>
<p>Kataib Hezbollah has not commented on the allegation, which the officials said was based on
intercepted communications.</p></article>
<footer>Copyright Harbour Daily</footer></body></html>
"""

LATIN1_HTML = ("<html><body><article><p>Mexico's government said the Sinaloa Cartel bribed customs "
               "officers in Manzanillo, according to a report by the attorney general's office. "
               "The report, seen by the Gazette, quotes a former officer: \u00abwe were paid to look "
               "away\u00bb. The cartel did not answer.</p></article></body></html>")

PLAIN_TEXT = ("Pyongyang denies role in exchange theft\n\n"
              "North Korea's Lazarus Group stole the tokens from the exchange, investigators at a "
              "blockchain analysis firm said on Monday. North Korea denied the accusation.\n")


@dataclass
class WarcFile:
    """Records to write, each a gzip member of its own; `broken` holds members to corrupt."""

    members: list[bytes] = field(default_factory=list)

    def _record(self, uri: str, rec_type: str, body: bytes, http: StatusAndHeaders | None,
                headers: dict[str, str]) -> None:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict=headers)
        writer.write_record(record)
        self.members.append(out.getvalue())

    def response(self, uri: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                 status: str = "200 OK", date: str = "2024-05-07T09:30:00Z") -> WarcFile:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        self._record(uri, "response", body, http, {"WARC-Date": date})
        return self

    def resource(self, uri: str, body: bytes, content_type: str) -> WarcFile:
        self._record(uri, "resource", body, None,
                     {"WARC-Date": "2024-05-08T00:00:00Z", "Content-Type": content_type})
        return self

    def request(self, uri: str) -> WarcFile:
        http = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        self._record(uri, "request", b"", http, {})
        return self

    def not_a_record(self) -> WarcFile:
        """A gzip member that decompresses to something that is no WARC record."""
        self.members.append(gzip.compress(b"this is not a WARC record at all\r\n\r\n"))
        return self

    def corrupt_member(self, uri: str) -> WarcFile:
        """A response whose compressed bytes are damaged in the middle: zlib cannot inflate it."""
        self.response(uri, ARTICLE_HTML.encode("utf-8"))
        member = bytearray(self.members[-1])
        middle = len(member) // 2
        member[middle:middle + 40] = b"\x00" * 40
        self.members[-1] = bytes(member)
        return self

    def write(self, path: Path, gzipped: bool = True) -> Path:
        if gzipped:
            path.write_bytes(b"".join(self.members))
        else:
            path.write_bytes(b"".join(gzip.decompress(member) for member in self.members))
        return path


def news_warc() -> WarcFile:
    """An article, a request, a non-HTML response, a redirect, a broken record, and two more articles."""
    return (WarcFile()
            .request("https://harbour.example/world/quds-drones")
            .response("https://harbour.example/world/quds-drones", ARTICLE_HTML.encode("utf-8"))
            .response("https://harbour.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                      content_type="image/png")
            .response("https://harbour.example/old", b"", status="301 Moved Permanently")
            .not_a_record()
            .response("https://gazette.example/cartel", LATIN1_HTML.encode("cp1252"),
                      content_type="text/html; charset=ISO-8859-1", date="2024-05-09T12:00:00Z")
            .resource("https://wire.example/lazarus.txt", PLAIN_TEXT.encode("utf-8"), "text/plain"))
