"""A compact English word list, loaded lazily on the first look-up and cached.

The list (``repairtool/data/en_words.txt.gz``, built by ``benchmarks/build_wordlist.py`` from
the ``wordsegment`` 1.3.1 data, see ``repairtool/data/SOURCES.md``) holds the most frequent
tokens of the Google Web Trillion Word Corpus, most frequent first. Tokens that are also in
an English dictionary are written in lower case; frequent tokens that are not (names, brands,
newer compounds such as ``login``) with a capital first letter.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path


@cache
def _sections(name: str) -> dict[str, tuple[str, ...]]:
    """The ``[section]`` word lists of ``data/NAME``, each in file order (``#`` comments)."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in (Path(__file__).parent / "data" / name).read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line:
            current.extend(line.split())
    return {k: tuple(v) for k, v in sections.items()}


def word_list(section: str, name: str | None = None) -> tuple[str, ...]:
    """The words of ``[section]`` in ``data/en_rule_words.txt`` (or ``data/NAME``), in file
    order."""
    return _sections(name or RULE_WORDS)[section]


def word_set(section: str, name: str | None = None) -> frozenset[str]:
    """The words of ``[section]`` in ``data/en_rule_words.txt`` (or ``data/NAME``), as a
    set."""
    return frozenset(word_list(section, name))


def word_set_of(name: str, section: str) -> frozenset[str]:
    """The words of ``[section]`` in ``data/NAME`` (a rule family's own list), as a set."""
    return frozenset(_sections(name)[section])


RULE_WORDS = "en_rule_words.txt"
FUNCTION_WORDS = word_set("function-words")
TRAILING_GLUE = word_set("trailing-glue")
LEADING_GLUE = word_set("leading-glue")
DETERMINERS = word_set("determiners")

_DATA = "en_words.txt.gz"


#: Look-ups answered by searching the raw list before the sets are built: a small file asks
#: a handful of words, and building sets of 80,000 words costs 30 ms of a 150 ms budget.
_DIRECT_LOOKUPS = 48
_lookups = 0


@cache
def _text() -> str:
    """The list with a line break before the first and after the last token."""
    import gzip  # only on the first look-up

    raw = (Path(__file__).parent / "data" / _DATA).read_bytes()
    return "\n" + gzip.decompress(raw).decode("utf-8").strip() + "\n"


@cache
def _lower_text() -> str:
    return _text().lower()


@cache
def _sets() -> tuple[frozenset[str], frozenset[str]]:
    """Every listed token (lower case) and the dictionary words among them.

    Built with string and set operations in C rather than a Python loop over the lines.
    """
    text = _text()
    known = frozenset(text.lower().split())
    names = frozenset(" ".join(re.findall(r"(?m)^[A-Z]\S*", text)).lower().split())
    return known, known - names


@cache
def _ranks() -> dict[str, int]:
    """Rank of every listed token (0 = most frequent)."""
    lines = _lower_text().split()
    return dict(zip(lines, range(len(lines)), strict=True))


def _direct() -> bool:
    """Whether to search the raw text (the first few look-ups) rather than build tables."""
    global _lookups
    _lookups += 1
    return _lookups <= _DIRECT_LOOKUPS and _sets.cache_info().currsize == 0


def known_tokens() -> frozenset[str]:
    """Every listed token, lower case (a set, for fast set differences)."""
    return _sets()[0]


def rank(word: str) -> int | None:
    """Frequency rank of ``word`` (case-insensitive; 0 is ``the``), or ``None`` if unlisted."""
    w = word.lower()
    if _ranks.cache_info().currsize == 0 and _direct():
        text = _lower_text()
        at = text.find(f"\n{w}\n")
        return None if at < 0 or not w else text.count("\n", 0, at)
    return _ranks().get(w)


def is_known(word: str) -> bool:
    """Whether ``word`` is a listed token: a dictionary word or a frequent name or term."""
    w = word.lower()
    if _direct():
        return bool(w) and f"\n{w}\n" in _lower_text()
    return w in _sets()[0]


def is_word(word: str) -> bool:
    """Whether ``word`` is a frequent English dictionary word (not just a name or term)."""
    w = word.lower()
    if _direct():
        return bool(w) and f"\n{w}\n" in _text()  # dictionary words are listed lower case
    return w in _sets()[1]


@cache
def _identifier_parts() -> dict[str, frozenset[str]]:
    """The sections of ``data/identifier_parts.txt``: ``heads``, ``tails`` and ``tokens``."""
    return {k: frozenset(v) for k, v in _sections("identifier_parts.txt").items()}


def is_identifier_head(word: str) -> bool:
    """Whether ``word`` often starts a camelCase identifier (``emit`` in ``emitBefore``)."""
    return word.lower() in _identifier_parts()["heads"]


def is_identifier_tail(word: str) -> bool:
    """Whether ``word`` often ends an identifier (``Params`` in ``searchParams``)."""
    return word.lower() in _identifier_parts()["tails"]


def is_keyword(token: str) -> bool:
    """Whether ``token`` is a programming keyword or call (``typeof``, ``openat``)."""
    return token.lower() in _identifier_parts()["tokens"]


def is_function_word(word: str) -> bool:
    return word.lower() in FUNCTION_WORDS


def glue_splits(token: str, is_content_word=None) -> list[tuple[str, str]]:
    """The ways ``token`` (lower case) reads as a word with a function word glued to it.

    ``decidedto`` -> ``[("decided", "to")]``; ``inthe`` -> ``[("in", "the")]``. A content
    part must be a dictionary word of at least three letters (``is_content_word`` decides,
    :func:`is_word` by default). Known tokens are not checked here: the caller does that.
    """
    check = is_content_word or is_word
    out: list[tuple[str, str]] = []
    n = len(token)
    for i in range(1, n):
        left, right = token[:i], token[i:]
        trailing = right in TRAILING_GLUE and len(left) >= 3 and check(left)
        if trailing or (left in LEADING_GLUE and right in DETERMINERS):
            out.append((left, right))
    return out
