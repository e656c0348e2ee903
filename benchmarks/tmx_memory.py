"""Peak memory of scanning a large TMX: the file is streamed, so memory must stay flat.

Generates a TMX of --mb megabytes in a temporary folder (zh -> en units, one in 500 with a
full-width comma so that there are findings to report), then runs
``repairtool scan --format json`` on it in a child process and reports the child's peak RSS
(ru_maxrss) next to the file size, and the same for a file a tenth of the size: with
streaming, the two peaks are close. Not a unit test: run it by hand.

    python benchmarks/tmx_memory.py --mb 100
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="bench" '
        'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="zh-CN" '
        'datatype="plaintext"/>\n<body>\n')
UNIT = ('<tu tuid="{i}">\n  <tuv xml:lang="zh-CN"><seg>第{i}号报告说，价格在五月上涨了百分之{p}。'
        '</seg></tuv>\n  <tuv xml:lang="en"><seg>Report {i} said that prices rose by {p}% in '
        'May{comma} according to the ministry &amp; the bureau.</seg></tuv>\n</tu>\n')


def generate(path: Path, megabytes: float) -> int:
    target = int(megabytes * 1024 * 1024)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEAD)
        size = len(HEAD)
        while size < target:
            chunk = "".join(UNIT.format(i=n + k, p=(n + k) % 90 + 1,
                                        comma="，" if (n + k) % 500 == 0 else ",")
                            for k in range(1000))
            fh.write(chunk)
            size += len(chunk.encode("utf-8"))
            n += 1000
        fh.write("</body>\n</tmx>\n")
    return n


def measure(path: Path) -> tuple[float, float, int]:
    code = ("import resource, subprocess, sys; "
            "r = subprocess.run([sys.executable, '-m', 'repairtool', 'scan', '--isolated', "
            "'--exit-zero', '--format', 'json', sys.argv[1]], stdout=subprocess.PIPE); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, len(r.stdout), "
            "r.returncode)")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True).stdout.split()
    elapsed = time.perf_counter() - t0
    return int(out[0]) / 1024, elapsed, int(out[2])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (args.mb / 10, args.mb):
            path = Path(tmp) / f"big-{mb:g}.tmx"
            units = generate(path, mb)
            size = path.stat().st_size / 1024 / 1024
            rss, secs, rc = measure(path)
            print(f"{size:7.1f} MB TMX, {units} units: peak RSS {rss:6.1f} MB, "
                  f"{secs:5.1f} s ({units / secs:,.0f} units/s), exit {rc}")
            path.unlink()
    _ = resource


if __name__ == "__main__":
    main()
