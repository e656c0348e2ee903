"""Configuration discovery, validation and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from repairtool.config import ConfigError, Settings, find_config, load_settings
from repairtool.model import Severity

from .helpers import run_cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_config_wins_walking_up(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.repairtool]\nignore = ["RT3"]\n')
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    write(tmp_path / "a" / "b" / ".repairtool.toml", 'language = "fr"\n')
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir()
    assert find_config(deep / "f.txt") == tmp_path / "a" / "b" / ".repairtool.toml"
    assert find_config(tmp_path / "a" / "f.txt") == tmp_path / "pyproject.toml"


def test_settings_are_read_and_validated(tmp_path: Path) -> None:
    (tmp_path / "terms.toml").write_text("", encoding="utf-8")  # a lexicon must exist
    cfg = write(tmp_path / ".repairtool.toml", """
select = ["RT3"]
ignore = ["RT301"]
language = "en-GB"
exclude = ["drafts/*"]
lexicons = ["terms.toml"]
fail-on = "error"
min-severity = "info"
[severity]
RT3 = "error"
[per-file-ignores]
"*.md" = ["RT301"]
""")
    s = load_settings(cfg)
    assert s.select == ("RT3",) and s.ignore == ("RT301",) and s.language == "en-GB"
    assert s.lexicons == (tmp_path / "terms.toml",)
    assert s.fail_on is Severity.ERROR and s.min_severity is Severity.INFO
    assert s.severity_of("RT301", Severity.WARNING) is Severity.ERROR
    assert s.file_ignores(str(tmp_path / "x" / "y.md")) == ["RT301"]
    assert s.is_excluded(str(tmp_path / "drafts" / "a.txt"))
    assert not s.is_excluded(str(tmp_path / "final" / "a.txt"))


@pytest.mark.parametrize(("text", "message"), [
    ("select = [", "invalid TOML"),
    ("colour = true", "unknown setting 'colour'"),
    ('select = ["XY1"]', "unknown rule code or prefix 'XY1'"),
    ('select = "RT3"', "select must be a list"),
    ('fail-on = "fatal"', "unknown severity"),
    ("[severity]\nRT301 = 'loud'", "unknown severity"),
    ("per-file-ignores = 3", "per-file-ignores must map"),
])
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    cfg = write(tmp_path / ".repairtool.toml", text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(cfg)
    assert str(cfg) in str(info.value)


def test_bad_config_exits_2_and_names_the_file(tmp_path: Path) -> None:
    write(tmp_path / ".repairtool.toml", "select = [")
    write(tmp_path / "ok" / "a.txt", "Fine text.\n")
    r = run_cli("scan", "ok/a.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert ".repairtool.toml: invalid TOML" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_flags_override_the_file(tmp_path: Path) -> None:
    write(tmp_path / ".repairtool.toml", 'ignore = ["RT301"]\n')
    write(tmp_path / "a.txt", "Said，then.\n")
    assert run_cli("scan", "a.txt", cwd=tmp_path).returncode == 0
    assert run_cli("scan", "--isolated", "a.txt", cwd=tmp_path).returncode == 1
    write(tmp_path / "other.toml", "")
    assert run_cli("scan", "--config", "other.toml", "a.txt", cwd=tmp_path).returncode == 1
    r = run_cli("scan", "--config", "nope.toml", "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "nope.toml: no such config file" in r.stderr


def test_exclude_skips_files_in_folders(tmp_path: Path) -> None:
    write(tmp_path / ".repairtool.toml", 'exclude = ["drafts"]\n')
    write(tmp_path / "drafts" / "a.txt", "Said，then.\n")
    write(tmp_path / "final" / "b.txt", "Said then.\n")
    assert run_cli("scan", ".", cwd=tmp_path).returncode == 0
    assert run_cli("scan", "--exclude", "final", ".", cwd=tmp_path, ).returncode == 0
    assert run_cli("scan", "--isolated", ".", cwd=tmp_path).returncode == 1


def test_gitignore_is_honoured_in_a_repository(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "build/\n")
    write(tmp_path / "build" / "out.txt", "Said，then.\n")
    write(tmp_path / "src" / "in.txt", "Said then.\n")
    assert run_cli("scan", ".", cwd=tmp_path).returncode == 0
    write(tmp_path / "src" / "new.txt", "Said，then.\n")  # untracked but not ignored
    assert run_cli("scan", ".", cwd=tmp_path).returncode == 1


def test_default_settings_select_every_default_rule() -> None:
    codes = Settings().enabled_codes()
    assert "RT301" in codes and "RT001" in codes
