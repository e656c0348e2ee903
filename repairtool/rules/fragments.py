"""RT5: glued fragments — a headline or link title pasted onto the end of a paragraph."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import regex

from repairtool.document import MASK, Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy, lazy_re
from repairtool.rules.base import Rule
from repairtool.words import is_word, word_set

#: The end of a finished sentence: terminal punctuation, closing quotes or brackets.
_SENTENCE_END = lazy(r"[.!?][\"'”’)\]]*+$")
#: The last sentence boundary of a stretch, followed by the fragment after it.
_TAIL = lazy(r"[.!?][\"'”’)\]]*+[ \t]++(?=\p{Lu})")
_WORD = lazy(r"[\p{L}\p{N}][\p{L}\p{N}'’&.-]*+")
#: Lines that start a Markdown block other than a paragraph (headings, lists, quotes, tables).
_BLOCK_MARK = lazy(r"[ \t]*+(?:#|[-*+>|]|\d+[.)]|=+\s*$|-+\s*$)")
#: A quotation's attribution line (`\t\t-- The First Law Of Thermodynamics`, `— Author`).
_ATTRIBUTION = lazy(r"[ \t]*+(?:--|[—―–~])[ \t]*+\p{L}")
#: A paragraph that is a list item or an indented entry (changelogs, NEWS files): its last
#: line is the entry's credit (`Patch by Someone`), not a glued headline.
_ITEM = lazy(r"(?: {4}|\t)[ \t]*+\S|[ \t]*+(?:[-*+•]|\d+[.)]|[a-z][.)])[ \t]")
_LEAD_IN = word_set("lead-in-ends", "debris_words.txt")
_MINOR = word_set("headline-minor")
_STARTERS = word_set("sentence-starters")
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
    must check that it is not a heading or a sentence that lost its full stop. A fragment in
    sentence case that holds an article or an auxiliary (`Somewhere a bunch of Africans
    laugh`; headlines drop both) is offered a full stop first, the deletion second. Only
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
        if _ATTRIBUTION.match(view, line_start) or \
                _ITEM.match(view, view.rfind("\n", 0, start) + 1):
            return None  # `-- Author Name` under a quotation; a list item or indented entry
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
        fixes = [Fix.replace(f"Delete the fragment {text!r}", cut, end, "",
                             Applicability.SUGGESTION)]
        if _reads_as_sentence(text):
            # "Somewhere a bunch of Africans laugh": a last sentence that lost its full stop
            # more likely than a headline; deleting it would drop a sentence of the text
            fixes.insert(0, Fix.replace("End the sentence with a full stop", end, end, ".",
                                        Applicability.SUGGESTION))
        return self.finding(frag, end, f"headline-like fragment glued to the paragraph: "
                            f"{text!r}", fixes)


#: Words headlines leave out ("Exports Hit Record High"): articles and auxiliaries.
_SENTENCE_WORDS = frozenset({"a", "an", "the", "is", "are", "was", "were", "has", "have",
                             "had", "will", "would", "can", "could", "do", "does", "did"})


def _reads_as_sentence(text: str) -> bool:
    """A fragment in sentence case with an article or an auxiliary: headlinese drops both."""
    words = _WORD.findall(text)
    if sum(1 for w in words[1:] if w[0].isupper()) * 2 >= len(words) - 1:
        return False  # Title Case: a headline
    return any(w.lower() in _SENTENCE_WORDS for w in words[1:])


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
    if MASK in text or regex.search(r"[,;:()\[\]\"“”…|#*_=<>]|\s[-–—]\s", text):
        return False
    words = _WORD.findall(text)
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not words[0][0].isupper():
        return False
    if words[-1].lower() in _LEAD_IN:
        return False  # `A good guess is` introduces an example
    major = [w for w in words if w.lower() not in _MINOR]
    if not major or words[-1].isdigit() or words[-1].lower() in _MINOR:
        return False  # headlines do not end in `with`, `the`, `of`
    capitalised = sum(1 for w in major if w[0].isupper() or w[0].isdigit())
    has_minor = len(major) < len(words) or any(w[0].islower() for w in words)
    if capitalised == len(words):  # every word capitalised: a name or organisation
        return False
    if capitalised / len(major) >= 0.75 and has_minor:
        return True
    # In sentence case, a tail that opens like a sentence (`There were no new cases in`) or
    # ends in a cut word (`made it cle`) is a sentence cut short, not a headline.
    if words[0] in _STARTERS or (words[-1].islower() and not is_word(words[-1])):
        return False
    return same_line and len(words) <= 12


# --- RT502 glued credits, bylines, site chrome and link cards -----------------------------

#: The last sentence end of a line and what follows it (possibly with no space: `skills.Sing`).
_LAST_END = lazy(r"[.!?。！？][\"'”’)\]]*+[ \t]*+(?=[^\s.!?])")
#: A link card: `Li Tie (1977-), footballer`.
_LINK_CARD = lazy(r"\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} ?[(（]\d{3,4} ?[-–—~] ?"
                  r"(?:\d{3,4})?[)）][,，] ?\p{Ll}[\p{L} -]{2,40}")
MAX_CREDIT_WORDS = 12
MAX_TAIL = 160
#: A glued credit needs this much prose before it on its line.
MIN_BEFORE = 25


@dataclass(frozen=True)
class _Chrome:
    """The patterns of ``data/site_chrome.toml``, compiled once."""

    #: Each chrome pattern with the literal hints one of which the text must hold.
    anywhere: tuple[tuple[Any, tuple[str, ...], bool], ...]
    #: First words of the credit labels and phrases (lower case).
    hints: frozenset[str]
    credit: Any
    site: Any
    breadcrumb: Any
    #: A line break before a line whose first word may be one of ``hints`` (a superset:
    #: `_may_hold_credit` decides).
    hint_line: Any
    #: The Latin-1 hints of ``anywhere`` and an Aho-Corasick automaton of them (None when
    #: there are none).
    latin_hints: tuple[str, ...]
    automaton: Any


@cache
def _chrome() -> _Chrome:
    path = Path(__file__).resolve().parent.parent / "data" / "site_chrome.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def words(items: list[str]) -> str:
        return "|".join(regex.escape(w).replace(r"\ ", r"\s+")
                        for w in sorted(items, key=len, reverse=True))

    credit = data["credit"]
    sites = data["sites"]
    labels = words(credit["labels"])
    phrases = words(credit["phrases"])
    # Stdlib `re`: several times faster than `regex` on these case-insensitive literals.
    anywhere = tuple((re.compile(item["pattern"], re.IGNORECASE | re.MULTILINE),
                      tuple(item["hints"]), bool(item.get("after_sentence")))
                     for item in data["anywhere"])
    crumb_words = words(data["breadcrumb"]["words"])
    firsts = frozenset(w.split()[0].lower() for w in credit["labels"] + credit["phrases"])
    hint_words = "|".join(re.escape(w) for w in sorted(firsts))
    latin = tuple(sorted({h for _, hints, _ in anywhere for h in hints if _latin(h)}))
    return _Chrome(
        anywhere=anywhere,
        hints=firsts,
        latin_hints=latin,
        automaton=_automaton(latin),
        hint_line=re.compile(rf"\n[^\S\n]*(?:{hint_words})", re.IGNORECASE),
        credit=regex.compile(
            rf"[(（\[]?(?:(?:{labels})\s*[:：/]|(?:{phrases})\b)", regex.IGNORECASE),
        site=regex.compile(rf"(?:[-–—]\s*)?(?:{words(sites['names'])})"
                           rf"(?:\s+(?:{words(sites['tails'])}))*\s*$"),
        breadcrumb=regex.compile(
            rf"(?i)(?=[^\n]{{0,40}}?\b(?:{crumb_words})\b)(?:(?-i:[\p{{Lu}}\d])"
            r"[^\n\-–—>»]{1,40}? [-–—>»] ){2,}(?=\S)"),
    )


class GluedCredit(Rule):
    """
    ## What it does
    Finds credits, bylines, site chrome and link cards glued onto the text of a scraped
    page: `…his skills.Sing Tao World Wide Web`, `(editor: Someone _NBJ10647)`,
    `Photo by China News Agency reporter Someone` after a sentence, `Source: …` before the
    first sentence, a breadcrumb (`Site Website - News - `), share buttons, a language menu,
    the end mark `(Finish)`, or an encyclopedia link card (`Li Tie (1977-), footballer`)
    after a sentence.

    ## Why it matters
    Content farms copy a page with its chrome and machine-translate the lot. The credits
    and buttons end up inside paragraphs, where they read as broken sentences and
    attribute the text to the wrong source.

    ## Example
    `The coach praised his skills.Sing Tao World Wide Web`

    ## Use instead
    `The coach praised his skills.`

    ## Fix safety
    Suggestion only: delete the fragment, or move it to a line of its own (a person
    decides whether the credit must stay). The chrome words and outlet names are data
    (`repairtool/data/site_chrome.toml`). A credit or caption on a line of its own, a real
    closing sentence, a short real last line and a citation inside a sentence are left
    alone: credits count only after a finished sentence on the same line, or at the start
    of a line that goes on with prose. Markdown code and links are never read.
    """

    code = "RT502"
    name = "glued-credit"
    category = "fragment"
    severity = Severity.WARNING
    fixable = False
    #: A credit is often headline-shaped too (`Photo by Xinhua reporter Li Ming`).
    supersedes = frozenset({"RT501"})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        chrome = _chrome()
        seen: list[tuple[int, int]] = []
        present = _hints_present(doc, chrome)
        for pattern, hints, after_sentence in chrome.anywhere:
            if not any(present(h) for h in hints):
                continue  # one C-speed look for a literal instead of the pattern's scan
            for m in pattern.finditer(view):
                if after_sentence and view[max(0, m.start() - 4):m.start()].rstrip(" \t")[-1:] \
                        not in _SENTENCE_STOPS:
                    continue
                if MASK not in m.group():
                    seen.append(m.span())
                    yield self._finding(view, m.start(), m.start(), m.end(), "site chrome",
                                        movable=False)
        for m in _breadcrumbs(view, chrome):
            if MASK not in m.group() and not _overlaps(seen, m.span()):
                seen.append(m.span())
                yield self._finding(view, m.start(), m.start(), m.end(), "a breadcrumb",
                                    cut_end=m.end())
        for start, end in _candidate_lines(doc, chrome):
            found = self._glued_after(view, chrome, start, end) or \
                self._glued_before(view, chrome, start, end)
            if found is not None and not _overlaps(seen, found[1:]):
                yield self._finding(view, *found, "a credit")

    def _glued_after(self, view: str, chrome: _Chrome, start: int,
                     end: int) -> tuple[int, int, int] | None:
        """``(cut, start, end)`` of a credit after the last sentence end of a line."""
        # A credit is short: only the last MAX_TAIL characters of a line can hold it.
        lo = max(start, end - MAX_TAIL)
        last = None
        for m in _LAST_END.finditer(view, lo, end):
            if not _abbreviation(view, m.start()):
                last = m
        if last is None or last.start() - start < MIN_BEFORE:
            return None
        if last.end() == last.start() + 1 and not (view[last.start() - 1].islower()
                                                   and view[last.end()].isupper()):
            return None  # `copyright.text:`, `core.editor/`: a name, not `skills.Sing`
        frag = view[last.end():end].rstrip()
        if not frag or MASK in frag or frag[-1] in ".!?。":
            return None
        words = len(frag.split())
        is_credit = chrome.credit.match(frag) is not None and words <= MAX_CREDIT_WORDS
        if not (is_credit or chrome.site.match(frag) or _LINK_CARD.fullmatch(frag)):
            return None
        cut = last.start() + len(last.group().rstrip(" \t"))
        return cut, last.end(), last.end() + len(frag)

    def _glued_before(self, view: str, chrome: _Chrome, start: int,
                      end: int) -> tuple[int, int, int] | None:
        """A credit label and a name at the start of a line that goes on with prose:
        `Source: Straits Shinkansen At the end of August…`."""
        if start == end or not view[start].isalpha():
            return None
        m = chrome.credit.match(view, start, end)
        if m is None or view[m.start():m.start() + 1] in "([（":
            return None
        i = m.end()
        names = _NAME_RUN.match(view, i, end)
        if names is None:
            return None
        rest = view[names.end():end]
        if len(rest.split()) < MIN_WORDS * 2 or not any(c in rest for c in ".!?"):
            return None  # a credit on its own line is correct; this one goes on with prose
        return start, start, names.end() - len(names.group()) + len(names.group().rstrip())

    def _finding(self, view: str, cut: int, start: int, end: int, what: str,
                 cut_end: int | None = None, movable: bool = True) -> Finding:
        text = view[start:end].strip()
        end = start + len(view[start:end].rstrip())
        if cut_end is None:  # at the start of a line: take the spaces after it too
            cut_end = end
            while cut == start and cut_end < len(view) and view[cut_end] in " \t":
                cut_end += 1
        delete = Fix.replace(f"Delete {what} {text!r}", cut, cut_end, "",
                             Applicability.SUGGESTION)
        fixes = [delete]
        if movable and (cut < start or (start > 0 and view[start - 1] not in "\n")):
            fixes.append(Fix.replace("Move it to a line of its own", cut, start, "\n",
                                     Applicability.SUGGESTION))
        return self.finding(start, end, f"{what} glued to the text: {text!r}", fixes)


#: The name after a credit label: capitalised words, initials, `·`, until a word that opens
#: a sentence (`At`, `The`) or a lower-case word.
_NAME_RUN = lazy(r"[ \t]*+(?:(?!(?:" + "|".join(sorted(word_set("sentence-starters"))) +
                 r")\b)\p{Lu}[\p{L}·.'’-]*+[ \t]*+){1,5}")


def _latin(hint: str) -> bool:
    return all(ord(c) < 256 for c in hint)


def _automaton(hints: tuple[str, ...]) -> Any:
    import ahocorasick_rs  # a dependency; imported on the first RT502 check, not at start-up

    return ahocorasick_rs.BytesAhoCorasick([h.encode("latin-1") for h in hints]) if hints else None


#: The folded text is searched for the hints in pieces of this many bytes, so that a text
#: of one hint repeated never makes one list of millions of matches.
_PIECE = 1 << 20


def _hints_present(doc: Document, chrome: _Chrome) -> Callable[[str], bool]:
    """A test of whether ``doc`` holds a hint. The Latin-1 hints are all found in one pass of
    the automaton over the folded bytes (a search for each costs more on a big text);
    the others (all of them when there is no Latin-1 hint) are looked up by `_has`."""
    if chrome.automaton is None:
        return partial(_has, doc)
    data = memoryview(doc.folded)
    reach = max(map(len, chrome.latin_hints), default=1) - 1
    ids: set[int] = set()
    for lo in range(0, len(data), _PIECE):
        piece = data[lo:lo + _PIECE + reach]
        ids.update(i for i, _, _ in chrome.automaton.find_matches_as_indexes(
            piece, overlapping=True))
    found = {chrome.latin_hints[i] for i in ids}
    return lambda hint: hint in found if _latin(hint) else _has(doc, hint)


def _has(doc: Document, hint: str) -> bool:
    """Whether ``doc`` holds ``hint`` (lower case; Latin-1 hints are looked up in the folded
    bytes, which are in lower case already)."""
    try:
        return hint.encode("latin-1") in doc.folded
    except UnicodeEncodeError:
        return hint in doc.view


def _breadcrumbs(view: str, chrome: _Chrome) -> Iterable[Any]:
    """Breadcrumbs, tried only at the start of lines whose first 120 characters hold a
    separator (a C-speed find for each), not at every line of the text."""
    last = -1
    for sep in (" - ", " > ", " » ", " – ", " — "):
        at = view.find(sep)
        while at >= 0:
            start = view.rfind("\n", 0, at) + 1
            if start != last and at - start <= 120:
                last = start
                m = chrome.breadcrumb.match(view, start)
                if m is not None:
                    yield m
            nl = view.find("\n", at)
            at = view.find(sep, nl) if nl >= 0 else -1


def _candidate_lines(doc: Document, chrome: _Chrome) -> list[tuple[int, int]]:
    """The lines of ``doc`` that may hold a glued credit (see `_may_hold_credit`), at least
    MIN_BEFORE long: shorter ones cannot hold prose and a credit glued to it. Two C-speed
    searches for line breaks find a superset (most lines end a sentence); the exact test
    runs only on those and on the first and last lines, which have no break on one side."""
    view = doc.view
    starts = {0, view.rfind("\n") + 1}
    starts.update(view.rfind("\n", 0, m.start()) + 1 for m in _OPEN_LINE_END.finditer(view))
    starts.update(m.start() + 1 for m in chrome.hint_line.finditer(view))
    lines = []
    for start in sorted(starts):
        end = view.find("\n", start)
        end = len(view) if end < 0 else end
        if end - start >= MIN_BEFORE and _may_hold_credit(view, start, end, chrome):
            lines.append((start, end))
    return lines


def _may_hold_credit(view: str, start: int, end: int, chrome: _Chrome) -> bool:
    """Whether a line does not end a sentence (a credit, an outlet or a link card is last
    and has no stop), or starts with a credit label. Cheap tests on its ends only."""
    tail = view[max(start, end - 3):end].rstrip()
    if tail and tail[-1] not in _ENDS:
        return True
    head = view[start:start + 24].split(None, 1)
    return bool(head) and head[0].lower().rstrip(":：/") in chrome.hints


_SENTENCE_STOPS = frozenset(".!?。！？”\"’")
_ENDS = frozenset(".!?。！？\"”’':;,")
_NO_STOP = "[^\\s" + re.escape("".join(sorted(_ENDS))) + "]"
#: The line break after a line whose last three characters, spaces aside, end in no stop
#: of `_ENDS`; it starts with the break, so the search skips ahead at C speed.
_OPEN_LINE_END = lazy_re(rf"\n(?:(?<={_NO_STOP}\n)|(?<={_NO_STOP}[^\S\n]\n)"
                          rf"|(?<={_NO_STOP}[^\S\n]{{2}}\n))")


def _overlaps(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)
