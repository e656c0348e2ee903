"""Precision and recall of the bilingual scan against professional MQM error spans (zh -> en).

Reads the MT rows of /work/shared/corpora/mqm-zhen-* (not the human references), rebuilds each
segment's source and plain MT target (``<v>…</v>`` removed) with the raters' error spans, and
scans every (corpus file, system) as one bilingual file: the RT8 rules plus the English rules
on the targets, exactly as ``repairtool scan`` does on a PO/XLIFF file.

Per category group it reports:
- precision: findings of the group's rules that overlap a rater span of the group's
  categories in the same segment (and, in brackets, that overlap any rater span at all);
- recall: rater spans of the group that a finding of the group's rules overlaps.
Whole-target findings (RT801, RT805) count at the segment level. The newstest2020 subset kept
only some categories, so it is used for recall only. Run: python benchmarks/bilingual_mqm.py
"""

from __future__ import annotations

import csv
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from repairtool.bilingual.formats import BilingualFile, Unit
from repairtool.bilingual.scan import check_units
from repairtool.config import Settings

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
csv.field_size_limit(sys.maxsize)

def untranslated_category(c: str) -> bool:
    return any(k in c for k in ("Non_translation", "Non-translation", "Untranslated",
                                "Source language fragment"))


_CJK = re.compile(r"[\u3400-\u9fff]")
GROUPS = {
    "untranslated / source-language fragment": (
        lambda c: not c.startswith("CJK:") and untranslated_category(c),
        ("RT801", "RT802")),
    "  of which spans holding CJK characters": (
        lambda c: c.startswith("CJK:") and untranslated_category(c[4:]), ("RT801", "RT802")),
    "numbers (mistranslation spans holding a number)": (lambda c: c == "NUMBER", ("RT803",)),
    "locale conventions (all kinds)": (
        lambda c: c.startswith(("Locale_convention", "Locale convention")), ("RT803",)),
    "punctuation": (lambda c: c == "Fluency/Punctuation", ("RT301", "RT809", "RT9")),
    "placeholders / markup": (lambda c: False, ("RT804",)),
    "omission / addition": (lambda c: c.startswith(("Accuracy/Omission", "Accuracy/Addition")),
                            ("RT805",)),
    "inconsistency": (lambda c: "Inconsisten" in c, ("RT806", "RT807")),
}
SEGMENT_LEVEL = ("RT801", "RT805", "RT806", "RT807", "RT804")
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
                     r"thousand|million|billion)\b", re.IGNORECASE)


@dataclass
class Segment:
    source: str
    target: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)


def strip_v(text: str) -> str:
    return text.replace("<v>", "").replace("</v>", "")


def load(path: Path) -> dict[tuple[str, ...], dict[tuple[str, ...], Segment]]:
    """{(file, system): {(doc, seg): Segment}} for the MT systems of one TSV."""
    out: dict[tuple[str, ...], dict[tuple[str, ...], Segment]] = defaultdict(dict)
    with open(path, encoding="utf-8") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        head = next(rows)
        seg_col = head.index("seg_id") if "seg_id" in head else head.index("globalSegId")
        for row in rows:
            if len(row) < len(head):
                continue
            rec = dict(zip(head, row, strict=False))
            system = rec["system"]
            if system.lower().startswith(("ref", "human")) or rec["severity"] == "HOTW-test":
                continue
            key = (rec["doc"], row[seg_col])
            seg = out[(path.name, system)].get(key)
            if seg is None:
                seg = Segment(strip_v(rec["source"]), strip_v(rec["target"]))
                out[(path.name, system)][key] = seg
            cat = rec["category"]
            tgt = rec["target"]
            if "<v>" in tgt and "</v>" in tgt:
                start = tgt.index("<v>")
                end = strip_v(tgt[:tgt.index("</v>")]).__len__()
                span = tgt[start + 3:tgt.index("</v>")]
                if cat == "Accuracy/Mistranslation" and _NUMBER.search(span):
                    cat = "NUMBER"
                seg.spans.append((start, end, cat))
                if _CJK.search(span):
                    seg.spans.append((start, end, "CJK:" + cat))
            seg.categories.add(cat)
    return out


def scan(segments: dict[tuple[str, ...], Segment]) -> list[tuple[Segment, str, int, int]]:
    units, owners = [], []
    pos = 0
    for seg in segments.values():
        n = len(seg.target)
        units.append(Unit(str(len(units)), seg.source, seg.target,
                          list(range(pos, pos + n)), list(range(pos + 1, pos + n + 1)), pos))
        owners.append((pos, seg))
        pos += n + 1
    bf = BilingualFile("mqm", "tsv", units, None, "zh", "en")
    found = check_units(bf, Settings(), {}, [])
    starts = [p for p, _ in owners]
    import bisect

    out = []
    for f in found:
        i = bisect.bisect_right(starts, f.start) - 1
        base, seg = owners[i]
        out.append((seg, f.rule.code, f.start - base, f.end - base))
    return out


def main() -> None:
    t0 = time.perf_counter()
    files = sorted(CORPORA.glob("mqm-zhen-*/*.tsv"))
    stats = {g: {"tp": 0, "any": 0, "n": 0, "hit": 0, "spans": 0} for g in GROUPS}
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    n_segments = 0
    for path in files:
        recall_only = "newstest2020" in path.name
        for _key, segments in load(path).items():
            n_segments += len(segments)
            results = scan(segments)
            by_seg: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
            for seg, code, s, e in results:
                by_seg[id(seg)].append((code, s, e))
            for seg in segments.values():
                mine = by_seg.get(id(seg), [])
                for group, (is_cat, codes) in GROUPS.items():
                    st = stats[group]
                    rel = [(c, s, e) for c, s, e in mine if c.startswith(codes)]
                    if not recall_only:
                        for c, s, e in rel:
                            st["n"] += 1
                            good = _overlaps(seg, c, s, e, is_cat)
                            st["tp"] += good
                            st["any"] += _overlaps(seg, c, s, e, lambda _c: True)
                            per_rule[f"{c} vs {group}"][0] += 1
                            per_rule[f"{c} vs {group}"][1] += good
                    spans = {(a, b) for a, b, cat in seg.spans if is_cat(cat)}
                    if not spans and any(is_cat(cat) for cat in seg.categories):
                        spans = {(0, len(seg.target))}
                    for a, b in spans:
                        st["spans"] += 1
                        st["hit"] += any(_hit(c, s, e, a, b) for c, s, e in rel)
    print(f"{n_segments} MT segments from {len(files)} files, {time.perf_counter() - t0:.0f} s\n")
    print(f"{'group':42} {'findings':>8} {'precision':>10} {'(any span)':>10} "
          f"{'rater spans':>11} {'recall':>7}")
    for group, st in stats.items():
        prec = st["tp"] / st["n"] if st["n"] else float("nan")
        anyp = st["any"] / st["n"] if st["n"] else float("nan")
        rec = st["hit"] / st["spans"] if st["spans"] else float("nan")
        print(f"{group:42} {st['n']:8} {prec:10.2f} {anyp:10.2f} {st['spans']:11} {rec:7.3f}")
    print("\nper rule (precision against its group's categories):")
    for code, (n, good) in sorted(per_rule.items()):
        print(f"  {code}: {n} findings, {good / n:.2f}")


def _hit(code: str, s: int, e: int, a: int, b: int) -> bool:
    if code in SEGMENT_LEVEL:
        return True
    return s < b and a < e if e > s else a <= s <= b


def _overlaps(seg: Segment, code: str, s: int, e: int, is_cat) -> bool:  # type: ignore[no-untyped-def]
    if code in SEGMENT_LEVEL:
        return any(is_cat(c) for c in seg.categories)
    return any(_hit(code, s, e, a, b) for a, b, cat in seg.spans if is_cat(cat))


def reference_noise() -> None:
    """Findings per 100 KB of the RT8 rules on the human reference translations (rows whose
    system starts with ``ref``), which should have (almost) none of these problems."""
    from collections import Counter

    counts: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    size = 0
    for path in sorted((CORPORA / "mqm-zhen-google").glob("*.tsv")):
        groups: dict[str, dict[tuple[str, str], tuple[str, str]]] = defaultdict(dict)
        rated: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
        with open(path, encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows)
            for row in rows:
                if len(row) >= 9 and row[0].lower().startswith("ref"):
                    groups[row[0]][(row[1], row[3])] = (strip_v(row[5]), strip_v(row[6]))
                    t = row[6]
                    if "<v>" in t and "</v>" in t:
                        a = t.index("<v>")
                        rated[(row[0], row[1], row[3])].append(
                            (a, len(strip_v(t[:t.index("</v>")]))))
        for name, segs in groups.items():
            units, pos, keys = [], 0, []
            for key, (src, tgt) in segs.items():
                keys.append(key)
                units.append(Unit(str(len(units)), src, tgt, list(range(pos, pos + len(tgt))),
                                  list(range(pos + 1, pos + len(tgt) + 1)), pos))
                pos += len(tgt) + 1
                size += len(tgt.encode("utf-8"))
            bf = BilingualFile("ref", "tsv", units, None, "zh", "en")
            starts = [u.anchor for u in units]
            import bisect

            for f in check_units(bf, Settings(select=("RT8",)), {}, []):
                counts[f.rule.code] += 1
                i = bisect.bisect_right(starts, f.start) - 1
                s, e = f.start - starts[i], f.end - starts[i]
                if any(a < e and s < b for a, b in rated[(name, *keys[i])]):
                    marked[f.rule.code] += 1
    total = sum(counts.values())
    print(f"\nhuman references: {size / 1000:.0f} KB of targets, {total} RT8 findings = "
          f"{total / (size / 1e5):.2f} per 100 KB: {dict(sorted(counts.items()))}; "
          f"of them on a span the raters marked as an error: {dict(sorted(marked.items()))}")


if __name__ == "__main__":
    main()
    reference_noise()
