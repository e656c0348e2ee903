"""Applying fixes to text: choose the fixes a level allows, skip overlaps, repeat until stable.

The first fix in file order wins where two overlap; the others wait for the next pass, which
re-scans the text so that every fix applies to the text it was computed on.

Safe fixes never add or remove a line break: :func:`guard` demotes any "safe" fix whose edits
would to unsafe. The engine calls it on every finding, and :func:`fix_text` calls it again, so
no rule can get a line break past ``--fix``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from repairtool.model import Applicability, Edit, Finding, Fix

_NEWLINE = re.compile("\n")

#: Passes before giving up on reaching a fixed point.
MAX_PASSES = 10


@dataclass
class FixResult:
    """The fixed text and the fixes applied, pass by pass."""

    text: str
    applied: list[tuple[Finding, Fix]] = field(default_factory=list)
    passes: int = 0
    converged: bool = True
    #: The findings on the final text (from the last scan).
    remaining: list[Finding] = field(default_factory=list)
    #: 0-based numbers of the lines an applied edit touched (line breaks never move for
    #: safe fixes, so the numbers hold in the original and the fixed text alike).
    touched_lines: set[int] = field(default_factory=set)


def touches_line_break(text: str, edit: Edit) -> bool:
    """Whether ``edit`` would add or remove a line break in ``text``."""
    old, new = text[edit.start:edit.end], edit.replacement
    return "\n" in old or "\r" in old or "\n" in new or "\r" in new


def guard(fix: Fix, text: str) -> Fix:
    """``fix``, demoted from safe to unsafe when it would add or remove a line break."""
    if fix.applicability is Applicability.SAFE and any(
            touches_line_break(text, e) for e in fix.edits):
        return Fix(fix.title, fix.edits, Applicability.UNSAFE)
    return fix


def guard_findings(findings: Iterable[Finding], text: str) -> None:
    """Apply :func:`guard` to every fix of ``findings`` in place."""
    for f in findings:
        f.fixes = [guard(fx, text) for fx in f.fixes]


def choose(findings: Iterable[Finding], level: Applicability) -> list[tuple[Finding, Fix]]:
    """The first fix of each finding whose applicability is at least ``level``."""
    out = []
    for f in findings:
        for fx in f.fixes:
            if fx.applicability >= level:
                out.append((f, fx))
                break
    return out


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (any order) to ``text``."""
    parts: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos:e.start])
        parts.append(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def apply_once(text: str, chosen: Sequence[tuple[Finding, Fix]]
               ) -> tuple[str, list[tuple[Finding, Fix]]]:
    """Apply the chosen fixes that do not overlap an earlier one (in file order)."""
    taken: list[tuple[Finding, Fix]] = []
    edits: list[Edit] = []
    last_end = -1
    points: set[int] = set()
    for f, fx in sorted(chosen, key=lambda p: (p[1].start, p[1].end)):
        ordered = sorted(fx.edits, key=lambda e: (e.start, e.end))
        first = ordered[0]
        if first.start < last_end or (first.start == first.end and first.start in points):
            continue
        edits.extend(ordered)
        last_end = max(e.end for e in ordered)
        points.update(e.start for e in ordered if e.start == e.end)
        taken.append((f, fx))
    return apply_edits(text, edits), taken


Keep = Callable[[str, str], bool]


def fix_text(text: str, scan: Callable[[str], list[Finding]], level: Applicability,
             findings: list[Finding] | None = None, keep: Keep | None = None) -> FixResult:
    """Scan, apply the allowed fixes, and repeat until nothing changes (bounded).

    ``findings``, when given, are those of ``scan(text)`` already computed (saves a scan).
    Every pass re-scans once; the loop stops as soon as a pass changes nothing.
    ``keep(old, new)``, when given, must hold for every applied fix (Markdown: the block
    structure is unchanged); a fix that breaks it is demoted below ``level`` and not applied.
    """
    result = FixResult(text)
    current = findings if findings is not None else scan(text)
    for _ in range(MAX_PASSES):
        guard_findings(current, result.text)
        result.remaining = current
        chosen = choose(current, level)
        if not chosen:
            return result
        new, taken = apply_once(result.text, chosen)
        if keep is not None and new != result.text and not keep(result.text, new):
            new, taken = _keeping(result.text, taken, level, keep)
        result.passes += 1
        if new == result.text:
            return result
        result.touched_lines.update(_lines_of(result.text, taken))
        result.text = new
        result.applied.extend(taken)
        current = scan(new)
    guard_findings(current, result.text)
    result.remaining = current
    result.converged = not choose(current, level)
    return result


def _keeping(text: str, taken: list[tuple[Finding, Fix]], level: Applicability, keep: Keep
             ) -> tuple[str, list[tuple[Finding, Fix]]]:
    """The fixes of ``taken`` that keep ``keep`` true each alone, applied together (or, if
    together they still break it, the first of them only). The others are demoted below
    ``level`` in their findings, so the report no longer offers them at that level."""
    good: list[tuple[Finding, Fix]] = []
    lower = Applicability(max(Applicability.SUGGESTION, level - 1))
    for f, fx in taken:
        if keep(text, apply_edits(text, fx.edits)):
            good.append((f, fx))
        else:
            f.fixes = [Fix(g.title, g.edits, lower) if g is fx else g for g in f.fixes]
    new = apply_edits(text, [e for _, fx in good for e in fx.edits])
    if good and not keep(text, new):
        good = good[:1]
        new = apply_edits(text, good[0][1].edits)
    return new, good


def suppression_keep(old: str, new: str) -> bool:
    """A repair never changes what the text's suppression directives suppress (a full-width
    colon or digit fixed inside `repairtool：noqa RT1０1` would switch a rule off)."""
    from repairtool.suppress import directives

    return directives(old) == directives(new)


def keep_for(kind: str) -> Keep:
    """What every repair of a text of ``kind`` must keep."""
    if kind == "markdown":
        return lambda old, new: suppression_keep(old, new) and markdown_keep(old, new)
    return suppression_keep


#: Characters that open or close code spans, autolinks, HTML and links in Markdown: a fix
#: that adds or removes one leaves half a construct, which the next edit would complete.
_MARKDOWN_PAIRS = ("`", "<", ">", "[", "]", "](")


def markdown_keep(old: str, new: str) -> bool:
    """A Markdown repair keeps the block structure, the code spans and links, and adds or
    removes none of the characters that pair up into them."""
    from repairtool.markup import structure

    if any(old.count(c) != new.count(c) for c in _MARKDOWN_PAIRS):
        return False
    return structure(old) == structure(new)


def _lines_of(text: str, taken: Iterable[tuple[Finding, Fix]]) -> set[int]:
    """0-based numbers of the lines the edits of ``taken`` cover in ``text``."""
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    lines: set[int] = set()
    for _, fx in taken:
        for e in fx.edits:
            first = bisect.bisect_left(breaks, e.start)
            last = bisect.bisect_left(breaks, max(e.start, e.end - 1))
            lines.update(range(first, last + 1))
    return lines
