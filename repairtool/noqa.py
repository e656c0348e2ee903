"""``scan --add-noqa``: record today's findings as line suppressions in the files (as ruff's
``--add-noqa``), so a project can adopt the tool and fix what is new.

Each line with findings gets ``repairtool: noqa CODE, …`` at its end (an HTML comment in
Markdown, where a bare directive would show in the rendered page). A line that already has
a ``noqa`` directive is left alone. Bilingual files and stdin are not changed: a comment in
a translation would ship.
"""

from __future__ import annotations

from collections.abc import Iterable

from repairtool.document import Document
from repairtool.engine import FileResult
from repairtool.model import Edit


def noqa_edits(result: FileResult) -> list[Edit]:
    """The insertions that suppress every finding of ``result`` on its line."""
    doc = result.document
    if doc is None or result.source is None or not result.findings:
        return []
    by_line: dict[int, set[str]] = {}
    for f in result.findings:
        by_line.setdefault(doc.line_col(f.start)[0], set()).add(f.rule.code)
    edits = []
    for line, codes in sorted(by_line.items()):
        start, end = doc.line_span(line)
        if "repairtool: noqa" in doc.text[start:end]:
            continue
        edits.append(line_directive(doc, line, codes))
    return edits


def line_directive(doc: Document, line: int, codes: Iterable[str]) -> Edit:
    """The insertion at the end of 1-based ``line`` that suppresses ``codes`` there."""
    end = doc.line_span(line)[1]
    directive = f"repairtool: noqa {', '.join(sorted(codes))}"
    return Edit(end, end, f" <!-- {directive} -->" if doc.kind == "markdown"
                else f"  {directive}")


def add_noqa(result: FileResult) -> int:
    """Write the directives into ``result``'s file; how many lines got one."""
    from repairtool.bilingual.kinds import is_bilingual_result
    from repairtool.fixes import apply_edits
    from repairtool.repair import encode, write_atomic

    if result.fs_path is None or result.source is None or is_bilingual_result(result):
        return 0
    edits = noqa_edits(result)
    if edits:
        new = apply_edits(result.source.text, edits)
        write_atomic(result.fs_path, encode(result.source, new), result.source)
    return len(edits)
