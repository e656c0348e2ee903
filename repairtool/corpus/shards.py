"""Finding shards, cutting them into chunks, and reading the records of one chunk.

A JSONL chunk is the byte range ``[start, end)`` of the (decompressed) shard; it owns every
line whose first byte lies in the range, so chunks never share or lose a line whatever the
chunk size. A Parquet chunk is the row groups ``[start, end)``.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

#: Suffixes read as shards, and their format.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl.gz",
           ".ndjson.gz": "jsonl.gz", ".parquet": "parquet"}

#: Read size when measuring a compressed shard.
_BLOCK = 1 << 20
#: Most chunks of one gzip shard. A gzip stream cannot be entered in the middle, so chunk k
#: of n decompresses k/n of the shard before its own range; zlib runs ~70x faster than the
#: scan, so 16 chunks cost about (16 - 1) / 2 / 70 = 11% more CPU, and more would cost more.
GZ_MAX_CHUNKS = 16
#: Largest record (a JSONL line, or a text value) read whole; a longer one is a bad record.
MAX_RECORD = 64 << 20
#: Most decompressed bytes per compressed byte before a gzip shard is called a bomb (text
#: compresses 3-10x, very repetitive text ~100x; deflate's ceiling is ~1032x) ...
MAX_RATIO = 200
#: ... once it has given at least this much (small shards may be anything).
RATIO_FLOOR = 64 << 20
#: Errors a shard can raise while it is read: truncated, corrupt or not gzip at all.
READ_ERRORS = (OSError, EOFError, zlib.error, ValueError)


class CorpusError(Exception):
    """A problem with the inputs or the output folder; the message says what to do."""


@dataclass(frozen=True)
class Shard:
    """One input file: where it is, where its outputs go, and what it holds."""

    index: int
    path: str
    rel: str
    fmt: str
    size: int
    mtime_ns: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A unit of work: ``[start, end)`` bytes (JSONL) or row groups (Parquet) of a shard."""

    shard: int
    index: int
    start: int
    end: int
    weight: int
    #: Why the shard is bad (``""``: it is not): a truncated or corrupt file is read up to
    #: ``end``, where the damage starts; this is written once to errors.jsonl.
    problem: str = ""

    @property
    def name(self) -> str:
        return f"{self.shard:05d}-{self.index:05d}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def shard_format(path: str) -> str | None:
    """The format of ``path`` from its name, or ``None`` when it is not a shard."""
    low = path.lower()
    for suffix, fmt in FORMATS.items():
        if low.endswith(suffix):
            return fmt
    return None


def discover(inputs: Sequence[str], output: Path) -> list[Shard]:
    """Shards named or found (recursively, in name order) below ``inputs``."""
    out_abs = output.absolute()
    found: list[tuple[str, str]] = []
    for given in inputs:
        p = Path(given)
        if p.is_dir():
            if _inside(out_abs, p.absolute()):
                raise CorpusError(f"--output {output} must not lie inside the input folder {p}")
            found.extend(_walk(p))
        elif p.is_file():
            if shard_format(p.name) is None:
                raise CorpusError(f"{p}: not a .jsonl, .jsonl.gz or .parquet file")
            found.append((str(p), p.name))
        else:
            raise CorpusError(f"{p}: no such file or folder")
    if not found:
        raise CorpusError("no .jsonl, .jsonl.gz or .parquet shards in the inputs")
    shards: list[Shard] = []
    seen: dict[str, str] = {}
    for i, (path, rel) in enumerate(found):
        if rel in seen:
            raise CorpusError(f"{seen[rel]} and {path} would both be written as {rel}; "
                              "pass their parent folder instead")
        seen[rel] = path
        if _inside(Path(path).absolute(), out_abs):
            raise CorpusError(f"{path} lies inside --output {output}; use a new folder")
        st = os.stat(path)
        shards.append(Shard(i, os.path.abspath(path), rel, shard_format(path) or "",
                            st.st_size, st.st_mtime_ns))
    return shards


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _walk(folder: Path) -> Iterator[tuple[str, str]]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if shard_format(name) is not None:
                fs = Path(dirpath) / name
                yield str(fs), fs.relative_to(folder).as_posix()


def plan(shards: Sequence[Shard], chunk_size: int, threads: int = 1,
         max_ratio: int = MAX_RATIO) -> list[Chunk]:
    """Cut every shard into chunks of about ``chunk_size`` (decompressed) bytes.

    Gzip shards are measured by ``threads`` threads at once (zlib releases the GIL). A shard
    that cannot be measured gets one chunk that carries the problem (see :class:`Chunk`).
    """
    from concurrent.futures import ThreadPoolExecutor

    gz = [s for s in shards if s.fmt == "jsonl.gz"]
    with ThreadPoolExecutor(max(1, threads)) as pool:
        gz_sizes = dict(zip([s.index for s in gz],
                            pool.map(lambda s: _gz_size(s.path, s.size, max_ratio), gz),
                            strict=True))
    chunks: list[Chunk] = []
    for s in shards:
        if s.fmt == "parquet":
            chunks.extend(_plan_parquet(s, chunk_size))
            continue
        total, problem = (s.size, "") if s.fmt == "jsonl" else gz_sizes[s.index]
        if problem:
            chunks.append(Chunk(s.index, 0, 0, total, total, problem))
            continue
        n = max(1, -(-total // chunk_size))
        if s.fmt == "jsonl.gz":
            n = min(n, GZ_MAX_CHUNKS)
        bounds = [total * i // n for i in range(n + 1)]
        chunks.extend(Chunk(s.index, i, bounds[i], bounds[i + 1], bounds[i + 1] - bounds[i])
                      for i in range(n))
    return chunks


def _gz_size(path: str, size: int, max_ratio: int) -> tuple[int, str]:
    """Decompressed size of a gzip file (one streaming pass; the trailer is mod 2**32), and
    what is wrong with it: a truncated or corrupt stream (the size is then where the good
    bytes end), or a decompression bomb (size 0: nothing of it is read)."""
    total = 0
    cap = max(RATIO_FLOOR, max_ratio * size)
    try:
        with gzip.open(path, "rb") as f:
            while block := f.read(_BLOCK):
                total += len(block)
                if total > cap:
                    return 0, (f"bad shard: decompresses to over {max_ratio} times its size "
                               "(a decompression bomb?); not read")
    except READ_ERRORS as exc:
        where = f"read up to byte {total} of its content" if total else "nothing of it read"
        return total, f"bad shard: {read_error(exc)}; {where}"
    return total, ""


def read_error(exc: BaseException) -> str:
    """One line for a damaged shard."""
    if isinstance(exc, EOFError):
        return "truncated (the compressed stream ends early)"
    if isinstance(exc, gzip.BadGzipFile):
        return f"not gzip or trailing garbage ({exc})"
    if isinstance(exc, zlib.error):
        return f"corrupt compressed data ({exc})"
    return f"cannot be read ({type(exc).__name__}: {exc})"


def _plan_parquet(s: Shard, chunk_size: int) -> list[Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(s.path).metadata
    except (pa.ArrowException, OSError) as exc:
        return [Chunk(s.index, 0, 0, 0, 0, f"bad shard: not a readable Parquet file ({exc})")]
    out: list[Chunk] = []
    start, weight = 0, 0
    for rg in range(meta.num_row_groups):
        weight += meta.row_group(rg).total_byte_size
        if weight >= chunk_size or rg == meta.num_row_groups - 1:
            out.append(Chunk(s.index, len(out), start, rg + 1, weight))
            start, weight = rg + 1, 0
    return out or [Chunk(s.index, 0, 0, 0, 0)]


def open_stream(shard: Shard) -> BinaryIO:
    """The shard's decompressed bytes, buffered."""
    if shard.fmt == "jsonl.gz":
        return io.BufferedReader(gzip.GzipFile(shard.path, "rb"), buffer_size=_BLOCK)
    return open(shard.path, "rb", buffering=_BLOCK)


class TooLong(bytes):
    """The start of a line longer than the record limit (the rest was skipped unread)."""

    length: int = 0


def iter_lines(shard: Shard, chunk: Chunk, limit: int = MAX_RECORD
               ) -> Iterator[tuple[int, bytes]]:
    """``(offset, line)`` for every line whose first byte lies in the chunk (newline kept).

    A line longer than ``limit`` is never held whole: it comes as a :class:`TooLong` with
    its first bytes, the rest skipped block by block.
    """
    with open_stream(shard) as f:
        pos = chunk.start
        if pos > 0:
            f.seek(pos - 1)
            if f.read(1) != b"\n":
                pos += _skip_line(f)
        while pos < chunk.end:
            line = f.readline(limit + 1)
            if not line:
                break
            if len(line) > limit and not line.endswith(b"\n"):
                long = TooLong(line[:2000])
                long.length = len(line) + _skip_line(f)
                yield pos, long
                pos += long.length
                continue
            yield pos, line
            pos += len(line)


def _skip_line(f: BinaryIO) -> int:
    """Read to the end of the current line in blocks; the number of bytes skipped."""
    n = 0
    while True:
        block = f.readline(_BLOCK)
        n += len(block)
        if not block or block.endswith(b"\n"):
            return n
