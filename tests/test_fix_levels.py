"""Fix levels chosen from what the repairs did to real post-edited MT (MLQE-PE): a safe fix
must be one a translator would always accept."""

from __future__ import annotations

import pytest

from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.model import Applicability


def first_fix_level(text: str, code: str) -> Applicability:
    (finding,) = [f for f in scan_text(text, settings=Settings(select=(code,)))]
    return finding.fixes[0].applicability


@pytest.mark.parametrize(("text", "code", "level"), [
    ("He went to the the market.", "RT401", Applicability.UNSAFE),
    ("The price rose in in March.", "RT401", Applicability.UNSAFE),
    ("The council decidedto act.", "RT203", Applicability.SAFE),
    ("The price ofthe house rose.", "RT203", Applicability.SAFE),
    ("It is about the name of the dialectin question.", "RT203", Applicability.UNSAFE),
    ("Beniczky's new intendand was replaced.", "RT203", Applicability.UNSAFE),
])
def test_level(text: str, code: str, level: Applicability) -> None:
    assert first_fix_level(text, code) is level


def test_five_dots_are_not_a_chinese_ellipsis() -> None:
    assert not scan_text("Mermaids and truth exist.....", settings=Settings(select=("RT302",)))
    assert scan_text("Mermaids and truth exist......", settings=Settings(select=("RT302",)))
