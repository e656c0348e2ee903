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

Usage: ``python benchmarks/repair_quality.py [--per-kind N] [--limit N]``. It reads
``../shared/corpora`` relative to the repository root; exit 1 when a split got worse.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-kind", type=int, default=1000, help="damaged sentences per kind")
    ap.add_argument("--limit", type=int, help="read at most N segments of each MLQE-PE split")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        print(f"repair_quality: the corpora are not at {CORPORA} "
              "(expected ../shared/corpora beside the repository); nothing measured.",
              file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"rules: {','.join(SETTINGS.enabled_codes())} "
          f"(of {len(registry())} registered)\n")
    ok = never_hurt(args.limit)
    helps(args.per_kind)
    print(f"({time.perf_counter() - started:.0f} s)")
    if not ok:
        print("repair_quality: safe fixes made a split worse", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
