"""Speed and memory of whole `repairtool` processes (start-up included), beside proselint.

    python benchmarks/speed.py                 # throughput, small file, memory, proselint
    python benchmarks/speed.py --adversarial   # also 50 MB single-line and pathological inputs
    python benchmarks/speed.py --per-rule      # also each rule's cost in ms per MB, in process

Text: the reference and MT documents of ../shared/corpora/mqm-zhen-google, repeated to
>= 10 MB, written to a temporary folder; and for the throughput also as much MT output
without repeats (corpus_text.varied_text: MLQE-PE and WMT, tokenised in part, so with
many more findings). Every figure is the median of --runs runs of a
fresh process; memory is the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus_text import ROOT, mt_documents, references, varied_text

MB = 1_000_000
_RSS = ("import resource,subprocess,sys;"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def timed(cmd: list[str], runs: int) -> tuple[float, int, int]:
    """Median wall seconds, peak RSS in KB and exit code of ``cmd`` over ``runs`` runs.

    The wall time is of ``cmd`` alone; its peak RSS comes from one more run under a small
    Python wrapper (whose own start-up must not count in the time).
    """
    walls, code = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        walls.append(time.perf_counter() - t)
    out = subprocess.run([sys.executable, "-c", _RSS, *cmd], capture_output=True, text=True,
                         check=True).stdout.split()
    return statistics.median(walls), int(out[1]), code


def repairtool(*args: str) -> list[str]:
    exe = shutil.which("repairtool")
    return [exe, *args] if exe else [sys.executable, "-m", "repairtool", *args]


def build_text(target: int) -> str:
    docs = [t for _, t in references()] + [t for _, t in mt_documents()]
    text = "\n".join(docs)
    reps = -(-target // len(text.encode("utf-8")))
    return "\n".join([text] * reps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--proselint-mb", type=float, default=1.0,
                    help="size of the slice proselint checks (it is slow)")
    ap.add_argument("--adversarial", action="store_true")
    ap.add_argument("--per-rule", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rt-speed-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp)


def run(args: argparse.Namespace, tmp: Path) -> None:
    big = tmp / "big.txt"
    text = build_text(int(args.size_mb * MB))
    big.write_text(text, encoding="utf-8")
    size = big.stat().st_size
    wall, rss, _ = timed(repairtool("scan", "--format", "json", "--exit-zero", str(big)),
                         args.runs)
    scan_rate = size / MB / wall
    print(f"scan --format json, {size / MB:.2f} MB: {wall:.2f} s, {scan_rate:.2f} MB/s, "
          f"peak RSS {rss / 1024:.0f} MB")
    varied = tmp / "varied.txt"
    varied_str = varied_text(int(args.size_mb * MB))
    varied.write_text(varied_str, encoding="utf-8")
    vsize = varied.stat().st_size
    wall_v, rss_v, _ = timed(repairtool("scan", "--format", "json", "--exit-zero",
                                        str(varied)), args.runs)
    found = json.loads(subprocess.run(
        repairtool("scan", "--format", "json", "--exit-zero", str(varied)),
        capture_output=True, check=True).stdout)["summary"]["findings"]
    print(f"scan --format json, {vsize / MB:.2f} MB of varied MT output (no repeats, "
          f"{found} findings): {wall_v:.2f} s, {vsize / MB / wall_v:.2f} MB/s, "
          f"peak RSS {rss_v / 1024:.0f} MB")
    fix_copy = tmp / "fix.txt"
    fix_walls = []
    for _ in range(args.runs):
        shutil.copy(big, fix_copy)
        w, _, code = timed(repairtool("scan", "--fix", "--exit-zero", str(fix_copy)), 1)
        fix_walls.append(w)
    if code == 2:
        print("scan --fix: not available in this version")
    else:
        fw = statistics.median(fix_walls)
        print(f"scan --fix, same text: {fw:.2f} s ({fw / wall:.2f}x the scan)")
    small = ROOT / "fixtures" / "examples" / "news.txt"
    wall_small, _, _ = timed(repairtool("scan", "--exit-zero", str(small)), max(11, args.runs))
    print(f"one small file ({small.stat().st_size} B): {wall_small * 1000:.0f} ms")
    memory(text, tmp, varied_str)
    proselint_compare(text, tmp, scan_rate, args)
    if args.adversarial:
        adversarial(tmp)
    if args.per_rule:
        per_rule(text)


def memory(text: str, tmp: Path, varied: str) -> None:
    """Peak RSS for 200 and 2,000 files of 4 KB (of the main text, and of the varied text
    with dozens of findings a file, in JSON and SARIF), and for one file of 1 and 4 MB."""
    cases = [("", text[:4000], "json")]
    cut = varied.index("\n", len(varied) // 2)
    busy = varied[cut:cut + 4000]
    one = tmp / "busy.txt"
    one.write_text(busy, encoding="utf-8")
    found = json.loads(subprocess.run(repairtool("scan", "--format", "json", "--exit-zero",
                                                 str(one)), capture_output=True,
                                      check=True).stdout)["summary"]["findings"]
    cases += [(f", {found} findings each", busy, fmt) for fmt in ("json", "sarif")]
    for label, piece, fmt in cases:
        for n in (200, 2000):
            folder = tmp / f"many{n}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            for i in range(n):
                (folder / f"f{i:04}.txt").write_text(piece, encoding="utf-8")
            wall, rss, _ = timed(repairtool("scan", "--format", fmt, "--exit-zero",
                                            str(folder)), 1)
            print(f"memory: {n} files of 4 KB{label}, {fmt}: peak RSS {rss / 1024:.0f} MB "
                  f"({wall:.1f} s)")
    for mb in (1, 4):
        one = tmp / f"one{mb}.txt"
        one.write_text(text[: mb * MB], encoding="utf-8")
        _, rss, _ = timed(repairtool("scan", "--format", "json", "--exit-zero", str(one)), 1)
        print(f"memory: one {mb} MB file: peak RSS {rss / 1024:.0f} MB")


def proselint_compare(text: str, tmp: Path, scan_rate: float, args: argparse.Namespace) -> None:
    exe = shutil.which("proselint")
    if not exe:
        print("proselint: not installed (pip install proselint), comparison skipped")
        return
    part = tmp / "part.txt"
    part.write_text(text[: int(args.proselint_mb * MB)], encoding="utf-8")
    cfg = tmp / "proselint.json"
    cfg.write_text(json.dumps({"max_errors": 10**9}), encoding="utf-8")
    wall, _, _ = timed([exe, "--config", str(cfg), "check", "-o", "json", str(part)], 1)
    empty = tmp / "empty.txt"
    empty.write_text("Hello.\n", encoding="utf-8")
    start, _, _ = timed([exe, "check", str(empty)], 3)
    rate = part.stat().st_size / MB / wall
    print(f"proselint {part.stat().st_size / MB:.1f} MB (max_errors lifted): {wall:.1f} s, "
          f"{rate:.2f} MB/s, start-up {start * 1000:.0f} ms; repairtool is "
          f"{scan_rate / rate:.0f}x faster")


def rule_costs(text: str, clock: Callable[[], float] = time.perf_counter,
               **doc_options: Any) -> dict[str, float]:
    """Best-of-3 seconds (by ``clock``) of building the document of ``text`` ("document")
    and of each default rule on it, in process: the rules run in the engine's order on a
    fresh document (so work they share, such as the word split of RT203/RT401/RT402 or the
    lexicon pass of RT601/RT602, counts for the first of them). ``doc_options`` go to
    ``Document.from_text``."""
    from repairtool.config import Settings
    from repairtool.document import Document
    from repairtool.engine import rules_for

    rules = rules_for(Settings(), "en")
    best: dict[str, float] = {}

    def keep(name: str, took: float) -> None:
        best[name] = min(best.get(name, float("inf")), took)

    for _ in range(3):
        t = clock()
        doc = Document.from_text(text, **doc_options)
        list(doc.segments())
        keep("document", clock() - t)
        for rule in rules:
            t = clock()
            list(rule.check(doc))
            keep(rule.code, clock() - t)
    return best


def per_rule(text: str) -> None:
    """Milliseconds per MB of each default rule on ``text`` (see :func:`rule_costs`)."""
    from repairtool.rules.base import registry

    mb = len(text.encode("utf-8")) / MB
    costs = rule_costs(text)
    costs.pop("document")
    for code, took in costs.items():
        print(f"  {code} {registry()[code].name:<34} {1000 * took / mb:6.1f} ms/MB")
    print(f"  all rules {1000 * sum(costs.values()) / mb:.0f} ms/MB")


def adversarial(tmp: Path) -> None:
    cases = {
        "50 MB single line of prose": ("The ministry said prices would rise. " * 1_400_000),
        "50 MB of '*'": "*" * 50 * MB,
        "50 MB of one word": "word " * 10 * MB,
        "10 MB of 'a**' (Markdown)": "a**" * 3_333_333,
        "10 MB single line, 3 findings every 64 characters": (
            "The ministry said prices in the 北京 area would rise , they said. " * 150_000),
    }
    for name, text in cases.items():
        path = tmp / ("adv.md" if "Markdown" in name else "adv.txt")
        path.write_text(text, encoding="utf-8")
        wall, rss, _ = timed(repairtool("scan", "--format", "json", "--exit-zero", str(path)), 1)
        print(f"{name}: {wall:.1f} s ({len(text) / MB / wall:.1f} MB/s), "
              f"peak RSS {rss / 1024:.0f} MB")
        os.unlink(path)
    growth(tmp)


#: The shapes of issue 11 part 5 that once grew faster than the input: each is timed at
#: 1, 2, 4 and 8 MB; "x2" is the time ratio of each size to the one before (2.0 = linear).
GROWTH_SHAPES = {
    "noqa + spaces + 1": lambda n: "x repairtool: noqa" + " " * n + "1\n",
    "'repairtool: noqa RT101 ' repeated": lambda n: "repairtool: noqa RT101 " * (n // 23),
    "'......a' repeated (RT302)": lambda n: "......a" * (n // 7),
    "'&' + 'amp;' x N (RT702)": lambda n: "&" + "amp;" * (n // 4),
    "zero-width space between letters (RT704)": lambda n: "a\u200b" * (n // 4),
    "zero-width space after every word (RT704)": lambda n: "ab\u200b " * (n // 6),
    "zero-width space run": lambda n: "\u200b" * (n // 3),
    "newline-only text": lambda n: "\n" * n,
}


def growth(tmp: Path, sizes: tuple[int, ...] = (1, 2, 4, 8)) -> None:
    """Time and peak memory of each shape at growing sizes, and the ratio per doubling."""
    for name, make in GROWTH_SHAPES.items():
        row, last = [], None
        for mb in sizes:
            path = tmp / "shape.txt"
            path.write_text(make(mb * MB), encoding="utf-8")
            wall, rss, _ = timed(repairtool("scan", "--format", "json", "--exit-zero",
                                            "--isolated", str(path)), 1)
            ratio = f" x{wall / last:.1f}" if last else ""
            row.append(f"{mb} MB {wall:.1f} s {rss / 1024:.0f} MB{ratio}")
            last = wall
            os.unlink(path)
        print(f"{name}: " + "; ".join(row), flush=True)


if __name__ == "__main__":
    main()
