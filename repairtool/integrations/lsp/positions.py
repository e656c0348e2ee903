"""Code-point offsets (the engine's) to LSP positions, in the code units the client and
server agreed on: UTF-16 unless the client offered UTF-8 or UTF-32 (``positionEncoding``).

Lines are split at ``\\n`` as the engine splits them (``\\r\\n`` ends a line at its
``\\n``; LSP counts a lone ``\\r`` as a break too, which MT text does not use).
"""

from __future__ import annotations

import bisect

from repairtool.document import line_starts


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` is in ``encoding`` (``utf-16``, ``utf-8``, ``utf-32``)."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    # A code point above U+FFFF is two UTF-16 units (a surrogate pair).
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class PositionMap:
    """Offsets in ``text`` to ``(line, character)`` and back, both 0-based."""

    def __init__(self, text: str, encoding: str = "utf-16",
                 starts: list[int] | None = None) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = starts if starts is not None else line_starts(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, units(self.text[start:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of a client position (clamped to the line, as LSP asks)."""
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        pos, used = start, 0
        while pos < end and used < character:
            used += units(self.text[pos], self.encoding)
            pos += 1
        return pos
