"""Helpers shared by the RT1 and RT2 rules: is a hit in a line of code rather than prose?

In a ``.md`` file the parser has already hidden code blocks; in a ``.txt`` file (or a
README pasted as text) code lines are still visible, and ``void** data`` or ``typeof x``
must not be read as a masked word or a glued function word.
"""

from __future__ import annotations

from repairtool.rules._patterns import lazy_re

#: Marks that prose lines almost never carry but code lines often do.
_CODE_MARKS = lazy_re(r"[{}]|==|=>|->|::|\);|\+\+|&&|\|\|")
#: How a line of code may start: an indented block, a prompt, a declaration, a comment.
_CODE_START = lazy_re(
    r" {4}|\t|\s*(?:#include|\$ |>>> |// |const |let |var |import |def |class |return )")
_REACH = 200


def is_code_line(view: str, pos: int) -> bool:
    """Whether the line around ``pos`` looks like code (braces, operators, an indented block).

    Only the nearest ``_REACH`` characters on either side are read, so the cost per hit is
    bounded whatever the line length.
    """
    lo = view.rfind("\n", max(0, pos - _REACH), pos) + 1
    at_line_start = lo > 0 or pos <= _REACH
    if not at_line_start:
        lo = pos - _REACH
    hi = view.find("\n", pos, pos + _REACH)
    if hi < 0:
        hi = min(len(view), pos + _REACH)
    if at_line_start and _CODE_START.match(view, lo):
        return True
    return _CODE_MARKS.search(view, lo, hi) is not None
