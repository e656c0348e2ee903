"""SARIF 2.1.0 and reviewdog rdjsonl output, validated against their published schemas
(shipped in tests/schemas/, see its README for sources)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from . import demo_rules
from .repair_helpers import cli

SCHEMAS = Path(__file__).parent / "schemas"
TEXT = "Intro line.\n他说：Prices rose，sharply。We saw teh cat ** here.\n"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.protocols.Validator:
    s = schema(name)
    cls = jsonschema.validators.validator_for(s)
    cls.check_schema(s)
    return cls(s)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def select() -> list[str]:
    return ["--isolated", "--select", ",".join(demo_rules.SELECT)]


def test_sarif_is_valid_and_carries_rules_and_fixes(sample: Path) -> None:
    proc = cli(["scan", "--format", "sarif", *select(), "docs/a.txt"], sample, demo=True)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    v = validator("sarif-schema-2.1.0.json")
    assert sorted(v.iter_errors(log), key=str) == []
    assert list(v.iter_errors({**log, "version": "2.0.0"}))  # the schema does bite
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    rt301 = rules["RT301"]
    assert rt301["name"] == "full-width-form"
    assert rt301["defaultConfiguration"]["level"] == "warning"
    assert rt301["shortDescription"]["text"].startswith("Finds full-width punctuation")
    assert "## Fix safety" in rt301["help"]["markdown"]
    by_rule = {}
    for res in run["results"]:
        by_rule.setdefault(res["ruleId"], []).append(res)
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    comma = next(r for r in by_rule["RT301"]
                 if r["message"]["text"].endswith("'，' in English text"))
    region = comma["locations"][0]["physicalLocation"]["region"]
    offset = TEXT.index("，")
    assert (region["startLine"], region["charOffset"], region["charLength"]) == (2, offset, 1)
    assert region["startColumn"] == TEXT.split("\n")[1].index("，") + 1
    change = comma["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "docs/a.txt"
    rep = change["replacements"][0]
    assert rep["deletedRegion"]["charOffset"] == offset
    assert rep["insertedContent"]["text"] == ", "
    mask = by_rule["RT993"][0]
    assert [f["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            for f in mask["fixes"]] == ["the", "a", "this"]
    assert {f["properties"]["applicability"] for f in mask["fixes"]} == {"suggestion"}


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Nothing wrong.\n", encoding="utf-8")
    proc = cli(["scan", "--format", "sarif", "--isolated", "ok.txt"], tmp_path)
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    assert list(validator("sarif-schema-2.1.0.json").iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


def test_rdjsonl_is_valid_with_byte_columns_and_suggestions(sample: Path) -> None:
    proc = cli(["scan", "--format", "rdjsonl", *select(), "docs/a.txt"], sample, demo=True)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) >= 4
    v = validator("reviewdog-Diagnostic.json")
    diags = [json.loads(line) for line in lines]
    for d in diags:
        assert list(v.iter_errors(d)) == []
        assert d["location"]["path"] == "docs/a.txt"
    assert list(v.iter_errors({**diags[0], "severity": "FATAL"}))  # the schema does bite
    comma = next(d for d in diags if d["message"].endswith("'，' in English text"))
    line2 = TEXT.split("\n")[1]
    byte_col = len(line2[:line2.index("，")].encode("utf-8")) + 1
    assert comma["location"]["range"]["start"] == {"line": 2, "column": byte_col}
    assert comma["location"]["range"]["end"] == {"line": 2, "column": byte_col + 3}
    assert comma["suggestions"] == [{"range": comma["location"]["range"], "text": ", "}]
    assert comma["code"]["value"] == "RT301" and comma["severity"] == "WARNING"
    teh = next(d for d in diags if d["code"]["value"] == "RT992")
    assert teh["suggestions"][0]["text"] == "the"


def test_rdjsonl_columns_on_a_line_with_many_findings(tmp_path: Path) -> None:
    """Columns are counted on from finding to finding; each must equal the UTF-8 length of
    its line up to the offset (the finding's own edits may lie before its end)."""
    from repairtool.engine import scan_paths
    from repairtool.output.rdjson import render_rdjsonl

    path = tmp_path / "a.txt"
    path.write_text("Café ，prices  rose 北京 ,said the the man（x） &amp; x.\n" * 3
                    + "Ünïcode 北京 , and and 。" * 50, encoding="utf-8")
    result = next(scan_paths([str(path)]))
    text = result.document.text

    def expected(offset: int) -> dict[str, int]:
        line = text.count("\n", 0, offset) + 1
        start = text.rfind("\n", 0, offset) + 1
        return {"line": line, "column": len(text[start:offset].encode("utf-8")) + 1}

    diags = [json.loads(x) for x in render_rdjsonl(result, result.findings).splitlines()]
    assert len(diags) == len(result.findings) > 100
    for f, d in zip(result.findings, diags, strict=True):
        assert d["location"]["range"] == {"start": expected(f.start), "end": expected(f.end)}
        edits = sorted(f.fixes[0].edits, key=lambda e: e.start) if f.fixes else []
        assert [s["range"] for s in d.get("suggestions", [])] == [
            {"start": expected(e.start), "end": expected(e.end)} for e in edits]


@pytest.mark.parametrize("pretty", [True, False])
@pytest.mark.parametrize("batches", [[], [[]], [[1]], [[1, 2], [], [3]]])
def test_streamed_documents_equal_json_dumps_of_the_whole(pretty: bool,
                                                          batches: list[list[int]]) -> None:
    """JSON and SARIF are written a file at a time; the bytes must be those of one dump."""
    from repairtool.output import JsonStream, Summary, json_stream
    from repairtool.output.sarif import _log, sarif_stream

    def item(n: int) -> dict:
        return {"id": n, "message": "doppelt „é“\n", "fixes": [{"edits": []}], "x": {}}

    summary = Summary(files=2, findings=3)
    for stream, shape in [(json_stream(summary, pretty),
                           lambda items: {"version": 1, "findings": items,
                                          "summary": summary.to_dict()}),
                          (sarif_stream(pretty), _log)]:
        assert isinstance(stream, JsonStream)
        out = stream.start() + "".join(stream.items([item(n) for n in b]) for b in batches)
        out += stream.end()
        whole = shape([item(n) for b in batches for n in b])
        assert out == json.dumps(whole, ensure_ascii=False, indent=2 if pretty else None) + "\n"
        assert json.loads(out) == whole
