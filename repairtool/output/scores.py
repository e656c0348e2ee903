"""Human rendering of a ``repairtool score`` report."""

from __future__ import annotations

from repairtool.scoring import METRICS, Report

_LABEL = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}


def render_scores(report: Report) -> str:
    out = []
    for m in METRICS:
        s = report.scores[m]
        out.append(f"{_LABEL[m]:<7} {s['score']:7.2f}  {s['signature']}")
    if report.repaired is not None:
        out.append(f"\nafter --repair {report.repair_level} "
                   f"({report.changed_segments} segments changed):")
        delta = report.delta()
        for m in METRICS:
            better = "lower is better" if m == "ter" else "higher is better"
            out.append(f"{_LABEL[m]:<7} {report.repaired[m]['score']:7.2f}  "
                       f"({delta[m]:+.2f}, {better})")
    if report.segments:
        out.append("\nworst segments by chrF:")
        for seg in report.segments:
            out.append(f"  line {seg['line']}: chrF {seg['chrf']:.2f}  TER {seg['ter']:.2f}  "
                       f"{seg['hypothesis'][:80]}")
            for f in seg["findings"]:
                out.append(f"    col {f['column']}: {f['rule']} {f['message']}")
    return "\n".join(out) + "\n"
