"""`scan --fix` and `--diff` on bilingual files write back through the file's own format."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

from .helpers import run_cli

PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: a.py:1
msgid "价格上涨，政府说"
msgstr "Prices rose，the government said"

#: a.py:2
msgid "你好"
msgstr "Hello"
'''


def test_fix_po_marks_the_entry_fuzzy_and_keeps_the_rest(tmp_path: Path) -> None:
    po = tmp_path / "app.po"
    po.write_text(PO, encoding="utf-8")
    r = run_cli("scan", "--fix", "--isolated", "--select", "RT301", "app.po", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Prices rose, the government said"' in text
    entries = {e.msgid: e for e in polib.pofile(str(po))}
    assert "fuzzy" in entries["价格上涨，政府说"].flags
    assert "fuzzy" not in entries["你好"].flags
    assert text.endswith('#: a.py:2\nmsgid "你好"\nmsgstr "Hello"\n')
    again = run_cli("scan", "--fix", "--isolated", "--select", "RT301", "app.po", cwd=tmp_path)
    assert again.returncode == 0 and po.read_text(encoding="utf-8") == text


def test_diff_of_a_po_file_applies_with_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    po = tmp_path / "app.po"
    po.write_text(PO, encoding="utf-8")
    r = run_cli("scan", "--diff", "--isolated", "--select", "RT301", "app.po", cwd=tmp_path)
    assert r.returncode == 1 and "+msgstr \"Prices rose, the government said\"" in r.stdout
    assert po.read_text(encoding="utf-8") == PO
    (tmp_path / "fix.patch").write_text(r.stdout, encoding="utf-8")
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    fixed = po.read_text(encoding="utf-8")
    po.write_text(PO, encoding="utf-8")
    run_cli("scan", "--fix", "--isolated", "--select", "RT301", "app.po", cwd=tmp_path)
    assert po.read_text(encoding="utf-8") == fixed


def test_review_patch_of_a_po_file_marks_the_entry_and_applies(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    po = tmp_path / "app.po"
    po.write_text(PO, encoding="utf-8")
    r = run_cli("review", "--isolated", "--select", "RT301", "--accept", "safe",
                "--patch", "fix.patch", "app.po", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    entries = {e.msgid: e for e in polib.pofile(str(po))}
    assert entries["价格上涨，政府说"].msgstr == "Prices rose, the government said"
    assert "fuzzy" in entries["价格上涨，政府说"].flags
