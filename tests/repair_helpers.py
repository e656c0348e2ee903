"""Helpers for the repair-stage tests: run the real CLI in a subprocess, make git repos."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from . import demo_rules
from .conftest import ROOT

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def env() -> dict[str, str]:
    out = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    out.pop("PYTHONWARNINGS", None)
    return out


def cli(args: Sequence[str], cwd: Path, *, demo: bool = False, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """Run ``repairtool ARGS`` as a real process (with the demo rules when ``demo``)."""
    head = [sys.executable, "-c", demo_rules.CLI] if demo else \
        [sys.executable, "-m", "repairtool"]
    return subprocess.run([*head, *args], cwd=cwd, input=stdin, capture_output=True,
                          env=env(), timeout=120)


def git(args: Sequence[str], cwd: Path, check: bool = True, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-c", "core.autocrlf=false", *args], cwd=cwd, input=stdin,
                          capture_output=True, env=env(), check=check, timeout=60)


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(["init", "-q"], path)
    git(["config", "core.autocrlf", "false"], path)
    return path


@pytest.fixture
def demo() -> Iterator[None]:
    """The demo rules, registered for one test only."""
    demo_rules.register()
    try:
        yield
    finally:
        demo_rules.unregister()
