"""Raw bytes to checked text: size, emptiness, binary content and UTF-8 validity."""

from __future__ import annotations

import os
from pathlib import Path

from claimgraph.errors import Code, IngestError

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 8192
CONTROL_SHARE = 0.05  # real text has almost no control characters; binaries have plenty
# control bytes that text files do contain: tab, newline, vertical tab, form feed, carriage return, escape
TEXT_CONTROLS = frozenset(b"\t\n\v\f\r\x1b")


def read_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading when it is larger than max_bytes."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise IngestError(Code.TOO_LARGE, f"file is {size:,} bytes; the limit is {max_bytes:,}")
        with open(path, "rb") as handle:
            # read one byte past the limit: the file may have grown since stat
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise IngestError(Code.NOT_FOUND, f"cannot read file: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise IngestError(Code.TOO_LARGE, f"file is over the limit of {max_bytes:,} bytes")
    return raw


def looks_binary(raw: bytes) -> bool:
    """True for data with NUL bytes or many control bytes in its first few kilobytes."""
    sample = raw[:SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if (byte < 32 or byte == 127) and byte not in TEXT_CONTROLS)
    return bool(sample) and controls / len(sample) > CONTROL_SHARE


def check_content(raw: bytes) -> None:
    """Refuse empty and binary data, the checks every file kind shares."""
    if raw.startswith(UTF16_BOMS):
        # UTF-16 is full of NUL bytes, so say what it is rather than calling it binary
        raise IngestError(Code.NOT_UTF8, "file is UTF-16; convert it to UTF-8")
    if not raw.removeprefix(UTF8_BOM).strip():
        raise IngestError(Code.EMPTY, "file is empty or only whitespace")
    if looks_binary(raw):
        raise IngestError(Code.BINARY, "looks like a binary file")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_utf8(raw: bytes) -> str:
    """Strict UTF-8 without a BOM and with \\n newlines; no guessing of other encodings."""
    body = raw.removeprefix(UTF8_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + len(raw) - len(body)
        line = raw[:offset].count(b"\n") + 1
        raise IngestError(
            Code.NOT_UTF8,
            f"invalid UTF-8 at byte offset {offset} (line {line}); convert the file to UTF-8",
        ) from error
    return normalise_newlines(text)


def plain_text(raw: bytes) -> str:
    """The text of a plain-text document, or the reason it has none."""
    check_content(raw)
    text = decode_utf8(raw)
    if not text.strip():  # whitespace outside ASCII, such as no-break spaces
        raise IngestError(Code.EMPTY, "file is empty or only whitespace")
    return text
