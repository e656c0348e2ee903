"""RT3: source-language leftovers — full-width forms, CJK ellipses, stray CJK, wrong language."""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules.base import Rule

#: Full-width and CJK punctuation with the ASCII that English uses instead.
_PUNCT = {
    "，": ",", "。": ".", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")",
    "「": '"', "」": '"', "『": '"', "』": '"', "【": "[", "】": "]", "《": '"', "》": '"',
    "〈": '"', "〉": '"', "、": ",", "〔": "(", "〕": ")", "［": "[", "］": "]", "｛": "{",
    "｝": "}", "＂": '"', "＇": "'", "～": "~", "｜": "|", "＆": "&", "＠": "@", "＃": "#",
    "％": "%", "＋": "+", "－": "-", "＝": "=", "／": "/", "＼": "\\", "＜": "<", "＞": ">",
    "＊": "*", "＄": "$", "＾": "^", "＿": "_", "｀": "`", "\u3000": " ",
}
#: Punctuation after which English puts a space when a word follows.
_SPACE_AFTER = frozenset(",.;:!?)]\"")
# `re` rather than `regex` here: for a plain character class it is about four times faster.
_FULLWIDTH = re.compile(
    "[" + re.escape("".join(_PUNCT)) + r"\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def _ascii(ch: str) -> str:
    if ch in _PUNCT:
        return _PUNCT[ch]
    return chr(ord(ch) - 0xFEE0)  # full-width letters and digits


class FullWidthForm(Rule):
    """
    ## What it does
    Finds full-width punctuation, letters and digits (`，。；：！？（）「」【】《》、`, `ＡＢＣ`,
    `１２３`) and the ideographic space in English text, outside runs of CJK text.

    ## Why it matters
    They are the Chinese or Japanese source's typography, carried over by the translation
    system. In English they look wrong, break search and tokenisers, and often swallow the
    space that should follow.

    ## Example
    `The ministry said，prices would rise（slightly）。`

    ## Use instead
    `The ministry said, prices would rise (slightly).`

    ## Fix safety
    Safe: each form is replaced by its ASCII equivalent, with a space after sentence
    punctuation when a letter follows. Line breaks are never added or removed. Forms between
    CJK characters are left alone: there they belong to a quoted Chinese name or phrase.
    """

    code = "RT301"
    name = "full-width-form"
    category = "leftover"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        for m in _FULLWIDTH.finditer(view):
            start, end = m.span()
            before = view[start - 1] if start else ""
            after = view[end] if end < len(view) else ""
            if _CJK.match(before) or _CJK.match(after):
                continue
            yield self._finding(view, start, end, after)

    def _finding(self, view: str, start: int, end: int, after: str) -> Finding:
        found = view[start:end]
        repl = "".join(_ascii(c) for c in found)
        if repl and repl[-1] in _SPACE_AFTER and after.isalpha():
            repl += " "
        if repl.startswith(" ") and start and view[start - 1].isspace():
            repl = repl.lstrip(" ")
        fix = Fix.replace(f"Replace {found!r} with {repl!r}", start, end, repl,
                          Applicability.SAFE)
        return self.finding(start, end, f"full-width form {found!r} in English text", [fix])
