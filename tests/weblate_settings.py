"""Django settings for the Weblate check tests when Weblate is installed: Weblate's own test
settings with the repairtool check and autofix enabled, as an administrator enables them.
(No database is used: Weblate's test settings only need one named.)"""

import os

os.environ.setdefault("CI_DATABASE", "postgresql")

from weblate.settings_test import *  # noqa: F403

CHECK_LIST = (
    "weblate.checks.chars.EndStopCheck",
    "weblate.checks.format.CFormatCheck",
    "repairtool.integrations.weblate.RepairtoolCheck",
    "repairtool.integrations.weblate.RT101Check",
)
AUTOFIX_LIST = (
    "weblate.trans.autofixes.whitespace.SameBookendingWhitespace",
    "repairtool.integrations.weblate.RepairtoolAutoFix",
)
