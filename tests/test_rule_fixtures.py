"""Every rule's table of cases (fixtures/rules/CODE.toml): what must fire, what must not.

Also the invariants every rule meets: a documented rule, a fix for every fixable rule, fixes
that remove their finding without creating a new one of the same rule.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.fixes import apply_edits
from repairtool.model import Applicability
from repairtool.rules.base import DOC_SECTIONS, registry
from repairtool.rules.bilingual import BilingualRule

from .conftest import FIXTURES

CASES = FIXTURES / "rules"
#: Rules reported by the engine itself, not by running the rule on text.
ENGINE_RULES = {"RT001"}
MIN_FIRE, MIN_SILENT = 3, 3


def load_cases(code: str) -> dict:
    path = CASES / f"{code}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def run(code: str, case: dict) -> list:
    settings = Settings(select=(code,), min_severity=Settings().min_severity)
    return [f for f in scan_text(case["text"], kind=case.get("kind", "text"),
                                 language=case.get("language", "en"), settings=settings)
            if f.rule.code == code]


def all_cases(kind: str) -> list:
    out = []
    for code in registry():
        for i, case in enumerate(load_cases(code).get(kind, [])):
            out.append(pytest.param(code, case, id=f"{code}-{kind}-{i}"))
    return out


#: Bilingual rules need source/target pairs: their tables are in fixtures/bilingual/rules
#: and tests/test_bilingual_rules.py holds them to the same minimums (RT8, and the RT6 idiom
#: checks RT603/RT604 that compare a target with its source).
BILINGUAL_RULES = {c for c, r in registry().items() if issubclass(r, BilingualRule)}


@pytest.mark.parametrize("code", [c for c in registry()
                                  if c not in ENGINE_RULES | BILINGUAL_RULES])
def test_rule_has_cases(code: str) -> None:
    cases = load_cases(code)
    assert len(cases.get("fire", [])) >= MIN_FIRE, f"{code} needs {MIN_FIRE} cases that fire"
    assert len(cases.get("silent", [])) >= MIN_SILENT, f"{code} needs look-alikes that stay silent"


@pytest.mark.parametrize("code", list(registry()))
def test_rule_is_documented(code: str) -> None:
    rule = registry()[code]
    doc = rule.doc()
    positions = [doc.find(f"## {s}") for s in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{code} doc lacks a section"
    assert positions == sorted(positions)
    assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
    assert rule.code.startswith("RT") and rule.code[2:].isdigit()


@pytest.mark.parametrize(("code", "case"), all_cases("fire"))
def test_fires(code: str, case: dict) -> None:
    found = run(code, case)
    assert found, f"{code} did not fire on {case['text']!r}"
    text = case["text"]
    if "span" in case:
        assert case["span"] in [text[f.start:f.end] for f in found]
    if "message" in case:
        assert any(case["message"] in f.message for f in found)
    if "fixed" in case:
        first = next(f for f in found if f.fixes)
        assert apply_edits(text, first.fixes[0].edits) == case["fixed"]
    if "unsafe_fixed" in case:
        # what `--fix --unsafe-fixes` writes: suggestions are never applied
        assert unsafe_level(text, found) == case["unsafe_fixed"]
    if "candidates" in case:
        titles = [text_after(text, fx) for f in found for fx in f.fixes]
        for wanted in case["candidates"]:
            assert wanted in titles, f"{wanted!r} not among {titles}"
    rule = registry()[code]
    if rule.fixable:
        assert any(f.fixes for f in found), f"{code} says it can fix but offered none"


def unsafe_level(text: str, found: list) -> str:
    """``text`` with each finding's first safe or unsafe fix applied (none of its suggestions)."""
    edits = []
    for f in found:
        fx = next((x for x in f.fixes if x.applicability is not Applicability.SUGGESTION), None)
        if fx is not None:
            edits.extend(fx.edits)
    return apply_edits(text, edits)


def text_after(text: str, fix) -> str:
    return apply_edits(text, fix.edits)


@pytest.mark.parametrize(("code", "case"), all_cases("silent"))
def test_silent(code: str, case: dict) -> None:
    found = run(code, case)
    assert not found, f"{code} fired on look-alike {case['text']!r}: " + \
        ", ".join(repr(case["text"][f.start:f.end]) for f in found)


@pytest.mark.parametrize(("code", "case"), all_cases("fire"))
def test_fix_removes_finding(code: str, case: dict) -> None:
    """Applying a fix removes that finding and adds no new finding of the same rule."""
    text = case["text"]
    before = run(code, case)
    for f in before:
        for fx in f.fixes:
            after_text = apply_edits(text, fx.edits)
            after = run(code, {**case, "text": after_text})
            assert len(after) < len(before), (
                f"{code}: fix {fx.title!r} left {len(after)} findings on {after_text!r}")


def test_every_case_file_names_a_rule() -> None:
    codes = set(registry())
    for path in Path(CASES).glob("*.toml"):
        assert path.stem in codes, f"{path.name} names no rule"
