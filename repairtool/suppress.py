"""Suppression written in the text itself.

- ``repairtool: noqa`` or ``repairtool: noqa RT101, RT2`` — this line (all rules, or those);
- ``repairtool: disable-next-line [codes]`` — the next line;
- ``repairtool: disable [codes]`` … ``repairtool: enable [codes]`` — a region.

In Markdown write them as HTML comments (``<!-- repairtool: disable RT101 -->``). The
directive text itself is never linted; a code that names no rule is reported (RT001).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from repairtool.document import line_starts
from repairtool.model import Finding
from repairtool.rules.base import matches

# Possessive quantifiers throughout: a run of blanks is taken one way only (with
# `[ \t]*,?[ \t]*` a directive followed by many spaces backtracked in cubic time).
_DIRECTIVE = regex.compile(
    r"repairtool:[ \t]*+(?P<verb>noqa|disable-next-line|disable|enable)\b"
    r"(?P<codes>(?:[ \t]*+(?:,[ \t]*+)?[A-Za-z]++[0-9]*+\b)*+)"
)
_CODE = regex.compile(r"[A-Za-z]+[0-9]*")

ALL = ("ALL",)


@dataclass
class Suppressions:
    """Where findings are switched off: per line, and per region of offsets."""

    lines: dict[int, tuple[str, ...]] = field(default_factory=dict)
    regions: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    unknown: list[tuple[int, int, str]] = field(default_factory=list)

    def any(self) -> bool:
        """Whether any line or region is suppressed at all."""
        return bool(self.lines or self.regions)

    def suppressed(self, finding: Finding, line: int) -> bool:
        code = finding.rule.code
        codes = self.lines.get(line)
        if codes is not None and matches(code, codes):
            return True
        return any(s <= finding.start < e and matches(code, c) for s, e, c in self.regions)


def directives(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each directive's verb and codes, in order (what the text asks to suppress)."""
    if "repairtool" not in text:
        return []
    return [(m.group("verb"), tuple(c.upper() for c in _CODE.findall(m.group("codes"))))
            for m in _DIRECTIVE.finditer(text)]


def parse(text: str, known: Iterable[str]) -> Suppressions:
    """Find every directive in ``text``; ``known`` is the set of rule codes."""
    known = list(known)
    sup = Suppressions()
    if "repairtool:" not in text:
        return sup
    starts = line_starts(text)
    open_regions: dict[str, int] = {}
    # Codes per line as ordered sets: a line repeating `noqa RT101` a million times keeps
    # one code, not a tuple that grows (and is searched) with every directive.
    per_line: dict[int, dict[str, None]] = {}
    is_known: dict[str, bool] = {}
    for m in _DIRECTIVE.finditer(text):
        sup.spans.append(m.span())
        codes: list[str] = []
        named = _CODE.findall(m.group("codes"))
        for c in _CODE.finditer(m.group("codes")):
            code = c.group().upper()
            if code not in is_known:
                is_known[code] = code == "ALL" or any(k.startswith(code) for k in known)
            if not is_known[code]:
                at = m.start("codes") + c.start()
                sup.unknown.append((at, at + len(code), code))
            else:
                codes.append(code)
        selected = tuple(codes) if named else ALL  # only unknown codes: suppress nothing
        line = bisect.bisect_right(starts, m.start())
        verb = m.group("verb")
        if verb == "noqa":
            per_line.setdefault(line, {}).update(dict.fromkeys(selected))
        elif verb == "disable-next-line":
            per_line.setdefault(line + 1, {}).update(dict.fromkeys(selected))
        elif verb == "disable":
            for code in selected:
                open_regions.setdefault(code, m.start())
        else:
            for code in list(open_regions) if selected == ALL else selected:
                if code in open_regions:
                    sup.regions.append((open_regions.pop(code), m.end(), (code,)))
    sup.regions.extend((start, len(text), (code,)) for code, start in open_regions.items())
    sup.lines = {line: tuple(codes) for line, codes in per_line.items()}
    return sup

