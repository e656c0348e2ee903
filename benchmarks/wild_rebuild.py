"""Rebuild the wild set's passage texts (benchmarks/wild/texts/, git-ignored) from the manifest.

    python benchmarks/wild_rebuild.py                    # each passage: status, URL and query
    python benchmarks/wild_rebuild.py --import ANSWER    # save the texts found in a search answer
    python benchmarks/wild_rebuild.py --check            # exit 1 unless every text is present

The texts are third-party web pages (machine-translated content-farm and mirror pages), so
the repository keeps only their URLs, the search queries that found them, their sha256 and
our labels (benchmarks/wild/manifest.jsonl). They came from the stored web-page corpus of
the project's search tool (the ``pages`` corpus), which answers a query with up to 12
results, each an excerpt of at most 2,000 UTF-8 bytes from the page's beginning. To rebuild:

1. Run this script without arguments: it lists every passage whose text is missing or
   changed, with its URL and the query that found it.
2. For each, run that query in the search tool's ``pages`` corpus and save the whole JSON
   answer (or just the one result object) to a file. The same URL can come back with a
   different excerpt under another query, so use the listed query.
3. Run ``--import FILE`` (repeatable), or save the result object as texts/<id>.json and run
   the script again: every result whose URL is a manifest passage's and whose excerpt has
   the passage's sha256 is written to texts/<id>.txt. A result that matches the URL but not
   the hash is reported and not written. A text saved directly as texts/<id>.txt is checked
   the same way (it is listed as missing while its hash differs).

Honest limits: the store is not ours and may change or drop a page, so a passage may not be
rebuildable. The excerpts were copied from the search answers into files by hand and checked
by length (a truncated excerpt is exactly 2,000 bytes); where the length showed that a space
had to be a no-break space, one was restored. So a rebuilt excerpt may differ from ours only
in the kind of space; ``sha256_loose`` in the manifest hashes the text with every no-break
or narrow space read as a plain space, and a text matching that hash and the length is
accepted as it is (benchmarks/wild.py accepts it too: every label keeps its offsets).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from wild import WILD_DIR, Passage, load_manifest, matches, read_texts


def results_in(obj: Any) -> Iterator[dict[str, Any]]:
    """Every search result object (with "url" and "excerpt") inside a saved answer."""
    if isinstance(obj, dict):
        if isinstance(obj.get("url"), str) and isinstance(obj.get("excerpt"), str):
            yield obj
        for value in obj.values():
            yield from results_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from results_in(value)


def import_answer(path: Path, passages: Iterable[Passage], texts_dir: Path) -> list[str]:
    """Write the texts a saved answer holds; one line per text written or refused."""
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: not a saved search answer ({exc})"]
    by_url: dict[str, list[Passage]] = {}
    for p in passages:
        by_url.setdefault(p.url, []).append(p)
    lines = []
    for result in results_in(answer):
        for p in by_url.get(result["url"], []):
            text = result["excerpt"]
            if matches(p, text):
                texts_dir.mkdir(parents=True, exist_ok=True)
                (texts_dir / f"{p.id}.txt").write_text(text, encoding="utf-8")
                lines.append(f"{p.id}: written from {path}")
            else:
                lines.append(f"{p.id}: {path} has the URL but another excerpt (not written; "
                             f"search with the query {p.query!r})")
    return lines or [f"{path}: no result for a manifest passage"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--import", dest="answers", action="append", default=[], type=Path,
                    metavar="ANSWER", help="a saved search answer (JSON) to take texts from")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every text is present")
    args = ap.parse_args(argv)
    manifest = WILD_DIR / "manifest.jsonl"
    try:
        passages = load_manifest(manifest)
    except (OSError, ValueError) as exc:
        print(f"wild_rebuild.py: {manifest}: cannot read the manifest ({exc})", file=sys.stderr)
        return 2
    texts_dir = WILD_DIR / "texts"
    # A result object saved as texts/<id>.json is taken like an imported answer.
    saved = [texts_dir / f"{p.id}.json" for p in passages
             if not (texts_dir / f"{p.id}.txt").exists() and (texts_dir / f"{p.id}.json").exists()]
    for path in [*saved, *args.answers]:
        print("\n".join(import_answer(path, passages, texts_dir)))
    texts, _ = read_texts(passages, texts_dir)
    missing = [p for p in passages if p.id not in texts]
    if not args.check:
        for p in missing:
            print(f"{p.id}  missing  {p.url}\n      query: {p.query}")
    print(f"{len(texts)} of {len(passages)} passage texts present and unchanged")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
