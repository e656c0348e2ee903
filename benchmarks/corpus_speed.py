"""Speed of ``repairtool corpus scan``: 1 process, ``--jobs N`` and a local Dask cluster.

Builds a JSONL corpus of at least ``--size-mb`` MB in a temporary folder (never in the repo)
from the English side of /work/shared/corpora: the human references and MT outputs of the
MQM zh-en sets and the post-edits / MT of MLQE-PE, deduplicated, shuffled with a fixed seed
and packed into documents of about 2 KB (sentences joined by spaces, a paragraph break every
few sentences); the list is repeated (reshuffled) until the size is reached. Then it times
each run as a whole process (start-up, planning, merge included), checks that the three runs
wrote identical results, and samples the RSS of every process of the run's tree (psutil).
CPU seconds are those of the whole process tree (psutil samples); the load average before
each run shows whether other work shared the cores (then wall-clock speed-ups mislead).

    python benchmarks/corpus_speed.py --size-mb 200 --jobs 2
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def sentences() -> list[str]:
    """Distinct English segments (references, MT outputs, post-edits) of the shared corpora."""
    csv.field_size_limit(1 << 30)
    seen: set[str] = set()
    for tsv in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        with open(tsv, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader)
            col = header.index("target") if "target" in header else None
            for row in reader:
                if col is not None and len(row) > col:
                    seen.add(row[col].replace("<v>", "").replace("</v>", "").strip())
    for tsv in sorted(CORPORA.glob("mlqe-pe/*-en.*.tsv")):
        with open(tsv, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader)
            cols = [header.index(c) for c in ("mt", "pe") if c in header]
            for row in reader:
                seen.update(row[c].strip() for c in cols if len(row) > c)
    return sorted(s for s in seen if len(s) > 20)


def build(path: Path, size_mb: float, seed: int = 13) -> int:
    """Write the corpus to ``path``; return its size in bytes."""
    pool = sentences()
    rng = random.Random(seed)
    target = int(size_mb * 1e6)
    written = n = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target:
            rng.shuffle(pool)
            doc: list[str] = []
            length = 0
            for s in pool:
                doc.append(s)
                length += len(s) + 1
                if len(doc) % 5 == 0:
                    doc.append("\n\n")
                if length >= 2000:
                    text = " ".join(doc).replace(" \n\n ", "\n\n").strip()
                    line = json.dumps({"id": f"doc-{n:08d}", "source": "bench", "text": text},
                                      ensure_ascii=False) + "\n"
                    out.write(line)
                    written += len(line.encode("utf-8"))
                    n += 1
                    doc, length = [], 0
                    if written >= target:
                        break
    return written


class PeakRSS:
    """Samples RSS and CPU time of a process and its descendants every ``every`` seconds.

    (getrusage of children misses pool workers: their parent, the forkserver, never waits.)
    """

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.peaks: dict[int, tuple[str, int]] = {}
        #: Last CPU seconds seen per process (misses at most ``every`` s of each process).
        self.cpu: dict[int, float] = {}
        #: Helper processes with children (forkserver, Dask nannies): not workers.
        self.parents: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    name = " ".join(p.cmdline()[1:4])[:60]
                    t = p.cpu_times()
                except psutil.Error:
                    continue
                self.cpu[p.pid] = t.user + t.system
                if p.pid != self.root.pid and any(c.ppid() == p.pid for c in procs):
                    self.parents.add(p.pid)
                if rss > self.peaks.get(p.pid, ("", 0))[1]:
                    self.peaks[p.pid] = (name, rss)
            self._stop.wait(self.every)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        main = self.peaks.get(self.root.pid, ("", 0))[1]
        workers = [rss for pid, (_, rss) in self.peaks.items() if pid != self.root.pid]
        leaves = [c for pid, c in self.cpu.items()
                  if pid != self.root.pid and pid not in self.parents]
        serial = sum(c for pid, c in self.cpu.items() if pid not in leaves and (
            pid == self.root.pid or pid in self.parents))
        return {"main_mb": main / 1e6, "worker_max_mb": max(workers, default=0) / 1e6,
                "processes": len(self.peaks), "cpu": sum(self.cpu.values()),
                # wall time on idle cores: helpers counted as serial, the busiest worker
                "critical_cpu": serial + max(leaves, default=0.0)}


def run(corpus: Path, out: Path, extra: list[str], repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` runs (the machine may be shared), with its CPU and memory."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        r = run_once(corpus, out, extra)
        if not best or r["seconds"] < best["seconds"]:
            best = r
    return best


def run_once(corpus: Path, out: Path, extra: list[str]) -> dict[str, float]:
    cmd = [sys.executable, "-m", "repairtool", "corpus", "scan", str(corpus), "--id-field",
           "id", "-o", str(out), "--no-progress", "--isolated", *extra]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rss = PeakRSS(proc.pid)
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    mem = rss.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "documents": summary["documents"], "load": load, **mem}


def same_results(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    return names == sorted(p.name for p in b.iterdir() if p.is_file()) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--chunk-size", default="auto")
    ap.add_argument("--repeat", type=int, default=1, help="Runs per setting; the fastest counts.")
    ap.add_argument("--skip-dask", action="store_true", help="Only 1 process and --jobs.")
    ap.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        raise SystemExit(f"{CORPORA} is missing")
    work = Path(tempfile.mkdtemp(prefix="repairtool-bench-"))
    try:
        corpus = work / "corpus.jsonl"
        t0 = time.perf_counter()
        size = build(corpus, args.size_mb)
        print(f"corpus: {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s ({corpus})")
        chunk = ["--chunk-size", args.chunk_size]
        rep = args.repeat
        runs = {
            "1 process": run(corpus, work / "one", chunk, rep),
            f"--jobs {args.jobs}": run(corpus, work / "jobs", [*chunk, "--jobs", str(args.jobs)],
                                       rep),
        }
        if not args.skip_dask:
            runs[f"dask {args.jobs} workers"] = run(
                corpus, work / "dask", [*chunk, "--engine", "dask", "--jobs", str(args.jobs)], rep)
        one = runs["1 process"]["seconds"]
        print(f"{'run':<18} {'seconds':>8} {'docs/s':>9} {'MB/s':>7} {'speed-up':>9} "
              f"{'CPU s':>7} {'load':>5} {'main MB':>8} {'worker MB':>10}")
        for name, r in runs.items():
            print(f"{name:<18} {r['seconds']:>8.1f} {r['documents'] / r['seconds']:>9,.0f} "
                  f"{size / 1e6 / r['seconds']:>7.2f} {one / r['seconds']:>8.2f}x "
                  f"{r['cpu']:>7.1f} {r['load']:>5.2f} "
                  f"{r['main_mb']:>8.0f} {r['worker_max_mb']:>10.0f}")
        cpu_one = runs["1 process"]["cpu"]
        for name, r in runs.items():
            print(f"{name}: CPU {r['cpu']:.1f} s (x{r['cpu'] / cpu_one:.2f} of 1 process); "
                  f"critical path {r['critical_cpu']:.1f} CPU s -> speed-up on idle cores "
                  f"{cpu_one / r['critical_cpu']:.2f}x")
        jobs_s = runs[f"--jobs {args.jobs}"]["seconds"]
        print(f"scaling efficiency --jobs {args.jobs}: {one / jobs_s / args.jobs:.0%} "
              f"({one / jobs_s:.2f}x)")
        same = same_results(work / "one", work / "jobs")
        if not args.skip_dask:
            dask_s = runs[f"dask {args.jobs} workers"]["seconds"]
            print(f"dask overhead vs --jobs {args.jobs}: {dask_s - jobs_s:+.1f} s "
                  f"({dask_s / jobs_s - 1:+.1%})")
            same = same and same_results(work / "one", work / "dask")
        print(f"identical results across the runs: {same}")
        if not same:
            raise SystemExit(1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
