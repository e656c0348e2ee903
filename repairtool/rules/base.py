"""The rule base class and the central registry of rule codes.

A rule is one small class: a stable ``code`` (``RT`` + digits, the first digit its family),
a kebab-case ``name``, a ``category``, a default ``severity``, whether it can ``fix``, the
``languages`` it checks, and a docstring with the sections *What it does*, *Why it matters*,
*Example*, *Use instead* and *Fix safety* (what ``repairtool rule CODE`` prints).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from repairtool.model import Finding, Fix, RuleInfo, Severity

if TYPE_CHECKING:
    from repairtool.document import Document

#: Sections every rule's doc must have, in this order.
DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Use instead", "Fix safety")

#: Language codes that mean "every language".
ANY_LANGUAGE = "*"

_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class of every rule; subclasses fill in the class attributes and :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[bool] = False
    languages: ClassVar[frozenset[str]] = frozenset({"en"})
    #: Rules that are off unless selected by code (noisy or slow ones).
    default_enabled: ClassVar[bool] = True
    #: Codes whose findings this rule's findings replace where their spans overlap (a more
    #: specific rule says the same thing better, e.g. a bilingual check of a monolingual one).
    supersedes: ClassVar[frozenset[str]] = frozenset()
    #: Set by :meth:`info` on first use, one per rule class.
    _info: ClassVar[RuleInfo]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or "code" not in cls.__dict__:
            return
        if cls.code in _REGISTRY:
            raise RuntimeError(f"rule code {cls.code} is used twice")
        _REGISTRY[cls.code] = cls

    @classmethod
    def info(cls) -> RuleInfo:
        info = cls.__dict__.get("_info")
        if info is None:  # one per rule class, not one per finding
            info = RuleInfo(cls.code, cls.name, cls.category, cls.severity)
            cls._info = info
        return info

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def applies_to(cls, language: str) -> bool:
        """Whether this rule checks text in ``language`` (a code such as ``en`` or ``zh-CN``)."""
        base = language.lower().split("-")[0].split("_")[0]
        return ANY_LANGUAGE in cls.languages or base in cls.languages

    def check(self, doc: Document) -> Iterable[Finding]:
        """Yield the findings of this rule on ``doc``."""
        raise NotImplementedError

    def finding(self, start: int, end: int, message: str,
                fixes: Iterable[Fix] = ()) -> Finding:
        """A finding of this rule at its default severity (the engine applies overrides)."""
        return Finding(self.info(), start, end, message, self.severity, list(fixes))


_SNAPSHOT: list = [(), {}]


def registry() -> dict[str, type[Rule]]:
    """Every known rule by code, in code order (imports the rule modules once).

    The sorted copy is kept until a rule is added or removed (tests register demo rules).
    """
    import repairtool.rules  # noqa: F401  (registers the rules)

    key = tuple(_REGISTRY)
    if _SNAPSHOT[0] != key:
        _SNAPSHOT[:] = [key, dict(sorted(_REGISTRY.items()))]
    return _SNAPSHOT[1]


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by any selector: a full code, a prefix (``RT1``), or ``ALL``."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)
