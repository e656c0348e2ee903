"""The data model shared by the scan, the repair stage and the bilingual checks.

A :class:`Finding` names a rule, a span of the decoded text and zero or more
:class:`Fix` candidates (best first). A fix is a list of :class:`Edit` objects and an
:class:`Applicability` that says who may apply it.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that ``a >= b`` means *at least as severe*."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read ``error`` / ``warning`` / ``info`` (any case)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return _SEVERITY_NAMES[self]  # once a finding in every output: no enum lookups


_SEVERITY_NAMES = {m.value: m.name.lower() for m in Severity}


class Applicability(enum.IntEnum):
    """Who may apply a fix; ordered so that one comparison decides (as in ruff).

    ``SAFE`` fixes are applied by ``--fix``; ``UNSAFE`` ones also need ``--unsafe-fixes``;
    a ``SUGGESTION`` is shown for review and never applied without a person.
    """

    SUGGESTION = 1
    UNSAFE = 2
    SAFE = 3

    @classmethod
    def parse(cls, value: str) -> Applicability:
        """Read ``safe`` / ``unsafe`` / ``suggestion`` (any case)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown applicability {value!r}") from None

    def __str__(self) -> str:
        return _APPLICABILITY_NAMES[self]


_APPLICABILITY_NAMES = {m.value: m.name.lower() for m in Applicability}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the code points ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@dataclass(frozen=True, slots=True)
class Fix:
    """One candidate repair: a title for people, its edits, and its applicability."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    @classmethod
    def replace(cls, title: str, start: int, end: int, replacement: str,
                applicability: Applicability) -> Fix:
        """A fix made of one edit."""
        return cls(title, (Edit(start, end, replacement),), applicability)

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "applicability": str(self.applicability),
            "edits": [e.to_dict() for e in self.edits],
        }


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a finding needs to know about the rule that produced it."""

    code: str
    name: str
    category: str
    severity: Severity


@dataclass(slots=True)
class Finding:
    """A rule's verdict on the span ``text[start:end]``."""

    rule: RuleInfo
    start: int
    end: int
    message: str
    severity: Severity
    fixes: list[Fix] = field(default_factory=list)
    id: str = ""

    @property
    def code(self) -> str:
        return self.rule.code


def fingerprint(code: str, text: str, start: int, end: int, context: int = 24) -> str:
    """A hash of the rule and the text in and around a span (within its lines).

    It stays the same while that text is unchanged, wherever the span moves in the file.
    """
    lo, hi = max(0, start - context), min(len(text), end + context)
    # Searched within the context only: a long line must not make this O(line length).
    lo = text.rfind("\n", lo, start) + 1 or lo
    newline = text.find("\n", end, hi)
    before, after = text[lo:start], text[end:hi if newline < 0 else newline]
    data = "\x1f".join((code, before, text[start:end], after)).encode("utf-8", "surrogatepass")
    return hashlib.sha1(data).hexdigest()[:12]


def assign_ids(findings: list[Finding], text: str) -> None:
    """Give every finding a stable id: its fingerprint, plus ``-N`` for repeats in the file."""
    seen: dict[str, int] = {}
    for f in findings:
        base = fingerprint(f.rule.code, text, f.start, f.end)
        n = seen.get(base, 0)
        seen[base] = n + 1
        f.id = base if n == 0 else f"{base}-{n}"
