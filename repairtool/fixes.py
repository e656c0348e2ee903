"""Applying fixes to text: choose the fixes a level allows, skip overlaps, repeat until stable.

The first fix in file order wins where two overlap; the others wait for the next pass, which
re-scans the text so that every fix applies to the text it was computed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from repairtool.model import Applicability, Edit, Finding, Fix

#: Passes before giving up on reaching a fixed point.
MAX_PASSES = 10


@dataclass
class FixResult:
    """The fixed text and the fixes applied, pass by pass."""

    text: str
    applied: list[tuple[Finding, Fix]] = field(default_factory=list)
    passes: int = 0
    converged: bool = True


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


def fix_text(text: str, scan: Callable[[str], list[Finding]], level: Applicability
             ) -> FixResult:
    """Scan, apply the allowed fixes, and repeat until nothing changes (bounded)."""
    result = FixResult(text)
    for _ in range(MAX_PASSES):
        chosen = choose(scan(result.text), level)
        if not chosen:
            return result
        new, taken = apply_once(result.text, chosen)
        result.passes += 1
        if new == result.text:
            return result
        result.text = new
        result.applied.extend(taken)
    result.converged = not choose(scan(result.text), level)
    return result
