"""Unified diffs of repaired files, built from the encoded bytes so that ``git apply`` and
``patch -p1`` reproduce exactly the bytes ``--fix`` writes.

Paths are ``a/`` and ``b/`` plus the path relative to the git repository root of the file
(or to the current folder outside a repository). Lines are split at ``\\n`` bytes and keep
their ``\\r``; a last line without a line break gets ``\\ No newline at end of file``.
"""

from __future__ import annotations

import bisect
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
    for group in _grouped(_opcodes(a, b), context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(b"@@ -%s +%s @@\n" % (_range(i1, i2), _range(j1, j2)))
        for tag, ai1, ai2, bj1, bj2 in group:
            if tag == "equal":
                out.extend(_lines(b" ", a[ai1:ai2]))
                continue
            out.extend(_lines(b"-", a[ai1:ai2]))
            out.extend(_lines(b"+", b[bj1:bj2]))
    return b"".join(out)


Opcode = tuple[str, int, int, int, int]


def _opcodes(a: list[bytes], b: list[bytes]) -> list[Opcode]:
    """How ``a`` becomes ``b``, as difflib opcodes; linear when the line count is unchanged.

    Repairs rarely add or remove lines, so comparing line by line finds the changed lines
    without a quadratic matcher; otherwise the common head and tail are cut off first.
    """
    if len(a) == len(b):
        ops: list[Opcode] = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            tag = "equal" if x == y else "replace"
            if ops and ops[-1][0] == tag:
                ops[-1] = (tag, ops[-1][1], i + 1, ops[-1][3], i + 1)
            else:
                ops.append((tag, i, i + 1, i, i + 1))
        return ops or [("equal", 0, 0, 0, 0)]
    ops = []
    lo_a = lo_b = 0
    for ia, ib in [*_anchors(a, b), (len(a), len(b))]:
        sub = difflib.SequenceMatcher(None, a[lo_a:ia], b[lo_b:ib], autojunk=False)
        ops += [(t, i1 + lo_a, i2 + lo_a, j1 + lo_b, j2 + lo_b)
                for t, i1, i2, j1, j2 in sub.get_opcodes()]
        if ia < len(a):
            ops.append(("equal", ia, ia + 1, ib, ib + 1))
        lo_a, lo_b = ia + 1, ib + 1
    return _merge(ops)


def _anchors(a: list[bytes], b: list[bytes]) -> list[tuple[int, int]]:
    """Lines that occur once in each side, in the same order (as patience diff finds them)."""
    count: dict[bytes, list[int]] = {}
    for i, line in enumerate(a):
        count.setdefault(line, [0, 0, -1])[0] += 1
        count[line][2] = i
    pairs = []
    seen_b: dict[bytes, int] = {}
    for line in b:
        seen_b[line] = seen_b.get(line, 0) + 1
    for j, line in enumerate(b):
        c = count.get(line)
        if c is not None and c[0] == 1 and seen_b[line] == 1:
            pairs.append((c[2], j))
    pairs.sort()
    # The longest run increasing in both sides (patience sorting).
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos], tail_idx[pos] = j, k
        prev[k] = tail_idx[pos - 1] if pos else -1
    out = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    return out[::-1]


def _merge(ops: list[Opcode]) -> list[Opcode]:
    out: list[Opcode] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and out[-1][0] == op[0] == "equal":
            out[-1] = ("equal", out[-1][1], op[2], out[-1][3], op[4])
        else:
            out.append(op)
    return out or [("equal", 0, 0, 0, 0)]


def _grouped(ops: list[Opcode], n: int) -> Iterable[list[Opcode]]:
    """Hunks: the changes with up to ``n`` lines of context (as difflib groups them)."""
    if not ops:
        return
    ops = list(ops)
    if ops[0][0] == "equal":
        t, i1, i2, j1, j2 = ops[0]
        ops[0] = (t, max(i1, i2 - n), i2, max(j1, j2 - n), j2)
    if ops[-1][0] == "equal":
        t, i1, i2, j1, j2 = ops[-1]
        ops[-1] = (t, i1, min(i2, i1 + n), j1, min(j2, j1 + n))
    group: list[Opcode] = []
    for t, i1, i2, j1, j2 in ops:
        if t == "equal" and i2 - i1 > 2 * n:
            group.append((t, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((t, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


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
