"""Which parts of a Markdown file are prose, found with a real CommonMark parser.

``markdown-it-py`` gives the block structure with line maps and the inline tokens of each
prose block. Everything that is not in a prose block (code blocks, fences, HTML blocks,
link reference definitions, front matter) is hidden; inside prose blocks the code spans,
inline HTML, autolinks, link destinations and images are hidden too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import regex
from markdown_it import MarkdownIt
from markdown_it.token import Token

from repairtool.document import line_starts

_FRONT_MATTER = regex.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n(?:.*?\n)??\1[ \t]*(?:\r?\n|\Z)",
                              regex.DOTALL)
_LONE_CR = regex.compile(r"\r(?!\n)")
_DELIMITERS = frozenset({"strong_open", "strong_close", "em_open", "em_close", "s_open",
                         "s_close"})


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_hidden_spans(text: str) -> list[tuple[int, int]]:
    """Half-open offsets of every stretch of ``text`` that is not prose."""
    hidden: list[tuple[int, int]] = []
    source = _LONE_CR.sub(" ", text)
    fm = _FRONT_MATTER.match(source)
    if fm:
        hidden.append(fm.span())
        # Blank the front matter out (keeping its line breaks) so the parser skips it.
        source = regex.sub(r"[^\n]", " ", source[:fm.end()]) + source[fm.end():]
    starts = line_starts(source)
    if len(starts) > 1 and starts[-1] == len(source):
        starts.pop()  # no line after a final line break
    tokens = _parser().parse(source)
    prose_lines: set[int] = set()
    cursor = 0
    for tok in tokens:
        if tok.type != "inline" or tok.map is None:
            continue
        first, last = tok.map
        prose_lines.update(range(first, last))
        begin = starts[first]
        end = starts[last] if last < len(starts) else len(source)
        cursor = max(cursor, begin)
        for span in _inline_hidden(source, tok.children or [], cursor, end):
            hidden.append(span)
            cursor = max(cursor, span[1])
    run_start: int | None = None
    for line in range(len(starts) + 1):
        if line < len(starts) and line not in prose_lines:
            run_start = starts[line] if run_start is None else run_start
        elif run_start is not None:
            hidden.append((run_start, starts[line] if line < len(starts) else len(source)))
            run_start = None
    return hidden



#: Inline tokens whose presence (and content) is structure: code spans, links, images, HTML.
_STRUCTURAL_INLINE = frozenset({"code_inline", "link_open", "link_close", "image",
                                "html_inline"})


def structure(text: str) -> tuple[tuple[object, ...], ...]:
    """The block structure and the inline code spans, links, images and HTML of ``text``.

    Two texts with equal structures render to the same blocks with the same code spans and
    links: a safe fix must keep it equal (deleting a zero-width space before a fence
    would open a code block that swallows the rest; a full-width `＃` made `#` would make a
    heading). Emphasis and plain text are not structure.
    """
    out: list[tuple[object, ...]] = []
    for tok in _parser().parse(_LONE_CR.sub(" ", text)):
        if tok.type != "inline":
            out.append((tok.type, tok.tag, tok.markup, tuple(tok.map or ()), tok.info))
            if tok.type in ("fence", "code_block", "html_block"):
                out.append((tok.content,))
            continue
        for child in tok.children or []:
            if child.type in _STRUCTURAL_INLINE:
                out.append((child.type, child.markup, child.content,
                            str(child.attrs.get("href", child.attrs.get("src", "")))))
    return tuple(out)


def _inline_hidden(src: str, children: list[Token], pos: int, end: int
                   ) -> Iterator[tuple[int, int]]:
    """Locate, in order, the non-prose inline elements of one prose block."""
    for child in children:
        span: tuple[int, int] | None = None
        if child.type == "code_inline":
            span = _code_span(src, child.markup, pos, end)
        elif child.type == "html_inline":
            i = src.find(child.content, pos, end)
            span = (i, i + len(child.content)) if i >= 0 else None
        elif child.type == "link_open" and child.markup == "autolink":
            i = src.find("<", pos, end)
            j = src.find(">", i, end) if i >= 0 else -1
            span = (i, j + 1) if j >= 0 else None
        elif child.type == "link_close" and child.markup != "autolink":
            span = _link_destination(src, pos, end)
        elif child.type in _DELIMITERS and child.markup:
            # Emphasis the parser recognised is markup, not text: hide its delimiters
            # (so `**bold**` is never read as a masked word, even across a link).
            span = _delimiter(src, child.markup, child.type.endswith("_open"), pos, end)
        elif child.type == "image":
            i = src.find("![", pos, end)
            k = _link_destination(src, i + 2, end) if i >= 0 else None
            span = (i, k[1]) if k else None
        if span is not None:
            yield span
            pos = span[1]


def _delimiter(src: str, markup: str, opening: bool, pos: int, end: int
               ) -> tuple[int, int] | None:
    """The next emphasis delimiter that can open (or close): an opener is not followed by
    white space, a closer not preceded by it (CommonMark's flanking rule, simplified)."""
    i = src.find(markup, pos, end)
    while i >= 0:
        j = i + len(markup)
        if opening and j < len(src) and not src[j].isspace():
            return (i, j)
        if not opening and i > 0 and not src[i - 1].isspace():
            return (i, j)
        i = src.find(markup, i + 1, end)
    return None


def _code_span(src: str, ticks: str, pos: int, end: int) -> tuple[int, int] | None:
    pattern = regex.compile(r"(?<![`\\])" + "`" * len(ticks) + r"(?!`)")
    opening = pattern.search(src, pos, end)
    if not opening:
        return None
    closing = regex.compile(r"(?<!`)" + "`" * len(ticks) + r"(?!`)").search(
        src, opening.end(), end)
    return (opening.start(), closing.end() if closing else opening.end())


def _link_destination(src: str, pos: int, end: int) -> tuple[int, int] | None:
    """The ``(destination "title")`` or ``[label]`` after the ``]`` that closes a link."""
    i = src.find("]", pos, end)
    if i < 0 or i + 1 >= end:
        return None
    opener = src[i + 1]
    if opener == "[":
        j = src.find("]", i + 2, end)
        return (i + 1, j + 1) if j >= 0 else None
    if opener != "(":
        return None
    depth = 0
    for k in range(i + 1, end):
        c = src[k]
        if c == "\\":
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return (i + 1, k + 1)
    return (i + 1, end)
