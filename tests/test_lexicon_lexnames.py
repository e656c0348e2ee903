"""The two lexicon families of helper lexnames: names read in Mandarin and recurring MT phrases.

Each entry's example must match it, its silent look-alikes must not, and no entry may repeat
one of another shipped family (the test checks the example against the other families).
Runs once the loader reads repairtool/data/calques/*.toml (lexcore's loader); skipped before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from repairtool import lexicon

DATA = Path(lexicon.__file__).parent / "data" / "calques"
FILES = ("names_mandarin.toml", "mt_phrases.toml")

if not hasattr(lexicon, "shipped_paths"):
    pytest.skip("the loader does not read repairtool/data/calques/ yet", allow_module_level=True)


def _entries(name: str) -> list[lexicon.Entry]:
    path = DATA / name
    return lexicon.parse_lexicon(path.read_text(encoding="utf-8"), str(path), strict=True)


@pytest.mark.parametrize("name", FILES)
def test_examples_match_and_silents_stay_silent(name: str) -> None:
    for entry in _entries(name):
        own = [lexicon.Lexicon([entry])]
        assert lexicon.find_matches(entry.example, own), (entry.pattern, entry.example)
        for sentence in entry.silent:
            assert not lexicon.find_matches(sentence, own), (entry.pattern, sentence)


@pytest.mark.parametrize("name", FILES)
def test_no_entry_repeats_another_family(name: str) -> None:
    others = [p for p in lexicon.shipped_paths() if Path(p).name not in FILES]
    rest = [lexicon.Lexicon([e for p in others
                             for e in lexicon.parse_lexicon(Path(p).read_text(encoding="utf-8"),
                                                            str(p))])]
    for entry in _entries(name):
        assert not lexicon.find_matches(entry.example, rest), (entry.pattern, entry.example)


def test_no_pinyin_name_is_its_own_english_spelling() -> None:
    # A pinyin reading is a calque only where English writes the name otherwise.
    for entry in _entries("names_mandarin.toml"):
        own = [lexicon.Lexicon([entry])]
        for suggestion in entry.suggest:
            assert not lexicon.find_matches(suggestion, own), (entry.pattern, suggestion)
