"""Running a corpus job: plan (or resume) the chunks, run them, merge the parts, summarise.

State lives in ``<output>/.repairtool-corpus/``: ``job.json`` (what the run does, its shards
and chunks), ``done/<chunk>.json`` (one marker per finished chunk) and ``parts/`` (each
chunk's outputs). Running the same command on the same output folder skips the chunks that
are done; a different command or different inputs on that folder is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repairtool import __version__
from repairtool.corpus.shards import Chunk, CorpusError, Shard, discover, plan
from repairtool.corpus.tasks import STATE_DIR, Job, run_task, worker_init
from repairtool.rules.base import registry

#: Bounds of the automatic chunk size: big enough to amortise a task (a few ms of
#: overhead against a second or more of work), small enough to keep every worker busy.
MIN_CHUNK, MAX_CHUNK = 1 << 20, 64 << 20
#: Chunks per worker when the size is automatic: the last chunks finish close together.
CHUNKS_PER_WORKER = 32


def auto_chunk_size(inputs_bytes: int, workers: int) -> int:
    """About ``CHUNKS_PER_WORKER`` chunks per worker, within ``MIN_CHUNK``..``MAX_CHUNK``."""
    want = inputs_bytes // max(1, workers * CHUNKS_PER_WORKER)
    return max(MIN_CHUNK, min(MAX_CHUNK, want))


@dataclass
class Plan:
    """The shards and chunks of a run, and which chunks are already done."""

    shards: list[Shard]
    chunks: list[Chunk]
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    resumed: bool = False

    def pending(self) -> list[Chunk]:
        return [c for c in self.chunks if c.name not in self.done]


def identity(job: Job, shards: Sequence[Shard]) -> dict[str, Any]:
    """Everything that decides the outputs; a resumed run must match it exactly."""
    s = job.settings
    return {
        "version": __version__, "command": job.command, "text_field": job.text_field,
        "id_field": job.id_field, "kind": job.kind, "output_format": job.output_format,
        "rules": s.enabled_codes(), "language": s.language,
        "min_severity": str(s.min_severity),
        "severity": [[p, str(v)] for p, v in s.severity],
        "level": str(job.level) if job.command == "fix" else None,
        "criteria": [c.label() for c in job.criteria], "max_record": job.max_record,
        "shards": [{"path": os.path.abspath(sh.path), "size": sh.size, "mtime_ns": sh.mtime_ns}
                   for sh in shards],
    }


def prepare(job: Job, inputs: Sequence[str], chunk_size: int | None, workers: int = 1
            ) -> Plan:
    """Plan a new run, or load the plan of an interrupted one in the same output folder.

    ``chunk_size`` ``None`` picks one from the input size and ``workers``; a resumed run
    keeps the chunks it was planned with.
    """
    out = Path(job.out_dir)
    shards = discover(inputs, out)
    if chunk_size is None:
        chunk_size = auto_chunk_size(sum(s.size for s in shards), workers)
    ident = identity(job, shards)
    state = job.state / "job.json"
    if state.is_file():
        saved = read_state(state)
        if saved.get("identity") != ident:
            raise CorpusError(f"{out} holds a different run (other command, options, rules or "
                              "inputs); use a new --output folder")
        try:
            chunks = [Chunk(**c) for c in saved["chunks"]]
        except (KeyError, TypeError) as exc:
            raise _corrupt(state, exc) from None
        done = {}
        for c in chunks:
            marker = job.done_marker(c)
            if marker.is_file():
                done[c.name] = read_state(marker, "chunk marker")
        return Plan(shards, chunks, done, resumed=True)
    if out.exists() and any(p.name != STATE_DIR for p in out.iterdir()):
        raise CorpusError(f"{out} is not empty and holds no run of repairtool corpus; "
                          "use a new --output folder")
    chunks = plan(shards, chunk_size, threads=workers)
    job.state.mkdir(parents=True, exist_ok=True)
    data = {"identity": ident, "chunk_size": chunk_size, "chunks": [c.to_dict() for c in chunks],
            "complete": False}
    write_state(state, data)
    return Plan(shards, chunks)


def read_state(path: Path, what: str = "plan file") -> dict[str, Any]:
    """A JSON state file, or one line that names it and says what to do."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _corrupt(path, exc, what) from None
    if not isinstance(data, dict):
        raise _corrupt(path, "not a JSON object", what)
    return data


def _corrupt(path: Path, exc: object, what: str = "plan file") -> CorpusError:
    fix = ("delete it to run that chunk again" if what == "chunk marker"
           else f"delete {path.parent} to start the run again, or use a new --output folder")
    return CorpusError(f"{path}: corrupt {what} ({exc}); {fix}")


def write_state(path: Path, data: dict[str, Any]) -> None:
    """Write a state file atomically: a kill leaves the old file or the new, never half."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=1))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(job: Job) -> Iterator[None]:
    """Hold the output folder for this run; a second run on it at the same time is refused.

    Taken before the plan is read or written, so two runs started at once into a new
    folder cannot both plan it.
    """
    import fcntl

    try:
        job.state.mkdir(parents=True, exist_ok=True)
        f = open(job.state / "lock", "w")  # noqa: SIM115 - held for the block below
    except OSError as exc:
        raise CorpusError(f"cannot use {job.out_dir}: {exc.strerror or exc}") from None
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise CorpusError(f"another run is using {job.out_dir}") from None
        yield


def is_complete(job: Job) -> bool:
    state = job.state / "job.json"
    return state.is_file() and bool(read_state(state).get("complete"))


Report = Callable[[dict[str, Any]], None]


def execute(job: Job, p: Plan, jobs: int, engine: str, scheduler: str | None,
            report: Report, tick: Callable[[], None] = lambda: None) -> None:
    """Run the pending chunks on the chosen engine; ``report`` gets each chunk's marker."""
    shards = {s.index: s for s in p.shards}
    # largest first, so that no big chunk starts last (the outputs do not depend on order)
    pending = sorted(p.pending(), key=lambda c: -c.weight)
    tasks = [(job, shards[c.shard], c) for c in pending]
    if not tasks:
        return
    if engine == "dask":
        _run_dask(tasks, jobs, scheduler, report)
    elif jobs <= 1:
        for t in tasks:
            report(run_task(t))
    else:
        _run_pool(tasks, jobs, report, tick)


def _run_pool(tasks: list[Any], jobs: int, report: Report, tick: Callable[[], None]) -> None:
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["repairtool.corpus.tasks", "repairtool.engine",
                                "repairtool.rules"])
    with ctx.Pool(min(jobs, len(tasks)), initializer=worker_init, initargs=(os.getpid(),)
                  ) as pool:
        it = pool.imap_unordered(run_task, tasks, chunksize=1)
        remaining = len(tasks)
        while remaining:
            try:
                meta = it.next(timeout=0.5)
            except mp.TimeoutError:
                tick()
                continue
            remaining -= 1
            report(meta)


def _run_dask(tasks: list[Any], jobs: int, scheduler: str | None, report: Report) -> None:
    try:
        import dask.bag as db
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise CorpusError("--engine dask needs the dask extra: pip install 'repairtool[dask]'"
                          ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
    try:
        with Client(scheduler or cluster) as client:
            bag = db.from_sequence(tasks, npartitions=len(tasks)).map(run_task)
            futures = client.compute(bag.to_delayed())
            for fut in as_completed(futures):
                for meta in fut.result():
                    report(meta)
    finally:
        if cluster is not None:
            cluster.close()


# -- merging -------------------------------------------------------------------------------

def finish(job: Job, p: Plan, threads: int = 1) -> dict[str, Any]:
    """Merge the parts into the final files, write summary.json, mark the run complete.

    Shards are merged by ``threads`` threads at once (copying is I/O, which threads overlap).
    """
    from concurrent.futures import ThreadPoolExecutor

    out = Path(job.out_dir)
    by_shard: dict[int, list[Chunk]] = {}
    for c in p.chunks:
        by_shard.setdefault(c.shard, []).append(c)
    kinds = {"scan": ["results"], "fix": ["fixed"], "filter": ["kept", "rejected"]}[job.command]
    work = [(s, kind) for s in p.shards for kind in kinds]
    with ThreadPoolExecutor(max(1, threads)) as pool:
        list(pool.map(lambda sk: _merge_shard(job, sk[0], by_shard.get(sk[0].index, []), sk[1],
                                              _final_path(job, out, sk[0], sk[1])), work))
    _merge_errors(job, p, out / "errors.jsonl", by_shard)
    summary = summarise(job, p)
    tmp = out / "summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out / "summary.json")
    state = job.state / "job.json"
    data = read_state(state)
    data["complete"] = True
    write_state(state, data)
    shutil.rmtree(job.state / "parts", ignore_errors=True)
    return summary


def _final_path(job: Job, out: Path, s: Shard, kind: str) -> Path:
    if kind == "results":
        return out / f"results-{s.index:05d}.{job.output_format}"
    return out / kind / s.rel


def _part_suffix(job: Job, s: Shard, kind: str) -> str:
    if kind == "results":
        return "." + job.output_format
    return {"jsonl": ".jsonl", "jsonl.gz": ".jsonl.gz", "parquet": ".parquet"}[s.fmt]


def _merge_shard(job: Job, s: Shard, chunks: list[Chunk], kind: str, final: Path) -> None:
    """Concatenate the chunks' parts of one shard into its final file.

    A single part is renamed, not copied; a merge that was interrupted after that rename
    finds the final file in place of the part.
    """
    parts = [job.part(kind, c, _part_suffix(job, s, kind)) for c in chunks]
    # A shard found unreadable when planned (a damaged Parquet footer) wrote no parts.
    parts = [p for p, c in zip(parts, chunks, strict=True) if not c.problem or p.exists()]
    if not parts:
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    if len(parts) == 1 and not (final.suffix == ".parquet" and kind == "results"):
        if parts[0].exists() or not final.exists():
            os.replace(parts[0], final)
        return
    tmp = final.with_name(final.name + ".tmp")
    try:
        if final.suffix == ".parquet":
            _concat_parquet(parts, tmp, rebatch=kind == "results")
        else:
            with open(tmp, "wb") as dst:
                for part in parts:
                    _append(part, dst)
        os.replace(tmp, final)
    except BaseException:  # a full disk: the half-merged copy must not stay on it
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _append(part: Path, dst: Any) -> None:
    """Copy ``part`` to the end of ``dst`` (in the kernel with sendfile when it can)."""
    dst.flush()
    start = os.lseek(dst.fileno(), 0, os.SEEK_END)
    with open(part, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        sent = 0
        try:
            while sent < size:
                n = os.sendfile(dst.fileno(), src.fileno(), sent, size - sent)
                if n == 0:
                    break
                sent += n
        except OSError:
            pass
        if sent == size:
            return
        os.ftruncate(dst.fileno(), start)  # start again the portable way
        os.lseek(dst.fileno(), start, os.SEEK_SET)
        src.seek(0)
        shutil.copyfileobj(src, dst, 1 << 20)


def _concat_parquet(parts: list[Path], dest: Path, rebatch: bool) -> None:
    """Row groups of ``parts`` into ``dest``; ``rebatch`` cuts them anew into groups of
    ``RESULTS_GROUP`` rows, so that the file does not depend on the chunks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    pending: list[pa.Table] = []
    try:
        for part in parts:
            pf = pq.ParquetFile(part)
            if writer is None:
                from repairtool.corpus.parquet import like

                writer = pq.ParquetWriter(dest, pf.schema_arrow, **like(pf))
            for g in range(pf.metadata.num_row_groups):
                table = pf.read_row_group(g)
                if not rebatch:
                    writer.write_table(table)
                    continue
                pending.append(table)
                if sum(t.num_rows for t in pending) >= RESULTS_GROUP:
                    pending = _write_groups(writer, pa.concat_tables(pending))
        if writer is not None and pending:
            writer.write_table(pa.concat_tables(pending))
    finally:
        if writer is not None:
            writer.close()


#: Rows per row group of results-NNNNN.parquet.
RESULTS_GROUP = 2000


def _write_groups(writer: Any, table: Any) -> list[Any]:
    """Write whole groups of ``RESULTS_GROUP`` rows; return the rest to carry over."""
    full = table.num_rows // RESULTS_GROUP * RESULTS_GROUP
    for start in range(0, full, RESULTS_GROUP):
        writer.write_table(table.slice(start, RESULTS_GROUP))
    return [table.slice(full)] if full < table.num_rows else []


def _merge_errors(job: Job, p: Plan, dest: Path, by_shard: dict[int, list[Chunk]]) -> None:
    tmp = dest.with_name(dest.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for s in p.shards:
            base = 0
            for c in by_shard.get(s.index, []):
                with open(job.part("errors", c, ".jsonl"), encoding="utf-8") as src:
                    for line in src:
                        err = json.loads(line)
                        if "line" in err:
                            err["line"] += base
                        out.write(json.dumps(err, ensure_ascii=False) + "\n")
                base += p.done[c.name]["lines"]
    os.replace(tmp, dest)


def summarise(job: Job, p: Plan) -> dict[str, Any]:
    """Totals over every chunk: the content of summary.json."""
    total: Counter[str] = Counter()
    counters: dict[str, Counter[str]] = {k: Counter() for k in
                                          ("findings", "documents_with", "fixes", "rejected_by")}
    per_shard: dict[int, Counter[str]] = {}
    problems: dict[int, list[str]] = {}
    for c in p.chunks:
        meta = p.done[c.name]
        problems.setdefault(c.shard, []).extend(meta.get("problems", []))
        for k, v in meta.items():
            if k in counters:
                counters[k].update(v)
            elif isinstance(v, int) and k != "weight":
                total[k] += v
                per_shard.setdefault(c.shard, Counter())[k] += v
    docs, chars = total["documents"], total["characters"]
    known = registry()
    rules = {}
    for code in sorted(counters["findings"]):
        n = counters["findings"][code]
        with_it = counters["documents_with"][code]
        rules[code] = {"name": known[code].name if code in known else "", "findings": n,
                       "per_million_characters": round(n * 1e6 / chars, 3) if chars else 0.0,
                       "documents": with_it,
                       "share_of_documents": round(with_it / docs, 6) if docs else 0.0}
    out: dict[str, Any] = {
        "command": job.command, "signature": signature(job),
        "documents": docs, "characters": chars, "bad_records": total["bad"],
        "blank_lines": total["blank"], "bad_shards": total["bad_shards"],
    }
    if job.command != "fix":
        out["findings"] = sum(counters["findings"].values())
        out["rules"] = rules
    if job.command == "fix":
        out["documents_changed"] = total["changed"]
        out["fixes_applied"] = dict(sorted(counters["fixes"].items()))
    if job.command == "filter":
        out["kept"], out["rejected"] = total["kept"], total["rejected"]
        out["rejected_by"] = dict(sorted(counters["rejected_by"].items()))
    out["shards"] = [{"index": s.index, "path": s.rel, "format": s.fmt,
                      "documents": per_shard.get(s.index, Counter())["documents"],
                      "bad_records": per_shard.get(s.index, Counter())["bad"],
                      **({"problems": problems[s.index]} if problems.get(s.index) else {})}
                     for s in p.shards]
    return out


def signature(job: Job) -> str:
    """A sacrebleu-style stamp of what produced the numbers."""
    s = job.settings
    parts = [f"repairtool:{__version__}", f"cmd:{job.command}", f"kind:{job.kind}",
             f"lang:{s.language}", f"min:{s.min_severity}",
             f"rules:{','.join(s.enabled_codes())}"]
    if job.command == "fix":
        parts.append(f"level:{job.level}")
    if job.criteria:
        parts.append("drop:" + ";".join(c.label() for c in job.criteria))
    return "|".join(parts)


def weights(chunks: Iterable[Chunk]) -> int:
    return sum(c.weight for c in chunks)
