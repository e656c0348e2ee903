"""Bad input gets one clear line, loses nothing, and the other files are still scanned."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.source import InputError, decode

from .helpers import run_cli

ARTEFACT = "Said，then.\n"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def test_missing_path_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "nope.txt", "a.txt", "nodir/", cwd=tmp_path)
    assert r.returncode == 2
    assert error_lines(r.stderr) == ["nope.txt: error: no such file or directory",
                                     "nodir/: error: no such file or directory"]
    assert "a.txt:1:5: RT301" in r.stdout


def test_binary_file_named_is_an_error_found_in_folder_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "blob.txt").write_bytes(b"\x89PNG\r\n\x00\x00IHDR")
    (tmp_path / "d" / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "d/blob.txt", cwd=tmp_path)
    assert r.returncode == 2 and error_lines(r.stderr) == [
        "d/blob.txt: error: binary file (contains NUL bytes), not scanned"]
    r = run_cli("scan", "d", cwd=tmp_path)
    assert r.returncode == 1 and not error_lines(r.stderr)


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"caf\xc3\xa9 ok\nthen \xff here\n")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "bad.txt", "a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert error_lines(r.stderr) == [
        "bad.txt: error: invalid utf-8 at byte offset 14 (use --encoding for other encodings)"]
    assert "a.txt:1:5" in r.stdout


def test_unreadable_file_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (tmp_path / "d" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    locked = tmp_path / "d" / "locked.txt"
    locked.write_text(ARTEFACT, encoding="utf-8")
    locked.chmod(0)
    r = run_cli("scan", "d", cwd=tmp_path)
    assert r.returncode == 2
    errors = error_lines(r.stderr)
    assert "d/gone.txt: error: no such file or directory" in errors
    if os.geteuid() != 0:  # root reads anything
        assert "d/locked.txt: error: permission denied" in errors
    assert "d/a.txt:1:5" in r.stdout


def test_empty_file_is_clean(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    r = run_cli("scan", "empty.txt", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "0 findings; 1 file checked.\n"


def test_crlf_positions(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_bytes(b"First line.\r\nSaid\xef\xbc\x8cthen.\r\n")
    r = run_cli("scan", "w.txt", cwd=tmp_path)
    assert r.stdout.splitlines()[0].startswith("w.txt:2:5: RT301")
    assert "\r" not in r.stdout


@pytest.mark.parametrize(("data", "encoding"), [
    (ARTEFACT, "utf-16"),  # Python writes the BOM
    (ARTEFACT, "gb18030"),
    (ARTEFACT, "big5"),
])
def test_other_encodings(tmp_path: Path, data: str, encoding: str) -> None:
    (tmp_path / "e.txt").write_bytes(data.encode(encoding))
    args = [] if encoding == "utf-16" else ["--encoding", encoding]
    r = run_cli("scan", *args, "e.txt", cwd=tmp_path)
    assert r.returncode == 1 and "e.txt:1:5: RT301" in r.stdout


def test_unknown_encoding(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--encoding", "klingon", "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "unknown encoding 'klingon'" in r.stderr


def test_decode_keeps_the_bom_apart() -> None:
    src = decode(b"\xef\xbb\xbfhi\r\n")
    assert src.text == "hi\r\n" and src.bom == b"\xef\xbb\xbf"
    assert src.encode(src.text) == b"\xef\xbb\xbfhi\r\n"
    with pytest.raises(InputError, match="byte offset 3"):
        decode(b"abc\x80")


@pytest.mark.parametrize("text", [
    "*" * 1_000_000,
    "word " * 100_000,
    "x" * 500_000,
    "(" * 100_000 + ")" * 100_000,
    ("a" * 50 + ".") * 5_000,
    "a@" * 100_000,
    "**" + "a**" * 30_000,
    "\n" * 200_000,
])
def test_adversarial_text_finishes(text: str) -> None:
    """Each of these must finish (patterns that backtrack catastrophically never do; timing
    and the 50 MB cases live in benchmarks/)."""
    for kind in ("text", "markdown"):
        for f in scan_text(text, kind=kind, settings=Settings()):
            assert 0 <= f.start <= f.end <= len(text)



def _wall(path: Path, fmt: str) -> float:
    """Seconds of an in-process ``scan`` (no interpreter start-up to blur the ratio)."""
    import time

    from click.testing import CliRunner

    from repairtool.cli import main

    start = time.perf_counter()
    result = CliRunner().invoke(main, ["scan", "--format", fmt, "--exit-zero",
                                       "--min-severity", "info", str(path)])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - start


@pytest.mark.parametrize("fmt", ["human", "json", "github", "sarif", "rdjsonl"])
def test_one_long_line_with_many_findings_is_linear(tmp_path: Path, fmt: str) -> None:
    """A single-line file (a scraped page) with several findings every 70 characters: four
    times the text may cost about four times the time, never sixteen (as when each finding
    copied, searched or encoded its whole line or paragraph)."""
    unit = "The ministry said prices in the 北京 area would rise , they said. "
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(unit * 4_000, encoding="utf-8")
    large.write_text(unit * 16_000, encoding="utf-8")
    _wall(small, fmt)  # warm: imports and word lists load once
    # Best of two at each size: one slow run on a loaded machine is not a trend.
    ratio = min(_wall(large, fmt) for _ in range(2)) / min(_wall(small, fmt) for _ in range(2))
    assert ratio < 8, f"{fmt}: 4x the text took {ratio:.1f}x the time"
