"""datatrove pipeline steps: ``repairtool corpus filter`` and ``corpus fix`` inside a pipeline.

:class:`RepairtoolFilter` drops (or only annotates) documents exactly as ``corpus filter
--drop-if`` judges them, and :class:`RepairtoolFixer` rewrites each text as ``corpus fix``
does. Both build the same :class:`~repairtool.corpus.tasks.Job` the corpus command builds and
call the same functions on it, so a pipeline and the command agree document for document.

Settings are resolved once, when the step is made (config file found from the current folder
as the command line does, or ``config=``/``isolated=``), and travel with the step to the
workers of any executor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter

from repairtool.corpus.tasks import (
    REASON_FIELD,
    Criterion,
    Job,
    failed,
    fix_document,
    scan_document,
)
from repairtool.integrations.settings import rule_settings
from repairtool.model import Applicability

#: Metadata key of a document's findings per rule (annotating filters only).
COUNTS_FIELD = "repairtool_counts"
KINDS = ("text", "markdown")


def _job(command: str, kind: str, rule_options: dict[str, Any], **fields: Any) -> Job:
    """The job ``repairtool corpus COMMAND --kind KIND`` would run with these options."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return Job(command, "", kind=kind, settings=rule_settings(**rule_options), **fields)


class RepairtoolFilter(BaseFilter):
    """Drop documents that fail any ``drop_if`` criterion (``"RT1,RT301"``: any finding of
    those rules; ``"RT3:200"``: more than 200 findings per million characters).

    A dropped document carries ``metadata["repairtool_reason"]``, the text ``corpus filter``
    writes in its rejected records, and reaches ``exclusion_writer`` if one is given
    (datatrove adds ``filter_reason``, the failed criteria such as ``RT3:200``). With
    ``annotate=True`` nothing is dropped: every document gets ``repairtool_counts``
    (findings per rule) and, if it fails, ``repairtool_reason``. Rule options are those of
    ``repairtool corpus``; ``kind`` is ``"text"`` or ``"markdown"``.
    """

    name = "🔧 repairtool filter"

    def __init__(self, drop_if: str | Sequence[str], *, annotate: bool = False,
                 kind: str = "text", exclusion_writer: Any = None, batch_size: int = 1,
                 **rule_options: Any) -> None:
        super().__init__(exclusion_writer, batch_size)
        specs = [drop_if] if isinstance(drop_if, str) else list(drop_if)
        if not specs:
            raise ValueError("drop_if: give at least one criterion, e.g. 'RT1' or 'RT3:200'")
        self.annotate = annotate
        self.job = _job("filter", kind, rule_options, criteria=Criterion.parse_all(specs))

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        findings, _ = scan_document(self.job, doc.text)
        counts = Counter(f.rule.code for f in findings)
        for code, n in sorted(counts.items()):
            self.stat_update(f"findings_{code}", value=n)
        reasons = failed(self.job.criteria, findings, len(doc.text))
        if self.annotate:
            doc.metadata[COUNTS_FIELD] = dict(sorted(counts.items()))
        if reasons:
            doc.metadata[REASON_FIELD] = "; ".join(r for _, r in reasons)
        if not reasons or self.annotate:
            if reasons:
                self.stat_update("would_drop")
            return True
        return False, ",".join(c.label() for c, _ in reasons)


class RepairtoolFixer(BaseFormatter):
    """Apply the safe fixes (and the unsafe ones with ``unsafe_fixes=True``) to each text,
    as ``repairtool corpus fix`` does; every other part of the document is left alone."""

    name = "🔧 repairtool fix"

    def __init__(self, *, unsafe_fixes: bool = False, kind: str = "text",
                 **rule_options: Any) -> None:
        super().__init__()
        level = Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE
        self.job = _job("fix", kind, rule_options, level=level)

    def format(self, text: str) -> str:
        result = fix_document(self.job, text)
        if result.text != text:
            self.stat_update("changed")
            for finding, _ in result.applied:
                self.stat_update(f"fixed_{finding.rule.code}")
        return result.text
