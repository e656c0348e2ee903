"""CPU cost and findings of `repairtool scan` for several checkouts, side by side.

    python benchmarks/cpu_compare.py /work/base /work/main .          # whole process
    python benchmarks/cpu_compare.py --per-rule /work/base .          # also ms/MB per rule

Each ROOT is put on PYTHONPATH of a fresh `python -m repairtool scan --format json` over the
texts of speed.py (the 10 MB news text of speed.build_text and the varied MT text of
corpus_text.varied_text). Reported: child CPU seconds (user + sys, best of --runs; wall time
is noise on a shared machine) and a sha256 of the findings, so an optimisation can show it
changed nothing. --per-rule times each rule's `check` in a child process with
time.process_time, the way speed.per_rule does (engine order, shared work counted for the
first rule that needs it), plus the Document building (with the layout pass of plain text,
as a scan does) and segmenting before the rules.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from inspect import signature
from pathlib import Path

MB = 1_000_000


def child_cpu(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, bytes]:
    """CPU seconds (user + sys) of one run of ``cmd`` and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, check=False).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def findings_hash(stdout: bytes) -> tuple[str, int]:
    findings = json.loads(stdout)["findings"]
    blob = json.dumps(findings, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16], len(findings)


def env_for(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root.resolve()), "NO_COLOR": "1"}


def scan_cost(root: Path, path: Path, runs: int) -> tuple[float, str, int]:
    """Best child CPU seconds over ``runs`` scans of ``path`` with ``root``'s package."""
    cmd = [sys.executable, "-m", "repairtool", "scan", "--format", "json", "--exit-zero",
           "--isolated", path.name]
    best, digest, count = float("inf"), "", 0
    for _ in range(runs):
        cpu, out = child_cpu(cmd, env_for(root), path.parent)
        best = min(best, cpu)
        digest, count = findings_hash(out)
    return best, digest, count


def per_rule_child(path: Path) -> None:
    """(Run under the ROOT's PYTHONPATH) print JSON {stage: best CPU seconds} for ``path``."""
    from speed import rule_costs

    from repairtool.document import Document

    text = path.read_text(encoding="utf-8")
    # The plain-text layout pass, where the checkout has one (the scan of a file runs it).
    layout = {"layout": True} if "layout" in signature(Document.from_text).parameters else {}
    print(json.dumps(rule_costs(text, time.process_time, **layout)))


def per_rule_costs(root: Path, path: Path) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-per-rule", str(path)]
    out = subprocess.run(cmd, env=env_for(root), capture_output=True, check=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def write_texts(tmp: Path, size_mb: float) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus_text import varied_text
    from speed import build_text

    news, varied = tmp / "news.txt", tmp / "varied.txt"
    news.write_text(build_text(int(size_mb * MB)), encoding="utf-8")
    varied.write_text(varied_text(int(size_mb * MB)), encoding="utf-8")
    return [news, varied]


def report_scans(roots: list[Path], texts: list[Path], runs: int) -> None:
    for path in texts:
        mb = path.stat().st_size / MB
        print(f"{path.name} ({mb:.2f} MB): child CPU s, best of {runs}")
        first = None
        for root in roots:
            cpu, digest, count = scan_cost(root, path, runs)
            first = first or cpu
            print(f"  {root!s:<22} {cpu:7.2f} s {cpu / first:5.2f}x  "
                  f"{count} findings sha256:{digest}", flush=True)


def report_rules(roots: list[Path], texts: list[Path]) -> None:
    for path in texts:
        mb = path.stat().st_size / MB
        costs = [per_rule_costs(root, path) for root in roots]
        names = sorted({n for c in costs for n in c}, key=lambda n: (n != "document", n))
        print(f"{path.name}: ms/MB in process (CPU, best of 3)")
        print("  " + " " * 10 + "".join(f"{root.name or str(root):>12}" for root in roots))
        for name in names:
            row = "".join(f"{1000 * c[name] / mb:12.1f}" if name in c else f"{'-':>12}"
                          for c in costs)
            print(f"  {name:<10}{row}")
        print(f"  {'all':<10}" + "".join(f"{1000 * sum(c.values()) / mb:12.1f}"
                                       for c in costs), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="*", type=Path, help="checkouts (default: this one)")
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--per-rule", action="store_true")
    ap.add_argument("--no-scan", action="store_true", help="only the per-rule table")
    ap.add_argument("--child-per-rule", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_per_rule:
        per_rule_child(args.child_per_rule)
        return
    roots = args.roots or [Path(__file__).resolve().parent.parent]
    with tempfile.TemporaryDirectory(prefix="rt-cpu-") as tmp:
        texts = write_texts(Path(tmp), args.size_mb)
        if not args.no_scan:
            report_scans(roots, texts, args.runs)
        if args.per_rule:
            report_rules(roots, texts)


if __name__ == "__main__":
    main()
