"""reviewdog's diagnostic format (rdjsonl): one JSON object a line, with the best fix as
``suggestions`` so that it shows as a suggested change in a pull-request review.

reviewdog counts columns in UTF-8 bytes, starting at 1; ranges end exclusively.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from repairtool.engine import FileResult
from repairtool.model import Finding, Severity

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def render_rdjsonl(result: FileResult, shown: Sequence[Finding]) -> str:
    """The findings of one file, one reviewdog ``Diagnostic`` a line."""
    return "".join(json.dumps(diagnostic(result, f), ensure_ascii=False) + "\n" for f in shown)


def position(result: FileResult, offset: int) -> dict[str, int]:
    """1-based line and UTF-8 byte column of ``offset``."""
    doc = result.document
    assert doc is not None
    line, col = doc.line_col(offset)
    start = doc.line_starts[line - 1]
    prefix = doc.text[start:start + col - 1]
    return {"line": line, "column": len(prefix.encode("utf-8", "surrogatepass")) + 1}


def diagnostic(result: FileResult, f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "message": f.message,
        "location": {"path": result.path,
                     "range": {"start": position(result, f.start),
                               "end": position(result, f.end)}},
        "severity": _SEVERITY[f.severity],
        "source": {"name": "repairtool"},
        "code": {"value": f.rule.code},
    }
    if f.fixes:
        best = f.fixes[0]
        out["suggestions"] = [
            {"range": {"start": position(result, e.start), "end": position(result, e.end)},
             "text": e.replacement}
            for e in sorted(best.edits, key=lambda e: e.start)]
    return out
