"""A stand-in for ``weblate.checks.base.TargetCheck``, used only when Weblate is not installed.

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


def install() -> None:
    """Register ``weblate.checks.base`` with :class:`TargetCheck` in ``sys.modules``."""
    base = types.ModuleType("weblate.checks.base")
    base.TargetCheck = TargetCheck  # type: ignore[attr-defined]
    pkg, checks = types.ModuleType("weblate"), types.ModuleType("weblate.checks")
    pkg.__path__, checks.__path__ = [], []  # packages, so submodule imports resolve
    pkg.checks, checks.base = checks, base  # type: ignore[attr-defined]
    sys.modules.update({"weblate": pkg, "weblate.checks": checks, "weblate.checks.base": base})
