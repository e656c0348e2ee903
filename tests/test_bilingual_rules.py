"""Case tables of the bilingual rules (fixtures/bilingual/rules/RT8xx.toml), run on real TSV
files on disk through the bilingual scan: each `fire` case must report `span` (the text of
the finding in the file), each `silent` look-alike must not."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from repairtool.bilingual.scan import scan_bilingual
from repairtool.config import Settings
from repairtool.fixes import apply_edits
from repairtool.rules.base import registry
from repairtool.rules.bilingual import BilingualRule

from .conftest import FIXTURES

TABLES = FIXTURES / "bilingual" / "rules"
BILINGUAL = [c for c, r in registry().items() if issubclass(r, BilingualRule)]


def load(code: str) -> dict:
    return tomllib.loads((TABLES / f"{code}.toml").read_text(encoding="utf-8"))


def filler(n: int) -> list[list[str]]:
    """Ordinary units of varied length, English about three times the Chinese length."""
    rows = []
    for i in range(n):
        extra = "很" * (i % 5)
        words = " very" * (i % 5)
        rows.append([f"这是第{i}个{extra}普通的测试句子",
                     f"This is{words} ordinary test sentence number {i} here"])
    return rows


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t") + '"'


def write_po(path: Path, rows: list[list[str]], case: dict) -> None:
    """A PO file of ``rows``, the last entry with the case's ``flags``; a case with
    ``plural`` (a list of msgstr forms) makes the last entry a plural one."""
    head = ['msgid ""', 'msgstr ""', f'"Language: {case.get("target_lang", "en")}\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"']
    if "nplurals" in case:
        head.append(f'"Plural-Forms: nplurals={case["nplurals"]}; plural=(n != 1);\\n"')
    out = ["\n".join(head)]
    for i, (src, tgt) in enumerate(rows):
        last = i == len(rows) - 1
        lines = [f"#, {', '.join(case['flags'])}"] if last and case.get("flags") else []
        lines.append(f"msgid {po_string(src)}")
        if last and "plural" in case:
            lines.append(f"msgid_plural {po_string(case['source_plural'])}")
            lines += [f"msgstr[{n}] {po_string(t)}" for n, t in enumerate(case["plural"])]
        else:
            lines.append(f"msgstr {po_string(tgt)}")
        out.append("\n".join(lines))
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")


def run(code: str, case: dict, tmp: Path) -> tuple[list, str]:
    rows = filler(case.get("filler", 0)) + list(case.get("context", []))
    rows.append([case["source"], case["target"]])
    if case.get("po"):
        path = tmp / "messages.po"
        write_po(path, rows, case)
        extra = {"source_lang": case.get("source_lang", "zh")}
    else:
        path = tmp / "pairs.tsv"
        path.write_text("".join(f"{s}\t{t}\n" for s, t in rows), encoding="utf-8")
        extra = {"bilingual": "tsv", "source_lang": case.get("source_lang", "zh"),
                 "target_lang": case.get("target_lang", "en")}
    if "glossary" in case:
        gl = tmp / "glossary.csv"
        with open(gl, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(case["glossary"])
        extra["glossary"] = str(gl)
    if case.get("unfinished"):
        extra["unfinished"] = "yes"
    settings = Settings(select=(code,), min_severity=Settings().min_severity, extra=extra)
    findings, doc, _ = scan_bilingual(path, settings)
    if case.get("po"):  # the last entry starts after the last blank line
        start = doc.text.rstrip("\n").rfind("\n\n") + 2
        return [f for f in findings if f.rule.code == code and f.start >= start], doc.text
    last = doc.text.rstrip("\n").rsplit("\n", 1)[-1]
    start = len(doc.text.rstrip("\n")) - len(last)
    mine = [f for f in findings if f.rule.code == code and f.start >= start]
    return mine, doc.text


def cases(kind: str) -> list:
    return [pytest.param(code, case, id=f"{code}-{kind}-{i}")
            for code in BILINGUAL for i, case in enumerate(load(code).get(kind, []))]


@pytest.mark.parametrize("code", BILINGUAL)
def test_table_is_complete(code: str) -> None:
    table = load(code)
    assert len(table.get("fire", [])) >= 3 and len(table.get("silent", [])) >= 3


@pytest.mark.parametrize(("code", "case"), cases("fire"))
def test_fires(code: str, case: dict, tmp_path: Path) -> None:
    found, text = run(code, case, tmp_path)
    assert found, f"{code} did not fire on {case['target']!r}"
    if "span" in case:
        assert case["span"] in [text[f.start:f.end] for f in found]
    if "fixed" in case:
        fix = next(f for f in found if f.fixes).fixes[0]
        line_start = text.rstrip("\n").rfind("\n") + 1
        assert apply_edits(text, fix.edits)[line_start:].split("\t")[1].rstrip("\n") == \
            case["fixed"]


@pytest.mark.parametrize(("code", "case"), cases("silent"))
def test_silent(code: str, case: dict, tmp_path: Path) -> None:
    found, _text = run(code, case, tmp_path)
    assert not found, f"{code} fired on {case['target']!r}: " + \
        ", ".join(f.message for f in found)


def test_rules_find_nothing_on_plain_text() -> None:
    from repairtool.engine import scan_text

    text = "Prices rose by 200 yuan and the file %s was saved at https://example.org."
    settings = Settings(select=("RT8",))
    assert scan_text(text, settings=settings) == []
