"""Review: a person (or a policy, or a replayed decisions file) decides each proposed repair;
the accepted edits become a patch or are applied in place.

:class:`Session` holds the findings of one scan and the decisions, and turns the accepted
edits into bytes. :class:`Terminal` walks a person through the findings one key at a time.
Decisions refer to the original text; where two accepted edits overlap, the one earlier in
the file wins and the other is reported as dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from repairtool.engine import FileResult
from repairtool.fixes import apply_edits
from repairtool.model import Applicability, Edit, Finding

#: A decision's key: the file (as the decisions file names it) and the finding's id there.
#: Ids are per file: two identical files have the same ids, and one decision must not
#: decide both. A decisions file of the old flat form names no file: ``ANY_FILE``.
Key = tuple[str, str]
ANY_FILE = "*"

#: ``--accept`` policies and the lowest applicability each takes.
POLICIES = {"safe": Applicability.SAFE, "unsafe": Applicability.UNSAFE,
            "all": Applicability.SUGGESTION}


class DecisionsError(Exception):
    """A decisions file that cannot be read or written."""


@dataclass(frozen=True)
class Decision:
    """What was decided about one finding.

    ``action`` is ``accept`` (candidate ``index``, 0-based), ``replace`` (by ``text``),
    ``reject`` or ``skip`` (not decided; never saved).
    """

    action: str
    index: int = 0
    text: str = ""

    def to_json(self) -> Any:
        if self.action == "accept":
            return "accept" if self.index == 0 else {"candidate": self.index + 1}
        if self.action == "replace":
            return {"replace": self.text}
        return self.action

    @classmethod
    def from_json(cls, value: Any) -> Decision:
        if value in ("accept", "reject"):
            return cls(value)
        if isinstance(value, dict) and isinstance(value.get("candidate"), int) \
                and value["candidate"] >= 1:
            return cls("accept", value["candidate"] - 1)
        if isinstance(value, dict) and isinstance(value.get("replace"), str):
            return cls("replace", text=value["replace"])
        raise DecisionsError(f"not a decision: {value!r} (use \"accept\", \"reject\", "
                             "{\"candidate\": N} or {\"replace\": TEXT})")


@dataclass
class Item:
    """One finding to decide, with the file it is in."""

    result: FileResult
    finding: Finding

    @cached_property
    def key(self) -> Key:
        # Cached: finding the file's repository root for every item on every step made a
        # decision O(findings) path look-ups (0.6 s a key with 11,000 findings in serve).
        return (file_key(self.result), self.finding.id)

    @property
    def text(self) -> str:
        assert self.result.source is not None
        return self.result.source.text

    def edits(self, decision: Decision) -> tuple[Edit, ...]:
        """The edits a decision makes (none for reject, skip or a missing candidate)."""
        f = self.finding
        if decision.action == "accept" and decision.index < len(f.fixes):
            return f.fixes[decision.index].edits
        if decision.action == "replace":
            return (Edit(f.start, f.end, decision.text),)
        return ()


@dataclass
class Session:
    """The findings under review, in file order, and the decisions taken so far."""

    items: list[Item]
    decisions: dict[Key, Decision] = field(default_factory=dict)
    #: Keys of accepted findings whose edits were dropped because an earlier one overlapped.
    dropped: list[Key] = field(default_factory=list)

    @classmethod
    def from_results(cls, results: Iterable[FileResult]) -> Session:
        items = [Item(r, f) for r in results if r.source is not None for f in r.findings]
        return cls(items)

    def decide_by_policy(self, policy: str, only_undecided: bool = True) -> None:
        """``--accept``: the first candidate at or above the policy's applicability."""
        level = POLICIES[policy]
        for item in self.items:
            fid = item.key
            if only_undecided and fid in self.decisions:
                continue
            index = next((i for i, fx in enumerate(item.finding.fixes)
                          if fx.applicability >= level), None)
            self.decisions[fid] = Decision("reject") if index is None else Decision("accept",
                                                                                    index)

    def replay(self, recorded: dict[Key, Decision]) -> list[Key]:
        """Take the recorded decisions; return the recorded keys that match no finding.
        A key of :data:`ANY_FILE` (an old flat decisions file) matches the id in any file."""
        used: set[Key] = set()
        for item in self.items:
            for key in (item.key, (ANY_FILE, item.finding.id)):
                if key in recorded:
                    self.decisions[item.key] = recorded[key]
                    used.add(key)
                    break
        return sorted(set(recorded) - used)

    def conflict(self, item: Item, edits: Iterable[Edit]) -> Item | None:
        """An already accepted finding in the same file whose edits overlap ``edits``."""
        for other in self.items:
            if other.result is not item.result or other is item:
                continue
            d = self.decisions.get(other.key)
            if d is None:
                continue
            for e in other.edits(d):
                if any(_overlap(e, x) for x in edits):
                    return other
        return None

    def accepted(self) -> dict[int, tuple[FileResult, list[Edit]]]:
        """Per file, the edits to apply: first in file order wins where two overlap."""
        self.dropped = []
        out: dict[int, tuple[FileResult, list[Edit]]] = {}
        chosen: list[tuple[Item, tuple[Edit, ...]]] = []
        for item in self.items:
            d = self.decisions.get(item.key)
            edits = item.edits(d) if d else ()
            if edits:
                chosen.append((item, edits))
        order: dict[int, int] = {}
        for item in self.items:
            order.setdefault(id(item.result), len(order))
        chosen.sort(key=lambda p: (order[id(p[0].result)], min(e.start for e in p[1]),
                                   max(e.end for e in p[1])))
        for item, edits in chosen:
            _, taken = out.setdefault(id(item.result), (item.result, []))
            if any(_overlap(e, t) for e in edits for t in taken):
                self.dropped.append(item.key)
                continue
            taken.extend(edits)
        return out

    def outputs(self) -> list[tuple[FileResult, bytes, bytes]]:
        """Per changed file: the result, its bytes now, and its bytes with the edits."""
        from repairtool.repair import encode

        out = []
        for result, edits in self.accepted().values():
            assert result.source is not None
            new_text = _edited(result, edits)
            if new_text != result.source.text:
                out.append((result, result.source.encode(result.source.text),
                            encode(result.source, new_text)))
        return out

    def counts(self) -> dict[str, int]:
        n = {"accepted": 0, "rejected": 0, "undecided": 0}
        for item in self.items:
            d = self.decisions.get(item.key)
            if d is None or d.action == "skip":
                n["undecided"] += 1
            elif d.action == "reject":
                n["rejected"] += 1
            else:
                n["accepted"] += 1
        return n


def file_key(result: FileResult) -> str:
    """How decisions name a file: relative to its repository root (else as given)."""
    from repairtool.patch import display_path

    return display_path(result.fs_path) if result.fs_path is not None else result.path


def _edited(result: FileResult, edits: list[Edit]) -> str:
    """The file's text with the accepted edits; a bilingual file (PO, XLIFF, …) goes through
    its own format, which also marks the changed entries for review (PO ``fuzzy``)."""
    from repairtool.bilingual.kinds import is_bilingual_result

    assert result.source is not None
    if edits and is_bilingual_result(result):
        from repairtool.bilingual.writeback import write_back

        assert result.fs_path is not None
        bilingual = result.settings.extra.get("bilingual") if result.settings else None
        return write_back(result.fs_path, result.source.text, edits, bilingual=bilingual,
                          write=False).text
    return apply_edits(result.source.text, edits)


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def make_patch(session: Session, header: bytes) -> bytes:
    """The accepted edits as one unified diff (paths relative to the repository root)."""
    from repairtool.patch import display_path, unified_diff

    body = b"".join(
        unified_diff(old, new, display_path(r.fs_path) if r.fs_path else r.path)
        for r, old, new in session.outputs())
    return header + body


def session_signature(results: Iterable[FileResult], mode: str, **options: str) -> str:
    """The signature of a review: version, the rules that ran, the policy, the language."""
    from repairtool.patch import signature

    results = list(results)
    codes = {c for r in results if r.settings
             for c in r.settings.enabled_codes(str(r.fs_path) if r.fs_path else None)}
    language = next((r.settings.language for r in results if r.settings), "en")
    return signature(codes, mode, language, **options)


def apply_in_place(session: Session) -> int:
    """Write the accepted edits into the files (atomically); the number of files changed."""
    from repairtool.repair import write_atomic

    outputs = session.outputs()
    for r, _old, new in outputs:
        assert r.fs_path is not None and r.source is not None
        write_atomic(r.fs_path, new, r.source)
    return len(outputs)


def prepare(results: Iterable[FileResult], recorded: dict[Key, Decision]
            ) -> tuple[Session, list[Key]]:
    """The session of a review (``review`` and ``serve``): the scanned files' findings at or
    above their ``min-severity``, with the recorded decisions taken; and the recorded keys
    that matched no finding."""
    from repairtool.config import Settings

    kept = []
    for r in results:
        if r.error:
            continue
        s = r.settings or Settings()
        r.findings = [f for f in r.findings if f.severity >= s.min_severity]
        kept.append(r)
    session = Session.from_results(kept)
    return session, session.replay(recorded)


def save_review(session: Session, signature: str, patch_file: Path | None,
                decisions_file: Path | None) -> bytes | None:
    """Write the decisions file and the patch file (each if asked); the patch, or ``None``
    when no edit was accepted (no patch file then: ``git apply`` refuses an empty one)."""
    from repairtool.patch import patch_header

    if decisions_file is not None:
        save_decisions(session, decisions_file, signature)
    if not session.outputs():
        return None
    body = make_patch(session, patch_header(signature))
    if patch_file is not None:
        patch_file.write_bytes(body)
    return body


def save_decisions(session: Session, path: Path, signature: str) -> None:
    """``{"signature": …, "files": {file: {finding id: decision}}}``."""
    files: dict[str, dict[str, Any]] = {}
    for (name, fid), d in session.decisions.items():
        if d.action != "skip":
            files.setdefault(name, {})[fid] = d.to_json()
    data = {"signature": signature, "files": files}
    try:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DecisionsError(f"{path}: cannot write: {exc.strerror or exc}") from None


def load_decisions(path: Path) -> dict[Key, Decision]:
    """The decisions of a file written by :func:`save_decisions` (or of the older flat
    ``{"decisions": {id: decision}}`` form, whose ids match in any file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DecisionsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise DecisionsError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict):
        data = {}
    files = data.get("files")
    if files is None and isinstance(data.get("decisions"), dict):
        files = {ANY_FILE: data["decisions"]}
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise DecisionsError(f"{path}: no \"files\" object of {{file: {{id: decision}}}}")
    try:
        return {(str(name), str(k)): Decision.from_json(v)
                for name, decisions in files.items() for k, v in decisions.items()}
    except DecisionsError as exc:
        raise DecisionsError(f"{path}: {exc}") from None


HELP = ("a accept · r reject · 1-9 choose candidate · e type a replacement · "
        "s skip rest of file · u undo · q quit · ? help")


@dataclass
class Terminal:
    """Walks a person through the undecided findings of a session, one key per decision."""

    session: Session
    getchar: Callable[[], str]
    echo: Callable[[str], None]
    prompt: Callable[[str], str]
    colour: bool = False
    #: Per step: where it was taken, and each key it decided with the decision it replaced
    #: (``None``: undecided before; the page of ``serve`` can decide a finding again).
    history: list[tuple[int, list[tuple[Key, Decision | None]]]] = field(default_factory=list)

    def run(self) -> bool:
        """Ask until every finding is decided or the person quits; whether they quit."""
        items = self.session.items
        pos = 0
        while pos < len(items):
            item = items[pos]
            if item.key in self.session.decisions:
                pos += 1
                continue
            self.show(pos)
            step = self.ask(pos)
            if step is None:
                return True
            pos = step
        return False

    def ask(self, pos: int) -> int | None:
        """Read keys until one decides; the next position, or ``None`` to quit."""
        item = self.session.items[pos]
        fixes = item.finding.fixes
        while True:
            self.echo("> ")
            try:
                key = self.getchar()
            except (EOFError, KeyboardInterrupt):
                key = "q"
            self.echo(key if key.isprintable() else "")
            self.echo("\n")
            if key in ("q", "Q", "\x03", "\x04"):
                return None
            if key == "?":
                self.echo(HELP + "\n")
            elif key == "a" and fixes:
                if self.decide(pos, Decision("accept", 0)):
                    return pos + 1
            elif key.isdigit() and 1 <= int(key) <= min(9, len(fixes)):
                if self.decide(pos, Decision("accept", int(key) - 1)):
                    return pos + 1
            elif key == "r":
                self.decide(pos, Decision("reject"))
                return pos + 1
            elif key == "e":
                text = self.prompt("replacement for " + repr(item.text[item.finding.start:
                                                                      item.finding.end])
                                   + " (empty: cancel)")
                if not text:
                    self.echo("cancelled\n")
                elif self.decide(pos, Decision("replace", text=text)):
                    return pos + 1
            elif key == "s":
                return self.skip_file(pos)
            elif key == "u":
                back = self.undo()
                if back is not None:
                    return back
                self.echo("nothing to undo\n")
            else:
                self.echo(("no candidate to accept; " if key == "a" else "") + HELP + "\n")

    def decide(self, pos: int, decision: Decision) -> bool:
        item = self.session.items[pos]
        other = self.session.conflict(item, item.edits(decision))
        if other is not None:
            line = other.result.document.line_col(other.finding.start)[0] \
                if other.result.document else 0
            self.echo(f"overlaps the repair you accepted on line {line}; undo that first, "
                      "or reject this one\n")
            return False
        before = self.session.decisions.get(item.key)
        self.session.decisions[item.key] = decision
        self.history.append((pos, [(item.key, before)]))
        return True

    def skip_file(self, pos: int) -> int:
        result = self.session.items[pos].result
        ids: list[tuple[Key, Decision | None]] = []
        nxt = pos
        for i in range(pos, len(self.session.items)):
            item = self.session.items[i]
            if item.result is not result:
                break
            nxt = i + 1
            if item.key not in self.session.decisions:
                self.session.decisions[item.key] = Decision("skip")
                ids.append((item.key, None))
        self.history.append((pos, ids))
        return nxt

    def undo(self) -> int | None:
        if not self.history:
            return None
        pos, steps = self.history.pop()
        for key, before in steps:
            if before is None:
                self.session.decisions.pop(key, None)
            else:
                self.session.decisions[key] = before
        self.echo("undone\n")
        return pos

    def show(self, pos: int) -> None:
        item = self.session.items[pos]
        f = item.finding
        doc = item.result.document
        line, col = doc.line_col(f.start) if doc else (0, 0)
        total = len(self.session.items)
        decided = sum(1 for i in self.session.items if i.key in self.session.decisions)
        self.echo(self._paint(f"\n[{pos + 1}/{total}] {item.result.path}:{line}:{col}  "
                              f"{f.rule.code} {f.rule.name} ({f.severity})  "
                              f"{decided} decided", "bold") + "\n")
        self.echo(f"  {f.message}\n")
        self.echo("  " + self.context(item, f.start, f.end, f.start, f.end, "")[0] + "\n")
        if not f.fixes:
            self.echo("  no candidate: e to type a replacement, r to reject\n")
        for i, fx in enumerate(f.fixes[:9], 1):
            e_start = min(e.start for e in fx.edits)
            e_end = max(e.end for e in fx.edits)
            after = apply_edits(item.text, fx.edits)
            shift = len(after) - len(item.text)
            preview, _ = self.context(item, e_start, e_end, e_start, e_end + shift, after)
            self.echo(f"  {i}) [{fx.applicability}] {fx.title}\n       → {preview}\n")
        self.echo(f"  {HELP}\n")

    def context(self, item: Item, start: int, end: int, mark_start: int, mark_end: int,
                text: str, width: int = 70) -> tuple[str, int]:
        """The sentence around a span with the span marked (in ``text``, else the original)."""
        text = text or item.text
        lo = max(text.rfind("\n", 0, mark_start) + 1, mark_start - width)
        hi_nl = text.find("\n", mark_end)
        hi = min(hi_nl if hi_nl >= 0 else len(text), mark_end + width)
        inside = text[mark_start:mark_end]
        shown = (("…" if lo > 0 and text[lo - 1] != "\n" else "") + text[lo:mark_start]
                 + self._paint("⟦" + inside + "⟧", "red")
                 + text[mark_end:hi] + ("…" if hi < len(text) and text[hi] != "\n" else ""))
        return shown.replace("\r", "").replace("\t", " "), lo

    def _paint(self, s: str, style: str) -> str:
        if not self.colour:
            return s
        code = {"bold": "1", "red": "31"}[style]
        return f"\x1b[{code}m{s}\x1b[0m"
