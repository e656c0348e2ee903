"""RT9: target-language checks for Chinese — what MT leaves in Chinese text.

They run where the text's language is Chinese (a Chinese target of a bilingual file, or
``--language zh``), and the English rules never do.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy
from repairtool.rules.base import Rule
from repairtool.words import word_set

_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_HALF_BETWEEN_HAN = lazy(r"(?<=\p{Han})([,;:!?]) ?(?=\p{Han})")
_ENGLISH_RUN = lazy(
    r"(?<![\p{Latin}\d_.@/\\-])[A-Za-z][A-Za-z'’-]*(?:[ ,;]+[A-Za-z][A-Za-z'’-]*){5,}[.!?]?")
_FUNCTION = word_set("english-function-words")


class HalfWidthPunctuation(Rule):
    """
    ## What it does
    Finds half-width (ASCII) commas, semicolons, colons, exclamation and question marks
    between Chinese characters in Chinese text.

    ## Why it matters
    Chinese typography uses full-width punctuation; ASCII marks between Chinese characters
    come from MT output or from English source punctuation copied through, and look broken.

    ## Example
    `价格上涨了,政府说`

    ## Use instead
    `价格上涨了，政府说`

    ## Fix safety
    Safe: the mark becomes its full-width form and a following space is dropped. Marks next
    to Latin letters or digits (`iPhone 15, 价格`, `3:2`) are left alone.
    """

    code = "RT901"
    name = "half-width-punctuation"
    category = "target-language checks"
    severity = Severity.WARNING
    fixable = True
    languages = frozenset({"zh"})

    def check(self, doc: Document) -> Iterable[Finding]:
        for m in _HALF_BETWEEN_HAN.finditer(doc.view):
            mark = m.group(1)
            full = _FULL[mark]
            fix = Fix.replace(f"Replace {mark!r} with {full!r}", m.start(), m.end(), full,
                              Applicability.SAFE)
            yield self.finding(m.start(), m.end(),
                               f"half-width {mark!r} between Chinese characters", [fix])


class UntranslatedEnglish(Rule):
    """
    ## What it does
    Finds English sentences (six or more words, at least two of them function words such as
    *the*, *of*, *is*) left in Chinese text.

    ## Why it matters
    An English sentence in a Chinese translation is source text the MT system or translator
    skipped; Chinese readers may not read it.

    ## Example
    `请点击保存。Please make sure the file is closed first.`

    ## Use instead
    `请点击保存。请先确认文件已关闭。`

    ## Fix safety
    No fix: it needs translating. Product names, code, URLs and short English terms are not
    reported.
    """

    code = "RT902"
    name = "untranslated-english"
    category = "target-language checks"
    severity = Severity.WARNING
    languages = frozenset({"zh"})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if not regex.search(r"\p{Han}", view):
            return
        for m in _ENGLISH_RUN.finditer(view):
            words = regex.findall(r"[A-Za-z]+", m.group())
            function = sum(1 for w in words if w.lower() in _FUNCTION)
            if function >= 2 and any(w.islower() for w in words):
                yield self.finding(m.start(), m.end(), "English sentence left untranslated")
