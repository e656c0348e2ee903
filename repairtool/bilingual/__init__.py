"""Bilingual files: reading translation units with exact file positions, checking them,
and writing accepted edits back.

- :mod:`.formats` reads PO, XLIFF 1.2/2.0, TMX (streamed), TSV/JSONL pairs and the formats
  translate-toolkit reads (Android ``strings.xml``, iOS ``.strings``, i18next JSON, SRT, WebVTT);
- :mod:`.safexml` refuses XML with entity declarations or external references;
- :mod:`.scan` runs the target language's monolingual rules and the RT8 rules per file;
- :mod:`.writeback` applies edits through the same library and marks entries for review.
"""

from repairtool.bilingual.formats import BilingualFile, Unit, is_bilingual_path, read_units

__all__ = ["BilingualFile", "Unit", "is_bilingual_path", "read_units", "write_back"]


def write_back(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`repairtool.bilingual.writeback.write_back`."""
    from repairtool.bilingual.writeback import write_back as _write_back

    return _write_back(*args, **kwargs)
