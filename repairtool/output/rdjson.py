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
    columns = _ByteColumns(result)
    return "".join(json.dumps(diagnostic(result, f, columns), ensure_ascii=False) + "\n"
                   for f in shown)


class _ByteColumns:
    """1-based line and UTF-8 byte column of offsets. Findings come in order, so each
    column is counted from the last one asked for on the same line: a long line with many
    findings is encoded about once, not once a finding."""

    def __init__(self, result: FileResult) -> None:
        assert result.document is not None
        self.doc = result.document
        self.ascii = self.doc.text.isascii()  # O(1): columns are code points
        self.last = (-1, 0, 0)  # line, offset, byte column (0-based) of the last answer

    def __call__(self, offset: int) -> dict[str, int]:
        line, col = self.doc.line_col(offset)
        if self.ascii:
            return {"line": line, "column": col}
        last_line, last_offset, width = self.last
        if last_line != line:
            last_offset, width = self.doc.line_starts[line - 1], 0
        if offset >= last_offset:
            width += _utf8_len(self.doc.text[last_offset:offset])
        else:  # an edit before the end of its finding: count back, not from the line start
            width -= _utf8_len(self.doc.text[offset:last_offset])
        self.last = (line, offset, width)
        return {"line": line, "column": width + 1}


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def diagnostic(result: FileResult, f: Finding, position: _ByteColumns) -> dict[str, Any]:
    out: dict[str, Any] = {
        "message": f.message,
        "location": {"path": result.path,
                     "range": {"start": position(f.start), "end": position(f.end)}},
        "severity": _SEVERITY[f.severity],
        "source": {"name": "repairtool"},
        "code": {"value": f.rule.code},
    }
    if f.fixes:
        best = f.fixes[0]
        out["suggestions"] = [
            {"range": {"start": position(e.start), "end": position(e.end)},
             "text": e.replacement}
            for e in sorted(best.edits, key=lambda e: e.start)]
    return out
