"""Language codes: which are known, and how many plural forms a language has.

translate-toolkit's table (``translate.lang.data.languages``: ISO 639 code -> name, plural
count, plural expression) is the one the PO tools use, so ``--language fr`` and a PO header's
``Plural-Forms`` are judged by the same data.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


@lru_cache(maxsize=1)
def _primary_codes() -> frozenset[str]:
    from translate.lang import data

    return frozenset(k.split("_")[0].lower() for k in data.languages)


def normalise(code: str) -> str | None:
    """``code`` as a BCP 47-style tag (``en-GB``), or ``None`` when its language is unknown
    (``english``, ``xx``). Regions and scripts are kept; ``_`` becomes ``-``."""
    code = code.strip()
    if not _TAG.fullmatch(code):
        return None
    parts = code.replace("_", "-").split("-")
    if parts[0].lower() not in _primary_codes():
        return None
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def plural_count(lang: str) -> int | None:
    """How many plural forms ``lang`` has (``None`` when the table does not say)."""
    from translate.lang import data

    code = lang.replace("-", "_")
    for key in (code, code.split("_")[0].lower()):
        entry = data.languages.get(key)
        if entry is not None:
            return int(entry[1])
    return None
