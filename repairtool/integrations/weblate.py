"""A Weblate quality check that runs the repairtool rules on each translation.

Add ``"repairtool.integrations.weblate.RepairtoolCheck"`` to ``CHECK_LIST`` in Weblate's
``settings.py`` (and ``"repairtool.integrations.weblate.RepairtoolAutoFix"`` to
``AUTOFIX_LIST`` to apply the safe fixes when a translation is saved). The check fails on
a unit when a repairtool rule finds damage in one of its targets. Each (source, target)
pair is checked the way ``repairtool scan`` checks a bilingual file: the target language's
rules, plus the RT8 entry checks against the source. Only targets in the languages of
:attr:`RepairtoolCheck.languages` (default: English) are checked.

Or list one check per rule instead: ``"repairtool.integrations.weblate.RT101Check"`` (any
code; check id ``repairtool_rt101``), each shown in Weblate under its own name; the rules
of one unit are still scanned once.

Flags: Weblate itself skips the check on ``ignore-repairtool`` (its ``check_id``) and
``ignore-all-checks``. One rule is switched off by ``ignore-repairtool-rt101`` (a code or a
prefix, ``ignore-repairtool-rt3``) or by ``ignore-<rule name>``; Weblate's flag editor
accepts ``ignore-repairtool-rt101`` only when that rule's own check is in ``CHECK_LIST``.
Weblate's own ``ignore-<check>`` flags (``ignore-end-stop``, ``ignore-python-format``, ...)
switch off the RT8 check that does the same job.

Configuration: the ``REPAIRTOOL_WEBLATE`` dict in Weblate's settings (``languages``,
``select``, ``ignore``, ``extend_select``, ``config``: a repairtool config file), or a
subclass with those class attributes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from weblate.checks.base import TargetCheck
from weblate.trans.autofixes.base import AutoFix

from repairtool.config import Settings
from repairtool.model import Finding

FLAG_PREFIX = "ignore-repairtool-"
#: Findings named in the check's description; the rest are counted.
SHOWN = 8
_LANG_SPLIT = re.compile(r"[-_@.]")


def base_language(code: str) -> str:
    """``en`` for Weblate's ``en``, ``en_GB``, ``en-US`` or ``en@pirate``."""
    return _LANG_SPLIT.split(code.strip(), maxsplit=1)[0].lower()


def unit_flags(unit: Any) -> list[str]:
    """The names of a Weblate unit's flags (``Flags`` iterates over them)."""
    return [str(f[0] if isinstance(f, tuple) else f) for f in (unit.all_flags or ())]


def ignored_here(flags: Sequence[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """Codes or prefixes (``RT101``, ``RT3``) and rule names that ``ignore-repairtool-X``
    flags switch off."""
    named = [f[len(FLAG_PREFIX):] for f in flags if f.startswith(FLAG_PREFIX)]
    return tuple(n.upper() for n in named), frozenset(n.lower() for n in named)


def shown(finding: Finding, settings: Settings, codes: tuple[str, ...],
          names: frozenset[str]) -> bool:
    """A finding the check reports: at or above the minimum severity (``repairtool scan``
    hides the rest too) and not switched off by a per-rule flag."""
    from repairtool.rules.base import matches

    return (finding.severity >= settings.min_severity
            and not (codes and matches(finding.rule.code, codes))
            and finding.rule.name not in names)


def _django_options() -> Mapping[str, Any]:
    """``settings.REPAIRTOOL_WEBLATE`` when Django is configured, else nothing."""
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        return {}
    try:
        return dict(getattr(settings, "REPAIRTOOL_WEBLATE", None) or {})
    except ImproperlyConfigured:  # imported outside a configured Django (a script)
        return {}


class RepairtoolCheck(TargetCheck):
    """Damage that machine translation leaves in text (repairtool rules)."""

    check_id = "repairtool"
    name = "Machine-translation damage"
    description = ("repairtool found damage machine translation leaves: masked words, "
                   "run-on joins, Chinese punctuation or characters left in, mojibake, "
                   "calques, glued fragments")
    #: Target languages checked (base codes: ``en`` covers ``en_GB``).
    languages: Sequence[str] = ("en",)
    select: Sequence[str] = ()
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    #: A repairtool config file (``.repairtool.toml`` or ``pyproject.toml``); none: defaults.
    config: str | None = None

    @cached_property
    def options(self) -> dict[str, Any]:
        keys = ("languages", "select", "extend_select", "ignore", "config")
        return {**{k: getattr(self, k) for k in keys}, **_django_options()}

    @cached_property
    def settings(self) -> Settings:
        from repairtool.integrations.settings import rule_settings

        o = self.options
        return rule_settings(select=o["select"], extend_select=o["extend_select"],
                             ignore=o["ignore"], config=o["config"],
                             isolated=o["config"] is None)

    def get_doc_url(self, user: Any = None) -> str:
        """The rule reference (Weblate's own docs have no page for this check); empty, so
        Weblate shows no link, while the project publishes no docs URL."""
        from repairtool.output.sarif import help_uri

        return help_uri() or ""

    def checks_language(self, code: str) -> bool:
        return base_language(code) in {base_language(c) for c in self.options["languages"]}

    def check_single(self, source: str, target: str, unit: Any) -> bool:
        return bool(self.findings(source, target, unit))

    def findings(self, source: str, target: str, unit: Any) -> list[Finding]:
        """The findings on one (source, target) pair of ``unit``; cached on the unit, as
        Weblate caches check results (one scan serves the check and its description)."""
        lang = unit.translation.language.code
        if not target or not self.checks_language(lang):
            return []
        # one scan per pair serves every check with the same options (the per-rule ones)
        cache = unit.check_cache.setdefault("repairtool:findings", {})
        key = (repr(sorted(self.options.items())), source, target)
        if key not in cache:
            cache[key] = self._scan(source, target, unit, lang)
        return list(cache[key])

    def _scan(self, source: str, target: str, unit: Any, lang: str) -> list[Finding]:
        from repairtool.bilingual.formats import BilingualFile, Unit
        from repairtool.bilingual.scan import check_units

        flags = unit_flags(unit)
        src_lang = unit.translation.component.source_language.code
        # The target is the "file": finding and fix offsets are offsets into the target.
        one = Unit("", source, target, fstart=list(range(len(target))),
                   fend=list(range(1, len(target) + 1)), extra={"flags": flags})
        bf = BilingualFile("<weblate>", "weblate", [one],
                           source_lang=src_lang.replace("_", "-"),
                           target_lang=lang.replace("_", "-"))
        opts = {"unfinished": True}  # Weblate decides which units are checked
        codes, names = ignored_here(flags)
        return [f for f in check_units(bf, self.settings, opts, [])
                if shown(f, self.settings, codes, names)]

    def unit_findings(self, unit: Any) -> list[Finding]:
        """Findings on every plural form of ``unit`` (sources paired as Weblate pairs
        them when the counts differ: the last source)."""
        sources, targets = unit.get_source_plurals(), unit.get_target_plurals()
        out: list[Finding] = []
        for i, target in enumerate(targets):
            source = sources[i] if len(sources) == len(targets) else sources[-1]
            out.extend(self.findings(source, target, unit))
        return out

    def get_description(self, check_obj: Any) -> str:
        findings = self.unit_findings(check_obj.unit)
        if not findings:
            return str(self.description)
        parts = [f"{f.rule.code} {f.message}" for f in findings[:SHOWN]]
        more = len(findings) - SHOWN
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class RuleCheck(RepairtoolCheck):
    """One repairtool rule as a Weblate check of its own (made by :func:`rule_check`)."""

    code = ""

    def check_single(self, source: str, target: str, unit: Any) -> bool:
        return any(f.rule.code == self.code for f in self.findings(source, target, unit))

    def unit_findings(self, unit: Any) -> list[Finding]:
        return [f for f in super().unit_findings(unit) if f.rule.code == self.code]


_RULE_CHECKS: dict[str, type[RuleCheck]] = {}
_RULE_CHECK_NAME = re.compile(r"(RT\d{3})Check")


def rule_check(code: str) -> type[RuleCheck]:
    """The check class of rule ``code`` (``RT101`` → ``RT101Check``, id ``repairtool_rt101``)."""
    from repairtool.rules.base import registry

    if code not in _RULE_CHECKS:
        rule = registry()[code]  # KeyError: no such rule
        # the doc's first paragraph (under "## What it does") says what the rule finds
        text = "\n".join(ln for ln in rule.doc().splitlines() if not ln.startswith("#"))
        doc = text.strip().split("\n\n")[0].replace("\n", " ")
        _RULE_CHECKS[code] = type(f"{code}Check", (RuleCheck,), {
            "__module__": __name__, "code": code, "check_id": f"repairtool_{code.lower()}",
            "name": f"{code} {rule.name} (repairtool)", "description": doc})
    return _RULE_CHECKS[code]


def __getattr__(name: str) -> Any:
    """``RT101Check`` and the like, for ``CHECK_LIST`` (Weblate loads them by name)."""
    m = _RULE_CHECK_NAME.fullmatch(name)
    if m is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return rule_check(m.group(1))
    except KeyError:
        raise AttributeError(f"{name!r}: repairtool has no rule {m.group(1)}") from None


class RepairtoolAutoFix(AutoFix):
    """Apply repairtool's safe fixes to a translation when it is saved (as ``repairtool scan
    --fix`` would), where :class:`RepairtoolCheck` would check it."""

    fix_id = "repairtool"
    name = "Machine-translation damage (repairtool safe fixes)"
    check_class: type[RepairtoolCheck] = RepairtoolCheck

    @cached_property
    def check(self) -> RepairtoolCheck:
        return self.check_class()

    @staticmethod
    def get_related_checks() -> list[Any]:
        return [RepairtoolCheck()]

    def fix_single_target(self, target: str, source: str, unit: Any) -> tuple[str, bool]:
        from repairtool.fixes import fix_text, keep_for
        from repairtool.model import Applicability

        check, lang = self.check, unit.translation.language.code
        if not target or not check.checks_language(lang) or check.should_skip(unit):
            return target, False
        result = fix_text(target, lambda t: check._scan(source, t, unit, lang),
                          Applicability.SAFE, keep=keep_for("text"))
        return result.text, result.text != target
