"""Everyday workflows of issue 12 (parts 1 and 3): stdin fixing, partner flags, language
codes, the summary's wording, ruff-style report options, SARIF details, and one table of
suffixes for folder scans and the pre-commit hooks. Each test failed before its change."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from repairtool.bilingual.kinds import is_scanned
from repairtool.output import Summary, fix_lines, plural
from repairtool.output.sarif import rule_descriptor, short_description
from repairtool.rules.base import registry

from .helpers import ROOT, run_cli

# A case join (unsafe fix), a full-width stop (safe fix) and a masked hole (7 candidates,
# the unsafe removal last).
DAMAGED = "The analysts askedWhy prices rose。\nThe new ** said.\n"
FIXTURES = ROOT / "fixtures" / "bilingual"


def test_fix_from_stdin_writes_only_the_fixed_text_to_stdout() -> None:
    r = run_cli("scan", "--fix", "-", input=DAMAGED.encode())
    assert r.stdout == "The analysts askedWhy prices rose.\nThe new ** said.\n"
    assert "RT202" in r.stderr and "RT101" in r.stderr  # what remains, on stderr
    assert "RT301" not in r.stderr  # fixed
    assert r.returncode == 1  # the exit code counts what remains


def test_fix_from_stdin_exits_zero_when_nothing_remains() -> None:
    r = run_cli("scan", "--fix", "-", input="Prices rose。\n".encode())
    assert (r.stdout, r.returncode) == ("Prices rose.\n", 0)


@pytest.mark.parametrize("flag", ["--language", "--target-lang", "--source-lang"])
@pytest.mark.parametrize("value", ["english", "xx", "en GB"])
def test_unknown_language_codes_are_refused_in_one_line(tmp_path: Path, flag: str,
                                                        value: str) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", flag, value, "a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert f"unknown language code {value!r}" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("value", ["en-GB", "en_US", "EN"])
def test_regional_english_codes_check_as_english(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    plain = run_cli("scan", "--format", "json", "a.txt", cwd=tmp_path)
    regional = run_cli("scan", "--format", "json", "--language", value, "a.txt", cwd=tmp_path)
    codes = [f["rule"] for f in json.loads(regional.stdout)["findings"]]
    assert codes and codes == [f["rule"] for f in json.loads(plain.stdout)["findings"]]


@pytest.mark.parametrize("value", ["english", "xx"])
def test_unknown_language_in_the_config_file_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.repairtool]\nlanguage = "{value}"\n',
                                             encoding="utf-8")
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    for args in (["a.txt"], ["--config", "pyproject.toml", "a.txt"]):
        r = run_cli("scan", *args, cwd=tmp_path)
        assert r.returncode == 2
        lines = [line for line in r.stderr.splitlines() if "language" in line]
        assert len(lines) == 1 and "Traceback" not in r.stderr
        assert "pyproject.toml: language: unknown language code" in lines[0]
        assert repr(value) in lines[0]


@pytest.mark.parametrize("value", ["en-GB", "en_US"])
def test_regional_english_in_the_config_file_checks_as_english(tmp_path: Path,
                                                               value: str) -> None:
    (tmp_path / ".repairtool.toml").write_text(f'language = "{value}"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", "--format", "json", "a.txt", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "RT202" in {f["rule"] for f in json.loads(r.stdout)["findings"]}


def test_update_baseline_without_baseline_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", "--update-baseline", "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "--update-baseline needs --baseline" in r.stderr


@pytest.mark.parametrize("flag", ["--unsafe-fixes", "--exit-non-zero-on-fix", "--show-fixes"])
def test_flags_without_their_partner_warn(tmp_path: Path, flag: str) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", flag, "a.txt", cwd=tmp_path)
    assert f"warning: {flag} does nothing without --fix" in r.stderr
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == DAMAGED


def test_summary_plurals_and_the_two_fix_levels() -> None:
    assert [plural(n, "warning") for n in (0, 1, 11)] == ["0 warnings", "1 warning",
                                                          "11 warnings"]
    r = run_cli("scan", "-", input=DAMAGED.encode())
    summary = r.stdout.strip().splitlines()[-1]
    # askedWhy's unsafe repair; `The new ** said` offers fills only (no removal).
    assert summary == ("3 findings; 3 warnings; 1 fixable with --fix; 1 more with --fix "
                       "--unsafe-fixes; 1 file checked.")


def test_nothing_read_says_so(tmp_path: Path) -> None:
    r = run_cli("scan", "missing.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout.strip() == "no file could be checked (1 file given)."
    # A bad config stops the scan of a file that exists: it was not checked, though readable.
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.repairtool]\nfail-on = 1\n",
                                             encoding="utf-8")
    r = run_cli("scan", "a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout.strip() == "no file could be checked (1 file given)."
    assert "pyproject.toml: fail-on must be a string" in r.stderr
    s = Summary(files=2, errors=[("a", "x")])
    assert s.line().endswith("1 file checked; 1 could not be checked.")


def test_human_output_counts_hidden_candidates_and_shows_the_unsafe_removal() -> None:
    # Removing a hole is offered only where the sentence reads without it (not for the head
    # of a noun phrase, `The new ** said`), and then it is always shown.
    removal = run_cli("scan", "-", input=b"The ** Ministry said it would act.\n")
    assert "unsafe: Remove the hole" in removal.stdout
    r = run_cli("scan", "-", input=b"The new ** said.\n")
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("  ")
             and ln.lstrip()[:1] in "=|"]
    more = [ln for ln in lines if "more" in ln]
    shown = len(lines) - len(more)
    total = len(json.loads(run_cli("scan", "--format", "json", "-",
                                   input=b"The new ** said.\n").stdout)
                    ["findings"][0]["fixes"])
    assert more == [f"  | +{total - shown} more (see --format json or review)"]
    assert fix_lines([]) == []


def test_statistics_quiet_and_output_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", "--statistics", "-q", "--output-file", "report.txt", "a.txt",
                cwd=tmp_path)
    assert r.returncode == 1
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "a.txt:1:14: RT202" in report
    assert "finding" not in report.splitlines()[-1]  # -q: no summary line
    assert re.search(r"^\s+1  RT101  masked-token$", report, re.MULTILINE)
    assert r.stdout == ""


def test_show_fixes_lists_each_applied_fix(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", "--fix", "--show-fixes", "a.txt", cwd=tmp_path)
    assert "a.txt: fixed RT301 Replace '。' with '.'" in r.stderr


def test_scan_without_a_path_scans_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    r = run_cli("scan", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout.startswith("sub/a.txt:1:14: RT202")


def test_force_exclude_applies_the_config_to_named_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.repairtool]\nexclude = ["vendor"]\n',
                                             encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    assert run_cli("scan", "vendor/a.txt", cwd=tmp_path).returncode == 1
    r = run_cli("scan", "--force-exclude", "vendor/a.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sarif_short_descriptions_are_one_short_line_with_a_help_uri() -> None:
    for rule in registry().values():
        d = rule_descriptor(rule)
        short = d["shortDescription"]["text"]
        assert "\n" not in short and 0 < len(short) <= 120, rule.code
    assert short_description("Finds a thing. And more.") == "Finds a thing."


@pytest.mark.parametrize("urls, expected", [
    ([], None),
    (["Homepage, https://example.invalid/repairtool"], None),  # a placeholder host
    (["Documentation, https://docs.example.com/x"], None),
    (["Repository, https://git.example.org/mt/repairtool",
      "Documentation, https://mt.example.ac.uk/repairtool/"],
     "https://mt.example.ac.uk/repairtool#rules"),
])
def test_sarif_help_uri_is_the_published_rule_reference_or_absent(
        monkeypatch: pytest.MonkeyPatch, urls: list[str], expected: str | None) -> None:
    """helpUri comes from the package's ``[project.urls]``, never from a made-up host; the
    document stays schema-valid with it and without it."""
    import importlib.metadata

    from repairtool.output import sarif

    from .test_formats import validator

    class Meta:
        def get_all(self, key: str) -> list[str]:
            return urls if key == "Project-URL" else []

    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: Meta())
    sarif.docs_url.cache_clear()
    try:
        for rule in registry().values():
            assert rule_descriptor(rule).get("helpUri") == expected, rule.code
        log = json.loads(sarif.sarif_stream(False).start() + sarif.sarif_stream(False).end())
        info = log["runs"][0]["tool"]["driver"].get("informationUri")
        assert (info and info.rstrip("/")) == (expected and expected.removesuffix("#rules"))
        assert list(validator("sarif-schema-2.1.0.json").iter_errors(log)) == []
    finally:
        sarif.docs_url.cache_clear()


def test_sarif_uris_absolute_as_file_and_relative_to_the_repo_root(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    absolute = run_cli("scan", "--format", "sarif", str(tmp_path / "docs" / "a.txt"))
    uri = json.loads(absolute.stdout)["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tmp_path / "docs" / "a.txt").as_uri()
    inside = run_cli("scan", "--format", "sarif", "a.txt", cwd=tmp_path / "docs")
    uri = json.loads(inside.stdout)["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "docs/a.txt"


def test_folder_scans_read_every_format_a_named_file_is_read_as(tmp_path: Path) -> None:
    """strings.xml, .strings, .srt, .vtt, i18next JSON and .mdx scan in folders too."""
    names = ["values-zh/strings.xml", "Localizable.strings", "subs.srt", "subs.vtt",
             "locales/en.json"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "page.mdx").write_text("# Page\n\nThe ministry said，prices rose.\n",
                                       encoding="utf-8")
    (tmp_path / "other.json").write_text('{"a": "b，c"}', encoding="utf-8")
    r = run_cli("scan", "--format", "json", ".", cwd=tmp_path)
    scanned = json.loads(r.stdout)["summary"]["files"]
    assert scanned == len(names) + 1  # other.json (no locale folder) is not a translation


HOOK_NAMES = ["a.txt", "a.md", "doc.mdx", "po/fr.po", "po/app.pot", "x.xlf", "x.xliff",
              "m.tmx", "res/values-zh/strings.xml", "res/values/other.xml", "strings.xml",
              "en.lproj/Localizable.strings", "s.srt", "s.vtt", "locales/de.json",
              "public/locales/en/translation.json", "package.json", "setup.py", "a.xml",
              "notes.rst", "data.tsv", "PO/FR.PO"]


def test_hook_file_pattern_is_the_folder_scan_table() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert "--force-exclude" in hook["entry"]
        pattern = re.compile(hook["files"])
        for name in HOOK_NAMES:
            assert bool(pattern.search(name)) == is_scanned(name), (hook["id"], name)


def test_add_noqa_suppresses_todays_findings_line_by_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED + "Clean line.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# T\n\nThe ministry said，prices rose.\n", encoding="utf-8")
    shutil.copy(FIXTURES / "app" / "de.po", tmp_path / "de.po")
    po_before = (tmp_path / "de.po").read_bytes()
    r = run_cli("scan", "--isolated", "--add-noqa", "a.txt", "b.md", "de.po", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "added 3 noqa directives in 2 files" in r.stderr
    assert (tmp_path / "a.txt").read_text(encoding="utf-8").splitlines() == [
        "The analysts askedWhy prices rose。  repairtool: noqa RT202, RT301",
        "The new ** said.  repairtool: noqa RT101", "Clean line."]
    assert (tmp_path / "b.md").read_text(encoding="utf-8").endswith(
        "prices rose. <!-- repairtool: noqa RT301 -->\n")
    assert (tmp_path / "de.po").read_bytes() == po_before  # a comment in a translation ships
    again = run_cli("scan", "--isolated", "a.txt", "b.md", cwd=tmp_path)
    assert again.returncode == 0, again.stdout
    twice = run_cli("scan", "--isolated", "--add-noqa", "a.txt", cwd=tmp_path)
    assert "added 0 noqa directives" in twice.stderr


def test_corpus_text_field_that_matches_no_record_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"body": "The ministry said，prices rose."}\n',
                                      encoding="utf-8")
    r = run_cli("corpus", "scan", "a.jsonl", "-o", "out", "--no-progress", cwd=tmp_path)
    assert r.returncode == 2
    assert "does --text-field 'text' name a field of them?" in r.stderr
    ok = run_cli("corpus", "scan", "a.jsonl", "-o", "out2", "--no-progress", "--text-field",
                 "body", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr


def test_corpus_scheduler_needs_the_dask_engine(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "Fine."}\n', encoding="utf-8")
    r = run_cli("corpus", "scan", "a.jsonl", "-o", "out", "--scheduler", "tcp://127.0.0.1:1",
                cwd=tmp_path)
    assert r.returncode == 2 and "--scheduler needs --engine dask" in r.stderr


@pytest.mark.slow
def test_corpus_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    (tmp_path / "a.jsonl").write_text('{"text": "Fine."}\n', encoding="utf-8")
    r = run_cli("corpus", "scan", "a.jsonl", "-o", "out", "--engine", "dask", "--scheduler",
                "tcp://127.0.0.1:1", "--no-progress", cwd=tmp_path)
    assert r.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in r.stderr
    assert "Traceback" not in r.stderr
