"""Throughput of the bilingual scan, with translate-toolkit's pofilter side by side.

Builds a PO file in a temporary folder from the zh -> en MT segments of
/work/shared/corpora/mqm-zhen-google (real MT output; --units of them, repeated with a suffix
when more are asked for), then times on the same file:

- ``repairtool scan`` as a whole process (start-up included) and the in-process scan alone;
- ``pofilter`` (translate-toolkit's own checker, all its default checks) as a whole process.

Reports segments per second for each. Run: python benchmarks/bilingual_speed.py --units 5000
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
csv.field_size_limit(sys.maxsize)


def pairs() -> list[tuple[str, str]]:
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for path in sorted((CORPORA / "mqm-zhen-google").glob("*.tsv")):
        with open(path, encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)
            for row in rows:
                if len(row) < 9 or row[0].lower().startswith("ref"):
                    continue
                key = (row[0], row[1], row[3])
                if key not in seen:
                    src = row[5].replace("<v>", "").replace("</v>", "")
                    tgt = row[6].replace("<v>", "").replace("</v>", "")
                    seen[key] = (src, tgt)
    return list(seen.values())


def build(path: Path, n: int) -> int:
    data = pairs()
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    msgids: set[str] = set()
    i = 0
    while len(po) < n:
        src, tgt = data[i % len(data)]
        if i >= len(data):  # more units than the corpus has: number the copies
            src = f"{src}（{i // len(data)}）"
            tgt = f"{tgt} ({i // len(data)})"
        i += 1
        if src in msgids:
            continue
        msgids.add(src)
        po.append(polib.POEntry(msgid=src, msgstr=tgt))
    po.save(str(path))
    return len(po)


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        po = Path(tmp) / "mt.po"
        n = build(po, args.units)
        size = po.stat().st_size / 1e6
        print(f"{n} units, {size:.1f} MB PO file")
        from repairtool.bilingual.scan import scan_bilingual
        from repairtool.config import Settings

        t0 = time.perf_counter()
        findings, _doc, _bf = scan_bilingual(po, Settings())
        inproc = time.perf_counter() - t0
        whole = timed([sys.executable, "-m", "repairtool", "scan", "--isolated", "--exit-zero",
                       str(po)])
        print(f"repairtool scan, in process : {inproc:6.2f} s  {n / inproc:8,.0f} segments/s "
              f"({len(findings)} findings)")
        print(f"repairtool scan, whole run  : {whole:6.2f} s  {n / whole:8,.0f} segments/s")
        pofilter = shutil.which("pofilter") or str(Path(sys.executable).parent / "pofilter")
        pf = timed([pofilter, "--progress=none", str(po), str(Path(tmp) / "out.po")])
        print(f"pofilter (all checks)       : {pf:6.2f} s  {n / pf:8,.0f} segments/s")


if __name__ == "__main__":
    main()
