"""Stand-ins for Weblate's ``TargetCheck`` and ``AutoFix``, used only when Weblate is not
installed.

Weblate (5.14 on Python 3.11) needs Django, Celery, borgbackup, pycairo, PyGObject and
tesserocr, several built from source against system libraries, so CI does not install it.
This stand-in follows what ``weblate/checks/base.py`` of Weblate 5.14 does
with a check before calling ``check_single``: the ``ignore-<check_id>`` and
``ignore-all-checks`` flags skip the check, untranslated and read-only units are not
checked, the result is cached per unit, and plural forms are paired with the sources
(the last source for each target when the counts differ). It is written from that
behaviour, not copied, and has nothing else of Weblate.
The tests also run against the real Weblate when it is importable
(see docs/integrations/weblate.md).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class TargetCheck:
    check_id = ""
    name = ""
    description = ""
    target = True
    source = False
    ignore_untranslated = True
    default_disabled = False

    def __init__(self) -> None:
        self.enable_string = self.check_id.replace("_", "-")
        self.ignore_string = f"ignore-{self.enable_string}"

    def should_skip(self, unit: Any) -> bool:
        flags = unit.all_flags
        return self.ignore_string in flags or "ignore-all-checks" in flags

    def check_target(self, sources: list[str], targets: list[str], unit: Any) -> bool:
        if self.ignore_untranslated and (not unit.state or unit.readonly):
            return False
        if self.should_skip(unit):
            return False
        if self.check_id not in unit.check_cache:
            unit.check_cache[self.check_id] = self.check_target_unit(sources, targets, unit)
        return bool(unit.check_cache[self.check_id])

    def check_target_unit(self, sources: list[str], targets: list[str], unit: Any) -> bool:
        if len(sources) != len(targets):
            return any(self.check_single(sources[-1], t, unit) for t in targets)
        return any(self.check_single(s, t, unit) for s, t in zip(sources, targets, strict=True))

    def check_single(self, source: str, target: str, unit: Any) -> bool:
        raise NotImplementedError

    def get_description(self, check_obj: Any) -> str:
        return self.description


class AutoFix:
    """``weblate.trans.autofixes.base.AutoFix``: ``fix_target`` fixes each plural form with
    its source (the last source when the counts differ) and says whether any changed."""

    fix_id = "auto"

    def fix_single_target(self, target: str, source: str, unit: Any) -> tuple[str, bool]:
        raise NotImplementedError

    def fix_target(self, target: list[str], unit: Any) -> tuple[list[str], bool]:
        sources = unit.get_source_plurals()
        pairs = zip(sources, target, strict=True) if len(sources) == len(target) else \
            ((sources[-1], t) for t in target)
        results = [self.fix_single_target(t, s, unit) for s, t in pairs]
        return [r[0] for r in results], any(r[1] for r in results)


def install() -> None:
    """Register ``weblate.checks.base`` (:class:`TargetCheck`) and
    ``weblate.trans.autofixes.base`` (:class:`AutoFix`) in ``sys.modules``."""
    modules = {name: types.ModuleType(name) for name in (
        "weblate", "weblate.checks", "weblate.checks.base", "weblate.trans",
        "weblate.trans.autofixes", "weblate.trans.autofixes.base")}
    for name, module in modules.items():
        if not name.endswith(".base"):
            module.__path__ = []  # a package, so submodule imports resolve
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)
    modules["weblate.checks.base"].TargetCheck = TargetCheck  # type: ignore[attr-defined]
    modules["weblate.trans.autofixes.base"].AutoFix = AutoFix  # type: ignore[attr-defined]
    sys.modules.update(modules)
