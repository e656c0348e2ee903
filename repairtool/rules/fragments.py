"""RT5: glued fragments — a headline or link title pasted onto the end of a paragraph."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from repairtool.document import MASK, Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy
from repairtool.rules.base import Rule
from repairtool.words import word_set

#: The end of a finished sentence: terminal punctuation, closing quotes or brackets.
_SENTENCE_END = lazy(r"[.!?][\"'”’)\]]*+$")
#: The last sentence boundary of a stretch, followed by the fragment after it.
_TAIL = lazy(r"[.!?][\"'”’)\]]*+[ \t]++(?=\p{Lu})")
_WORD = lazy(r"[\p{L}\p{N}][\p{L}\p{N}'’&.-]*+")
#: Lines that start a Markdown block other than a paragraph (headings, lists, quotes, tables).
_BLOCK_MARK = lazy(r"[ \t]*+(?:#|[-*+>|]|\d+[.)]|=+\s*$|-+\s*$)")
_MINOR = word_set("headline-minor")
_TITLES = word_set("titles")
MIN_WORDS, MAX_WORDS = 4, 16
MIN_PROSE = 60


class GluedHeadline(Rule):
    """
    ## What it does
    Finds a headline-like fragment at the end of a paragraph, after a finished sentence: a
    related-article title or link text scraped together with the article.

    ## Why it matters
    Content scraped from news sites often carries the title of the next story or a "read
    more" link. Translated and pasted in, it reads as a broken last sentence and can claim
    something the article never said.

    ## Example
    `Exports rose 8 percent, the ministry said on Tuesday. China's Exports Hit Record High in
    October`

    ## Use instead
    `Exports rose 8 percent, the ministry said on Tuesday.`

    ## Fix safety
    Suggestion only: deleting the fragment is right when it is scraped debris, but a person
    must check that it is not a heading or a sentence that lost its full stop. Only
    fragments of 4 to 16 words with no final punctuation, in Title Case (or a headline on
    the same line as the sentence before it), are reported. Markdown headings, list items,
    tables and quotes, lines at the start of a file, and paragraphs without a finished
    sentence before the fragment (poems, addresses) are never reported.
    """

    code = "RT501"
    name = "glued-headline"
    category = "fragment"
    severity = Severity.WARNING
    fixable = False

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        for seg in doc.segments():
            end = seg.end
            while end > seg.start and view[end - 1] in " \t\r":
                end -= 1
            if end - seg.start < MIN_PROSE or _SENTENCE_END.search(view, seg.start, end):
                continue
            if doc.kind == "markdown" and _introduces_code(view, seg.end):
                continue  # `Check for these tags with` + a code block
            found = self._fragment(doc, seg.start, end)
            if found:
                yield self._finding(view, *found, end)

    def _fragment(self, doc: Document, start: int, end: int) -> tuple[int, int] | None:
        """``(cut, fragment start)`` of a glued fragment in ``view[start:end]``, if any."""
        view = doc.view
        line_start = view.rfind("\n", start, end) + 1 or start
        if doc.kind == "markdown" and _BLOCK_MARK.match(view, line_start):
            return None
        last = None
        for m in _TAIL.finditer(view, line_start, end):
            if not _abbreviation(view, m.start()):  # `St. Isaac's` goes on, `said. The` ends
                last = m
        if last is not None:  # on the same line as the sentence before it
            frag = last.end()
            if frag - line_start < MIN_PROSE // 2 or not _headline(view[frag:end], True):
                return None
            return last.end() - len(last.group()) + len(last.group().rstrip()), frag
        if doc.kind == "markdown" or line_start <= start:
            return None
        # On its own last line, after a line of prose that ended a sentence.
        prev = view[view.rfind("\n", start, line_start - 1) + 1 or start:line_start - 1]
        if len(prev) < MIN_PROSE or not _SENTENCE_END.search(prev.rstrip()):
            return None
        if not _headline(view[line_start:end], False):
            return None
        return line_start - 1, line_start

    def _finding(self, view: str, cut: int, frag: int, end: int) -> Finding:
        text = view[frag:end]
        fix = Fix.replace(f"Delete the fragment {text!r}", cut, end, "",
                          Applicability.SUGGESTION)
        return self.finding(frag, end, f"headline-like fragment glued to the paragraph: "
                            f"{text!r}", [fix])


def _abbreviation(view: str, dot: int) -> bool:
    """Whether the ``.`` at ``dot`` ends a title or an initial (`St.`, `Dr.`, `J.`, `U.S.`)
    rather than a sentence."""
    if view[dot] != ".":
        return False
    i = dot
    while i > 0 and view[i - 1].isalpha():
        i -= 1
    word = view[i:dot]
    return len(word) == 1 or word in _TITLES or (i > 0 and view[i - 1] == ".")


def _introduces_code(view: str, end: int) -> bool:
    """Whether the next non-blank text after ``end`` is hidden (a code block follows)."""
    rest = view[end:end + 200].lstrip(" \t\r\n")
    return rest.startswith(MASK)


def _headline(text: str, same_line: bool) -> bool:
    """Whether ``text`` looks like a headline: 4-16 words, capitalised, no sentence end."""
    if MASK in text or regex.search(r"[,;:()\[\]\"“”…|#*_=]|\s[-–—]\s", text):
        return False
    words = _WORD.findall(text)
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not words[0][0].isupper():
        return False
    major = [w for w in words if w.lower() not in _MINOR]
    if not major or words[-1].isdigit() or words[-1].lower() in _MINOR:
        return False  # headlines do not end in `with`, `the`, `of`
    capitalised = sum(1 for w in major if w[0].isupper() or w[0].isdigit())
    has_minor = len(major) < len(words) or any(w[0].islower() for w in words)
    if capitalised == len(words):  # every word capitalised: a name or organisation
        return False
    if capitalised / len(major) >= 0.75 and has_minor:
        return True
    return same_line and len(words) <= 12
