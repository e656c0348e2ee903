"""``repairtool lsp``: the engine as a Language Server (pygls), for any editor with an LSP
client.

- Diagnostics when a document is opened, changed (debounced) and saved: plain text,
  Markdown and the bilingual formats, told apart by the document's file name as a scan
  tells them apart (``repairtool/bilingual/kinds.py``); the config is the one a scan of that
  file would use (found from the file's folder upward), read again on every save.
- Positions in the code units the client asked for (UTF-16 unless it offered others);
  ``code`` is the rule code, ``codeDescription.href`` the rule's doc (as SARIF's
  ``helpUri``).
- Code actions: every fix of a finding (safe, unsafe, suggestion: each candidate of a
  masked token) as a quick fix, "fix all safe" (``source.fixAll``, the fixes ``scan --fix``
  applies) and "suppress RTxxx on this line" (the directive ``scan --add-noqa`` writes).
- Incremental: the client sends the whole text (full sync: simple, and exact where pygls's
  own line splitting is not); only the paragraphs that changed are scanned again
  (:mod:`repairtool.integrations.lsp.incremental`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from repairtool import __version__
from repairtool.bilingual.kinds import is_bilingual_path
from repairtool.config import ConfigError, Settings, _find_config, load_settings
from repairtool.document import Document
from repairtool.engine import settings_for
from repairtool.fixes import apply_once, choose, fix_text, keep_for
from repairtool.integrations.lsp.incremental import IncrementalChecker
from repairtool.integrations.lsp.positions import PositionMap
from repairtool.model import Applicability, Edit, Finding, Severity
from repairtool.noqa import line_directive
from repairtool.output.sarif import help_uri
from repairtool.source import InputError, kind_for

log = logging.getLogger(__name__)

#: Seconds to wait after a change before scanning (a burst of typing is scanned once).
DEBOUNCE = 0.15
CONFIG_NAMES = frozenset({"pyproject.toml", ".repairtool.toml"})
_SEVERITY = {Severity.ERROR: lsp.DiagnosticSeverity.Error,
             Severity.WARNING: lsp.DiagnosticSeverity.Warning,
             Severity.INFO: lsp.DiagnosticSeverity.Information}
_NOQA = re.compile(r"repairtool:[ \t]*noqa\b((?:[ \t]*(?:,[ \t]*)?[A-Za-z]+[0-9]*\b)*)")
_ERROR_LINE = re.compile(r"line (\d+)\b")
FIX_ALL_TITLE = "repairtool: apply every safe fix in the file"


@dataclass
class OpenDocument:
    """What the server knows about one open document, as of its last scan."""

    uri: str
    path: Path | None
    name: str
    language_id: str = ""
    settings: Settings | None = None
    checker: IncrementalChecker | None = None
    version: int | None = None
    text: str | None = None
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None
    positions: PositionMap | None = None
    pending: asyncio.TimerHandle | None = None

    @property
    def bilingual(self) -> bool:
        bilingual = self.settings.extra.get("bilingual") if self.settings else None
        return is_bilingual_path(Path(self.name), bilingual)

    @property
    def kind(self) -> str:
        kind = kind_for(self.name)
        if kind == "text" and not Path(self.name).suffix and self.language_id == "markdown":
            return "markdown"  # an untitled Markdown buffer
        return kind


class RepairtoolServer(LanguageServer):
    """The language server: open documents, their scans and the replies built from them."""

    def __init__(self, debounce: float = DEBOUNCE) -> None:
        super().__init__("repairtool", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.debounce = debounce
        self.open: dict[str, OpenDocument] = {}

    # --- scanning -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Scan ``uri`` and publish its diagnostics after ``delay`` seconds (a later call
        replaces an earlier one that has not run yet)."""
        state = self.open.get(uri)
        if state is None:
            return
        if state.pending is not None:
            state.pending.cancel()
        state.pending = asyncio.get_running_loop().call_later(delay, self.publish, uri)

    def publish(self, uri: str) -> None:
        state = self.open.get(uri)
        if state is None:
            return
        state.pending = None
        try:
            diagnostics = [self.diagnostic(state, f) for f in self.scan(state)]
        except (ConfigError, InputError) as exc:
            diagnostics = [self.problem(str(exc))]
        except RecursionError:  # JSON and TOML readers recurse once per level of nesting
            diagnostics = [self.problem("nested too deeply to read")]
        except Exception as exc:  # a bug must not stop the server: say it, keep serving
            log.exception("scan of %s failed", uri)
            self.window_log_message(lsp.LogMessageParams(
                type=lsp.MessageType.Error, message=f"repairtool: scan of {uri} failed: {exc!r}"))
            diagnostics = [self.problem(f"internal error: {exc!r} (see the server log)")]
        version = self.workspace.get_text_document(uri).version  # also when it failed
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=diagnostics))

    def scan(self, state: OpenDocument) -> list[Finding]:
        """The shown findings of the document's current text (scanned only if it changed)."""
        doc = self.workspace.get_text_document(state.uri)
        if state.text == doc.source and state.version == doc.version \
                and state.settings is not None:
            return state.findings
        settings = state.settings or self.settings(state)
        state.settings = settings
        text = doc.source
        if state.bilingual:
            from repairtool.bilingual.scan import scan_bilingual

            findings, document, _bf = scan_bilingual(
                state.path or Path(state.name), settings, text=text)
        else:
            if state.checker is None or state.checker.settings != settings:
                state.checker = IncrementalChecker(
                    settings, kind=state.kind,
                    path=str(state.path) if state.path is not None else None)
            findings, document = state.checker.check(text)
        state.findings = [f for f in findings if f.severity >= settings.min_severity]
        state.text, state.version, state.document = text, doc.version, document
        state.positions = PositionMap(text, self.encoding, document.line_starts)
        return state.findings

    def settings(self, state: OpenDocument) -> Settings:
        """The settings a scan of the file would use (its nearest config file)."""
        return settings_for(state.path, None, {"run_hidden": False})

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    # --- replies --------------------------------------------------------------------------

    def range(self, state: OpenDocument, start: int, end: int) -> lsp.Range:
        assert state.positions is not None
        a, b = state.positions.position(start), state.positions.position(end)
        return lsp.Range(lsp.Position(*a), lsp.Position(*b))

    def diagnostic(self, state: OpenDocument, f: Finding) -> lsp.Diagnostic:
        href = help_uri()  # None while the project publishes no docs URL
        return lsp.Diagnostic(
            range=self.range(state, f.start, f.end), message=f.message,
            severity=_SEVERITY[f.severity], code=f.rule.code,
            code_description=lsp.CodeDescription(href=href) if href else None,
            source="repairtool", data={"id": f.id})

    @staticmethod
    def problem(message: str) -> lsp.Diagnostic:
        """A config or read error, shown on the line it names (``line 7: …``), else at the
        top of the file."""
        m = _ERROR_LINE.match(message)
        at = lsp.Position(max(0, int(m.group(1)) - 1) if m else 0, 0)
        return lsp.Diagnostic(range=lsp.Range(at, at), message=f"repairtool: {message}",
                              severity=lsp.DiagnosticSeverity.Error, source="repairtool")

    def edit(self, state: OpenDocument, edits: list[Edit]) -> lsp.WorkspaceEdit:
        text_edits = [lsp.TextEdit(range=self.range(state, e.start, e.end),
                                   new_text=e.replacement)
                      for e in sorted(edits, key=lambda e: (e.start, e.end))]
        caps = self.client_capabilities.workspace
        versioned = caps and caps.workspace_edit and caps.workspace_edit.document_changes
        if versioned:  # the client refuses the edit if the text moved on meanwhile
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                    uri=state.uri, version=state.version),
                edits=list(text_edits))])
        return lsp.WorkspaceEdit(changes={state.uri: text_edits})

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        state = self.open.get(params.text_document.uri)
        if state is None:
            return []
        try:
            findings = self.scan(state)
        except (ConfigError, InputError):
            return []
        assert state.positions is not None
        r = params.range
        lo = state.positions.offset(r.start.line, r.start.character)
        hi = state.positions.offset(r.end.line, r.end.character)
        only = params.context.only

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

        actions: list[lsp.CodeAction] = []
        if wanted(lsp.CodeActionKind.QuickFix):
            for f in findings:
                if f.start <= hi and f.end >= lo:  # touching counts: the cursor at its end
                    actions.extend(self.quick_fixes(state, f))
        if wanted(lsp.CodeActionKind.SourceFixAll) and any(
                fx.applicability is Applicability.SAFE for f in findings for fx in f.fixes):
            action = lsp.CodeAction(title=FIX_ALL_TITLE, kind=lsp.CodeActionKind.SourceFixAll,
                                    data={"uri": state.uri, "version": state.version})
            # Editors ask for actions whenever the cursor moves: the fix-all (a scan per
            # pass) is made when it is chosen, if the client can resolve actions.
            if not self.resolves_edits():
                action = self.resolve(action)
            if action.edit is not None or action.data is not None:
                actions.append(action)
        return actions

    def resolves_edits(self) -> bool:
        caps = self.client_capabilities.text_document
        support = caps and caps.code_action and caps.code_action.resolve_support
        return bool(support and "edit" in support.properties)

    def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Fill in the fix-all edit of ``action`` (for the version it was offered on)."""
        data = action.data if isinstance(action.data, dict) else {}
        state = self.open.get(str(data.get("uri")))
        action.data = None
        if state is None or action.kind != lsp.CodeActionKind.SourceFixAll:
            return action
        self.scan(state)
        if state.version != data.get("version"):
            return action  # the text moved on: no edit (the client asks again)
        fixed = self.fix_all(state)
        if fixed is not None:
            action.edit = self.edit(state, [fixed])
        return action

    def quick_fixes(self, state: OpenDocument, f: Finding) -> list[lsp.CodeAction]:
        diag = [self.diagnostic(state, f)]
        out = [lsp.CodeAction(
            title=f"{fx.title} ({fx.applicability} fix, {f.rule.code})",
            kind=lsp.CodeActionKind.QuickFix, diagnostics=diag,
            is_preferred=i == 0 and fx.applicability is Applicability.SAFE,
            edit=self.edit(state, list(fx.edits))) for i, fx in enumerate(f.fixes)]
        if not state.bilingual and state.document is not None:  # a comment would ship
            out.append(lsp.CodeAction(
                title=f"Suppress {f.rule.code} on this line", kind=lsp.CodeActionKind.QuickFix,
                diagnostics=diag,
                edit=self.edit(state, [suppress_edit(state.document, f)])))
        return out

    def fix_all(self, state: OpenDocument) -> Edit | None:
        """One edit that turns the text into what ``scan --fix`` would write (the stretch
        from the first to the last changed code point), or ``None``."""
        assert state.text is not None and state.settings is not None
        text = state.text
        if state.bilingual:  # the fixes are in file offsets already: one pass, no re-scan
            new = apply_once(text, choose(state.findings, Applicability.SAFE))[0]
        else:
            assert state.checker is not None
            checker = state.checker.copy()
            settings = state.settings

            def scan(t: str) -> list[Finding]:
                return [f for f in checker.check(t)[0] if f.severity >= settings.min_severity]

            new = fix_text(text, scan, Applicability.SAFE, keep=keep_for(state.kind)).text
        return changed_stretch(text, new)


def changed_stretch(old: str, new: str) -> Edit | None:
    """The smallest single edit that turns ``old`` into ``new``."""
    if old == new:
        return None
    a = 0
    n = min(len(old), len(new))
    while a < n and old[a] == new[a]:
        a += 1
    b = 0
    while b < n - a and old[-1 - b] == new[-1 - b]:
        b += 1
    return Edit(a, len(old) - b, new[a:len(new) - b])


def suppress_edit(doc: Document, f: Finding) -> Edit:
    """Add the finding's code to the line's ``noqa`` directive, or write one."""
    line = doc.line_col(f.start)[0]
    start, end = doc.line_span(line)
    for m in _NOQA.finditer(doc.text, start, end):
        if m.group(1).strip():
            return Edit(m.end(1), m.end(1), f", {f.rule.code}")
    return line_directive(doc, line, [f.rule.code])


def make_server(debounce: float = DEBOUNCE) -> RepairtoolServer:
    server = RepairtoolServer(debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RepairtoolServer, params: lsp.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        name = path or item.uri.rsplit("/", 1)[-1]
        ls.open[item.uri] = OpenDocument(item.uri, Path(path) if path else None, name,
                                         item.language_id)
        ls.schedule(item.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RepairtoolServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: RepairtoolServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        # A scan process reads each config once; a server reads it again on every save.
        _find_config.cache_clear()
        load_settings.cache_clear()
        # A saved config file changes the settings of every open document.
        again = list(ls.open) if uri.rsplit("/", 1)[-1] in CONFIG_NAMES else [uri]
        for each in again:
            if each in ls.open:
                ls.open[each].settings = None
                ls.schedule(each, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RepairtoolServer, params: lsp.DidCloseTextDocumentParams) -> None:
        state = ls.open.pop(params.text_document.uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll],
        resolve_provider=True))
    def code_action(ls: RepairtoolServer, params: lsp.CodeActionParams
                    ) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: RepairtoolServer, action: lsp.CodeAction) -> lsp.CodeAction:
        return ls.resolve(action)

    return server


def serve(debounce: float = DEBOUNCE, **_: Any) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    make_server(debounce).start_io()
