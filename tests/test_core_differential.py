"""The compiled core (repairtool._core) against the Python passes it replaces.

Issue #14 moves the scan's shared passes to Rust one at a time; until a Python pass is
removed, both must give identical results: the pass itself on every text below, and the
whole scan's findings (as ``--format json`` writes them) with the core and without it.
Texts: fixtures/ (files and the rule cases), the wild set (benchmarks/wild/texts/, local
data) and a slice of the clean corpora (benchmarks/out/clean_genres.pickle, local data);
the last two are skipped where absent.
"""

from __future__ import annotations

import json
import pickle
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repairtool import document
from repairtool.config import Settings
from repairtool.document import MASK, Document
from repairtool.engine import FileResult, check
from repairtool.output import finding_dict

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "benchmarks" / "wild" / "texts"
CLEAN = ROOT / "benchmarks" / "out" / "clean_genres.pickle"
#: Documents of each clean genre in the slice, and the slice's size for the whole scan.
CLEAN_DOCS = 6
SCAN_BUDGET = 400_000
INDEX_BUDGET = 3_000_000

core = document._core


def test_core_is_built() -> None:
    """`pip install` builds the extension; without it every pass silently runs in Python."""
    assert core is not None, "repairtool._core is missing: build it (pip install -e .)"


needs_core = pytest.mark.skipif(core is None, reason="repairtool._core not built")


def _fixture_texts() -> Iterator[tuple[str, str, str]]:
    """(name, text, kind) of every fixture file that decodes as UTF-8, and of every rule
    case in fixtures/rules/."""
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if not path.is_file() or path.suffix in {".gz", ".parquet"}:
            continue
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        yield str(path.relative_to(ROOT)), text, "markdown" if path.suffix == ".md" else "text"
    for path in sorted((ROOT / "fixtures" / "rules").glob("*.toml")):
        table = tomllib.loads(path.read_text("utf-8"))
        for group in ("fire", "silent"):
            for n, case in enumerate(table.get(group, [])):
                if isinstance(case.get("text"), str):
                    yield f"{path.name}:{group}:{n}", case["text"], case.get("kind", "text")


def _wild_texts() -> list[tuple[str, str, str]]:
    if not WILD.is_dir():
        return []
    return [(p.name, p.read_text("utf-8"), "text") for p in sorted(WILD.glob("*.txt"))]


def _clean_texts() -> list[tuple[str, str, str]]:
    if not CLEAN.is_file():
        return []
    with CLEAN.open("rb") as fh:
        genres = pickle.load(fh)
    return [doc for docs in genres.values() for doc in docs[:CLEAN_DOCS]]


def _corpus(which: str) -> list[tuple[str, str, str]]:
    texts = {"fixtures": list(_fixture_texts()), "wild": _wild_texts(),
             "clean": _clean_texts()}[which]
    if not texts:
        pytest.skip(f"no {which} texts here (local data)")
    return texts


def _same_pass(text: str) -> None:
    """Both passes on ``text`` and on its masked view."""
    assert core.line_starts(text) == document.py_line_starts(text)
    doc = Document.from_text(text, layout=True)
    assert core.line_starts(doc.view) == document.py_line_starts(doc.view)
    assert document.paragraphs(doc.view) == document.py_paragraphs(doc.view)
    assert document.paragraphs(text) == document.py_paragraphs(text)
    assert document.non_ascii_runs(doc.view) == document.py_non_ascii_runs(doc.view)
    assert document.non_ascii_runs(text) == document.py_non_ascii_runs(text)
    assert document.view_index(doc.view) == (doc._paragraphs, tuple(doc.non_ascii))
    assert tuple(doc.non_ascii) == document.py_non_ascii_runs(doc.view)
    assert doc._paragraphs == document.py_paragraphs(doc.view)


@needs_core
@pytest.mark.parametrize("which", ["fixtures", "wild", "clean"])
def test_index_pass_identical(which: str) -> None:
    for name, text, _kind in _budget(_corpus(which), INDEX_BUDGET):
        try:
            _same_pass(text)
        except AssertionError:
            pytest.fail(f"the core's index differs from Python's on {name}")


#: The characters the paragraph pattern tells apart: line breaks, the blank-line set
#: (space, tab, CR, mask), other Unicode spaces, and code points of 1 to 4 UTF-8 bytes.
_ALPHABET = "\n\n\n\r\t  " + MASK + "\u3000\x0b\x1c\x85\xa0\u2028ab.é中😀"


@needs_core
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_index_pass_identical_generated(text: str) -> None:
    assert core.line_starts(text) == document.py_line_starts(text)
    assert document.paragraphs(text) == document.py_paragraphs(text)
    assert document.non_ascii_runs(text) == document.py_non_ascii_runs(text)
    assert document.view_index(text) == (document.py_paragraphs(text),
                                          document.py_non_ascii_runs(text))


@needs_core
def test_every_code_point() -> None:
    """Each code point alone between blank lines: the core's space set is `re`'s `\\s` and
    its non-ASCII runs are `regex`'s (every code point of the BMP, where all the spaces
    are, and every 61st above it)."""
    points = [*range(0xD800), *range(0xE000, 0x10000), *range(0x10000, 0x110000, 61)]
    text = "\n\n".join(map(chr, points))
    assert document.paragraphs(text) == document.py_paragraphs(text)
    assert core.line_starts(text) == document.py_line_starts(text)
    assert document.non_ascii_runs(text) == document.py_non_ascii_runs(text)


def test_lone_surrogates_fall_back() -> None:
    """Text that is not UTF-8 (lone surrogates) goes to the Python pass, not to an error."""
    text = "a\udcff b\n\nc"
    assert document.paragraphs(text) == document.py_paragraphs(text) == ((0, 4), (6, 7))
    assert document.line_starts(text) == [0, 5, 6]
    assert document.non_ascii_runs(text) == document.py_non_ascii_runs(text) == ((1, 2),)


def _scan_json(texts: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for name, text, kind in texts:
        findings, doc = check(text, kind=kind, settings=Settings())
        result = FileResult(name, None, findings, document=doc)
        out.append(json.dumps([finding_dict(result, f) for f in findings], sort_keys=True))
    return out


def _budget(texts: list[tuple[str, str, str]], budget: int = SCAN_BUDGET
            ) -> list[tuple[str, str, str]]:
    """The first texts up to ``budget`` code points (a whole scan is slow)."""
    kept, size = [], 0
    for item in texts:
        if size >= budget:
            break
        kept.append(item)
        size += len(item[1])
    return kept


@needs_core
@pytest.mark.parametrize("which", ["fixtures", "wild", "clean"])
def test_whole_scan_identical(which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _budget(_corpus(which))
    with_core = _scan_json(texts)
    monkeypatch.setattr(document, "_core", None)
    without = _scan_json(texts)
    for (name, _, _), a, b in zip(texts, with_core, without, strict=True):
        assert a == b, f"findings differ with and without the core on {name}"
    print(f"{which}: {len(texts)} texts, {sum(len(t) for _, t, _ in texts)} code points",
          file=sys.stderr)
