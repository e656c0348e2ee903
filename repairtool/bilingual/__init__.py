"""Bilingual files: reading translation units with exact file positions, checking them,
and writing accepted edits back.

- :mod:`.formats` reads PO, XLIFF 1.2/2.0, TMX (streamed), TSV/JSONL pairs and the formats
  translate-toolkit reads (Android ``strings.xml``, iOS ``.strings``, i18next JSON, SRT, WebVTT);
- :mod:`.safexml` refuses XML with entity declarations or external references;
- :mod:`.scan` runs the target language's monolingual rules and the RT8 rules per file;
- :mod:`.writeback` applies edits through the same library and marks entries for review.

Nothing is imported until used, so that the CLI starts fast on plain text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BilingualFile", "Unit", "fix_file", "is_bilingual_path", "read_units", "write_back"]


def __getattr__(name: str) -> Any:
    if name in ("write_back", "fix_file"):
        from repairtool.bilingual import writeback

        return getattr(writeback, name)
    if name in __all__:
        from repairtool.bilingual import formats

        return getattr(formats, name)
    raise AttributeError(name)
