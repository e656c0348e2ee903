"""The code is ruff- and mypy-clean: the suite fails the moment either reports a problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_reports_nothing() -> None:
    pytest.importorskip("ruff", reason="ruff is not installed (it is in the test extra)")
    done = _run("ruff", "check", "repairtool", "tests", "benchmarks", "tools")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_reports_nothing() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (it is in the test extra)")
    done = _run("mypy")  # files and settings come from [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr
