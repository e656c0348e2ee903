"""Repairs must help, never hurt — measured with sacrebleu.

1. Never hurt: on the MLQE-PE post-editing triples of the ``*-en`` pairs (et-en, ro-en, ru-en ×
   train/dev/test20), the machine translation is repaired with the safe fixes and scored
   against the human post-edit, before and after: chrF must not go down and TER must not go
   up on any split. The TSVs are Moses-tokenised; both sides are detokenised with sacremoses.
2. Help: clean human reference sentences (``ref`` rows of mqm-zhen-google) get one kind of
   damage each (see ``artefacts.py``, fixed seed); the damaged text and its safe / unsafe repair
   are scored with chrF++ (chrF plus word bigrams, so glued and doubled words count; plain
   chrF ignores spaces) against the undamaged sentence. "undone" is the share of the lost
   chrF the repair wins back; "exact" the share of sentences restored exactly.
3. Close the gap: on the same MLQE-PE triples, (a) the first candidate of every finding
   (what ``review --accept all`` and rdjsonl apply, suggestions included) and (b) only the
   unsafe fixes, and (c) the unsafe level (safe and unsafe fixes, as ``--fix
   --unsafe-fixes``) are applied to the machine translation; printed are the share of the
   character edit distance (Levenshtein, code points) to the post-edit that the edits close,
   over all segments and over the changed ones, how many changed segments got closer or
   further, and chrF before/after. Neither the unsafe fixes alone nor the unsafe level may
   make chrF worse (verdict WORSE, exit 1).
   ``--show N`` prints N changed segments of each (before, after, post-edit) to read.
   The same three modes on the wild set's dev passages (real Chinese→English MT from the
   web) against our own corrections of their labels (``benchmarks/wild/corrections.txt``):
   the share of the edit distance to the corrected text closed (distance along difflib's
   alignment, exact for local edits), how many passages got closer or further, chrF.
4. Read by a person: a seeded sample of applied first candidates from the MLQE-PE dev
   splits and the wild passages, each judged better / same / worse than the original in
   ``benchmarks/repair_judgements.tsv`` (keyed by a hash of the repair in context, with a
   short excerpt); the tally is printed, and sample items the rules no longer produce are
   named. ``--sample N`` prints N unjudged repairs as rows to read and add.

Usage: ``python benchmarks/repair_quality.py [--per-kind N] [--limit N] [--show N]
[--only-gap] [--sample N]``. It reads
``../shared/corpora`` relative to the repository root; exit 1 when a split got worse.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from artefacts import INJECTORS as DAMAGE  # noqa: E402
from artefacts import pairs as inject  # noqa: E402
from corpus_text import reference_sentences  # noqa: E402

from repairtool.config import Settings  # noqa: E402
from repairtool.engine import scan_text  # noqa: E402
from repairtool.fixes import fix_text  # noqa: E402
from repairtool.model import Applicability  # noqa: E402
from repairtool.rules.base import registry  # noqa: E402

PAIRS = ("et-en", "ro-en", "ru-en")
SPLITS = ("train", "dev", "test20")
SETTINGS = Settings()


def repair(text: str, level: Applicability) -> str:
    return fix_text(text, lambda t: scan_text(t, settings=SETTINGS), level).text


def read_mlqe(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer(lang="en")
    mt, pe = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for i, row in enumerate(reader):
            if limit is not None and i >= limit:
                break
            mt.append(detok.detokenize(row["mt"].split()))
            pe.append(detok.detokenize(row["pe"].split()))
    return mt, pe


def never_hurt(limit: int | None) -> bool:
    from sacrebleu.metrics import CHRF, TER

    chrf, ter = CHRF(), TER()
    print("## Never hurt: MLQE-PE machine translation vs human post-edit (safe fixes)\n")
    print(f"{'split':<16}{'segs':>6}{'changed':>9}{'chrF before':>13}{'chrF after':>12}"
          f"{'TER before':>12}{'TER after':>11}  verdict")
    ok = True
    for pair in PAIRS:
        for split in SPLITS:
            path = CORPORA / "mlqe-pe" / f"{pair}.{split}.tsv"
            if not path.is_file():
                print(f"{pair}.{split:<10} missing")
                continue
            mt, pe = read_mlqe(path, limit)
            fixed = [repair(s, Applicability.SAFE) for s in mt]
            changed = sum(a != b for a, b in zip(mt, fixed, strict=True))
            c0, t0 = chrf.corpus_score(mt, [pe]).score, ter.corpus_score(mt, [pe]).score
            if changed:
                c1, t1 = chrf.corpus_score(fixed, [pe]).score, ter.corpus_score(fixed, [pe]).score
            else:
                c1, t1 = c0, t0
            good = c1 >= c0 and t1 <= t0
            ok &= good
            print(f"{pair + '.' + split:<16}{len(mt):>6}{changed:>9}{c0:>13.3f}{c1:>12.3f}"
                  f"{t0:>12.3f}{t1:>11.3f}  {'ok' if good else 'WORSE'}")
    print(f"\nchrF: {chrf.get_signature()}\nTER:  {ter.get_signature()}\n")
    return ok


def helps(per_kind: int) -> None:
    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    refs = reference_sentences()
    print(f"## Help: injected damage in {len(refs)} human reference sentences "
          f"(mqm-zhen-google), {per_kind} per kind, chrF++ against the undamaged text\n")
    print(f"{'damage':<15}{'n':>6}{'damaged':>9}{'safe':>8}{'unsafe':>8}{'undone safe':>13}"
          f"{'undone unsafe':>15}{'exact safe':>12}{'exact unsafe':>14}")
    for kind in DAMAGE:
        pairs = inject(refs, kind, per_kind)
        clean = [c for c, _ in pairs]
        damaged = [d for _, d in pairs]
        safe = [repair(d, Applicability.SAFE) for d in damaged]
        unsafe = [repair(d, Applicability.UNSAFE) for d in damaged]
        s_d = chrf.corpus_score(damaged, [clean]).score
        s_s = chrf.corpus_score(safe, [clean]).score
        s_u = chrf.corpus_score(unsafe, [clean]).score

        def undone(score: float, base: float = s_d) -> str:
            return f"{100 * (score - base) / (100 - base):.1f}%" if base < 100 else "-"

        def exact(out: list[str], ref: list[str] = clean) -> str:
            return f"{100 * sum(a == b for a, b in zip(out, ref, strict=True)) / len(ref):.1f}%"

        print(f"{kind:<15}{len(pairs):>6}{s_d:>9.2f}{s_s:>8.2f}{s_u:>8.2f}{undone(s_s):>13}"
              f"{undone(s_u):>15}{exact(safe):>12}{exact(unsafe):>14}")
    print(f"\nchrF++: {chrf.get_signature()}\n")


def levenshtein(a: str, b: str) -> int:
    """Character edit distance (insert, delete, substitute; one row at a time)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def first_candidates(text: str, only: Applicability | None = None) -> str:
    """``text`` with the first candidate of every finding applied (with ``only``: the first
    candidate of exactly that applicability), earlier findings winning where edits overlap,
    one pass -- what ``review --accept all`` does."""
    from repairtool.fixes import apply_edits

    findings = scan_text(text, settings=SETTINGS)
    taken: list = []
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        fixes = [fx for fx in f.fixes if only is None or fx.applicability is only]
        if not fixes:
            continue
        edits = fixes[0].edits
        if any((e.start < t.end and t.start < e.end) or e.start == t.start
               for e in edits for t in taken):
            continue
        taken.extend(edits)
    return apply_edits(text, taken) if taken else text


def closes_gap(limit: int | None, show: int) -> bool:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    modes: dict[str, Callable[[str], str]] = {
        "first candidate": first_candidates,
        "unsafe only": lambda t: first_candidates(t, Applicability.UNSAFE),
        "unsafe level": lambda t: repair(t, Applicability.UNSAFE),  # --fix --unsafe-fixes
    }
    judged = ("unsafe only", "unsafe level")
    print("## Close the gap: edits applied to MLQE-PE machine translation, distance to the "
          "human post-edit\n")
    print(f"{'split':<16}{'mode':<17}{'segs':>6}{'changed':>8}{'closer':>7}{'further':>8}"
          f"{'closed all':>11}{'closed chg':>11}{'chrF before':>12}{'chrF after':>11}  verdict")
    ok = True
    samples: dict[str, list[tuple[str, str, str]]] = {m: [] for m in modes}
    for pair in PAIRS:
        for split in SPLITS:
            path = CORPORA / "mlqe-pe" / f"{pair}.{split}.tsv"
            if not path.is_file():
                continue
            mt, pe = read_mlqe(path, limit)
            c0 = chrf.corpus_score(mt, [pe]).score
            total = sum(levenshtein(m, p) for m, p in zip(mt, pe, strict=True))
            for mode, apply in modes.items():
                out = [apply(m) for m in mt]
                changed = [i for i, (a, b) in enumerate(zip(mt, out, strict=True)) if a != b]
                before = sum(levenshtein(mt[i], pe[i]) for i in changed)
                after = sum(levenshtein(out[i], pe[i]) for i in changed)
                closer = sum(levenshtein(out[i], pe[i]) < levenshtein(mt[i], pe[i])
                             for i in changed)
                further = sum(levenshtein(out[i], pe[i]) > levenshtein(mt[i], pe[i])
                              for i in changed)
                c1 = chrf.corpus_score(out, [pe]).score if changed else c0
                good = mode not in judged or c1 >= c0
                ok &= good
                share = 100 * (before - after) / total if total else 0.0
                share_chg = 100 * (before - after) / before if before else 0.0
                print(f"{pair + '.' + split:<16}{mode:<17}{len(mt):>6}{len(changed):>8}"
                      f"{closer:>7}{further:>8}{share:>10.3f}%{share_chg:>10.1f}%"
                      f"{c0:>12.3f}{c1:>11.3f}  {'ok' if good else 'WORSE'}")
                samples[mode].extend((mt[i], out[i], pe[i]) for i in changed)
    print(f"\nchrF: {chrf.get_signature()}; distances in code points\n")
    for mode, rows in samples.items():
        for before_s, after_s, post in rows[:show]:
            print(f"[{mode}]\n  MT:   {before_s}\n  out:  {after_s}\n  post: {post}")
    return ok


WILD = ROOT / "benchmarks" / "wild"
CORRECTIONS = WILD / "corrections.txt"
JUDGEMENTS = ROOT / "benchmarks" / "repair_judgements.tsv"


def _unescape(field: str) -> str:
    return field.replace("\\\\", "\x00").replace("\\n", "\n").replace(
        "\\t", "\t").replace("\x00", "\\")


def wild_corrected() -> tuple[list[tuple[str, str, str]], int, int]:
    """The dev-split passages whose texts are here, each with our correction applied:
    (id, text, corrected), the corrections used and those whose label no longer matches."""
    import json

    by_id: dict[str, list[tuple[int, str, str]]] = {}
    for line in CORRECTIONS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pid, start, label, fix = line.split("\t")
            by_id.setdefault(pid, []).append((int(start), _unescape(label), _unescape(fix)))
    out, used, stale = [], 0, 0
    for row in (WILD / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        passage = json.loads(row)
        path = WILD / "texts" / f"{passage['id']}.txt"
        if passage["split"] != "dev" or passage["id"] not in by_id or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        parts, pos = [], 0
        for start, label, fix in sorted(by_id[passage["id"]]):
            if text[start:start + len(label)] != label or start < pos:  # stale or nested
                stale += 1
                continue
            parts += [text[pos:start], fix]
            pos, used = start + len(label), used + 1
        out.append((passage["id"], text, "".join(parts) + text[pos:]))
    return out, used, stale


def aligned_distance(a: str, b: str) -> int:
    """Edit distance along difflib's alignment: the exact distance of each unmatched
    stretch, summed (an upper bound of Levenshtein, exact where the edits are local, and
    fast on 2,000-character passages)."""
    from difflib import SequenceMatcher

    total = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            total += levenshtein(a[i1:i2], b[j1:j2])
    return total


def wild_gap() -> None:
    """Part 4 on real MT web text: the share of the distance to our corrections closed."""
    from sacrebleu.metrics import CHRF

    if not CORRECTIONS.is_file():
        print(f"(no {CORRECTIONS.name}: wild passages not measured)\n")
        return
    passages, used, stale = wild_corrected()
    if not passages:
        print("(no wild dev texts in benchmarks/wild/texts: run benchmarks/wild_rebuild.py)\n")
        return
    chrf = CHRF()
    mt = [t for _, t, _ in passages]
    ref = [c for _, _, c in passages]
    total = sum(aligned_distance(m, c) for m, c in zip(mt, ref, strict=True))
    print(f"## Close the gap on the wild set: {len(passages)} dev passages, {used} labels "
          f"corrected by us ({stale} stale or inside another), distance to our corrected text\n")
    print(f"{'mode':<17}{'changed':>8}{'closer':>7}{'further':>8}{'closed':>9}"
          f"{'chrF before':>12}{'chrF after':>11}")
    modes: dict[str, Callable[[str], str]] = {
        "first candidate": first_candidates,
        "unsafe only": lambda t: first_candidates(t, Applicability.UNSAFE),
        "unsafe level": lambda t: repair(t, Applicability.UNSAFE),
    }
    c0 = chrf.corpus_score(mt, [ref]).score
    for mode, apply in modes.items():
        out = [apply(m) for m in mt]
        before = [aligned_distance(m, c) for m, c in zip(mt, ref, strict=True)]
        after = [aligned_distance(o, c) for o, c in zip(out, ref, strict=True)]
        changed = sum(o != m for o, m in zip(out, mt, strict=True))
        closer = sum(a < b for a, b in zip(after, before, strict=True))
        further = sum(a > b for a, b in zip(after, before, strict=True))
        share = 100 * (sum(before) - sum(after)) / total if total else 0.0
        c1 = chrf.corpus_score(out, [ref]).score
        print(f"{mode:<17}{changed:>8}{closer:>7}{further:>8}{share:>8.1f}%{c0:>12.3f}"
              f"{c1:>11.3f}")
    print()


Repair = tuple[str, str, str, str, str]  # source, document, rule, before, after


def applied_repairs(limit: int | None) -> list[Repair]:
    """Every first candidate applied on its own, with 40 code points of context each side,
    on the MLQE-PE dev splits and the wild dev passages."""
    from repairtool.fixes import apply_edits

    docs: list[tuple[str, str, str]] = []
    for pair in PAIRS:
        path = CORPORA / "mlqe-pe" / f"{pair}.dev.tsv"
        if path.is_file():
            mt, _ = read_mlqe(path, limit)
            docs += [("mlqe-pe", f"{pair}.dev:{i + 1}", m) for i, m in enumerate(mt)]
    if CORRECTIONS.is_file():
        docs += [("wild", pid, text) for pid, text, _ in wild_corrected()[0]]
    out = []
    for source, name, text in docs:
        for f in scan_text(text, settings=SETTINGS):
            if not f.fixes:
                continue
            fx = f.fixes[0]
            lo, hi = max(0, fx.start - 40), min(len(text), fx.end + 40)
            shifted = [type(e)(e.start - lo, e.end - lo, e.replacement) for e in fx.edits]
            before = text[lo:hi]
            out.append((source, name, f.rule.code, _one_line(before),
                        _one_line(apply_edits(before, shifted))))
    return out


def _one_line(text: str) -> str:
    return text.replace("\t", "⇥").replace("\n", "⏎")


def repair_key(repair: Repair) -> str:
    """A judged repair's key: a hash of the repair in its context (the data file keeps
    only a short excerpt of the third-party text, not the context itself)."""
    import hashlib

    return hashlib.sha1("\x1f".join(repair).encode("utf-8")).hexdigest()[:16]


def _excerpt(repair: Repair) -> str:
    """The changed stretch of a repair with 12 code points either side: ``a[b→c]d``."""
    before, after = repair[3], repair[4]
    i = 0
    while i < min(len(before), len(after)) and before[i] == after[i]:
        i += 1
    j = 0
    while j < min(len(before), len(after)) - i and before[-1 - j] == after[-1 - j]:
        j += 1
    return (f"{before[max(0, i - 12):i]}[{before[i:len(before) - j]}→"
            f"{after[i:len(after) - j]}]{before[len(before) - j:len(before) - j + 12]}")


def judged_tally(limit: int | None, sample: int) -> None:
    """(b) The reader's verdicts on a seeded sample of applied repairs, and the sample
    items the rules no longer produce; ``sample``: print that many new rows to judge."""
    import random
    from collections import Counter

    produced = {repair_key(r): r for r in applied_repairs(limit)}
    rows = []
    if JUDGEMENTS.is_file():
        with JUDGEMENTS.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    tally: Counter[str] = Counter(r["verdict"] for r in rows if r["key"] in produced)
    print(f"## Repairs read by a person: {sum(tally.values())} of a seeded sample of "
          f"{len(rows)} still produced: {tally['better']} better, {tally['same']} same, "
          f"{tally['worse']} worse than the original ({JUDGEMENTS.name})")
    for r in rows:
        if r["key"] not in produced:
            print(f"  no longer produced: {r['source']} {r['doc']} {r['rule']}: {r['excerpt']}")
    print()
    if sample:
        judged = {r["key"] for r in rows}
        rng, left = random.Random(12), sample
        for source in ("mlqe-pe", "wild"):  # up to half from MLQE-PE, the rest wild
            fresh = sorted(k for k, r in produced.items() if r[0] == source and k not in judged)
            n = min(left // 2 if source == "mlqe-pe" else left, len(fresh))
            for key in rng.sample(fresh, n):
                r = produced[key]
                print("\t".join((r[0], r[1], r[2], key, _excerpt(r), "?", "")),
                      file=sys.stderr)
            left -= n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-kind", type=int, default=1000, help="damaged sentences per kind")
    ap.add_argument("--limit", type=int, help="read at most N segments of each MLQE-PE split")
    ap.add_argument("--show", type=int, default=0,
                    help="print N changed segments of each close-the-gap mode")
    ap.add_argument("--only-gap", action="store_true",
                    help="run only the close-the-gap measures and the read sample")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="print N unjudged applied repairs (TSV rows to judge) on stderr")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        print(f"repair_quality: the corpora are not at {CORPORA} "
              "(expected ../shared/corpora beside the repository); nothing measured.",
              file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"rules: {','.join(SETTINGS.enabled_codes())} "
          f"(of {len(registry())} registered)\n")
    ok = True
    if not args.only_gap:
        ok = never_hurt(args.limit)
        helps(args.per_kind)
    ok &= closes_gap(args.limit, args.show)
    wild_gap()
    judged_tally(None, args.sample)  # the whole dev splits: the sample was drawn from them
    print(f"({time.perf_counter() - started:.0f} s)")
    if not ok:
        print("repair_quality: safe fixes or the unsafe level made a split worse",
              file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
