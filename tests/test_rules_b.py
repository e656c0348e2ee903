"""What the case tables cannot express for RT3/RT4/RT5/RT7: determinism, lazy imports,
linear time on adversarial input, fix convergence, and the shipped word list."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from repairtool.config import Settings
from repairtool.document import Document
from repairtool.engine import scan_text
from repairtool.fixes import apply_edits
from repairtool.model import Applicability
from repairtool.rules.base import registry
from repairtool.rules.leftovers import common_english, detect_language

CODES = ["RT302", "RT303", "RT304", "RT401", "RT402", "RT501",
         "RT701", "RT702", "RT703", "RT704", "RT705", "RT706", "RT707"]

FRENCH = ("Le gouvernement a annoncé mardi une série de mesures pour soutenir les petites "
          "entreprises touchées par la crise économique et sociale.")
ENGLISH = ("The government announced on Tuesday a series of measures to support the small "
           "businesses that were hit by the crisis, and the ministry said that more would "
           "follow in the spring.\n\n") * 50


def findings(text: str, codes: tuple[str, ...], kind: str = "text") -> list:
    return scan_text(text, kind=kind, settings=Settings(select=codes))


def test_langdetect_is_deterministic() -> None:
    first = [detect_language(FRENCH) for _ in range(3)]
    assert first[0][0] == "fr"
    assert len(set(first)) == 1


@pytest.mark.parametrize("module", ["langdetect", "ftfy"])
def test_heavy_libraries_not_imported_on_clear_english(module: str, tmp_path) -> None:
    path = tmp_path / "clean.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    code = (
        "import sys\n"
        "from repairtool.engine import scan_text\n"
        "from repairtool.config import Settings\n"
        f"text = open({str(path)!r}, encoding='utf-8').read()\n"
        "found = scan_text(text, settings=Settings(select=('RT3', 'RT4', 'RT5', 'RT7')))\n"
        "assert not found, found\n"
        f"print({module!r} in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_langdetect_is_used_for_latin_paragraphs(tmp_path) -> None:
    """The counterpart: a French paragraph does reach langdetect (so the test above can fail)."""
    code = (
        "import sys\n"
        "from repairtool.engine import scan_text\n"
        "from repairtool.config import Settings\n"
        f"found = scan_text({FRENCH!r}, settings=Settings(select=('RT304',)))\n"
        "print(len(found), 'langdetect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["1", "True"]


def test_cjk_paragraph_needs_no_langdetect() -> None:
    text = "The report follows.\n\n国务院常务会议决定进一步加大对小微企业的支持力度。\n"
    code = (
        "import sys\n"
        "from repairtool.engine import scan_text\n"
        "from repairtool.config import Settings\n"
        f"found = scan_text({text!r}, settings=Settings(select=('RT304',)))\n"
        "print(len(found), 'langdetect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["1", "False"]


def test_chinese_document_gets_no_english_leftover_rules() -> None:
    text = "他说……然后走了。这是一个测试段落，内容完全是中文，没有任何英文。"
    found = scan_text(text, language="zh", settings=Settings(select=("RT3",)))
    assert found == []


def test_common_word_list_is_shipped() -> None:
    words = common_english()
    assert {"the", "of", "and", "which", "because"} <= words
    assert not {"de", "la", "die", "en"} & words
    assert 350 <= len(words) <= 400


ADVERSARIAL = {
    "word": "the " * 250_000,
    "phrase": "in the city " * 85_000,
    "paren": "(" * 1_000_000,
    "quote": '"' * 1_000_000,
    "dots": "." * 1_000_000,
    "line": ("Word , and other words ... ( x ) &amp; @-@ " * 25_000)[:1_000_000],
    "cjk": "中文" * 500_000,
    "mojibake": "Ã©" * 500_000,
    "entities": "&quot;" * 150_000,
    "nbsp": "a\u00a0" * 500_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_linear_on_adversarial_input(name: str) -> None:
    """1 MB of nasty input: each rule finishes in well under a few seconds, few findings."""
    doc = Document.from_text(ADVERSARIAL[name])
    for code in CODES:
        rule = registry()[code]()
        start = time.perf_counter()
        count = sum(1 for _ in rule.check(doc))
        elapsed = time.perf_counter() - start
        assert elapsed < 4.0, f"{code} took {elapsed:.1f}s on 1 MB of {name}"
        if name in ("word", "phrase"):
            assert count <= 1, f"{code}: a loop must be one finding, got {count}"


LOOP_TEXT = ("Officials said the plan would be carried out in the city in the city in the city "
             "next year, and the the report was published by the ministry , they said.\n")


def test_fixes_converge_and_clear_the_findings() -> None:
    from repairtool.fixes import fix_text

    def scan(text: str) -> list:
        return findings(text, ("RT4", "RT7"))

    result = fix_text(LOOP_TEXT, scan, Applicability.UNSAFE)
    assert result.converged
    assert result.text == ("Officials said the plan would be carried out in the city next "
                           "year, and the report was published by the ministry, they said.\n")
    assert scan(result.text) == []


def test_safe_fixes_keep_line_breaks() -> None:
    text = ("Prices rose , he said .\nThe the caf\u00c3\u00a9 said &quot;no&quot;.\n"
            "Pay\u200bment was\u00a0made......\n")
    for f in findings(text, ("RT3", "RT4", "RT7")):
        for fx in f.fixes:
            if fx.applicability is Applicability.SAFE:
                after = apply_edits(text, fx.edits)
                assert after.count("\n") == text.count("\n"), fx.title


def test_glued_headline_only_in_markdown_prose() -> None:
    body = ("Exports rose 8 percent in October, the ministry said on Tuesday. "
            "China's Exports Hit Record High in October\n")
    assert findings(body, ("RT501",), kind="markdown")
    table = "| Exports rose 8 percent. China's Exports Hit Record High in October |\n|---|\n"
    assert not findings(table, ("RT501",), kind="markdown")


def test_stray_cjk_and_wrong_language_do_not_double_report() -> None:
    text = "国务院常务会议决定进一步加大对小微企业的支持力度，并部署稳定就业的措施。\n"
    codes = {f.rule.code for f in findings(text, ("RT303", "RT304"))}
    assert codes == {"RT304"}


ALPHABET = ["the", "The", "in", "city", "café", "no", ",", ".", " ", " ", " ", "\n", "\n\n",
            "(", ")", '"', "“", "”", "&quot;", "&amp;", "@-@", "......", "……", "\u00a0",
            "\u200b", "Ã©", "’", "'s", "中文", "?", ":)", "1", "had"]


@settings_h(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_fixes_on_random_text(text: str) -> None:
    """No crash; safe fixes keep line breaks; fixing converges and clears safe findings."""
    from repairtool.fixes import fix_text

    codes = ("RT3", "RT4", "RT5", "RT7")
    for f in findings(text, codes):
        assert 0 <= f.start <= f.end <= len(text)
        for fx in f.fixes:
            if fx.applicability is Applicability.SAFE:
                after = apply_edits(text, fx.edits)
                assert after.count("\n") == text.count("\n")
    result = fix_text(text, lambda t: findings(t, codes), Applicability.SAFE)
    assert result.converged
    left = [f for f in findings(result.text, codes)
            if any(fx.applicability is Applicability.SAFE for fx in f.fixes)]
    assert not left, [(f.code, result.text[f.start:f.end]) for f in left]


@pytest.mark.parametrize(("unit", "copies"), [("the", 2), ("the", 3), ("the", 2000),
                                              ("in the city", 2), ("in the city", 700)])
def test_a_long_loop_is_one_finding_over_exactly_its_copies(unit: str, copies: int) -> None:
    """Copies beyond the first 256 are matched a chunk at a time: the span must still end
    at the last copy, and the same run earlier in the text must not be taken for it."""
    loop = " ".join([unit] * copies)
    text = f"Before {unit} it. Then {loop}, and after."
    code = "RT401" if " " not in unit else "RT402"
    found = scan_text(text, settings=Settings(select=(code,)))
    assert [(f.rule.code, text[f.start:f.end]) for f in found] == [(code, loop)]


@settings_h(max_examples=500, deadline=None)
@given(st.text(alphabet="ab é’'?. \n\t1_-", max_size=30))
def test_long_loop_space_test_agrees_with_the_full_match(text: str) -> None:
    """Long spans are tested by searching for what breaks the pattern (its stack stays
    flat); it must say what the full match says."""
    from repairtool.rules import repetition

    full = repetition._SPACED_WORDS.fullmatch(text) is not None
    quick = " " in text and repetition._NOT_SPACED_WORDS.search(text) is None
    assert quick == full
