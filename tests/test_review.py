"""``repairtool review``: driven for real through a pseudo-terminal, and without one
(``--accept``, ``--decisions``); the patches it writes apply with ``git apply``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect
import pytest

from . import demo_rules
from .repair_helpers import cli, env, git, init_repo

A_TXT = "Line one teh cat，and ** dog.\nSecond teh line ** here.\n"
B_TXT = "Other，file。\n"
SELECT = ["--isolated", "--select", ",".join(demo_rules.SELECT), "--color", "never"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "repo")
    (root / "a.txt").write_text(A_TXT, encoding="utf-8")
    (root / "b.txt").write_text(B_TXT, encoding="utf-8")
    git(["add", "."], root)
    git(["commit", "-qm", "start"], root)
    return root


def spawn(repo: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-c", demo_rules.CLI, "review", *SELECT, *args],
                          cwd=str(repo), env=env(), encoding="utf-8", timeout=15,
                          dimensions=(50, 200))
    return child


def key(child: pexpect.spawn, k: str, progress: str | None = None) -> None:
    """Wait for the key prompt (after the progress line ``progress``), then press ``k``."""
    if progress:
        child.expect_exact(progress)
    child.expect_exact("> ")
    child.send(k)


def test_interactive_review_walkthrough(repo: Path) -> None:
    child = spawn(repo, "--patch", "out.patch", "--save-decisions", "dec.json",
                  "a.txt", "b.txt")
    key(child, "a", "[1/7] a.txt:1:10  RT992")       # accept: teh -> the
    key(child, "r", "[2/7] a.txt:1:17  RT301")       # reject the comma fix
    child.expect_exact("[3/7] a.txt:1:22  RT993")
    child.expect_exact("1) [suggestion] Fill with 'the'")
    child.expect_exact("3) [suggestion] Fill with 'this'")
    key(child, "2")                                  # choose candidate 2: 'a'
    key(child, "e", "[4/7] a.txt:2:8  RT992")        # type a replacement
    child.expect_exact("replacement for 'teh'")
    child.sendline("THE")
    key(child, "u", "[5/7] a.txt:2:17  RT993")       # undo the typed replacement
    child.expect_exact("undone")
    key(child, "e", "[4/7] a.txt:2:8  RT992")        # back on 4: type again
    child.expect_exact("replacement for 'teh'")
    child.sendline("The")
    key(child, "r", "[5/7] a.txt:2:17  RT993")
    key(child, "s", "[6/7] b.txt:1:6  RT301")        # skip the rest of b.txt
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "3 accepted, 2 rejected, 2 undecided" in child.before
    patch = (repo / "out.patch").read_bytes()
    assert patch.startswith(b"# repairtool 0.1.0|rules:RT301,RT991,RT992,RT993,RT994,RT995|"
                            b"accept:interactive|lang:en|select:")
    git(["apply", "--check", "out.patch"], repo)
    git(["apply", "out.patch"], repo)
    assert (repo / "a.txt").read_text(encoding="utf-8") == (
        "Line one the cat，and a dog.\nSecond The line ** here.\n")
    assert (repo / "b.txt").read_text(encoding="utf-8") == B_TXT
    files = json.loads((repo / "dec.json").read_text(encoding="utf-8"))["files"]
    assert list(files) == ["a.txt"]  # decisions name their file; b.txt's were skipped
    decisions = files["a.txt"]
    assert sorted(map(json.dumps, decisions.values())) == sorted(map(json.dumps, [
        "accept", "reject", {"candidate": 2}, {"replace": "The"}, "reject"]))
    # Replaying the saved decisions on the same text gives the same patch, no terminal.
    git(["checkout", "--", "."], repo)
    replay = cli(["review", *SELECT, "--decisions", "dec.json", "--patch", "again.patch",
                  "a.txt", "b.txt"], repo, demo=True)
    assert replay.returncode == 0, replay.stderr
    body = (repo / "again.patch").read_bytes()
    assert body.split(b"\n", 1)[1] == patch.split(b"\n", 1)[1]
    assert b"accept:decisions" in body.split(b"\n", 1)[0]


def test_quit_keeps_what_was_decided(repo: Path) -> None:
    child = spawn(repo, "--apply", "a.txt")
    key(child, "a", "[1/5]")
    key(child, "?", "[2/5]")
    child.expect_exact("u undo")
    key(child, "q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (repo / "a.txt").read_text(encoding="utf-8") == A_TXT.replace("teh", "the", 1)


def test_overlapping_candidate_is_refused(repo: Path) -> None:
    (repo / "c.txt").write_text("xyz\n", encoding="utf-8")
    child = spawn(repo, "--patch", "c.patch", "c.txt")
    key(child, "a", "[1/2] c.txt:1:1  RT994")
    key(child, "a", "[2/2] c.txt:1:2  RT995")
    child.expect_exact("overlaps the repair you accepted on line 1")
    key(child, "r")
    child.expect(pexpect.EOF)
    child.close()
    assert b"+x yz" in (repo / "c.patch").read_bytes()


@pytest.mark.parametrize(("policy", "expected"), [
    ("safe", "Line one teh cat, and ** dog.\nSecond teh line ** here.\n"),
    ("unsafe", "Line one the cat, and ** dog.\nSecond the line ** here.\n"),
    ("all", "Line one the cat, and the dog.\nSecond the line the here.\n"),
])
def test_accept_policies_need_no_terminal(repo: Path, policy: str, expected: str) -> None:
    proc = cli(["review", *SELECT, "--accept", policy, "--apply", "a.txt"], repo, demo=True)
    assert proc.returncode == 0, proc.stderr
    assert (repo / "a.txt").read_text(encoding="utf-8") == expected


def test_patch_to_stdout_and_patch_p1(repo: Path) -> None:
    proc = cli(["review", *SELECT, "--accept", "unsafe", "a.txt", "b.txt"], repo, demo=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"# repairtool ")
    git(["apply", "--check", "-"], repo, stdin=proc.stdout)
    assert (repo / "a.txt").read_text(encoding="utf-8") == A_TXT  # nothing applied


def test_review_without_terminal_or_policy_is_an_error(repo: Path) -> None:
    proc = cli(["review", *SELECT, "a.txt"], repo, demo=True)
    assert proc.returncode == 2
    assert b"needs a terminal" in proc.stderr


def test_bad_decisions_file_is_an_error(repo: Path) -> None:
    (repo / "bad.json").write_text('{"decisions": {"x": {"candidate": 0}}}', encoding="utf-8")
    proc = cli(["review", *SELECT, "--decisions", "bad.json", "a.txt"], repo, demo=True)
    assert proc.returncode == 2
    assert b"not a decision" in proc.stderr


def test_reviewed_patch_reproduces_fix_bytes_for_utf16_crlf(tmp_path: Path) -> None:
    """The patch is bytes in the file's encoding: git apply gives what --fix writes."""
    data = b"\xff\xfe" + "First，line\r\nno final newline。".encode("utf-16-le")
    repo = init_repo(tmp_path / "repo")
    (repo / "u.txt").write_bytes(data)
    proc = cli(["review", "--isolated", "--accept", "safe", "--patch", "u.patch", "u.txt"],
               repo)
    assert proc.returncode == 0, proc.stderr
    git(["apply", "u.patch"], repo)
    applied = (repo / "u.txt").read_bytes()
    (repo / "u.txt").write_bytes(data)
    assert cli(["scan", "--fix", "--isolated", "u.txt"], repo).returncode == 0
    assert (repo / "u.txt").read_bytes() == applied
    assert applied == b"\xff\xfe" + "First, line\r\nno final newline.".encode("utf-16-le")


def test_overlapping_accepted_edits_first_in_file_wins(repo: Path) -> None:
    (repo / "c.txt").write_text("xyz and xyz\n", encoding="utf-8")
    proc = cli(["review", *SELECT, "--accept", "safe", "--apply", "c.txt"], repo, demo=True)
    assert proc.returncode == 0, proc.stderr
    assert b"4 accepted, 0 rejected, 0 undecided, 2 dropped (overlap)" in proc.stderr
    assert (repo / "c.txt").read_text(encoding="utf-8") == "x yz and x yz\n"


def test_identical_files_are_decided_one_by_one(repo: Path) -> None:
    """Ids are per file: a decision on a.txt neither decides nor skips its copy."""
    (repo / "copy.txt").write_text(A_TXT, encoding="utf-8")
    child = spawn(repo, "--patch", "out.patch", "--save-decisions", "dec.json",
                  "a.txt", "copy.txt")
    key(child, "s", "[1/10] a.txt:1:10  RT992")      # skip the rest of a.txt
    key(child, "a", "[6/10] copy.txt:1:10  RT992")   # the copy is still asked
    key(child, "q", "[7/10] copy.txt:1:17  RT301")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "1 accepted, 0 rejected, 9 undecided" in child.before
    files = json.loads((repo / "dec.json").read_text(encoding="utf-8"))["files"]
    assert files == {"copy.txt": {next(iter(files["copy.txt"])): "accept"}}
    git(["apply", "out.patch"], repo)
    assert (repo / "a.txt").read_text(encoding="utf-8") == A_TXT
    assert (repo / "copy.txt").read_text(encoding="utf-8").startswith("Line one the cat")


def test_an_empty_review_writes_no_patch_and_says_so(repo: Path) -> None:
    (repo / "clean.txt").write_text("Nothing to repair here.\n", encoding="utf-8")
    proc = cli(["review", *SELECT, "--accept", "all", "--patch", "out.patch", "clean.txt"],
               repo, demo=True)
    assert proc.returncode == 0, proc.stderr
    assert "no edit was accepted: no patch written" in proc.stderr.decode()
    assert not (repo / "out.patch").exists()
    to_stdout = cli(["review", *SELECT, "--accept", "all", "clean.txt"], repo, demo=True)
    assert to_stdout.stdout == b""
