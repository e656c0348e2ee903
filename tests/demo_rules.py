"""Test-only rules (codes RT990-RT999) that offer unsafe fixes, suggestions, line breaks,
overlapping and misbehaving fixes, so the repair stage can be tested before the real rules
that do so exist.

They are defined by :func:`register` and removed again by :func:`unregister`, so they never
leak into the per-rule fixture tests. A subprocess gets them by running :data:`CLI`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix
from repairtool.rules import base

CODES = ("RT991", "RT992", "RT993", "RT994", "RT995", "RT996", "RT997")
#: Selects the well-behaved demo rules and RT301, the real rule with a safe fix.
SELECT = ("RT991", "RT992", "RT993", "RT994", "RT995", "RT301")
#: ``python -c CLI args...`` runs the real CLI with the demo rules registered.
CLI = ("import sys; from tests.demo_rules import register; register(); "
       "from repairtool.cli import main; main(sys.argv[1:], prog_name='repairtool')")

_DOC = """
    ## What it does
    A test-only rule.

    ## Why it matters
    It exercises the repair stage.

    ## Example
    See the test module.

    ## Use instead
    Nothing.

    ## Fix safety
    As its fixes say.
    """


def _matches(pattern: str, doc: Document) -> Iterable[re.Match[str]]:
    return re.finditer(pattern, doc.view)


def register() -> None:
    """Define (and so register) the demo rules; a second call does nothing."""
    if "RT991" in base._REGISTRY:
        return

    class SafeNewline(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT991", "demo-pilcrow", "demo"
        fixable = True

        def check(self, doc: Document) -> Iterable[Finding]:
            # Claims "safe" but adds a line break: the repair stage must demote it.
            for m in _matches("¶", doc):
                yield self.finding(m.start(), m.end(), "pilcrow", [Fix.replace(
                    "new paragraph", m.start(), m.end(), "\n", Applicability.SAFE)])

    class UnsafeTypo(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT992", "demo-teh", "demo"
        fixable = True

        def check(self, doc: Document) -> Iterable[Finding]:
            for m in _matches(r"\bteh\b", doc):
                yield self.finding(m.start(), m.end(), "typo 'teh'", [Fix.replace(
                    "Replace with 'the'", m.start(), m.end(), "the", Applicability.UNSAFE)])

    class MaskFill(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT993", "demo-mask", "demo"
        fixable = True

        def check(self, doc: Document) -> Iterable[Finding]:
            for m in _matches(r"(?<=\s)\*\*(?=\s)", doc):
                fills = [Fix.replace(f"Fill with {w!r}", m.start(), m.end(), w,
                                     Applicability.SUGGESTION) for w in ("the", "a", "this")]
                yield self.finding(m.start(), m.end(), "masked token", fills)

    class SplitXY(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT994", "demo-xy", "demo"
        fixable = True

        def check(self, doc: Document) -> Iterable[Finding]:
            for m in _matches("xy", doc):
                yield self.finding(m.start(), m.end(), "xy", [Fix.replace(
                    "split xy", m.start(), m.end(), "x y", Applicability.SAFE)])

    class SplitYZ(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT995", "demo-yz", "demo"
        fixable = True

        def check(self, doc: Document) -> Iterable[Finding]:
            for m in _matches("yz", doc):
                yield self.finding(m.start(), m.end(), "yz", [Fix.replace(
                    "split yz", m.start(), m.end(), "y z", Applicability.SAFE)])

    class Regrows(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT996", "demo-regrow", "demo"
        fixable = True
        default_enabled = False

        def check(self, doc: Document) -> Iterable[Finding]:
            # A buggy fix: "qq" becomes "qqq", which holds "qq" again.
            for m in _matches("qq", doc):
                yield self.finding(m.start(), m.end(), "qq", [Fix.replace(
                    "grow", m.start(), m.end(), "qqq", Applicability.SAFE)])

    class Reach(base.Rule):
        __doc__ = _DOC
        code, name, category = "RT997", "demo-reach", "demo"
        fixable = True
        default_enabled = False

        def check(self, doc: Document) -> Iterable[Finding]:
            # The fix deletes the marker and the two characters after it, wherever they are.
            for m in _matches("@@", doc):
                yield self.finding(m.start(), m.end(), "marker", [Fix.replace(
                    "drop", m.start(), m.end() + 2, "", Applicability.SAFE)])


def unregister() -> None:
    for code in CODES:
        base._REGISTRY.pop(code, None)
