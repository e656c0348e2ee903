"""Patterns compiled on first use, so that importing the rules costs no regex compilation.

The ``regex`` module compiles slowly (tens of milliseconds for all rules), and a scan of
one small file uses only the patterns whose cheap pre-checks pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import regex


class LazyPattern:
    """A ``regex`` pattern compiled the first time one of its methods is used."""

    def __init__(self, pattern: str | bytes, flags: int = 0,
                 compile: Callable[..., Any] = regex.compile) -> None:
        self._args = (pattern, flags)
        self._compile = compile
        self._compiled: Any = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = self._compile(*self._args)
        value = getattr(compiled, name)
        setattr(self, name, value)  # later look-ups find it directly, not through here
        return value


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern of the ``regex`` module, compiled on first use."""
    return LazyPattern(pattern, flags)


def lazy_re(pattern: str | bytes, flags: int = 0) -> LazyPattern:
    """A pattern of the stdlib ``re`` module, compiled on first use."""
    return LazyPattern(pattern, flags, re.compile)
