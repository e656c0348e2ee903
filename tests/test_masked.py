"""RT101/RT102 beyond the case table: candidate order, the data file, fix levels, big input."""

from __future__ import annotations

import tomllib
from pathlib import Path

from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.fixes import apply_edits, fix_text
from repairtool.model import Applicability
from repairtool.rules import masked

DATA = Path(masked.__file__).resolve().parent.parent / "data" / "masked_fills.toml"
ONLY = Settings(select=("RT101", "RT102"))


def findings(text: str, kind: str = "text") -> list:
    return scan_text(text, kind=kind, settings=ONLY)


def after(text: str, finding) -> list[str]:
    return [apply_edits(text, fx.edits) for fx in finding.fixes]


def test_person_before_mask_moves_the_title_in_front_and_removal_comes_last() -> None:
    text = "Macron** said that he would go."
    [f] = findings(text)
    texts = after(text, f)
    assert texts[0] == "President Macron said that he would go."
    assert texts[-1] == "Macron said that he would go."
    assert [fx.applicability for fx in f.fixes[:-1]] == [Applicability.SUGGESTION] * (
        len(f.fixes) - 1)
    assert f.fixes[-1].applicability is Applicability.UNSAFE
    assert "'President Macron'" in f.message


def test_place_before_mask_prefers_government_and_agrees_the_verb() -> None:
    text = "Officials said Tokyo** has tightened the rules."
    [f] = findings(text)
    texts = after(text, f)
    assert texts[:2] == ["Officials said the Tokyo government has tightened the rules.",
                         "Officials said Tokyo authorities have tightened the rules."]
    assert not any("President Tokyo" in t for t in texts)  # a place takes no title
    assert texts[-1] == "Officials said Tokyo has tightened the rules."


def test_fills_come_from_the_data_file() -> None:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    text = "France's **Macron said so."
    [f] = findings(text)
    fills = [fx.edits[0].replacement.strip() for fx in f.fixes[:-1]]
    assert fills == data["title"]["fills"]
    text = "According to ** reports, it failed."
    [f] = findings(text)
    assert [fx.edits[0].replacement for fx in f.fixes[:-1]] == data["media"]["fills"]


def test_fix_levels_safe_leaves_the_hole_unsafe_removes_it() -> None:
    text = "According to ** reports, the plant was closed."

    def scan(t: str) -> list:
        return findings(t)

    assert fix_text(text, scan, Applicability.SAFE).text == text
    assert fix_text(text, scan, Applicability.UNSAFE).text == \
        "According to reports, the plant was closed."


def test_emphasis_pairs_in_markdown_and_text_stay_silent_but_an_odd_one_out_fires() -> None:
    text = "Some **bold** words, then Tokyo** has tightened the **new** rules."
    for kind in ("text", "markdown"):
        spans = [(f.start, f.end) for f in findings(text, kind)]
        assert spans == [(text.index("** has"), text.index("** has") + 2)], kind


def test_a_fill_never_leaves_a_finding_of_its_own_rule() -> None:
    text = "US** Biden met the new ** who said that according to ** reports Tokyo** has acted."
    for f in findings(text):
        for fixed in after(text, f):
            assert len(findings(fixed)) == len(findings(text)) - 1, fixed


def test_big_adversarial_inputs_finish() -> None:
    for text in ("*" * 1_000_000, "** " * 100_000, "□" * 200_000, "×" * 200_000,
                 "Tokyo** has " * 20_000):
        findings(text)


def test_holes_that_look_like_an_emphasis_pair_are_each_reported() -> None:
    """A spaced run cannot open a pair, a pair holds a short phrase and in plain text it
    stays on one line: each of these runs is a hole of its own."""
    cases = ["Trump and many other ** called him the winner. Meanwhile … Berlin** has "
             "come to a standstill.",
             "It was a blow to Spain's **Sánchez.\nIn May 2023, Macron** visited Beijing."]
    for text in cases:
        spans = [text[f.start:f.end] for f in findings(text)]
        assert spans == ["**", "**"], text
    bold = "Some **bold words** and a ** spaced pair ** stay silent."
    assert findings(bold) == [] and findings(bold, "markdown") == []
