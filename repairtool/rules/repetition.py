"""RT4: repetition — doubled words and doubled phrases, typical of MT decoding loops."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules.base import Rule

# Both patterns run with the stdlib `re` over a lower-cased copy of the view in which line
# breaks and tabs are spaces and a space is put in front, so that every word starts after a
# literal space: several times faster than look-behinds or the `regex` module.
_DOUBLED_WORD = re.compile(r" ([a-z]+(?:['’][a-z]+)?)((?: +\1)+)(?![\w'’-])")
_DOUBLED_PHRASE = re.compile(r" ((?:[a-z]+['’]?[a-z]* ){1,5}[a-z]+['’]?[a-z]*) \1(?![\w'’-])")

#: Words whose doubling is grammatical or idiomatic English ("had had", "that that",
#: "her her", "very very", "bye bye", "ha ha").
_LEGIT_WORDS = """
had that is her do did was very so really far many much more bye ha haha he hee ho hey no
yes well oh now knock tut go chop cha boo dum la na yeah wow yum ta pom tom bang blah yada
never again round what who ylang mahi beri bora pago walla sing baden tsetse dik aye
chin hush pee pooh choo chug ding dong tick tock murmur cous tartar
"""
#: Particles that double legitimately after a phrasal verb: `was taken in in the church`.
PARTICLES = frozenset({"in", "on", "up", "out", "off", "over", "down", "by", "around", "back",
                       "through", "about", "along"})
_VERB_BEFORE = re.compile(
    r"\b(?:come|came|get|got|gotten|go|goes|went|gone|put|set|let|sit|sat|stand|stood|keep|kept|"
    r"run|ran|take|taken|took|bring|brought|break|broke|broken|send|sent|write|wrote|written|"
    r"give|gave|given|hang|hung|cut|shut|fit|(?:check|log|sign|turn|hand|fill|drop|move|pass|"
    r"lock|pull|push|plug|jump|tune|zoom|opt|chip|cave|phase|factor|rope|pencil|fold|"
    r"weigh|butt|cash|clock|punch|tuck|wall|box|hem|rein)(?:s|ed|ing)?)\s+$")
LEGIT_DOUBLES = frozenset(_LEGIT_WORDS.split())


def spaced_lower(doc: Document) -> str:
    """`" " + doc.view` in lower case with line breaks and tabs as spaces (same offsets + 1)."""
    view = doc.view
    low = view.lower()
    if len(low) != len(view):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in view)
    return " " + low.replace("\n", " ").replace("\t", " ").replace("\r", " ")


def _proper_name(text: str) -> bool:
    """Every word capitalised, so likely a name: `Walla Walla`, `New York New York`."""
    words = text.split()
    return all(w[:1].isupper() for w in words)


class DoubledWord(Rule):
    """
    ## What it does
    Finds a word written twice in a row: `the the`, `of of`, `to to`.

    ## Why it matters
    A doubled word is a slip in human text and a typical decoding glitch in machine
    translation; readers notice it at once.

    ## Example
    `The report was published by the the ministry on Tuesday.`

    ## Use instead
    `The report was published by the ministry on Tuesday.`

    ## Fix safety
    Safe: the second copy and the space before it are deleted, so the first keeps its case.
    Doubles that are good English are left alone: `had had`, `that that`, `is is`,
    `her her`, intensifiers and interjections (`very very`, `bye bye`, `ha ha`), names
    (`Walla Walla`), single letters other than `a`, and words across a line break.
    """

    code = "RT401"
    name = "doubled-word"
    category = "repetition"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        low = spaced_lower(doc)
        view = doc.view
        for m in _DOUBLED_WORD.finditer(low):
            word = m.group(1)
            if word in LEGIT_DOUBLES or (len(word) == 1 and word != "a"):
                continue
            start, end = m.start(1) - 1, m.end() - 1
            found = view[start:end]
            if "\n" in found or "\r" in found or _proper_name(found):
                continue
            if word in PARTICLES and _VERB_BEFORE.search(low, max(0, start - 30), start + 1):
                continue
            second = m.start(2) - 1
            fix = Fix.replace(f"Delete the repeated {word!r}", second, end, "",
                              Applicability.SAFE)
            yield self.finding(start, end, f"doubled word {found!r}", [fix])


class DoubledPhrase(Rule):
    """
    ## What it does
    Finds a phrase of two to six words written twice in a row: `in the city in the city`.

    ## Why it matters
    Immediate phrase repetition is the signature of a machine-translation decoding loop
    ("hallucination"); it is almost never intended in prose.

    ## Example
    `Officials said the plan would be carried out in the city in the city next year.`

    ## Use instead
    `Officials said the plan would be carried out in the city next year.`

    ## Fix safety
    Unsafe: deleting the second copy is right for a decoding loop, but a repeated phrase
    can be rhetoric, a quoted chant or a lyric, so a person should look. Names that repeat
    (`New York New York`) are not reported; phrases separated by punctuation are not
    matched at all.
    """

    code = "RT402"
    name = "doubled-phrase"
    category = "repetition"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        low = spaced_lower(doc)
        view = doc.view
        for start, end, phrase_end in _phrases(low):
            found = view[start:end]
            if "\n" in found or "\r" in found:
                continue
            words = set(low[start + 1:phrase_end + 1].split())
            if _proper_name(found) or words <= LEGIT_DOUBLES or len(words) == 1:
                continue  # one word repeated is RT401's
            if _idiom(low[start + 1:phrase_end + 1].split()):
                continue
            phrase = view[start:phrase_end]
            fix = Fix.replace(f"Delete the repeated {phrase!r}", phrase_end, end, "",
                              Applicability.UNSAFE)
            yield self.finding(start, end, f"phrase repeated: {phrase!r}", [fix])


def _idiom(words: list[str]) -> bool:
    """`again and again and`, `more and more and`, `day by day by`: a repeated `X and X`."""
    return len(words) == 2 and words[1] in ("and", "or", "by", "after", "upon", "to", "for")


def _phrases(low: str) -> Iterator[tuple[int, int, int]]:
    """``(start, end, end of the first copy)`` of each doubled phrase of 2-6 words."""
    for m in _DOUBLED_PHRASE.finditer(low):
        yield m.start(1) - 1, m.end() - 1, m.end(1) - 1
