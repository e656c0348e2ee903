"""Load time and scan cost of the calque lexicon as it grows (issue 10: at most 2x).

    python benchmarks/lexicon_speed.py [--entries 3000] [--mb 4]

Builds, in a temporary folder (never committed), a synthetic lexicon of ``--entries``
entries: the shipped entries, then copies of them, same pattern shapes, whose words are
replaced by words of about the same frequency in English web text (rank 0.8-1.25x that of
the word replaced, from ``repairtool/data/en_words.txt.gz``), so that their anchors hit real
text about as often as real entries' do. Then, for the shipped lexicon and the synthetic one:

- *load*: in a fresh process, after ``import repairtool.lexicon``, the time to read and
  build the lexicon (what the first RT601 check pays), median of 7 runs: parsing the files,
  and from the prebuilt index (``repairtool/data/calques.index.gz``, here built for the
  synthetic files);
- *scan*: RT601+RT602's shared lexicon pass over ``--mb`` MB of the MQM references and MT
  (as ``benchmarks/speed.py --per-rule`` measures it), ms per MB, best of 3.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus_text import ROOT, mt_documents, references

from repairtool import lexicon

MB = 1_000_000
_WORD = re.compile(r"(?<![~\[|])\b[A-Za-z]{3,}\b(?![\]])")
_KEEP = {"the", "and", "for", "not", "one's", "its", "their", "our", "your"}


def bench_text(mb: float) -> str:
    docs = [t for _, t in references()] + [t for _, t in mt_documents()]
    text = "\n".join(docs)
    reps = -(-int(mb * MB) // len(text.encode("utf-8")))
    return "\n".join([text] * reps)[:int(mb * MB)]


def similar_word(word: str, vocab: list[str], rng: random.Random) -> str:
    """A word of about the same frequency rank as ``word`` (a rare one if unlisted)."""
    from repairtool import words

    rank = words.rank(word)
    lo, hi = (int(rank * 0.8), int(rank * 1.25) + 2) if rank is not None else (40_000, 80_000)
    return rng.choice(vocab[lo:hi])


def synthetic(n: int, vocab: list[str], folder: Path) -> Path:
    """A lexicon file of ``n`` entries: the shipped ones, then mutated copies."""
    rng = random.Random(10)
    base = lexicon.shipped().entries
    lines = ["format = 1\n"]
    seen: set[str] = set()
    k = 0
    while len(seen) < n:
        e = base[k % len(base)]
        pattern = e.pattern if k < len(base) else _WORD.sub(
            lambda m: m.group() if m.group().lower() in _KEEP else
            similar_word(m.group().lower(), vocab, rng), e.pattern)
        k += 1
        if pattern in seen:
            continue
        try:
            lexicon.parse_pattern(pattern)
        except lexicon.PatternError:
            continue
        seen.add(pattern)
        lines.append("[[entry]]\n" + "".join(
            f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in (
                ("pattern", pattern), ("kind", e.kind), ("domain", e.domain), ("zh", e.zh),
                ("suggest", list(e.suggest)), ("note", e.note), ("example", e.example),
                ("silent", ["A sentence that is fine."]), ("source", "project"))))
    path = folder / "synthetic.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


_LOAD = """
import sys, time
from repairtool import lexicon
from pathlib import Path
t = time.perf_counter()
mode, *files = sys.argv[1:]
paths = [Path(p) for p in files]
if mode == "parse":
    lex = lexicon._lexicon_cached(tuple(lexicon._stat_key(p) for p in paths))
else:
    lex = lexicon.indexed(paths[:-1], paths[-1])
took = time.perf_counter() - t
print(took, len(lex))
"""


def load_ms(mode: str, files: list[Path]) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times, n = [], 0
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", _LOAD, mode, *map(str, files)], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
        n = int(out[1])
    return 1000 * statistics.median(times), n


def scan_ms_per_mb(lex: lexicon.Lexicon, text: str) -> tuple[float, int]:
    from repairtool.document import Document

    best, found = float("inf"), 0
    for _ in range(3):
        doc = Document.from_text(text)
        folded = doc.folded
        t = time.perf_counter()
        found = len(lexicon.find_matches(doc.view, [lex], folded))
        best = min(best, time.perf_counter() - t)
    return 1000 * best / (len(text.encode("utf-8")) / MB), found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=3000)
    ap.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    text = bench_text(args.mb)
    import gzip

    raw = (ROOT / "repairtool" / "data" / "en_words.txt.gz").read_bytes()
    vocab = [w for w in gzip.decompress(raw).decode("utf-8").split() if w.isalpha()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = synthetic(args.entries, vocab, folder)
        shipped = lexicon.shipped_paths()
        for label, files in (("shipped", shipped), ("synthetic", [big])):
            index = lexicon.write_index(files, folder / f"{label}.index")
            cold, n = load_ms("parse", files)
            fast, _ = load_ms("index", [*files, index])
            lex = lexicon.indexed(files, index)
            scan, found = scan_ms_per_mb(lex, text)
            print(f"{label:9} {n:5} entries: load: parsed {cold:6.1f} ms, from the index "
                  f"{fast:5.1f} ms; lexicon pass "
                  f"{scan:6.1f} ms/MB ({found} matches in {args.mb:g} MB)")


if __name__ == "__main__":
    main()
