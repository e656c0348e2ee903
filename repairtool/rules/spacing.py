"""RT710-RT712: spacing debris of tokenised or retyped MT text — doubled and spaced stops
(`ended . .`), a space inside a hyphenated compound (`cross -strait`) and a spaced
apostrophe (`Taiwan' s`)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

import regex

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy, lazy_re
from repairtool.rules._prose import is_code_line
from repairtool.rules.base import Rule
from repairtool.words import is_function_word, is_known, is_word, word_set

# --- RT710 doubled or spaced stops --------------------------------------------------------

_STOP_CANDIDATE = lazy_re(r"\.[ \t]*\.|\.[ \t]+,")
#: `signed up. , but`: a stop before a spaced comma (the comma is what the sentence needs).
_STOP_COMMA = lazy(r"(?<=\p{L}{2})\.[ \t]++,(?=[ \t]|$)", regex.MULTILINE)
#: `said. .`, `ended . .`: a stop, spaces, another stop (not a spaced ellipsis `. . .`).
_SPACED = lazy(r"(?<=[\p{L}\p{N})\"”’])([ \t]*+\.)[ \t]++\.(?![ \t]*+\.|[\p{L}\p{N}_/])")
#: `ended..` at the end of a line: not `...`, `..` in a path or range (`cd ..`, `1..10`),
#: nor the casual two-dot pause of chat (`well.. maybe`, `an idiot..  At least`).
_DOUBLED = lazy(r"(?<=\p{L}{2})\.\.(?!\.)(?=[ \t]*+(?:\n|$))", regex.MULTILINE)
_TWO_DOTS = lazy_re(r"\.\.(?!\.)")


class StopSpacing(Rule):
    """
    ## What it does
    Finds stops and commas spaced the way a sentence splitter or a full-width source left
    them: a full stop written twice (`said. .`, `ended . .`, `ended..` at the end of a
    line), a stop before a comma (`signed up. , but`), and a comma glued to the next word
    (`public emergencies,make up for`, the full-width `，` converted without its space).

    ## Why it matters
    MT pipelines that split sentences, translate them and join them again leave a second
    stop; Chinese punctuation converted to ASCII loses the space that English puts after a
    comma. Both read as typos, and a glued comma keeps a line from breaking.

    ## Example
    `The talks ended . . Both sides met. , and agreed to act,not to wait..`

    ## Use instead
    `The talks ended. Both sides met, and agreed to act, not to wait.`

    ## Fix safety
    Safe: the second stop and the spaces before it are removed (a space before the first
    stop too), the stop before a comma is removed, a space is put after a glued comma;
    never a line break. A glued comma is reported only between two lower-case English
    words of two letters or more in a line of prose (five words or more), never in a token
    with `/`, `=`, `.`, `:` or `_`, nor after an abbreviation. Left alone: an ellipsis
    (`...`, `. . .` as literature sets it, `…`), a dot that starts a name (`e.g. .NET`,
    `.b.c`), `..` in paths and ranges (`cd ..`, `1..10`), two dots inside a line (the
    casual pause of chat and forums: `well.. maybe`, `an idiot.. At least`), any `..` in a
    text that has two or more of them (the writer's style), `etc. ,`, numbers (`1,000`),
    lists in code and options (`a,b,c`, `--opt=x,y`), and lines of code.
    """

    code = "RT710"
    name = "stop-spacing"
    category = "punctuation"
    severity = Severity.WARNING
    fixable = True
    #: `ended . .` also has a space before a stop (RT703): one finding says it better.
    supersedes = frozenset({"RT703"})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if "," in view:
            yield from self._glued_commas(view)
        if ".." not in view and ". ." not in view and ".\t." not in view and ". ," not in view:
            return
        # A writer who pauses with `..` does so more than once: then no `..` is debris.
        chatty = sum(1 for m in _TWO_DOTS.finditer(view, 0, 1_000_000)
                     if view[m.start() - 1:m.start()].isalpha()) > 1
        done = 0
        for c in _STOP_CANDIDATE.finditer(view):
            if c.start() < done:
                continue
            start = c.start()
            while start and view[start - 1] in " \t":
                start -= 1
            comma = _STOP_COMMA.match(view, c.start())
            m = comma or _SPACED.match(view, start) or (None if chatty
                                                        else _DOUBLED.match(view, c.start()))
            if m is None or view[m.start() - 1:m.start()] == "." \
                    or _spaced_ellipsis(view, m.start()) or is_code_line(view, m.start()):
                continue
            if comma and _abbreviation_dot(view, m.start()):
                continue  # `etc. ,`: the stop belongs to the abbreviation
            done = m.end()
            keep, what = (",", "full stop before a comma") if comma else (".", "doubled full stop")
            fix = Fix.replace(f"Keep {keep!r}", m.start(), m.end(), keep, Applicability.SAFE)
            yield self.finding(m.start(), m.end(), f"{what} {m.group()!r}", [fix])


    def _glued_commas(self, view: str) -> Iterator[Finding]:
        for c in _COMMA_CANDIDATE.finditer(view):  # C-speed literal scan first
            if not view[c.start() - 1:c.start()].islower():
                continue
            lo = c.start()
            while lo > 0 and view[lo - 1].isalpha():
                lo -= 1
            m = _GLUED_COMMA.match(view, lo)
            if m is None:
                continue
            left, right = m.group(1), m.group(2)
            if not (is_word(left) and is_word(right)) or _tech_around(view, m.start(), m.end()) \
                    or not _prose_line(view, m.start()) or is_code_line(view, m.start()):
                continue
            at = m.start(2)
            fix = Fix.replace("Put a space after the comma", at, at, " ", Applicability.SAFE)
            yield self.finding(at - 1, at + 1, f"comma without its space: {m.group()!r}", [fix])


#: `emergencies,make`: a comma between two lower-case words with no space after it.
_COMMA_CANDIDATE = lazy_re(r",[a-z]")  # a literal first: `re` skips ahead to each comma
_GLUED_COMMA = lazy(r"(?<![\p{L}\p{N}_./-])(\p{Ll}{2,}),(\p{Ll}{2,})(?![\p{L}\p{N}_])")
_TECH_MARKS = frozenset("/=:_.<>{}[]()@#$%&*+|\\`\"'")


def _tech_around(view: str, start: int, end: int) -> bool:
    """Whether the comma sits in a token with technical marks (`--opt=x,y`, `a.b,c`)."""
    lo, hi = start, end
    while lo > 0 and not view[lo - 1].isspace():
        lo -= 1
    while hi < len(view) and not view[hi].isspace():
        hi += 1
    raw = view[lo:hi]
    if raw.rstrip("*_\ue000").endswith(":") or "\ue000" in raw:
        return True  # `build,win: fix`, `**doc,test**:`: a list of labels; hidden markup
    if raw.startswith("(") and raw.rstrip(".,;:!?").endswith(")"):
        return True  # `(row,col)`, `(and,or)`: a tuple or a list of names
    before = view[max(0, lo - 30):lo].split()
    if before and before[-1].startswith("-"):
        return True  # `--sort time,overhead`, `-L start,end`: an option's argument
    token = raw.rstrip(".,;:!?)\"”’").lstrip("(\"“‘")
    return any(c in _TECH_MARKS for c in token) or token.count(",") > 3


def _prose_line(view: str, pos: int) -> bool:
    lo = view.rfind("\n", 0, pos) + 1
    hi = view.find("\n", pos)
    return len(view[lo:hi if hi >= 0 else len(view)].split()) >= MIN_PROSE_WORDS


MIN_PROSE_WORDS = 5


def _abbreviation_dot(view: str, dot: int) -> bool:
    """Whether the stop at ``dot`` ends an abbreviation (`etc.`, `e.g.`, `Co.`)."""
    lo = dot
    while lo and (view[lo - 1].isalpha() or view[lo - 1] == "."):
        lo -= 1
    return view[lo:dot].lower() in _ABBREVIATIONS or "." in view[lo:dot]


_ABBREVIATIONS = frozenset({"etc", "co", "inc", "ltd", "jr", "sr", "no", "vs", "al", "approx"})


def _spaced_ellipsis(view: str, start: int) -> bool:
    """Whether a `. .` at ``start`` ends a spaced ellipsis (`. . .`) begun before it."""
    before = view[max(0, start - 3):start]
    return before.endswith((". ", ".\t"))


# --- RT711 space inside a hyphenated compound --------------------------------------------

#: `cross -strait`, `Tsai Ing -wen`: a word, a space, a hyphen glued to the next word; and
#: `Hong Kong- based`: a hyphen glued to the word before, then a space.
#: The hyphen of `a -b` or `a- b` (searched from the hyphen: a pattern that starts with a
#: letter is tried at every letter).
_HYPHEN_CANDIDATE = lazy_re(r"-(?:(?<=[A-Za-z] -)(?=[A-Za-z])|(?<=[A-Za-z]-)(?= [a-z]))")
_LEFT_SPACE = lazy(r"(?<![\p{L}\p{N}][-/.])\b(\p{L}{2,}) -(\p{Ll}{2,}|\p{Lu}\p{Ll}+)\b"
                   r"(?![-'’/=.]\p{L}|\()")
_RIGHT_SPACE = lazy(r"(?<![-/.])\b(\p{L}{2,})- (\p{Ll}{2,})\b(?![-'’/=.]\p{L})")
#: Words a command-line option is often named (`find /tmp -name`, `java -jar`).
_OPTIONS = word_set("option-words", "debris_words.txt")
#: `pre- and post-war`, `first- or second-hand`: a suspended hyphen, which is correct.
_HEADS = word_set("compound-heads", "debris_words.txt")
_TAILS = word_set("compound-tails", "debris_words.txt")
_PREFIXES = word_set("name-prefixes", "debris_words.txt")
_FUNCTION_HEADS = word_set("function-word-compounds", "debris_words.txt")
_SUSPENDED = frozenset({"and", "or", "to", "nor", "as", "versus", "vs", "through"})


class SpacedHyphen(Rule):
    """
    ## What it does
    Finds a space inside a hyphenated compound or name: `cross -strait`, `high -rise`,
    `Tsai Ing -wen`, `Hong Kong- based`.

    ## Why it matters
    Tokenisers split compounds at the hyphen and detokenisers often put back only one of
    the two sides. The result looks like a dash or a command-line option, and a line can
    break inside the compound.

    ## Example
    `Cross -strait trade grew, the Hong Kong- based paper said of Tsai Ing -wen.`

    ## Use instead
    `Cross-strait trade grew, the Hong Kong-based paper said of Tsai Ing-wen.`

    ## Fix safety
    Safe: the one space is removed. Reported only between two words of letters, the part
    after the hyphen at least two letters and a known English word or name part. Left
    alone: dashes used as dashes (`word - word`, `word -- word`), suspended hyphens
    (`pre- and post-war`), ranges and minus signs (`1990 -2000`, `x -1`), command-line
    options (`ls -la`, `find /tmp -name`, `java -jar`, an option word or a line of code),
    list bullets, and a function word before the hyphen (`the -v flag`).
    """

    code = "RT711"
    name = "spaced-hyphen"
    category = "punctuation"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if " -" not in view and "- " not in view:
            return
        for at in _hyphen_candidates(view):
            lo = at
            while lo and view[lo - 1].isalpha():
                lo -= 1
            left_space = view[at] == " "
            m = (_LEFT_SPACE if left_space else _RIGHT_SPACE).match(view, lo)
            if m is None or not self._compound(view, m, left_space):
                continue
            space = m.end(1) if left_space else m.end(1) + 1
            fix = Fix.replace("Remove the space", space, space + 1, "", Applicability.SAFE)
            yield self.finding(m.start(), m.end(),
                               f"space inside the hyphenated {m.group()!r}", [fix])

    def _compound(self, view: str, m: regex.Match[str], left_space: bool) -> bool:
        left, right = m.group(1), m.group(2)
        head, tail = left.lower(), right.lower()
        if right[0].isupper() and not (head in _PREFIXES
                                       or (left[0].isupper() and tail in _TAILS)):
            return False  # `anti -China`, `Secretary -General`; not `Director -Smith`
        if tail in _SUSPENDED or tail in _OPTIONS or not is_known(tail):
            return False
        listed = f"{head}-{tail}" in _FUNCTION_HEADS
        if is_function_word(left) and not listed:
            return False
        if not (listed or head in _HEADS or tail in _TAILS or _name_part(view, m)):
            return False
        if is_function_word(tail) or _suspended(view, m.start()):
            return False  # `new- are the scripts`, `pre- and post- increment`
        if left_space and _option_line(view, m.start(), m.end()):
            return False
        return not is_code_line(view, m.start())


def _hyphen_candidates(view: str) -> Iterator[int]:
    """The offset after the first letter of each match `re.finditer(r"[A-Za-z] -[A-Za-z]|
    [A-Za-z]- [a-z]")` gives: the space of `a -b`, the hyphen of `a- b`."""
    done = 0
    for c in _HYPHEN_CANDIDATE.finditer(view):
        at = c.start() - 1 if view[c.start() - 1] == " " else c.start()
        if at - 1 >= done:  # the old match began a letter before and was four long
            done = at + 3
            yield at


def _suspended(view: str, start: int) -> bool:
    """Whether a suspended hyphen comes just before (`pre- and post- increment`)."""
    return _SUSPENDED_BEFORE.search(view, max(0, start - 30), start) is not None


_SUSPENDED_BEFORE = lazy(r"\p{L}- (?:and|or|to) $")


def _name_part(view: str, m: regex.Match[str]) -> bool:
    """`Tsai Ing -wen`: a capitalised syllable after another capitalised word, and a short
    lower-case syllable after the hyphen (Chinese given names are written so)."""
    left, right = m.group(1), m.group(2)
    if not (left[0].isupper() and left[1:].islower() and len(right) <= 5):
        return False
    before = view[max(0, m.start() - 30):m.start()].rstrip(" ").rsplit(" ", 1)[-1]
    return before[:1].isupper() and before.isalpha()


#: Signs of a command line: a short option (`-l`, `-la`), a long one (`--all`), shell marks.
_OPTION_NEAR = lazy_re(r"(?:^|\s)(?:-[A-Za-z]{1,2}|--[A-Za-z])(?=\s|$)|(?:^|\s)\$\s|\$[({\w]"
                       r"|[`|<>=]|(?:^|\s)--\w")
#: `New -resign option`, `-mac and -macopt options`: the option is named as one.
_OPTION_AFTER = lazy_re(r"[^\n.]{0,30}?\b(?:options?|flags?|switch(?:es)?|arguments?)\b")
#: An option's argument after it: a path, a pattern, a number, a quoted string.
_ARGUMENT = lazy_re(r"[ \t]+['\"*/~.\d{-]")


def _option_line(view: str, pos: int, end: int) -> bool:
    """Whether the line at ``pos`` looks like a command (`ls -la`, `--all`, `$`, a pipe) or
    the word after the hyphen takes an argument (`-name '*.c'`): then ` -word` is an
    option."""
    lo = view.rfind("\n", 0, pos) + 1
    hi = view.find("\n", pos)
    line = view[lo:hi if hi >= 0 else len(view)]
    return (_OPTION_NEAR.search(line) is not None or _ARGUMENT.match(view, end) is not None
            or _OPTION_AFTER.match(view, end) is not None)


# --- RT712 spaced apostrophe -------------------------------------------------------------

#: `China ’ s`, `Taiwan' s`, `don ’t`, `company 's`: spaces around an apostrophe before
#: a contraction's ending (not `the letter 's'`, not `'sorry'` opening a quotation).
_SPACED_APOSTROPHE = lazy(
    r"(?<=\p{L})([ \t]*+)(['’])([ \t]*+)(?:s|t|re|ve|ll|d|m)\b(?![-‐])(?![\p{L}]*+['’])"
    r"(?![|/\\^$#{}<>]|[,;:][^\s])")  # not `'s|^|/usr|'`, `'s,^,x,'` (sed in a text)


#: `Pu 'er tea`, `Xi ’an`: the syllable apostrophe of a pinyin name, spaced (a pinyin
#: syllable that starts with a vowel follows it, and no closing quote comes after).
_PINYIN = lazy(r"(?<=\b\p{Lu}\p{Ll}{1,5})([ \t]++)(['’])(?:an|ang|ai|ao|e|en|er|ei|ou)\b"
               r"(?![^\n'’]{0,80}['’](?!\p{L}))")
#: `11 o ‘clock`, `o’ clock`: the apostrophe of `o’clock` spaced or turned the wrong way.
_OCLOCK = lazy(r"(?<![\p{L}'’])o(?:[ \t]*+‘[ \t]*+|[ \t]++['’‘][ \t]*+|['’][ \t]++)clock\b")


#: Where `_OCLOCK` may match: an `o`, marks or spaces, `clock` (a C-speed search; the
#: `regex` pattern, which looks behind first, is tried at every character).
_OCLOCK_HINT = lazy_re(r"o[ \t'’‘]+clock")


def _oclocks(view: str) -> Iterator[regex.Match[str]]:
    """The matches of `_OCLOCK` in ``view`` (each starts where a hint does)."""
    for hint in _OCLOCK_HINT.finditer(view):
        m = _OCLOCK.match(view, hint.start())
        if m is not None:
            yield m


#: A closing single quote later on the line (a letter before it, none after).
_CLOSING_QUOTE = lazy(r"[^\n'’]{0,60}?\p{L}['’](?!\p{L})")


class SpacedQuoteMark(Rule):
    """
    ## What it does
    Finds a quote mark with a space where English has none: an apostrophe spaced inside a
    word (`China ’ s`, `Taiwan' s`, `don ’t`, `company 's`, `11 o ‘clock`, `Pu 'er`), and a space
    inside quotation marks (`“ Most likely ”`, `" the grade is first "`).

    ## Why it matters
    Tokenisers split `China’s` into `China ’ s` and `“word”` into `“ word ”`, and a
    detokeniser that misses the mark leaves it spaced. Readers see stray marks, and a line
    can break between the mark and its word.

    ## Example
    `Taiwan' s exports rose, we don ’t know why, and netizens wrote “ Blow up the bridge ”.`

    ## Use instead
    `Taiwan's exports rose, we don’t know why, and netizens wrote “Blow up the bridge”.`

    ## Fix safety
    Safe: only the spaces are removed (`o ‘clock` becomes `o’clock`). An apostrophe is
    reported only between a letter and a contraction's ending (`s`, `t`, `re`, `ve`, `ll`,
    `d`, `m`) that ends there. Curly quotation marks are reported only where their shape
    says which side they open (`“` after a space or a bracket, `”` before a space or a
    stop); straight `"` only in a paragraph whose marks pair up (an even number, no inch
    mark `12"`), where the first of each pair opens, a space or bracket is before it and a
    space or stop after its partner, and two words or more are inside. Left alone: a
    space between a sentence's stop or comma and its closing mark (`the virus. ”`: the MQM
    reference translations set it so throughout), quotations (`'sorry'`,
    `the letter 's'`), an apostrophe after code or a number, a space before an apostrophe
    in old books (`there 's`, `do n't` in a text that sets it that way at least three
    times: the typography is the author's, not debris), a quoted space (`" "`), lines laid
    out in columns, and lines of code.
    """

    code = "RT712"
    name = "spaced-quote-mark"
    category = "punctuation"
    severity = Severity.WARNING
    fixable = True
    #: RT703 reports the space before the apostrophe only; this says it of the whole word.
    supersedes = frozenset({"RT703"})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if "“ " in view or " ”" in view or '" ' in view:
            yield from _spaced_quotes(self, doc)
        if "' " not in view and " '" not in view and "’" not in view and "‘" not in view:
            return
        if "clock" in view:
            for m in _oclocks(view):
                fix = Fix.replace("Write o’clock", m.start(), m.end(), "o’clock",
                                  Applicability.SAFE)
                yield self.finding(m.start(), m.end(), f"spaced apostrophe {m.group()!r}", [fix])
        marks = sorted(m.start() for mark in _SPACED_MARKS for m in mark.finditer(view))
        for at in marks:
            if view[at - 1:at] not in (" ", "\t"):
                continue
            start = at - 1
            while start and view[start - 1] in " \t":
                start -= 1
            m = _PINYIN.match(view, start)
            if m is None:
                continue
            lo = m.start()
            while lo > 0 and view[lo - 1].isalpha():
                lo -= 1
            if is_word(view[lo:m.start()].lower()):
                continue  # `Shut 'er down`: dialect elision after an English word
            fix = Fix.replace("Remove the space", m.start(1), m.end(1), "", Applicability.SAFE)
            yield self.finding(m.start(), m.end(), f"spaced apostrophe {m.group()!r}", [fix])
        hits = list(self._hits(view, marks))
        # A book set with ` 's` throughout (older editions, tokenised corpora kept on
        # purpose) has its own typography: only a space after the apostrophe is debris.
        house_style = sum(1 for m in hits if m.group(1) and not m.group(3)) >= 3
        for m in hits:
            if house_style and not m.group(3):
                continue
            s, e = m.start(), m.end()
            fix = Fix.replace("Remove the spaces", m.start(1), m.end(3), m.group(2),
                              Applicability.SAFE)
            yield self.finding(s, e, f"spaced apostrophe {view[s:e]!r}", [fix])

    def _hits(self, view: str, marks: list[int]) -> Iterator[regex.Match[str]]:
        done = 0
        for at in marks:  # a space before or after the mark
            if view[at - 1:at] in (" ", "\t"):
                start = at - 1
            elif view[at + 1:at + 2] in (" ", "\t"):
                start = at
            else:
                continue
            if start < done:
                continue
            while start and view[start - 1] in " \t":
                start -= 1
            m = _SPACED_APOSTROPHE.match(view, start)
            if m is None or not (m.group(1) or m.group(3)) or is_code_line(view, start):
                continue
            if m.group(1) and not m.group(3) and _CLOSING_QUOTE.match(view, m.end()):
                continue  # `the command 't label'`: a quotation opens there
            done = m.end()
            yield m


#: `“ word`: an opening curly mark (after a space, a bracket, a colon or another mark) with
#: spaces after it; `word ”`: spaces before a closing curly mark that a space or stop follows.
_CURLY_OPEN = lazy(r"(?<=^|[\s(\[:：”])“([ \t]++)(?=[\p{L}\p{N}])", regex.MULTILINE)
_CURLY_CLOSE = lazy(r"(?<=[\p{L}\p{N}.,!?…)])(?<![.!?,][ \t]*+)([ \t]++)”(?=[\s.,;:!?)\]“…]|$)",
                    regex.MULTILINE)
_STRAIGHT = lazy_re(r'"')
#: `'` and `’` with a space or tab before or after: the only ones RT712 looks at. (One
#: pattern a mark: `re` skips ahead to one literal fast, to either of two ten times slower.)
_SPACED_MARKS = (lazy_re(r"'(?:(?<=[ \t]')|(?=[ \t]))"), lazy_re(r"’(?:(?<=[ \t]’)|(?=[ \t]))"))
#: `to " volunteer`, `preferential " the`: a straight mark with a space on its inner side.
#: (Searched from the mark: a pattern that starts with a space is tried at every space.)
_STRAIGHT_CANDIDATE = lazy_re(r'"(?<= ")|"(?= [A-Za-z0-9])')
_CURLY_OPEN_CANDIDATE = lazy_re(r"“(?=[ \t])")
_CURLY_CLOSE_CANDIDATE = lazy_re(r"”(?<=[ \t]”)")
#: Content of a straight-quoted stretch that is prose (two words, or one word of 4 letters).
_QUOTED_PROSE = lazy(r"[ \t]*+(?:[\p{L}\p{N}][\p{L}\p{N}'’-]*+[ \t,]++){1,}\p{L}[\p{L}\p{N}'’-]*+"
                     r"[ \t]*+")


def _spaced_quotes(rule: Rule, doc: Document) -> Iterator[Finding]:
    view = doc.view
    # Code has no curly quotes, and MT prose with braces (`“ group { one }”`) is no code.
    for at, opening in _curly_candidates(view):  # C-speed literal scan first
        if opening:
            if _inside_curly_quotation(view, at):
                continue  # `… development. “ According`: a closing mark typed as an opening one
            m = _CURLY_OPEN.match(view, at)
        else:
            start = at
            while start and view[start - 1] in " \t":
                start -= 1
            m = _CURLY_CLOSE.match(view, start)
        if m is not None:
            yield _quote_finding(rule, m.start(), m.end(), m.start(1), m.end(1))
    if '"' not in view:
        return
    hits = _straight_candidates(view)
    if not hits:
        return
    segs = list(doc.segments())
    starts = [seg.start for seg in segs]
    done = -1
    for at in hits:  # only the paragraphs that hold a spaced straight mark
        i = bisect.bisect_right(starts, at) - 1
        if i > done and i >= 0 and at < segs[i].end:
            done = i
            yield from _straight_quotes(rule, view, segs[i].start, segs[i].end)


def _curly_candidates(view: str) -> Iterator[tuple[int, bool]]:
    """(start, opening) of each match `re.finditer(r"“[ \\t]|[ \\t]”")` gives: `“` and a
    space or tab, or a space or tab and `”` (one that the match before did not take)."""
    found = sorted([(m.start(), True) for m in _CURLY_OPEN_CANDIDATE.finditer(view)]
                   + [(m.start(), False) for m in _CURLY_CLOSE_CANDIDATE.finditer(view)])
    done = 0
    for at, opening in found:
        if opening:
            yield at, True
            done = at + 2
        elif at - 1 >= done:
            yield at - 1, False
            done = at + 1


def _straight_candidates(view: str) -> list[int]:
    """The starts of the matches `re.finditer(r'" [A-Za-z0-9]| "')` gives: a space before
    a straight mark, else a mark before a space and a letter or digit."""
    hits: list[int] = []
    done = 0
    for c in _STRAIGHT_CANDIDATE.finditer(view):
        at = c.start()
        if view[at - 1:at] == " " and at - 1 >= done:
            hits.append(at - 1)
            done = at + 1
        elif at >= done and view[at + 1:at + 2] == " " and _ascii_alnum(view[at + 2:at + 3]):
            hits.append(at)
            done = at + 3
    return hits


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _inside_curly_quotation(view: str, at: int) -> bool:
    """Whether the `“` at ``at`` stands where a closing mark belongs: the last curly double
    mark before it in its paragraph opens a quotation, or none closes after it."""
    lo = max(view.rfind("\n\n", max(0, at - 2000), at), at - 2000, 0)
    opened, closed = view.rfind("“", lo, at), view.rfind("”", lo, at)
    if opened > closed:
        return True
    hi = view.find("\n\n", at, at + 2000)
    # No `”` after it in the paragraph: an orphan (a closing mark whose quotation opened in
    # an earlier paragraph), not a quotation opened with a space.
    return view.find("”", at, hi if hi >= 0 else at + 2000) < 0


def _straight_quotes(rule: Rule, view: str, start: int, end: int) -> Iterator[Finding]:
    """Spaced straight quotation marks in one paragraph whose marks pair up."""
    marks = [m.start() for m in _STRAIGHT.finditer(view, start, end)]
    if not marks or len(marks) % 2 or any(view[i - 1:i].isdigit() for i in marks):
        return  # unpaired, or inch marks (`12"`): which side a mark opens is unknown
    for open_at, close_at in zip(marks[::2], marks[1::2], strict=True):
        inside = view[open_at + 1:close_at]
        lead = len(inside) - len(inside.lstrip(" \t"))
        trail = len(inside) - len(inside.rstrip(" \t"))
        if not (lead or trail):
            continue  # marks tight to their words: nothing to report, so nothing to test
        before, after = view[open_at - 1:open_at], view[close_at + 1:close_at + 2]
        if (before and not (before.isspace() or before in "([:")) \
                or (after and not (after.isspace() or after in ".,;:!?)]")):
            continue  # `"Revert "Revert "x""`: the marks do not pair as counted
        if "\n" in inside or not _QUOTED_PROSE.fullmatch(inside) \
                or is_code_line(view, open_at) or _columns(view, open_at):
            continue
        if lead:
            yield _quote_finding(rule, open_at, open_at + 1 + lead, open_at + 1,
                                 open_at + 1 + lead)
        if trail:
            yield _quote_finding(rule, close_at - trail, close_at + 1, close_at - trail,
                                 close_at)


def _columns(view: str, pos: int) -> bool:
    """Whether the line at ``pos`` is laid out in columns (runs of three spaces or a tab)."""
    lo = view.rfind("\n", 0, pos) + 1
    hi = view.find("\n", pos)
    line = view[lo:hi if hi >= 0 else len(view)].strip()
    return "   " in line or "\t" in line


def _quote_finding(rule: Rule, start: int, end: int, cut: int, cut_end: int) -> Finding:
    fix = Fix.replace("Remove the space", cut, cut_end, "", Applicability.SAFE)
    return rule.finding(start, end, "space inside quotation marks", [fix])
