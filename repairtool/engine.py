"""The scan engine: runs the selected rules over texts and files and returns findings.

It is a library: it never prints. ``scan_text`` checks one string; ``scan_paths`` expands
files, folders and ``-`` (stdin) and yields one :class:`FileResult` per file, errors included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from repairtool import suppress
from repairtool.config import ConfigError, Settings, find_config, load_settings
from repairtool.document import MASK, Document
from repairtool.fixes import guard
from repairtool.model import Finding, assign_ids
from repairtool.rules.base import Rule, registry
from repairtool.source import (
    BinaryFileError,
    InputError,
    SourceText,
    decode,
    kind_for,
    open_regular,
    read_source,
    shown_name,
)

#: Folders never entered when a folder is scanned.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules",
                       "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


META_RULE = "RT001"


@dataclass
class FileResult:
    """The outcome for one file: its findings, or the one-line reason it was not scanned."""

    path: str
    fs_path: Path | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    #: Why a file that was read and scanned could not be rewritten by ``--fix``.
    write_error: str | None = None
    #: True for a binary file met while walking a folder: not an error, not scanned.
    skipped: bool = False
    binary: bool = False
    source: SourceText | None = None
    document: Document | None = None
    settings: Settings | None = None


def rules_for(settings: Settings, language: str, path: str | None = None,
              codes: Iterable[str] | None = None) -> list[Rule]:
    """Instances of the rules that are selected (``codes``, if known) and check ``language``
    (and, unless ``settings.run_hidden``, whose findings would be shown at all)."""
    known = registry()
    return [known[c]() for c in (settings.enabled_codes(path) if codes is None else codes)
            if c != META_RULE and known[c].applies_to(language) and (
                settings.run_hidden
                or settings.severity_of(c, known[c].severity) >= settings.min_severity)]


def scan_text(text: str, *, kind: str = "text", language: str | None = None,
              path: str | None = None, settings: Settings | None = None) -> list[Finding]:
    """Findings of the selected rules on ``text`` (offsets are code points into ``text``)."""
    settings = settings or Settings()
    return check(text, kind=kind, settings=settings, path=path, language=language)[0]


def check(text: str, *, kind: str, settings: Settings, path: str | None = None,
          language: str | None = None, protected: Iterable[tuple[int, int]] = (),
          options: Mapping[str, Any] | None = None) -> tuple[list[Finding], Document]:
    """Run the rules on ``text`` and return the findings and the document they refer to."""
    language = language or settings.language
    known = registry()
    sup = suppress.parse(text, known)
    opts = {"lexicons": settings.lexicons, **(options or {})}
    given = list(protected)
    # A plain text's own layout (tables, code) is found only in a whole file: the callers
    # that protect spans (bilingual files) hand over the prose themselves.
    doc = Document.from_text(text, kind=kind, language=language, path=path, options=opts,
                             protected=[*given, *sup.spans], layout=not given)
    codes = settings.enabled_codes(path)
    findings = run_rules(doc, rules_for(settings, language, path, codes))
    return finish(findings, doc, sup, settings, codes), doc


def run_rules(doc: Document, rules: Iterable[Rule]) -> list[Finding]:
    """The findings of ``rules`` on ``doc`` that start in visible text, their fixes guarded
    (not yet deduplicated, suppressed or sorted: :func:`finish` does that)."""
    findings: list[Finding] = []
    hidden = MASK in doc.view  # else every finding is visible: no test per finding
    for rule in rules:
        if getattr(rule, "reads_hidden", False):  # bilingual rules compare tokens
            findings.extend(rule.check(doc))
        elif hidden:
            findings.extend(f for f in rule.check(doc) if _visible(doc, f))
        else:
            findings.extend(_guarded(rule.check(doc), doc.text))
    return findings


def finish(findings: list[Finding], doc: Document, sup: suppress.Suppressions,
           settings: Settings, codes: Iterable[str]) -> list[Finding]:
    """``findings`` plus the suppressions' unknown codes (RT001), superseded, duplicate and
    suppressed ones dropped, severities set, sorted, with ids."""
    if META_RULE in codes:
        meta = registry()[META_RULE]()
        findings.extend(meta.finding(s, e, f"unknown rule code {code!r} in a suppression")
                        for s, e, code in sup.unknown)
    return _finish(findings, doc, sup, settings)


def _visible(doc: Document, finding: Finding) -> bool:
    """Drop findings that start in hidden text and fixes that would edit hidden text."""
    if finding.start < finding.end and doc.is_hidden(finding.start, finding.start + 1):
        return False
    finding.fixes = [guard(fx, doc.text) for fx in finding.fixes
                     if not any(doc.is_hidden(e.start, e.end) for e in fx.edits)]
    return True


def _guarded(findings: Iterable[Finding], text: str) -> Iterator[Finding]:
    """``findings`` with their safe fixes demoted where they would touch a line break."""
    for f in findings:
        if f.fixes:
            f.fixes = [guard(fx, text) for fx in f.fixes]
        yield f


def _superseded(findings: list[Finding]) -> list[Finding]:
    """Drop findings that an overlapping finding of a superseding rule says better."""
    known = registry()
    blocked: dict[str, list[tuple[int, int]]] = {}
    for g in findings:
        for code in known[g.rule.code].supersedes if g.rule.code in known else ():
            blocked.setdefault(code, []).append((g.start, g.end))
    if not blocked:
        return findings
    spans = {code: _Spans(found) for code, found in blocked.items()}
    return [f for f in findings
            if f.rule.code not in spans or not spans[f.rule.code].overlaps(f.start, f.end)]


class _Spans:
    """Spans to test for overlap in log time: thousands of RT703 findings meet thousands
    of superseding ones in a big file. A span ``(s, e)`` covers at least ``[s, s + 1)``."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((max(e, s + 1) for s, e in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span meets ``[start, max(end, start + 1))``."""
        k = bisect_left(self.starts, max(end, start + 1))
        return k > 0 and self.reach[k - 1] > start


def _finish(findings: list[Finding], doc: Document, sup: suppress.Suppressions,
            settings: Settings) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    findings = _superseded(findings)
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule.code)):
        key = (f.rule.code, f.start, f.end)
        if key in seen or (sup.any() and sup.suppressed(f, doc.line_col(f.start)[0])):
            continue
        seen.add(key)
        f.severity = settings.severity_of(f.rule.code, f.severity)
        out.append(f)
    assign_ids(out, doc.text)
    return out


def settings_for(path: Path | None, base: Settings | None, overrides: Mapping[str, Any],
                 isolated: bool = False) -> Settings:
    """The settings of the config file nearest to ``path``, with ``overrides`` on top."""
    if base is not None:
        settings = base
    elif isolated:
        settings = Settings()
    else:
        settings = load_settings(find_config(path if path is not None else Path.cwd()))
    if not overrides:
        return settings
    changes = dict(overrides)
    for key in ("ignore", "extend_select", "exclude"):
        if changes.get(key):
            changes[key] = tuple(getattr(settings, key)) + tuple(changes[key])
    if changes.get("extra"):
        changes["extra"] = {**settings.extra, **changes["extra"]}
    settings = settings.replace(**changes)
    if settings.fail_on < settings.min_severity and not changes.get("min_severity"):
        settings = settings.replace(min_severity=settings.fail_on)  # what fails is shown
    return settings


def scan_paths(paths: Iterable[str], *, settings: Settings | None = None,
               overrides: Mapping[str, Any] | None = None, isolated: bool = False,
               stdin_filename: str | None = None) -> Iterator[FileResult]:
    """Scan files, folders (recursively) and ``-`` (stdin); yield one result per file.

    ``settings`` fixes the settings for every file; otherwise each file uses its nearest
    config file. ``overrides`` (command-line options) go on top either way.
    """
    overrides = dict(overrides or {})
    for given in paths:
        if given == "-":
            yield _scan_stdin(stdin_filename, settings, overrides, isolated)
            continue
        p = Path(given)
        if p.is_dir():
            try:
                base = settings_for(p, settings, overrides, isolated)
            except ConfigError as exc:
                yield FileResult(shown_name(given), p, error=str(exc))
                continue
            for fs_path, display, problem in walk(p, given, base):
                if problem is not None:  # a folder that cannot be read: say so, go on
                    yield FileResult(display, fs_path, error=problem)
                    continue
                result = scan_file(fs_path, display, settings, overrides, isolated)
                if result.error and result.binary:
                    result.error, result.skipped = None, True
                yield result
        else:
            yield scan_file(p, shown_name(given), settings, overrides, isolated)


def scan_file(fs_path: Path, display: str, settings: Settings | None = None,
              overrides: Mapping[str, Any] | None = None, isolated: bool = False
              ) -> FileResult:
    """Read, decode and scan one file; every failure becomes ``FileResult.error``."""
    result = FileResult(display, fs_path)
    try:
        os.close(open_regular(fs_path)[0])  # FIFOs, devices: one error line, never a read
        result.settings = s = settings_for(fs_path, settings, overrides or {}, isolated)
        if _bilingual(fs_path, s):
            from repairtool.bilingual.scan import scan_bilingual

            result.findings, result.document, bf = scan_bilingual(fs_path, s)
            # A streamed (large TMX) file is never held whole, not even here.
            result.source = read_source(fs_path, s.encoding) if bf.text is not None else None
            return result
        result.source = src = read_source(fs_path, s.encoding)
        result.findings, result.document = check(
            src.text, kind=kind_for(display), settings=s, path=str(fs_path))
    except (InputError, ConfigError) as exc:
        result.error = str(exc)
        result.binary = isinstance(exc, BinaryFileError)
    except RecursionError:  # JSON and TOML readers recurse once per level of nesting
        result.error = "nested too deeply to read"
    return result


def _bilingual(fs_path: Path, settings: Settings) -> bool:
    from repairtool.bilingual.kinds import is_bilingual_path

    return is_bilingual_path(fs_path, settings.extra.get("bilingual"))


def _scan_stdin(stdin_filename: str | None, settings: Settings | None,
                overrides: Mapping[str, Any], isolated: bool) -> FileResult:
    name = stdin_filename or "-"
    result = FileResult(name, None)
    try:
        anchor = Path(stdin_filename) if stdin_filename else None
        result.settings = s = settings_for(anchor, settings, overrides, isolated)
        result.source = src = decode(sys.stdin.buffer.read(), s.encoding)
        result.findings, result.document = check(
            src.text, kind=kind_for(name), settings=s, path=stdin_filename)
    except (InputError, ConfigError) as exc:
        result.error = str(exc)
    return result


def walk(folder: Path, display: str, settings: Settings
         ) -> Iterator[tuple[Path, str, str | None]]:
    """Text files below ``folder`` in a stable order, minus skipped, ignored and excluded,
    as ``(path, display, None)``; a folder that cannot be listed comes as
    ``(folder, display, reason)`` (an unreadable folder is never skipped silently)."""
    from repairtool.bilingual.kinds import is_scanned

    tracked = _git_visible(folder)
    bilingual = settings.extra.get("bilingual")
    unreadable: list[OSError] = []
    stem = display.rstrip("/\\")

    def shown(path: Path) -> str:
        rel = path.relative_to(folder).as_posix()
        if display == ".":  # `scan` with no path: `docs/a.txt`, not `./docs/a.txt`
            return shown_name(rel)
        return shown_name(stem if rel == "." else stem + "/" + rel)

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable.append):
        yield from _unreadable(unreadable, shown)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                             and not settings.is_excluded(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            fs_path = Path(dirpath) / name
            if not is_scanned(fs_path, bilingual) or settings.is_excluded(str(fs_path)):
                continue
            if tracked is not None and fs_path.absolute() not in tracked:
                continue
            yield fs_path, shown(fs_path), None
    yield from _unreadable(unreadable, shown)


def _unreadable(errors: list[OSError], shown: Any) -> Iterator[tuple[Path, str, str | None]]:
    """The folders ``os.walk`` could not list, as error entries (and forget them)."""
    for exc in errors:
        where = Path(exc.filename) if exc.filename else Path(".")
        reason = "permission denied" if isinstance(exc, PermissionError) else (
            exc.strerror or str(exc))
        yield where, shown(where), f"cannot read folder: {reason}"
    errors.clear()


def _git_visible(folder: Path) -> set[Path] | None:
    """Files git tracks or would track below ``folder`` (``None`` outside a repository)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=folder, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    base = folder.absolute()
    return {base / os.fsdecode(p) for p in out.split(b"\0") if p}
