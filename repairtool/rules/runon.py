"""RT2: run-on joins — a lost space or sentence boundary glues two words together.

Machine translation of Chinese web text (and the scraping around it) drops the space after
punctuation (``rose.The``, ``Spain;Italy``), the boundary between sentences (``askedWhy``,
``TokyoTokyo``) or the space before a short function word (``decidedto``, ``inthe``).
Identifiers (``getElementById``, ``iPhone``), file names, domains, abbreviations, numbers
and versions look similar and are left alone; the word list in ``repairtool.words`` decides
what is a word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from regex import Match

from repairtool import words
from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy, lazy_re
from repairtool.rules._prose import is_code_line
from repairtool.rules.base import Rule

#: Characters that make a token code, a path, an address or a number rather than prose.
_CODEISH = frozenset("_/\\@#$%&=<>{}[]()|~^`+*0123456789\ue000")

#: The lists (with why each word is there) are in ``repairtool/data/en_rule_words.txt``.
STARTERS = words.word_set("sentence-starters")
_CONTRACTED = STARTERS | words.word_set("contracted-starters")
_CONTRACTION = lazy_re(r"['’](?:s|re|ve|ll|d|t|m)\b")
_PARTICLES = words.word_set("particle-starters")
_JOINERS = words.word_set("joiners")
_TITLES = words.word_set("titles")

#: The content half of a glue split must be among the most frequent words: "holmon" (a
#: misspelt "hormone") is not "holm on".
_MAX_CONTENT_RANK = 25_000

#: Scanning patterns: stdlib ``re`` with a rare first character class is several times faster
#: than matching whole words, so the words around each hit are read afterwards.
_PUNCT_SCAN = lazy_re(r"[.;:!?,…][\"'”’)\]“‘]?[A-Za-z\u00c0-\u024f]")
_CAMEL_SCAN = lazy_re(r"[A-Z](?<=[a-z][A-Z])[a-z]")
_CAP_GLUE_SCAN = lazy_re(
    r"(?:In|Of|To|On|At|By|For|From|With|As|Is|And|Or|But|That|Into|Than|If)"
    r"(?:the|this|that|these|those|their|its|our|my|your)\b")
#: The word that ends where a hit starts, and the one that starts where it ends.
_WORD_BEFORE = lazy(r"(?r)\p{L}[\p{L}\p{M}'’]*")
_WORD_AFTER = lazy(r"\p{L}[\p{L}\p{M}]*")
_CAMEL_LEFT = lazy(r"(?r)[A-Z]?[a-z]+")
_CAMEL_RIGHT = lazy(r"[A-Z][a-z]+")
#: What may not stand right before a joined token (it would be code, a path or an address).
_BAD_BEFORE = frozenset("_.@/\\#$&:;,'’-") | frozenset("0123456789")
_BAD_AFTER = frozenset("_@/\\([=-") | frozenset("0123456789")


class _Join(NamedTuple):
    """A hit: the word before, the joint, the word after, as offsets into the view."""

    start: int
    mid_start: int
    mid_end: int
    end: int


def _before_ok(view: str, start: int) -> bool:
    return start == 0 or (view[start - 1] not in _BAD_BEFORE and not view[start - 1].isalnum())


def _after_ok(view: str, end: int) -> bool:
    if end >= len(view):
        return True
    c = view[end]
    if c in _BAD_AFTER or c.isalnum():
        return False
    return not (c in ".'’" and end + 1 < len(view) and view[end + 1].isalnum())


def _token_around(view: str, start: int, end: int) -> str:
    """The whitespace-delimited token that holds ``view[start:end]`` (at most 80 chars)."""
    lo = max(0, start - 40)
    hi = min(len(view), end + 40)
    i = start
    while i > lo and not view[i - 1].isspace():
        i -= 1
    j = end
    while j < hi and not view[j].isspace():
        j += 1
    return view[i:j]


def _codeish(token: str, view: str = "", pos: int = 0) -> bool:
    """Whether ``token`` (or, given ``view``, the line at ``pos``) is code rather than prose."""
    return any(c in _CODEISH for c in token) or (bool(view) and is_code_line(view, pos))


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


_OPENERS = STARTERS | words.word_set_of("boundary_words.txt", "clause-openers")
_HOST_SUFFIXES = words.word_set_of("boundary_words.txt", "domain-suffixes")
_METADATA_KEYS = words.word_set_of("boundary_words.txt", "metadata-keys")
_FILE_EXTENSIONS = words.word_set_of("boundary_words.txt", "file-extensions")
_MEMBER_NAMES = words.word_set_of("boundary_words.txt", "member-names")
#: Quotes and brackets that may stand between the mark and the word after it, and whether
#: the space goes after them (closing) or before them (opening).
_CLOSE_AFTER = "”’)]'\""
_OPEN_AFTER = "“‘"
_CLOSE_BEFORE = "”’)]'\""


class _PunctJoin(NamedTuple):
    """A mark glued to the next word, as offsets into the view."""

    start: int  # where the word (or number) before the mark starts
    mark_start: int
    mark: str  # ".", "..", "?", ",", ...
    gap: int  # where the missing space goes
    right: int  # where the word after the mark starts
    end: int
    unsure: bool  # a quote after the mark that may open or close


def _number_before(view: str, end: int) -> int:
    """Start of the number (``24``, ``3-0``) that ends at ``end``, or ``end`` if none."""
    i = end
    lo = max(0, end - 20)
    while i > lo and view[i - 1].isdigit():
        i -= 1
        if i >= 2 and view[i - 1] in "-–:" and view[i - 2].isdigit():
            i -= 1  # a score or a range: 3-0, 1:3, 1990–1995
    return i


def _punct_join(view: str, p: int) -> _PunctJoin | None:
    """The words around the punctuation at ``p`` (``..`` counts as one mark), across one
    quote or bracket on either side of it (``war”.In``, ``concern.’Russia``)."""
    start = p
    if view[p] == "…":
        while start and view[start - 1] == "…":
            start -= 1  # punish him……He: a CJK ellipsis glued to the next sentence
    elif view[p] == "." and p and view[p - 1] == ".":
        start = p - 1
        if start and view[start - 1] == ".":
            return None  # an ellipsis without a space: a style, not a lost space
    b = start - 1 if start and view[start - 1] in _CLOSE_BEFORE else start
    if view[p] == "," and b < start and view[b] in "\"'" and view[p + 1] == view[b]:
        return None  # "Debug","Release": a list of quoted strings
    q, gap, sure = p + 1, p + 1, True
    if view[q] in _CLOSE_AFTER or view[q] in _OPEN_AFTER:
        closes, sure = (True, True) if view[q] in ")]" else (
            (False, True) if view[q] in _OPEN_AFTER else _quote_role(view, q))
        q += 1
        gap = q if closes else p + 1
    right = _WORD_AFTER.match(view, q, min(len(view), q + 61))
    if not right:
        return None
    left = _WORD_BEFORE.match(view, max(0, b - 60), b)
    ls = _number_before(view, left.start() if left else b)
    if ls == b:
        return None
    chained = ls >= 2 and view[ls - 1] in ",;" and view[ls - 2].isalpha()
    if not _before_ok(view, ls) and not chained:  # "said,the;rest": judge each link
        return None
    return _PunctJoin(ls, start, view[start:p + 1], gap, q, right.end(), not sure)


def _quote_role(view: str, i: int) -> tuple[bool, bool]:
    """Whether the quote at ``i`` (right after a mark) closes a quotation, and whether that
    is certain: a curly quote closes one opened earlier on its line; a straight quote
    closes after an odd number of them; a ``”`` with no ``“`` before it opens one
    (``said,”The``), as may a ``’`` (it is taken as closing, not for certain)."""
    ch = view[i]
    lo = max(0, i - 400)
    lo = max(lo, view.rfind("\n", lo, i) + 1)
    if ch == '"':
        return view.count('"', lo, i) % 2 == 1, False
    if ch == "'":
        return True, False
    opener = "“" if ch == "”" else "‘"
    opened = view.count(opener, lo, i) > view.count(ch, lo, i)
    if ch == "”":
        return opened, opened
    return True, opened


def _bare_token(view: str, j: _PunctJoin) -> str:
    """The token around the join without the join itself and the quotes or brackets that
    may wrap prose, for the code test (``(see 6).That`` is prose, ``f(x).Bar`` code)."""
    token = _token_around(view, j.start, j.end)
    at = token.find(view[j.start:j.end])
    rest = (token[:at].lstrip("(“‘\"'") + " " + token[at + j.end - j.start:]
            .rstrip(")”’\"',;:.!?")) if at >= 0 else token
    left = view[j.start:j.mark_start]
    return rest + (left if not _left_number(left) else "")


#: Marks that prose lines seldom carry but code lines do (as in ``_prose``), and a run of
#: at least ten words of letters.
_CODE_MARKS = lazy_re(r"[{}]|==|=>|->|::|\);|\+\+|&&|\|\||[=;]\s*$")
_WORD_RUN = lazy_re(r"(?:[A-Za-z][a-z']*[,.]? +){10}")


def _indented_prose(view: str, pos: int) -> bool:
    """An indented line (a code block to ``is_code_line``) that is a long run of words
    without code marks: a paragraph indented by a page's layout (``    CCTV News:Recently,
    a news that six teachers…``)."""
    lo = max(0, pos - 200)
    lo = max(lo, view.rfind("\n", lo, pos) + 1)
    hi = view.find("\n", pos, pos + 200)
    line = view[lo:hi if hi >= 0 else pos + 200]
    return (line[:1] in (" ", "\t") and _CODE_MARKS.search(line) is None
            and _WORD_RUN.search(line) is not None)


def _module_member(view: str, j: _PunctJoin) -> bool:
    """``net.Socket``, ``common.PORT``: after a lower-case word, a full stop and a word that
    opens no sentence, where the text also writes that word with a full stop and another
    letter (``net.Server``, ``common.PORT`` again): a module and its members, not prose.
    Looked for within 20,000 characters, and only for joins that passed every other test."""
    left, right = view[j.start:j.mark_start], view[j.right:j.end]
    if j.mark != "." or right in STARTERS:
        return False
    if right in _MEMBER_NAMES:
        return True  # Gtk.Window, net.Socket
    if not left.islower():
        return False
    lo, hi = max(0, j.start - _REPEAT_WINDOW), min(len(view), j.end + _REPEAT_WINDOW)
    probe = left + "."
    at = view.find(probe, lo, hi)
    reads = 0
    while at >= 0 and reads <= _REPEAT_READS:
        reads += 1
        nxt = at + len(probe)
        if at != j.start and nxt < len(view) and (at == 0 or not view[at - 1].isalnum()) \
                and (view[nxt].islower() or view.startswith(right, nxt)):
            return True  # net.createServer, net.Socket again; not fans.Before (a slip)
        at = view.find(probe, at + 1, hi)
    return False


def _left_number(left: str) -> bool:
    """``24th``, ``3-0``, ``6)``: a number, an ordinal or a score before the mark."""
    core = left.rstrip(_CLOSE_BEFORE)
    return bool(core) and core[0].isdigit()


def _plausible(view: str, j: _PunctJoin) -> bool:
    """Whether the join reads as two words of prose that lost a space, judged mostly from
    the word before the mark."""
    left = view[j.start:j.mark_start].rstrip(_CLOSE_BEFORE)
    right, p = view[j.right:j.end], j.mark
    if not right.isalpha():
        return False
    if right.isupper() and len(right) > 1:
        # stagnation.NATO Secretary; ASP.NET, CO.UK, process.ENV stay silent
        return p in ".!?" and _acronym_after_word(left, right) and _words_follow(view, j.end)
    if not (_capitalised(right) or right.islower()):
        return False  # inner capitals: .NET-style names, camelCase
    if len(right) == 1 and not (right in "IA" and _prose_follows(view, j.end)):
        return False
    if _left_number(left):
        return _capitalised(right) and right in STARTERS and p in ".!?,;"
    if len(left) < 2 and left != "I":
        return False  # e.g., J.K., U.S.
    if p == "..":  # "Wait..what", not "for..in" (a loop in prose), "a..z" nor a range
        return (len(left) >= 3 and words.is_known(left) and words.is_known(right)
                and not words.is_function_word(left)
                and (right[0].isupper() or words.is_function_word(right)))
    if p in ".!?" or p[0] == "…":
        if right.islower() and p[0] == "…":
            return False  # "and so… what": an ellipsis may run on in lower case
        if right.islower():  # resigned.”wait: after a closing quote, not in a file name
            return (j.gap > j.mark_start + len(p) and left.islower() and len(left) >= 3
                    and words.is_word(left) and words.is_word(right))
        return _before_stop(left, right)
    if p == ",":
        return _before_comma(view, j, left, right)
    if p == ";":
        if left.islower() and right.islower():
            return _lower_pair(left, right)
        return words.is_known(left) or words.is_known(right)
    return _before_colon(view, j.start, left, right)


def _words_follow(view: str, pos: int) -> bool:
    """Whether a space and a letter follow ``pos``: the sentence goes on."""
    return view[pos:pos + 1] == " " and view[pos + 1:pos + 2].isalpha()


def _prose_follows(view: str, pos: int) -> bool:
    """Whether a space and a lower-case letter follow ``pos`` (``rose.A new``)."""
    return view[pos:pos + 1] == " " and view[pos + 1:pos + 2].islower()


def _name(word: str) -> bool:
    """A capitalised word that is no dictionary word (``Taiwan``), or an acronym."""
    return word[0].isupper() and not words.is_word(word)


def _before_stop(left: str, right: str) -> bool:
    """``invasion.Over``, ``Taiwan.Facing``, ``DPP.That`` — not ``net.Socket`` nor
    ``Pravda.Ru``."""
    if left in _TITLES:
        return True  # St.Peter
    if right in _HOST_SUFFIXES and right not in STARTERS:
        return False  # Pravda.Ru, Sina.Com
    if len(right) == 2 and right not in _OPENERS and not words.is_word(right):
        return False
    if _capitalised(left) and words.is_word(left) and right in _OPENERS:
        return True  # a happy Reunion.Around 6 PM
    if right in STARTERS:
        # Wutan.The, Zhiyi?Before: a garbled name is no known token; Foo.In may be code
        return words.is_known(right) and (words.is_known(left) or left.islower()
                                          or left.isupper() or right not in _PARTICLES)
    if left.islower() and len(right) == 2:
        return len(left) >= 4 and words.is_word(left)  # servants.Li Tie
    if left.islower():
        # its focus.Spend: a word of prose, then any capitalised word that is no part of
        # an identifier (pathlib.Path: "pathlib" is no word)
        return (len(left) >= 3 and words.is_word(left)
                and (len(right) >= 3 or right in _OPENERS)
                and (words.is_known(right) or len(right) >= 6)
                and not words.is_identifier_tail(right))
    # about Taiwan.Facing: a name, then a dictionary word (System.Text is a namespace)
    return (_capitalised(left) and _name(left) and words.is_known(left)
            and len(right) >= 4 and words.is_word(right))


def _acronym_after_word(left: str, right: str) -> bool:
    """``stagnation.NATO``: a word of prose, then an acronym (not ``readme.TXT``)."""
    return (left.islower() and len(left) >= 4 and words.is_word(left) and len(right) >= 3
            and right.lower() not in _FILE_EXTENSIONS and words.is_known(right)
            and not words.is_word(right))  # process.ENV, common.PORT: a constant


#: Words that pair with a comma and no space in notation (``(and,or)``, ``if,else``).
_NOTATION_PAIRS = frozenset({"and", "or", "nor", "not", "if", "else", "then", "xor"})


def _lower_pair(left: str, right: str) -> bool:
    """said,the; it,but; header,otherwise — not lib,src or chmod,chown (tag lists,
    commands) nor (and,or)."""
    if left in _NOTATION_PAIRS and right in _NOTATION_PAIRS:
        return False
    return words.is_function_word(right) or (
        len(left) >= 5 and len(right) >= 5 and words.is_word(left) and words.is_word(right))


def _before_comma(view: str, j: _PunctJoin, left: str, right: str) -> bool:
    """``said,the``, ``Later,he``, ``conflict,So``, ``Fauci,White House`` — not
    ``Alloc,Match,Value`` nor ``Ss,Se,Ah`` (lists of names written without spaces)."""
    if left.islower() and right.islower():
        return _lower_pair(left, right)
    if left.islower():
        return words.is_word(left)  # game,Lukaku; conflict,So
    if len(left) <= 2 or (len(right) <= 2 and right[0].isupper()) or _comma_list(view, j):
        return False
    return words.is_known(left) or words.is_known(right)


def _comma_list(view: str, j: _PunctJoin) -> bool:
    """Whether the join is one link of a list written without spaces (``a,b,c``)."""
    before = view[j.start - 1:j.start] == ","
    after = view[j.end:j.end + 1] == "," and view[j.end + 1:j.end + 2].isalpha()
    return before or after


def _before_colon(view: str, start: int, left: str, right: str) -> bool:
    """``problem:Nobody``, ``Production:In`` — not ``category:Society`` nor a
    ``Title:The ...`` metadata line."""
    if len(left) < 3 or not words.is_known(left):
        return False
    if left.lower() in _METADATA_KEYS and _line_start(view, start):
        return False
    if right.islower():
        return words.is_word(left) and words.is_function_word(right)
    return right in _OPENERS


def _line_start(view: str, pos: int) -> bool:
    """Whether only spaces stand between the start of the line and ``pos``."""
    i = pos
    while i > 0 and view[i - 1] in " \t":
        i -= 1
    return i == 0 or view[i - 1] == "\n"


class MissingSpaceAfterPunctuation(Rule):
    """
    ## What it does
    Finds sentence punctuation (`.` `;` `:` `!` `?` `,` `..`) with a word glued right after
    it, decided mostly from the word before the mark: after a lower-case word of prose any
    capitalised word (`the invasion.Over time`, `for days?Many`, `conflict,So`); after a
    name or an acronym a word that opens sentences (`about Taiwan.Facing`, `the DPP.That`);
    after a number or a closing bracket too (`the 24th.The`, `won 3-0,The`, `(see 6).That`),
    also with a quote on either side of the mark (`the war”.In May`, `concern.’Russia`).
    File names (`config.yaml`), domains and hosts (`example.com`, `Pravda.Ru`), `Node.js`,
    `ASP.NET`, abbreviations and initials (`e.g.`, `U.S.`, `J.K.`), numbers (`3.14`,
    `1,000`, `10:30`, `John 3:16`), `key:Value` metadata (`category:Society`), versions,
    URLs, e-mail addresses and code are left alone.

    ## Why it matters
    The space was lost when the text was translated or scraped. Readers stumble, and search,
    spell checkers and sentence splitters see one long nonsense word.

    ## Example
    `Prices rose.The ministry blamed Spain;Italy's budget was not discussed.`

    ## Use instead
    `Prices rose. The ministry blamed Spain; Italy's budget was not discussed.`

    ## Fix safety
    Safe: the fix only inserts the missing space (after a closing quote or bracket that
    follows the mark, before an opening one). Where a quote after the mark may open or
    close (a straight quote, `said,”The` with no opening quote before it), the fix is
    unsafe. A double full stop (`rose..The`) could be an ellipsis or a
    typo, so its fixes are suggestions.
    """

    code = "RT201"
    name = "missing-space-after-punctuation"
    category = "run-on"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        for m in _PUNCT_SCAN.finditer(view):
            join = _punct_join(view, m.start())
            if join is not None:
                finding = self._judge(view, join)
                if finding is not None:
                    yield finding

    def _judge(self, view: str, j: _PunctJoin) -> Finding | None:
        nxt = view[j.end] if j.end < len(view) else " "
        if nxt in "([{<" or (nxt in ".:@/\\_-" and j.end + 1 < len(view)
                              and view[j.end + 1].isalnum()):
            return None  # Node.js.org, a.b.c, x:y:z, paths, calls
        if nxt.isdigit() or not _plausible(view, j):
            return None  # the word tests first: they are cheaper than reading the line
        if any(c in _CODEISH for c in _bare_token(view, j)) or _module_member(view, j):
            return None
        if is_code_line(view, j.start) and not _indented_prose(view, j.start):
            return None
        p, right = j.mark, view[j.right:j.end]
        if p == "..":
            fixes = [Fix.replace("Make it a full stop", j.mark_start, j.gap, ". ",
                                 Applicability.SUGGESTION),
                     Fix.replace("Make it an ellipsis", j.mark_start, j.gap, "... ",
                                 Applicability.SUGGESTION)]
            if right[0].islower():
                fixes.reverse()  # "Wait..what": an ellipsis; "rose..The": a full stop
            return self.finding(j.mark_start, j.gap, f"no space after {p!r} before {right!r}",
                                fixes)
        safe = Applicability.UNSAFE if j.unsure else Applicability.SAFE
        fix = Fix.replace(f"Insert a space after {view[j.mark_start:j.gap]!r}", j.gap, j.gap,
                          " ", safe)
        return self.finding(j.mark_start, j.gap, f"no space after {p!r} before {right!r}",
                            [fix])


class CaseJoin(Rule):
    """
    ## What it does
    Finds a word glued to the capitalised first word of the next sentence or clause
    (`askedWhy`, `saidThe`, `BerlinOn`), a word glued to a name (`daysBritish`,
    `andHong Kong`, `CompanyVietnam`) and a word repeated without a space (`TokyoTokyo`,
    `MsMs`). Identifiers and brand names (`getElementById`, `HttpClient`, `KeyError`,
    `iPhone`, `eBay`, `McDonald`, `MacBook`, `JavaScript`, `YouTube`, `PowerPoint`,
    `LinkedIn`, `PyPy`, `toJson`) are left alone: the second part must be a word that opens
    sentences (`It`, `You`, `Even`, `Whether`…; before an apostrophe, as in `cleverIt's` or
    `orbitLet's`, also `It` and `Let`: no identifier holds an apostrophe) or a name of five
    letters or more that is no dictionary word, and the whole must not be a known token.
    A join the text also uses as a name (in a list, a table or code: `affectWhich, clear`)
    is left alone; the same slip repeated in running prose is reported each time.

    ## Why it matters
    A sentence boundary was lost (often a full stop and a space) when the text was
    translated, scraped or re-flowed. The join hides where one sentence ends.

    ## Example
    `Reporters askedWhy the plan failed. Talks were held in BerlinOn Monday.`

    ## Use instead
    `Reporters asked why the plan failed. Talks were held in Berlin on Monday.`; a clause
    that really ended takes a full stop (`in Shanghai. In December, he…`).

    ## Fix safety
    Unsafe, and the first fix is the likelier repair: a space and lower case where the clause
    goes on (`asked why`, `Berlin on Monday to discuss`, `said the economy`), a new sentence
    where it ended (a subject pronoun or sentence adverb follows, an opening phrase ends in a
    comma and a new subject, or a determiner follows a noun: `Beijing. The city`); the other
    repair is a suggestion. Two capitalised content words (`RussiaToday`) and a name prefix
    (`TransBaikal`) are not reported: a channel and a region are names. Before a name the
    first fix
    inserts a space (unsafe). For a repeated word the fixes are a new sentence (unsafe) or
    dropping the repeat (suggestion); for a repeated function word or title (`TheThe`,
    `MsMs`) dropping the repeat comes first. A repeated capitalised word with no
    predicate after it (`RaskolnikovRaskolnikov and`, a wiki link's label; `messenger
    TamTam,`) gets only suggestions, the drop first. Wiki image markup that lost its bars
    (`thumbleftIn 1922`) is not reported.
    """

    code = "RT202"
    name = "case-join"
    category = "run-on"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        seen: dict[str, tuple[int, bool]] = {}  # token -> where judged, whether a name
        for m in _CAMEL_SCAN.finditer(view):
            split = m.start()
            left = _CAMEL_LEFT.match(view, max(0, split - 60), split)
            right = _CAMEL_RIGHT.match(view, split, min(len(view), split + 60))
            if not (left and right):
                continue
            hyphen = _after_hyphen(view, left.start())
            if not (_before_ok(view, left.start()) or (
                    hyphen and right.group() in STARTERS and right.group() not in _PARTICLES)):
                continue  # phlegm-dampnessThis: a compound, then a sentence opener
            contracted = not _after_ok(view, right.end())
            if not contracted or _contracted(view, right):  # cleverIt's: a starter after all
                finding = self._judge(view, left.start(), split, right.end(), contracted,
                                      seen)
                if finding is not None:
                    yield finding

    def _judge(self, view: str, start: int, split: int, end: int, contracted: bool,
               seen: dict[str, tuple[int, bool]]) -> Finding | None:
        left, right = view[start:split], view[split:end]
        token = left + right
        if _codeish(_token_around(view, start, end), view, start) or _own_line(view, start, end):
            return None  # a list of names, one a line (InstallColormap)
        if words.is_identifier_tail(right) or (
                left[0].islower() and words.is_identifier_head(left)):
            return None  # emitBefore, searchParams, PackageConfig: identifiers
        if left.lower() == right.lower():
            if _uses(view, token, start) >= _TERM_USES:
                return None  # ChaCha, named again and again: a name, not a slip
            if len(left) >= 3 or left in _TITLES or words.is_word(left):
                return self._repeat(view, start, split, end, left)
            return None  # PyPy
        if len(left) < 3 or words.is_known(token):
            return None  # iPhone, eBay; YouTube, JavaScript, LinkedIn
        if _WIKI_IMAGE.fullmatch(left):
            return None  # thumbleftIn 1922: `[[File:x|thumb|left|...]]` lost its markup
        if right in STARTERS and not contracted and _brand_pair(left, right):
            return None  # RussiaToday: a name of two capitalised words, not "Russia. Today"
        if right in STARTERS or contracted:
            if right in _PARTICLES and not contracted and not _opens_phrase(view, end):
                return None  # AddOn, DoIt: only "BerlinOn Monday", "yearIn 2020"
            if left[0].islower() and (not words.is_word(left) or (
                    words.is_function_word(left) and left not in _JOINERS)):
                return None  # notBefore, hasValue: an identifier, not a lost boundary
            if _repeated(view, token, start, seen):
                return None
            return self._boundary(view, start, split, end, left, right)
        if left in _NAME_PREFIXES:
            return None  # TransBaikal, SinoSoviet: a prefix of a name, often written as one
        if self._name_join(left, right) and not _repeated(view, token, start, seen):
            return self._space(start, split, end, left, right)
        return None

    @staticmethod
    def _name_join(left: str, right: str) -> bool:
        """``daysBritish``, ``andHong``, ``CompanyVietnam``: a word, then a name.

        The name must be a listed token that is no dictionary word; camelCase identifiers
        end in short technical tokens (``toJson``, ``getUrl``), so it needs five letters
        unless the word before is ``and``/``or``/``but``/``the``.
        """
        if left in _JOINERS:
            return len(right) >= 3
        if not words.is_known(right) or words.is_word(right):
            return False
        if len(right) < 5 or len(left) < 4 or not words.is_word(left):
            return False
        if words.is_function_word(left):
            return False
        return left.islower() or len(left) >= 5

    def _boundary(self, view: str, start: int, split: int, end: int, left: str, right: str
                  ) -> Finding:
        sentence = Fix.replace(f"Start a new sentence at {right!r}", split, split, ". ",
                               Applicability.UNSAFE)
        space = Fix.replace(f"Separate the words: {left} {right.lower()}", split, split + 1,
                            " " + right[0].lower(), Applicability.UNSAFE)
        if _clause_ends(view, end, left, right):
            fixes = [sentence, _as_suggestion(space)]
        else:
            fixes = [space, _as_suggestion(sentence)]
        return self.finding(start, end,
                            f"{left + right!r} joins two words: a sentence boundary or a space "
                            f"was lost before {right!r}", fixes)

    def _space(self, start: int, split: int, end: int, left: str, right: str) -> Finding:
        space = Fix.replace(f"Insert a space: {left} {right}", split, split, " ",
                            Applicability.UNSAFE)
        sentence = Fix.replace(f"Start a new sentence at {right!r}", split, split, ". ",
                               Applicability.SUGGESTION)
        fixes = [space, sentence]
        return self.finding(start, end,
                            f"{left + right!r} joins a word and the name {right!r}: a space or "
                            "a sentence boundary was lost", fixes)

    def _repeat(self, view: str, start: int, split: int, end: int, left: str) -> Finding:
        sentence = Fix.replace(f"Start a new sentence at the second {left!r}", split, split,
                               ". ", Applicability.UNSAFE)
        drop = Fix.replace(f"Drop the repeated {left!r}", split, end, "",
                           Applicability.SUGGESTION)
        if left[0].isupper() and not _clause_follows(view, end):
            # RaskolnikovRaskolnikov and the…: a wiki link's label ([[X|X]]) or a doubled
            # name, not two sentences; only a reader can tell which copy to keep
            return self.finding(start, end,
                                f"{left + left!r} repeats {left!r} without a space: a "
                                "doubled word or a lost sentence boundary",
                                [drop, _as_suggestion(sentence)])
        if words.is_function_word(left) or left in _TITLES:
            # "TheThe inspection", "MsMs Cheng": one word twice, not two sentences
            sentence, drop = (Fix(sentence.title, sentence.edits, Applicability.SUGGESTION),
                              Fix(drop.title, drop.edits, Applicability.UNSAFE))
            fixes = [drop, sentence]
        else:
            fixes = [sentence, drop]
        return self.finding(start, end,
                            f"{left + left!r} repeats {left!r} without a space: a lost "
                            "sentence boundary or a doubled word", fixes)


_NAME_PREFIXES = words.word_set("name-prefixes")
_CLAUSE_OPENERS = words.word_set("clause-openers")
_IN_CLAUSE = words.word_set("in-clause-starters")
_NEVER_NAME_HALF = words.word_set("never-name-halves")
_TAKES_OBJECT = words.word_set("takes-object")
_PHRASE_THEN_COMMA = re.compile(r"[ \t]+(?:[\w'’-]+[ \t]+){0,4}?[\w'’-]+,[ \t]+[a-z]")


_WIKI_IMAGE = re.compile(r"(?i)thumb(?:nail)?(?:left|right|center|upright|\d+px)+")
#: Verbs that open the predicate of a new sentence after a repeated name (`TokyoTokyo has`).
_PREDICATE = re.compile(r"[ \t]+(?:has|have|had|is|are|was|were|will|would|can|could|"
                        r"said|says|announced|plans|wants|did|does)\b")


def _clause_follows(view: str, end: int) -> bool:
    return _PREDICATE.match(view, end) is not None


def _as_suggestion(fix: Fix) -> Fix:
    return Fix(fix.title, fix.edits, Applicability.SUGGESTION)


def _brand_pair(left: str, right: str) -> bool:
    """``RussiaToday``: two capitalised content words, no function word, read as one name
    (``HopeYesterday``, ``ChinaUnfortunately``: a sentence adverb names nothing)."""
    return (left[0].isupper() and right not in _IN_CLAUSE and right not in _CLAUSE_OPENERS
            and right not in _NEVER_NAME_HALF and not right.endswith("ly")
            and not words.is_function_word(right) and len(left) >= 3)


def _clause_ends(view: str, end: int, left: str, right: str) -> bool:
    """Whether the text before the join ends a clause, so the join hides a sentence break.

    ``ShanghaiIn December, he``: an opening phrase, a comma and a new subject; ``yesterdayHe
    said``: a subject pronoun or a sentence adverb; ``BeijingThe city``: a determiner after a
    noun. ``askedWhy prices rose`` and ``BerlinOn Monday to discuss`` go on in one clause.
    """
    if view[end:end + 1] in ("'", "’"):
        return True  # cleverIt's, orbitLet's
    if right in _CLAUSE_OPENERS:
        return True
    if right in _IN_CLAUSE:
        return bool(_PHRASE_THEN_COMMA.match(view, end, min(len(view), end + 80)))
    return left not in _TAKES_OBJECT and not left.endswith("ed")


#: How far around a candidate :func:`_repeated` looks for the same token.
_REPEAT_WINDOW = 20_000
#: How many other occurrences :func:`_repeated` reads before it judges by them.
_REPEAT_READS = 8


_SAFE_GLUE = words.word_set("safe-glue")


def _repeated(view: str, token: str, start: int, seen: dict[str, tuple[int, bool]]) -> bool:
    """Whether ``token`` also stands nearby (within 20,000 characters) as a whole word, and
    one of its occurrences reads as a name or an identifier.

    A lost boundary is a slip; a joined form the text also uses as a name (in a list, a
    table, a line of code: ``affectWhich, clear``) is one it means. The same slip made
    twice in running prose (``askedWhy the plan … they askedWhy again``) is reported each
    time. Only asked of candidates that passed every other test; the answer is kept in
    ``seen`` per token for the next 10,000 characters and at most a few occurrences are
    read, so the scan stays linear.
    """
    if token in seen and abs(start - seen[token][0]) < _REPEAT_WINDOW // 2:
        return seen[token][1]
    lo, hi = max(0, start - _REPEAT_WINDOW), min(len(view), start + _REPEAT_WINDOW)
    n = len(token)
    uses, named = 0, False
    at = view.find(token, lo, hi)
    while at >= 0 and uses <= _REPEAT_READS and not named:
        if (at == 0 or not view[at - 1].isalnum()) and (
                at + n >= len(view) or not view[at + n].isalnum()):
            uses += 1
            named = not _in_prose(view, at, n)
        at = view.find(token, at + 1, hi)
    if named:  # read on until a second use is found (or none is)
        while at >= 0 and uses < 2:
            if (at == 0 or not view[at - 1].isalnum()) and (
                    at + n >= len(view) or not view[at + n].isalnum()):
                uses += 1
            at = view.find(token, at + 1, hi)
    result = uses >= 2 and named
    seen[token] = (start, result)
    return result


def _in_prose(view: str, at: int, n: int) -> bool:
    """Whether the token ``view[at:at+n]`` runs on in a sentence: after a space, a quote or
    a line start and before a space and a word or a sentence's end, on a line that is no
    code and no table row."""
    before = view[at - 1] if at else "\n"
    after = view[at + n:at + n + 2]
    if before not in " \n\"“(" or not (
            (after[:1] == " " and after[1:2].isalpha())
            or (after[:1] in (".", "!", "?") and after[1:2] in ("", " ", "\n"))):
        return False
    lo = max(0, at - 200)
    line_start = max(lo, view.rfind("\n", lo, at) + 1)
    line_end = view.find("\n", at, at + 200)
    line = view[line_start:line_end if line_end >= 0 else at + 200]
    return "   " not in line and not is_code_line(view, at)


def _doubled_fixes(start: int, end: int, token: str) -> list[Fix]:
    half = len(token) // 2
    return [Fix.replace(f"Drop the repeated {token[:half]!r}", start + half, end, "",
                        Applicability.UNSAFE),
            Fix.replace(f"Insert a space: {token[:half]} {token[half:]}", start + half,
                        start + half, " ", Applicability.SUGGESTION)]


def _own_line(view: str, start: int, end: int) -> bool:
    """Whether the token ``view[start:end]`` stands alone on its line (read 80 characters
    either side at most)."""
    lo = max(0, start - 80)
    before = view.rfind("\n", lo, start)
    if (before < 0 and lo > 0) or view[before + 1:start].strip():
        return False
    after = view.find("\n", end, end + 80)
    if after < 0 and end + 80 < len(view):
        return False
    return not view[end:after if after >= 0 else len(view)].strip()


def _uses(view: str, token: str, start: int) -> int:
    """How often ``token`` stands as a whole word within 20,000 characters of ``start``."""
    lo, hi = max(0, start - _REPEAT_WINDOW), min(len(view), start + _REPEAT_WINDOW)
    n, count = len(token), 0
    at = view.find(token, lo, hi)
    while at >= 0 and count < _TERM_USES:
        if (at == 0 or not view[at - 1].isalnum()) and (
                at + n >= len(view) or not view[at + n].isalnum()):
            count += 1
        at = view.find(token, at + 1, hi)
    return count


def _after_hyphen(view: str, start: int) -> bool:
    """Whether a hyphen joins the word at ``start`` to a word before it (``phlegm-damp``)."""
    return start >= 2 and view[start - 1] == "-" and view[start - 2].isalpha()


def _contracted(view: str, right: Match) -> bool:
    """Whether the starter ``right`` ends in a contraction (``It's``, ``Let's``), not a
    possessive (``AddOn's``)."""
    word = right.group()
    return word in _CONTRACTED and (word == "It" or word not in _PARTICLES) and \
        _CONTRACTION.match(view, right.end()) is not None


def _opens_phrase(view: str, pos: int) -> bool:
    """Whether a capitalised word or a number follows ``pos`` (``On Monday``, ``In 2020``)."""
    nxt = view[pos + 1:pos + 3] if pos < len(view) and view[pos] == " " else ""
    return bool(nxt) and (nxt[0].isdigit() or (nxt[0].isupper() and nxt[1:2].islower()))


class GluedFunctionWord(Rule):
    """
    ## What it does
    Finds a short function word glued to its neighbour: `decidedto`, `marketsif`,
    `troopshas`, `inthe`, `ofthe`. A token is reported only when it is not a word of the
    English word list (`repairtool/data/en_words.txt.gz`) and it splits into a dictionary
    word and a function word (`to`, `of`, `if`, `has`…), or into a preposition and a
    determiner (`in` + `the`). Identifiers (`isvalid`, `tolist`, `onclick`) and terms the
    text uses three times or more (`bogon`, `whatis`; not `inthe`) are left alone.

    ## Why it matters
    The space was lost in translation or scraping; the result is a non-word that readers
    must decode and that spell checkers and search miss.

    ## Example
    `The council decidedto raise taxes inthe spring.`

    ## Use instead
    `The council decided to raise taxes in the spring.`

    ## Fix safety
    Safe when the token splits only one way and the glued word is `the`, `to`, `of`,
    `that`, `this`, `these`, `those`, `their`, `with`, `from` or `which`: the fix inserts
    one space. Other endings (`in`, `is`, `as`, `on`, `or`, `and`) also end foreign and
    misspelt words (`raion`, `tempestas`, `intendand`), so those splits are unsafe. When it
    splits several ways each split is a suggestion, the most likely first. A doubled word
    (`andand`) is most likely one word twice: dropping the repeat is unsafe, the space a
    suggestion.
    """

    code = "RT203"
    name = "glued-function-word"
    category = "run-on"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        hits = [(m.start(), m.end()) for m in _CAP_GLUE_SCAN.finditer(view)]
        suspects = _suspects(doc)
        if len(suspects) <= _FIND_LIMIT:
            for token in suspects:
                hits.extend(_occurrences(view, token))
        else:  # many suspects (a long MT dump): one pass beats a search per token
            hits.extend(_occurrences_of_any(doc, suspects))
        uses = Counter(view[s:e].lower() for s, e in hits)
        for start, end in sorted(hits):
            if start and view[start - 1].isupper() and view[start - 1].isalpha():
                start -= 1  # Ofthe: the capital was not part of the lower-case run
            if _before_ok(view, start) and _after_ok(view, end):
                token = view[start:end]
                if _term(token, uses):
                    continue
                if not words.is_known(token) and _splits(token):
                    finding = self._judge(view, start, end)
                    if finding is not None:
                        yield finding

    def _doubled(self, start: int, end: int, token: str) -> Finding:
        half = token[:len(token) // 2]
        return self.finding(start, end, f"{token!r} is {half!r} twice without a space",
                            _doubled_fixes(start, end, token))

    def _judge(self, view: str, start: int, end: int) -> Finding | None:
        token = view[start:end]
        if words.is_keyword(token) or _codeish(_token_around(view, start, end), view, start):
            return None
        splits = _splits(token)
        splits.sort(key=lambda s: _split_rank(*s))
        if len(splits) == 1 and splits[0][0] == splits[0][1]:
            return self._doubled(start, end, token)
        applicability = Applicability.SUGGESTION
        if len(splits) == 1:
            left, right = splits[0]
            glue = right if words.is_function_word(right) else left
            applicability = Applicability.SAFE if glue in _SAFE_GLUE else Applicability.UNSAFE
        fixes = []
        for left, _right in splits:
            at = start + len(left)
            fixes.append(Fix.replace(f"Insert a space: {token[:len(left)]} {token[len(left):]}",
                                     at, at, " ", applicability))
        first = splits[0]
        return self.finding(start, end,
                            f"{token!r} is not a word: {first[0]!r} and {first[1]!r} "
                            "run together", fixes)


#: A glued-looking token the text uses this often is a term it means (``bogon``,
#: ``whatis``, ``lengthof``), not a slip: a slip made twice is still reported twice.
_TERM_USES = 3


def _term(token: str, uses: Counter[str]) -> bool:
    """Whether ``token`` is used so often that it is a term, unless it ends in a
    determiner (``inthe`` repeated is a systematic lost space, not a word)."""
    low = token.lower()
    return uses[low] >= _TERM_USES and not low.endswith(tuple(words.DETERMINERS))


#: Up to this many suspect tokens, each is located with ``str.find`` (memchr-fast).
_FIND_LIMIT = 8
#: Endings a glued token must have (as bytes, for ``bytes.endswith``).
_TRAILING = tuple(w.encode() for w in words.TRAILING_GLUE)
_DETERMINERS = tuple(w.encode() for w in words.DETERMINERS)
_FUNCTION_BYTES = frozenset(w.encode() for w in words.FUNCTION_WORDS)
#: Longer runs are not two words glued (and would make the split search slow).
_MAX_GLUE = 30


def _suspects(doc: Document) -> set[str]:
    """Lower-case runs (5-30 letters) that are not listed words but split into a glue.

    The words come lower-cased from the split the repetition rules make anyway (a
    capitalised token is then looked for as written, and not found); the set difference
    with the word list runs in C.
    """
    from repairtool.rules.repetition import words_of  # the words RT401/RT402 split anyway

    runs = set(words_of(doc).words)
    tokens = {r.decode("ascii") for r in runs if 5 <= len(r) <= _MAX_GLUE
              and (r.endswith(_TRAILING) or r.endswith(_DETERMINERS))
              and r.isalpha() and r not in _FUNCTION_BYTES}
    if not tokens:
        return set()  # nothing can split: the word list is not even loaded
    if len(tokens) > 16:
        tokens = tokens - words.known_tokens()  # one set difference in C
    else:
        tokens = {t for t in tokens if not words.is_known(t)}  # no table needed
    return {t for t in tokens if _splits(t)}


def _occurrences(view: str, token: str) -> Iterable[tuple[int, int]]:
    """Where ``token`` stands as a whole lower-case run in ``view``."""
    n = len(token)
    i = view.find(token)
    while i >= 0:
        before = view[i - 1] if i else " "
        after = view[i + n] if i + n < len(view) else " "
        if not ("a" <= before <= "z") and not ("a" <= after <= "z"):
            yield i, i + n
        i = view.find(token, i + n)


def _occurrences_of_any(doc: Document, tokens: set[str]) -> Iterable[tuple[int, int]]:
    """Where any of ``tokens`` stands as a whole lower-case run in the view: one
    Aho-Corasick pass over the folded view (one byte a code point), three times faster than
    matching every lower-case run of the text."""
    import ahocorasick_rs as ac

    machine = ac.BytesAhoCorasick([t.encode("ascii") for t in tokens],
                                  implementation=ac.Implementation.DFA)  # 6x faster here
    view, n = doc.view, len(doc.view)
    for _i, start, end in machine.find_matches_as_indexes(doc.folded, overlapping=True):
        if view[start:end] in tokens and not (start and "a" <= view[start - 1] <= "z") \
                and not (end < n and "a" <= view[end] <= "z"):
            yield start, end


def _splits(token: str) -> list[tuple[str, str]]:
    """Glue splits of ``token``; a capitalised token (a name: ``Redis``) only as ``Inthe``."""
    splits = words.glue_splits(token.lower(), _common_word)
    if token[0].isupper():
        splits = [s for s in splits if s[1] in words.DETERMINERS and s[0] in words.LEADING_GLUE]
    return splits


def _common_word(word: str) -> bool:
    """A dictionary word frequent enough to trust as half of a split (not ``holm``)."""
    r = words.rank(word)
    return r is not None and r < _MAX_CONTENT_RANK and words.is_word(word)


def _split_rank(left: str, right: str) -> int:
    """Lower is likelier: the rarer part of the split decides."""
    return max(words.rank(left) or 10**6, words.rank(right) or 10**6)
