"""Corpus scores of a translation against references with sacrebleu, before and after repairs.

sacrebleu is imported only here, and this module only by the ``score`` command (it takes a
quarter of a second to import). Input is scored exactly as given: sacrebleu's default
tokenisation, no detokenising.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repairtool.document import MASK
from repairtool.source import InputError, read_source

METRICS = ("bleu", "chrf", "chrf++", "ter")


class ScoreError(Exception):
    """Input that cannot be scored; the message is one line."""


def read_segments(path: Path, encoding: str | None = None) -> list[str]:
    """The segments of ``path``: the targets of a bilingual file, else its lines."""
    from repairtool.bilingual.formats import read_units
    from repairtool.bilingual.kinds import is_bilingual_path

    if is_bilingual_path(path):
        try:
            return [u.target.replace(MASK, "") for u in read_units(path).units]
        except InputError as exc:
            raise ScoreError(f"{path}: {exc}") from None
    try:
        text = read_source(path, encoding).text
    except InputError as exc:
        raise ScoreError(f"{path}: {exc}") from None
    if not text.strip():
        raise ScoreError(f"{path}: empty file")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def check_counts(hyp: Sequence[str], refs: Sequence[Sequence[str]], names: Sequence[str]) -> None:
    for name, ref in zip(names[1:], refs, strict=True):
        if len(ref) != len(hyp):
            raise ScoreError(f"{name} has {len(ref)} segments but {names[0]} has {len(hyp)}")


def _metrics() -> dict[str, Any]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"bleu": BLEU(), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}


def corpus_scores(hyp: Sequence[str], refs: Sequence[Sequence[str]]) -> dict[str, dict[str, Any]]:
    """``{metric: {"score", "signature"}}`` for BLEU, chrF, chrF++ and TER at full precision."""
    out = {}
    for name, metric in _metrics().items():
        res = metric.corpus_score(list(hyp), [list(r) for r in refs])
        out[name] = {"score": res.score, "signature": str(metric.get_signature())}
    return out


def segment_scores(hyp: Sequence[str], refs: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    """Per-segment chrF and TER."""
    from sacrebleu.metrics import CHRF, TER

    chrf, ter = CHRF(), TER()
    out = []
    for i, h in enumerate(hyp):
        rs = [r[i] for r in refs]
        out.append({"chrf": chrf.sentence_score(h, rs).score,
                    "ter": ter.sentence_score(h, rs).score})
    return out


@dataclass
class Report:
    """Everything the ``score`` command prints."""

    scores: dict[str, dict[str, Any]]
    segments: list[dict[str, Any]] = field(default_factory=list)
    repaired: dict[str, dict[str, Any]] | None = None
    repair_level: str | None = None
    changed_segments: int = 0

    def delta(self) -> dict[str, float]:
        if self.repaired is None:
            return {}
        return {m: self.repaired[m]["score"] - self.scores[m]["score"] for m in METRICS}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.scores)
        if self.segments:
            out["segments"] = self.segments
        if self.repaired is not None:
            out["repair"] = {"level": self.repair_level, "after": self.repaired,
                             "delta": self.delta(), "changed_segments": self.changed_segments}
        return out


def repair_lines(hyp: Sequence[str], scan: Callable[[str], list[Any]], level: str
                 ) -> list[str]:
    """Each segment with the fixes of ``level`` (``safe`` or ``unsafe``) applied."""
    from repairtool.fixes import fix_text
    from repairtool.model import Applicability

    applicability = Applicability.parse(level)
    out = []
    for line in hyp:
        fixed = fix_text(line, scan, applicability).text
        out.append(fixed if "\n" not in fixed else line)
    return out


def score(hyp: Sequence[str], refs: Sequence[Sequence[str]], *,
          scan: Callable[[str], list[Any]] | None = None, worst: int = 0,
          repair: str | None = None) -> Report:
    """Scores of ``hyp``; with ``worst`` the N worst segments by chrF; with ``repair`` again
    after the fixes of that level."""
    report = Report(corpus_scores(hyp, refs))
    if worst:
        per = segment_scores(hyp, refs)
        order = sorted(range(len(hyp)), key=lambda i: (per[i]["chrf"], -per[i]["ter"], i))
        for i in order[:worst]:
            findings = scan(hyp[i]) if scan else []
            report.segments.append({
                "line": i + 1, "chrf": per[i]["chrf"], "ter": per[i]["ter"],
                "hypothesis": hyp[i],
                "findings": [{"rule": f.rule.code, "message": f.message,
                              "column": f.start + 1} for f in findings]})
    if repair:
        if scan is None:
            raise ValueError("repair needs a scan function")
        fixed = repair_lines(hyp, scan, repair)
        report.repaired = corpus_scores(fixed, refs)
        report.repair_level = repair
        report.changed_segments = sum(a != b for a, b in zip(hyp, fixed, strict=True))
    return report
