"""Recall: on injected artefacts, and on the error spans professional raters marked in MT.

    python benchmarks/recall.py                  # both parts
    python benchmarks/recall.py --per-kind 300   # sentences per injected kind

Part 1 injects one artefact per clean reference sentence (benchmarks/artefacts.py, seeded)
and counts the artefacts some finding overlaps. Part 2 scans the MT segments of the
MQM-annotated zh→en corpora and reports, per rater category, the share of rater spans that a
finding overlaps, and per rule the share of findings that overlap a rater span of any
category (raters mark at most five errors a segment, so that share is a lower bound).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

from artefacts import INJECTORS, inject
from corpus_text import read_tsv, reference_sentences, require_corpora

from repairtool.config import Settings
from repairtool.engine import scan_text

SETTINGS = Settings()
#: Rater categories the rules target (names differ between the releases).
TARGETED = ("Punctuation", "Untranslated", "Source language fragment", "Non-translation",
            "Character encoding", "Spelling")


def overlaps(a: tuple[int, int], b: tuple[int, int], slack: int = 1) -> bool:
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack


def findings(text: str) -> list:
    return [f for f in scan_text(text, settings=SETTINGS) if f.severity >= SETTINGS.min_severity]


def injected(per_kind: int) -> None:
    rng = random.Random(13)
    sentences = reference_sentences(40)
    rng.shuffle(sentences)
    print("Injected artefacts (clean reference sentences, one artefact each):")
    for kind in INJECTORS:
        hit = total = other = 0
        for s in sentences:
            if total >= per_kind:
                break
            if findings(s):
                continue  # only sentences that are clean before the damage
            out = inject(s, kind, rng)
            if out is None:
                continue
            damaged, span = out
            total += 1
            fs = findings(damaged)
            hit += any(overlaps((f.start, f.end), span) for f in fs)
            other += sum(not overlaps((f.start, f.end), span) for f in fs)
        print(f"  {kind:<15} recall {hit / max(total, 1):6.1%}  ({hit}/{total}); "
              f"findings away from the damage: {other}")


def rater_segments(path: Path) -> dict[tuple[str, str, str], tuple[str, list]]:
    segs: dict[tuple[str, str, str], tuple[str, list]] = {}
    for row in read_tsv(path):
        if row.get("severity") == "HOTW-test" or row["system"].lower().startswith(
                ("ref", "human")):
            continue
        seg = row.get("seg_id") or row.get("globalSegId") or row.get("docSegId")
        key = (row["system"], row["doc"], seg)
        target = row["target"]
        plain = target.replace("<v>", "").replace("</v>", "")
        _, spans = segs.setdefault(key, (plain, []))
        i = target.find("<v>")
        j = target.find("</v>")
        if 0 <= i < j:
            spans.append((i, j - 3, row["category"]))
    return segs


def annotated(corpora: Path) -> None:
    print("\nMQM rater spans (MT segments; recall per targeted category):")
    for path in sorted(corpora.glob("mqm-zhen-*/*.tsv")):
        segs = rater_segments(path)
        caught: Counter[str] = Counter()
        total: Counter[str] = Counter()
        rule_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for text, spans in segs.values():
            fs = findings(text)
            for f in fs:
                rule_hits[f.rule.code][1] += 1
                rule_hits[f.rule.code][0] += any(overlaps((f.start, f.end), s[:2])
                                                 for s in spans)
            for s, e, cat in spans:
                if not any(t in cat for t in TARGETED):
                    continue
                total[cat] += 1
                caught[cat] += any(overlaps((f.start, f.end), (s, e)) for f in fs)
        print(f"  {path.parent.name}/{path.name}: {len(segs)} segments")
        for cat in sorted(total):
            print(f"    {cat:<40} {caught[cat]:5}/{total[cat]:<6} {caught[cat] / total[cat]:6.1%}")
        for code, (hit, n) in sorted(rule_hits.items()):
            print(f"    findings {code}: {n}, on a rater span: {hit / n:.0%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-kind", type=int, default=200)
    ap.add_argument("--skip-mqm", action="store_true")
    args = ap.parse_args()
    corpora = require_corpora()
    injected(args.per_kind)
    if not args.skip_mqm:
        annotated(corpora)


if __name__ == "__main__":
    main()
