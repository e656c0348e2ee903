"""Which files are bilingual, by name: cheap enough to ask for every scanned file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from repairtool.source import MARKDOWN_SUFFIXES

PO_SUFFIXES = frozenset({".po", ".pot"})
XLIFF_SUFFIXES = frozenset({".xlf", ".xliff"})
TMX_SUFFIXES = frozenset({".tmx"})
OTHER_SUFFIXES = frozenset({".strings", ".srt", ".vtt"})
#: Monolingual text files (Markdown and MDX are parsed as Markdown).
TEXT_SUFFIXES = frozenset({".txt", ".text"}) | MARKDOWN_SUFFIXES


def is_scanned(path: str | Path, bilingual: str | None = None) -> bool:
    """Whether a folder scan reads ``path``: text, Markdown, or a file :func:`format_for`
    reads as bilingual -- the same table that decides how a named file is read. With
    ``--bilingual tsv|jsonl`` a folder scan also reads the ``.tsv``/``.jsonl`` files."""
    p = Path(path)
    suffix = p.suffix.lower()
    return suffix in TEXT_SUFFIXES or format_for(p) is not None or \
        (bilingual is not None and suffix == "." + bilingual)


def is_bilingual_path(path: str | Path, bilingual: str | None = None) -> bool:
    """Whether ``path`` is read as a bilingual file (by extension, or ``--bilingual``)."""
    return format_for(Path(path), bilingual) is not None


def format_for(path: Path, bilingual: str | None = None) -> str | None:
    if bilingual:
        return bilingual
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix in PO_SUFFIXES:
        return "po"
    if suffix in XLIFF_SUFFIXES:
        return "xliff"
    if suffix in TMX_SUFFIXES:
        return "tmx"
    if name == "strings.xml" or (suffix == ".xml" and path.parent.name.startswith("values")):
        return "android"
    if suffix == ".strings":
        return "strings"
    if suffix in {".srt", ".vtt"}:
        return "subtitles"
    if suffix == ".json" and path.parent.name.lower() in _I18N_DIRS:
        return "i18next"
    return None


_I18N_DIRS = frozenset({"locales", "locale", "i18n", "translations", "lang", "langs"}) | {
    "en", "zh", "zh-cn", "zh-hans", "zh_cn", "de", "fr", "es", "ja", "ko"}


def is_bilingual_result(result: Any) -> bool:
    """Whether a scanned file (a ``FileResult``) is bilingual: fixed through its format."""
    settings = getattr(result, "settings", None)
    bilingual = settings.extra.get("bilingual") if settings is not None else None
    return result.fs_path is not None and is_bilingual_path(result.fs_path, bilingual)
