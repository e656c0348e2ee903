"""``repairtool corpus``: real shards in tmp folders, real subprocesses, a real Dask cluster."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from repairtool.corpus import records
from repairtool.corpus.shards import Chunk, Shard, iter_lines

from .conftest import FIXTURES

CORPUS = FIXTURES / "corpus"
#: What RT301 looks for, written independently of the rule: full-width forms and the
#: ideographic space (the fixtures have no CJK runs around them).
FULLWIDTH = regex.compile(r"[\u3000-\u303F\uFF01-\uFF5E]")


def cli(*args: object, check: bool = True, **kw: object) -> subprocess.CompletedProcess[str]:
    """``repairtool corpus ARGS --isolated`` (no config file of the checkout changes rules)."""
    proc = subprocess.run([sys.executable, "-m", "repairtool", "corpus", *map(str, args),
                           "--isolated"],
                          capture_output=True, text=True, timeout=120, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file (not the resume state) by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".repairtool-corpus" not in p.parts}


def nl_lines(data: bytes) -> list[bytes]:
    """Lines ending at b"\\n" only (what JSONL means by a line), newline kept."""
    return [m.group() for m in regex.finditer(rb"[^\n]*\n|[^\n]+$", data)]


def fixture_records() -> list[tuple[str, int, bytes]]:
    """(shard, 1-based line, raw line) of the JSONL fixtures, read without the tool."""
    out = []
    for name in ("news-2.jsonl.gz", "news.jsonl"):
        path = CORPUS / name
        data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
        out.extend((name, i, line) for i, line in enumerate(nl_lines(data), 1))
    return out


def safe_fix(text: str) -> str:
    """What the repair stage makes of one document on its own (safe fixes)."""
    from repairtool.config import Settings
    from repairtool.engine import scan_text
    from repairtool.fixes import fix_text
    from repairtool.model import Applicability

    return fix_text(text, lambda t: scan_text(t, settings=Settings()), Applicability.SAFE).text


def classify(line: bytes) -> str | None:
    """The text of a good record, or None for a bad one (blank lines: '')."""
    if not line.strip():
        return ""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return None
    return obj["text"]


def big_corpus(folder: Path, docs: int, seed: int = 0) -> Path:
    """A JSONL shard of ``docs`` documents built from the fixture texts, with bad records."""
    texts = [t for _, _, line in fixture_records() if (t := classify(line))]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(docs):
            body = " ".join(texts[(i * 7 + k + seed) % len(texts)] for k in range(1 + i % 9))
            f.write(json.dumps({"id": i, "text": body, "n": i}, ensure_ascii=i % 2 == 0) + "\n")
            if i % 97 == 13:
                f.write('{"id": "broken", "text": \n')
    return path


# -- reading chunks -------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=30),
       cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
       final_newline=st.booleans())
def test_chunks_own_every_line_exactly_once(tmp_path_factory: pytest.TempPathFactory,
                                            lines: list[bytes], cuts: list[int],
                                            final_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    folder = tmp_path_factory.mktemp("lines")
    plain, packed = folder / "a.jsonl", folder / "a.jsonl.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    expected = nl_lines(data)
    for path, fmt in ((plain, "jsonl"), (packed, "jsonl.gz")):
        shard = Shard(0, str(path), path.name, fmt, path.stat().st_size, 0)
        got = [line for a, b in itertools.pairwise(bounds)
               for _, line in iter_lines(shard, Chunk(0, 0, a, b, b - a))]
        assert got == expected


def test_replace_field_touches_only_the_value() -> None:
    line = b'{"id":7,"text":"a\\uff0cb","x":[1, 2],  "text2": "q"}\n'
    out = records.replace_field(line, "text", "a, b")
    assert out == b'{"id":7,"text":"a, b","x":[1, 2],  "text2": "q"}\n'
    # non-ASCII kept as written when the original was not escaped; the last duplicate wins
    line = '{"text": "é，", "meta": {"text": "no"}, "text": "é，"}\n'.encode()
    out = records.replace_field(line, "text", "é,")
    assert out == '{"text": "é，", "meta": {"text": "no"}, "text": "é,"}\n'.encode()
    assert json.loads(records.add_field(b'{"a": 1}\n', "why", "RT301"))["why"] == "RT301"
    bom = b'\xef\xbb\xbf{"text": "x\xef\xbc\x8c"}\r\n'  # a BOM and CRLF, as on Windows
    assert records.parse(bom, "text")[1] == "x，"
    assert records.replace_field(bom, "text", "x,") == b'\xef\xbb\xbf{"text": "x,"}\r\n'


# -- scan ------------------------------------------------------------------------------------

def test_scan_writes_results_summary_and_errors(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = cli("scan", CORPUS, "--id-field", "id", "-o", out, "--no-progress")
    names = sorted(p.name for p in out.iterdir())
    assert names == [".repairtool-corpus", "errors.jsonl", "results-00000.jsonl",
                     "results-00001.jsonl", "results-00002.jsonl", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    assert f"{summary['documents']:,} documents" in proc.stdout
    # bad records, found here without the tool: every one reported with shard and line
    recs = fixture_records()
    bad = sorted((s, n) for s, n, line in recs if classify(line) is None)
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert sorted((e["shard"], e["line"]) for e in errors if "line" in e) == bad
    assert [(e["shard"], e["row"]) for e in errors if "row" in e] == [("news-3.parquet", 11)]
    assert summary["bad_records"] == len(bad) + 1
    good = {json.loads(line)["id"]: t for _, _, line in recs if (t := classify(line))}
    results = {}
    for shard in ("results-00000.jsonl", "results-00002.jsonl"):  # the two JSONL shards
        for line in (out / shard).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            results[row["id"]] = row
    assert set(results) == set(good)
    for doc_id, text in good.items():
        row = results[doc_id]
        assert bool(row["counts"].get("RT301")) == bool(FULLWIDTH.search(text)), doc_id
        assert sum(row["counts"].values()) == len(row["findings"])
        for f in row["findings"]:
            assert text[f["start"]:f["end"]] and f["line"] >= 1 and f["rule"] in row["counts"]
    assert summary["documents"] == len(good) + 10  # + the good Parquet rows
    rt301 = summary["rules"]["RT301"]
    every = [json.loads(x) for i in range(3)
             for x in (out / f"results-{i:05d}.jsonl").read_text().splitlines()]
    assert rt301["findings"] == sum(r["counts"].get("RT301", 0) for r in every)
    assert rt301["documents"] == sum(1 for r in every if r["counts"].get("RT301"))
    chars = summary["characters"]
    assert rt301["per_million_characters"] == pytest.approx(rt301["findings"] * 1e6 / chars,
                                                           rel=1e-3)


def test_results_do_not_depend_on_the_split(tmp_path: Path) -> None:
    src = big_corpus(tmp_path / "in", 400)
    gz = tmp_path / "in" / "big2.jsonl.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()[: src.stat().st_size // 2]))
    runs = {
        "one": ["--jobs", "1"],
        "two": ["--jobs", "2", "--chunk-size", "3KB"],
        "odd": ["--jobs", "1", "--chunk-size", "1000"],
    }
    got = {}
    for name, extra in runs.items():
        out = tmp_path / name
        cli("scan", tmp_path / "in", "-o", out, "--no-progress", *extra)
        got[name] = outputs(out)
    assert len(list((tmp_path / "two" / ".repairtool-corpus" / "done").iterdir())) > 20
    assert got["one"] == got["two"] == got["odd"]
    summary = json.loads(got["one"]["summary.json"])
    assert summary["bad_records"] > 4 and summary["documents"] > 400


def test_parquet_results_match_jsonl_results(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    cli("scan", CORPUS, "-o", tmp_path / "j", "--no-progress")
    cli("scan", CORPUS, "-o", tmp_path / "p", "--no-progress", "--output-format", "parquet")
    for i in range(3):
        rows = pq.read_table(tmp_path / "p" / f"results-{i:05d}.parquet").to_pylist()
        want = [json.loads(x) for x in
                (tmp_path / "j" / f"results-{i:05d}.jsonl").read_text().splitlines()]
        assert [r["id"] for r in rows] == [w["id"] for w in want]
        assert [dict(r["counts"]) for r in rows] == [w["counts"] for w in want]
        assert [r["findings"] for r in rows] == [w["findings"] for w in want]


def test_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    proc = cli("scan", CORPUS, "-o", tmp_path / "o")
    last = proc.stderr.strip().splitlines()[-1]
    assert "100.0%" in last and "docs/s" in last and "MB/s" in last and "ETA" in last


# -- resume ----------------------------------------------------------------------------------

def test_resume_after_kill_gives_the_same_output(tmp_path: Path) -> None:
    src = big_corpus(tmp_path / "in", 8000)
    fresh = tmp_path / "fresh"
    cli("scan", src, "-o", fresh, "--no-progress", "--chunk-size", "32KB")
    out = tmp_path / "out"
    done = out / ".repairtool-corpus" / "done"
    proc = subprocess.Popen([sys.executable, "-m", "repairtool", "corpus", "scan", str(src),
                             "-o", str(out), "--no-progress", "--chunk-size", "32KB",
                             "--isolated"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if done.is_dir() and len(list(done.glob("*.json"))) >= 3:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {p.name: p.stat().st_mtime_ns for p in done.glob("*.json")}
    total = len(json.loads((out / ".repairtool-corpus" / "job.json").read_text())["chunks"])
    assert 3 <= len(before) < total, "the run was not interrupted in the middle"
    assert not (out / "summary.json").exists()
    again = cli("scan", src, "-o", out, "--no-progress", "--chunk-size", "32KB")
    assert f"resuming, {len(before)} of {total} chunks already done" in again.stderr
    after = {p.name: p.stat().st_mtime_ns for p in done.glob("*.json")}
    assert {k: after[k] for k in before} == before  # finished chunks were not redone
    assert outputs(out) == outputs(fresh)


def test_resume_keeps_finished_chunks(tmp_path: Path) -> None:
    """Pre-made state for some chunks is used as it is, not recomputed."""
    from repairtool.config import Settings
    from repairtool.corpus import runner
    from repairtool.corpus.tasks import Job, run_chunk

    src = big_corpus(tmp_path / "in", 300)
    out = tmp_path / "out"
    job = Job("scan", str(out), settings=Settings())
    plan = runner.prepare(job, [str(src)], 8 << 10)
    assert len(plan.chunks) > 4
    for c in plan.chunks[:3]:
        run_chunk(job, plan.shards[0], c)
    part = job.part("results", plan.chunks[1], ".jsonl")
    first = part.read_text().splitlines()[0]
    part.write_text(part.read_text().replace(first, '{"id": "SENTINEL"}', 1))
    proc = cli("scan", src, "-o", out, "--no-progress", "--chunk-size", "8KB")
    assert f"resuming, 3 of {len(plan.chunks)} chunks" in proc.stderr
    lines = (out / "results-00000.jsonl").read_text().splitlines()
    assert lines.count('{"id": "SENTINEL"}') == 1 and first not in lines
    fresh = tmp_path / "fresh"
    cli("scan", src, "-o", fresh, "--no-progress", "--chunk-size", "8KB")
    want = (fresh / "results-00000.jsonl").read_text().splitlines()
    assert [x for x in lines if x != '{"id": "SENTINEL"}'] == [x for x in want if x != first]
    # a finished folder is not run again
    again = cli("scan", src, "-o", out, "--no-progress", "--chunk-size", "8KB")
    assert "already complete" in again.stderr


def test_a_different_run_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("scan", CORPUS, "-o", out, "--no-progress")
    proc = cli("scan", CORPUS, "-o", out, "--no-progress", "--text-field", "body", check=False)
    assert proc.returncode == 2 and "different run" in proc.stderr
    import fcntl

    with open(out / ".repairtool-corpus" / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run in progress does
        proc = cli("scan", CORPUS, "-o", out, "--no-progress", check=False)
    assert proc.returncode == 2 and "another run is using" in proc.stderr
    proc = cli("fix", CORPUS, "-o", CORPUS, check=False)
    assert proc.returncode == 2 and "must not lie inside" in proc.stderr
    proc = cli("scan", tmp_path / "missing", "-o", tmp_path / "x", check=False)
    assert proc.returncode == 2 and "no such file" in proc.stderr


# -- fix and filter --------------------------------------------------------------------------

def _jsonl_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return nl_lines(gzip.decompress(data) if path.suffix == ".gz" else data)


def test_fix_repairs_text_and_leaves_everything_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("fix", CORPUS, "-o", out, "--no-progress", "--jobs", "2", "--chunk-size", "500")
    assert sorted(p.name for p in (out / "fixed").iterdir()) == sorted(
        p.name for p in CORPUS.iterdir())
    changed = 0
    for name in ("news.jsonl", "news-2.jsonl.gz"):
        before, after = _jsonl_lines(CORPUS / name), _jsonl_lines(out / "fixed" / name)
        assert len(before) == len(after)
        for old, new in zip(before, after, strict=True):
            text = classify(old)
            expected = safe_fix(text) if text else None
            if not text or expected == text:
                assert new == old  # byte-identical: clean, blank and bad records
                continue
            changed += 1
            a, b = json.loads(old), json.loads(new)
            assert b.pop("text") == expected  # the same repair as one document alone
            assert not FULLWIDTH.search(expected) or not FULLWIDTH.search(text)
            a.pop("text")
            assert a == b and list(a) == [k for k in json.loads(new) if k != "text"]
    assert changed >= 8
    pq = pytest.importorskip("pyarrow.parquet")
    t0, t1 = pq.read_table(CORPUS / "news-3.parquet"), pq.read_table(out / "fixed" /
                                                                        "news-3.parquet")
    assert t0.schema == t1.schema and t0.num_rows == t1.num_rows
    m0, m1 = (pq.ParquetFile(p).metadata for p in (CORPUS / "news-3.parquet",
                                                  out / "fixed" / "news-3.parquet"))
    assert m1.num_row_groups == m0.num_row_groups > 1  # the same layout, over several chunks
    assert m1.row_group(0).column(0).compression == m0.row_group(0).column(0).compression
    for c in t0.schema.names:
        if c != "text":
            assert t0.column(c).to_pylist() == t1.column(c).to_pylist()
    texts0, texts1 = t0.column("text").to_pylist(), t1.column("text").to_pylist()
    assert texts1 == [safe_fix(t) if t else t for t in texts0]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents_changed"] == changed + sum(
        1 for a, b in zip(texts0, texts1, strict=True) if a != b)


def test_filter_writes_kept_and_rejected_with_reasons(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli("filter", CORPUS, "-o", out, "--no-progress", "--drop-if", "RT301")
    for name in ("news.jsonl", "news-2.jsonl.gz"):
        source = _jsonl_lines(CORPUS / name)
        kept, rejected = _jsonl_lines(out / "kept" / name), _jsonl_lines(out / "rejected" / name)
        good = [x for x in source if classify(x)]
        assert kept == [x for x in good if not FULLWIDTH.search(classify(x) or "")]
        assert len(rejected) == len(good) - len(kept) > 0
        for line in rejected:
            rec = json.loads(line)
            assert FULLWIDTH.search(rec["text"]) and rec["repairtool_reason"].startswith("RT301")
    pq = pytest.importorskip("pyarrow.parquet")
    rej = pq.read_table(out / "rejected" / "news-3.parquet").to_pylist()
    kept = pq.read_table(out / "kept" / "news-3.parquet").to_pylist()
    assert rej and all("RT301" in r["repairtool_reason"] for r in rej)
    assert not any(FULLWIDTH.search(r["text"]) for r in kept)
    assert len(rej) + len(kept) == 10  # the null row is an error, not a document


def test_filter_rate_threshold(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    one = "Prices rose，analysts said. " + "The market was calm. " * 47  # 1 hit in ~1 KB
    many = "Prices rose，fell，rose。" + "Calm. " * 10
    (folder / "a.jsonl").write_text(json.dumps({"text": one}) + "\n" + json.dumps(
        {"text": many}) + "\n")
    cli("filter", folder, "-o", tmp_path / "out", "--drop-if", "RT3:5000", "--no-progress")
    kept = _jsonl_lines(tmp_path / "out" / "kept" / "a.jsonl")
    rejected = [json.loads(x) for x in _jsonl_lines(tmp_path / "out" / "rejected" / "a.jsonl")]
    assert [json.loads(x)["text"] for x in kept] == [one]
    assert [r["text"] for r in rejected] == [many]
    assert "per million characters > 5000" in rejected[0]["repairtool_reason"]


# -- engines and cost ------------------------------------------------------------------------

@pytest.mark.slow
def test_dask_cluster_gives_the_single_process_result(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    big_corpus(tmp_path / "in", 300)
    (tmp_path / "in" / "news.jsonl").write_bytes((CORPUS / "news.jsonl").read_bytes())
    cli("scan", tmp_path / "in", "-o", tmp_path / "one", "--no-progress")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        cli("scan", tmp_path / "in", "-o", tmp_path / "dask", "--no-progress",
            "--engine", "dask", "--scheduler", cluster.scheduler_address, "--chunk-size", "4KB")
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "one")
    cli("fix", tmp_path / "in", "-o", tmp_path / "fix1", "--no-progress")
    cli("fix", tmp_path / "in", "-o", tmp_path / "fix2", "--no-progress", "--engine", "dask",
        "--jobs", "2", "--chunk-size", "8KB")
    assert outputs(tmp_path / "fix1") == outputs(tmp_path / "fix2")


def test_memory_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peaks = []
    for n in (500, 4000):
        src = big_corpus(tmp_path / f"in{n}", n)
        proc = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "repairtool",
                               "corpus", "scan", str(src), "-o", str(tmp_path / f"o{n}"),
                               "--no-progress", "--chunk-size", "256KB", "--isolated"],
                              capture_output=True, text=True, check=True, timeout=120)
        peaks.append(int(proc.stdout) / 1024)
    assert (tmp_path / "in4000" / "big.jsonl").stat().st_size > 7 * (
        tmp_path / "in500" / "big.jsonl").stat().st_size
    assert peaks[1] < peaks[0] + 15, peaks  # MB


def test_plain_scan_does_not_import_the_corpus_dependencies() -> None:
    code = ("import sys, repairtool.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pyarrow', 'dask', 'distributed', 'multiprocessing')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "repairtool", "corpus", "scan", str(CORPUS),
                                           "-o", str(tmp_path / "o"), "--isolated"],
                          encoding="utf-8", timeout=60, dimensions=(24, 200))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = child.before
    assert "\r[####################] 100.0%" in text
    assert "docs/s" in text and "MB/s" in text and "ETA" in text
    assert "repairtool corpus:" not in text  # no plain progress lines on a terminal


def test_parquet_results_do_not_depend_on_the_split(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    src = big_corpus(tmp_path / "in", 2600)
    for name, extra in (("one", []), ("two", ["--jobs", "2", "--chunk-size", "50KB"])):
        cli("scan", src, "-o", tmp_path / name, "--output-format", "parquet", "--no-progress",
            *extra)
    a, b = tmp_path / "one" / "results-00000.parquet", tmp_path / "two" / "results-00000.parquet"
    assert pq.ParquetFile(a).metadata.num_row_groups == 2  # 2000 + 600 rows
    assert a.read_bytes() == b.read_bytes()
