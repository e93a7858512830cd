"""Safe HTTP GET: only http(s), only public addresses, bounded redirects, time and size."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from claimgraph import __version__
from claimgraph.errors import Code, IngestError
from claimgraph.ingest.options import Options

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[IPAddress], bool]

USER_AGENT = f"claimgraph/{__version__}"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"})
# a feed's root element, after any XML declaration, processing instructions and comments
PROLOG = rb"^(?:\s*<\?.*?\?>|\s*<!--.*?-->)*\s*"
FEED_START = re.compile(PROLOG + rb"<(?:rss|feed|rdf:rdf)\b", re.IGNORECASE | re.DOTALL)
PAGE_START = re.compile(PROLOG + rb"<(?:!doctype html|html)\b", re.IGNORECASE | re.DOTALL)


@dataclass
class Fetched:
    url: str  # after redirects
    media_type: str  # lower case, without parameters
    charset: str | None
    body: bytes

    @property
    def kind(self) -> str:
        """"page", "text" or "feed": how to read the body."""
        if self.media_type in FEED_TYPES or FEED_START.match(body_start(self.body)):
            return "feed"  # many servers label feeds text/html or text/plain
        if self.media_type in TEXT_TYPES:
            return "text"
        return "page"


def is_public_address(address: IPAddress) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:  # ::ffff:127.0.0.1 reaches 127.0.0.1
            return is_public_address(embedded)
    special = (address.is_private, address.is_loopback, address.is_link_local, address.is_multicast,
               address.is_reserved, address.is_unspecified)
    return address.is_global and not any(special)


def resolve(host: str, port: int, allowed: AddressCheck) -> list[str]:
    """The host's addresses, all of them allowed; one refused address refuses the host."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise IngestError(Code.UNREACHABLE, f"cannot resolve host {host!r}: {error}") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not allowed(ipaddress.ip_address(address)):
            reason = f"{host} resolves to non-public address {address}; allow private addresses to fetch it"
            raise IngestError(Code.PRIVATE_ADDRESS, reason)
    return addresses


def parse_content_type(value: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def check_url(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise IngestError(Code.UNREACHABLE, f"only http and https URLs are fetched, not {url.scheme!r}")
    if not url.host:
        raise IngestError(Code.UNREACHABLE, f"URL has no host: {url}")


def fetch(url: str, options: Options, allowed: AddressCheck = is_public_address) -> Fetched:
    """GET the URL within the options' limits; every failure is an IngestError with its code."""
    deadline = time.monotonic() + options.timeout
    try:
        # trust_env off: a proxy would make the address check meaningless and is not what the user named
        # no kept-alive connections: a TLS connection checked for one host must not serve the next hop
        limits = httpx.Limits(max_keepalive_connections=0)
        headers = {"User-Agent": USER_AGENT}
        with httpx.Client(trust_env=False, follow_redirects=False, headers=headers, limits=limits) as client:
            return follow(client, httpx.URL(url), options, allowed, deadline)
    except httpx.TimeoutException as error:
        raise IngestError(Code.UNREACHABLE, f"timed out after {options.timeout:g} s") from error
    except httpx.InvalidURL as error:
        raise IngestError(Code.UNREACHABLE, f"not a valid URL: {error}") from error
    except httpx.HTTPError as error:
        raise IngestError(Code.UNREACHABLE, f"cannot connect: {error or type(error).__name__}") from error


def follow(client: httpx.Client, url: httpx.URL, options: Options, allowed: AddressCheck,
           deadline: float) -> Fetched:
    """Walk redirects by hand so that every hop's address is checked before we connect."""
    for _hop in range(options.max_redirects + 1):
        check_url(url)
        response = open_response(client, url, options, allowed, deadline)
        try:
            if response.is_redirect:
                url = url.join(response.headers["location"])
                continue
            return read_response(response, str(url), options.max_bytes, deadline)
        finally:
            response.close()
    raise IngestError(Code.TOO_MANY_REDIRECTS, f"more than {options.max_redirects} redirects")


def open_response(client: httpx.Client, url: httpx.URL, options: Options, allowed: AddressCheck,
                  deadline: float) -> httpx.Response:
    """Send the request, to an address we checked ourselves unless private addresses are allowed."""
    timeout = max(deadline - time.monotonic(), 0.001)
    if options.allow_private:
        return client.send(client.build_request("GET", url, timeout=timeout), stream=True)
    host = url.raw_host.decode("ascii")
    addresses = resolve(host, url.port or (443 if url.scheme == "https" else 80), allowed)
    for address in addresses[:-1]:
        try:
            return client.send(pinned_request(client, url, address, timeout), stream=True)
        except httpx.ConnectError:  # e.g. IPv6 without a route: try the next address
            continue
    return client.send(pinned_request(client, url, addresses[-1], timeout), stream=True)


def pinned_request(client: httpx.Client, url: httpx.URL, address: str, timeout: float) -> httpx.Request:
    """A request to the checked address itself, so a second DNS answer cannot point elsewhere.

    The Host header and the TLS server name (which certificate checking uses) stay the URL's host.
    """
    host = url.raw_host.decode("ascii")
    extensions: dict[str, object] = {}
    if url.scheme == "https" and not is_ip_literal(host):
        extensions["sni_hostname"] = host
    request = client.build_request("GET", url.copy_with(host=address.split("%")[0]),
                                   headers={"Host": url.netloc.decode("ascii")}, timeout=timeout,
                                   extensions=extensions)
    return request


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def read_response(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> Fetched:
    """Check status and type before reading, then read no more than max_bytes."""
    if not response.is_success:
        raise IngestError(Code.HTTP_STATUS, f"HTTP {response.status_code} {response.reason_phrase}".strip())
    header = response.headers.get("content-type", "")
    media_type, charset = parse_content_type(header)
    if header and media_type not in PAGE_TYPES | TEXT_TYPES | FEED_TYPES:
        raise IngestError(Code.BAD_CONTENT_TYPE, f"content type {media_type} is not HTML, text or a feed")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise IngestError(Code.TOO_LARGE, f"body is {int(declared):,} bytes; the limit is {max_bytes:,}")
    body = read_body(response, max_bytes, deadline)
    fetched = Fetched(url=url, media_type=media_type, charset=charset, body=body)
    if not header and not looks_like_markup(body):
        raise IngestError(Code.BAD_CONTENT_TYPE, "no content type, and the body is not HTML or a feed")
    return fetched


def body_start(body: bytes) -> bytes:
    return body[:1024].removeprefix(b"\xef\xbb\xbf")


def looks_like_markup(body: bytes) -> bool:
    start = body_start(body)
    return bool(FEED_START.match(start) or PAGE_START.match(start))


def read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The body, given up as soon as it passes max_bytes or the deadline (a slow drip never ends)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(Code.TOO_LARGE, f"body is over the limit of {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("deadline passed while reading the body")
        chunks.append(chunk)
    return b"".join(chunks)
