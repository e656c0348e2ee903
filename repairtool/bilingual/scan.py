"""Scan a bilingual file: the target language's monolingual rules on every target, plus the
RT8 rules on the units, with every finding and fix mapped to file offsets.

The targets are joined (blank line between them) into one document that the engine checks
unchanged; a finding's offsets in that document are then mapped through the unit's position
tables to the characters that store it in the file, and a fix's replacement is escaped the way
the file stores text, so edits apply to the file text directly.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repairtool.bilingual.formats import BilingualFile, Unit, read_units
from repairtool.config import Settings
from repairtool.document import MASK, Document
from repairtool.model import Edit, Finding, Fix, assign_ids
from repairtool.source import InputError

SEPARATOR = "\n\n"
#: TMX files larger than this are scanned as a stream, a batch of units at a time (a file
#: read whole costs about 20 times its size in memory).
STREAM_BYTES = 8 * 1024 * 1024
BATCH = 2000
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Context:
    """What the RT8 rules read from ``doc.options["bilingual"]``."""

    placed: list[tuple[Unit, int]]
    source_lang: str
    target_lang: str
    monolingual: bool = False
    glossary: list[tuple[str, list[str]]] = field(default_factory=list)
    #: Plural forms the file's header declares (PO ``Plural-Forms``), when it does.
    nplurals: int | None = None


def scan_bilingual(path: Path, settings: Settings, display: str | None = None,
                   options: Mapping[str, Any] | None = None, text: str | None = None
                   ) -> tuple[list[Finding], Document, BilingualFile]:
    """Findings of ``path`` (or of ``text``, its unsaved copy in an editor) with file
    offsets, the file's document, and its units."""
    opts = {**settings.extra, **(options or {})}
    if text is None and path.suffix.lower() == ".tmx" and (
            path.stat().st_size > STREAM_BYTES or opts.get("stream")):
        return scan_streamed(path, settings, opts)
    bf = read_units(path, bilingual=opts.get("bilingual"),
                    source_field=opts.get("source_field") or "source",
                    target_field=opts.get("target_field") or "target",
                    encoding=settings.encoding, text=text)
    if bf.monolingual and opts.get("source_file"):
        pair_sources(bf, Path(opts["source_file"]))
    glossary = load_glossary(Path(opts["glossary"])) if opts.get("glossary") else []
    findings = check_units(bf, settings, opts, glossary, path=str(path))
    assert bf.text is not None
    doc = file_document(bf)
    findings.sort(key=lambda f: (f.start, f.end, f.rule.code))
    assign_ids(findings, bf.text)
    return findings, doc, bf


def pair_sources(bf: BilingualFile, source_file: Path) -> None:
    """Give the units of a target-only file (strings.xml, .strings, i18next JSON, subtitles)
    the sources of the same keys in ``source_file`` (same format); then the RT8 rules run."""
    src = read_units(source_file)
    by_key = {u.key: u.target for u in src.units}
    if bf.format == "subtitles":  # cues pair by position
        by_key = {str(i): u.target for i, u in enumerate(src.units, 1)}
    for unit in bf.units:
        unit.source = by_key.get(unit.key, "")
    bf.monolingual = False


def languages(bf: BilingualFile, opts: Mapping[str, Any], settings: Settings
              ) -> tuple[str, str]:
    """Source and target language: metadata, then options, then detection."""
    src = bf.source_lang or opts.get("source_lang")
    tgt = bf.target_lang or opts.get("target_lang")
    if not src:
        src = _guess([u.source for u in bf.units[:400]]) or ""
    if not tgt:
        tgt = _guess([u.target for u in bf.units[:400]]) or settings.language
    return src, tgt


def _guess(texts: list[str]) -> str | None:
    sample = " ".join(t for t in texts if t)[:4000]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return None
    if sum(1 for c in letters if _CJK.match(c)) / len(letters) > 0.3:
        return "zh"
    from repairtool.rules.bilingual import detect

    return detect(sample.replace(MASK, " "))


#: Entries whose "translation" is the translators' names and addresses, by convention
#: (GNOME ``translator-credits``, KDE ``Your names``/``Your emails``, Qt and others).
CREDITS_IDS = frozenset({"translator-credits", "translator_credits", "translators",
                         "translator credits", "your names", "your emails",
                         "name of translators", "email of translators"})


def is_credits(unit: Unit) -> bool:
    context = str(unit.extra.get("context") or "").strip().lower()
    return unit.source.strip().lower() in CREDITS_IDS or context in CREDITS_IDS


def checked_units(bf: BilingualFile, opts: Mapping[str, Any]) -> list[Unit]:
    """The units the rules read. Unless ``unfinished`` (``--include-unfinished``) is set, a
    template (``.pot``) is not checked, nor untranslated or fuzzy entries: a first scan of a
    translation repository would be mostly noise about work not yet done (msgfmt does not
    ship fuzzy entries either). Credits entries are never checked."""
    unfinished = bool(opts.get("unfinished"))
    if not unfinished and Path(bf.path).suffix.lower() == ".pot":
        return []
    out = []
    for unit in bf.units:
        if is_credits(unit):
            continue
        if not unfinished and (unit.fuzzy or (not unit.target.strip()
                                               and unit.source.strip())):
            continue
        out.append(unit)
    return out


def check_units(bf: BilingualFile, settings: Settings, opts: Mapping[str, Any],
                glossary: list[tuple[str, list[str]]], path: str | None = None
                ) -> list[Finding]:
    """Run the rules on the joined targets and map the findings to file offsets."""
    from repairtool.engine import check

    src_lang, tgt_lang = languages(bf, opts, settings)
    parts: list[str] = []
    placed: list[tuple[Unit, int]] = []
    pos = 0
    for unit in checked_units(bf, opts):
        placed.append((unit, pos))
        parts.append(unit.target)
        pos += len(unit.target) + len(SEPARATOR)
        parts.append(SEPARATOR)
    joined = "".join(parts)
    ctx = Context(placed, src_lang, tgt_lang, bf.monolingual, glossary,
                  nplurals=bf.meta.get("nplurals"))
    findings, _doc = check(joined, kind="text", settings=settings, path=path,
                           language=tgt_lang, options={"bilingual": ctx})
    mapper = OffsetMap(placed, bf.format)
    return [mapper.finding(f) for f in findings if wanted(f, *mapper.unit_at(f.start))]


def wanted(f: Finding, unit: Unit, at: int) -> bool:
    """Whether a finding on ``unit`` stands: not switched off by the entry's flags, and
    (for the target language's monolingual rules) not a pattern the source holds in the
    same form -- a keyword list ``a;b;c;`` or "2600 Magazine" copied from the source is
    the source's convention, not damage the translation made."""
    if unit.extra.get("flags"):
        from repairtool.rules.bilingual_checks import ignored_by_flags

        if ignored_by_flags(f.rule, unit):
            return False
    if f.rule.category == "bilingual" or not unit.source:
        return True
    a, b = f.start - at, f.end - at
    # A span of one character or none is judged with its neighbours (``;T`` of ``a;Text``).
    span = unit.target[max(0, a - 1):b + 1] if b - a <= 1 else unit.target[a:b]
    # A full-width or CJK pattern in a Chinese source is what the English must not copy.
    return not (span.strip() and span in unit.source and all(ord(c) < 0x2E80 for c in span))


class OffsetMap:
    """Maps offsets in the joined targets to offsets in the file."""

    def __init__(self, placed: list[tuple[Unit, int]], fmt: str) -> None:
        self.placed = placed
        self.starts = [at for _, at in placed]
        self.fmt = fmt

    def unit_at(self, offset: int) -> tuple[Unit, int]:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.placed[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        unit, at = self.unit_at(start)
        a = min(start - at, len(unit.target))
        b = min(max(end - at, a), len(unit.target))
        return unit.file_span(a, b)

    def finding(self, f: Finding) -> Finding:
        f.start, f.end = self.span(f.start, f.end)
        f.fixes = [fx for fx in map(self.fix, f.fixes) if fx is not None]
        return f

    def fix(self, fx: Fix) -> Fix | None:
        edits = []
        for e in fx.edits:
            unit, at = self.unit_at(e.start)
            if unit.fstart is None or e.end - at > len(unit.target):
                return None
            s, t = self.span(e.start, e.end)
            edits.append(Edit(s, t, escape(self.fmt, e.replacement)))
        return Fix(fx.title, tuple(edits), fx.applicability)


_PO_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def escape(fmt: str, text: str) -> str:
    """``text`` as the format stores it in the file."""
    table: dict[str, str] = {}
    if fmt == "po":
        table = _PO_ESCAPES
    elif fmt in ("xliff", "xliff2", "tmx"):
        table = _XML_ESCAPES
    elif fmt == "android":
        table = {**_XML_ESCAPES, "'": "\\'", '"': '\\"', "\n": "\\n"}
    elif fmt in ("strings", "i18next", "jsonl"):
        table = _JSON_ESCAPES
    elif fmt == "tsv":
        table = {"\t": " ", "\n": " "}
    return "".join(table.get(c, c) for c in text)


def file_document(bf: BilingualFile) -> Document:
    """The file as a document in which everything but the targets' stored text is hidden."""
    assert bf.text is not None
    shown = [(u.fstart[0], u.fend[-1]) for u in bf.units if u.fstart and u.fend]
    protected = _complement(shown, len(bf.text))
    return Document.from_text(bf.text, kind="text", path=bf.path, protected=protected)


def _complement(spans: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for s, e in sorted(spans):
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        out.append((pos, n))
    return out


def load_glossary(path: Path) -> list[tuple[str, list[str]]]:
    """Terms from a CSV (``source,target[,target...]``; a header row is skipped) or TBX."""
    if not path.is_file():
        raise InputError(f"glossary {path}: no such file")
    if path.suffix.lower() == ".tbx":
        return _load_tbx(path)
    out = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for i, row in enumerate(csv.reader(fh)):
                row = [c.strip() for c in row if c.strip()]
                if len(row) < 2:
                    continue
                if i == 0 and row[0].lower() in ("source", "term", "src"):
                    continue
                out.append((row[0].casefold(), [t.casefold() for t in row[1:]]))
    except UnicodeDecodeError as exc:
        raise InputError(f"glossary {path}: not UTF-8 (invalid byte at offset {exc.start}"
                         " of a block); save the CSV as UTF-8") from None
    except (OSError, csv.Error) as exc:
        raise InputError(f"glossary {path}: cannot read: {exc}") from None
    return out


def _load_tbx(path: Path) -> list[tuple[str, list[str]]]:
    from translate.storage.tbx import tbxfile

    from repairtool.bilingual.safexml import check_xml

    data = path.read_bytes()
    try:
        check_xml(data)
    except InputError as exc:  # name the term base, not the file being scanned
        raise InputError(f"glossary {path}: {exc}") from None
    try:
        store = tbxfile.parsestring(data)
    except Exception as exc:  # the term base is malformed
        raise InputError(f"glossary {path}: malformed TBX: {exc}") from None
    out = []
    for u in store.units:
        if u.source and u.target:
            out.append((str(u.source).casefold(), [str(u.target).casefold()]))
    return out


def scan_streamed(path: Path, settings: Settings, opts: Mapping[str, Any]
                  ) -> tuple[list[Finding], Any, BilingualFile]:
    """Scan a large TMX a batch of units at a time; memory stays bounded by the batch size
    (plus 8 bytes a line for the line index the report needs). The file-level rules (length
    ratio, consistency) see one batch at a time."""
    from repairtool.bilingual.formats import iter_tmx

    glossary = load_glossary(Path(opts["glossary"])) if opts.get("glossary") else []
    meta: dict[str, Any] = {}
    findings: list[Finding] = []
    batch: list[Unit] = []
    count = 0

    def flush() -> None:
        bf = BilingualFile(str(path), "tmx", batch, None, meta.get("source_lang"),
                           meta.get("target_lang"))
        findings.extend(check_units(bf, settings, opts, glossary, path=str(path)))

    for unit in iter_tmx(path, meta):
        batch.append(unit)
        count += 1
        if len(batch) >= BATCH:
            flush()
            batch = []
    if batch:
        flush()
    findings.sort(key=lambda f: (f.start, f.end, f.rule.code))
    doc = StreamDocument(path, findings)
    summary = BilingualFile(str(path), "tmx", [], None, meta.get("source_lang"),
                            meta.get("target_lang"), meta={"units": count})
    return findings, doc, summary


class StreamDocument:
    """What the renderers need of a document (line/column, the lines with findings) without
    holding the file: a line index and the text of the lines that have findings."""

    def __init__(self, path: Path, findings: list[Finding]) -> None:
        from array import array

        self.path = str(path)
        self.line_starts = array("q")
        with open(path, encoding="utf-8-sig", newline="") as fh:
            pos = 0
            for line in fh:
                self.line_starts.append(pos)
                pos += len(line)
        self.size = pos
        wanted = {self.line_col(f.start)[0] for f in findings}
        lines: dict[int, str] = {}
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for i, line in enumerate(fh, 1):
                if i in wanted:
                    lines[self.line_starts[i - 1]] = line.rstrip("\r\n")
        self.text = _Lines(lines)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        start = self.line_starts[line - 1]
        return start, start + len(self.text.lines.get(start, ""))


class _Lines:
    """``text[start:end]`` for the stored lines (what the human renderer slices)."""

    def __init__(self, lines: dict[int, str]) -> None:
        self.lines = lines

    def __getitem__(self, key: slice) -> str:
        line = self.lines.get(key.start or 0, "")
        return line[:(key.stop - key.start) if key.stop is not None else None]
