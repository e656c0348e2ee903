"""write_back on real files: byte-identical outside the changed entries, review marks, and
the library reading back what was meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from repairtool.bilingual import write_back
from repairtool.bilingual.formats import read_units
from repairtool.bilingual.scan import scan_bilingual
from repairtool.bilingual.writeback import WriteBackError, fix_file
from repairtool.config import Settings
from repairtool.model import Applicability, Edit

from .conftest import FIXTURES

BI = FIXTURES / "bilingual"


def copy(tmp: Path, name: str) -> Path:
    dest = tmp / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BI / name, dest)
    return dest


def fixes_of(path: Path, level: Applicability = Applicability.UNSAFE) -> list[Edit]:
    # The entry checks RT81x (a newline msgfmt -c refuses) are tested in their own tables.
    findings, _doc, _ = scan_bilingual(path, Settings(ignore=("RT81",)))
    return [e for f in findings for fx in f.fixes[:1] if fx.applicability >= level
            for e in fx.edits]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_po_round_trip_marks_fuzzy_and_keeps_the_rest(tmp_path: Path) -> None:
    path = copy(tmp_path, "zh-en.po")
    before = path.read_text(encoding="utf-8")
    result = write_back(path, before, fixes_of(path))
    after = path.read_bytes().decode("utf-8")
    removed, added = changed_lines(before, after)
    assert removed == ["#, python-format", 'msgstr "There are %s files"',
                       '"He said \\"OK\\"，and "', 'msgstr "See https://example.org for details"']
    assert added == ["#, fuzzy, python-format", 'msgstr "There are %d files"', "#, fuzzy",
                     '"He said \\"OK\\", and "', "#, fuzzy",
                     'msgstr "See https://example.com for details"']
    assert len(result.changed) == 3
    po = polib.pofile(str(path))
    entry = po.find("共有%d个文件")
    assert entry.msgstr == "There are %d files" and "fuzzy" in entry.flags
    assert "python-format" in entry.flags
    quoted = po.find('他说："好的"')
    assert quoted.msgstr == 'He said "OK", and left.\n' and "fuzzy" in quoted.flags
    untouched = po.find("删除 {name}")
    assert untouched.msgstr_plural == {0: "Delete {name}", 1: "Delete {count} files"}
    assert "fuzzy" not in untouched.flags
    assert po.find("打开", msgctxt="menu").msgstr == "打开"


def test_po_without_mark(tmp_path: Path) -> None:
    path = copy(tmp_path, "zh-en.po")
    before = path.read_text(encoding="utf-8")
    write_back(path, before, fixes_of(path), mark=False)
    assert "fuzzy" not in path.read_text(encoding="utf-8")


def test_edits_outside_targets_and_stale_text_are_refused(tmp_path: Path) -> None:
    path = copy(tmp_path, "zh-en.po")
    before = path.read_text(encoding="utf-8")
    at = before.index('msgid "你好')
    with pytest.raises(WriteBackError, match="not inside a target"):
        write_back(path, before, [Edit(at, at + 5, "x")])
    with pytest.raises(WriteBackError, match="changed"):
        write_back(path, before + "\n", [])
    assert path.read_text(encoding="utf-8") == before


def test_edit_that_breaks_the_file_is_not_written(tmp_path: Path) -> None:
    path = copy(tmp_path, "zh-en.po")
    before = path.read_text(encoding="utf-8")
    at = before.index("Hello, world")
    with pytest.raises(WriteBackError):
        write_back(path, before, [Edit(at, at + 5, 'He"llo')])  # unescaped quote
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("name", "marked"), [
    ("zh-en-12.xlf", 'state="needs-review-translation"'),
    ("zh-en-20.xliff", 'subState="repairtool:needs-review"'),
    ("zh-en.tmx", None), ("strings.xml", None), ("Localizable.strings", None),
    ("locales/en.json", None), ("subs.srt", None),
])
def test_xml_and_other_formats_round_trip(tmp_path: Path, name: str, marked: str | None
                                         ) -> None:
    path = copy(tmp_path, name)
    before = path.read_text(encoding="utf-8")
    units_before = read_units(path).units
    result = fix_file(path, level="safe")
    after = path.read_text(encoding="utf-8")
    assert result.changed and after != before
    removed, added = changed_lines(before, after)
    # Only the fixed targets and the review mark's start tag changed.
    assert all("，" in line or "。" in line or line.strip() == "<segment>" for line in removed)
    assert all("，" not in line for line in added)
    if marked:
        assert marked in after
    units_after = read_units(path).units
    assert len(units_after) == len(units_before)
    for a, b in zip(units_before, units_after, strict=True):
        if a.key not in result.changed:
            assert a.target == b.target
    assert not fixes_of(path, Applicability.SAFE)  # nothing safe left to fix


def test_plural_form_and_inline_tags_are_kept(tmp_path: Path) -> None:
    po_path = copy(tmp_path, "zh-en.po")
    text = po_path.read_text(encoding="utf-8")
    at = text.index("Delete {count} files") + len("Delete {count} ")
    write_back(po_path, text, [Edit(at, at + 5, "items")])
    entry = polib.pofile(str(po_path)).find("删除 {name}")
    assert entry.msgstr_plural == {0: "Delete {name}", 1: "Delete {count} items"}
    assert "fuzzy" in entry.flags and entry.msgid_plural == "删除 {count} 个文件"

    xlf = copy(tmp_path, "zh-en-12.xlf")
    text = xlf.read_text(encoding="utf-8")
    at = text.index(">world</g>") + 1
    write_back(xlf, text, [Edit(at, at + 1, "W")])
    after = xlf.read_text(encoding="utf-8")
    assert '<target state="needs-review-translation">Hello, <g id="1">World</g></target>' in after
    unit = read_units(xlf).units[0]
    assert unit.target_tags == unit.source_tags == ("g#1",)
