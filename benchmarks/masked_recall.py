"""Synthetic recall of RT101: mask words in real sentences the way content farms do.

Usage: ``python benchmarks/masked_recall.py``. The sentences are the human references of
``../shared/corpora/mqm-zhen-google`` and the MT targets of ``mqm-zhen-wmt23-sxs``. In each
sentence with a title before a name, "media reports" or "<place> government", the word is
replaced by ``**`` (``**Macron``, ``Macron**`` in source word order, ``** reports``,
``Tokyo**``); the script counts how often RT101 fires, whether its first candidate or any
candidate gives back the original sentence, and how many findings it makes on the
unmasked sentences (false alarms).
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from repairtool.config import Settings  # noqa: E402
from repairtool.engine import scan_text  # noqa: E402
from repairtool.fixes import apply_edits  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
ONLY = Settings(select=("RT101",))
TITLE = re.compile(r"\b(President|Prime Minister|Premier|Chairman|Chancellor) ([A-Z][a-z]+)")
MEDIA = re.compile(r"\bmedia (reports?|reported)")
GOV = re.compile(r"\b([Tt]he )?(Tokyo|Beijing|Washington|Japanese|Chinese|US|British|French|"
                 r"German) (government|authorities)\b")


def sentences() -> list[str]:
    csv.field_size_limit(1 << 30)
    out: set[str] = set()
    for folder, keep in (("mqm-zhen-google", lambda s: s.startswith("ref")),
                         ("mqm-zhen-wmt23-sxs", lambda s: True)):
        for path in sorted((CORPORA / folder).glob("*.tsv")):
            with path.open(encoding="utf-8", newline="") as fh:
                rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                for row in rows:
                    if keep(row["system"]) and row.get("severity") != "HOTW-test":
                        out.add(row["target"].replace("<v>", "").replace("</v>", ""))
    return sorted(out)


def variants(s: str) -> list[tuple[str, str]]:
    out = []
    if m := TITLE.search(s):
        name = m.group(2)
        out += [("title", s[:m.start()] + "**" + name + s[m.end():]),
                ("title", s[:m.start()] + name + "**" + s[m.end():])]
    if m := MEDIA.search(s):
        out.append(("media", s[:m.start()] + "** " + m.group(1) + s[m.end():]))
    if m := GOV.search(s):
        out.append(("government", s[:m.start()] + (m.group(1) or "") + m.group(2) + "**"
                    + s[m.end():]))
    return out


def main() -> int:
    sents = sentences()
    if not sents:
        print("no corpora found")
        return 1
    stats: collections.Counter[str] = collections.Counter()
    for s in sents:
        for kind, masked in variants(s):
            stats[f"{kind}: cases"] += 1
            found = scan_text(masked, settings=ONLY)
            if not found:
                continue
            stats[f"{kind}: found"] += 1
            texts = [apply_edits(masked, fx.edits) for f in found for fx in f.fixes]
            stats[f"{kind}: first candidate restores"] += texts[0] == s
            stats[f"{kind}: some candidate restores"] += s in texts
    alarms = sum(len(scan_text(s, settings=ONLY)) for s in sents)
    for key in sorted(stats):
        print(f"{key:40s} {stats[key]}")
    print(f"findings on the {len(sents)} unmasked sentences: {alarms}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
