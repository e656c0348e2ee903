"""The work on one chunk: read its records, scan / fix / filter them, write the part files.

:func:`run_chunk` is what every engine runs (inline, in a process pool, on Dask workers).
It writes its parts under a temporary name, renames them, and writes the chunk's *done*
marker last, so a chunk is either finished with all its outputs or not finished at all.
"""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from repairtool.config import Settings
from repairtool.corpus import records
from repairtool.corpus.records import BadRecord
from repairtool.corpus.shards import MAX_RECORD, READ_ERRORS, Chunk, Shard, TooLong, iter_lines
from repairtool.model import Applicability, Finding
from repairtool.rules.base import matches

if TYPE_CHECKING:
    from repairtool.fixes import FixResult

STATE_DIR = ".repairtool-corpus"
REASON_FIELD = "repairtool_reason"


@dataclass(frozen=True)
class Criterion:
    """Reject a document with findings of ``rules`` (any, or above ``rate`` per million chars)."""

    rules: tuple[str, ...]
    rate: float | None = None

    @classmethod
    def parse(cls, spec: str) -> Criterion:
        """``RT1,RT301`` (any finding) or ``RT3:200`` (more than 200 per million characters)."""
        codes, _, rate = spec.partition(":")
        rules = tuple(c.strip().upper() for c in codes.split(",") if c.strip())
        if not rules:
            raise ValueError(f"{spec!r}: name at least one rule code or prefix")
        try:
            value = float(rate) if rate else None
        except ValueError:
            raise ValueError(f"{spec!r}: the rate after ':' must be a number") from None
        return cls(rules, value)

    @classmethod
    def parse_all(cls, specs: Iterable[str]) -> tuple[Criterion, ...]:
        """``--drop-if`` values, each naming known rules; a bad one is a ``ValueError``."""
        from repairtool.rules.base import registry

        out = []
        for spec in specs:
            c = cls.parse(spec)
            for r in c.rules:
                if not any(code.startswith(r) for code in registry()):
                    raise ValueError(f"unknown rule code or prefix {r!r}")
            out.append(c)
        return tuple(out)

    def label(self) -> str:
        return ",".join(self.rules) + (f":{self.rate:g}" if self.rate is not None else "")

    def reason(self, findings: list[Finding], chars: int) -> str | None:
        """Why a document with ``findings`` fails this criterion, or ``None`` if it passes."""
        hits = Counter(f.rule.code for f in findings if matches(f.rule.code, self.rules))
        n = sum(hits.values())
        detail = ", ".join(f"{c} x{k}" for c, k in sorted(hits.items()))
        if self.rate is None:
            return f"{','.join(self.rules)}: {n} finding{'s' * (n != 1)} ({detail})" if n else None
        rate = n * 1e6 / chars if chars else 0.0
        if rate <= self.rate:
            return None
        return (f"{','.join(self.rules)}: {rate:.0f} per million characters > {self.rate:g}"
                f" ({detail})")


def failed(criteria: Iterable[Criterion], findings: list[Finding], chars: int
           ) -> list[tuple[Criterion, str]]:
    """The criteria a document of ``chars`` characters fails, each with its reason
    (joined with "; " they are the ``repairtool_reason`` of ``corpus filter``)."""
    return [(c, r) for c in criteria if (r := c.reason(findings, chars))]


@dataclass(frozen=True)
class Job:
    """What to do with every document; the same object goes to every worker."""

    command: str
    out_dir: str
    text_field: str = "text"
    id_field: str | None = None
    kind: str = "text"
    settings: Settings = field(default_factory=Settings)
    output_format: str = "jsonl"
    level: Applicability = Applicability.SAFE
    criteria: tuple[Criterion, ...] = ()
    #: Largest record (JSONL line or Parquet text value) read; a longer one is a bad record.
    max_record: int = MAX_RECORD

    @property
    def state(self) -> Path:
        return Path(self.out_dir) / STATE_DIR

    def part(self, kind: str, chunk: Chunk, suffix: str) -> Path:
        return self.state / "parts" / kind / f"{chunk.name}{suffix}"

    def done_marker(self, chunk: Chunk) -> Path:
        return self.state / "done" / f"{chunk.name}.json"


@dataclass
class Stats:
    """What a chunk saw; summed over chunks into summary.json."""

    lines: int = 0
    documents: int = 0
    characters: int = 0
    bad: int = 0
    blank: int = 0
    bad_shards: int = 0
    #: What was wrong with the shard, for the command line (summed as a list, not counted).
    problems: list[str] = field(default_factory=list)
    findings: Counter[str] = field(default_factory=Counter)
    documents_with: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    fixes: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    rejected: int = 0
    rejected_by: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in vars(self).items()}


def scan_document(job: Job, text: str) -> tuple[list[Finding], Any]:
    """Findings at or above the minimum severity, and the document they refer to."""
    from repairtool.engine import check

    found, doc = check(text, kind=job.kind, settings=job.settings)
    return [f for f in found if f.severity >= job.settings.min_severity], doc


def fix_document(job: Job, text: str) -> FixResult:
    """``text`` with the fixes of ``job.level`` applied, as ``corpus fix`` writes it."""
    from repairtool.engine import check
    from repairtool.fixes import fix_text, keep_for

    return fix_text(text, lambda t: check(t, kind=job.kind, settings=job.settings)[0],
                    job.level, keep=keep_for(job.kind))


def findings_json(findings: list[Finding], doc: Any) -> list[dict[str, Any]]:
    """Findings as in ``repairtool scan --format json``, minus the path."""
    from repairtool.engine import FileResult
    from repairtool.output import finding_dict

    result = FileResult("", None, document=doc)
    out = []
    for f in findings:
        d = finding_dict(result, f)
        del d["path"]
        out.append(d)
    return out


class Handler:
    """Per-command treatment of the records of one chunk (JSONL or Parquet rows)."""

    def __init__(self, job: Job, shard: Shard, chunk: Chunk, stats: Stats) -> None:
        self.job, self.shard, self.chunk, self.stats = job, shard, chunk, stats

    def document(self, doc_id: Any, text: str) -> Any:
        """Process one good document and return what the writer needs."""
        st = self.stats
        st.documents += 1
        st.characters += len(text)
        if self.job.command == "fix":
            return self._fix(text)
        findings, doc = scan_document(self.job, text)
        codes = Counter(f.rule.code for f in findings)
        st.findings.update(codes)
        st.documents_with.update(codes.keys())
        if self.job.command == "filter":
            return self._filter(findings, len(text))
        return {"id": doc_id, "counts": dict(sorted(codes.items())),
                "findings": findings_json(findings, doc)}

    def _fix(self, text: str) -> str | None:
        result = fix_document(self.job, text)
        if result.text == text:
            return None
        self.stats.changed += 1
        self.stats.fixes.update(f.rule.code for f, _ in result.applied)
        return result.text

    def _filter(self, findings: list[Finding], chars: int) -> str | None:
        reasons = failed(self.job.criteria, findings, chars)
        if not reasons:
            self.stats.kept += 1
            return None
        self.stats.rejected += 1
        self.stats.rejected_by.update(c.label() for c, _ in reasons)
        return "; ".join(r for _, r in reasons)


def _error(shard: Shard, message: str, raw: str | None = None, **where: Any
           ) -> dict[str, Any]:
    """One line of errors.jsonl: where the bad record is, what is wrong, how it starts."""
    out = {"shard": shard.rel, **where, "error": message}
    if raw is not None:
        out["raw"] = raw
    return out


class Parts:
    """The temporary part files of one chunk, renamed into place on success."""

    def __init__(self, job: Job, chunk: Chunk) -> None:
        self.job, self.chunk = job, chunk
        self.files: dict[str, tuple[Path, Path]] = {}

    def path(self, kind: str, suffix: str) -> Path:
        final = self.job.part(kind, self.chunk, suffix)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}.{os.getpid()}.tmp")
        self.files[kind] = (tmp, final)
        return tmp

    def commit(self) -> None:
        for tmp, final in self.files.values():
            os.replace(tmp, final)

    def discard(self) -> None:
        """Remove the temporaries of a chunk that failed (a full disk must not stay full)."""
        import contextlib

        for tmp, _ in self.files.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class ResultsWriter:
    """Writes a chunk's per-document results as JSONL, or Parquet in batches of rows."""

    BATCH = 2000

    def __init__(self, job: Job, parts: Parts) -> None:
        self.rows: list[dict[str, Any]] = []
        self.parquet = job.output_format == "parquet"
        path = parts.path("results", "." + job.output_format)
        if self.parquet:
            from repairtool.corpus import parquet

            self.writer = parquet.results_writer(path)
        else:
            self.out = open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115

    def add(self, row: dict[str, Any]) -> None:
        if not self.parquet:
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        self.rows.append(row)
        if len(self.rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        from repairtool.corpus import parquet

        if self.rows:
            self.writer.write_table(parquet.results_table(self.rows))
            self.rows.clear()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.parquet:
            self._flush()
            self.writer.close()
        else:
            self.out.close()


def run_chunk(job: Job, shard: Shard, chunk: Chunk) -> dict[str, Any]:
    """Process one chunk, write its parts and done marker, and return the marker's content."""
    parts = Parts(job, chunk)
    try:
        return _run_chunk(job, shard, chunk, parts)
    except BaseException:
        parts.discard()
        raise


def _run_chunk(job: Job, shard: Shard, chunk: Chunk, parts: Parts) -> dict[str, Any]:
    stats = Stats()
    handler = Handler(job, shard, chunk, stats)
    with open(parts.path("errors", ".jsonl"), "w", encoding="utf-8",
              errors="backslashreplace") as errors:
        if chunk.problem:  # found when planning: said once, the good part still read
            stats.bad_shards = 1
            stats.problems.append(chunk.problem)
            errors.write(json.dumps(_error(shard, chunk.problem), ensure_ascii=False) + "\n")
        try:
            if shard.fmt == "parquet":
                if not chunk.problem:
                    from repairtool.corpus import parquet

                    parquet.run(handler, parts, errors)
            else:
                _run_jsonl(handler, parts, errors)
        except _damage() as exc:  # damage met while reading: the chunk ends there
            from repairtool.corpus.shards import read_error

            stats.bad_shards = 1
            what = f"bad shard: {read_error(exc)}; the rest of chunk {chunk.name} was not read"
            stats.problems.append(what)
            errors.write(json.dumps(_error(shard, what), ensure_ascii=False) + "\n")
    parts.commit()
    meta = {"chunk": chunk.name, "weight": chunk.weight, **stats.to_dict()}
    marker = job.done_marker(chunk)
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp = marker.with_name(marker.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, marker)
    return meta


def _damage() -> tuple[type[BaseException], ...]:
    """What a damaged shard raises while read (pyarrow's errors only if it is loaded)."""
    import sys

    pa = sys.modules.get("pyarrow")
    return (*READ_ERRORS, pa.ArrowException) if pa is not None else READ_ERRORS


def ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops the pool and reports."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_init(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the parent's, and the worker ends when the parent
    is gone (a ``kill -9`` of the main process gives it no chance to stop its pool)."""
    import threading

    ignore_sigint()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="repairtool-parent-watch").start()


def _watch_parent(parent: int, every: float = 0.5) -> None:
    import time

    while True:
        time.sleep(every)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)  # no one will read our results: stop now, leave no parts
        except PermissionError:
            pass


def run_task(task: tuple[Job, Shard, Chunk]) -> dict[str, Any]:
    """:func:`run_chunk` on one argument, for ``map`` in pools and Dask bags."""
    return run_chunk(*task)


def _open_out(path: Path, shard: Shard) -> IO[bytes]:
    if shard.fmt == "jsonl.gz":
        return cast(IO[bytes], _GzipOut(path))  # GzipFile is a binary file; typeshed says otherwise
    return open(path, "wb")


class _GzipOut(gzip.GzipFile):
    """A gzip file with no name and mtime 0 in its header, so equal content gives equal bytes."""

    def __init__(self, path: Path) -> None:
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close()
        super().__init__(filename="", mode="wb", compresslevel=6, mtime=0, fileobj=self._raw)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _run_jsonl(h: Handler, parts: Parts, errors: IO[str]) -> None:
    job, shard = h.job, h.shard
    if job.command == "scan":
        with ResultsWriter(job, parts) as out:
            for doc_id, text, _ in _jsonl_documents(h, errors, None):
                out.add(h.document(doc_id, text))
        return
    if job.command == "fix":
        with _open_out(parts.path("fixed", _suffix(shard)), shard) as out:
            for doc_id, text, line in _jsonl_documents(h, errors, out):
                new = h.document(doc_id, text)
                out.write(line if new is None else _with_text(line, job.text_field, new))
        return
    with _open_out(parts.path("kept", _suffix(shard)), shard) as kept, \
            _open_out(parts.path("rejected", _suffix(shard)), shard) as rejected:
        for doc_id, text, line in _jsonl_documents(h, errors, None):
            reason = h.document(doc_id, text)
            if reason is None:
                kept.write(line)
            else:
                rejected.write(records.add_field(line, REASON_FIELD, reason))


def _with_text(line: bytes, key: str, text: str) -> bytes:
    """``line`` with a new text: spliced in, or re-serialised if the splice cannot be done."""
    try:
        return records.replace_field(line, key, text)
    except (BadRecord, ValueError, IndexError):  # pragma: no cover - parse() accepted it
        obj = json.loads(line)
        obj[key] = text
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"


def _suffix(shard: Shard) -> str:
    return ".jsonl.gz" if shard.fmt == "jsonl.gz" else ".jsonl"


def _jsonl_documents(h: Handler, errors: IO[str], passthrough: IO[bytes] | None
                     ) -> Iterator[tuple[Any, str, bytes]]:
    """Good documents of the chunk; bad and blank lines are counted (and copied if asked)."""
    st, shard, id_field = h.stats, h.shard, h.job.id_field
    for offset, line in iter_lines(shard, h.chunk, h.job.max_record):
        st.lines += 1
        if isinstance(line, TooLong):
            st.bad += 1
            errors.write(json.dumps(_error(
                shard, f"record of {line.length} bytes is over the size limit of "
                f"{h.job.max_record} bytes (--max-record-size)", records.raw_excerpt(line),
                line=st.lines, offset=offset), ensure_ascii=False) + "\n")
            continue
        if not line.strip():
            st.blank += 1
            if passthrough is not None:
                passthrough.write(line)
            continue
        try:
            obj, text = records.parse(line, h.job.text_field)
        except BadRecord as exc:
            st.bad += 1
            errors.write(json.dumps(_error(shard, str(exc), records.raw_excerpt(line),
                                           line=st.lines, offset=offset),
                                    ensure_ascii=False) + "\n")
            if passthrough is not None:
                passthrough.write(line)
            continue
        doc_id = obj[id_field] if id_field and id_field in obj else f"{shard.rel}@{offset}"
        yield doc_id, text, line
