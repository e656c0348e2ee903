"""RT403: a word doubled where RT401 does not look — across a line break (`the\\nthe`), across
a stop after a word that cannot end a sentence (`the. The`), and a capitalised common noun
written twice (`Taiwan Province Province`).

Repeating a word across a sentence boundary is ordinary English (`by Vietnam. Vietnam is
willing`, `No. No, thank you`): on the MQM references and the fortunes it is as frequent as
on MT, so only the shapes that English never writes on purpose are reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy_re
from repairtool.rules.base import Rule
from repairtool.rules.repetition import LEGIT_DOUBLES, _Locator, copied_example, words_of
from repairtool.words import is_word, word_set

#: What may stand between the copies: spaces with one line break, or a stop with closing
#: quotes or brackets and spaces (a line break included).
_LINE = lazy_re(r"[ \t]*\r?\n[ \t]*")
_STOP = lazy_re(r"[.!?;][\"'”’)\]]*[ \t]*(?:\r?\n[ \t]*)?")
_SPACE = lazy_re(r" ")  # one space: more is a table's columns (`String  String`)
_PROSE_BEFORE = lazy_re(r"[A-Za-z,] $")
_PROSE_AFTER = lazy_re(r"[ \t]+[A-Za-z]")
#: Words after which no sentence ends (`the.` is always a cut-off sentence).
_NON_FINAL = word_set("non-final-words", "debris_words.txt")
#: Capitalised doubles that are names or fixed expressions (`Sing Sing`, `Bora Bora`).
_NAME_DOUBLES = word_set("name-doubles", "debris_words.txt")
MIN_NOUN = 4


class DoubledWordAcross(Rule):
    """
    ## What it does
    Finds a word written twice where RT401 does not look: across a line break
    (`the\\nthe`), across a stop after a word that cannot end a sentence (`of the. The
    meeting`), and a capitalised common noun doubled in a name (`Taiwan Province Province`).

    ## Why it matters
    A copy split over two lines is the commonest doubled word in wrapped plain text and
    the hardest to see. MT systems that translate sentence by sentence cut a sentence after
    `the` and start the next with it again, and they double the administrative noun of a
    place name (`Province`, `City`, `County`).

    ## Example
    `Exports to the\\nthe United States rose in Guangdong Province Province.`

    ## Use instead
    `Exports to the United States rose in Guangdong Province.`

    ## Fix safety
    Unsafe for a copy across a line break or a capitalised noun (the second copy is
    deleted; a person confirms, as for RT401); a suggestion across a stop, where the text
    between the copies may be what was lost. Left alone: a content word repeated across a
    stop (`by Vietnam. Vietnam is`, `No. No, thank you`: ordinary English), doubles that
    are good English (`had had`, `that that`), names (`Walla Walla`, `Sing Sing`),
    capitalised words that are not common nouns, and copies in different case.
    """

    code = "RT403"
    name = "doubled-word-across"
    category = "repetition"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        scan = words_of(doc)
        same = scan.same
        i = same.find(1)
        if i < 0:
            return
        view = doc.view
        words = scan.words
        spans = _Locator(scan.data)  # RT401's: finds each run left to right, cheaply
        while i >= 0:
            run = same.find(0, i)  # end of the run of equal neighbours
            run = len(same) if run < 0 else run
            start, second, _ = spans.locate(words[i:run + 1])
            found = self._judge(view, start, second, len(words[i]))
            if found is not None:
                yield found
            i = same.find(1, run)

    def _judge(self, view: str, first: int, second: int, size: int) -> Finding | None:
        word, again = view[first:first + size], view[second:second + size]
        if not word.isalpha() or word.lower() in LEGIT_DOUBLES or len(word) < 2:
            return None
        if not (view[first - 1:first].isspace() or first == 0) \
                or view[second + size:second + size + 1].isalnum():
            return None
        gap = view[first + size:second]
        if _LINE.fullmatch(gap):
            if word != again or not word.islower() or not _mid_prose(view, first, second + size):
                return None
            if copied_example(view, first, second + size):
                return None  # `it was the⏎the age of wisdom`: an example's input, copied
            return self._finding(first, second, size, word, "across a line break",
                                 Applicability.UNSAFE)
        if _STOP.fullmatch(gap):
            if word.lower() not in _NON_FINAL or again.lower() != word.lower() \
                    or not (word.islower() and again[:1].isupper()):
                return None
            return self._finding(first, second, size, word, "across a stop",
                                 Applicability.SUGGESTION)
        if _SPACE.fullmatch(gap) and word == again and _common_noun(word):
            return self._finding(first, second, size, word, "in a name",
                                 Applicability.UNSAFE)
        return None

    def _finding(self, first: int, second: int, size: int, word: str, where: str,
                 applicability: Applicability) -> Finding:
        # Delete from the end of the first copy to the end of the second, so that the first
        # keeps its place, case and what came before it.
        fix = Fix.replace(f"Delete the repeated {word!r}", first + size, second + size, "",
                          applicability)
        return self.finding(first, second + size, f"doubled word {word!r} {where}", [fix])


def _mid_prose(view: str, first: int, end: int) -> bool:
    """`caused the\nthe whole`: a word and a space before the first copy on its line, a
    space and a letter after the second, so that the line break is inside a sentence (not
    `merge\n  merge: fix`, `fi\n  fi`, a heading or a list of items)."""
    if _PROSE_BEFORE.search(view, max(0, first - 40), first) is None \
            or _PROSE_AFTER.match(view, end) is None:
        return False
    # Both lines set as one wrapped paragraph: the same indent, no columns.
    lo = view.rfind("\n", 0, first) + 1
    nl = view.find("\n", first)
    hi = view.find("\n", nl + 1)
    one, two = view[lo:nl], view[nl + 1:hi if hi >= 0 else len(view)]
    if one.lstrip().startswith(("$ ", "# ", "> ", ">>> ")):
        return False  # a shell transcript: `$ type ls` then its output `ls is hashed`
    indent = len(one) - len(one.lstrip(" \t"))
    return (indent == len(two) - len(two.lstrip(" \t"))
            and "   " not in one.strip() and "   " not in two.strip())


def _common_noun(word: str) -> bool:
    """`Province Province`: a capitalised word whose lower case is a common English word."""
    return (len(word) >= MIN_NOUN and word[0].isupper() and word[1:].islower()
            and word.lower() not in _NAME_DOUBLES and is_word(word.lower()))

