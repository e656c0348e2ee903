"""Precision on clean text: findings per 100 KB at default settings, and each finding listed.

    python benchmarks/precision.py            # figures
    python benchmarks/precision.py --show     # and every finding in context, to judge it
    python benchmarks/precision.py --markdown /usr/share/doc/nodejs   # more Markdown

Clean text: the human reference translations of ../shared/corpora/mqm-zhen-google (text
files), the Markdown READMEs of the installed Python packages, and the *.md files below
each --markdown folder (Markdown files).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from corpus_text import package_markdown, references

from repairtool.config import Settings
from repairtool.engine import scan_text


def measure(name: str, docs: list[tuple[str, str]], kind: str, show: bool) -> None:
    settings = Settings()
    size = sum(len(text.encode("utf-8")) for _, text in docs)
    by_rule: Counter[str] = Counter()
    for doc_name, text in docs:
        for f in scan_text(text, kind=kind, settings=settings):
            if f.severity < settings.min_severity:
                continue
            by_rule[f.rule.code] += 1
            if show:
                ctx = text[max(0, f.start - 40):f.end + 40].replace("\n", "⏎")
                print(f"  {f.rule.code} {doc_name}: …{ctx}…  [{f.message}]")
    total = sum(by_rule.values())
    print(f"{name}: {len(docs)} documents, {size / 1024:.0f} KB, {total} findings, "
          f"{total / (size / 102_400):.2f} per 100 KB  {dict(sorted(by_rule.items()))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every finding in context")
    ap.add_argument("--markdown", action="append", default=[], type=Path,
                    help="a folder of Markdown documentation to add (repeatable)")
    args = ap.parse_args()
    measure("references (mqm-zhen-google ref*)", references(), "text", args.show)
    measure("package READMEs (Markdown)", package_markdown(), "markdown", args.show)
    for folder in args.markdown:
        docs = [(str(p), p.read_text(encoding="utf-8", errors="replace"))
                for p in sorted(folder.rglob("*.md")) if p.is_file()]
        measure(f"{folder} (Markdown)", docs, "markdown", args.show)


if __name__ == "__main__":
    main()
