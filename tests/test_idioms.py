"""RT603/RT604 on real PO, XLIFF and TMX files, with lexicon idioms and an idiom table in the
format of repairtool/data/zh_idioms*.tsv: a fixture lexicon and a small sample table, so that
the expected findings do not change as the shipped data grows."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from repairtool import lexicon
from repairtool.bilingual.scan import scan_bilingual
from repairtool.config import Settings
from repairtool.fixes import apply_edits
from repairtool.model import Severity
from repairtool.rules import idioms

from .conftest import FIXTURES

HERE = FIXTURES / "bilingual" / "idioms"
TABLE = HERE / "zh_idioms_sample.tsv"
LEXICON = HERE / "idioms_lexicon.toml"
SETTINGS = Settings(select=("RT603", "RT604"), min_severity=Severity.INFO)


@pytest.fixture(autouse=True)
def fixture_lexicon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(idioms, "lexicons", lambda extra: [lexicon.load(LEXICON)])
    idioms._index.cache_clear()
    yield
    idioms._index.cache_clear()


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(idioms, "table_paths", lambda: [TABLE])
    return TABLE


def scan(name: str, tmp: Path) -> tuple[list, str]:
    path = tmp / name
    shutil.copy(HERE / name, path)
    findings, _doc, _bf = scan_bilingual(path, SETTINGS)
    return findings, path.read_text(encoding="utf-8")


def spans(findings: list, text: str) -> list[tuple[str, str]]:
    return [(f.rule.code, text[f.start:f.end]) for f in findings]


def test_po(table: Path, tmp_path: Path) -> None:
    found, text = scan("news-zh-en.po", tmp_path)
    # 向心力 "centripetal force" is a three-character row: too often meant literally.
    assert spans(found, text) == [
        ("RT603", "adding flowers on the brocade"),
        ("RT604", "They spoiled it by adding one more paragraph"),
    ]
    brocade = found[0]
    assert "锦上添花" in brocade.message and "'make things even better'" in brocade.message
    fixed = apply_edits(text, brocade.fixes[0].edits)
    assert 'msgstr "The new line is like make things even better of city transport"' in fixed
    assert [fx.applicability.name for fx in brocade.fixes] == ["SUGGESTION"] * 2


def test_short_table_rows_count_when_allowed(table: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idioms, "MIN_TABLE_CHARS", 3)
    found, text = scan("news-zh-en.po", tmp_path)
    force = next(f for f in found if text[f.start:f.end] == "centripetal force")
    assert "向心力" in force.message and "'cohesion'" in force.message
    fixed = apply_edits(text, force.fixes[0].edits)
    assert 'msgstr "The team\'s cohesion has clearly grown stronger"' in fixed
    assert [fx.applicability.name for fx in force.fixes] == ["SUGGESTION"] * 3


def test_xliff(table: Path, tmp_path: Path) -> None:
    found, text = scan("press-zh-en.xliff", tmp_path)
    assert spans(found, text) == [
        ("RT603", "long sleeves and dances well"),
        ("RT603", "playing the lute in front of a cow"),
    ]
    assert found[0].fixes[0].edits[0].replacement == "adept at maneuvering"


def test_tmx(table: Path, tmp_path: Path) -> None:
    found, text = scan("memory-zh-en.tmx", tmp_path)
    assert spans(found, text) == [
        ("RT603", "mountain of people and a sea"),
        ("RT604", "The police did not want to act too early."),
    ]


def test_without_the_table_only_lexicon_idioms_count(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idioms, "table_paths", lambda: [])
    found, text = scan("news-zh-en.po", tmp_path)
    assert [s for _, s in spans(found, text)] == [
        "adding flowers on the brocade", "They spoiled it by adding one more paragraph"]


def test_table_rows() -> None:
    rows = idioms.read_table(str(TABLE), TABLE.stat().st_mtime_ns)
    assert ("向心力", "centripetal force", ("cohesion", "solidarity", "unity")) in rows
    made = [idioms.idiom_from_gloss(*row) for row in rows]
    assert made[-1] is None  # 力 "force": one literal word says too little
    assert made[0] is not None and made[0].literal[1] >= {"force", "forces"}


def test_longest_idiom_wins_in_the_source(table: Path) -> None:
    index = idioms.IdiomIndex([lexicon.load(LEXICON)], [TABLE])
    assert [i.zh for i, _ in index.in_source("长袖善舞者")] == ["长袖善舞"]
    # 不忘初心 (a politics entry, officialese) is no idiom here; 初心 (garbled) is.
    assert [i.zh for i, _ in index.in_source("我们要不忘初心。")] == ["初心"]


def test_gloss_holding_the_literal_words_is_no_evidence() -> None:
    belt = idioms.Idiom("一带一路", (frozenset({"belt"}), frozenset({"road"})),
                        ("Belt and Road Initiative",), "one belt one road")
    assert idioms._shares_gloss(belt)
    brocade = idioms.idiom_from_gloss("锦上添花", "add flowers to brocade",
                                      ["make things even better"])
    assert brocade is not None and not idioms._shares_gloss(brocade)


def test_readable_pattern() -> None:
    assert idioms.readable("draw~|paint (a|the) snake~ (and) add~ (its|the) feet|legs") == \
        "draw snake add feet"
    assert idioms.readable("{of} touching porcelain !data") == "touching porcelain"


def test_plain_text_has_no_sources() -> None:
    from repairtool.engine import scan_text

    assert scan_text("锦上添花: adding flowers on the brocade.", settings=SETTINGS) == []
