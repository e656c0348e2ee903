"""``scan --add-noqa``: record today's findings as line suppressions in the files (as ruff's
``--add-noqa``), so a project can adopt the tool and fix what is new.

Each line with findings gets ``repairtool: noqa CODE, …`` at its end (an HTML comment in
Markdown, where a bare directive would show in the rendered page). A line that already has
a ``noqa`` directive is left alone. Bilingual files and stdin are not changed: a comment in
a translation would ship.
"""

from __future__ import annotations

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
    markdown = doc.kind == "markdown"
    edits = []
    for line, codes in sorted(by_line.items()):
        start, end = doc.line_span(line)
        if "repairtool: noqa" in doc.text[start:end]:
            continue
        directive = f"repairtool: noqa {', '.join(sorted(codes))}"
        text = f" <!-- {directive} -->" if markdown else f"  {directive}"
        edits.append(Edit(end, end, text))
    return edits


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
