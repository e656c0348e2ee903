"""Which parts of a plain-text file are layout, not prose: the ``.txt`` counterpart of
:mod:`repairtool.markup`.

Plain text has no fences, so tables, aligned columns, code and ``key: value`` listings are
found from the shape of their lines:

- a column gap (three or more spaces, or a tab, between two non-spaces), box-drawing
  characters or ``|`` column bars, and dot leaders (``Total ........ $132``);
- a listing of ``key : value`` lines (two or more in a row, or one whose key is a path);
- info menu lines (``* sed: Invoking.``) and, inside prose, info cross-references
  (``*note Invoking::``) and terminal escape sequences (``ESC[1m``);
- code: shell prompts, C and Perl punctuation (``{``, ``};``, ``=>``, ``$x``, ``&&``),
  comments, preprocessor lines.

Lines are judged in blocks (between blank lines): a block that is half layout or more is
hidden whole, and in a block of prose only a run of three or more layout lines, so that one
odd line never cuts a paragraph of prose in two.

What is found is hidden like Markdown code (the rules never read it, offsets unchanged).
A line of prose, MT prose above all, has none of these shapes: a sentence with one
``word :`` or one ``$5`` is still read.
"""

from __future__ import annotations

import re

#: Three spaces between two non-spaces, or two tabs in a line (one tab may stand in prose).
_COLUMN_GAP = re.compile(r"\S[ \t]{3,}\S|\S\t.*\S\t")
#: Two box-drawing characters, or two column bars (`| a | b |`, `a | b | c`).
_BOX = re.compile(r"[│┃├┤┼─━═║┌┐└┘╔╗╚╝].*[│┃├┤┼─━═║┌┐└┘╔╗╚╝]|^\s*\|.*\||\|.*\|\s*$"
                  r"|\S\s\|\s\S.*\s\|\s")
#: A line longer than this that reads as a sentence is a paragraph of prose on one line
#: (web text, MT output), whatever gaps or bars it has.
LONG_LINE = 160
#: Dot leaders end in a number: `Total ........ $132`, `Invoking . . . . 12` (not `rose......`).
_LEADER = re.compile(r"(?:\.[ \t]?){4,}[ \t]*[$£€¥]?\d[\d.,]*[ \t]*$")
_KEY_VALUE = re.compile(r"[ \t]*[\w(/][\w ()/.+-]{0,30}?[ \t]*:(?:[ \t]+\S|[ \t]*$)")
_PATH_KEY = re.compile(r"[ \t]*(?:\d+(?:\.\d+)*\.?[ \t]+)?[/~][\w./-]*[ \t]+:[ \t]")
_SPACED_KEY = re.compile(r"[ \t]*[A-Z][\w-]*[ \t]+:[ \t]")
_INFO_MENU = re.compile(r"\*[ \t]+[^:\n]+:(?::|[ \t]+[^\n]*\.)")
_INFO_NOTE = re.compile(r"\*[Nn]ote[ \t\n]+[^:]{1,80}?::"
                        r"|\*[Nn]ote[ \t\n]+[^:]{1,80}?:[ \t\n]+[^.,]{1,80}[.,]")
#: A hex dump row: `0020  ff ff 18 00 …`, `00000010: 4865 6c6c …`.
_HEX_DUMP = re.compile(r"\s*[0-9a-fA-F]{4,8}:?[ \t]+(?:[0-9a-fA-F]{2,4}[ \t]+){3}")
#: The header or footer line of a rendered man page: `LS(1) … LS(1)`, squeezed or not.
_MAN_HEADER = re.compile(r"\s*[\w.:-]+\(\d[^()\s]*.{0,80}\(\d\w*\)\s*$")
#: A line of `ls -l` (or `ls -il`, inode first): `-rw-r--r-- 1 root root 64 …`.
_LS_LINE = re.compile(r"\s*(?:\d+[ \t]+)?[-dlcbps][-rwxsStT]{9}[.+@]?[ \t]+\d")  # `ls -il`
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: One of these alone makes a line code.
_STRONG_CODE = re.compile(
    r"^\s*(?:\$|#(?=\s+[a-z])|\w+[#$%]|\w+@[\w.-]+[:$#%])\s+\S"  # `$ git`, `# apt`, `ns2# umount`
    r"|^\s*#\s*(?:include|define|if|ifdef|ifndef|endif|else|pragma)\b"
    r"|[{}]\s*$|^\s*[{}]|=>|->|::|\$\{|\$\(|&&|\|\||[=!<>]=|/\*|\*/|^\s*//"
    r"|\b(?:sub|my|def|fn|int|void|char|return|if|while|for|else|elif)\b[^.]*[;:{(]\s*$"
    r"|\w\([^()]*\)\s*[;{]|^\s*\w+\s*=\s*\S|\)\s*;\s*$")
#: Two or more kinds of these make a line code (each kind counts once: a list of items
#: with `;` between them is no code).
_WEAK_CODE = tuple(re.compile(p) for p in (
    r"[$@%][\w{]", r"[\[\]{}]", r"[<>=|^~`]", r"\\", r"\w\(", r";\s|;$", r"\s[-+*/]\s",
    r"(?:^|\s)--?[a-z]\w*", r"(?<![\w/])/\w"))
_SYMBOL = re.compile(r"[^\w\s.,'’\"“”-]|_")
_WORD = re.compile(r"[A-Za-z]{2,}")


def plain_hidden_spans(text: str) -> list[tuple[int, int]]:
    """Half-open offsets of every stretch of the plain ``text`` that is layout or code."""
    hidden: list[tuple[int, int]] = []
    done = -1
    # Only the blocks holding a candidate are read line by line (most prose has none).
    for at in _candidates(text):
        if at <= done:
            continue
        start, end = _block_around(text, at)
        lines = text[start:end].split("\n")
        offset = start
        for line, hide in zip(lines, _hidden_lines(lines), strict=True):
            if hide:
                hidden.append((offset, offset + len(line)))
            offset += len(line) + 1
        done = end
    for pattern in (_INFO_NOTE, _ANSI):
        hidden.extend(m.span() for m in pattern.finditer(text))
    return hidden


#: The pre-test as (literal that must occur, pattern) pairs: one alternation of them all
#: scans ten times slower than these simple patterns one after the other.
_HINTS = tuple((hint, re.compile(pattern)) for hint, pattern in (
    ("", r"[\t{}|<>=\\\x1b│┃├┤┼─━═║┌┐└┘╔╗╚╝]"), ("   ", "   "), (":", r":[ \t]"),
    ("....", r"\.\.\.\."), ("ote", r"\*[Nn]ote"), ("\n*", r"\n\*"), (" -", r"-(?<= -)-?[a-z]"),
    (" /", " /"), ("(", r"\(\d"), (";", r";[ \t]*\n"),
    ("\n", r"\n[ \t]*(?:[0-9a-fA-F]{4}|[-dlcbps][-r][-w]|[$#%] |\w+[#$%] |\w+@)"),
))


#: The same for one line, which has no line break before it.
_LINE_HINTS = (*_HINTS[:5], ("*", re.compile(r"\A\*")), *_HINTS[6:9], (";", re.compile(r";\s*$")),
               ("", re.compile(r"\A[ \t]*(?:[0-9a-fA-F]{4}|[-dlcbps][-r][-w]|[$#%] |\w+[#$%] "
                               r"|\w+@)")))


def _candidates(text: str) -> list[int]:
    """Sorted offsets where a line might be layout."""
    found = [0]  # the first line has no line break before it
    for hint, pattern in _HINTS:
        if hint in text:
            found.extend(m.start() for m in pattern.finditer(text))
    found.sort()
    return found


_BLANK_AFTER = re.compile(r"\n[ \t\r]*(?:\n|\Z)|\Z")


def _block_around(text: str, at: int) -> tuple[int, int]:
    """The block (lines between blank lines) holding offset ``at``, without its final line
    break."""
    end = _BLANK_AFTER.search(text, at)
    stop = end.start() if end else len(text)
    start = text.rfind("\n", 0, at) + 1
    while start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        if not text[prev:start - 1].strip():
            break
        start = prev
    return start, stop


def _hidden_lines(lines: list[str]) -> list[bool]:
    """Which lines of one block are hidden."""
    if len(lines) == 1:  # a paragraph on one line, as web text and MT output come
        return [bool(lines[0].strip()) and _layout_line(lines[0])]  # what _blocks says of it
    layout = [_layout_line(line) for line in lines]
    for i in range(len(lines)):
        if not layout[i] and _key_value(lines, i):
            layout[i] = True
    return _blocks(lines, layout)


def _layout_line(line: str) -> bool:
    """Whether one line is a table row, a leader line, a menu line or code by itself."""
    if not any(hint in line and pattern.search(line) for hint, pattern in _LINE_HINTS):
        return False
    body = line.strip()
    if len(body) > LONG_LINE and _sentence(body):
        return False
    return bool(_COLUMN_GAP.search(body) or _BOX.search(line) or _LEADER.search(line)
                or _INFO_MENU.match(line) or _PATH_KEY.match(line) or _HEX_DUMP.match(line)
                or _LS_LINE.match(line) or _MAN_HEADER.match(line) or _is_code(line))


def _is_code(line: str) -> bool:
    if _STRONG_CODE.search(line):
        return not _sentence(line)
    return sum(bool(p.search(line)) for p in _WEAK_CODE) >= 2 and not _sentence(line)


def _sentence(line: str) -> bool:
    """A line of running prose: many words, few symbols, ends like a sentence or goes on.
    Such a line is read even when it mentions `a => b` or ends with `;`."""
    words = len(_WORD.findall(line))
    symbols = len(_SYMBOL.findall(line))
    # A long line may carry some markup (`< ref >`, `\\ [ … \\ ]` in scraped MT text).
    return (words >= 6 and symbols * 3 <= words) or (words >= 12 and symbols * 2 <= words)


def _key_value(lines: list[str], i: int) -> bool:
    """A ``key: value`` line next to another one (a listing, not a sentence with a colon)."""
    return _key_line(lines[i]) and any(0 <= j < len(lines) and _key_line(lines[j])
                                       for j in (i - 1, i + 1))


def _key_line(line: str) -> bool:
    """``Key: value`` with a key of at most three words; a long value is allowed after a
    one-word key set off by spaces (``Description : Discussion of …``)."""
    m = _KEY_VALUE.match(line)
    if not m:
        return False
    key = _WORD.findall(line.split(":", 1)[0])
    if len(key) == 1 and _SPACED_KEY.match(line):
        return True
    return not _sentence(line) and len(key) <= 3


def _blocks(lines: list[str], layout: list[bool]) -> list[bool]:
    """Decide per block (lines between blank lines): a block with more layout
    lines than lines of prose (four words or more) is hidden whole (code with its output, a
    table with its caption); in a block of prose only a run of three or more layout lines
    is, so that one odd line never cuts a paragraph of prose in two."""
    hidden = [False] * len(lines)
    block: list[int] = []
    for i, line in enumerate([*lines, ""]):
        if line.strip():
            block.append(i)
            continue
        if block:
            if _listing(block, lines):
                for j in block:
                    layout[j] = True
            count = sum(layout[j] for j in block)
            prose = sum(not layout[j] and len(_WORD.findall(lines[j])) >= 4 for j in block)
            if count > prose:
                for j in block:
                    hidden[j] = True
            elif count >= 3:
                _hide_runs(block, layout, hidden)
        block = []
    return hidden


def _listing(block: list[int], lines: list[str]) -> bool:
    """A block that starts with a ``Key : value`` line and has another key line whose
    colon stands in the same column (``Description : …`` / ``Moderated   : no``)."""
    if not _SPACED_KEY.match(lines[block[0]]):
        return False
    column = lines[block[0]].find(":")
    return any(_KEY_VALUE.match(lines[j]) and lines[j].find(":") == column
               for j in block[1:])


def _hide_runs(block: list[int], layout: list[bool], hidden: list[bool]) -> None:
    run: list[int] = []
    for j in [*block, -1]:
        if j >= 0 and layout[j]:
            run.append(j)
            continue
        if len(run) >= 3:
            for k in run:
                hidden[k] = True
        run = []


def code_line(line: str) -> bool:
    """Whether one line is code by itself (what the block rules may leave unhidden: a
    lone line of code in a paragraph of prose)."""
    return _is_code(line)
