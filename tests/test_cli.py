"""The scan command as a user runs it: formats, exit codes, paths, stdin, baselines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .helpers import run_cli

ARTEFACT = "The ministry said，prices would rise.\n"
CLEAN = "The ministry said prices would rise.\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (tmp_path / "docs" / "sub" / "b.md").write_text("# B\n\n" + ARTEFACT, encoding="utf-8")
    (tmp_path / "docs" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "docs" / "script.py").write_text("x = '，'\n", encoding="utf-8")
    return tmp_path


def test_human_format(tree: Path) -> None:
    r = run_cli("scan", "docs/a.txt", cwd=tree)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "docs/a.txt:1:18: RT301 full-width form '，' in English text"
    assert lines[1] == "  " + ARTEFACT.rstrip("\n")
    assert lines[2] == "  " + " " * 17 + "^^"  # a full-width comma takes two columns
    assert "fix: Replace" in lines[3]
    assert re.search(r"1 finding; .*1 file checked\.", r.stdout)
    assert "\x1b[" not in r.stdout


def test_colour_only_when_asked_or_on_a_terminal(tree: Path) -> None:
    assert "\x1b[" in run_cli("scan", "--color", "always", "docs/a.txt", cwd=tree).stdout
    assert "\x1b[" not in run_cli("scan", "docs/a.txt", cwd=tree,
                                  env={"NO_COLOR": ""}).stdout


def test_folder_paths_are_joined_as_given_and_only_text_files_read(tree: Path) -> None:
    r = run_cli("scan", "--format", "json", "docs", cwd=tree)
    data = json.loads(r.stdout)
    assert sorted({f["path"] for f in data["findings"]}) == ["docs/a.txt", "docs/sub/b.md"]
    assert data["summary"]["files"] == 3
    r = run_cli("scan", "--format", "json", "./docs/", cwd=tree)
    assert sorted({f["path"] for f in json.loads(r.stdout)["findings"]}) == \
        ["./docs/a.txt", "./docs/sub/b.md"]


def test_json_document(tree: Path) -> None:
    r = run_cli("scan", "--format", "json", "docs/sub/b.md", cwd=tree)
    assert r.returncode == 1 and r.stderr == ""
    data = json.loads(r.stdout)
    assert data["version"] == 1
    (f,) = data["findings"]
    assert set(f) == {"id", "path", "line", "column", "end_line", "end_column", "start", "end",
                      "rule", "name", "category", "severity", "message", "fixes"}
    text = (tree / "docs/sub/b.md").read_text(encoding="utf-8")
    assert text[f["start"]:f["end"]] == "，"
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (3, 18, 3, 19)
    assert f["fixes"][0]["applicability"] == "safe"
    assert f["fixes"][0]["edits"] == [{"start": f["start"], "end": f["end"], "replacement": ", "}]
    assert data["summary"]["findings"] == 1


def test_ids_are_stable_when_text_elsewhere_changes(tree: Path) -> None:
    p = tree / "docs" / "a.txt"
    first = json.loads(run_cli("scan", "--format", "json", str(p)).stdout)["findings"][0]["id"]
    p.write_text("A new first line.\n\n" + ARTEFACT, encoding="utf-8")
    again = json.loads(run_cli("scan", "--format", "json", str(p)).stdout)["findings"][0]
    assert again["id"] == first and again["line"] == 3


def test_github_format(tree: Path) -> None:
    r = run_cli("scan", "--format", "github", "docs/a.txt", cwd=tree)
    assert r.stdout.startswith(
        "::warning file=docs/a.txt,line=1,col=18,endLine=1,endColumn=19,"
        "title=RT301 full-width-form::full-width form")


def test_exit_codes(tree: Path) -> None:
    assert run_cli("scan", "docs/clean.txt", cwd=tree).returncode == 0
    assert run_cli("scan", "docs/a.txt", cwd=tree).returncode == 1
    assert run_cli("scan", "--exit-zero", "docs/a.txt", cwd=tree).returncode == 0
    assert run_cli("scan", "--fail-on", "error", "docs/a.txt", cwd=tree).returncode == 0
    r = run_cli("scan", "docs/a.txt", "missing.txt", cwd=tree)
    assert r.returncode == 2
    assert "missing.txt: error: no such file or directory" in r.stderr
    assert "docs/a.txt:1:18" in r.stdout
    here = run_cli("scan", cwd=tree)  # no path: the current folder, as ruff does
    assert here.returncode == 1 and "\ndocs/a.txt:1:18" in "\n" + here.stdout
    assert run_cli("scan", "--select", "XX9", "docs/a.txt", cwd=tree).returncode == 2


def test_severity_override_and_min_severity(tree: Path) -> None:
    (tree / ".repairtool.toml").write_text('[severity]\nRT301 = "info"\n', encoding="utf-8")
    r = run_cli("scan", "docs/a.txt", cwd=tree)
    assert r.returncode == 0 and "RT301" not in r.stdout
    r = run_cli("scan", "--min-severity", "info", "docs/a.txt", cwd=tree)
    assert "RT301" in r.stdout and r.returncode == 0
    assert run_cli("scan", "--fail-on", "info", "docs/a.txt", cwd=tree).returncode == 1


def test_stdin(tree: Path) -> None:
    r = run_cli("scan", "-", input=ARTEFACT.encode(), cwd=tree)
    assert r.returncode == 1 and r.stdout.startswith("-:1:18: RT301")
    r = run_cli("scan", "--stdin-filename", "x.md", "-", input=b"`a\xef\xbc\x8cb`\n", cwd=tree)
    assert r.returncode == 0


def test_baseline_reports_only_new_findings(tree: Path) -> None:
    base = tree / "baseline.json"
    r = run_cli("scan", "--baseline", str(base), "docs", cwd=tree)
    assert r.returncode == 0 and base.exists()
    assert run_cli("scan", "--baseline", str(base), "docs", cwd=tree).returncode == 0
    with (tree / "docs" / "a.txt").open("a", encoding="utf-8") as fh:
        fh.write("A second problem，here.\n")
    r = run_cli("scan", "--baseline", str(base), "--format", "json", "docs", cwd=tree)
    found = json.loads(r.stdout)["findings"]
    assert r.returncode == 1 and [f["line"] for f in found] == [2]


def test_select_ignore_and_per_file_ignores(tree: Path) -> None:
    assert run_cli("scan", "--ignore", "RT3", "docs/a.txt", cwd=tree).returncode == 0
    assert run_cli("scan", "--select", "RT301", "docs/a.txt", cwd=tree).returncode == 1
    (tree / "pyproject.toml").write_text(
        '[tool.repairtool]\nper-file-ignores = { "sub/*.md" = ["RT301"] }\n', encoding="utf-8")
    (tree / "docs" / "pyproject.toml").write_text(
        '[tool.repairtool]\nper-file-ignores = { "sub/*.md" = ["RT301"] }\n', encoding="utf-8")
    assert run_cli("scan", "docs/sub/b.md", cwd=tree).returncode == 0
    assert run_cli("scan", "docs/a.txt", cwd=tree).returncode == 1


def test_rules_and_rule_commands() -> None:
    r = run_cli("rules")
    assert r.returncode == 0 and "RT301  full-width-form" in r.stdout
    r = run_cli("rule", "rt301")
    assert r.returncode == 0
    for section in ("What it does", "Why it matters", "Example", "Use instead", "Fix safety"):
        assert f"## {section}" in r.stdout
    assert run_cli("rule", "RT999").returncode == 2
    rows = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"code", "name", "category", "severity", "fixable", "languages"} <= set(rows[0])


def test_language_setting_switches_rules_off(tree: Path) -> None:
    (tree / "zh.txt").write_text("价格上涨，政府说。\n", encoding="utf-8")
    assert run_cli("scan", "--language", "zh", "docs/a.txt", cwd=tree).returncode == 0
    (tree / ".repairtool.toml").write_text('language = "zh-CN"\n', encoding="utf-8")
    assert run_cli("scan", "docs/a.txt", cwd=tree).returncode == 0
