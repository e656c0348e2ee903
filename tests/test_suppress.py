"""Suppression directives in the text: a line, the next line, a region; unknown codes."""

from __future__ import annotations

from repairtool.config import Settings
from repairtool.engine import scan_text

ALL = Settings()


def codes(text: str, kind: str = "text") -> list[tuple[int, str]]:
    return [(text[:f.start].count("\n") + 1, f.rule.code)
            for f in scan_text(text, kind=kind, settings=ALL)]


def test_noqa_on_the_line() -> None:
    assert codes("Said，then. repairtool: noqa\nSaid，then.\n") == [(2, "RT301")]
    assert codes("Said，then. repairtool: noqa RT301\n") == []
    assert codes("Said，then. repairtool: noqa RT3\n") == []
    assert codes("Said，then. repairtool: noqa RT001\n") == [(1, "RT301")]


def test_disable_next_line() -> None:
    text = "repairtool: disable-next-line RT301\nSaid，then.\nSaid，then.\n"
    assert codes(text) == [(3, "RT301")]


def test_region() -> None:
    text = ("Said，one.\n<!-- repairtool: disable RT301 -->\nSaid，two.\n"
            "<!-- repairtool: enable RT301 -->\nSaid，three.\n")
    assert codes(text, "markdown") == [(1, "RT301"), (5, "RT301")]
    assert codes("repairtool: disable\nSaid，one.\n") == []


def test_unknown_code_is_reported_and_the_directive_not_linted() -> None:
    text = "Said then. <!-- repairtool: noqa RT999 -->\n"
    found = scan_text(text, kind="markdown", settings=ALL)
    assert [(f.rule.code, text[f.start:f.end]) for f in found] == [("RT001", "RT999")]


def test_directive_text_itself_is_not_linted() -> None:
    assert codes("repairtool: noqa RT301，RT001\n") == []
