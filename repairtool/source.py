"""Reading text files exactly: the decoded text plus what is needed to write it back byte
for byte (encoding, byte-order mark), and one clear error when a file cannot be read."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

#: Byte-order marks we recognise, longest first, with the codec that reads what follows.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: How much of a file is looked at to decide whether it is binary.
_SNIFF = 8192

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx"})


class InputError(Exception):
    """A file that cannot be scanned; the message is one line naming the problem."""


class BinaryFileError(InputError):
    """A file that holds binary data: an error when named, skipped when found in a folder."""


@dataclass(frozen=True, slots=True)
class SourceText:
    """A decoded file: ``text`` without the BOM, and how to encode it back."""

    text: str
    encoding: str
    bom: bytes = b""
    mtime_ns: int = 0
    size: int = 0

    def encode(self, text: str) -> bytes:
        """The bytes of ``text`` in this file's encoding, BOM included."""
        return self.bom + text.encode(self.encoding)


def kind_for(path: str) -> str:
    """``markdown`` for Markdown file names, else ``text``."""
    return "markdown" if Path(path).suffix.lower() in MARKDOWN_SUFFIXES else "text"


def looks_binary(data: bytes) -> bool:
    """A NUL byte in the first few KB, and no UTF-16/32 byte-order mark."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in data[:_SNIFF]


def decode(data: bytes, encoding: str | None = None) -> SourceText:
    """Decode ``data``: by its BOM, else ``encoding``, else strict UTF-8.

    Raises :class:`InputError` naming the byte offset of the first undecodable byte.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom):], codec, bom, offset=len(bom))
    if looks_binary(data):
        raise BinaryFileError("binary file (contains NUL bytes), not scanned")
    return _decode(data, _normal(encoding or "utf-8"), b"", offset=0)


def _normal(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None


def _decode(data: bytes, codec: str, bom: bytes, offset: int) -> SourceText:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        hint = "" if codec != "utf-8" else " (use --encoding for other encodings)"
        raise InputError(
            f"invalid {codec} at byte offset {exc.start + offset}{hint}") from None
    return SourceText(text, codec, bom, size=len(data) + len(bom))


def read_source(path: str | os.PathLike[str], encoding: str | None = None) -> SourceText:
    """Read and decode one file, or raise :class:`InputError` with a one-line reason."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    src = decode(data, encoding)
    return SourceText(src.text, src.encoding, src.bom, st.st_mtime_ns, st.st_size)
