"""Read bilingual files into translation units whose target text maps to file positions.

Parsing is done by the maintained libraries (polib for PO, translate-toolkit for XLIFF,
Android, iOS ``.strings``, i18next JSON and subtitles, lxml's iterative parser for TMX). Each
unit's target text is then located in the file text and decoded piece by piece (PO escapes,
XML entities and inline tags, JSON escapes), so that ``fstart[i]``/``fend[i]`` give the file
offsets of the characters that store target character ``i``. Inline tags become one
:data:`~repairtool.document.MASK` character each, so rules never read them.
"""

from __future__ import annotations

import io
import json
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repairtool.bilingual.kinds import format_for, is_bilingual_path
from repairtool.document import MASK, line_starts
from repairtool.source import InputError, read_source


@dataclass(slots=True)
class Unit:
    """One translation unit (one plural form of one entry): source, target and positions."""

    key: str
    source: str
    target: str
    #: File offset of the first and one past the last stored character of target char ``i``.
    fstart: list[int] | None = None
    fend: list[int] | None = None
    #: File offset where the target text starts (or would start, when empty).
    anchor: int = 0
    #: Offsets of the whole entry in the file (for write-back), when known.
    entry: tuple[int, int] | None = None
    plural: int | None = None
    fuzzy: bool = False
    #: Inline markup of source and target (tag name and id), for the markup check.
    source_tags: tuple[str, ...] = ()
    target_tags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """File offsets of target characters ``[start, end)``."""
        if self.fstart is None or self.fend is None:
            return self.anchor, self.anchor
        n = len(self.target)
        if start >= n:
            at = self.fend[n - 1] if n else self.anchor
            return at, at
        if end <= start:
            return self.fstart[start], self.fstart[start]
        return self.fstart[start], self.fend[min(end, n) - 1]


@dataclass
class BilingualFile:
    """The units of one file, its text (``None`` when streamed) and its language pair."""

    path: str
    format: str
    units: list[Unit]
    text: str | None = None
    source_lang: str | None = None
    target_lang: str | None = None
    monolingual: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


def read_units(path: str | Path, *, bilingual: str | None = None, source_field: str = "source",
               target_field: str = "target", encoding: str | None = None,
               text: str | None = None) -> BilingualFile:
    """Read every unit of a bilingual file (or of ``text``, an editor's unsaved copy of it);
    every failure is an :class:`InputError`."""
    p = Path(path)
    fmt = format_for(p, bilingual)
    if fmt is None:
        raise InputError("not a bilingual file (use --bilingual tsv|jsonl for pairs)")
    if fmt == "tmx":
        return read_tmx(p) if text is None else _tmx_of_text(p, text)
    text = read_source(p, encoding).text if text is None else text
    reader = _READERS.get(fmt)
    if reader is None:
        raise InputError(f"unknown bilingual format {fmt!r} (use tsv or jsonl)")
    if fmt == "jsonl":
        bf = read_jsonl(str(p), text, source_field, target_field)
    else:
        bf = reader(str(p), text)
    for unit in bf.units:
        compact(unit)
    return bf


def compact(unit: Unit) -> Unit:
    """Store the position tables as 8-byte arrays (a list of ints costs ~5 times more)."""
    if unit.fstart is not None and not isinstance(unit.fstart, array):
        unit.fstart = array("q", unit.fstart)  # type: ignore[assignment]
        unit.fend = array("q", unit.fend or [])  # type: ignore[assignment]
    return unit


# --- PO (polib) ----------------------------------------------------------------------------

_PO_TOKEN = re.compile(r'\\(?:x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)|[^\\"]+', re.DOTALL)
_PO_ESC = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", '"': '"', "'": "'", "?": "?"}
_MSGSTR = re.compile(r"msgstr(?:\[(\d+)\])?[ \t]*\"")
_PO_LINE_KEYWORD = re.compile(r"(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")


def read_po(path: str, text: str) -> BilingualFile:
    import polib

    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise InputError(_po_error(str(exc))) from None
    starts = line_starts(text)
    units: list[Unit] = []
    for entry in po:
        if (entry.msgid == "" and not entry.msgctxt) or entry.obsolete:
            continue  # the header, and #~ entries kept only for history
        begin = starts[entry.linenum - 1] if entry.linenum - 1 < len(starts) else 0
        strings, end = _po_msgstrs(text, begin)
        key = (entry.msgctxt + "\x04" if entry.msgctxt else "") + entry.msgid
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            for idx in sorted(entry.msgstr_plural):
                src = entry.msgid if idx == 0 else entry.msgid_plural
                units.append(_po_unit(key, src, entry.msgstr_plural[idx], strings.get(idx),
                                      (begin, end), idx, fuzzy, entry.linenum))
        else:
            units.append(_po_unit(key, entry.msgid, entry.msgstr, strings.get(None),
                                  (begin, end), None, fuzzy, entry.linenum))
        for unit in units[-(len(entry.msgstr_plural) or 1):]:
            if entry.msgctxt:
                unit.extra["context"] = entry.msgctxt
            # Format and Weblate flags (c-format, no-python-format, ignore-end-stop, …)
            # and comments, read by the RT8 checks.
            unit.extra["flags"] = tuple(entry.flags)
            unit.extra["comment"] = "\n".join(c for c in (entry.comment, entry.tcomment) if c)
            if entry.msgid_plural:
                unit.extra["forms"] = len(entry.msgstr_plural)
    lang = po.metadata.get("Language") or None
    m = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return BilingualFile(path, "po", units, text, source_lang=None, target_lang=lang,
                         meta={"wrapwidth": 0, "nplurals": int(m.group(1)) if m else None})


def _po_error(msg: str) -> str:
    m = re.search(r"line (\d+)", msg)
    line = f"line {m.group(1)}: " if m else ""
    return f"{line}malformed PO file: {msg.split(' (line')[0]}"


def _po_unit(key: str, source: str, target: str, located: Any, entry: tuple[int, int],
             plural: int | None, fuzzy: bool, linenum: int) -> Unit:
    unit = Unit(key, source, target, entry=entry, plural=plural, fuzzy=fuzzy,
                extra={"line": linenum})
    if located is not None:
        decoded, fstart, fend, anchor = located
        unit.anchor = anchor
        if decoded == target:
            unit.fstart, unit.fend = fstart, fend
    return unit


def _po_msgstrs(text: str, begin: int) -> tuple[dict[int | None, Any], int]:
    """The decoded ``msgstr`` strings of the entry starting at ``begin`` with positions."""
    out: dict[int | None, Any] = {}
    pos = begin
    current: Any = None
    n = len(text)
    while pos < n:
        eol = text.find("\n", pos)
        eol = n if eol < 0 else eol
        line = text[pos:eol]
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped.strip():
            if current is not None or out:
                break
        elif stripped.startswith("msgstr"):
            m = _MSGSTR.match(stripped)
            if m:
                idx = int(m.group(1)) if m.group(1) is not None else None
                current = ["", [], [], pos + indent + m.end()]
                out[idx] = current
                _po_piece(text, pos + indent + m.end(), eol, current)
        elif stripped.startswith('"') and current is not None:
            _po_piece(text, pos + indent + 1, eol, current)
        elif current is not None and (_PO_LINE_KEYWORD.match(stripped) or
                                      stripped.startswith("#")):
            break
        pos = eol + 1
    end = min(pos, n)
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}, end


def _po_piece(text: str, start: int, eol: int, acc: list[Any]) -> None:
    """Decode one quoted piece starting after its opening quote at ``start``."""
    pos = start
    for m in _PO_TOKEN.finditer(text, start, eol):
        if m.start() != pos:
            break
        tok = m.group()
        if tok.startswith("\\"):
            ch = _po_unescape(tok)
            acc[0] += ch
            acc[1].append(m.start())
            acc[2].append(m.end())
        else:
            acc[0] += tok
            acc[1].extend(range(m.start(), m.end()))
            acc[2].extend(range(m.start() + 1, m.end() + 1))
        pos = m.end()


def _po_unescape(tok: str) -> str:
    c = tok[1:]
    if c in _PO_ESC:
        return _PO_ESC[c]
    if c.startswith("x"):
        return chr(int(c[1:], 16))
    if c.isdigit():
        return chr(int(c, 8))
    return c


# --- XML: shared locating of an element's content -------------------------------------------

_XML_TOKEN = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|<!--.*?-->|<\?.*?\?>|(?P<tag><[^>]*>)"
    r"|&(?P<ent>#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);|(?P<text>[^<&]+)",
    re.DOTALL)
_XML_ENT = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
#: One character or backslash escape (``\n``, ``\u00e9``) of an Android or JSON string.
_BACKSLASH_ESC = re.compile(r"\\u[0-9a-fA-F]{4}|\\.|[^\\]", re.DOTALL)
_ANDROID_MAP = {"n": "\n", "t": "\t", "'": "'", '"': '"', "\\": "\\", "@": "@", "?": "?"}


def xml_content(text: str, start: int, end: int, android: bool = False
                ) -> tuple[str, list[int], list[int], list[str]]:
    """Decode XML element content ``text[start:end]``: text, positions and inline tags."""
    out: list[str] = []
    fs: list[int] = []
    fe: list[int] = []
    tags: list[str] = []
    for m in _XML_TOKEN.finditer(text, start, end):
        if m.group("text") is not None:
            if android:
                decoded, starts, ends = _unescape(text, m.start(), m.end(), _ANDROID_MAP)
                out.append(decoded)
                fs.extend(starts)
                fe.extend(ends)
            else:
                out.append(m.group("text"))
                fs.extend(range(m.start(), m.end()))
                fe.extend(range(m.start() + 1, m.end() + 1))
        elif m.group("ent") is not None:
            ent = m.group("ent")
            if ent.startswith("#x"):
                ch = chr(int(ent[2:], 16))
            elif ent.startswith("#"):
                ch = chr(int(ent[1:]))
            else:
                ch = _XML_ENT.get(ent, MASK)
            out.append(ch)
            fs.append(m.start())
            fe.append(m.end())
        elif m.group("cdata") is not None:
            c0 = m.start("cdata")
            out.append(m.group("cdata"))
            fs.extend(range(c0, m.end("cdata")))
            fe.extend(range(c0 + 1, m.end("cdata") + 1))
        elif m.group("tag") is not None:
            tag = m.group("tag")
            out.append(MASK)
            fs.append(m.start())
            fe.append(m.end())
            name = _tag_name(tag)
            if not name.startswith("/"):
                tags.append(name)
    return "".join(out), fs, fe, tags


_TAG_NAME = re.compile(r"<(/?)\s*(?:[\w.-]+:)?([\w.-]+)(?:[^>]*?\bid=[\"']([^\"']*)[\"'])?")


def _tag_name(tag: str) -> str:
    m = _TAG_NAME.match(tag)
    if not m:
        return tag
    return f"{m.group(1)}{m.group(2)}#{m.group(3) or ''}"


def element_span(text: str, starts: list[int], line: int, local: str, nth: int = 1
                 ) -> tuple[int, int, int, int] | None:
    """Offsets of the start tag and content of the ``nth`` element ``local`` that starts on
    ``line`` (a single-line TMX unit holds the source and the target ``<seg>`` on one line).

    Returns ``(tag_start, content_start, content_end, element_end)``.
    """
    begin = starts[line - 1] if 0 < line <= len(starts) else 0
    pattern = re.compile(r"<(?:[\w.-]+:)?" + re.escape(local) + r"(?=[\s/>])[^>]*?(/?)>")
    m = pattern.search(text, begin)
    for _ in range(nth - 1):
        if not m:
            return None
        m = pattern.search(text, m.end())
    if not m:
        return None
    if m.group(1):
        return m.start(), m.end(), m.end(), m.end()
    close = re.compile(r"</(?:[\w.-]+:)?" + re.escape(local) + r"\s*>").search(text, m.end())
    if not close:
        return None
    return m.start(), m.end(), close.start(), close.end()


def _locate_xml(unit: Unit, text: str, starts: list[int], elem: Any, local: str,
                android: bool = False) -> None:
    """Fill in the positions of ``unit`` from lxml element ``elem`` (its target)."""
    span = element_span(text, starts, elem.sourceline, local)
    if span is None:
        return
    _, c0, c1, _ = span
    decoded, fs, fe, tags = xml_content(text, c0, c1, android)
    unit.anchor = c0
    unit.target_tags = tuple(t for t in tags)
    plain = decoded.replace(MASK, "")
    if plain.strip() == unit.target.replace(MASK, "").strip() or android:
        unit.target, unit.fstart, unit.fend = decoded, fs, fe


def _xml_bytes(text: str) -> bytes:
    """The file text for lxml (its encoding declaration dropped: it is already decoded)."""
    return re.sub(r"\A(<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']", r"\1",
                  text).encode("utf-8")


def _xml_error(exc: Exception) -> InputError:
    line = getattr(exc, "lineno", None) or getattr(getattr(exc, "position", None), "__getitem__",
                                                   lambda _i: None)(0)
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if line is None:
        m = re.search(r"line (\d+)", msg)
        line = int(m.group(1)) if m else None
    return InputError(f"line {line}: malformed XML: {msg}" if line else f"malformed XML: {msg}")


# --- XLIFF 1.2 / 2.0 (translate-toolkit) -----------------------------------------------------

def read_xliff(path: str, text: str) -> BilingualFile:
    from repairtool.bilingual.safexml import check_xml

    data = _xml_bytes(text)
    root = check_xml(text)  # the decoded text: what the parser below will see
    version2 = root.attributes.get("version", "").startswith("2")
    try:
        if version2:
            from translate.storage.xliff2 import Xliff2File
            store: Any = Xliff2File.parsestring(data)
        else:
            from translate.storage.xliff import xlifffile
            store = xlifffile.parsestring(data)
    except Exception as exc:
        raise _xml_error(exc) from None
    starts = line_starts(text)
    units: list[Unit] = []
    for tu in store.units:
        if tu.isheader() or not tu.istranslatable():
            continue  # translate="no" units are not checked
        elem = tu.xmlelement
        ns = elem.tag.split("}")[0] + "}" if elem.tag.startswith("{") else ""
        tgt = elem.find(ns + "target")
        src = elem.find(ns + "source")
        source = _plain_with_masks(src)
        target = _plain_with_masks(tgt) if tgt is not None else ""
        unit = Unit(tu.getid() or str(len(units) + 1), source, target,
                    extra={"line": elem.sourceline}, fuzzy=_xliff_fuzzy(tu, tgt, elem))
        unit.source_tags = tuple(_elem_tags(src))
        flags = weblate_flags(elem)
        if flags:
            unit.extra["flags"] = flags
        span = element_span(text, starts, elem.sourceline, elem.tag.split("}")[-1])
        if span is not None:
            unit.entry = (span[0], span[3])
        if tgt is not None:
            _locate_xml(unit, text, starts, tgt, "target")
        elif span is not None:
            unit.anchor = span[2]
        units.append(unit)
    return BilingualFile(path, "xliff2" if version2 else "xliff", units, text,
                         store.getsourcelanguage() or None, store.gettargetlanguage() or None)


def weblate_flags(elem: Any) -> tuple[str, ...]:
    """The flags Weblate stores in XLIFF: the ``weblate-flags`` attribute of the
    ``<trans-unit>`` (1.2) or of the ``<unit>`` around the ``<segment>`` (2.0), flags
    separated by commas (``ignore-end-stop, max-length:80``), as in PO's ``#,`` line."""
    raw = [elem.get("weblate-flags") or ""]
    parent = elem.getparent() if elem.tag.endswith("}segment") else None
    if parent is not None:
        raw.append(parent.get("weblate-flags") or "")
    return tuple(f.strip() for value in raw for f in value.split(",") if f.strip())


def _xliff_fuzzy(tu: Any, tgt: Any, elem: Any) -> bool:
    state = (tgt.get("state") if tgt is not None else None) or elem.get("state") or ""
    if elem.tag.endswith("}segment"):  # XLIFF 2.0, read as translate-toolkit reads it
        return state == "initial" and tgt is not None and bool(tgt.text or len(tgt))
    return state.startswith("needs-review") or state == "needs-translation"


def _plain_with_masks(elem: Any) -> str:
    """Text of an element with each inline tag (open or close) as one MASK."""
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        parts.append(MASK)
        parts.append(_plain_with_masks(child) if len(child) or child.text else "")
        if len(child) or child.text:
            parts.append(MASK)
        parts.append(child.tail or "")
    return "".join(parts)


def _elem_tags(elem: Any) -> list[str]:
    if elem is None:
        return []
    out = []
    for child in elem.iterdescendants():
        if isinstance(child.tag, str):
            out.append(f"{child.tag.split('}')[-1]}#{child.get('id') or ''}")
    return out


# --- TMX (streamed with lxml.iterparse) -----------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _LineReader:
    """Reads a text file forward, line by line, keeping each line's start offset."""

    def __init__(self, fh: io.TextIOBase) -> None:
        self.fh = fh
        self.line = 0
        self.offset = 0
        self.buffer: list[tuple[int, str]] = []  # (start offset, line text) from self.first
        self.first = 1

    def window(self, line: int) -> tuple[str, int, list[int]]:
        """Text from ``line`` on (at least until a ``</seg>``), its offset, line starts."""
        while self.buffer and self.first < line:
            self.buffer.pop(0)
            self.first += 1
        while self.line < line - 1 and not self.buffer:
            s = self.fh.readline()
            if not s:
                break
            self.line += 1
            self.offset += len(s)
            self.first = self.line + 1
        while True:
            joined = "".join(t for _, t in self.buffer)
            if "</seg>" in joined[joined.find("<seg"):] if "<seg" in joined else False:
                break
            s = self.fh.readline()
            if not s:
                break
            if not self.buffer:
                self.first = self.line + 1
            self.buffer.append((self.offset, s))
            self.line += 1
            self.offset += len(s)
        base = self.buffer[0][0] if self.buffer else self.offset
        return "".join(t for _, t in self.buffer), base, [o - base for o, _ in self.buffer]


def _text_codec(head: bytes) -> str:
    """The codec that reads a file starting with ``head``: UTF-16 by its BOM, else UTF-8
    (a UTF-8 BOM skipped); offsets are code points of the text without the BOM, as
    :func:`repairtool.source.read_source` gives them."""
    import codecs

    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(
            codecs.BOM_UTF32_LE):
        return "utf-16"
    return "utf-8-sig"


def iter_tmx(path: Path, meta: dict[str, Any] | None = None) -> Iterator[Unit]:
    """Stream the units of a TMX file: bounded memory whatever the file size."""
    from lxml import etree

    from repairtool.bilingual.safexml import check_xml

    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        check_xml(fh)  # the whole prolog, however long, up to the root element
    meta = meta if meta is not None else {}
    src_lang: str | None = None
    try:
        with open(path, encoding=_text_codec(head), newline="") as text_fh:
            reader = _LineReader(text_fh)
            context = etree.iterparse(str(path), events=("start", "end"),
                                      resolve_entities=False, no_network=True, load_dtd=False,
                                      huge_tree=False, remove_comments=True)
            n = 0
            # Which <seg> of its line each one is (1-based): on a single-line unit the
            # target's is not the first; a whole file on one line counts on and on.
            seg_line, seg_count = 0, 0
            for event, elem in context:
                if event == "start":
                    if elem.tag == "seg":
                        if elem.sourceline != seg_line:
                            seg_line, seg_count = elem.sourceline, 0
                        seg_count += 1
                        meta.setdefault("_nth", {})[elem] = seg_count
                    if elem.tag == "header":
                        src_lang = elem.get("srclang")
                        meta["source_lang"] = src_lang
                    continue
                if elem.tag != "tu":
                    continue
                n += 1
                unit = _tmx_unit(elem, src_lang, reader, n, meta)
                meta["_nth"] = {}
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
                if unit is not None:
                    yield compact(unit)
    except etree.XMLSyntaxError as exc:
        raise _xml_error(exc) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid utf-8 at byte offset {exc.start}") from None


def _tmx_unit(tu: Any, src_lang: str | None, reader: _LineReader, n: int,
              meta: dict[str, Any]) -> Unit | None:
    tuvs = [(tuv.get(_XML_LANG) or tuv.get("lang") or "", tuv.find("seg"))
            for tuv in tu.findall("tuv")]
    if len(tuvs) < 2:
        return None
    src = next((t for t in tuvs if src_lang and t[0].lower() == src_lang.lower()), tuvs[0])
    tgt = next(t for t in tuvs if t is not src)
    meta.setdefault("target_lang", tgt[0])
    if src[1] is None or tgt[1] is None:
        return None
    unit = Unit(tu.get("tuid") or str(n), _plain_with_masks(src[1]), _plain_with_masks(tgt[1]),
                extra={"line": tgt[1].sourceline})
    unit.source_tags = tuple(_elem_tags(src[1]))
    window, base, starts = reader.window(tgt[1].sourceline)
    span = element_span(window, starts, 1, "seg", meta.get("_nth", {}).get(tgt[1], 1))
    if span is not None:
        decoded, fs, fe, tags = xml_content(window, span[1], span[2])
        unit.anchor = base + span[1]
        unit.target_tags = tuple(tags)
        if decoded.replace(MASK, "") == unit.target.replace(MASK, ""):
            unit.target = decoded
            unit.fstart = [base + i for i in fs]
            unit.fend = [base + i for i in fe]
    return unit


def read_tmx(path: Path, keep_text: bool = True) -> BilingualFile:
    meta: dict[str, Any] = {}
    units = list(iter_tmx(path, meta))
    text = read_source(path).text if keep_text else None
    return BilingualFile(str(path), "tmx", units, text, meta.get("source_lang"),
                         meta.get("target_lang"))


def _tmx_of_text(path: Path, text: str) -> BilingualFile:
    """A TMX file's units from its text: the streaming reader reads files, so a copy."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.tmx"
        copy.write_text(text, encoding="utf-8", newline="")
        bf = read_tmx(copy)
    bf.path = str(path)
    return bf


# --- TSV / JSONL pairs ----------------------------------------------------------------------

def read_tsv(path: str, text: str) -> BilingualFile:
    units = []
    pos = 0
    for i, line in enumerate(text.splitlines(keepends=True), 1):
        body = line.rstrip("\r\n")
        if body.strip():
            cols = body.split("\t")
            if len(cols) < 2:
                raise InputError(f"line {i}: expected source<TAB>target, found no tab")
            t0 = pos + len(cols[0]) + 1
            target = cols[1]
            units.append(Unit(str(i), cols[0], target, list(range(t0, t0 + len(target))),
                              list(range(t0 + 1, t0 + len(target) + 1)), t0,
                              entry=(pos, pos + len(body)), extra={"line": i}))
        pos += len(line)
    return BilingualFile(path, "tsv", units, text)


_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_JSON_MAP = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/", "\\": "\\",
             '"': '"', "'": "'"}


def _string_token(text: str, start: int, end: int) -> tuple[str, list[int], list[int]]:
    """Decode a JSON/.strings string body ``text[start:end]`` with positions."""
    return _unescape(text, start, end, _JSON_MAP)


def _unescape(text: str, start: int, end: int, table: dict[str, str]
              ) -> tuple[str, list[int], list[int]]:
    """Decode the backslash escapes of ``text[start:end]`` (``\\X`` through ``table``,
    else ``X``; ``\\uXXXX``), with where each decoded character starts and ends."""
    out, fs, fe = [], [], []
    for m in _BACKSLASH_ESC.finditer(text, start, end):
        tok = m.group()
        if tok.startswith("\\u"):
            ch = chr(int(tok[2:], 16))
        elif tok.startswith("\\"):
            ch = table.get(tok[1], tok[1])
        else:
            ch = tok
        out.append(ch)
        fs.append(m.start())
        fe.append(m.end())
    return "".join(out), fs, fe


def read_jsonl(path: str, text: str, source_field: str = "source",
               target_field: str = "target") -> BilingualFile:
    units = []
    pos = 0
    for i, line in enumerate(text.splitlines(keepends=True), 1):
        body = line.rstrip("\r\n")
        if body.strip():
            try:
                obj = json.loads(body)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {i}: invalid JSON: {exc.msg} "
                                 f"(column {exc.colno})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get(source_field), str) \
                    or not isinstance(obj.get(target_field), str):
                raise InputError(f"line {i}: needs string fields {source_field!r} and "
                                 f"{target_field!r} (see --source-field/--target-field)")
            unit = Unit(str(obj.get("id", i)), obj[source_field], obj[target_field],
                        entry=(pos, pos + len(body)), extra={"line": i})
            _locate_string_value(unit, text, pos, pos + len(body), key=target_field)
            units.append(unit)
        pos += len(line)
    return BilingualFile(path, "jsonl", units, text)


def _locate_string_value(unit: Unit, text: str, start: int, end: int,
                         key: str | None = None) -> int:
    """Find the quoted string that holds ``unit.target`` after ``start``; return its end."""
    for m in _JSON_STRING.finditer(text, start, end):
        if key is not None:
            if m.group(1) != key:
                continue
            key = None
            continue
        before = text[max(start, m.start() - 40):m.start()].rstrip()
        if not before.endswith((":", "=")):
            continue
        decoded, fs, fe = _string_token(text, m.start(1), m.end(1))
        if decoded == unit.target:
            unit.fstart, unit.fend, unit.anchor = fs, fe, m.start(1)
            return m.end()
    return start


# --- translate-toolkit monolingual-target formats -------------------------------------------

def read_android(path: str, text: str) -> BilingualFile:
    from translate.storage.aresource import AndroidResourceFile

    from repairtool.bilingual.safexml import check_xml

    check_xml(text)
    try:
        store = AndroidResourceFile.parsestring(_xml_bytes(text))
    except Exception as exc:
        raise _xml_error(exc) from None
    starts = line_starts(text)
    units: list[Unit] = []
    for tu in store.units:
        elem = tu.xmlelement
        items = [elem] if elem.tag == "string" else list(elem.iter("item"))
        for idx, item in enumerate(items):
            unit = Unit(tu.getid() + (f"[{idx}]" if len(items) > 1 else ""), "",
                        _plain_with_masks(item), plural=idx if len(items) > 1 else None,
                        extra={"line": item.sourceline})
            _locate_xml(unit, text, starts, item, item.tag, android=True)
            if unit.fstart is not None:
                _strip_android_quotes(unit)
            units.append(unit)
    return BilingualFile(path, "android", units, text, monolingual=True)


def _strip_android_quotes(unit: Unit) -> None:
    t = unit.target
    if len(t) >= 2 and t[0] == '"' and t[-1] == '"' and unit.fstart and unit.fend:
        unit.target = t[1:-1]
        unit.fstart, unit.fend = unit.fstart[1:-1], unit.fend[1:-1]


def read_strings(path: str, text: str) -> BilingualFile:
    from translate.storage.properties import stringsutf8file

    try:
        store = stringsutf8file.parsestring(text.encode("utf-8"))
    except Exception as exc:
        raise InputError(f"malformed .strings file: {exc}") from None
    return _string_units(path, text, "strings", [(u.getid(), u.source) for u in store.units])


def read_i18next(path: str, text: str) -> BilingualFile:
    from translate.storage.jsonl10n import I18NextV4File

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: invalid JSON: {exc.msg}") from None
    store = I18NextV4File.parsestring(text.encode("utf-8"))
    pairs: list[tuple[str, str]] = []
    for u in store.units:
        strings = getattr(u.target, "strings", None) or [str(u.target)]
        for i, s in enumerate(strings):
            pairs.append((u.getid() + (f"[{i}]" if len(strings) > 1 else ""), str(s)))
    return _string_units(path, text, "i18next", pairs)


def _string_units(path: str, text: str, fmt: str, pairs: list[tuple[str, str]]
                  ) -> BilingualFile:
    units = []
    cursor = 0
    for key, value in pairs:
        unit = Unit(key, "", value)
        cursor = _locate_string_value(unit, text, cursor, len(text))
        unit.extra["line"] = text.count("\n", 0, unit.anchor) + 1
        units.append(unit)
    return BilingualFile(path, fmt, units, text, monolingual=True)


def read_subtitles(path: str, text: str) -> BilingualFile:
    import tempfile

    from translate.storage.subtitles import SubtitleFile

    suffix = Path(path).suffix
    with tempfile.NamedTemporaryFile("w", suffix=suffix, encoding="utf-8", delete=False) as tmp:
        tmp.write(text)
    try:
        store = SubtitleFile.parsefile(tmp.name)
    except Exception as exc:
        raise InputError(f"malformed subtitle file: {exc}") from None
    finally:
        Path(tmp.name).unlink()
    units = []
    cursor = 0
    for i, u in enumerate(store.units, 1):
        value = str(u.source)
        unit = Unit(str(i), "", value)
        stored = value if "\r\n" not in text else value.replace("\n", "\r\n")
        at = text.find(stored, cursor)
        if at >= 0:
            unit.anchor = at
            unit.fstart, unit.fend = [], []
            pos = at
            for ch in value:  # a line break may be stored as CR LF
                width = 2 if ch == "\n" and text.startswith("\r\n", pos) else 1
                unit.fstart.append(pos)
                unit.fend.append(pos + width)
                pos += width
            cursor = pos
        unit.extra["line"] = text.count("\n", 0, unit.anchor) + 1
        units.append(unit)
    return BilingualFile(path, "subtitles", units, text, monolingual=True)



_READERS: dict[str, Callable[[str, str], BilingualFile]] = {
    "po": read_po, "xliff": read_xliff, "tsv": read_tsv, "jsonl": read_jsonl,
    "android": read_android, "strings": read_strings, "i18next": read_i18next,
    "subtitles": read_subtitles,
}

__all__ = ["BilingualFile", "Unit", "is_bilingual_path", "read_units"]
