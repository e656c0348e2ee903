"""A decoded text as the rules see it.

``Document.text`` is the decoded file. ``Document.view`` has the same length, with every
code point the rules must not read (code, URLs, markup, front matter, suppression comments)
replaced by :data:`MASK`, so offsets in the view are offsets in the file.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import regex

#: The code point that stands in for text the rules must not read (a private-use
#: character: not a letter, digit, space or punctuation, so no rule matches it).
MASK = "\ue000"

_URL = regex.compile(
    r"""(?:\b(?:https?|ftp|file|mailto|ssh|git)://|\bwww\.)[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]"""
    r"""|(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+""",
    regex.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Segment:
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
                  protected: Iterable[tuple[int, int]] = ()) -> Document:
        """Build the masked view of ``text`` for its kind (``text`` or ``markdown``)."""
        spans = list(protected)
        if kind == "markdown":
            from repairtool.markup import markdown_hidden_spans

            spans.extend(markdown_hidden_spans(text))
        spans.extend(m.span() for m in _URL.finditer(text))
        view = mask(text, spans)
        return cls(text, view, language, path, kind, options or {})

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

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

    def segments(self) -> Iterator[Segment]:
        """Paragraphs of the view: runs of text between blank lines that hold any prose."""
        if self.segments_hint is not None:
            yield from self.segments_hint
            return
        for m in _PARAGRAPH.finditer(self.view):
            yield Segment(m.start(), m.end())

    def is_hidden(self, start: int, end: int) -> bool:
        """Whether any code point of ``[start, end)`` is masked."""
        return MASK in self.view[start:end]


_PARAGRAPH = regex.compile(r"[^\s\ue000](?:[^\n]++|\n(?![ \t\r\ue000]*+(?:\n|$)))*+")


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
