"""The datatrove steps in a real pipeline (JsonlReader → step → JsonlWriter, run by
LocalPipelineExecutor) give what ``repairtool corpus filter`` / ``corpus fix`` give on the
same JSONL."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from repairtool.integrations.datatrove import RepairtoolFilter, RepairtoolFixer

from .conftest import FIXTURES

#: Documents beside the corpus fixtures': mojibake and a lost byte (RT701 safe / unsafe),
#: a doubled word (unsafe only), a long clean text (a rate far below any threshold), one
#: full-width comma in a long text (passes RT3:5000, fails RT3) and non-BMP characters.
EXTRA = [
    {"id": "x-mojibake", "text": "The cafÃ© said it would reopen â€œsoonâ€\x9d."},
    {"id": "x-doubled", "text": "He said the the plan was ready."},
    {"id": "x-long-clean", "text": "Officials met on Monday to discuss the budget. " * 40},
    {"id": "x-one-comma", "text": "The minister spoke，" + " and the talks went on." * 30},
    {"id": "x-emoji", "text": "Fans cheered 🎉 when Tokyo** won the bid，again。"},
    {"id": "x-lines", "text": "First line.Second line\nthird line，with a comma\r\nend."},
    {"id": "x-code", "text": "Call `a，b` to join them，then stop."},
]


def corpus_records() -> list[dict[str, Any]]:
    """The good records of the JSONL corpus fixtures, then :data:`EXTRA`."""
    out = []
    for name in ("news.jsonl", "news-2.jsonl.gz"):
        data = (FIXTURES / "corpus" / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        for line in data.decode("utf-8").split("\n"):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            # datatrove's reader skips records without a text, the corpus commands count
            # them as bad or empty: only documents both read are compared.
            if isinstance(rec, dict) and isinstance(rec.get("text"), str) and rec["text"]:
                out.append(rec)
    return out + EXTRA


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one JSONL shard of the test documents."""
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps(r, ensure_ascii=False) for r in corpus_records()]
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def cli(*args: object) -> None:
    """``repairtool corpus ARGS --isolated``, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "repairtool", "corpus", *map(str, args),
                           "--isolated", "--no-progress"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr


def read_jsonl(folder: Path) -> list[dict[str, Any]]:
    """Every record of the (uncompressed) JSONL files under ``folder``, in file order."""
    out = []
    for path in sorted(folder.rglob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return out


def run_pipeline(tmp_path: Path, corpus: Path, step: Any, name: str,
                 exclusion: bool = False) -> tuple[Path, Path]:
    """JsonlReader → ``step`` → JsonlWriter on one task; the kept and excluded folders."""
    kept, dropped = tmp_path / name / "kept", tmp_path / name / "dropped"
    if exclusion:
        step.exclusion_writer = JsonlWriter(str(dropped), compression=None)
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(corpus)), step, JsonlWriter(str(kept), compression=None)],
        tasks=1, workers=1, logging_dir=str(tmp_path / name / "logs"),
    ).run()
    return kept, dropped


def test_filter_matches_corpus_filter(tmp_path: Path, corpus: Path) -> None:
    criteria = ["RT1", "RT3:5000"]
    cli("filter", corpus, "-o", tmp_path / "cli", "--id-field", "id",
        *(a for c in criteria for a in ("--drop-if", c)))
    cli_kept = [r["id"] for r in read_jsonl(tmp_path / "cli" / "kept")]
    cli_rejected = {r["id"]: r["repairtool_reason"]
                    for r in read_jsonl(tmp_path / "cli" / "rejected")}

    kept, dropped = run_pipeline(tmp_path, corpus, RepairtoolFilter(criteria, isolated=True),
                                 "dt", exclusion=True)
    dt_kept = read_jsonl(kept)
    dt_dropped = read_jsonl(dropped)

    assert [d["id"] for d in dt_kept] == cli_kept
    assert {d["id"]: d["metadata"]["repairtool_reason"] for d in dt_dropped} == cli_rejected
    # both sides of the split are exercised, by each criterion
    assert len(cli_kept) >= 5 and len(cli_rejected) >= 5
    labels = {d["metadata"]["filter_reason"] for d in dt_dropped}
    assert {"RT1", "RT3:5000"} <= {part for label in labels for part in label.split(",")}
    assert "x-one-comma" in cli_kept and "x-long-clean" in cli_kept
    # the kept documents go through untouched
    texts = {r["id"]: r["text"] for r in corpus_records()}
    assert all(d["text"] == texts[d["id"]] for d in dt_kept + dt_dropped)


def test_annotating_filter_keeps_all_and_counts_as_corpus_scan(tmp_path: Path,
                                                                corpus: Path) -> None:
    cli("scan", corpus, "-o", tmp_path / "cli", "--id-field", "id")
    counts = {r["id"]: r["counts"] for r in read_jsonl(tmp_path / "cli")
              if "counts" in r}
    cli("filter", corpus, "-o", tmp_path / "cli-filter", "--id-field", "id",
        "--drop-if", "RT3")
    rejected = {r["id"]: r["repairtool_reason"]
                for r in read_jsonl(tmp_path / "cli-filter" / "rejected")}

    step = RepairtoolFilter("RT3", annotate=True, isolated=True)
    kept, _ = run_pipeline(tmp_path, corpus, step, "dt")
    docs = read_jsonl(kept)
    assert [d["id"] for d in docs] == [r["id"] for r in corpus_records()]
    assert {d["id"]: d["metadata"]["repairtool_counts"] for d in docs} == counts
    assert {d["id"]: d["metadata"]["repairtool_reason"] for d in docs
            if "repairtool_reason" in d["metadata"]} == rejected
    assert rejected


@pytest.mark.parametrize(("unsafe", "kind"), [(False, "text"), (True, "text"),
                                              (False, "markdown")])
def test_fixer_matches_corpus_fix(tmp_path: Path, corpus: Path, unsafe: bool,
                                  kind: str) -> None:
    cli("fix", corpus, "-o", tmp_path / "cli", "--kind", kind,
        *(["--unsafe-fixes"] if unsafe else []))
    cli_fixed = {r["id"]: r["text"] for r in read_jsonl(tmp_path / "cli" / "fixed")}

    step = RepairtoolFixer(unsafe_fixes=unsafe, kind=kind, isolated=True)
    kept, _ = run_pipeline(tmp_path, corpus, step, "dt")
    dt_fixed = {d["id"]: d["text"] for d in read_jsonl(kept)}

    assert dt_fixed == cli_fixed
    original = {r["id"]: r["text"] for r in corpus_records()}
    changed = {k for k in original if dt_fixed[k] != original[k]}
    assert {"news-000", "x-mojibake", "x-lines"} <= changed
    assert ("x-doubled" in changed) is unsafe
    assert "x-long-clean" not in changed
    # Markdown keeps code spans as they are: the full-width comma in `a，b` stays
    assert ("，" in dt_fixed["x-code"]) is (kind == "markdown")


def test_two_worker_processes_give_the_same_documents(tmp_path: Path, corpus: Path) -> None:
    """Two tasks on two worker processes (the steps travel to them pickled)."""
    docs = (corpus / "docs.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (corpus / "docs.jsonl").write_text("".join(docs[:20]), encoding="utf-8")
    (corpus / "more.jsonl").write_text("".join(docs[20:]), encoding="utf-8")
    cli("filter", corpus, "-o", tmp_path / "cli", "--id-field", "id", "--drop-if", "RT3:5000")
    cli_kept = {r["id"] for r in read_jsonl(tmp_path / "cli" / "kept")}
    kept = tmp_path / "dt" / "kept"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(corpus)), RepairtoolFilter("RT3:5000", isolated=True),
                  JsonlWriter(str(kept), compression=None)],
        tasks=2, workers=2, logging_dir=str(tmp_path / "dt" / "logs"),
    ).run()
    assert len(list(kept.glob("*.jsonl"))) == 2
    assert {d["id"] for d in read_jsonl(kept)} == cli_kept


def test_steps_survive_pickling_for_other_executors() -> None:
    """Multi-worker and Slurm executors ship the steps with dill: the settings travel."""
    import dill  # type: ignore[import-untyped]

    step = dill.loads(dill.dumps(RepairtoolFilter("RT101", select=["RT1"], isolated=True)))
    assert step.job.settings.select == ("RT1",)
    from datatrove.data import Document

    assert step.filter(Document(text="Tokyo** has a plan.", id="a"))[0] is False
    fixer = dill.loads(dill.dumps(RepairtoolFixer(isolated=True)))
    assert fixer.format("prices，rose") == "prices, rose"


def test_bad_criteria_are_refused_as_the_command_refuses_them() -> None:
    with pytest.raises(ValueError, match="unknown rule code or prefix 'RT9X'"):
        RepairtoolFilter(["RT9X"], isolated=True)
    with pytest.raises(ValueError, match="must be a number"):
        RepairtoolFilter("RT3:lots", isolated=True)
    with pytest.raises(ValueError, match="at least one"):
        RepairtoolFilter([], isolated=True)
    with pytest.raises(ValueError, match="kind must be one of text, markdown"):
        RepairtoolFixer(kind="html", isolated=True)


def test_scan_start_up_does_not_import_datatrove(tmp_path: Path) -> None:
    """The issue: no integration imports anything heavy at ``repairtool scan`` start-up."""
    sample = tmp_path / "a.txt"
    sample.write_text("Tokyo** has a plan.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "repairtool", "scan",
                           str(sample), "--isolated"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "repairtool" in imported
    assert not imported & {"datatrove", "loguru", "dill", "multiprocess", "huggingface_hub"}
