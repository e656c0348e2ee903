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
