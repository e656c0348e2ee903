"""RT6: the shipped calque lexicon, the pattern language, and user lexicons."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from repairtool import lexicon
from repairtool.config import ConfigError, Settings
from repairtool.engine import scan_paths, scan_text
from repairtool.fixes import apply_edits

from .conftest import ROOT

SHIPPED = lexicon.shipped()
RT6 = Settings(select=("RT6",))


def rt6(text: str, settings: Settings = RT6, kind: str = "text") -> list:
    return [f for f in scan_text(text, kind=kind, settings=settings) if f.code.startswith("RT6")]


def suggestion_regex(suggestion: str) -> re.Pattern[str]:
    """A regex for any inflection of a suggestion's ``word~`` words (independent of render)."""
    parts = re.split(r"([A-Za-z'\-]+)~", suggestion)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("(?:" + "|".join(re.escape(f) for f in lexicon.all_forms(part)) + ")")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out), re.IGNORECASE)


# --- the shipped lexicon -------------------------------------------------------------------


def test_shipped_lexicon_is_big_and_covers_six_domains() -> None:
    assert len(SHIPPED.entries) >= 200
    domains = Counter(e.domain for e in SHIPPED.entries)
    assert set(domains) == {"politics", "diplomacy", "economy", "society", "technology",
                            "idiom"}
    assert all(n >= 15 for n in domains.values()), domains
    assert {e.kind for e in SHIPPED.entries} == {"calque", "garbled"}


def test_shipped_patterns_are_unique_and_documented() -> None:
    patterns = [e.pattern for e in SHIPPED.entries]
    assert len(patterns) == len(set(patterns))
    for e in SHIPPED.entries:
        assert e.note and e.zh and e.example, e.pattern
        assert not any(re.search(r"\((one's|their|them|you|the|a|an)\)", s) for s in e.suggest), \
            f"{e.pattern}: suggestions are literal text, not patterns"
        assert not any(c in s for s in e.suggest for c in "[]{}|*"), e.pattern
        # "How time flies!" is a sentence; "!word" would be pattern syntax.
        assert not any(re.search(r"!\w", s) for s in e.suggest), e.pattern


@pytest.mark.parametrize("entry", SHIPPED.entries, ids=lambda e: f"{e.line}:{e.pattern[:30]}")
def test_every_example_fires_with_its_first_suggestion(entry: lexicon.Entry) -> None:
    code = "RT601" if entry.kind == "calque" else "RT602"
    found = [f for f in rt6(entry.example) if f.code == code]
    assert found, f"{entry.where}: example does not fire: {entry.example!r}"
    wanted = suggestion_regex(entry.suggest[0])
    replacements = [e.replacement for f in found for fx in f.fixes for e in fx.edits]
    assert any(wanted.fullmatch(r) for r in replacements), (entry.suggest[0], replacements)
    for f in found:
        for fx in f.fixes:
            assert fx.applicability.name == "SUGGESTION"
            fixed = apply_edits(entry.example, fx.edits)
            again = [g for g in rt6(fixed) if g.code == code]
            assert len(again) < len(found), f"fix {fx.title!r} leaves the finding: {fixed!r}"


def test_message_names_chinese_source_and_suggestion() -> None:
    (f,) = rt6("The people's livelihood improved.")
    assert "民生" in f.message and "people's wellbeing" in f.message and f.code == "RT601"
    (g,) = rt6("The agency\nadded flowers to\nbrocade.")
    assert "'added flowers to brocade'" in g.message and "\n" not in g.message


# --- inflection and case -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "first"), [
    ("He adds flowers to brocade.", "makes things even better"),
    ("He added flowers to the brocade.", "made things even better"),
    ("Adding flowers to brocade is easy.", "Making things even better"),
    ("ADD FLOWERS TO BROCADE", "MAKE THINGS EVEN BETTER"),
    ("They drew a snake and added feet.", "overdid it"),
    ("They have drawn snakes and added legs.", "overdone it"),
    ("They opened the lights at six.", "turned on the lights"),
    ("Please open the light.", "turn on the light"),
    ("The white-eyed wolves left.", "ingrates"),
    ("Yes. Horse horse tiger tiger, he said.", "So-so"),
    ("It was, he said, Horse Horse Tiger Tiger.", "so-so"),
])
def test_inflection_and_case(text: str, first: str) -> None:
    (f,) = rt6(text)
    assert f.fixes[0].edits[0].replacement == first


@pytest.mark.parametrize(("lemma", "forms"), [
    ("add", {"add", "adds", "added", "adding"}),
    ("stop", {"stops", "stopped", "stopping"}),
    ("carry", {"carries", "carried", "carrying"}),
    ("draw", {"drew", "drawn", "draws"}),
    ("wolf", {"wolves"}),
    ("foot", {"feet"}),
    ("make", {"made", "making"}),
    ("tie", {"tying", "tied"}),
])
def test_all_forms(lemma: str, forms: set[str]) -> None:
    assert forms <= set(lexicon.all_forms(lemma))


def test_line_breaks_hyphens_and_curly_apostrophes_between_words() -> None:
    assert rt6("the people\u2019s\nlivelihood")
    assert rt6("a one-dragon service for investors")
    assert rt6("a one dragon service for investors")
    assert not rt6("a one dragonservice")


# --- the pattern language ------------------------------------------------------------------


def compile_(pattern: str):
    return lexicon.compile_pattern(lexicon.parse_pattern(pattern))


@pytest.mark.parametrize(("pattern", "hits", "misses"), [
    ("add~ flower~ to (the) brocade", ["adding flower to the brocade"],
     ["add flowers to a brocade"]),
    ("harvest~ leek~", ["harvested leek", "harvesting leeks"], ["harvest the leeks"]),
    ("harvest~ (the) leek~", ["harvest the leeks", "harvest leeks"], ["harvest a leek"]),
    ("a|the big plate", ["the big plate", "A big plate"], ["big plate"]),
    ("crane~ (*) among", ["cranes standing among", "crane among"], ["crane two three among"]),
    ("net red~ !wine", ["net reds sold", "net red."], ["net red wine"]),
    ("!data subject responsibility", ["the subject responsibility"],
     ["data subject responsibility"]),
    ("new crown {virus~}", ["new crown viruses"], ["new crown jewels", "new crown"]),
    ("{of} touching porcelain", ["accused of touching porcelain"], ["touching porcelain"]),
    ("polic[y|ies] landing", ["policies landing", "policy landing"], ["policys landing"]),
    ("one arrow, two eagles", ["one arrow, two eagles", "one arrow two eagles"], []),
    ("one arrow two eagles", [], ["one arrow, two eagles"]),
    ("self-media", ["self media", "self-media", "Self\nmedia"], ["selfmedia", "self-media-like"]),
])
def test_pattern_syntax(pattern: str, hits: list[str], misses: list[str]) -> None:
    """Articles as written (the default)."""
    rx = compile_(pattern)
    for text in hits:
        assert rx.search(text), (pattern, text)
    for text in misses:
        assert not rx.search(text), (pattern, text)


@pytest.mark.parametrize(("pattern", "hits", "misses"), [
    ("add~ flower~ to (the) brocade", ["add flowers to a brocade"], ["add to brocade"]),
    ("harvest~ leek~", ["harvest the leeks", "harvested leek", "harvesting a leek"],
     ["harvest the the leeks", "harvest this leek"]),
    ("beat~ the grass", ["beat grass", "beating the grass", "beat a grass"], ["beat the"]),
    ("eat~ +melon~", ["eating melon"], ["eat a melon", "eat the melons"]),
    ("eat~ +a melon~", ["ate a melon"], ["ate melon", "ate the melon", "eat a the melon"]),
    ("the people's livelihood", ["The people's livelihood"], ["people's livelihood"]),
    ("(like) (an|a) ant~ on a|the hot pot", ["like an ant on a hot pot"], []),
])
def test_free_articles_mode(pattern: str, hits: list[str], misses: list[str]) -> None:
    """With ARTICLES_BETWEEN (off by default: it measured worse) an article may stand
    between any two words, or one written there be left out; +word turns it off."""
    rx = lexicon.compile_pattern(lexicon.parse_pattern(pattern, articles=True), articles=True)
    for text in hits:
        assert rx.search(text), (pattern, text)
    for text in misses:
        assert not rx.search(text), (pattern, text)


def test_context_words_are_not_part_of_the_finding() -> None:
    (f,) = rt6("The new crown vaccine arrived.")
    assert "The new crown vaccine arrived."[f.start:f.end] == "new crown"


@pytest.mark.parametrize("pattern", ["(the)", "* big", "big *", "a (b", "a b~x", "x !y z",
                                     "{a} b {c} d", "!(a) b", "", "...", "brocade '",
                                     "-|brocade"])
def test_bad_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(lexicon.PatternError):
        lexicon.parse_pattern(pattern)


# --- speed and robustness ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["*" * 1_000_000, "people " * 150_000, "new crown " * 100_000,
                                  "a" * 1_000_000, ("add flowers to " * 50 + "\n") * 1000])
def test_no_pathological_input(text: str) -> None:
    import time

    t = time.perf_counter()
    lexicon.find_matches(text, [SHIPPED])
    assert time.perf_counter() - t < 5


def test_prefilter_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word-set path (small texts), the automaton and the regex fallback find the same."""
    examples = "\n\n".join(e.example for e in SHIPPED.entries)
    # However many entries there are, the examples count as a small text here.
    monkeypatch.setattr(lexicon, "SMALL_TEXT", len(examples) + 1)
    small = [(m.start, m.end, m.entry.pattern) for m in lexicon.find_matches(
        examples, [lexicon.Lexicon(SHIPPED.entries)])]
    padded = examples + "\n\n" + "filler text. " * 2_000
    big = [(m.start, m.end, m.entry.pattern) for m in lexicon.find_matches(
        padded, [lexicon.Lexicon(SHIPPED.entries)])]
    assert len(examples) < lexicon.SMALL_TEXT < len(padded)
    assert small == big
    fallback = lexicon.Lexicon(SHIPPED.entries)
    fallback._automaton = False  # as if ahocorasick_rs were missing
    slow = [(m.start, m.end, m.entry.pattern) for m in lexicon.find_matches(padded, [fallback])]
    assert slow == big
    assert len(small) >= 0.98 * len(SHIPPED.entries)  # examples that touch may merge


@pytest.mark.parametrize(("pattern", "keys"), [
    ("blorp-to-blorp zorp~", {"blorp to", "to blorp"}),  # a compound: two of its words
    ("Zorp'an gadget", {"zorp an"}),
    ("zorp's gadget~|widget~", {"zorp"}),  # a possessive is no compound
])
def test_compounds_are_anchored_by_two_of_their_words(pattern: str, keys: set[str]) -> None:
    (entry,) = lexicon.parse_lexicon(ENTRY.format(pattern=pattern), "l.toml")
    assert len(entry.anchors & keys) == len(entry.anchors) > 0


@pytest.mark.parametrize("written", ["blorp-to-blorp zorps", "blorp - to - blorp zorp",
                                     "Blorp to\nblorp zorp", "blorp’to-blorp zorp"])
def test_both_prefilter_paths_find_a_spaced_or_broken_compound(written: str) -> None:
    lex = lexicon.Lexicon(lexicon.parse_lexicon(
        ENTRY.format(pattern="blorp-to-blorp zorp~").replace('"It has a zorp gadget."',
                                                            '"A blorp-to-blorp zorp."'),
        "l.toml"))
    filler = "filler text. " * (lexicon.SMALL_TEXT // 10)
    for text in (written, filler + written + " " + filler, filler + "x" + written):
        want = [] if text.startswith(filler + "x") else [written]
        if "’" in written:
            want = []  # the pattern's hyphens do not stand for an apostrophe
        assert [text[m.start:m.end] for m in lexicon.find_matches(text, [lex])] == want


def test_automaton_finds_whole_words_only() -> None:
    lex = lexicon.Lexicon(lexicon.parse_lexicon(ENTRY.format(pattern="zorp gadget~"), "l.toml"))
    filler = "filler text. " * (lexicon.SMALL_TEXT // 10)
    text = filler + "xzorp gadget, zorp gadgetry, zorp_gadget, 中zorp gadget, zorp gadget中 " \
        "(zorp gadget) " + filler
    assert [text[m.start:m.end] for m in lexicon.find_matches(text, [lex])] == ["zorp gadget"]


def test_automaton_reads_three_spaces_in_a_key_as_a_spaced_hyphen_only() -> None:
    # Only a compound's key (zorp-gadget) has the three-space variant, as MT writes a
    # hyphen spaced out; a pair of two pattern words keeps to one separator.
    lex = lexicon.Lexicon(lexicon.parse_lexicon(ENTRY.format(pattern="zorp-gadget~"), "l.toml"))
    assert {"zorp gadget", "zorp gadgets"} <= lex.wide
    filler = "filler text. " * (lexicon.SMALL_TEXT // 10)
    text = filler + "zorp - gadget, zorp , gadget, zorp.\n gadget " + filler
    folded = lexicon.fold(text)
    pairs = [text[s:e] for s, e, key in lexicon._anchor_hits(text, lex, lambda: folded)
             if key == "zorp gadget"]
    assert pairs == ["zorp - gadget"]


def test_dotted_capital_i_keeps_the_automaton_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """``İ`` lowers to two code points; the fast path must still run, at the same offsets."""
    examples = "\n\n".join(e.example for e in SHIPPED.entries)
    padded = "İstanbul. " + examples + "\n\n" + "filler text. " * (lexicon.SMALL_TEXT // 10)
    lex = lexicon.Lexicon(SHIPPED.entries)
    monkeypatch.setattr(lexicon.Lexicon, "anchor_re", property(lambda self: pytest.fail(
        "fell back to the regex pre-filter")))
    found = [(m.start, m.end) for m in lexicon.find_matches(padded, [lex])]
    plain = [(m.start, m.end) for m in lexicon.find_matches(
        "Istanbul. " + padded[10:], [lex])]
    assert found == plain and len(found) >= 0.98 * len(SHIPPED.entries)
    assert all(padded[s:e] for s, e in found)


def test_lexicon_cache_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text(ENTRY.format(pattern="zorp gadget~"), encoding="utf-8")
    first = lexicon.load(path)
    assert lexicon.load(path) is first
    path.write_text(ENTRY.format(pattern="blorp gadget~") + "\n", encoding="utf-8")
    os.utime(path, ns=(first_mtime := path.stat().st_mtime_ns + 10**9, first_mtime))
    second = lexicon.load(path)
    assert second is not first and second.entries[0].pattern == "blorp gadget~"


# --- user lexicons -------------------------------------------------------------------------

ENTRY = '''
[[entry]]
pattern = "{pattern}"
domain = "technology"
suggest = ["widget~"]
example = "It has a zorp gadget."
'''


def user_lexicon(folder: Path, name: str = "mine.toml") -> Path:
    path = folder / name
    path.write_text("# my calques\n" + ENTRY.format(pattern="zorp gadget~"), encoding="utf-8")
    return path


def test_user_lexicon_from_config_file(tmp_path: Path) -> None:
    user_lexicon(tmp_path)
    (tmp_path / ".repairtool.toml").write_text('lexicons = ["mine.toml"]\n', encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text("We bought two zorp gadgets and added flowers to brocade.\n",
                   encoding="utf-8")
    (result,) = scan_paths([str(doc)])
    assert result.error is None
    got = {(f.code, doc.read_text()[f.start:f.end]) for f in result.findings}
    assert ("RT601", "zorp gadgets") in got
    assert ("RT601", "added flowers to brocade") in got  # the shipped lexicon still applies
    zorp = next(f for f in result.findings if "zorp" in f.message)
    assert zorp.fixes[0].edits[0].replacement == "widgets"


def test_anchor_hits_fold_case_and_line_breaks_in_a_long_text(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text(ENTRY.format(pattern="zorp gadget~"), encoding="utf-8")
    lex = lexicon.load(path)
    filler = "filler text. " * (lexicon.SMALL_TEXT // 10)
    written = "Two ZORP\nGadgets, one Zorp-gadget."
    for text in (written, filler + written + " " + filler):  # word set, then automaton
        found = [text[m.start:m.end] for m in lexicon.find_matches(text, [lex])]
        assert found == ["ZORP\nGadgets", "Zorp-gadget"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "repairtool", "scan", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def test_user_lexicon_on_the_command_line(tmp_path: Path) -> None:
    user_lexicon(tmp_path, "extra.toml")
    (tmp_path / "a.txt").write_text("A zorp gadget broke.\n", encoding="utf-8")
    plain = run_cli("--isolated", "--format", "json", "a.txt", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    with_lex = run_cli("--isolated", "--lexicon", "extra.toml", "a.txt", cwd=tmp_path)
    assert with_lex.returncode == 1, with_lex.stderr
    assert "a.txt:1:3: RT601" in with_lex.stdout and "zorp gadget" in with_lex.stdout


BAD = '''
[[entry]]
pattern = "fine entry"
domain = "idiom"
suggest = ["ok"]
example = "a fine entry"

[[entry]]
pattern = "broken (pattern"
domain = "idiom"
suggest = ["x"]
example = "x"
'''


def test_malformed_user_lexicon_is_one_line_per_file_and_exit_2(tmp_path: Path) -> None:
    bad_dir, good_dir = tmp_path / "bad", tmp_path / "good"
    bad_dir.mkdir()
    good_dir.mkdir()
    (bad_dir / "lex.toml").write_text(BAD, encoding="utf-8")
    (bad_dir / ".repairtool.toml").write_text('lexicons = ["lex.toml"]\n', encoding="utf-8")
    (bad_dir / "a.txt").write_text("nothing here\n", encoding="utf-8")
    (good_dir / "b.txt").write_text("He added flowers to brocade.\n", encoding="utf-8")
    proc = run_cli("bad/a.txt", "good/b.txt", cwd=tmp_path)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, proc.stderr
    assert re.search(r"lex\.toml:8: entry 2 \('broken \(pattern'\): bad pattern", errors[0])
    assert "good/b.txt:1:4: RT601" in proc.stdout


@pytest.mark.parametrize(("text", "message"), [
    ("[[entry]]\npattern = 'x'\n", "missing or empty 'domain'"),
    ("[[entry]]\npattern = \"x\"\ndomain = \"food\"\nsuggest = [\"y\"]\nexample = \"x\"\n",
     "domain must be one of"),
    ("[[entry]]\npattern = \"x\"\ndomain = \"idiom\"\nsuggest = []\nexample = \"x\"\n",
     "'suggest' must be a non-empty list"),
    ("[[entry]]\npattern = \"x\"\ndomain = \"idiom\"\nsuggest = [\"y\"]\nexample = \"x\"\n"
     "colour = \"red\"\n", "unknown field 'colour'"),
    ("[[entry]]\npattern = \"x\"\ndomain = \"idiom\"\nsuggest = [\"y\"]\nexample = \"x\"\n"
     "kind = \"slang\"\n", "kind must be one of"),
    ("[[entry]\n", "invalid TOML"),
    ("title = 'calques'\n", "unknown top-level key 'title'"),
])
def test_malformed_entries_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "l.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        lexicon.load(path)
    line = str(exc.value)
    assert line.startswith(f"{path}:") and message in line and "\n" not in line


def test_user_lexicon_with_a_word_of_no_letters_is_an_error_not_a_crash(tmp_path: Path
                                                                        ) -> None:
    # A word such as "..." has no anchor key; a long text (the automaton path) once raised
    # an internal error on it.
    (tmp_path / "lex.toml").write_text(
        '[[entry]]\npattern = "..."\ndomain = "idiom"\nsuggest = ["y"]\nexample = "x"\n',
        encoding="utf-8")
    (tmp_path / "a.txt").write_text("He added flowers to brocade. " * 2000, encoding="utf-8")
    proc = run_cli("--lexicon", "lex.toml", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "lex.toml:1: entry 1 ('...'): bad pattern" in proc.stderr


BAD_FILES = {
    "invalid TOML": (b"[[entry]\n", "invalid TOML"),
    "bad entry": (b'[[entry]]\npattern = "x"\ndomain = "food"\nsuggest = ["y"]\n'
                  b'example = "x"\n', "domain must be one of"),
    "not UTF-8": (b"\xff\xfe[[entry]]\n", "not UTF-8"),
    "missing": (None, "cannot read lexicon"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_index_rebuild_names_a_bad_file_in_one_line_and_exits_2(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data, message = BAD_FILES[case]
    bad = tmp_path / "calques" / "bad.toml"
    bad.parent.mkdir()
    if data is not None:
        bad.write_bytes(data)
    monkeypatch.setattr(lexicon, "shipped_paths", lambda: [bad])
    monkeypatch.setattr(lexicon, "index_path", lambda: tmp_path / "index.gz")
    assert lexicon.main() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}:") and message in err
    assert not (tmp_path / "index.gz").exists()


def test_index_rebuild_that_cannot_write_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(lexicon, "index_path", lambda: tmp_path / "no" / "index.gz")
    assert lexicon.main() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "index.gz: cannot write the index" in err


def test_index_rebuild_command_prints_no_traceback(tmp_path: Path) -> None:
    # The command's own code, on the shipped files, writing to a temporary file instead of
    # the package: a clean run prints one line and the same index.
    proc = subprocess.run([sys.executable, "-c",
                           "import sys, repairtool.lexicon as l; "
                           "l.index_path = lambda: __import__('pathlib').Path(sys.argv[1]); "
                           "raise SystemExit(l.main())", str(tmp_path / "i.gz")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("wrote ") and not proc.stderr
    assert (tmp_path / "i.gz").read_bytes() == lexicon.index_path().read_bytes()


def test_missing_user_lexicon_is_a_file_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text\n", encoding="utf-8")
    (result,) = scan_paths([str(tmp_path / "a.txt")],
                           overrides={"lexicons": (tmp_path / "nope.toml",)}, isolated=True)
    assert result.error is not None and "nope.toml:1: cannot read lexicon" in result.error


def test_full_toml_syntax_is_accepted(tmp_path: Path) -> None:
    """Files outside the simple one-line subset go through tomllib."""
    path = tmp_path / "l.toml"
    path.write_text("[[entry]]\npattern = 'zorp gadget~'  # literal string\n"
                    "domain = \"technology\"\nsuggest = [\n  \"widget~\",\n]\n"
                    "example = '''It has a zorp gadget.'''\n", encoding="utf-8")
    (entry,) = lexicon.load(path).entries
    assert entry.pattern == "zorp gadget~" and entry.suggest == ("widget~",)
    assert entry.line == 1


def test_shipped_lexicon_parses_the_same_with_tomllib() -> None:
    import tomllib

    text = lexicon.shipped_path().read_text(encoding="utf-8")
    fast = lexicon._fast_parse(text)
    assert fast is not None and fast[0] == tomllib.loads(text)


def test_precision_on_human_references(corpora: Path) -> None:
    """The human reference translations of the MQM zh-en data hold no calque we list."""
    import csv

    csv.field_size_limit(1 << 30)
    seen, segments = set(), []
    for tsv in sorted((corpora / "mqm-zhen-google").glob("*.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in reader:
                key = (row["system"], row["doc"], row["seg_id"])
                if row["system"].startswith("ref") and key not in seen:
                    seen.add(key)
                    segments.append(row["target"].replace("<v>", "").replace("</v>", ""))
    text = "\n\n".join(segments)
    assert len(text) > 100_000
    found = lexicon.find_matches(text, [SHIPPED])
    per_100kb = len(found) / (len(text.encode()) / 100_000)
    assert per_100kb <= 0.3, [text[m.start:m.end] for m in found]


def test_pair_anchor_never_spans_an_allowed_comma() -> None:
    for e in SHIPPED.entries:
        keys, at, _ = lexicon._choose_anchor(e.tokens, None, ValueError)
        if any(" " in k for k in keys) and at + 1 < len(e.tokens) and \
                keys == lexicon._pair_keys(e.tokens[at], e.tokens[at + 1]):
            assert not e.tokens[at].comma, e.pattern  # "Cao Cao, Cao Cao" may pair the first
    text = "It was one arrow, two eagles. " + "filler text. " * (lexicon.SMALL_TEXT // 10)
    assert [m.entry.pattern for m in lexicon.find_matches(text, [SHIPPED])][:1] == \
        ["one arrow, (and|for) two eagle~|vulture~|hawk~|condor~"]
