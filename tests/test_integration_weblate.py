"""The Weblate check, driven as Weblate drives a check: ``check_target`` on a unit, then
``get_description`` for the listing.

With Weblate importable (Django set up with ``tests/weblate_settings.py``: Weblate's test
settings plus our check and autofix) the tests use Weblate's real ``TargetCheck``,
``AutoFix``, check and autofix registries and the ``MockUnit`` of Weblate's own check tests
(no database is touched); without it
(CI: Weblate is too heavy to install there) they use the stand-in base class of
``tests/weblate_shim.py`` and a unit of the same shape. ``REPAIRTOOL_REAL_WEBLATE=1`` makes a
missing Weblate an error instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest


def _real_weblate() -> bool:
    """Set up Django for Weblate's test settings; False when Weblate is not installed."""
    try:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.weblate_settings")
        django.setup()
        import weblate.checks.base  # noqa: F401
        from weblate.checks.tests.test_checks import MockUnit  # noqa: F401
    except ImportError:
        if os.environ.get("REPAIRTOOL_REAL_WEBLATE") == "1":
            raise
        return False
    return True


REAL = _real_weblate()
if not REAL:
    from . import weblate_shim

    weblate_shim.install()

from repairtool.integrations.weblate import (  # noqa: E402
    RepairtoolAutoFix,
    RepairtoolCheck,
    base_language,
    rule_check,
)


class StubUnit:
    """A unit with the attributes Weblate's ``MockUnit`` has and the check reads."""

    def __init__(self, flags: str, code: str, source: list[str], target: list[str]) -> None:
        self.all_flags = {f.strip() for f in flags.split(",") if f.strip()}
        self.translation = SimpleNamespace(language=SimpleNamespace(code=code),
                                           component=SimpleNamespace(
                                               source_language=SimpleNamespace(code="en")))
        self.sources, self.targets = source, target
        self.check_cache: dict[str, Any] = {}
        self.state, self.readonly = 20, False

    def get_source_plurals(self) -> list[str]:
        return self.sources

    def get_target_plurals(self) -> list[str]:
        return self.targets


def make_unit(target: str | list[str], source: str | list[str] = "", code: str = "en",
              flags: str = "", source_lang: str = "en") -> Any:
    sources = [source] if isinstance(source, str) else source
    targets = [target] if isinstance(target, str) else target
    if REAL:
        from weblate.checks.tests.test_checks import MockLanguage, MockUnit

        unit = MockUnit(flags=flags, code=code, source=sources, target=targets)
        unit.translation.component.source_language = MockLanguage(source_lang)
        return unit
    unit = StubUnit(flags, code, sources, targets)
    unit.translation.component.source_language.code = source_lang
    return unit


def run(check: RepairtoolCheck, unit: Any) -> tuple[bool, str]:
    """What Weblate does: ``check_target``, and the description of a failing check."""
    failed = check.check_target(unit.get_source_plurals(), unit.get_target_plurals(), unit)
    return failed, (check.get_description(SimpleNamespace(unit=unit)) if failed else "")


@pytest.fixture
def check() -> RepairtoolCheck:
    return RepairtoolCheck()


def test_mode_is_reported() -> None:
    """Says in the test log which base class was tested."""
    print("Weblate:", "real" if REAL else "stand-in base class (tests/weblate_shim.py)")


def test_flags_damage_in_english_targets(check: RepairtoolCheck) -> None:
    failed, text = run(check, make_unit("Tokyo** has announced a plan.",
                                        "东京政府宣布了一项计划。", source_lang="zh_Hans"))
    assert failed
    assert text.startswith("RT101 masked word '**'")
    failed, text = run(check, make_unit("Prices rose，analysts said。", "价格上涨，分析师说。",
                                        source_lang="zh_Hans"))
    assert failed and "RT301 full-width form '，'" in text


def test_clean_targets_pass(check: RepairtoolCheck) -> None:
    for source, target in [("The plan", "The plan was announced."),
                           ("Use **kwargs", "Use **kwargs to pass options."),
                           ("Hello %s", "Hello %s, welcome back!")]:
        assert run(check, make_unit(target, source)) == (False, ""), target


def test_bilingual_rules_compare_with_the_source(check: RepairtoolCheck) -> None:
    failed, text = run(check, make_unit("Hello, welcome back!", "Hello %s, welcome back!",
                                        flags="c-format"))
    assert failed and "RT804 placeholder '%s'" in text


def test_only_the_configured_target_languages(check: RepairtoolCheck) -> None:
    mojibake = "Das CafÃ© ist geöffnet."
    assert run(check, make_unit(mojibake, "The café is open.", code="de"))[0] is False
    assert run(check, make_unit("The cafÃ© is open.", "Kavárna", code="en_GB",
                                source_lang="cs"))[0]

    class GermanToo(RepairtoolCheck):
        languages = ("en", "de")

    failed, text = run(GermanToo(), make_unit(mojibake, "The café is open.", code="de"))
    assert failed and "RT701 mojibake" in text


def test_weblate_ignore_flag_skips_the_check(check: RepairtoolCheck) -> None:
    assert check.ignore_string == "ignore-repairtool"
    assert run(check, make_unit("Tokyo** has a plan.", flags="ignore-repairtool"))[0] is False
    assert run(check, make_unit("Tokyo** has a plan.", flags="ignore-all-checks"))[0] is False


def test_per_rule_flags(check: RepairtoolCheck) -> None:
    target = "Tokyo** has raised prices，again."
    failed, text = run(check, make_unit(target, flags="ignore-repairtool-rt101"))
    assert failed and "RT101" not in text and "RT301" in text
    assert run(check, make_unit(target, flags="ignore-repairtool-rt1, ignore-repairtool-rt3")
               )[0] is False
    failed, text = run(check, make_unit(target, flags="ignore-repairtool-masked-token"))
    assert failed and "RT101" not in text
    # Weblate's own check flag switches off the RT8 rule doing the same job
    unit = make_unit("Hello, welcome back!", "Hello %s, welcome back!",
                     flags="c-format, ignore-c-format")
    assert run(check, unit)[0] is False


def test_plural_forms_are_each_checked(check: RepairtoolCheck) -> None:
    unit = make_unit(["One file was deleted.", "%d files were deleted，sorry."],
                     ["One file was deleted.", "%d files were deleted."])
    failed, text = run(check, unit)
    assert failed and text.count("RT301") == 1


def test_plural_forms_of_a_language_with_more_of_them() -> None:
    """Czech has three plural forms to English's two (Weblate maps them; the check sees
    every target with a source)."""
    class Czech(RepairtoolCheck):
        languages = ("cs",)

    unit = make_unit(["%d soubor", "%d soubory", "%d souborÅ¯"], ["%d file", "%d files"],
                     code="cs")
    failed, text = run(Czech(), unit)
    assert failed and text.count("RT701 mojibake") == 1


def test_description_lists_findings_and_counts_the_rest(check: RepairtoolCheck) -> None:
    target = "，".join(f"part {i}" for i in range(12))
    failed, text = run(check, make_unit(target, "parts"))
    assert failed
    assert text.count("RT301 full-width form") == 8 and text.endswith("; and 3 more")


def test_select_and_ignore_options() -> None:
    class OnlyMasked(RepairtoolCheck):
        select = ("RT1",)

    target = "Tokyo** has raised prices，again."
    failed, text = run(OnlyMasked(), make_unit(target))
    assert failed and "RT301" not in text

    class NoMasked(RepairtoolCheck):
        ignore = ("RT1", "RT3")

    assert run(NoMasked(), make_unit(target))[0] is False


def test_autofix_applies_safe_fixes_only() -> None:
    fix = RepairtoolAutoFix()
    unit = make_unit("Prices rose，analysts said。", "价格上涨，分析师说。", source_lang="zh_Hans")
    assert fix.fix_target(unit.get_target_plurals(), unit) == (
        ["Prices rose, analysts said."], True)
    # idempotent: the fixed text needs nothing more
    again = make_unit("Prices rose, analysts said.", "价格上涨，分析师说。", source_lang="zh_Hans")
    assert fix.fix_target(again.get_target_plurals(), again) == (
        ["Prices rose, analysts said."], False)
    # unsafe fixes and suggestions are left to the translator (the check still lists them)
    for target in ("He said the the plan was ready.", "Tokyo** has a plan."):
        unit = make_unit(target, "x")
        assert fix.fix_target([target], unit) == ([target], False)
        assert run(RepairtoolCheck(), make_unit(target, "x"))[0]


def test_autofix_follows_the_checks_languages_and_flags() -> None:
    fix, target = RepairtoolAutoFix(), "Prices rose，again."
    for unit in (make_unit(target, "x", code="de"),
                 make_unit(target, "x", flags="ignore-repairtool"),
                 make_unit(target, "x", flags="ignore-repairtool-rt301")):
        assert fix.fix_target([target], unit) == ([target], False)
    unit = make_unit(["One file，gone.", "%d files，gone."], ["One file gone.", "%d files gone."])
    assert fix.fix_target(unit.get_target_plurals(), unit) == (
        ["One file, gone.", "%d files, gone."], True)


@pytest.mark.skipif(not REAL, reason="needs Weblate's Django settings")
def test_django_setting_configures_the_check() -> None:
    from django.test import override_settings

    with override_settings(REPAIRTOOL_WEBLATE={"languages": ["de"]}):
        check = RepairtoolCheck()
        assert run(check, make_unit("Das CafÃ© ist offen.", "The café is open.",
                                    code="de"))[0]
        assert run(check, make_unit("The cafÃ© is open.", "Kavárna", code="en"))[0] is False


def test_one_check_per_rule_shares_one_scan(check: RepairtoolCheck) -> None:
    from repairtool.integrations import weblate
    from repairtool.output.sarif import help_uri

    masked, fullwidth = weblate.RT101Check(), rule_check("RT301")()
    assert (masked.check_id, masked.ignore_string) == ("repairtool_rt101",
                                                      "ignore-repairtool-rt101")
    assert masked.name == "RT101 masked-token (repairtool)"
    assert masked.description.startswith("Finds `**`")
    # The rule reference of the published docs; no link while the project publishes none.
    assert masked.get_doc_url() == check.get_doc_url() == (help_uri() or "")
    unit = make_unit("Tokyo** has raised prices，again.", "x")
    assert run(masked, unit) == (True, "RT101 masked word '**': a word was censored at the "
                                       "source; maybe 'The Tokyo government has'")
    assert run(fullwidth, unit)[0] and run(check, unit)[0]
    assert len(unit.check_cache["repairtool:findings"]) == 1  # scanned once for all three
    assert run(masked, make_unit("Prices rose，again.", "x"))[0] is False
    assert run(masked, make_unit("Tokyo** has a plan.", flags="ignore-repairtool-rt101")
               )[0] is False
    with pytest.raises(AttributeError, match="no rule RT999"):
        weblate.RT999Check  # noqa: B018


@pytest.mark.skipif(not REAL, reason="needs Weblate")
def test_weblate_loads_the_check_and_autofix_from_its_settings() -> None:
    from weblate.checks.flags import Flags
    from weblate.checks.models import CHECKS
    from weblate.trans.autofixes import AUTOFIXES, fix_target

    assert isinstance(CHECKS["repairtool"], RepairtoolCheck)
    assert CHECKS["repairtool_rt101"].code == "RT101"
    assert isinstance(AUTOFIXES["repairtool"], RepairtoolAutoFix)
    Flags("ignore-repairtool, ignore-repairtool-rt101").validate()  # known flags
    # Weblate's own save-time pass runs every autofix, ours included
    unit = make_unit("  Prices rose，again. ", " Ceny vzrostly. ", source_lang="cs")
    assert fix_target(unit.get_target_plurals(), unit) == (
        [" Prices rose, again. "], ["Trailing and leading whitespace",
                                    "Machine-translation damage (repairtool safe fixes)"])


def test_language_codes() -> None:
    assert [base_language(c) for c in ("en", "en_GB", "en-US", "en@pirate", "EN")] == \
        ["en"] * 5
    assert base_language("zh_Hant") == "zh"


def test_scan_start_up_imports_no_integration_library() -> None:
    """The issue: nothing heavy is imported when ``repairtool scan`` starts."""
    code = ("import sys, repairtool.cli, repairtool.engine; print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in {'weblate', 'django', 'datatrove', 'loguru'}"
            " or m.startswith('repairtool.integrations')))")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env, check=True)
    assert proc.stdout.strip() == "[]"
