"""RT709: `?` standing for a character the page could not encode (`don?t`, `?quoted?`, `??`).

When text is converted to an encoding that lacks a character (a curly apostrophe or quote
into Latin-1, a Chinese name into ASCII), most converters write `?` in its place. Real
question marks end a clause: they follow a word and come before a space, a closing quote or
the end. The shapes here are the ones a real question mark never takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

import regex

from repairtool.document import Document
from repairtool.model import Applicability, Edit, Finding, Fix, Severity
from repairtool.rules._patterns import lazy, lazy_re
from repairtool.rules._prose import is_code_line
from repairtool.rules.base import Rule
from repairtool.words import is_known, word_list

#: `don?t`, `China?s`, `we?ll`: a lost apostrophe before a contraction's ending.
_APOSTROPHE = lazy(r"(?<=\p{L})\?(?=(?:s|t|re|ve|ll|d|m)(?![\p{L}\p{N}?=&/_.]|\.\p{L}))")
#: `said ?we will win? and`: a lost opening quote (no question mark starts a word) and its
#: closing partner later in the same sentence.
_QUOTED = lazy(r"(?<=(?:^|[\s(\[]))\?(?=\p{L})([^?\n]{1,200}?)(?<=[\p{L}\p{N}.,!])\?"
               r"(?=[\s.,;:)\]]|$)", regex.MULTILINE)
#: `Mr ?? said`, `the ???company`: a run of lost characters inside prose.
_RUN = lazy(r"(?<=(?:^|[\s(\[\"“\p{L}]))\?{2,}(?=[\p{L}]|[ \t]+\p{Ll}|[,.;:)\]\"”])",
            regex.MULTILINE)
#: `dont` for `don't`: contractions that lost their apostrophe, by their apostrophe-less form.
_CONTRACTIONS = {w.replace("'", ""): w for w in word_list("lost-apostrophe", "debris_words.txt")}
#: The same words in the folded bytes (lower case already): a C-speed gate before `_BARE`.
@cache
def _bare_gate() -> re.Pattern[bytes]:
    return re.compile("|".join(sorted(_CONTRACTIONS, key=len, reverse=True)).encode())



#: Stdlib `re`: an alternation of literals runs several times faster there.
_BARE = lazy_re(r"(?<![\w'’-])(?i:" + "|".join(sorted(_CONTRACTIONS, key=len, reverse=True))
                + r")(?![\w'’-])")
#: What a URL, a query string or code carries around a `?` (`page.php?id=3`, `a?.b`).
_TECH = frozenset("=&/_.:\\<>{}[]$#@*+|`")


class LostCharacter(Rule):
    """
    ## What it does
    Finds `?` written in place of a character the page could not encode: a lost apostrophe
    inside a word (`don?t`, `China?s`), lost quotation marks around a phrase
    (`the ?one country? policy`), and runs of `??` standing for a lost name or word
    (`the ??company`, or `Mr ?? said` in a text that lost other characters as well). Also
    a contraction whose apostrophe was dropped altogether (`dont`, `doesnt`) in a text that
    lost all its apostrophes.

    ## Why it matters
    Converting text to an encoding without curly quotes or Chinese characters replaces each
    of them with `?`. The reader sees questions where there are none and loses names.

    ## Example
    `China?s exports rose, said ?the ministry?. Mr ?? declined to comment.`

    ## Use instead
    `China’s exports rose, said “the ministry”. Mr Li declined to comment.`

    ## Fix safety
    Safe for a dropped apostrophe (`dont` → `don't`), looked for only in a text that has
    no apostrophe at all (a page that lost them all; where others are written, `dont` is
    the writer's own spelling, as in chat quoted in the fortunes): only contractions that
    are no English word without it are listed, so `cant`, `wont`, `its`, `lets`, `were`
    and `well` are never touched. Safe for a `?` between a known word and a contraction's
    ending (`?s`, `?t`, `?re`, `?ve`, `?ll`, `?d`, `?m`; not `Ravn?s`, a name that lost an
    `å`): the apostrophe is certain, and it was `’`, since the ASCII `'` survives every
    encoding. A suggestion for
    lost quotation marks (`“…”`, for the same reason). Only a suggestion to delete a `??`
    run: the lost word cannot be known, and a person must restore it. Left alone: real
    questions (`Why?`, `What??`, `Really?!`), Spanish `¿…?`, URLs and query strings
    (`page.php?id=3`), lines of code (`a ?? b`, `x ? y : z`), and a free-standing `???`
    in a text with no other lost character (technical English writes "unknown" so:
    `full of ??? entries`, `(by Someone ???)`).
    """

    code = "RT709"
    name = "lost-character"
    category = "encoding"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        yield from self._bare(doc)
        if "?" not in view:
            return
        found = [*self._apostrophes(view), *self._quotes(view)]
        yield from found
        for m in _RUN.finditer(view):
            # `??? entries`, `(by Someone ???)` is how technical English writes "unknown":
            # a free-standing run counts only in a text that lost other characters too.
            glued = view[m.end():m.end() + 1].isalpha()
            if view[m.start() - 1:m.start()].isalpha() and not glued:
                continue  # `What?? he asked`
            if not (glued or found) or _technical(view, m.start(), m.end()) \
                    or is_code_line(view, m.start()):
                continue
            yield self._run(view, m.start(), m.end())

    def _run(self, view: str, start: int, end: int) -> Finding:
        run = view[start:end]
        # Deleting with one space is only a way to show the place: a person restores the word.
        cut = end + 1 if view[end:end + 1] == " " and view[start - 1:start] in (" ", "") else end
        fix = Fix.replace(f"Delete {run!r} (restore the lost word by hand)", start, cut, "",
                          Applicability.SUGGESTION)
        return self.finding(start, end, f"{run!r} stands for characters the page lost", [fix])

    def _bare(self, doc: Document) -> Iterator[Finding]:
        view = doc.view
        if "'" in view or "’" in view:
            # Only a text that lost every apostrophe is damaged: where others are written,
            # `dont` is the writer's own spelling (chat quoted in fortunes, IRC logs).
            return
        if _bare_gate().search(doc.folded) is None:
            return
        mark = "'"
        for m in _BARE.finditer(view):
            word = m.group()
            if is_code_line(view, m.start()):
                continue
            right = _CONTRACTIONS[word.lower()]
            right = (right[0].upper() + right[1:]) if word[0].isupper() else right
            right = right.replace("'", mark)
            if word.isupper():
                right = right.upper()
            fix = Fix.replace(f"Write {right!r}", m.start(), m.end(), right, Applicability.SAFE)
            yield self.finding(m.start(), m.end(), f"{word!r} lost its apostrophe", [fix])

    def _apostrophes(self, view: str) -> Iterator[Finding]:
        mark = "’"  # `'` is ASCII and survives every encoding: the lost one was curly
        for m in _APOSTROPHE.finditer(view):
            if _technical(view, m.start(), m.end()) or is_code_line(view, m.start()):
                continue
            lo = m.start()
            while lo > m.start() - 40 and lo > 0 and view[lo - 1].isalpha():
                lo -= 1
            if not is_known(view[lo:m.start()]):
                continue  # `Ravn?s`: a lost `å` in a name, not an apostrophe
            fix = Fix.replace(f"Replace '?' with {mark!r}", m.start(), m.end(), mark,
                              Applicability.SAFE)
            yield self.finding(m.start(), m.end(), "'?' in place of a lost apostrophe", [fix])

    def _quotes(self, view: str) -> Iterator[Finding]:
        opening, closing = "“", "”"  # `"` is ASCII: the lost marks were curly
        for m in _QUOTED.finditer(view):
            if _technical(view, m.start(), m.end()) or is_code_line(view, m.start()):
                continue
            s, e = m.start(), m.end()
            fix = Fix(f"Replace the '?' pair with {opening}{closing}",
                      (_edit(s, opening), _edit(e - 1, closing)), Applicability.SUGGESTION)
            yield self.finding(s, e, "'?…?' in place of lost quotation marks", [fix])


def _edit(at: int, mark: str) -> Edit:
    return Edit(at, at + 1, mark)


def _technical(view: str, start: int, end: int) -> bool:
    """Whether the token at ``start`` or the one at ``end - 1`` is a URL, a path, a query
    or code (a sentence's own stop after the token does not count)."""
    return _tech_token(view, start) or _tech_token(view, end - 1)


def _tech_token(view: str, pos: int) -> bool:
    lo = pos
    while lo > 0 and not view[lo - 1].isspace():
        lo -= 1
    hi = pos + 1
    while hi < len(view) and not view[hi].isspace():
        hi += 1
    token = view[lo:hi].rstrip(".,;:!)\"”’'").lstrip("(\"“‘'")
    return any(c in _TECH for c in token) or "\ue000" in token
