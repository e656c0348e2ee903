"""The repair stage: which fixes apply, line-break safety, overlaps, passes, exact and atomic
write-back, exit codes of ``scan --fix`` / ``--diff``."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from repairtool.config import Settings
from repairtool.engine import scan_file, scan_text
from repairtool.fixes import MAX_PASSES, apply_edits, fix_text
from repairtool.model import Applicability, Finding, Fix, RuleInfo, Severity
from repairtool.repair import WriteError, repair, write_atomic
from repairtool.rules.base import registry

from . import demo_rules
from .repair_helpers import cli, demo  # noqa: F401  (the fixture `demo`)
from .test_rule_fixtures import load_cases

DEMO = Settings(select=demo_rules.SELECT)


def fix(text: str, level: Applicability, settings: Settings = DEMO, kind: str = "text") -> str:
    return fix_text(text, lambda t: scan_text(t, kind=kind, settings=settings), level).text


# --- which fixes apply -----------------------------------------------------------------

@pytest.mark.usefixtures("demo")
def test_levels_safe_unsafe_suggestion() -> None:
    text = "We saw teh cat，and ** dog.\n"
    assert fix(text, Applicability.SAFE) == "We saw teh cat, and ** dog.\n"
    assert fix(text, Applicability.UNSAFE) == "We saw the cat, and ** dog.\n"
    # Suggestions are applied only at the SUGGESTION level, which --fix never uses.
    assert fix(text, Applicability.SUGGESTION) == "We saw the cat, and the dog.\n"


@pytest.mark.usefixtures("demo")
def test_safe_fix_adding_a_line_break_is_demoted() -> None:
    text = "First part.¶Second part.\n"
    found = scan_text(text, settings=Settings(select=("RT991",)))
    assert [fx.applicability for f in found for fx in f.fixes] == [Applicability.UNSAFE]
    assert fix(text, Applicability.SAFE) == text
    assert fix(text, Applicability.UNSAFE) == "First part.\nSecond part.\n"


def test_fix_text_demotes_line_breaks_from_any_scanner() -> None:
    """Even a scanner that bypasses the engine cannot get a line break past a safe run."""
    info = RuleInfo("RT999", "raw", "demo", Severity.WARNING)

    def scan(text: str) -> list[Finding]:
        out = []
        if "a b" in text:
            i = text.index("a b")
            out.append(Finding(info, i, i + 3, "m", Severity.WARNING, [
                Fix.replace("join", i + 1, i + 2, "\r\n", Applicability.SAFE)]))
        if "x\ny" in text:
            i = text.index("x\ny")
            out.append(Finding(info, i, i + 3, "m", Severity.WARNING, [
                Fix.replace("unwrap", i + 1, i + 2, " ", Applicability.SAFE)]))
        return out

    assert fix_text("a b", scan, Applicability.SAFE).text == "a b"
    assert fix_text("x\ny", scan, Applicability.SAFE).text == "x\ny"
    assert fix_text("x\ny", scan, Applicability.UNSAFE).text == "x y"


@pytest.mark.usefixtures("demo")
def test_overlapping_fixes_first_wins_then_next_pass() -> None:
    result = fix_text("xyz\n", lambda t: scan_text(t, settings=DEMO), Applicability.SAFE)
    assert result.text == "x y z\n"
    assert result.passes == 2
    assert [f.rule.code for f, _ in result.applied] == ["RT994", "RT995"]
    assert result.converged and result.remaining == []


@pytest.mark.usefixtures("demo")
def test_a_fix_that_regrows_its_finding_is_caught() -> None:
    settings = Settings(select=("RT996",))
    result = fix_text("aqqb", lambda t: scan_text(t, settings=settings), Applicability.SAFE)
    assert not result.converged
    assert result.passes == MAX_PASSES
    assert fix_invariant_problems("RT996", "aqqb", "text", "en")


def fix_invariant_problems(code: str, text: str, kind: str, language: str) -> list[str]:
    """What is wrong with rule ``code``'s fixes on ``text`` (empty when nothing)."""
    settings = Settings(select=(code,))

    def scan(t: str) -> list[Finding]:
        return scan_text(t, kind=kind, language=language, settings=settings)

    before = scan(text)
    result = fix_text(text, scan, Applicability.UNSAFE, findings=before)
    problems = []
    if not result.converged:
        problems.append("fixes do not converge")
    fixable_after = [f for f in result.remaining if f.fixes]
    if before and len(fixable_after) >= len([f for f in before if f.fixes]) and result.applied:
        problems.append(f"fixing left {len(fixable_after)} fixable findings")
    again = fix_text(result.text, scan, Applicability.UNSAFE)
    if again.text != result.text:
        problems.append("fixing twice changes the text again")
    return problems


def regrown(code: str, text: str, kind: str = "text", language: str = "en") -> list[str]:
    """Fixes of rule ``code`` on ``text`` that, applied alone, leave a finding of the same
    rule on the text they wrote (a fix must never create a finding of its own rule)."""
    settings = Settings(select=(code,))
    out = []
    for f in scan_text(text, kind=kind, language=language, settings=settings):
        for fx in f.fixes:
            new = apply_edits(text, fx.edits)
            written, shift = [], 0
            for e in sorted(fx.edits, key=lambda e: e.start):
                written.append((e.start + shift, e.start + shift + len(e.replacement)))
                shift += len(e.replacement) - (e.end - e.start)
            for g in scan_text(new, kind=kind, language=language, settings=settings):
                if any(g.start < b and a < g.end if a < b else g.start < a < g.end
                       for a, b in written):
                    out.append(f"{fx.title!r} -> {new[g.start:g.end]!r}")
    return out


@pytest.mark.usefixtures("demo")
def test_regrown_detects_a_fix_that_creates_its_own_finding() -> None:
    assert regrown("RT996", "aqqb")
    assert regrown("RT301", "One，two") == []


def _fire_cases() -> list:
    out = []
    for code, rule in registry().items():
        if not rule.fixable:
            continue
        for i, case in enumerate(load_cases(code).get("fire", [])):
            out.append(pytest.param(code, case, id=f"{code}-{i}"))
    return out


@pytest.mark.parametrize(("code", "case"), _fire_cases())
def test_every_real_rule_fix_converges_and_is_idempotent(code: str, case: dict) -> None:
    kind, language = case.get("kind", "text"), case.get("language", "en")
    assert fix_invariant_problems(code, case["text"], kind, language) == []
    assert regrown(code, case["text"], kind, language) == []


# --- Markdown: only prose is edited ----------------------------------------------------

MARKDOWN = (
    "# Title，here\n\n"
    "Prose，with `code，span` and [a link](https://example.com/a，b) here。\n\n"
    "```\nfenced，code。\n```\n\n"
    "    indented，code\n\n"
    "<div>html，block</div>\n"
)


def test_markdown_fixes_touch_only_prose(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    proc = cli(["scan", "--fix", "--isolated", str(path)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8") == MARKDOWN.replace(
        "Title，here", "Title, here").replace("Prose，with", "Prose, with").replace(
        ") here。", ") here.")


@pytest.mark.usefixtures("demo")
def test_engine_drops_fixes_that_edit_masked_text() -> None:
    """A finding in prose keeps no fix that would reach into a code span."""
    settings = Settings(select=("RT997",))
    prose = "Drop @@xy here.\n"
    reach = "Drop @@`x` here.\n"
    assert [len(f.fixes) for f in scan_text(prose, kind="markdown", settings=settings)] == [1]
    assert [len(f.fixes) for f in scan_text(reach, kind="markdown", settings=settings)] == [0]
    assert [len(f.fixes) for f in scan_text(reach, kind="text", settings=settings)] == [1]
    assert fix(reach, Applicability.SAFE, settings, kind="markdown") == reach
    assert fix(prose, Applicability.SAFE, settings, kind="markdown") == "Drop  here.\n"


# --- exact, atomic write-back ----------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "expected", "args"), [
    ("utf16.txt", codecs.BOM_UTF16_LE + "Line，one\r\n\tTab。\r\n".encode("utf-16-le"),
     codecs.BOM_UTF16_LE + "Line, one\r\n\tTab.\r\n".encode("utf-16-le"), []),
    ("utf16be.txt", codecs.BOM_UTF16_BE + "A，b\n".encode("utf-16-be"),
     codecs.BOM_UTF16_BE + "A, b\n".encode("utf-16-be"), []),
    ("bom.txt", codecs.BOM_UTF8 + "Go，now\r\nok".encode(), codecs.BOM_UTF8 + b"Go, now\r\nok",
     []),
    ("gb.txt", "他说 Prices rose，sharply。\n".encode("gb18030"),
     "他说 Prices rose, sharply.\n".encode("gb18030"),
     ["--encoding", "gb18030", "--ignore", "RT303"]),  # the CJK is there for the encoding
    ("nonl.txt", "No final newline，here。".encode(), b"No final newline, here.", []),
    ("mixed.txt", "a，b\r\nc，d\ne\r".encode(), b"a, b\r\nc, d\ne\r", []),
])
def test_fix_round_trips_bytes(tmp_path: Path, name: str, data: bytes, expected: bytes,
                               args: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    proc = cli(["scan", "--fix", "--isolated", *args, name], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == expected
    # Fixing twice changes nothing the second time.
    again = cli(["scan", "--fix", "--exit-non-zero-on-fix", "--isolated", *args, name],
                tmp_path)
    assert again.returncode == 0, again.stderr
    assert path.read_bytes() == expected


def test_atomic_write_keeps_mode_and_replaces_the_inode(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("One，two\n", encoding="utf-8")
    os.chmod(path, 0o640)
    inode = os.stat(path).st_ino
    proc = cli(["scan", "--fix", "--isolated", "a.txt"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    st = os.stat(path)
    assert oct(st.st_mode & 0o777) == oct(0o640)
    assert st.st_ino != inode  # written to a temporary file and renamed
    assert path.read_text(encoding="utf-8") == "One, two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temporary file left


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("One，two\n", encoding="utf-8")
    result = scan_file(path, "a.txt", settings=Settings())
    rep = repair(result, Applicability.SAFE)
    path.write_text("Someone else's edit，here\n", encoding="utf-8")
    assert result.source is not None
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(path, rep.new_bytes(), result.source)
    assert path.read_text(encoding="utf-8") == "Someone else's edit，here\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_same_size_change_with_restored_mtime_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("One，two\n", encoding="utf-8")
    result = scan_file(path, "a.txt", settings=Settings())
    st = os.stat(path)
    path.write_text("Two，one\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert result.source is not None
    with pytest.raises(WriteError):
        write_atomic(path, b"x", result.source)
    assert path.read_text(encoding="utf-8") == "Two，one\n"


# --- exit codes ------------------------------------------------------------------------

@pytest.mark.usefixtures("demo")
def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One，two\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("Nothing to see.\n", encoding="utf-8")
    sel = ["--isolated", "--select", ",".join(demo_rules.SELECT)]
    diff = cli(["scan", "--diff", *sel, "a.txt", "clean.txt"], tmp_path, demo=True)
    assert diff.returncode == 1 and b"+One, two" in diff.stdout
    assert b"would fix 1 finding in 1 file" in diff.stderr
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "One，two\n"  # --diff writes nothing
    assert cli(["scan", "--diff", *sel, "clean.txt"], tmp_path, demo=True).returncode == 0
    assert cli(["scan", "--fix", "--exit-non-zero-on-fix", *sel, "a.txt"], tmp_path,
               demo=True).returncode == 1
    assert cli(["scan", "--fix", "--exit-non-zero-on-fix", *sel, "a.txt"], tmp_path,
               demo=True).returncode == 0
    # An unsafe fix is not applied by --fix: the finding remains, so exit 1.
    (tmp_path / "b.txt").write_text("We saw teh cat ** here.\n", encoding="utf-8")
    proc = cli(["scan", "--fix", *sel, "b.txt"], tmp_path, demo=True)
    assert proc.returncode == 1 and b"RT992" in proc.stdout
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "We saw teh cat ** here.\n"
    proc = cli(["scan", "--fix", "--unsafe-fixes", *sel, "b.txt"], tmp_path, demo=True)
    # The suggestion (RT993) is never applied without a person: still a finding.
    assert proc.returncode == 1 and b"RT993" in proc.stdout and b"RT992" not in proc.stdout
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "We saw the cat ** here.\n"
    proc = cli(["scan", "--fix", "--fail-on", "error", *sel, "b.txt"], tmp_path, demo=True)
    assert proc.returncode == 0


def test_fix_reads_stdin_and_prints_the_fixed_text(tmp_path: Path) -> None:
    proc = cli(["scan", "--fix", "--isolated", "-"], tmp_path, stdin="A，b\r\n".encode())
    assert proc.stdout == b"A, b\r\n"
    assert proc.returncode == 0


def test_fix_through_a_symlink_rewrites_the_target(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("One，two\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("real.txt")
    proc = cli(["scan", "--fix", "--isolated", "link.txt"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "link.txt").is_symlink()
    assert target.read_text(encoding="utf-8") == "One, two\n"
