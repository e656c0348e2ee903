"""Repairing files: fix a scanned file's text and write it back exactly and atomically.

Only the code points an accepted edit touches change: the text is re-encoded with the
file's own encoding and byte-order mark, so line endings, tabs, a missing final newline and
every untouched byte stay as they were. A write goes to a temporary file in the same folder
that is renamed over the original (keeping its mode), and only if the file on disk is still
the one that was read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from repairtool.document import Document
from repairtool.engine import FileResult, check
from repairtool.fixes import FixResult, fix_text, keep_for
from repairtool.model import Applicability, Finding
from repairtool.source import SourceText, kind_for


class WriteError(Exception):
    """A repaired file that could not (or must not) be written; the message says why."""


@dataclass
class Repaired:
    """One file before and after fixing."""

    result: FileResult
    fixed: FixResult
    document: Document | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed.text != self.old_text

    @property
    def old_text(self) -> str:
        assert self.result.source is not None
        return self.result.source.text

    def old_bytes(self) -> bytes:
        assert self.result.source is not None
        return self.result.source.encode(self.old_text)

    def new_bytes(self) -> bytes:
        """The fixed text in the file's encoding (raises :class:`WriteError` if impossible)."""
        return encode(self.result.source, self.fixed.text)


def encode(source: SourceText | None, text: str) -> bytes:
    """``text`` in ``source``'s encoding and BOM, or a :class:`WriteError` naming the problem."""
    assert source is not None
    try:
        return source.encode(text)
    except UnicodeEncodeError as exc:
        raise WriteError(f"the repair cannot be written in {source.encoding}: "
                         f"{exc.object[exc.start:exc.end]!r} has no encoding there") from None


def repair(result: FileResult, level: Applicability) -> Repaired:
    """Fix a scanned file's text in memory with the fixes ``level`` allows."""
    assert result.source is not None and result.settings is not None
    settings = result.settings
    kind = kind_for(result.path)
    # The path the first scan used (per-file ignores depend on it), also for stdin.
    fs_path = result.document.path if result.document is not None else (
        str(result.fs_path) if result.fs_path is not None else None)
    last: list[Document | None] = [result.document]

    def scan(text: str) -> list[Finding]:
        findings, last[0] = check(text, kind=kind, settings=settings, path=fs_path)
        return findings

    fixed = fix_text(result.source.text, scan, level, findings=result.findings,
                     keep=keep_for(kind))
    return Repaired(result, fixed, last[0], fixed.remaining)


#: Suffix of our temporary files: ``.<name>.<pid>.<random>.repairtool``.
TMP_SUFFIX = ".repairtool"


def write_atomic(path: Path, data: bytes, source: SourceText, force: bool = False) -> None:
    """Replace ``path`` by ``data`` atomically, if it is still the file ``source`` was read from.

    The bytes go to a temporary file in the same folder (so the rename is atomic) with the
    original's permission bits, owner and group; the file on disk is checked once more
    right before the rename (inode, size, mtime and content). A symbolic link is followed:
    its target is rewritten and the link stays a link. A read-only file, or one with other
    hard links (a rename would cut them), is refused unless ``force``; with ``force`` a
    hard-linked file is written in place, through its links. Temporaries a killed run left
    beside the file are removed first. Every failure, a full disk included, is a
    :class:`WriteError` and leaves the original untouched.
    """
    path = Path(os.path.realpath(path))
    try:
        st = os.stat(path)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}") from None
    if not st.st_mode & 0o222 and not force:
        raise WriteError("read-only file; not rewritten (use --force to fix it anyway)")
    clean_stale(path)
    if st.st_nlink > 1:
        if not force:
            raise WriteError(f"the file has {st.st_nlink} hard links and replacing it would "
                             "cut them; not rewritten (use --force to write through them)")
        _write_in_place(path, data, source)
        return
    folder = path.absolute().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TMP_SUFFIX,
                                   dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        _keep_owner(tmp, st)
        _check_unchanged(path, source, st)
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a quota, an I/O error: the original stays
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"cannot write: {exc.strerror or exc}; the file is unchanged"
                         ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep_owner(tmp: str, st: os.stat_result) -> None:
    """Give the temporary the original's owner and group (a rename would otherwise hand
    the file to whoever runs the fix); refuse when the owner cannot be kept."""
    if (st.st_uid, st.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        if st.st_uid != os.geteuid():
            raise WriteError("the file belongs to another user and replacing it would change "
                             "its owner; not rewritten") from None
        with contextlib.suppress(OSError):  # the group is kept where the user may keep it
            os.chown(tmp, -1, st.st_gid)


def _write_in_place(path: Path, data: bytes, source: SourceText) -> None:
    """Overwrite a hard-linked file through its inode (every link sees the repair)."""
    try:
        with open(path, "r+b") as fh:
            _check_unchanged(path, source, os.fstat(fh.fileno()))
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}") from None


def clean_stale(path: Path) -> list[Path]:
    """Remove the temporaries of ``path`` that a killed run left (their process is gone)."""
    removed: list[Path] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    prefix = f".{path.name}."
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TMP_SUFFIX)):
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue  # another run is writing this file right now
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            removed.append(path.parent / name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_unchanged(path: Path, source: SourceText, before: os.stat_result) -> None:
    """Refuse to overwrite a file that changed since it was read (inode, size, mtime or
    content): a user's edit made while we fixed is never lost."""
    try:
        st = os.stat(path)
        current = path.read_bytes()
    except OSError as exc:
        raise WriteError(f"cannot re-read before writing: {exc.strerror or exc}") from None
    if (st.st_mtime_ns, st.st_size) != (source.mtime_ns, source.size) or (
            st.st_ino, st.st_dev) != (before.st_ino, before.st_dev):
        raise WriteError("file changed on disk since it was read; not overwritten "
                         "(run again to fix the new content)")
    if current != source.encode(source.text):
        raise WriteError(f"the file does not survive decoding and re-encoding as "
                         f"{source.encoding} byte for byte; not overwritten")
