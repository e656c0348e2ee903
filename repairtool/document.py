"""A decoded text as the rules see it.

``Document.text`` is the decoded file. ``Document.view`` has the same length, with every
code point the rules must not read (code, URLs, markup, front matter, suppression comments)
replaced by :data:`MASK`, so offsets in the view are offsets in the file.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, repeat
from typing import Any, NamedTuple

import regex

try:  # the compiled passes (repairtool._core, built by `pip install`; core/ holds the crate)
    from repairtool import _core
except ImportError:  # a source tree nobody built: the Python passes below give the same
    _core = None  # type: ignore[assignment]

#: The code point that stands in for text the rules must not read (a private-use
#: character: not a letter, digit, space or punctuation, so no rule matches it).
MASK = "\ue000"

_URL = regex.compile(
    r"""(?:(?:https?|ftp|file|mailto|ssh|git)://|www\.)[^\s<>"'`]*(?<![.,;:!?)\]}])""",
    regex.IGNORECASE,
)
#: Literal hints: the URL and e-mail patterns run only where these occur (they are rare).
_HINTS = ("://", "@", "www.", "WWW.")
_SCHEME = re.compile(r"[A-Za-z]{3,6}\Z")
_EMAIL = regex.compile(r"[\w+-][\w.+-]*+@[\w-]++(?:\.[\w-]++)+")
_EMAIL_START = re.compile(r"[\w.+-]{1,64}\Z")
#: Runs of non-ASCII code points other than the mask (``regex``: 5x faster than ``re`` here).
_NON_ASCII = regex.compile(r"[^\x00-\x7f\ue000]+")
#: For :func:`fold`: line breaks, tabs and the punctuation that ends a word to spaces,
#: Latin-1 capitals to small letters (``bytes.lower`` does ASCII only).
_FOLD = bytes.maketrans(
    b'\n\r\t.,;:!?"()[]{}<>|*_`' + bytes(c for c in range(0xC0, 0xDF) if c != 0xD7),
    b" " * 22 + bytes(c + 0x20 for c in range(0xC0, 0xDF) if c != 0xD7))


def fold(text: str) -> bytes:
    """``text`` as one byte a code point (Latin-1, anything else ``?``), in lower case, with
    line breaks, tabs and word-ending punctuation as spaces. Offsets carry over; made in C
    (three times faster than ``str.lower()``) and searched as bytes (four times faster)."""
    return text.encode("latin-1", "replace").lower().translate(_FOLD)


def _hints(text: str) -> list[tuple[int, str]]:
    """Positions of the literal hints, in order (``str.find`` is much faster than a regex)."""
    found: list[tuple[int, str]] = []
    for hint in _HINTS:
        i = text.find(hint)
        while i >= 0:
            found.append((i, hint))
            i = text.find(hint, i + 1)
    found.sort()
    return found


def link_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses, found from the literal hints around them."""
    spans: list[tuple[int, int]] = []
    last = 0
    for at, hint in _hints(text):
        if at < last:
            continue
        if hint == "://":
            scheme = _SCHEME.search(text, max(0, at - 6), at)
            m = _URL.match(text, scheme.start()) if scheme else None
        elif hint == "@":
            local = _EMAIL_START.search(text, max(0, at - 64), at)
            m = _EMAIL.match(text, local.start()) if local else None
        else:
            m = _URL.match(text, at) if at == 0 or not text[at - 1].isalnum() else None
        if m and m.end() > at:
            spans.append(m.span())
            last = m.end()
    return spans


class Segment(NamedTuple):
    """A stretch of prose (a paragraph, or one bilingual target) as offsets into the text."""

    start: int
    end: int


@dataclass
class Document:
    """The text to check, its masked view, and what the rules need to know about it."""

    text: str
    view: str
    language: str = "en"
    path: str | None = None
    kind: str = "text"
    options: Mapping[str, Any] = field(default_factory=dict)
    #: Set by the bilingual reader: the stretches of ``text`` that are target segments.
    segments_hint: tuple[Segment, ...] | None = None

    @classmethod
    def from_text(cls, text: str, *, kind: str = "text", language: str = "en",
                  path: str | None = None, options: Mapping[str, Any] | None = None,
                  protected: Iterable[tuple[int, int]] = (), layout: bool = False) -> Document:
        """Build the masked view of ``text`` for its kind (``text`` or ``markdown``); with
        ``layout``, the tables, columns and code of a plain text are hidden too."""
        spans = list(protected)
        if kind == "markdown":
            from repairtool.markup import markdown_hidden_spans

            spans.extend(markdown_hidden_spans(text))
        elif layout and kind == "text":
            from repairtool.layout import plain_hidden_spans

            spans.extend(plain_hidden_spans(text))
        spans.extend(link_spans(text))
        view = mask(text, spans)
        return cls(text, view, language, path, kind, options or {})

    @cached_property
    def line_starts(self) -> list[int]:
        """Offset of the first code point of every line."""
        return line_starts(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of 1-based ``line`` without its line break."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    @cached_property
    def folded(self) -> bytes:
        """:func:`fold` of the view, made once: the word rules (RT203, RT4) split it and the
        lexicon pre-filter (RT6) searches it."""
        return fold(self.view)

    @property
    def non_ascii(self) -> Iterator[tuple[int, int]]:
        """Spans of the runs of non-ASCII code points in the view (masked text left out)."""
        flat = iter(self._non_ascii_flat)
        return zip(flat, flat, strict=True)

    @cached_property
    def _non_ascii_flat(self) -> array[int]:
        """The spans' ends in a row, as machine integers: a text with a zero-width space
        after every letter has a run every two code points, which as tuples of ints took
        30 bytes of memory per byte of input."""
        if self.view.isascii():  # O(1)
            return array("q")
        # Not from the core's view_index: its runs come back as tuples, the memory this avoids.
        return array("q", (i for m in _NON_ASCII.finditer(self.view) for i in m.span()))

    def non_ascii_matches(self, pattern: Any, after: int = 0) -> Iterator[Any]:
        """Matches of ``pattern`` that start in a run of non-ASCII code points of the view.

        For patterns that can only start on such a code point (full-width forms, invisible
        characters, CJK): the rule then reads the few thousand code points an English text
        has of them, not the whole text. The pattern may look behind freely, but sees at
        most ``after`` code points past a run (its lookahead included).
        """
        view, size, done = self.view, len(self.view), 0
        for start, end in self.non_ascii:
            if end <= done:
                continue  # the last match reached past this run
            for m in pattern.finditer(view, max(start, done), min(size, end + after)):
                if m.start() >= end:
                    break
                done = m.end()
                yield m

    def segments(self) -> Iterator[Segment]:
        """Paragraphs of the view: runs of text between blank lines that hold any prose."""
        if self.segments_hint is not None:
            return iter(self.segments_hint)
        return iter(self._paragraphs)

    @cached_property
    def _paragraphs(self) -> tuple[Segment, ...]:
        # Found once per document: several rules walk the paragraphs.
        return paragraphs(self.view)

    def is_hidden(self, start: int, end: int) -> bool:
        """Whether any code point of ``[start, end)`` is masked."""
        return MASK in self.view[start:end]


# Stdlib `re` (twice as fast as `regex` here) without possessive quantifiers, which give
# wrong spans on early 3.11 releases. It cannot backtrack badly: after the first character
# everything is optional, so the match never fails.
_PARAGRAPH = re.compile(r"[^\s\ue000](?:[^\n]+|\n(?![ \t\r\ue000]*(?:\n|\Z)))*")


def view_index(view: str) -> tuple[tuple[Segment, ...], tuple[tuple[int, int], ...]]:
    """:func:`paragraphs` and :func:`non_ascii_runs` of a view, from one walk of the core."""
    if _core is not None:
        try:
            spans, runs = _core.view_index(view)
        except UnicodeEncodeError:
            pass
        else:
            return tuple(map(tuple.__new__, repeat(Segment), spans)), tuple(runs)
    return py_paragraphs(view), py_non_ascii_runs(view)


def paragraphs(view: str) -> tuple[Segment, ...]:
    """The paragraphs of a masked view (see :meth:`Document.segments`): by the compiled core
    where there is one, else by :func:`py_paragraphs`."""
    if _core is not None:
        try:
            spans = _core.paragraphs(view)
        except UnicodeEncodeError:  # lone surrogates are not UTF-8: the Python pass reads them
            pass
        else:  # tuple.__new__ makes the named tuples in C, without a Python frame each
            return tuple(map(tuple.__new__, repeat(Segment), spans))
    return py_paragraphs(view)


def py_paragraphs(view: str) -> tuple[Segment, ...]:
    """:func:`paragraphs` in Python (also the reference of tests/test_core_differential.py)."""
    return tuple(Segment(m.start(), m.end()) for m in _PARAGRAPH.finditer(view))


def non_ascii_runs(view: str) -> tuple[tuple[int, int], ...]:
    """Spans of the runs of non-ASCII code points of a view other than the mask: by the
    compiled core where there is one, else by :func:`py_non_ascii_runs`."""
    if _core is not None:
        try:
            return tuple(_core.non_ascii_runs(view))
        except UnicodeEncodeError:
            pass
    return py_non_ascii_runs(view)


def py_non_ascii_runs(view: str) -> tuple[tuple[int, int], ...]:
    """:func:`non_ascii_runs` in Python."""
    if view.isascii():
        return ()
    return tuple(m.span() for m in _NON_ASCII.finditer(view))


def line_starts(text: str) -> list[int]:
    """Offset of the first code point of every line (after each ``\n``): by the compiled
    core where there is one, else by :func:`py_line_starts`."""
    if _core is not None:
        try:
            return _core.line_starts(text)
        except UnicodeEncodeError:
            pass
    return py_line_starts(text)


def py_line_starts(text: str) -> list[int]:
    """:func:`line_starts` in Python (computed in C)."""
    lengths = map((1).__add__, map(len, text.split("\n")))
    return list(accumulate(lengths, initial=0))[:-1]


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the code points of ``spans`` replaced by :data:`MASK` (line breaks kept)."""
    merged = merge_spans(spans)
    if not merged:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in merged:
        parts.append(text[pos:start])
        hidden = text[start:end]
        parts.append(regex.sub(r"[^\r\n]", MASK, hidden))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of half-open spans."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
