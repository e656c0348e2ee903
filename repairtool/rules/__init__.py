"""The rules, one module per family; importing this package registers them all.

Families: RT0 meta, RT1 masked tokens, RT2 run-on joins, RT3 source-language leftovers,
RT4 repetition, RT5 glued fragments, RT6 calques and garbled set phrases, RT7 encoding and
markup debris, RT8 bilingual checks.
"""

import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "base":
        importlib.import_module(f"{__name__}.{_mod.name}")
