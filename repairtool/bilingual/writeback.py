"""Write accepted edits back into a bilingual file and mark each changed entry for review.

Edits are offsets into the file text with replacements as the file stores text (what
:mod:`repairtool.bilingual.scan` produces). They are spliced into the text of the target they
fall in, so everything outside the changed entries stays byte for byte as it was, and escapes,
line wrapping, plural forms, context and inline tags of the changed entries are kept too. The
review mark is added where the format has one:

- PO: the ``fuzzy`` flag (added to the entry's ``#,`` line, or a new ``#, fuzzy`` line);
- XLIFF 1.2: ``state="needs-review-translation"`` on ``<target>``;
- XLIFF 2.0: ``state="initial"`` (what translate-toolkit reads as fuzzy; 2.0 has no
  needs-review state) with ``subState="repairtool:needs-review"`` on ``<segment>``.

The result is parsed again with the same library (polib / translate-toolkit / lxml) and must
give the edited targets and the marks, else nothing is written.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repairtool.bilingual.formats import BilingualFile, Unit, read_units
from repairtool.fixes import apply_edits
from repairtool.model import Edit
from repairtool.source import read_source


class WriteBackError(Exception):
    """Edits that cannot be written back; nothing was written."""


@dataclass
class WriteBackResult:
    text: str
    changed: list[str]


def write_back(path: str | Path, source_text: str, edits: Iterable[Edit], *, mark: bool = True,
               bilingual: str | None = None, write: bool = True) -> WriteBackResult:
    """Apply ``edits`` to the bilingual file ``path`` (whose text was ``source_text``)."""
    p = Path(path)
    src = read_source(p)
    if src.text != source_text:
        raise WriteBackError(f"{p}: the file changed since it was read")
    bf = read_units(p, bilingual=bilingual)
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    _check_overlaps(edits)
    changed = _units_of(bf, edits)
    all_edits = list(edits)
    if mark:
        entries: dict[tuple[int, int] | int, Unit] = {}
        for u in changed:
            entries.setdefault(u.entry or u.anchor, u)
        for u in entries.values():
            all_edits.extend(_mark(bf, u, source_text))
    new_text = apply_edits(source_text, sorted(all_edits, key=lambda e: (e.start, e.end)))
    _verify(p, bf, new_text, changed, edits, mark, bilingual)
    if write:
        p.write_bytes(src.encode(new_text))
    return WriteBackResult(new_text, [u.key for u in changed])


def _check_overlaps(edits: Sequence[Edit]) -> None:
    for a, b in itertools.pairwise(edits):
        if b.start < a.end:
            raise WriteBackError(f"edits overlap at offset {b.start}")


def _units_of(bf: BilingualFile, edits: Sequence[Edit]) -> list[Unit]:
    """The units the edits fall in; every edit must lie inside one target's stored text."""
    out: list[Unit] = []
    for e in edits:
        unit = next((u for u in bf.units if _inside(u, e)), None)
        if unit is None:
            raise WriteBackError(f"edit at offset {e.start} is not inside a target")
        if unit not in out:
            out.append(unit)
    return out


def _inside(u: Unit, e: Edit) -> bool:
    if not u.fstart or not u.fend:
        return u.fstart is not None and e.start == e.end == u.anchor
    return u.fstart[0] <= e.start and e.end <= u.fend[-1]


_PO_FLAGS = re.compile(r"^#,[^\n]*", re.MULTILINE)


def _mark(bf: BilingualFile, u: Unit, text: str) -> list[Edit]:
    if bf.format == "po" and u.entry:
        if u.fuzzy:
            return []
        start, end = u.entry
        block = text[start:end]
        m = _PO_FLAGS.search(block)
        if m:
            at = start + m.start() + 2
            return [Edit(at, at, " fuzzy,")]
        lines = block.split("\n")
        offset = start
        for line in lines:
            if not line.startswith(("# ", "#.", "#:", "#\t")) and line != "#":
                break
            offset += len(line) + 1
        return [Edit(offset, offset, "#, fuzzy\n")]
    if bf.format == "xliff" and u.entry:
        return _set_attr(text, _tag_start(text, u, "target"), "state",
                         "needs-review-translation")
    if bf.format == "xliff2" and u.entry:
        at = u.entry[0]
        return (_set_attr(text, at, "state", "initial")
                + _set_attr(text, at, "subState", "repairtool:needs-review"))
    return []


def _tag_start(text: str, u: Unit, local: str) -> int:
    """Offset of the ``<target`` start tag that holds ``u``'s text."""
    return text.rfind("<", 0, u.anchor) if u.anchor else -1


def _set_attr(text: str, tag_at: int, name: str, value: str) -> list[Edit]:
    """Set attribute ``name`` of the start tag at ``tag_at`` (replace or add)."""
    if tag_at < 0:
        return []
    end = text.find(">", tag_at)
    tag = text[tag_at:end]
    m = re.search(r"\s" + re.escape(name) + r"\s*=\s*([\"'])(.*?)\1", tag)
    if m:
        return [Edit(tag_at + m.start(2), tag_at + m.end(2), value)]
    at = tag_at + len(tag) - (1 if tag.endswith("/") else 0)
    return [Edit(at, at, f' {name}="{value}"')]


def _verify(p: Path, before: BilingualFile, new_text: str, changed: list[Unit],
            edits: Sequence[Edit], mark: bool, bilingual: str | None) -> None:
    """Parse ``new_text`` with the same library; it must hold what we meant to write."""
    with tempfile.TemporaryDirectory() as tmp:
        # Same name so that the format is chosen the same way (strings.xml, locales/…).
        q = Path(tmp) / (p.absolute().parent.name or "root") / p.name
        q.parent.mkdir()
        q.write_text(new_text, encoding="utf-8", newline="")
        try:
            after = read_units(q, bilingual=bilingual)
        except Exception as exc:
            raise WriteBackError(f"{p}: the edited file does not parse: {exc}") from None
    if len(after.units) != len(before.units):
        raise WriteBackError(f"{p}: the edited file has {len(after.units)} units, "
                             f"not {len(before.units)}")
    index = {id(u): i for i, u in enumerate(before.units)}
    for u in changed:
        i = index[id(u)]
        want = _expected_target(before.format, u, before.text or "", edits)
        got = after.units[i].target
        if want is not None and got != want:
            raise WriteBackError(f"{p}: unit {u.key!r} reads back as {got!r}, not {want!r}")
        if mark and before.format in ("po", "xliff", "xliff2") and not after.units[i].fuzzy \
                and not _emptied_xliff2(before.format, after.units[i]):
            raise WriteBackError(f"{p}: unit {u.key!r} was not marked for review")


def _emptied_xliff2(fmt: str, unit: Unit) -> bool:
    """An XLIFF 2.0 segment whose whole target a fix removed (a lone zero-width space):
    with ``state="initial"`` and nothing in it, it reads as untranslated, not as fuzzy,
    which sends it back to a translator just the same (its subState still says why)."""
    return fmt == "xliff2" and not unit.target


def _expected_target(fmt: str, u: Unit, text: str, edits: Sequence[Edit]) -> str | None:
    """The target text after the edits, decoded as the reader decodes it."""
    if not u.fstart or not u.fend:
        return None
    start, end = u.fstart[0], u.fend[-1]
    mine = [Edit(e.start - start, e.end - start, e.replacement) for e in edits
            if start <= e.start and e.end <= end]
    return decode_stored(fmt, apply_edits(text[start:end], mine))


_PO_PIECE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def decode_stored(fmt: str, raw: str) -> str | None:
    """Decode a target's stored text as the format's reader does."""
    from repairtool.bilingual.formats import _po_unescape, _string_token, xml_content

    if fmt == "po":
        out = []
        for piece in _PO_PIECE.findall('"' + raw + '"'):
            out.append(re.sub(r"\\(?:x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)",
                              lambda m: _po_unescape(m.group()), piece))
        return "".join(out)
    if fmt in ("xliff", "xliff2", "tmx"):
        return xml_content(raw, 0, len(raw))[0]
    if fmt == "android":
        return xml_content(raw, 0, len(raw), android=True)[0]
    if fmt in ("strings", "i18next", "jsonl"):
        return _string_token(raw, 0, len(raw))[0]
    if fmt in ("tsv", "subtitles"):
        return raw
    return None


#: Passes of scan-and-fix before a bilingual file is taken as settled.
MAX_PASSES = 10


def fix_file(path: str | Path, settings: object = None, level: str = "safe", *,
             mark: bool = True, write: bool = True,
             scanned: tuple[list[Any], str] | None = None) -> WriteBackResult:
    """Scan a bilingual file, apply the fixes of ``level`` and write them back with
    :func:`write_back`, then scan the result again and repeat until no fix is left (as
    ``--fix`` does for plain text): one run reaches the fixed point, so a second ``--fix``
    changes nothing and ``--diff`` shows all that ``--fix`` writes. ``scanned`` (findings
    and the file text of a scan already made) spares the first scan."""
    from repairtool.bilingual.scan import scan_bilingual
    from repairtool.config import Settings
    from repairtool.fixes import apply_once, choose
    from repairtool.model import Applicability

    p = Path(path)
    s = settings if isinstance(settings, Settings) else Settings()
    if scanned is None:
        findings, doc, _bf = scan_bilingual(p, s)
        scanned = (findings, doc.text)
    findings, text = scanned
    original = read_source(p)
    changed: dict[str, None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Later passes read the text so far from a copy with the same name (the format is
        # chosen by name) and the file's own encoding.
        q = Path(tmp) / (p.absolute().parent.name or "root") / p.name
        q.parent.mkdir()
        current = p
        for _ in range(MAX_PASSES):
            _new, taken = apply_once(text, choose(findings, Applicability.parse(level)))
            edits = [e for _f, fx in taken for e in fx.edits]
            if not edits:
                break
            done = write_back(current, text, edits, mark=mark,
                              bilingual=s.extra.get("bilingual"), write=False)
            if done.text == text:
                break
            text = done.text
            changed.update(dict.fromkeys(done.changed))
            q.write_bytes(original.encode(text))
            current = q
            findings = scan_bilingual(q, s)[0]
    if write and changed:
        p.write_bytes(original.encode(text))
    return WriteBackResult(text, list(changed))
