"""Diffs and patches: ``git apply`` and ``patch -p1`` must reproduce exactly what ``--fix``
writes, for CRLF, BOMs, UTF-16, GB18030 and files without a final newline; paths are
relative to the repository root; the signature header is ignored by both tools."""

from __future__ import annotations

import codecs
import shutil
import subprocess
from pathlib import Path

import pytest

from repairtool.patch import NO_NEWLINE, patch_header, signature, unified_diff

from . import demo_rules
from .repair_helpers import cli, demo, git, init_repo  # noqa: F401  (the fixture `demo`)

FILES = {
    "crlf.txt": ("First，line\r\nsecond line\r\nthird。\r\n".encode(), []),
    "nonl.txt": ("a\nb\nlast，line".encode(), []),
    "utf16.txt": (codecs.BOM_UTF16_LE + "Tab\there，x\r\nmore\r\n".encode("utf-16-le"), []),
    "utf8bom.md": (codecs.BOM_UTF8 + "# Head，ing\n\nText。\n".encode(), []),
    "gb.txt": ("中文 Prices rose，sharply。\n".encode("gb18030"), ["--encoding", "gb18030"]),
}


def fixed_bytes(tmp: Path, name: str, data: bytes, args: list[str]) -> bytes:
    """What ``scan --fix`` writes for ``data``."""
    folder = tmp / "fixed"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    proc = cli(["scan", "--fix", "--isolated", *args, name], folder)
    assert proc.returncode in (0, 1), proc.stderr
    return (folder / name).read_bytes()


@pytest.mark.parametrize("name", list(FILES))
def test_diff_applies_with_git_and_patch(tmp_path: Path, name: str) -> None:
    data, args = FILES[name]
    expected = fixed_bytes(tmp_path, name, data, args)
    assert expected != data
    repo = init_repo(tmp_path / "repo")
    sub = repo / "docs" / "sub"
    sub.mkdir(parents=True)
    (sub / name).write_bytes(data)
    # Run from a subfolder: the paths must still be relative to the repository root.
    proc = cli(["scan", "--diff", "--isolated", *args, name], sub)
    assert proc.returncode == 1, proc.stderr
    diff = proc.stdout
    assert diff.startswith(b"diff --git a/docs/sub/%s b/docs/sub/%s\n" % (name.encode(),
                                                                          name.encode()))
    assert (sub / name).read_bytes() == data  # --diff writes nothing
    git(["apply", "--check", "-"], repo, stdin=diff)
    git(["apply", "-"], repo, stdin=diff)
    assert (sub / name).read_bytes() == expected
    if shutil.which("patch"):
        (sub / name).write_bytes(data)
        subprocess.run(["patch", "-p1", "--quiet", "--binary"], cwd=repo, input=diff,
                       check=True, capture_output=True)
        assert (sub / name).read_bytes() == expected


def test_no_newline_marker() -> None:
    diff = unified_diff(b"a\nb", b"a\nc", "f.txt")
    assert diff.endswith(b"-b\n" + NO_NEWLINE + b"+c\n" + NO_NEWLINE)
    assert unified_diff(b"same", b"same", "f.txt") == b""


def test_paths_outside_a_repository_are_relative_to_the_cwd(tmp_path: Path) -> None:
    if git(["rev-parse", "--show-toplevel"], tmp_path, check=False).returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    folder = tmp_path / "plain" / "in"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("x，y\n", encoding="utf-8")
    proc = cli(["scan", "--diff", "--isolated", "in/a.txt"], tmp_path / "plain")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(b"diff --git a/in/a.txt b/in/a.txt\n--- a/in/a.txt\n")
    proc = cli(["scan", "--diff", "--isolated", "a.txt"], folder)
    assert proc.stdout.startswith(b"diff --git a/a.txt b/a.txt\n")


def test_signature_header_is_ignored_by_git_apply_and_patch(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "a.txt").write_bytes(b"one\ntwo\n")
    sig = signature(["RT301", "RT101"], "safe", "en")
    assert sig == "repairtool 0.1.0|rules:RT101,RT301|accept:safe|lang:en"
    body = patch_header(sig) + unified_diff(b"one\ntwo\n", b"one\n2\n", "a.txt")
    assert body.startswith(b"# repairtool 0.1.0|rules:RT101,RT301|accept:safe|lang:en\n")
    git(["apply", "--check", "-"], repo, stdin=body)
    git(["apply", "-"], repo, stdin=body)
    assert (repo / "a.txt").read_bytes() == b"one\n2\n"
    if shutil.which("patch"):
        (repo / "a.txt").write_bytes(b"one\ntwo\n")
        subprocess.run(["patch", "-p1", "--quiet"], cwd=repo, input=body, check=True,
                       capture_output=True)
        assert (repo / "a.txt").read_bytes() == b"one\n2\n"


def test_file_names_with_spaces_are_quoted_as_git_does(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "my file.txt").write_text("x，y\n", encoding="utf-8")
    proc = cli(["scan", "--diff", "--isolated", "my file.txt"], repo)
    git(["apply", "-"], repo, stdin=proc.stdout)
    assert (repo / "my file.txt").read_text(encoding="utf-8") == "x, y\n"


def test_non_ascii_file_names_are_c_quoted(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "说明 notes.txt").write_text("x，y\n", encoding="utf-8")
    proc = cli(["scan", "--diff", "--isolated", "说明 notes.txt"], repo)
    assert proc.stdout.startswith(b'diff --git "a/\\350\\257\\264')
    git(["apply", "-"], repo, stdin=proc.stdout)
    assert (repo / "说明 notes.txt").read_text(encoding="utf-8") == "x, y\n"


@pytest.mark.usefixtures("demo")
def test_diff_of_fixes_that_add_lines_applies(tmp_path: Path) -> None:
    """Unsafe fixes may add line breaks; the diff must still reproduce --fix exactly."""
    text = "".join(f"line {i} teh\r\n" if i % 7 else f"para {i}.¶next, part\r\n"
                   for i in range(60)) + "tail，end"
    sel = ["--isolated", "--unsafe-fixes", "--select", ",".join(demo_rules.SELECT)]
    repo = init_repo(tmp_path / "repo")
    (repo / "t.txt").write_text(text, encoding="utf-8", newline="")
    diff = cli(["scan", "--diff", *sel, "t.txt"], repo, demo=True)
    assert diff.returncode == 1, diff.stderr
    git(["apply", "-"], repo, stdin=diff.stdout)
    applied = (repo / "t.txt").read_bytes()
    (repo / "t.txt").write_text(text, encoding="utf-8", newline="")
    assert cli(["scan", "--fix", *sel, "t.txt"], repo, demo=True).returncode == 0
    assert (repo / "t.txt").read_bytes() == applied
    assert applied.count(b"\n") == text.count("\n") + 9
    assert b"teh" not in applied and b"tail, end" in applied
