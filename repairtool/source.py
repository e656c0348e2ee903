"""Reading text files exactly: the decoded text plus what is needed to write it back byte
for byte (encoding, byte-order mark), and one clear error when a file cannot be read."""

from __future__ import annotations

import codecs
import os
import stat
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


def shown_name(name: str) -> str:
    """A file name as every output shows it: bytes that are not UTF-8 (kept by Python as
    lone surrogates) become ``\\xff`` escapes, so JSON, SARIF and terminals can carry it;
    the file itself is still opened by its real name."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return name


def kind_for(path: str) -> str:
    """``markdown`` for Markdown file names, else ``text``."""
    return "markdown" if Path(path).suffix.lower() in MARKDOWN_SUFFIXES else "text"


def looks_binary(data: bytes) -> bool:
    """A NUL byte anywhere, and no UTF-16/32 byte-order mark.

    The whole file is looked at (``bytes.find`` runs at memory speed): a NUL after the
    first few KB is as binary as one at the start, and text never holds one.
    """
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in data


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
    """The codec's canonical name; only text encodings (bytes <-> str) are accepted."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    # rot13, base64, zlib, hex ... are registered codecs but map str->str or bytes->bytes.
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{encoding!r} is not a text encoding")
    return info.name


def check_encoding(encoding: str) -> str:
    """``encoding``'s canonical name, or :class:`InputError` (for settings and options)."""
    return _normal(encoding)


def _decode(data: bytes, codec: str, bom: bytes, offset: int) -> SourceText:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        hint = "" if codec != "utf-8" else " (use --encoding for other encodings)"
        raise InputError(
            f"invalid {codec} at byte offset {exc.start + offset}{hint}") from None
    return SourceText(text, codec, bom, size=len(data) + len(bom))


#: What a file that is not a regular file is called in the error line.
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a directory"))


def not_regular(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (``None`` for one)."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """A read-only descriptor of ``path`` if it is a regular file, else :class:`InputError`.

    Opened with ``O_NONBLOCK`` so that a FIFO with no writer cannot block the open, and
    checked with ``fstat`` on the descriptor (no race with a rename); devices such as
    ``/dev/zero`` or a symlink to one are refused before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    st = os.fstat(fd)
    what = not_regular(st.st_mode)
    if what is not None:
        os.close(fd)
        raise InputError("is a directory" if what == "a directory"
                         else f"{what}, not a regular file; not read")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd, st


def read_bytes(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, or :class:`InputError` with a one-line reason."""
    fd, st = open_regular(path)
    try:
        with os.fdopen(fd, "rb") as fh:
            return fh.read(), st
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None


def read_source(path: str | os.PathLike[str], encoding: str | None = None) -> SourceText:
    """Read and decode one file, or raise :class:`InputError` with a one-line reason."""
    data, st = read_bytes(path)
    src = decode(data, encoding)
    return SourceText(src.text, src.encoding, src.bom, st.st_mtime_ns, st.st_size)
