"""Every shipped lexicon entry (calques_en.toml and every calques/*.toml) against its own
examples and the project's clean text; and the entry fields silent / source / antipattern.

The tests are generic over the shipped files: a family file added to
repairtool/data/calques/ is checked as soon as it is there.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from repairtool import lexicon
from repairtool.config import ConfigError, Settings
from repairtool.engine import scan_text

from .conftest import FIXTURES

SHIPPED = lexicon.shipped()


def entry_id(e: lexicon.Entry) -> str:
    return f"{Path(e.file).name}:{e.line}:{e.pattern[:30]}"


def alone(e: lexicon.Entry) -> list[lexicon.Lexicon]:
    return [lexicon.Lexicon([e])]


def test_the_family_files_are_loaded() -> None:
    files = lexicon.shipped_paths()
    assert files[0] == lexicon.shipped_path()
    assert {Path(e.file) for e in SHIPPED.entries} <= set(files)
    assert len(SHIPPED.entries) == sum(
        len(lexicon.parse_lexicon(p.read_text(encoding="utf-8"), str(p))) for p in files)


def test_shipped_patterns_are_unique_across_files() -> None:
    seen: dict[tuple[str, str], str] = {}
    for e in SHIPPED.entries:
        k = (e.pattern.lower(), e.kind)
        assert k not in seen, f"{e.where}: pattern also at {seen[k]}"
        seen[k] = e.where


@pytest.mark.parametrize("entry", [e for e in SHIPPED.entries if e.silent], ids=entry_id)
def test_silent_examples_do_not_match(entry: lexicon.Entry) -> None:
    for sentence in entry.silent:
        got = [sentence[m.start:m.end] for m in lexicon.find_matches(sentence, alone(entry))]
        assert not got, f"{entry.where}: silent example matches {got}: {sentence!r}"


@pytest.mark.parametrize("entry", [e for e in SHIPPED.entries if e.antipatterns],
                         ids=entry_id)
def test_antipatterns_leave_the_example(entry: lexicon.Entry) -> None:
    assert lexicon.find_matches(entry.example, alone(entry)), \
        f"{entry.where}: an antipattern drops the entry's own example"


def _strict_problems(path: Path) -> str | None:
    try:
        lexicon.parse_lexicon(path.read_text(encoding="utf-8"), str(path), strict=True)
    except ConfigError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("path", lexicon.shipped_paths()[1:], ids=lambda p: p.name)
def test_family_files_give_every_entry_silent_and_source(path: Path) -> None:
    assert _strict_problems(path) is None


def test_main_file_gives_every_entry_silent_and_source() -> None:
    assert _strict_problems(lexicon.shipped_path()) is None


def clean_fixture_texts() -> list[tuple[str, str, str]]:
    """(where, text, kind) of the clean English the test fixtures hold: the look-alikes
    every rule's table keeps silent, the targets of the bilingual tables' silent cases, and
    every entry's silent sentences. A case whose ``errors`` names RT601 or RT602 holds a
    calque on purpose (silent for its own rule only) and is left out."""
    out: list[tuple[str, str, str]] = []
    for table in sorted((FIXTURES / "rules").glob("*.toml")):
        for i, case in enumerate(tomllib.loads(table.read_text("utf-8")).get("silent", [])):
            if not {"RT601", "RT602"} & set(case.get("errors", [])):
                out.append((f"{table.name} silent {i}", case["text"], case.get("kind", "text")))
    for table in sorted((FIXTURES / "bilingual" / "rules").glob("*.toml")):
        for i, case in enumerate(tomllib.loads(table.read_text("utf-8")).get("silent", [])):
            if not {"RT601", "RT602"} & set(case.get("errors", [])):
                out.append((f"bilingual/{table.name} silent {i}", case["target"], "text"))
    for e in SHIPPED.entries:
        out.extend((f"{e.where} silent", s, "text") for s in e.silent)
    return out


def test_no_entry_fires_on_the_clean_fixtures() -> None:
    """As the engine scans them: code spans and URLs of Markdown cases are not prose."""
    texts = clean_fixture_texts()
    assert len(texts) > 200
    rt6 = Settings(select=("RT601", "RT602"))
    fired = [(where, text[f.start:f.end], f.message) for where, text, kind in texts
             for f in scan_text(text, kind=kind, settings=rt6)]
    assert not fired, fired


# --- the fields ----------------------------------------------------------------------------

BASE = '''[[entry]]
pattern = "zorp gadget~"
domain = "technology"
suggest = ["widget~"]
example = "It has a zorp gadget."
'''


def parse(extra: str, strict: bool = False) -> list[lexicon.Entry]:
    return lexicon.parse_lexicon(BASE + extra, "lex.toml", strict=strict)


def test_new_fields_are_read() -> None:
    (e,) = parse('silent = ["A zorp is no gadget."]\nsource = "web:https://example.com/a"\n'
                 'antipattern = ["zorp gadget~ {maker~}"]\n')
    assert e.silent == ("A zorp is no gadget.",)
    assert e.source == "web:https://example.com/a"
    assert e.antipatterns == ("zorp gadget~ {maker~}",)


@pytest.mark.parametrize("source", ["project", "mqm:mqm_newstest2021_zhen:doc1:12",
                                    "cedict:向心力", "wild:w001", "web:https://a.example/x"])
def test_sources_accepted(source: str) -> None:
    assert parse(f'source = "{source}"\nsilent = ["x"]\n', strict=True)[0].source == source


@pytest.mark.parametrize(("extra", "message"), [
    ('source = "somewhere"\n', "'source' must be project, mqm:"),
    ('source = "mqm:only-one"\n', "'source' must be project"),
    ("silent = [1]\n", "'silent' must be a list of non-empty strings"),
    ('silent = [""]\n', "'silent' must be a list of non-empty strings"),
    ('antipattern = ["broken (x"]\n', "bad antipattern 'broken (x'"),
    ('antipattern = "zorp {x"\n', "bad antipattern"),
])
def test_bad_fields_are_one_line_naming_file_and_entry(extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse(extra)
    text = str(err.value)
    assert text.startswith("lex.toml:1: entry 1 ('zorp gadget~'): ") and "\n" not in text
    assert message in text


def test_user_lexicons_may_omit_silent_and_source_shipped_ones_may_not() -> None:
    assert parse("")
    with pytest.raises(ConfigError, match="missing 'silent'"):
        parse('source = "project"\n', strict=True)
    with pytest.raises(ConfigError, match="missing 'source'"):
        parse('silent = ["A zorp."]\n', strict=True)


def test_antipattern_drops_overlapping_matches_only() -> None:
    (e,) = parse('antipattern = ["zorp gadget~ {maker~}", "{the} zorp"]\n')
    lex = alone(e)
    text = "A zorp gadget maker. Two zorp gadgets. The zorp gadget."
    got = [text[m.start:m.end] for m in lexicon.find_matches(text, lex)]
    assert got == ["zorp gadgets"]


def test_antipattern_look_alike_in_a_long_text() -> None:
    (e,) = lexicon.parse_lexicon(BASE.replace("zorp gadget~", "eat~ (a|the) melon~") +
                                 'antipattern = ["eat~ a melon~"]\n', "lex.toml")
    filler = "filler text. " * (lexicon.SMALL_TEXT // 10)
    for text in ("They ate a melon, then ate the melon seeds and ate melons.",
                 filler + "They ate a melon, then ate the melon seeds and ate melons." + filler):
        got = [text[m.start:m.end] for m in lexicon.find_matches(text, alone(e))]
        assert got == ["ate the melon", "ate melons"]


# --- the prebuilt index --------------------------------------------------------------------


def test_shipped_index_is_fresh() -> None:
    """The index must describe the shipped files as they are: after editing a lexicon file,
    run ``python -m repairtool.lexicon`` (else start-up parses every file, correctly but
    slowly)."""
    assert lexicon.Index.read(lexicon.index_path(), lexicon.shipped_paths()) is not None, \
        "repairtool/data/calques.index.gz is stale: run python -m repairtool.lexicon"
    assert lexicon.index_path().read_bytes() == lexicon.build_index()


def _family(folder: Path) -> list[Path]:
    one = folder / "one.toml"
    one.write_text(BASE + 'silent = ["A zorp."]\nsource = "project"\n', encoding="utf-8")
    two = folder / "two.toml"
    two.write_text("# comment\n\n" + BASE.replace("zorp gadget~", "blip~ (the) widget~")
                   + "\n[[entry]]\npattern = \"harvest~ (the) leek~\"\ndomain = \"society\"\n"
                   "suggest = [\"fleece~ small investors\"]\nexample = \"They harvest leeks.\"\n",
                   encoding="utf-8")
    return [one, two]


def test_indexed_lexicon_matches_as_the_parsed_one(tmp_path: Path) -> None:
    files = _family(tmp_path)
    index = lexicon.write_index(files, tmp_path / "x.index.gz")
    found = lexicon.Index.read(index, files)
    assert found is not None and found.count == 3
    fast = lexicon.indexed(files, index)
    slow = lexicon.Lexicon([e for f in files for e in lexicon.load(f).entries])
    text = "Two zorp gadgets, a blip the widget; they harvested the leeks and a zorp."
    for lex in (fast, slow):
        got = [(text[m.start:m.end], Path(m.entry.file).name, m.entry.line, m.forms)
               for m in lexicon.find_matches(text, [lex])]
        assert got == [("zorp gadgets", "one.toml", 1, ("s",)),
                       ("blip the widget", "two.toml", 3, ("base", "base")),
                       ("harvested the leeks", "two.toml", 9, ("ed", "s"))]
    assert [(e.pattern, e.anchors, e.reach, e.line, e.silent, e.source)
            for e in fast.entries] == \
        [(e.pattern, e.anchors, e.reach, e.line, e.silent, e.source) for e in slow.entries]


def test_stale_or_broken_index_is_not_used(tmp_path: Path) -> None:
    files = _family(tmp_path)
    index = lexicon.write_index(files, tmp_path / "x.index.gz")
    assert lexicon.Index.read(index, files[:1]) is None  # other files
    files[0].write_text(files[0].read_text("utf-8").replace("zorp", "zarp"), "utf-8")
    assert lexicon.Index.read(index, files) is None  # edited file
    lex = lexicon.indexed(files, index)  # parses the files instead
    assert [m.entry.pattern for m in lexicon.find_matches("a zarp gadget", [lex])] == \
        ["zarp gadget~"]
    index.write_bytes(b"not gzip")
    assert lexicon.Index.read(index, files) is None
