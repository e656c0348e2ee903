"""Property tests: arbitrary Unicode never raises, and every span and edit is inside the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repairtool.config import Settings
from repairtool.document import Document
from repairtool.engine import scan_text

ALL = Settings()

PIECES = st.sampled_from([
    "**", "***", "**bold**", "`code`", "```\n", "\n\n", "\r\n", "，", "。", "……", "......",
    "askedWhy", "the the", "http://x.y/z", "e.g.", "3.14", "Tokyo** has", "&amp;quot;", "Ã©",
    "\u200b", "\u202e", "\u00a0", "(", "\"", "[a](b)", "<!-- x -->", "repairtool: noqa",
    "repairtool: disable RT3", "中文", "# ", "> ", "- ", "|", "    ", "\t", "\ufeff",
])
TEXT = st.lists(st.one_of(st.text(max_size=20), PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(["text", "markdown"]))
def test_scan_never_raises_and_spans_are_inside(text: str, kind: str) -> None:
    doc = Document.from_text(text, kind=kind)
    assert len(doc.view) == len(text)
    for f in scan_text(text, kind=kind, settings=ALL):
        assert 0 <= f.start <= f.end <= len(text)
        assert f.id
        for fx in f.fixes:
            for e in fx.edits:
                assert 0 <= e.start <= e.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode(text: str) -> None:
    for kind in ("text", "markdown"):
        for f in scan_text(text, kind=kind, settings=ALL):
            assert 0 <= f.start <= f.end <= len(text)


NON_ASCII_PIECES = st.sampled_from([
    "，", "。", "（", "Ａ", "\u3000", "中文", "北京 上海", "Ã©", "â€™", "\u200b", "\u202e\u2066",
    "\ufeff", "ab\u00a0cd", "x\u202fy", "□□", "■", "××", "×", "é", "“", "—", " ", "a", "1",
    "\n", "http://x.y/中", "`中`",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(NON_ASCII_PIECES, st.text(max_size=6)), max_size=30).map("".join),
       st.sampled_from(["text", "markdown"]))
def test_searching_non_ascii_runs_finds_what_a_full_search_finds(text: str, kind: str) -> None:
    """The rules that search only the runs of non-ASCII code points (with the reach past a
    run they declare) miss nothing a search of the whole view finds."""
    from repairtool.rules import debris, leftovers, masked

    doc = Document.from_text(text, kind=kind)
    for pattern, after in [(leftovers._FULLWIDTH, 0), (leftovers._CJK_ANY, 0),
                           (debris._MOJIBAKE_HINT, 0), (debris._INVISIBLE, 0),
                           (debris._NBSP, 2), (masked._SYMBOLS, 0)]:
        whole = [m.span() for m in pattern.finditer(doc.view)]
        assert [m.span() for m in doc.non_ascii_matches(pattern, after)] == whole
    runs = list(leftovers._cjk_runs(doc))
    assert [r[0] for r in runs] == sorted({r[0] for r in runs})
    assert all(leftovers._CJK_RUN.match(doc.view, s).span() == (s, e) for s, e in runs)
