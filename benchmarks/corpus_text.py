"""Real text for the benchmarks, read from ../shared/corpora and installed packages.

- :func:`references`: the human reference translations (systems ``ref*``) of
  ``mqm-zhen-google`` — clean professional English — one document per (system, doc), segments
  as paragraphs.
- :func:`mt_documents`: the MT outputs of the same files, built the same way.
- :func:`varied_text`: MT output and post-edits of all the corpora, without repeats.
- :func:`package_markdown`: technical Markdown: the long descriptions (``README``s) that
  installed Python packages carry in their ``METADATA`` (``Description-Content-Type:
  text/markdown``), full of code spans, identifiers and ``**bold**``.
"""

from __future__ import annotations

import csv
import email
import email.policy
import sys
from collections import defaultdict
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
csv.field_size_limit(1 << 30)


def require_corpora() -> Path:
    if not CORPORA.is_dir():
        sys.exit(f"benchmarks need {CORPORA} (the shared corpora); it is not there")
    return CORPORA


def strip_tags(text: str) -> str:
    return text.replace("<v>", "").replace("</v>", "")


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _documents(want_refs: bool) -> list[tuple[str, str]]:
    segs: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for path in sorted((require_corpora() / "mqm-zhen-google").glob("*.tsv")):
        for row in read_tsv(path):
            system = row["system"].removeprefix("hyp.")
            if system.startswith("ref") != want_refs:
                continue
            segs[(f"{path.stem}/{system}", row["doc"])][int(row["seg_id"])] = \
                strip_tags(row["target"])
    return [(f"{name}/{doc}", "\n\n".join(s for _, s in sorted(parts.items())) + "\n")
            for (name, doc), parts in sorted(segs.items())]


def references() -> list[tuple[str, str]]:
    """(name, text) of every human reference document."""
    return _documents(True)


def reference_sentences(min_chars: int = 20) -> list[str]:
    """Every reference segment (deduplicated) of at least ``min_chars`` characters."""
    return [p.strip() for _, doc in references() for p in doc.split("\n\n")
            if len(p.strip()) >= min_chars]


def mt_documents() -> list[tuple[str, str]]:
    """(name, text) of every MT output document."""
    return _documents(False)


def varied_text(target: int) -> str:
    """About ``target`` bytes of real MT output and post-edits with no repeats: the
    references and MT documents above once, then every distinct English segment of
    MLQE-PE (``mt`` and ``pe`` of the ``*-en`` splits, which are tokenised: `word ,`) and the
    MT targets of the WMT 2020 and 2023 MQM sets, one paragraph each, in file order."""
    corpora = require_corpora()
    parts = [t for _, t in references()] + [t for _, t in mt_documents()]
    size = sum(len(p.encode("utf-8")) + 1 for p in parts)
    seen: set[str] = set()
    sources = [(p, ("mt", "pe")) for p in sorted((corpora / "mlqe-pe").glob("*-en.*.tsv"))]
    sources += [(p, ("target",)) for name in ("mqm-zhen-newstest2020-subset",
                                              "mqm-zhen-wmt23-sxs")
                for p in sorted((corpora / name).glob("*.tsv"))]
    for path, columns in sources:
        for row in read_tsv(path):
            for column in columns:
                seg = strip_tags(row.get(column) or "").strip()
                if seg and seg not in seen and size < target:
                    seen.add(seg)
                    parts.append(seg + "\n")
                    size += len(seg.encode("utf-8")) + 1
    return "\n".join(parts)


def package_markdown() -> list[tuple[str, str]]:
    """(package, README) for installed distributions whose description is Markdown."""
    out = {}
    for dist in metadata.distributions():
        raw = dist.read_text("METADATA")
        if not raw:
            continue
        msg = email.message_from_string(raw, policy=email.policy.compat32)
        if "markdown" not in (msg.get("Description-Content-Type") or "").lower():
            continue
        body = msg.get_payload()
        if isinstance(body, str) and len(body) > 500:
            out[dist.metadata["Name"].lower()] = body
    return sorted(out.items())
