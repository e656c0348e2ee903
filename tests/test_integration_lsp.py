"""``repairtool lsp``: the incremental scan equals a whole-text scan, positions are UTF-16,
and the real server, driven over stdio by pygls' own client, publishes diagnostics, offers
code actions whose edits apply, follows edits and shuts down."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from repairtool.config import Settings
from repairtool.engine import check
from repairtool.integrations.lsp.incremental import IncrementalChecker, chunk_starts
from repairtool.integrations.lsp.positions import PositionMap, units

from .conftest import FIXTURES

pytest.importorskip("pygls")
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
ALL = Settings(select=("ALL",))


def _key(f: Any) -> tuple[Any, ...]:
    return (f.rule.code, f.start, f.end, f.message, f.severity, f.id,
            tuple((fx.title, fx.edits, fx.applicability) for fx in f.fixes))


def same_as_check(text: str, kind: str, checker: IncrementalChecker | None = None) -> None:
    whole, doc = check(text, kind=kind, settings=ALL)
    checker = checker or IncrementalChecker(ALL, kind=kind, fill_whole=False)
    parts, pdoc = checker.check(text)
    assert pdoc.view == doc.view
    assert [_key(f) for f in parts] == [_key(f) for f in whole]


def fixture_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((FIXTURES / "rules").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for group in ("fire", "silent"):
            for case in data.get(group, []):
                if "text" in case and "language" not in case:
                    out.append((case.get("kind", "text"), case["text"]))
    return out


@pytest.mark.parametrize("kind", ["text", "markdown"])
def test_chunked_scan_equals_whole_scan_on_every_rule_fixture(kind: str) -> None:
    """Every fixture case, shuffled into long documents: the cross-paragraph rules
    (DOCUMENT_RULES) are exactly the ones a chunked scan would otherwise get wrong."""
    texts = [t for k, t in fixture_texts() if k in ("text", kind)]
    rnd = random.Random(15)
    for _ in range(2):
        rnd.shuffle(texts)
        same_as_check("\n\n".join(texts), kind)
        same_as_check("\n\n".join(texts), kind, IncrementalChecker(ALL, kind=kind))


def test_edits_reuse_the_cache_and_stay_exact() -> None:
    texts = [t for k, t in fixture_texts() if k == "text"][:200]
    text = "\n\n".join(texts)
    checker = IncrementalChecker(ALL)
    checker.check(text)
    assert checker.last_scanned > 100
    rnd = random.Random(3)
    for _ in range(5):
        at = rnd.randrange(len(text))
        text = text[:at] + rnd.choice(["x", " ", "\n", "\n\n", "，", "the "]) + text[at:]
        same_as_check(text, "text", checker)
        assert checker.last_scanned <= 3  # the chunk edited (and one it split or joined)


MARKDOWN = """---
title: front matter

with a blank line
---

# Heading，with a mark

```text
fenced，code

with a blank line，still code
```

<!--
a comment，

over blank lines
-->

- a list item，here

    its second paragraph，indented

    indented code? no: the item's paragraph

See [the guide][g] and [other][missing]，twice.

[g]: https://example.com/guide

    indented code，after a paragraph

```text
an info string does not close a fence，

```python
still the first fence，
```

``` `not a fence` ```，inline code

Tokyo** has said so.  <!-- repairtool: disable RT301 -->

Full，width is not reported here.

<!-- repairtool: enable RT301 -->

Full，width is reported again.
"""


def test_markdown_chunks_never_cut_a_block_the_parser_carries() -> None:
    starts = chunk_starts(MARKDOWN, "markdown")
    for inside in ("with a blank line\n---", "with a blank line，still", "over blank lines",
                   "its second paragraph", "indented code? no", "```python"):
        at = MARKDOWN.index(inside)
        assert at not in starts and MARKDOWN.rfind("\n", 0, at) + 1 not in starts
    same_as_check(MARKDOWN, "markdown")
    same_as_check(MARKDOWN.replace("[g]: https://example.com/guide", ""), "markdown")


def test_positions_count_utf16_code_units() -> None:
    text = "😀 a\n𠀀𠀁 b，c\n"  # an emoji and two CJK Ext-B ideographs: 2 units each
    pm = PositionMap(text)
    assert pm.position(text.index("a")) == (0, 3)
    assert pm.position(text.index("，")) == (1, 6)
    assert pm.offset(1, 6) == text.index("，")
    assert PositionMap(text, "utf-32").position(text.index("，")) == (1, 4)
    assert PositionMap(text, "utf-8").position(text.index("，")) == (1, 10)
    assert units("𠀀", "utf-16") == 2 and units("é", "utf-16") == 1


def test_scan_start_up_never_imports_pygls(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tokyo** has said so.\n", encoding="utf-8")
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0]"
            " in ('pygls', 'lsprotocol', 'cattrs')), file=sys.stderr))\n"
            f"sys.argv = ['repairtool', 'scan', {str(tmp_path / 'a.txt')!r}]\n"
            "from repairtool.cli import main\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 1, out.stderr
    assert out.stderr.strip().endswith("[]"), out.stderr


# --- the real server over stdio ----------------------------------------------------------

def utf16_offset(text: str, pos: lsp.Position) -> int:
    """The client's side of the position contract, written independently of the server."""
    lines = text.split("\n")
    before = sum(len(line) + 1 for line in lines[:pos.line])
    line, units16, i = lines[pos.line], 0, 0
    while i < len(line) and units16 < pos.character:
        units16 += len(line[i].encode("utf-16-le")) // 2
        i += 1
    return before + i


def apply(text: str, edit: lsp.WorkspaceEdit, uri: str) -> str:
    if edit.document_changes:
        edits = [e for dc in edit.document_changes if dc.text_document.uri == uri
                 for e in dc.edits]
    else:
        edits = list((edit.changes or {})[uri])
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                    reverse=True):
        a, b = utf16_offset(text, e.range.start), utf16_offset(text, e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


class Session:
    """A pygls client talking to ``python -m repairtool lsp`` over a pipe."""

    def __init__(self) -> None:
        self.client = LanguageClient("repairtool-test", "1")
        self.diagnostics: asyncio.Queue[lsp.PublishDiagnosticsParams] = asyncio.Queue()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics.put_nowait(params)

    async def start(self, cwd: Path, encodings: list[str] | None = None,
                    resolve: bool = False) -> lsp.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "repairtool", "lsp", "--debounce",
                                   "0.05", cwd=str(cwd))
        caps = lsp.ClientCapabilities(
            workspace=lsp.WorkspaceClientCapabilities(
                workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True)),
            general=lsp.GeneralClientCapabilities(
                position_encodings=[lsp.PositionEncodingKind(e) for e in encodings]
            ) if encodings else None,
            text_document=lsp.TextDocumentClientCapabilities(
                code_action=lsp.CodeActionClientCapabilities(
                    resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"])))
            if resolve else None)
        result = await self.client.initialize_async(lsp.InitializeParams(
            capabilities=caps, root_uri=cwd.as_uri()))
        self.client.initialized(lsp.InitializedParams())
        return result

    async def published(self, uri: str, version: int | None = None
                        ) -> list[lsp.Diagnostic]:
        while True:
            p = await asyncio.wait_for(self.diagnostics.get(), 60)
            if p.uri == uri and (version is None or p.version == version):
                return list(p.diagnostics)

    def open(self, uri: str, text: str, language: str = "plaintext") -> None:
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri, language, 1, text)))

    def change(self, uri: str, version: int, text: str) -> None:
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version, uri),
            [lsp.TextDocumentContentChangeWholeDocument(text)]))

    async def actions(self, uri: str, rng: lsp.Range, only: list[str] | None = None
                      ) -> list[lsp.CodeAction]:
        got = await self.client.text_document_code_action_async(lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), rng,
            lsp.CodeActionContext(diagnostics=[], only=only)))
        return [a for a in got or [] if isinstance(a, lsp.CodeAction)]

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


TEXT = "😀 𠀀 Tokyo** has tightened its rules，officials said.\nThe plan was askedWhy.\n"


def by_code(diags: list[lsp.Diagnostic]) -> dict[str, lsp.Diagnostic]:
    return {str(d.code): d for d in diags}


async def _text_session(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.repairtool]\nignore = ["RT202"]\n',
                                             encoding="utf-8")
    sub = tmp_path / "docs"
    sub.mkdir()
    path = sub / "news.txt"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.as_uri()
    s = Session()
    init = await s.start(tmp_path)
    assert init.capabilities.position_encoding in (None, "utf-16")
    s.open(uri, TEXT)
    diags = by_code(await s.published(uri))
    assert "RT202" not in diags  # the config above the file's folder was found
    masked, comma = diags["RT101"], diags["RT301"]
    # 😀 and 𠀀 are two UTF-16 units each: `**` starts at code point 9, unit 11.
    assert TEXT.index("**") == 9
    assert (masked.range.start.line, masked.range.start.character) == (0, 11)
    assert masked.range.end.character == 13
    assert TEXT[utf16_offset(TEXT, comma.range.start)] == "，"
    assert comma.severity == lsp.DiagnosticSeverity.Warning and comma.source == "repairtool"
    # The rule reference's link is left out while the package names no docs URL (SARIF too).
    assert comma.code_description is None

    # Every fix is a quick fix: the masked token's candidates, its removal, suppression.
    acts = await s.actions(uri, masked.range)
    titles = [a.title for a in acts]
    assert sum("suggestion fix, RT101" in t for t in titles) >= 2
    assert any("unsafe fix, RT101" in t for t in titles)
    assert "Suppress RT101 on this line" in titles
    assert [a.kind for a in acts if a.title.startswith("repairtool:")] == \
        [lsp.CodeActionKind.SourceFixAll]  # a safe fix elsewhere in the file
    acts = [a for a in acts if a.kind == lsp.CodeActionKind.QuickFix]
    fill = next(a for a in acts if "suggestion" in a.title)
    assert fill.edit is not None
    filled = apply(TEXT, fill.edit, uri)
    assert "**" not in filled and filled.endswith("officials said.\nThe plan was askedWhy.\n")

    # The comma's safe fix, applied by the client, then sent back as an edit.
    acts = await s.actions(uri, comma.range)
    safe = next(a for a in acts if "safe fix" in a.title and "unsafe" not in a.title)
    assert safe.is_preferred and safe.edit is not None
    fixed = apply(TEXT, safe.edit, uri)
    assert "rules, officials" in fixed
    s.change(uri, 2, fixed)
    assert "RT301" not in by_code(await s.published(uri, 2))

    # Suppress on this line: the directive the CLI's --add-noqa writes.
    rng = lsp.Range(masked.range.start, masked.range.start)
    sup = next(a for a in await s.actions(uri, rng) if a.title.startswith("Suppress"))
    assert sup.edit is not None
    quiet = apply(fixed, sup.edit, uri)
    assert quiet.split("\n")[0].endswith("said.  repairtool: noqa RT101")
    s.change(uri, 3, quiet)
    assert "RT101" not in by_code(await s.published(uri, 3))

    # Fix all safe fixes in the file (source.fixAll), as `scan --fix` would.
    messy = "Prices rose，the ministry said。\nThe second line stays.\n"
    s.change(uri, 4, messy)
    assert {"RT301"} <= set(by_code(await s.published(uri, 4)))
    everything = lsp.Range(lsp.Position(0, 0), lsp.Position(2, 0))
    acts = await s.actions(uri, everything, only=[lsp.CodeActionKind.SourceFixAll])
    assert [a.kind for a in acts] == [lsp.CodeActionKind.SourceFixAll]
    assert acts[0].edit is not None
    assert apply(messy, acts[0].edit, uri) == \
        "Prices rose, the ministry said.\nThe second line stays.\n"

    # A saved config file is read again.
    (tmp_path / "pyproject.toml").write_text('[tool.repairtool]\nignore = ["RT3"]\n',
                                             encoding="utf-8")
    s.client.text_document_did_save(lsp.DidSaveTextDocumentParams(
        lsp.TextDocumentIdentifier(uri)))
    assert "RT301" not in by_code(await s.published(uri))

    s.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        lsp.TextDocumentIdentifier(uri)))
    assert await s.published(uri) == []
    await s.stop()


def test_server_over_stdio_text(tmp_path: Path) -> None:
    asyncio.run(_text_session(tmp_path))


PO = '''msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "源文本"
msgstr "The plan，was announced."
'''


async def _markdown_and_po_session(tmp_path: Path) -> None:
    s = Session()
    init = await s.start(tmp_path, encodings=["utf-32"], resolve=True)
    assert init.capabilities.position_encoding == "utf-32"  # code points, when asked
    md = tmp_path / "notes.md"
    text = "# Notes\n\nThe `code，here` is code，but this is prose.\n"
    md.write_text(text, encoding="utf-8")
    s.open(md.as_uri(), text, "markdown")
    diags = await s.published(md.as_uri())
    assert [d.code for d in diags] == ["RT301"]
    assert diags[0].range.start.character == text.split("\n")[2].index("，but")
    rng = diags[0].range
    sup = next(a for a in await s.actions(md.as_uri(), rng) if a.title.startswith("Suppress"))
    assert sup.edit is not None
    assert "prose. <!-- repairtool: noqa RT301 -->" in apply(text, sup.edit, md.as_uri())
    emoji = "# 😀 Notes\n\nAn emoji 😀 then a mark，here.\n"
    s.change(md.as_uri(), 2, emoji)
    diags = await s.published(md.as_uri(), 2)
    assert diags[0].range.start.character == emoji.split("\n")[2].index("，")
    # A client that resolves actions gets the fix-all without its edit, then resolves it.
    fix_all = [a for a in await s.actions(md.as_uri(), diags[0].range)
               if a.kind == lsp.CodeActionKind.SourceFixAll]
    assert len(fix_all) == 1 and fix_all[0].edit is None
    done = await s.client.code_action_resolve_async(fix_all[0])
    assert done.edit is not None and done.edit.document_changes
    change = done.edit.document_changes[0]
    assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.version == 2
    assert [e.new_text for e in change.edits] == [", "]

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / ".repairtool.toml").write_text("select = 3\n", encoding="utf-8")
    s.open((bad / "a.txt").as_uri(), "Text，here.\n")
    problem = await s.published((bad / "a.txt").as_uri())  # one line naming the file
    assert len(problem) == 1 and ".repairtool.toml" in problem[0].message

    po = tmp_path / "app.po"  # never written: the editor's buffer is what is read
    s.open(po.as_uri(), PO, "po")
    diags = await s.published(po.as_uri())
    comma = by_code(diags)["RT301"]
    assert PO[utf16_offset(PO, comma.range.start)] == "，"
    acts = await s.actions(po.as_uri(), comma.range)
    assert not any(a.title.startswith("Suppress") for a in acts)  # it would ship
    safe = next(a for a in acts if "safe fix" in a.title)
    assert safe.edit is not None
    fixed = apply(PO, safe.edit, po.as_uri())
    assert 'msgstr "The plan, was announced."' in fixed
    s.change(po.as_uri(), 2, fixed + "this line is not PO\n")
    broken = await s.published(po.as_uri(), 2)  # a half-typed entry: one read error
    assert len(broken) == 1 and broken[0].message.startswith("repairtool: line 8")
    assert broken[0].range.start.line == 7  # the line added above
    await s.stop()


def test_server_over_stdio_markdown_and_po(tmp_path: Path) -> None:
    asyncio.run(_markdown_and_po_session(tmp_path))


def test_many_directives_across_chunks() -> None:
    text = "".join(f"Line {i}，here.  repairtool: noqa RT301\n\nFree，form {i}.\n\n"
                   for i in range(30))
    text += "repairtool: disable RT3\n\nA，b.\n\nrepairtool: enable RT3\n\nC，d.\n"
    same_as_check(text, "text")
    same_as_check(text, "markdown")
