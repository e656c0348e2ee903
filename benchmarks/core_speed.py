"""Process CPU of the passes in repairtool._core against their Python versions, same process.

    python benchmarks/core_speed.py [--size-mb 2.5] [--rounds 5]

Text: benchmarks/speed.py's news text (references and MT of ../shared/corpora/mqm-zhen-google).
Prints ms per MB, best of 15, for each pass, and the whole scan (``engine.check``) with the
core and without it (``document._core = None``), alternating, min and median of --rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from speed import MB, build_text

from repairtool import document
from repairtool.config import Settings
from repairtool.engine import check


def best(fn: Callable[[], object], n: int = 15) -> float:
    """Least process CPU seconds of ``n`` calls of ``fn``."""
    least = float("inf")
    for _ in range(n):
        t = time.process_time()
        fn()
        least = min(least, time.process_time() - t)
    return least


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=2.5)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    core = document._core
    if core is None:
        raise SystemExit("repairtool._core is not built (pip install -e .)")
    text = build_text(int(args.size_mb * MB))
    mb = len(text.encode("utf-8")) / MB
    view = document.Document.from_text(text, layout=True).view
    passes = {
        "line_starts(text)": (lambda: document.py_line_starts(text),
                              lambda: document.line_starts(text)),
        "paragraphs + non-ASCII runs of the view": (
            lambda: (document.py_paragraphs(view), document.py_non_ascii_runs(view)),
            lambda: document.view_index(view)),
    }
    print(f"news text, {mb:.2f} MB; ms/MB of process CPU")
    for name, (py, compiled) in passes.items():
        print(f"  {name:<42} python {1000 * best(py) / mb:6.2f}  core "
              f"{1000 * best(compiled) / mb:6.2f}")
    scans: dict[str, list[float]] = {"python": [], "core": []}
    for _ in range(args.rounds):
        for label, module in (("python", None), ("core", core)):
            document._core = module
            scans[label].append(best(lambda: check(text, kind="text", settings=Settings()), 1))
    document._core = core
    for label, took in scans.items():
        print(f"  whole scan, {label:<6} min {1000 * min(took) / mb:6.1f}  "
              f"median {1000 * statistics.median(took) / mb:6.1f}")


if __name__ == "__main__":
    main()
