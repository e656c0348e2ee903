"""The pre-commit hooks, run by real pre-commit against a snapshot of this checkout.

The working tree (committed or not, minus ignored files) is copied into a temporary git
repository and committed, so pre-commit can install it at a ``rev``. One hook environment
(``PRE_COMMIT_HOME``) is shared by every test of the session: installing it costs a minute.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .repair_helpers import env, git, init_repo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding the current working tree of this checkout, and its commit."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True).stdout
    dest = init_repo(tmp_path_factory.mktemp("hook-source"))
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        rel = Path(raw.decode())
        src = ROOT / rel
        if not src.is_file():
            continue  # deleted in the working tree
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    git(["add", "-A"], dest)
    git(["commit", "-qm", "snapshot of the working tree"], dest)
    rev = git(["rev-parse", "HEAD"], dest).stdout.decode().strip()
    return dest, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    e = {**env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    e.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=e,
                          capture_output=True, text=True, timeout=1200)


@pytest.fixture
def project(tmp_path: Path, hook_source: tuple[Path, str], pre_commit_home: Path
            ) -> Iterator[Path]:
    """A git repository whose .pre-commit-config.yaml uses both hooks of this checkout."""
    repo = init_repo(tmp_path / "project")
    src, rev = hook_source
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {src}\n  rev: {rev}\n  hooks:\n"
        "  - id: repairtool\n  - id: repairtool-fix\n", encoding="utf-8")
    git(["add", ".pre-commit-config.yaml"], repo)
    install = pre_commit(["install-hooks"], repo, pre_commit_home)
    assert install.returncode == 0, install.stdout + install.stderr
    yield repo


def run_hook(repo: Path, home: Path, hook: str, *files: str
             ) -> subprocess.CompletedProcess[str]:
    git(["add", *files], repo)
    return pre_commit(["run", hook, "--files", *files], repo, home)


def test_scan_hook_fails_on_an_artefact_and_passes_on_clean_text(
        project: Path, pre_commit_home: Path) -> None:
    (project / "bad.md").write_text("The ministry said，prices rose.\n", encoding="utf-8")
    (project / "good.txt").write_text("The ministry said prices rose.\n", encoding="utf-8")
    bad = run_hook(project, pre_commit_home, "repairtool", "bad.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "RT301" in bad.stdout
    good = run_hook(project, pre_commit_home, "repairtool", "good.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_fix_hook_fixes_fails_once_then_passes(project: Path, pre_commit_home: Path) -> None:
    path = project / "notes.txt"
    path.write_bytes("Prices rose（slightly）in May。\r\nNo final newline，here".encode())
    first = run_hook(project, pre_commit_home, "repairtool-fix", "notes.txt")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert path.read_bytes() == b"Prices rose(slightly) in May.\r\nNo final newline, here"
    second = run_hook(project, pre_commit_home, "repairtool-fix", "notes.txt")
    assert second.returncode == 0, second.stdout + second.stderr
    assert path.read_bytes() == b"Prices rose(slightly) in May.\r\nNo final newline, here"


def test_scan_hook_reads_translation_files(project: Path, pre_commit_home: Path) -> None:
    """identify tags a .po `pofile`, not `plain-text`: the hook used to skip it."""
    shutil.copy(ROOT / "fixtures" / "bilingual" / "app" / "de.po", project / "de.po")
    shutil.copy(ROOT / "fixtures" / "bilingual" / "app" / "notepad.pot", project / "app.pot")
    git(["add", "de.po", "app.pot"], project)
    git(["commit", "-qm", "translations"], project)
    r = pre_commit(["run", "repairtool", "--all-files"], project, pre_commit_home)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "de.po:16:32: RT810" in r.stdout
    assert "app.pot" not in r.stdout  # a template has nothing to check


def test_hooks_honour_the_config_exclude(project: Path, pre_commit_home: Path) -> None:
    """pre-commit names the excluded file; --force-exclude in the hooks skips it."""
    (project / "pyproject.toml").write_text('[tool.repairtool]\nexclude = ["vendor"]\n',
                                            encoding="utf-8")
    (project / "vendor").mkdir()
    (project / "vendor" / "bad.txt").write_text("The ministry said，prices rose.\n",
                                                encoding="utf-8")
    for hook in ("repairtool", "repairtool-fix"):
        r = run_hook(project, pre_commit_home, hook, "pyproject.toml", "vendor/bad.txt")
        assert r.returncode == 0, r.stdout + r.stderr
    assert "，" in (project / "vendor" / "bad.txt").read_text(encoding="utf-8")
