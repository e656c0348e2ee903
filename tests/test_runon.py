"""RT201-RT203 and the word list beyond the case table: candidates, data, loading, big input."""

from __future__ import annotations

import gzip
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from repairtool import words
from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.fixes import apply_edits
from repairtool.model import Applicability

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "repairtool" / "data"


def findings(text: str, code: str) -> list:
    return scan_text(text, settings=Settings(select=(code,)))


def test_word_list_is_small_and_ranked() -> None:
    path = DATA / "en_words.txt.gz"
    assert path.stat().st_size < 400_000
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").split()
    assert lines[0] == "the" and len(lines) > 50_000
    assert words.rank("the") == 0 and words.rank("The") == 0
    assert words.rank("government") < words.rank("governance")
    assert words.is_word("decided") and not words.is_word("decidedto")
    assert words.is_known("Tokyo") and not words.is_word("Tokyo")
    assert not words.is_known("inthe")  # dropped by the builder as a glue
    assert words.is_known("forthwith")  # a rare word kept because it looks like a glue


def test_word_list_loads_lazily() -> None:
    code = ("import repairtool.rules, repairtool.engine\n"
            "from repairtool import words\n"
            "assert words._text.cache_info().currsize == 0\n"
            "from repairtool.engine import scan_text\n"
            "scan_text('Hi.')\n"
            "assert words._text.cache_info().currsize == 0\n"
            "assert [f.rule.code for f in scan_text('The council decidedto act.')] == ['RT203']\n"
            "assert words._text.cache_info().currsize == 1\n"
            "assert words._sets.cache_info().currsize == 0  # a few look-ups need no tables\n"
            "big = ' '.join(a + b + 'qqto' for a in 'abcdefghij' for b in 'klmnopqrst')\n"
            "scan_text(big)\n"
            "assert words._sets.cache_info().currsize == 1  # many: the tables pay off\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_sources_names_every_data_file() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in DATA.iterdir():
        if path.name != "SOURCES.md" and not path.name.startswith((".", "__")):
            assert f"## {path.name}" in sources, path.name


@pytest.mark.skipif(importlib.util.find_spec("wordsegment") is None,
                    reason="wordsegment (dev extra) is not installed")
def test_builder_reproduces_the_shipped_word_list(tmp_path: Path) -> None:
    out = tmp_path / "w.gz"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "build_wordlist.py"),
                    "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == (DATA / "en_words.txt.gz").read_bytes()


def test_glue_splits() -> None:
    assert words.glue_splits("decidedto") == [("decided", "to")]
    assert words.glue_splits("inthe") == [("in", "the")]
    assert words.glue_splits("isvalid") == []  # an identifier prefix, not before a determiner


def test_ambiguous_glue_gives_ranked_suggestions() -> None:
    text = "They cared about healthat the time."
    [f] = findings(text, "RT203")
    texts = [apply_edits(text, fx.edits) for fx in f.fixes]
    assert texts == ["They cared about health at the time.",
                     "They cared about heal that the time."]
    assert {fx.applicability for fx in f.fixes} == {Applicability.SUGGESTION}


def test_unique_glue_is_safe() -> None:
    [f] = findings("Prices fell inthe spring.", "RT203")
    assert [fx.applicability for fx in f.fixes] == [Applicability.SAFE]


def test_case_join_inside_a_clause_offers_plain_words_first() -> None:
    text = "Reporters askedWhy it failed."
    [f] = findings(text, "RT202")
    assert [fx.applicability for fx in f.fixes] == [Applicability.UNSAFE,
                                                     Applicability.SUGGESTION]
    assert [apply_edits(text, fx.edits) for fx in f.fixes] == [
        "Reporters asked why it failed.", "Reporters asked. Why it failed."]


def test_case_join_where_the_clause_ended_offers_a_new_sentence_first() -> None:
    text = "He moved to ShanghaiIn December, he opened a shop."
    [f] = findings(text, "RT202")
    assert [apply_edits(text, fx.edits) for fx in f.fixes] == [
        "He moved to Shanghai. In December, he opened a shop.",
        "He moved to Shanghai in December, he opened a shop."]


def test_missing_space_fix_is_safe_and_adds_no_line_break() -> None:
    text = "Prices rose.The ministry\nblamed Spain;Italy."
    found = findings(text, "RT201")
    assert len(found) == 2
    for f in found:
        [fx] = f.fixes
        assert fx.applicability is Applicability.SAFE
        assert "\n" not in fx.edits[0].replacement


def test_code_spans_and_urls_are_not_read() -> None:
    text = "See `rose.The` and `askedWhy` and `decidedto` at https://x.org/rose.The/inthe"
    for code in ("RT201", "RT202", "RT203"):
        assert scan_text(text, kind="markdown", settings=Settings(select=(code,))) == []
        assert findings(text, code) == []  # in plain text, backquoted tokens count as code


def test_big_adversarial_inputs_finish() -> None:
    for text in ("word " * 200_000, "abcdefghij" * 100_000, "*" * 1_000_000,
                 "askedWhy " * 20_000, "rose.The " * 20_000, "decidedto " * 20_000,
                 "a." * 100_000):
        for code in ("RT201", "RT202", "RT203"):
            findings(text, code)


def test_glued_words_found_the_same_with_few_and_many_suspects() -> None:
    """Up to a few suspect tokens each is located with str.find; with many, one
    Aho-Corasick pass does it. Both must find every whole lower-case occurrence, and only
    those (not inside a longer word, not with a capital)."""
    from repairtool.rules import runon

    glued = ["decidedto", "marketsif", "troopshas", "reportof", "pricesand", "crisisof",
             "planthe", "votedfor", "talkswith", "warnedthat"]
    assert len(glued) > runon._FIND_LIMIT
    sentence = "They {0} act, not x{0} or {0}s or {1}."
    per_token = {g: [(m.start, m.end) for m in scan_text(
        sentence.format(g, g.capitalize()), settings=Settings(select=("RT203",)))]
        for g in glued}
    assert all(spans == [(5, 5 + len(g))] for g, spans in per_token.items()), per_token
    text = " ".join(sentence.format(g, g.capitalize()) for g in glued)
    found = [text[f.start:f.end] for f in scan_text(text, settings=Settings(select=("RT203",)))]
    assert found == glued


def test_every_occurrence_of_a_join_is_reported_and_kept_apart_in_baselines() -> None:
    from collections import Counter

    from repairtool import baseline

    text = ("Reporters askedWhy the plan failed. Later they askedWhy again.\n"
            "Prices rose.The ministry was quiet. Then prices rose.The ministry spoke.")
    found = [f for f in scan_text(text) if f.rule.code in ("RT201", "RT202")]
    assert [text[f.start:f.end] for f in found] == ["askedWhy", "askedWhy", ".", "."]
    assert len({f.id for f in found}) == 4
    known = Counter(baseline.key("a.txt", f) for f in found[:1])  # one occurrence recorded
    assert baseline.new_findings(known, "a.txt", found) == found[1:]


def test_a_join_the_text_also_uses_as_a_name_is_left_alone() -> None:
    text = ("The affectWhich field selects them.\n"
            "affectWhich, clear, selectAll: KB_EVENTTYPE\n")
    assert findings(text, "RT202") == []
