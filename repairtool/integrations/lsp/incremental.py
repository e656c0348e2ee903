"""Re-scan only the paragraphs that changed: the engine's :func:`~repairtool.engine.check`,
split at blank lines, with the masked view and the findings of every chunk cached.

A chunk runs from the start of a paragraph to the start of the next one (its trailing blank
lines included). The result must be what ``check`` gives on the whole text, so:

- a chunk boundary is only taken where a whole-file parse could not carry state across it:
  never inside a Markdown fence, an HTML block that blank lines do not end (``<!-- -->``,
  ``<pre>`` …) or front matter, never before an indented line (a list item's next
  paragraph, indented code), and Markdown link reference definitions are parsed with every
  chunk (they change how ``[text][ref]`` elsewhere reads);
- the rules that read across paragraphs (:data:`DOCUMENT_RULES`, the bilingual rules and
  any rule that reads hidden text) run on the whole text every time, over the cached view;
- suppressions, the unknown-code check, superseding, ids and severities are applied on the
  whole text, as ``check`` does (:func:`repairtool.engine.finish`).

``tests/test_integration_lsp.py`` compares this with ``check`` on real text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from repairtool import suppress
from repairtool.config import Settings
from repairtool.document import Document, mask, merge_spans
from repairtool.engine import finish, rules_for, run_rules
from repairtool.model import Edit, Finding, Fix
from repairtool.rules.base import Rule, registry

#: Rules whose findings depend on text outside the paragraph they are in: a convention or
#: a count taken over the whole text (RT203 terms, RT401 and RT709 words, RT703 and RT712
#: spacing, RT706/RT707 brackets and quotes that a later paragraph closes, RT701/RT708
#: mojibake, RT710 full stops), a word repeated across paragraphs (RT403), the last
#: paragraph (RT501), a byte order mark at the start (RT704). Found by comparing chunked
#: with whole-text scans of every rule fixture, shuffled into long documents (the tests
#: do it again): a rule missing here shows as a difference there.
DOCUMENT_RULES = frozenset({"RT203", "RT401", "RT403", "RT501", "RT701", "RT703", "RT704",
                            "RT706", "RT707", "RT708", "RT709", "RT710", "RT712"})

#: A run of blank lines (spaces, tabs, CRs allowed); a chunk may start after it.
_BLANK_RUN = re.compile(r"\n(?:[ \t\r]*\n)+")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
#: Markdown HTML blocks that run past blank lines, and where each ends.
_HTML_BLOCK = re.compile(r"^ {0,3}(?:<!--|<\?|<!\[CDATA\[|<(script|pre|style|textarea)\b)",
                         re.I | re.MULTILINE)
_HTML_END = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}
_FRONT = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n")
_REF_DEF = re.compile(r"^ {0,3}\[((?:[^\]\\\n]|\\.){1,999})\]:.*(?:\n[ \t]+\S.*)*$",
                      re.MULTILINE)


def _fence_zones(text: str) -> list[tuple[int, int]]:
    """Spans of fenced blocks (an unclosed fence runs to the end), generously matched."""
    zones: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for m in _FENCE.finditer(text):
        run = m.group(1)
        eol = text.find("\n", m.end())
        rest = text[m.end():eol if eol >= 0 else len(text)]
        if opened is None:
            if not (run[0] == "`" and "`" in rest):  # CommonMark: no fence, a code span
                opened = (m.start(), run)
        elif run[0] == opened[1][0] and len(run) >= len(opened[1]) and not rest.strip():
            zones.append((opened[0], m.end()))  # a closing fence has no info string
            opened = None
    if opened is not None:
        zones.append((opened[0], len(text)))
    return zones


def _html_zones(text: str, fences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the HTML blocks that blank lines do not end (not those inside a fence)."""
    zones: list[tuple[int, int]] = []
    pos = 0
    while (m := _HTML_BLOCK.search(text, pos)) is not None:
        if any(s <= m.start() < e for s, e in fences):
            pos = m.end()
            continue
        closer = _HTML_END.get(m.group(0).lstrip(" ")) or f"</{m.group(1)}"
        end = text.lower().find(closer.lower(), m.end()) if m.group(1) else \
            text.find(closer, m.end())
        end = len(text) if end < 0 else end + len(closer)
        zones.append((m.start(), end))
        pos = end
    return zones


def _front_zone(text: str) -> list[tuple[int, int]]:
    m = _FRONT.match(text)
    if m is None:
        return []
    close = re.compile(rf"^{re.escape(m.group(1))}[ \t]*\r?$", re.MULTILINE)  # as markup's
    end = close.search(text, m.end())
    return [(0, len(text) if end is None else end.end())]


def chunk_starts(text: str, kind: str) -> list[int]:
    """Offsets where chunks begin (the first is 0): after a blank run, before a line that
    starts at the margin, outside every zone a parse carries across blank lines."""
    zones: list[tuple[int, int]] = []
    if kind == "markdown":
        fences = _fence_zones(text)
        zones = sorted(fences + _front_zone(text)
                       + (_html_zones(text, fences) if "<" in text else []))
    starts = [0]
    z = 0
    for m in _BLANK_RUN.finditer(text):
        at = m.end()
        if at >= len(text) or text[at] in " \t\r":
            continue
        while z < len(zones) and zones[z][1] <= at:
            z += 1
        if z < len(zones) and zones[z][0] < at:
            continue
        starts.append(at)
    return starts


@dataclass
class _Chunk:
    view: str
    #: Findings of the paragraph rules, offsets relative to the chunk.
    findings: list[Finding]


def _shifted(f: Finding, by: int) -> Finding:
    """A copy of ``f`` moved by ``by`` code points (the cached one stays as it was)."""
    fixes = [Fix(fx.title, tuple(Edit(e.start + by, e.end + by, e.replacement)
                                 for e in fx.edits), fx.applicability) for fx in f.fixes]
    return Finding(f.rule, f.start + by, f.end + by, f.message, f.severity, fixes, f.id)


@dataclass
class IncrementalChecker:
    """``check`` for one document that is scanned again and again as it is edited."""

    settings: Settings
    kind: str = "text"
    path: str | None = None
    language: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict[tuple[str, str], _Chunk] = field(default_factory=dict)
    #: Chunks scanned (not found in the cache) by the last :meth:`check`.
    last_scanned: int = 0
    #: Scan mostly new text whole and share the findings out (``False``: chunk by chunk,
    #: which the tests compare with a whole-text check).
    fill_whole: bool = True

    def copy(self) -> IncrementalChecker:
        """A checker with the same settings and a copy of the cache (for trial scans)."""
        return replace(self, _cache=dict(self._cache))

    def check(self, text: str, protected: Iterable[tuple[int, int]] = ()
              ) -> tuple[list[Finding], Document]:
        """What ``engine.check(text, kind=..., settings=...)`` returns, for the same text."""
        language = self.language or self.settings.language
        sup = suppress.parse(text, registry())
        opts = {"lexicons": self.settings.lexicons, **self.options}
        given = list(protected)
        codes = self.settings.enabled_codes(self.path)
        rules = rules_for(self.settings, language, self.path, codes)
        local = [r for r in rules if not _document_wide(r)]
        wide = [r for r in rules if _document_wide(r)]
        hidden = merge_spans([*given, *sup.spans])  # sorted, apart: see _clipped
        defs = _definitions(text) if self.kind == "markdown" and "]:" in text else {}
        starts = chunk_starts(text, self.kind)
        ends = [*starts[1:], len(text)]
        keys = []
        for a, b in zip(starts, ends, strict=True):
            piece = text[a:b]
            spans = _clipped(hidden, a, b) if hidden else []
            used = _used(piece, defs) if defs else ""
            keys.append((piece, repr(spans) + used, spans, used))
        missing = sum(len(k[0]) for k in keys if k[:2] not in self._cache)
        self.last_scanned = 0
        if self.fill_whole and missing * 4 > len(text) and len(keys) > 8:
            # Mostly new text (the first scan): one pass over the whole text costs far less
            # than a pass per chunk, and gives the same findings, shared out to the chunks.
            self._fill(text, starts, keys, hidden, not given, language, opts, local)
        views: list[str] = []
        findings: list[Finding] = []
        cache: dict[tuple[str, str], _Chunk] = {}
        for a, (piece, tag, spans, used) in zip(starts, keys, strict=True):
            chunk = cache.get((piece, tag)) or self._cache.get((piece, tag))
            if chunk is None:
                chunk = self._scan(piece, spans, used, not given, language, opts, local)
                self.last_scanned += 1
            cache[(piece, tag)] = chunk
            views.append(chunk.view)
            findings.extend(_shifted(f, a) for f in chunk.findings)
        self._cache = cache  # only the chunks of this version: memory stays bounded
        doc = Document(text, "".join(views), language, self.path, self.kind, opts)
        findings.extend(run_rules(doc, wide))
        return finish(findings, doc, sup, self.settings, codes), doc

    def _fill(self, text: str, starts: list[int], keys: list[tuple[str, str, Any, str]],
              hidden: list[tuple[int, int]], layout: bool, language: str,
              opts: Mapping[str, Any], rules: list[Rule]) -> None:
        """Cache every chunk from one scan of the whole text with the paragraph rules."""
        whole = Document.from_text(text, kind=self.kind, language=language, path=self.path,
                                   options=opts, protected=hidden, layout=layout)
        per_chunk: list[list[Finding]] = [[] for _ in starts]
        for f in run_rules(whole, rules):
            i = bisect.bisect_right(starts, f.start) - 1
            per_chunk[i].append(_shifted(f, -starts[i]))
        self.last_scanned = len(starts)
        for (piece, tag, _spans, _used), a, found in zip(keys, starts, per_chunk, strict=True):
            self._cache[(piece, tag)] = _Chunk(whole.view[a:a + len(piece)], found)

    def _scan(self, piece: str, spans: list[tuple[int, int]], defs: str, layout: bool,
              language: str, opts: Mapping[str, Any], rules: list[Rule]) -> _Chunk:
        """Mask one chunk as ``Document.from_text`` masks the whole text; run ``rules``."""
        if self.kind == "markdown" and defs:
            from repairtool.markup import markdown_hidden_spans

            # The definitions come after the chunk, so its own offsets are unchanged.
            joined = piece + "\n\n" + defs
            extra = [(s, min(e, len(piece))) for s, e in markdown_hidden_spans(joined)
                     if s < len(piece)]
            view = mask(piece, [*spans, *extra, *_links(piece)])
        else:
            sub = Document.from_text(piece, kind=self.kind, language=language,
                                     path=self.path, options=opts, protected=spans,
                                     layout=layout)
            view = sub.view
        sub = Document(piece, view, language, self.path, self.kind, opts)
        return _Chunk(view, run_rules(sub, rules))


def _clipped(spans: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """The sorted ``spans`` that overlap ``[a, b)``, cut to it and made relative to ``a``
    (found by bisection: a file of directives must not cost chunks times directives)."""
    i = bisect.bisect_left(spans, (a, -1))
    while i > 0 and spans[i - 1][1] > a:  # one that starts before the chunk and reaches in
        i -= 1
    out = []
    for s, e in spans[i:]:
        if s >= b:
            break
        if e > a:
            out.append((max(s, a) - a, min(e, b) - a))
    return out


def _definitions(text: str) -> dict[str, str]:
    """Markdown link reference definitions by label (folded as CommonMark matches them)."""
    defs: dict[str, str] = {}
    for m in _REF_DEF.finditer(text):
        defs.setdefault(_label(m.group(1)), m.group(0))
    return defs


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


_BRACKETED = re.compile(r"\[([^\[\]]{1,999})\]")


def _used(piece: str, defs: dict[str, str]) -> str:
    """The definitions ``piece`` may refer to, one blank line apart (a malformed one must
    not swallow the next as paragraph text), in the order ``piece`` names them."""
    labels = dict.fromkeys(_label(m.group(1)) for m in _BRACKETED.finditer(piece))
    return "\n\n".join(defs[label] for label in labels if label in defs)


def _links(text: str) -> list[tuple[int, int]]:
    from repairtool.document import link_spans

    return link_spans(text)


def _document_wide(rule: Rule) -> bool:
    return (rule.code in DOCUMENT_RULES or rule.category == "bilingual"
            or getattr(rule, "reads_hidden", False))
