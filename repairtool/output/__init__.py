"""Renderers: turn scan results into text. They return strings; the CLI prints them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from repairtool.engine import FileResult
from repairtool.model import Applicability, Finding, Severity


@dataclass
class Summary:
    """Counts over a whole run."""

    files: int = 0
    findings: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    #: Findings the safe level (``--fix``) repairs, and those only ``--unsafe-fixes`` does.
    fixable: int = 0
    unsafe_fixable: int = 0
    #: Of ``errors``, the files that were read and checked but could not be rewritten.
    unwritten: int = 0

    def add(self, result: FileResult, shown: Sequence[Finding]) -> None:
        self.files += 1
        if result.error:
            self.errors.append((result.path, result.error))
        elif result.write_error:
            self.errors.append((result.path, result.write_error))
            self.unwritten += 1
        for f in shown:
            self.findings += 1
            self.by_rule[f.rule.code] += 1
            self.by_severity[str(f.severity)] += 1
            if any(fx.applicability is Applicability.SAFE for fx in f.fixes):
                self.fixable += 1
            elif any(fx.applicability is Applicability.UNSAFE for fx in f.fixes):
                self.unsafe_fixable += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "findings": self.findings,
            "fixable": self.fixable,
            "unsafe_fixable": self.unsafe_fixable,
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_severity": dict(sorted(self.by_severity.items())),
            "errors": [{"path": p, "message": m} for p, m in self.errors],
        }

    def line(self) -> str:
        unread = len(self.errors) - self.unwritten
        read = self.files - unread
        if self.files and not read:
            return f"no file could be checked ({plural(self.files, 'file')} given)."
        parts = [plural(self.findings, "finding")]
        if self.findings:
            parts.append(", ".join(f"{n} info" if s == "info" else plural(n, s)
                                   for s, n in sorted(self.by_severity.items())))
        if self.fixable:
            parts.append(f"{self.fixable} fixable with --fix")
        if self.unsafe_fixable:
            parts.append(f"{self.unsafe_fixable} more with --fix --unsafe-fixes")
        parts.append(f"{plural(read, 'file')} checked")
        if unread:
            parts.append(f"{unread} could not be checked")
        if self.unwritten:
            parts.append(f"{self.unwritten} could not be written")
        return "; ".join(parts) + "."

    def statistics(self) -> str:
        """``--statistics``: one line a rule, most frequent first (as ruff prints it)."""
        from repairtool.rules.base import registry

        rules = registry()
        lines = []
        for code, n in sorted(self.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            name = rules[code].name if code in rules else ""
            lines.append(f"{n:>6}  {code:<6} {name}")
        return "\n".join(lines) + ("\n" if lines else "")


def plural(n: int, noun: str) -> str:
    """``1 warning``, ``11 warnings``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def position(result: FileResult, f: Finding) -> tuple[int, int, int, int]:
    """1-based line, column, end line and end column of a finding."""
    assert result.document is not None
    line, col = result.document.line_col(f.start)
    end_line, end_col = result.document.line_col(f.end)
    return line, col, end_line, end_col


def finding_dict(result: FileResult, f: Finding) -> dict[str, Any]:
    """A finding as in the ``--format json`` document."""
    line, col, end_line, end_col = position(result, f)
    return {
        "id": f.id, "path": result.path, "line": line, "column": col,
        "end_line": end_line, "end_column": end_col, "start": f.start, "end": f.end,
        "rule": f.rule.code, "name": f.rule.name, "category": f.rule.category,
        "severity": str(f.severity), "message": f.message,
        "fixes": [fx.to_dict() for fx in f.fixes],
    }


class JsonStream:
    """A JSON document written as it goes: everything before one list, the list's items a
    batch at a time, then the rest, byte for byte what ``json.dumps`` writes of the whole
    (so memory holds one file's findings, not a run's).

    ``shape(items)`` returns the document with ``items`` where the list goes; it is called
    with a marker at the start and again at the end, when what follows the list is known.
    """

    _MARK = "\x00items\x00"

    def __init__(self, shape: Callable[[Any], dict[str, Any]], pretty: bool) -> None:
        self.shape, self.indent = shape, 2 if pretty else None
        self.count = 0
        head, _ = self._split()
        line = head[head.rfind("\n") + 1:]
        self.pad = len(line) - len(line.lstrip(" "))  # the indent of the list's line

    def _split(self) -> tuple[str, str]:
        text = json.dumps(self.shape(self._MARK), ensure_ascii=False, indent=self.indent)
        head, _, tail = text.partition(json.dumps(self._MARK))
        return head, tail

    def start(self) -> str:
        return self._split()[0] + "["

    def items(self, items: Sequence[dict[str, Any]]) -> str:
        """The next items, each after a separator unless it is the list's first."""
        if not items:
            return ""
        if self.indent is None:  # one C-encoder call for the batch: `[a, b]` less brackets
            text = json.dumps(list(items), ensure_ascii=False)[1:-1]
            text = (", " if self.count else "") + text
            self.count += len(items)
            return text
        out = []
        pad = "\n" + " " * (self.pad + self.indent)
        for item in items:
            text = json.dumps(item, ensure_ascii=False, indent=self.indent)
            out.append(("," if self.count else "") + pad + text.replace("\n", pad))
            self.count += 1
        return "".join(out)

    def end(self) -> str:
        close = "\n" + " " * self.pad + "]" if self.count and self.indent else "]"
        return close + self._split()[1] + "\n"


def json_stream(summary: Summary, pretty: bool) -> JsonStream:
    """The ``--format json`` document (``{"version", "findings", "summary"}``), streamed."""
    return JsonStream(lambda items: {"version": 1, "findings": items,
                                     "summary": summary.to_dict()}, pretty)


_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(result: FileResult, shown: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, one annotation a finding."""
    out = []
    for f in shown:
        line, col, end_line, end_col = position(result, f)
        props = (f"file={_gh_prop(result.path)},line={line},col={col},endLine={end_line},"
                 f"endColumn={end_col},title={_gh_prop(f.rule.code + ' ' + f.rule.name)}")
        out.append(f"::{_LEVEL[f.severity]} {props}::{_gh_data(f.message)}\n")
    return "".join(out)


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


_COLOURS = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "blue": "34", "dim": "2",
            "green": "32"}


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour else text


_SEV_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_human(result: FileResult, shown: Sequence[Finding], colour: bool = False) -> str:
    """``path:line:col: CODE message``, the source line with a caret, and the fix title."""
    out: list[str] = []
    doc = result.document
    for f in shown:
        line, col, end_line, end_col = position(result, f)
        head = (f"{_paint(result.path, 'bold', colour)}:{line}:{col}: "
                f"{_paint(f.rule.code, _SEV_STYLE[f.severity], colour)} {f.message}")
        out.append(head)
        assert doc is not None
        start, end = doc.line_span(line)
        span_end = end_col - 1 if end_line == line else end - start
        excerpt, at, stop = _excerpt(doc.text, (start, end), col - 1, max(span_end, col))
        out.append(f"  {_printable(excerpt)}")
        carets = "^" * max(1, min(_width(excerpt[at:stop]), 60))
        out.append("  " + " " * _width(excerpt[:at]) + _paint(carets, "red", colour))
        out.extend(_paint(line, "cyan", colour) for line in fix_lines(f.fixes))
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


MAX_FIXES = 5


def fix_lines(fixes: Sequence[Any]) -> list[str]:
    """The first :data:`MAX_FIXES` candidates, then every unsafe fix among the rest (an
    unsafe removal is what ``--unsafe-fixes`` would apply: it must never be hidden), then
    ``+N more`` for what is left out."""
    shown = list(fixes[:MAX_FIXES])
    shown += [fx for fx in fixes[MAX_FIXES:] if fx.applicability is Applicability.UNSAFE]
    out = []
    for i, fx in enumerate(shown):
        label = "fix" if fx.applicability is Applicability.SAFE else str(fx.applicability)
        marker = "=" if i == 0 else "|"
        out.append(f"  {marker} {label}: {fx.title}")
    if len(fixes) > len(shown):
        out.append(f"  | +{len(fixes) - len(shown)} more (see --format json or review)")
    return out


def _excerpt(text: str, line: tuple[int, int], start: int, end: int, width: int = 100
             ) -> tuple[str, int, int]:
    """At most ``width`` characters of the line ``text[line[0]:line[1]]`` around ``start``
    (tabs as spaces), with the span's new start and end in it. Only the excerpt is copied:
    a long line with many findings must not cost its length per finding."""
    length = line[1] - line[0]
    if length <= width:
        return text[line[0]:line[1]].replace("\t", " "), start, end
    first = max(0, start - width // 3)
    prefix = "…" if first else ""
    suffix = "…" if first + width < length else ""
    shift = len(prefix) - first
    piece = text[line[0] + first:line[0] + min(length, first + width)].replace("\t", " ")
    return prefix + piece + suffix, start + shift, min(end + shift, width + len(prefix))


def _width(text: str) -> int:
    """Terminal columns of ``text``: wide and full-width forms take two, combining marks
    none (stdlib ``unicodedata``, which imports in a millisecond)."""
    import unicodedata

    width = 0
    for c in _printable(text):
        if not unicodedata.combining(c):
            width += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return width


def _printable(text: str) -> str:
    """Control and invisible characters shown as one visible placeholder each."""
    return "".join(c if c.isprintable() or c == " " else "\ufffd" for c in text)
