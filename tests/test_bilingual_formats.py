"""Bilingual readers on real files: every format's units, exact file positions of targets
and findings, safe XML, and clear errors naming the line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repairtool.bilingual.formats import read_units
from repairtool.bilingual.scan import scan_bilingual
from repairtool.bilingual.writeback import decode_stored
from repairtool.config import Settings
from repairtool.document import MASK
from repairtool.source import InputError

from .conftest import FIXTURES

BI = FIXTURES / "bilingual"

FILES = [
    ("zh-en.po", {}, "po", 9),
    ("en-zh.po", {}, "po", 3),
    ("zh-en-12.xlf", {}, "xliff", 3),
    ("zh-en-20.xliff", {}, "xliff2", 2),
    ("zh-en.tmx", {}, "tmx", 2),
    ("pairs.tsv", {"bilingual": "tsv"}, "tsv", 3),
    ("pairs.jsonl", {"bilingual": "jsonl", "source_field": "src", "target_field": "tgt"},
     "jsonl", 2),
    ("strings.xml", {}, "android", 4),
    ("Localizable.strings", {}, "strings", 2),
    ("locales/en.json", {}, "i18next", 3),
    ("subs.srt", {}, "subtitles", 2),
    ("subs.vtt", {}, "subtitles", 2),
]


@pytest.mark.parametrize(("name", "kw", "fmt", "n"), FILES, ids=[f[0] for f in FILES])
def test_every_target_maps_to_its_stored_characters(name: str, kw: dict, fmt: str,
                                                    n: int) -> None:
    bf = read_units(BI / name, **kw)
    assert bf.format == fmt
    assert len(bf.units) == n
    assert bf.text is not None
    for u in bf.units:
        assert u.fstart is not None, f"{name}: no positions for {u.target!r}"
        if not u.target:
            continue
        start, end = u.file_span(0, len(u.target))
        stored = bf.text[start:end]
        if fmt in ("po", "xliff", "xliff2", "tmx", "android", "strings", "i18next", "jsonl"):
            assert decode_stored(fmt, stored) == u.target
        else:
            assert stored == u.target
        for i, ch in enumerate(u.target):  # each character's own stored form
            raw = bf.text[u.fstart[i]:u.fend[i]]
            assert raw == ch or ch == MASK or raw.startswith(("\\", "&", "<"))


def test_language_pair_from_metadata() -> None:
    assert read_units(BI / "zh-en-12.xlf").source_lang == "zh-CN"
    assert read_units(BI / "zh-en-12.xlf").target_lang == "en-US"
    assert read_units(BI / "zh-en-20.xliff").target_lang == "en"
    assert read_units(BI / "zh-en.tmx").source_lang == "zh-CN"
    assert read_units(BI / "en-zh.po").target_lang == "zh_CN"


def positions(name: str, **extra: str) -> list[tuple[int, int, str, str]]:
    findings, doc, _ = scan_bilingual(BI / name, Settings(extra=extra))
    return [(*doc.line_col(f.start), f.rule.code, doc.text[f.start:f.end]) for f in findings]


def test_po_finding_positions_are_file_positions() -> None:
    found = positions("zh-en.po")
    assert (17, 19, "RT804", "%s") in found
    assert (21, 9, "RT801", "打开") in found
    assert (24, 24, "RT803", "200") in found
    # Second line of a wrapped msgstr, after an escaped quote.
    assert (28, 16, "RT301", "，") in found
    assert (37, 13, "RT804", "https://example.org") in found
    assert (40, 9, "RT801", "") not in found  # untranslated: skipped unless asked for
    assert (40, 9, "RT801", "") in positions("zh-en.po", unfinished="yes")


def test_xml_finding_positions_skip_entities_and_tags() -> None:
    found = positions("zh-en-12.xlf")
    assert (11, 53, "RT803", "4") in found
    assert (11, 63, "RT301", "，") in found
    tmx = positions("zh-en.tmx")
    assert (11, 41, "RT803", "30 million") in tmx
    assert (11, 69, "RT301", "，") in tmx


def test_fix_replacements_are_escaped_for_the_file() -> None:
    findings, _doc, _ = scan_bilingual(BI / "pairs.jsonl", Settings(
        extra={"bilingual": "jsonl", "source_field": "src", "target_field": "tgt"}))
    assert [f.rule.code for f in findings] == ["RT301"]
    from repairtool.bilingual.scan import escape

    assert escape("po", 'a "b"\n') == 'a \\"b\\"\\n'
    assert escape("xliff", "a < b & c") == "a &lt; b &amp; c"


def test_chinese_target_gets_chinese_rules_and_no_english_ones() -> None:
    codes = {c for _, _, c, _ in positions("en-zh.po")}
    assert codes == {"RT901", "RT902"}
    # The English target of the same kind of file never gets RT9 rules.
    assert not {c for _, _, c, _ in positions("zh-en.po")} & {"RT901", "RT902"}


def test_monolingual_target_formats_run_target_rules_only() -> None:
    codes = [c for _, _, c, _ in positions("strings.xml")]
    assert codes == ["RT301", "RT301", "RT301"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xliff version="1.2"><file source-language="zh" target-language="en" datatype="plaintext"
original="x"><body><trans-unit id="1"><source>a</source><target>&xxe;</target></trans-unit>
</body></file></xliff>
"""
BOMB = """<?xml version="1.0"?>
<!DOCTYPE tmx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<tmx version="1.4"><header srclang="zh" segtype="sentence" o-tmf="x" adminlang="en"
datatype="plaintext" creationtool="x" creationtoolversion="1"/><body><tu><tuv xml:lang="zh">
<seg>a</seg></tuv><tuv xml:lang="en"><seg>&lol3;</seg></tuv></tu></body></tmx>
"""


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "repairtool", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(("name", "text", "line"), [("xxe.xlf", XXE, 2), ("bomb.tmx", BOMB, 3)])
def test_hostile_xml_is_refused(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"line {line}: XML .*entit"):
        read_units(path)
    res = cli("scan", "--isolated", str(path))
    assert res.returncode == 2
    assert "RT" not in res.stdout  # no findings, only the summary line
    errors = [ln for ln in res.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and f"line {line}" in errors[0] and "refused" in errors[0], \
        res.stderr
    assert "root:" not in res.stderr


@pytest.mark.parametrize(("name", "text", "line"), [
    ("bad.po", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgtsr "d"\n', 5),
    ("bad.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file>\n<body>\n</file>\n',
     5),
    ("bad.tmx", '<?xml version="1.0"?>\n<tmx version="1.4">\n<body>\n<tu>\n</body>\n', 5),
])
def test_malformed_file_error_names_the_line(tmp_path: Path, name: str, text: str,
                                             line: int) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    res = cli("scan", "--isolated", str(path))
    assert res.returncode == 2
    assert f"line {line}" in res.stderr, res.stderr


def test_scan_cli_on_po_reports_file_lines(tmp_path: Path) -> None:
    shutil.copy(BI / "zh-en.po", tmp_path / "zh-en.po")
    res = cli("scan", "--isolated", "zh-en.po", cwd=tmp_path)
    assert res.returncode == 1
    assert "zh-en.po:24:24: RT803" in res.stdout
    assert "zh-en.po:28:16: RT301" in res.stdout


def test_glossary_option_and_pairs(tmp_path: Path) -> None:
    (tmp_path / "p.tsv").write_text("购买云服务器\tBuy a cloud host\n", encoding="utf-8")
    (tmp_path / "g.csv").write_text("source,target\n云服务器,cloud server\n", encoding="utf-8")
    res = cli("scan", "--isolated", "--bilingual", "tsv", "--glossary", "g.csv", "p.tsv",
              cwd=tmp_path)
    assert res.returncode == 1 and "p.tsv:1:8: RT808" in res.stdout, res.stdout + res.stderr


def test_source_file_pairs_a_target_only_format(tmp_path: Path) -> None:
    res = cli("scan", "--isolated", "--source-file", str(BI / "values-zh" / "strings.xml"),
              "--source-lang", "zh", str(BI / "strings.xml"))
    assert res.returncode == 1
    # With sources, the bilingual rules run: nothing is wrong but the commas.
    assert res.stdout.count("RT301") == 3 and "RT8" not in res.stdout, res.stdout
    bad = tmp_path / "strings.xml"
    bad.write_text((BI / "strings.xml").read_text(encoding="utf-8").replace("%d files", "%s files"),
                   encoding="utf-8")
    res = cli("scan", "--isolated", "--source-file", str(BI / "values-zh" / "strings.xml"),
              str(bad))
    assert "strings.xml:7:32: RT804 placeholder '%s' is not in the source" in res.stdout, \
        res.stdout


def test_glossary_config_key(tmp_path: Path) -> None:
    (tmp_path / ".repairtool.toml").write_text('glossary = "terms.csv"\n', encoding="utf-8")
    (tmp_path / "terms.csv").write_text("云服务器,cloud server\n", encoding="utf-8")
    (tmp_path / "a.po").write_text('msgid ""\nmsgstr "Language: en\\n"\n\n'
                                   'msgid "购买云服务器"\nmsgstr "Buy a cloud host"\n',
                                   encoding="utf-8")
    res = cli("scan", "a.po", cwd=tmp_path)
    assert "a.po:5:9: RT808" in res.stdout, res.stdout + res.stderr


@pytest.mark.parametrize("text", ["*" * 1_000_000, "word " * 200_000, "好" * 1_000_000,
                                  "a," * 100_000, "%" * 200_000, "{" * 200_000])
def test_rules_are_linear_on_pathological_targets(text: str) -> None:
    import time

    from repairtool.bilingual.formats import BilingualFile, Unit
    from repairtool.bilingual.scan import check_units

    unit = Unit("1", "源文本" + text[:1000], text, list(range(len(text))),
                list(range(1, len(text) + 1)), 0)
    t0 = time.perf_counter()
    check_units(BilingualFile("x", "tsv", [unit], None, "zh", "en"), Settings(), {}, [])
    check_units(BilingualFile("x", "tsv", [unit], None, "en", "zh"), Settings(), {}, [])
    assert time.perf_counter() - t0 < 10


def test_streamed_tmx_gives_the_same_findings_and_positions(tmp_path: Path) -> None:
    whole, doc, _ = scan_bilingual(BI / "zh-en.tmx", Settings())
    streamed, sdoc, summary = scan_bilingual(BI / "zh-en.tmx", Settings(extra={"stream": True}))
    assert summary.text is None and summary.meta["units"] == 2
    assert [(f.rule.code, f.start, f.end) for f in streamed] == \
        [(f.rule.code, f.start, f.end) for f in whole]
    assert [sdoc.line_col(f.start) for f in streamed] == [doc.line_col(f.start) for f in whole]
    line = sdoc.line_col(streamed[0].start)[0]
    start, end = sdoc.line_span(line)
    assert sdoc.text[start:end] == doc.text[slice(*doc.line_span(line))]


def test_language_pair_is_detected_without_metadata(tmp_path: Path) -> None:
    (tmp_path / "p.tsv").write_text(
        "收入增至3亿元，比去年增长很多\tIncome rose to 3亿 yuan, much more than last year\n"
        "他在北京大学读书已经三年了\tHe has studied at Peking University for three years\n",
        encoding="utf-8")
    findings, doc, _bf = scan_bilingual(tmp_path / "p.tsv", Settings(extra={"bilingual": "tsv"}))
    assert [(f.rule.code, doc.text[f.start:f.end]) for f in findings] == [("RT802", "亿")]


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_machine_formats_on_bilingual_files(tmp_path: Path, fmt: str) -> None:
    import json

    shutil.copy(BI / "zh-en.tmx", tmp_path / "a.tmx")
    res = cli("scan", "--isolated", "--format", fmt, "a.tmx", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    if fmt == "json":
        found = json.loads(res.stdout)["findings"]
        assert {(f["rule"], f["line"], f["column"]) for f in found} == \
            {("RT803", 11, 41), ("RT301", 11, 69)}
    else:
        assert "::warning file=a.tmx,line=11,col=41," in res.stdout


def test_subtitles_with_crlf_line_breaks(tmp_path: Path) -> None:
    text = (BI / "subs.srt").read_text(encoding="utf-8").replace("\n", "\r\n")
    (tmp_path / "crlf.srt").write_bytes(text.encode("utf-8"))
    found = [(line, col, code, span) for line, col, code, span in
             _positions_of(tmp_path / "crlf.srt")]
    assert (3, 6, "RT301", "，") in found
    assert (8, 15, "RT301", "。") in found


def _positions_of(path: Path) -> list[tuple[int, int, str, str]]:
    findings, doc, _ = scan_bilingual(path, Settings())
    return [(*doc.line_col(f.start), f.rule.code, doc.text[f.start:f.end]) for f in findings]


def test_tbx_glossary(tmp_path: Path) -> None:
    from repairtool.bilingual.scan import load_glossary

    assert load_glossary(BI / "terms.tbx") == [("云服务器", ["cloud server"])]
    (tmp_path / "p.tsv").write_text("购买云服务器\tBuy a cloud host\n购买云服务器吧\tBuy a cloud "
                                    "server now\n", encoding="utf-8")
    res = cli("scan", "--isolated", "--bilingual", "tsv", "--glossary", str(BI / "terms.tbx"),
              "p.tsv", cwd=tmp_path)
    assert res.stdout.count("RT808") == 1 and "p.tsv:1:8: RT808" in res.stdout, res.stdout
    hostile = tmp_path / "bad.tbx"
    hostile.write_text(XXE, encoding="utf-8")
    with pytest.raises(InputError, match="line 2: XML external entity"):
        load_glossary(hostile)
