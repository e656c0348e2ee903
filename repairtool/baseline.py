"""Baselines: record today's findings so that only new ones are reported.

A finding is matched by its path, rule and fingerprint (the hash of the text in and around
it, see :func:`repairtool.model.fingerprint`), counted as a multiset, so line moves do not
matter and a second copy of a recorded artefact is new.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from repairtool.model import Finding

Key = tuple[str, str, str]


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names it."""


def key(path: str, finding: Finding) -> Key:
    return (path, finding.rule.code, finding.id.split("-")[0])


def load(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter((e["path"], e["rule"], e["fingerprint"]) for e in entries)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path}: not a repairtool baseline ({exc})") from None


def write(path: Path, items: Iterable[tuple[str, Finding]]) -> int:
    """Write the baseline atomically; return how many findings it holds."""
    entries = [{"path": p, "rule": f.rule.code, "fingerprint": key(p, f)[2],
                "message": f.message} for p, f in items]
    data = json.dumps({"version": 1, "findings": entries}, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".baseline")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data + "\n")
    os.replace(tmp, path)
    return len(entries)


def new_findings(known: Counter[Key], path: str, findings: list[Finding]) -> list[Finding]:
    """The findings of one file that the baseline does not account for."""
    out = []
    for f in findings:
        k = key(path, f)
        if known[k] > 0:
            known[k] -= 1
        else:
            out.append(f)
    return out
