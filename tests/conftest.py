"""Shared test helpers: paths to the project's fixtures and to ../shared/corpora."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The lexicon's parse cache goes to a throw-away folder, never the user's real cache.
os.environ.setdefault("REPAIRTOOL_CACHE_DIR", tempfile.mkdtemp(prefix="repairtool-cache-"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture
def corpora() -> Path:
    """The shared corpora folder; skips the test when it is absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return CORPORA
