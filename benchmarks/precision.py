"""Precision on clean text: findings and false alarms per 100 KB at default settings.

    python benchmarks/precision.py                    # every measure
    python benchmarks/precision.py --genre manuals    # one genre of clean English (repeatable)
    python benchmarks/precision.py --show             # and every finding in context
    python benchmarks/precision.py --unjudged 20      # up to 20 unjudged findings a genre, as
                                                      # lines for benchmarks/clean_judgements.tsv
    python benchmarks/precision.py --markdown /usr/share/doc/nodejs   # more Markdown

Clean text: the human reference translations of ../shared/corpora/mqm-zhen-google (text
files), the Markdown READMEs of the installed Python packages, the *.md files below each
--markdown folder, and the genres of :func:`corpus_text.clean_genres` (manuals, man pages,
licences and policies, literature, quotations, technical prose, Markdown docs; installed by
benchmarks/get_clean_corpora.sh and cached, being slow to render, in benchmarks/out/).

False alarms come from benchmarks/clean_judgements.tsv, a reader's verdict (``real`` or
``false``) on findings, keyed by genre, document, rule and excerpt. A genre whose findings are
all judged gets its exact false-alarm figure; otherwise the figure is the judged false share
times the findings, and the line says how many were judged.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import random
import sys
from collections import Counter
from pathlib import Path

from corpus_text import clean_genres, package_markdown, references

from repairtool.config import Settings
from repairtool.engine import scan_text
from repairtool.model import Finding

HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "clean_judgements.tsv"
CACHE = HERE / "out" / "clean_genres.pickle"
Doc = tuple[str, str, str]
Key = tuple[str, str, str, str]


def excerpt(text: str, f: Finding) -> str:
    """The finding's text with 30 code points each side, one line (the judgement key)."""
    ctx = text[max(0, f.start - 30):f.start] + "[" + text[f.start:f.end] + "]" + \
        text[f.end:f.end + 30]
    return ctx.replace("\t", "⇥").replace("\n", "⏎")


def load_judgements() -> dict[Key, str]:
    if not JUDGEMENTS.is_file():
        return {}
    with JUDGEMENTS.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {(r["genre"], r["doc"], r["rule"], r["excerpt"]): r["verdict"] for r in rows}


def findings_of(docs: list[Doc], settings: Settings) -> list[tuple[str, str, Finding]]:
    out = []
    for doc_name, text, kind in docs:
        for f in scan_text(text, kind=kind, settings=settings):
            if f.severity >= settings.min_severity:
                out.append((doc_name, text, f))
    return out


def measure(name: str, docs: list[Doc], args: argparse.Namespace,
            judged: dict[Key, str]) -> tuple[int, int, float]:
    """Print one line for ``docs``; returns (bytes, findings, estimated false alarms)."""
    settings = Settings()
    size = sum(len(text.encode("utf-8")) for _, text, _ in docs)
    found = findings_of(docs, settings)
    by_rule = Counter(f.rule.code for _, _, f in found)
    verdicts = Counter()
    unjudged = []
    for doc_name, text, f in found:
        key = (name, doc_name, f.rule.code, excerpt(text, f))
        verdict = judged.get(key)
        verdicts[verdict or "?"] += 1
        if verdict is None:
            unjudged.append(key)
        if args.show:
            print(f"  {f.rule.code} {doc_name}: {key[3]}  [{f.message}]"
                  f"{'  <' + verdict + '>' if verdict else ''}")
    total = len(found)
    per = 102_400 / size if size else 0.0
    n_judged = verdicts["real"] + verdicts["false"]
    false = verdicts["false"] * (total / n_judged) if n_judged else 0.0
    note = (f"false alarms {false * per:.2f} per 100 KB "
            f"({verdicts['false']} false, {verdicts['real']} real of {n_judged} judged)"
            if n_judged else "none judged")
    print(f"{name}: {len(docs)} documents, {size / 1024:.0f} KB, {total} findings, "
          f"{total * per:.2f} per 100 KB; {note}  {dict(sorted(by_rule.items()))}")
    if args.unjudged and unjudged:
        for key in random.Random(9).sample(unjudged, min(args.unjudged, len(unjudged))):
            print("\t".join((*key, "?")), file=sys.stderr)
    return size, total, false


def genres(rebuild: bool) -> dict[str, list[Doc]]:
    """The clean genres, from the cache unless asked to rebuild (rendering takes ~1.5 min)."""
    if CACHE.is_file() and not rebuild:
        with CACHE.open("rb") as fh:
            cached: dict[str, list[Doc]] = pickle.load(fh)
            return cached
    built = clean_genres()
    CACHE.parent.mkdir(exist_ok=True)
    with CACHE.open("wb") as fh:
        pickle.dump(built, fh)
    return built


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every finding in context")
    ap.add_argument("--genre", action="append", default=[],
                    help="measure only this clean genre (repeatable)")
    ap.add_argument("--unjudged", type=int, default=0, metavar="N",
                    help="print up to N unjudged findings a measure to stderr, as TSV rows")
    ap.add_argument("--rebuild", action="store_true", help="re-read the installed packages")
    ap.add_argument("--markdown", action="append", default=[], type=Path,
                    help="a folder of Markdown documentation to add (repeatable)")
    args = ap.parse_args()
    judged = load_judgements()
    if not args.genre:
        measure("references", [(n, t, "text") for n, t in references()], args, judged)
        measure("package READMEs", [(n, t, "markdown") for n, t in package_markdown()],
                args, judged)
        for folder in args.markdown:
            docs = [(str(p), p.read_text(encoding="utf-8", errors="replace"), "markdown")
                    for p in sorted(folder.rglob("*.md")) if p.is_file()]
            measure(str(folder), docs, args, judged)
    size = total = false = 0.0
    for genre, docs in genres(args.rebuild).items():
        if args.genre and genre not in args.genre:
            continue
        if not docs:
            print(f"{genre}: no documents (run benchmarks/get_clean_corpora.sh)")
            continue
        s, t, f = measure(genre, docs, args, judged)
        size, total, false = size + s, total + t, false + f
    if size:
        per = 102_400 / size
        print(f"clean genres together: {size / 1e6:.1f} MB, {total:.0f} findings, "
              f"{total * per:.2f} per 100 KB, false alarms ≈ {false * per:.2f} per 100 KB")


if __name__ == "__main__":
    main()
