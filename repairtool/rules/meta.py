"""RT0: findings about repairtool's own directives in the text."""

from __future__ import annotations

from collections.abc import Iterable

from repairtool.document import Document
from repairtool.model import Finding, Severity
from repairtool.rules.base import ANY_LANGUAGE, Rule


class UnknownSuppressionCode(Rule):
    """
    ## What it does
    Reports a rule code in a `repairtool: noqa|disable|enable` directive that names no rule.

    ## Why it matters
    A misspelt code suppresses nothing, so the finding it was meant to silence stays, or a
    later rename silently stops working.

    ## Example
    `This line is fine. <!-- repairtool: noqa RT999 -->`

    ## Use instead
    `This line is fine. <!-- repairtool: noqa RT101 -->` (see `repairtool rules`).

    ## Fix safety
    No fix: only a person knows which rule was meant.
    """

    code = "RT001"
    name = "unknown-suppression-code"
    category = "meta"
    severity = Severity.WARNING
    languages = frozenset({ANY_LANGUAGE})

    def check(self, doc: Document) -> Iterable[Finding]:
        return ()  # reported by the engine, which parses the directives
