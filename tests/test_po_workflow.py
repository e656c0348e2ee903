"""A localisation repository's first scan (issue 12, part 1), on made-up look-alikes of a
desktop application's PO files (fixtures/bilingual/app): templates, untranslated, fuzzy and
credits entries, patterns the source holds too, format flags, and msgfmt's own verdict."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT, run_cli

APP = ROOT / "fixtures" / "bilingual" / "app"
WEBLATE = ROOT / "fixtures" / "bilingual" / "weblate"


def findings(*args: str, cwd: Path = APP) -> list[tuple[int, str, str]]:
    import json

    r = run_cli("scan", "--format", "json", "--min-severity", "info", *args, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return [(f["line"], f["rule"], f["message"]) for f in json.loads(r.stdout)["findings"]]


def test_first_scan_of_an_english_variant_is_quiet() -> None:
    """Keyword lists, credits, "2600 Magazine", an untranslated and a fuzzy entry: each
    reported before (RT201 x4, RT804 x2, RT809, RT801), none is a translation error."""
    assert findings("en_GB.po") == []


def test_fix_leaves_a_keyword_list_the_source_holds_alone(tmp_path: Path) -> None:
    shutil.copy(APP / "en_GB.po", tmp_path / "en_GB.po")
    before = (tmp_path / "en_GB.po").read_bytes()
    r = run_cli("scan", "--fix", "--unsafe-fixes", "en_GB.po", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "en_GB.po").read_bytes() == before


def test_templates_and_unfinished_entries_only_when_asked() -> None:
    assert findings("notepad.pot") == []
    assert findings(".") == findings("de.po")  # the folder: the template adds nothing
    asked = findings("--include-unfinished", "notepad.pot")
    assert {rule for _, rule, _ in asked} == {"RT801"}
    assert len(asked) == 8  # every entry but the header and the credits
    en = findings("--include-unfinished", "en_GB.po")
    assert (39, "RT801", "empty translation") in en
    assert any(line == 43 for line, _, _ in en)  # the fuzzy entry's full-width comma
    assert not any(line in (17, 18, 19, 20) for line, _, _ in en)  # credits: never


def test_placeholders_follow_the_entry_flags() -> None:
    found = findings("de.po")
    assert (16, "RT804", "placeholder '%s', placeholder '%s' of the source are missing") \
        in found  # all of them, in one finding
    assert (27, "RT804", "placeholder '%name%' of the source is missing") in found  # Symfony
    lines = {line for line, _, _ in found}
    assert 20 not in lines  # c-format: {files} is text, and %% a literal percent
    assert 24 not in lines  # no-c-format: %s is text
    assert 31 not in lines  # ignore-end-stop
    assert 34 not in lines  # translator-credits
    assert not any(rule == "RT804" and "count" in msg for _, rule, msg in found)  # ICU kept


@pytest.mark.parametrize("name, expected", [
    ("weblate-flags.xlf", [(7, "RT815"), (11, "RT301")]),
    ("weblate-flags-20.xliff", [(5, "RT815")]),
])
def test_weblate_flags_in_xliff_switch_checks_off(name: str,
                                                  expected: list[tuple[int, str]]) -> None:
    """Weblate keeps an XLIFF unit's flags in its ``weblate-flags`` attribute: the units
    that carry ``ignore-end-stop`` or ``ignore-full-width-form`` are not reported, their
    unflagged twins are (they were reported alike before)."""
    found = findings(name, cwd=WEBLATE)
    assert [(line, rule) for line, rule, _ in found] == expected
    if name.endswith(".xlf"):
        from repairtool.bilingual.formats import read_xliff

        text = (WEBLATE / name).read_text(encoding="utf-8")
        flags = [u.extra.get("flags") for u in read_xliff(name, text).units]
        assert flags == [None, None, ("ignore-end-stop",),
                         ("max-length:40", "ignore-full-width-form")]


MSGFMT_NEWLINE = re.compile(r":(\d+): 'msgid' and 'msgstr' entries do not both (begin|end) "
                            r"with '\\n'")


@pytest.mark.parametrize("name", ["de.po", "../zh-en.po"])
def test_every_msgfmt_newline_error_is_reported_and_fixed(name: str, tmp_path: Path) -> None:
    """`msgfmt -c` is the judge: each entry it refuses for a line break has an RT810
    finding, and after `scan --fix` msgfmt no longer refuses any."""
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed")
    path = tmp_path / Path(name).name
    shutil.copy(APP / name, path)

    def refused() -> set[int]:
        out = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True).stderr
        return {int(m.group(1)) for m in MSGFMT_NEWLINE.finditer(out)}

    lines = refused()
    assert lines, "the fixture must hold an entry msgfmt -c refuses"
    rt810 = {line for line, rule, _ in findings("--select", "RT810", path.name, cwd=tmp_path)}
    # msgfmt names the msgstr line or the msgid line before it; the finding is on the msgstr.
    assert all(any(0 <= f - m <= 4 for f in rt810) for m in lines), (lines, rt810)
    run_cli("scan", "--fix", "--select", "RT810", path.name, cwd=tmp_path)
    assert refused() == set()
