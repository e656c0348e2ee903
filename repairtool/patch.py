"""Unified diffs of repaired files, built from the encoded bytes so that ``git apply`` and
``patch -p1`` reproduce exactly the bytes ``--fix`` writes.

Paths are ``a/`` and ``b/`` plus the path relative to the git repository root of the file
(or to the current folder outside a repository). Lines are split at ``\\n`` bytes and keep
their ``\\r``; a last line without a line break gets ``\\ No newline at end of file``.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from repairtool import __version__

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(old: bytes, new: bytes, path: str, context: int = 3) -> bytes:
    """A git-style unified diff of one file, ``b""`` when nothing changed."""
    if old == new:
        return b""
    a, b = _split_lf(old), _split_lf(new)
    a_name, b_name = _quote("a/" + path), _quote("b/" + path)
    out = [b"diff --git %s %s\n--- %s\n+++ %s\n" % (a_name, b_name, a_name, b_name)]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(b"@@ -%s +%s @@\n" % (_range(i1, i2), _range(j1, j2)))
        for tag, ai1, ai2, bj1, bj2 in group:
            if tag == "equal":
                out.extend(_lines(b" ", a[ai1:ai2]))
                continue
            out.extend(_lines(b"-", a[ai1:ai2]))
            out.extend(_lines(b"+", b[bj1:bj2]))
    return b"".join(out)


def _split_lf(data: bytes) -> list[bytes]:
    """Lines of ``data`` split after each ``\\n`` byte only (a ``\\r`` stays in the line)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _lines(prefix: bytes, lines: Sequence[bytes]) -> Iterable[bytes]:
    for line in lines:
        if line.endswith(b"\n"):
            yield prefix + line
        else:
            yield prefix + line + b"\n" + NO_NEWLINE


def _range(start: int, stop: int) -> bytes:
    length = stop - start
    if length == 1:
        return b"%d" % (start + 1)
    return b"%d,%d" % (start + 1 if length else start, length)


def _quote(path: str) -> bytes:
    """The name as git writes it: C-quoted when it holds a quote, backslash, control or
    non-ASCII byte."""
    raw = os.fsencode(path)
    if not any(c < 0x20 or c in b'"\\' or c >= 0x7F for c in raw):
        return raw
    body = b"".join(_escape(c) for c in raw)
    return b'"' + body + b'"'


def _escape(c: int) -> bytes:
    special = {0x22: b'\\"', 0x5C: b"\\\\", 0x09: b"\\t", 0x0A: b"\\n"}
    if c in special:
        return special[c]
    if c == 0x20:
        return b" "
    if c < 0x20 or c >= 0x7F:
        return b"\\%03o" % c
    return bytes([c])


def display_path(fs_path: Path) -> str:
    """``fs_path`` relative to its git repository root, else to the current folder."""
    absolute = fs_path.absolute()
    root = repo_root(absolute.parent)
    base = root if root is not None else Path.cwd()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, base)).as_posix()


@lru_cache(maxsize=256)
def repo_root(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder`` (``None`` outside one)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                             capture_output=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    top = os.fsdecode(out.strip())
    return Path(top) if top else None


def signature(rules: Iterable[str], accept: str, language: str, **options: str) -> str:
    """One line that says how a patch was made, in the spirit of sacrebleu's signatures.

    ``repairtool 0.1.0|rules:RT101,RT301|accept:safe|lang:en`` (plus any ``options``).
    """
    parts = [f"repairtool {__version__}", "rules:" + ",".join(sorted(set(rules))),
             f"accept:{accept}", f"lang:{language}"]
    parts += [f"{k}:{v}" for k, v in sorted(options.items()) if v]
    return "|".join(parts)


def patch_header(sig: str) -> bytes:
    """The comment lines a patch starts with (``git apply`` and ``patch`` skip them)."""
    return f"# {sig}\n".encode()
