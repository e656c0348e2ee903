"""Differential check: do two checkouts report byte-identical findings on real text?

    python benchmarks/findings_diff.py /work/main .            # every set
    python benchmarks/findings_diff.py --sets wild,fixtures /work/main .
    git archive $(git merge-base HEAD main) | tar -x -C /tmp/ref   # the branch point
    python benchmarks/findings_diff.py /tmp/ref .

For an optimisation that must change nothing. The sets: speed.py's texts (the news text
and the varied MT text), the wild MT passages (benchmarks/wild/texts), a slice of the clean
corpora (the cached pickle of benchmarks/precision.py, about --clean-mb MB, each document a
file of its kind) and fixtures/. Each set is written once under --work (so paths match) and
scanned by `python -m repairtool scan --format json --isolated` with each ROOT on
PYTHONPATH; the first ROOT's output is kept there, keyed by its commit, so it is not
rescanned. Exits 1 when any set differs, naming the first differing finding.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MB = 1_000_000
SETS = ("speed", "wild", "clean", "fixtures")


def write_speed(dest: Path) -> None:
    sys.path.insert(0, str(HERE))
    from corpus_text import varied_text
    from speed import build_text

    (dest / "news.txt").write_text(build_text(10 * MB), encoding="utf-8")
    (dest / "varied.txt").write_text(varied_text(10 * MB), encoding="utf-8")


def write_wild(dest: Path) -> None:
    for path in sorted((HERE / "wild" / "texts").glob("*.txt")):
        shutil.copy(path, dest / path.name)


def write_clean(dest: Path, budget: int) -> None:
    with (HERE / "out" / "clean_genres.pickle").open("rb") as fh:
        genres = pickle.load(fh)
    per_genre = budget // max(1, len(genres))
    for g, docs in enumerate(genres.values()):
        size = 0
        for i, (_, text, kind) in enumerate(docs):
            if size >= per_genre:
                break
            ext = "md" if kind == "markdown" else "txt"
            (dest / f"g{g}-{i:05}.{ext}").write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))


def write_fixtures(dest: Path) -> None:
    shutil.copytree(ROOT / "fixtures", dest, dirs_exist_ok=True)


def prepare(work: Path, name: str, clean_mb: float) -> Path:
    dest = work / "sets" / name
    if dest.is_dir():
        return dest
    tmp = dest.with_name(name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if name == "speed":
        write_speed(tmp)
    elif name == "wild":
        write_wild(tmp)
    elif name == "clean":
        write_clean(tmp, int(clean_mb * MB))
    else:
        write_fixtures(tmp)
    tmp.rename(dest)
    return dest


def commit_of(root: Path) -> str:
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False).stdout.strip()
    if not out:  # an exported tree (`git archive`): keyed by its folder
        return "tree-" + hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:8]
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                            "--untracked-files=no"], capture_output=True, text=True,
                           check=False).stdout.strip()
    return out + ("-dirty" if dirty else "")


def scan(root: Path, folder: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(root.resolve()), "NO_COLOR": "1"}
    files = sorted(str(p) for p in folder.rglob("*") if p.is_file())
    out = subprocess.run([sys.executable, "-m", "repairtool", "scan", "--format", "json",
                          "--exit-zero", "--isolated", *files], env=env, cwd=folder,
                         capture_output=True, check=False).stdout
    return json.loads(out)["findings"]  # type: ignore[no-any-return]


def findings(root: Path, folder: Path, work: Path, cache: bool) -> list[dict[str, object]]:
    key = commit_of(root)
    stored = work / "out" / f"{folder.name}-{key}.json"
    if cache and not key.endswith("-dirty") and stored.is_file():
        return json.loads(stored.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    got = scan(root, folder)
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
    return got


def compare(a: list[dict[str, object]], b: list[dict[str, object]]) -> str | None:
    """None when identical, else a line naming the first difference."""
    for x, y in zip(a, b, strict=False):
        if x != y:
            return f"first difference: {json.dumps(x)[:300]}\n    vs {json.dumps(y)[:300]}"
    if len(a) != len(b):
        return f"{len(a)} vs {len(b)} findings"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", type=Path)
    ap.add_argument("candidate", type=Path)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--work", type=Path, default=Path("/tmp/repairtool-findings-diff"))
    ap.add_argument("--clean-mb", type=float, default=3.0)
    args = ap.parse_args()
    failed = False
    for name in args.sets.split(","):
        folder = prepare(args.work, name, args.clean_mb)
        ref = findings(args.reference, folder, args.work, cache=True)
        got = findings(args.candidate, folder, args.work, cache=False)
        diff = compare(ref, got)
        failed |= diff is not None
        print(f"{name}: {len(ref)} findings, " + ("identical" if diff is None else diff),
              flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
