"""Time from a one-character edit to its diagnostics, through the real `repairtool lsp`.

    python benchmarks/lsp_latency.py                  # 1 MB of MT text (.txt), 20 edits
    python benchmarks/lsp_latency.py --kind markdown  # 1 MB of package READMEs (.md)

A pygls client starts the server over stdio, opens a 1 MB document, then sends one
one-character edit at a time (the whole text, as full sync does) at random places and
waits for the diagnostics of that version. Printed: the wall time of the first scan and
the median and worst time to diagnostics after an edit (the debounce, --debounce, is
included; it is printed apart), and for the same edits the CPU time in process of the
incremental scan beside a whole-text `engine.check` (CPU time: the wall clock is noise on
a busy machine).

Text: the MT documents of ../shared/corpora/mqm-zhen-google (Markdown: the READMEs of
installed packages), repeated to 1 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpus_text import ROOT, mt_documents, package_markdown

sys.path.insert(0, str(ROOT))

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from repairtool.config import Settings
from repairtool.engine import check
from repairtool.integrations.lsp.incremental import IncrementalChecker

MB = 1_000_000


def build(kind: str, size: int) -> str:
    docs = [t for _, t in (package_markdown() if kind == "markdown" else mt_documents())]
    text = "\n\n".join(docs)
    return (text * (size // len(text) + 1))[:size].rsplit("\n", 1)[0] + "\n"


def edits(text: str, n: int, seed: int) -> list[str]:
    """``n`` successive versions, each one character more than the last, typed in prose."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        while True:
            at = rnd.randrange(len(text))
            if text[at - 1:at].isalpha():
                break
        text = text[:at] + rnd.choice("aeiou ,") + text[at:]
        out.append(text)
    return out


async def through_server(text: str, versions: list[str], suffix: str, debounce: float
                         ) -> tuple[float, list[float]]:
    client = LanguageClient("lsp-latency", "1")
    got: asyncio.Queue[lsp.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        got.put_nowait(params)

    async def wait(version: int) -> None:
        while (await asyncio.wait_for(got.get(), 600)).version != version:
            pass

    with tempfile.TemporaryDirectory() as folder:
        uri = (Path(folder) / f"big{suffix}").as_uri()
        await client.start_io(sys.executable, "-m", "repairtool", "lsp",
                              "--debounce", str(debounce), cwd=folder)
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
        client.initialized(lsp.InitializedParams())
        t = time.perf_counter()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri, "plaintext", 1, text)))
        await wait(1)
        first = time.perf_counter() - t
        times = []
        for v, new in enumerate(versions, 2):
            t = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(v, uri),
                [lsp.TextDocumentContentChangeWholeDocument(new)]))
            await wait(v)
            times.append(time.perf_counter() - t)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return first, times


def in_process(text: str, versions: list[str], kind: str) -> tuple[float, float]:
    """Median CPU seconds of the incremental scan and of a whole-text check, per edit."""
    settings = Settings().replace(run_hidden=False)
    checker = IncrementalChecker(settings, kind=kind)
    checker.check(text)
    inc, whole = [], []
    for new in versions:
        t = time.process_time()
        checker.check(new)
        inc.append(time.process_time() - t)
        t = time.process_time()
        check(new, kind=kind, settings=settings)
        whole.append(time.process_time() - t)
    return statistics.median(inc), statistics.median(whole)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=["text", "markdown"], default="text")
    ap.add_argument("--size", type=int, default=MB, help="document size in characters")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--debounce", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    text = build(args.kind, args.size)
    versions = edits(text, args.edits, args.seed)
    suffix = ".md" if args.kind == "markdown" else ".txt"
    first, times = asyncio.run(through_server(text, versions, suffix, args.debounce))
    inc, whole = in_process(text, versions, args.kind)
    print(f"{args.kind}, {len(text.encode('utf-8')) / MB:.2f} MB, {args.edits} edits, "
          f"debounce {args.debounce:.2f} s")
    print(f"  first diagnostics after didOpen:   {first:.2f} s wall")
    print(f"  diagnostics after an edit:         median {statistics.median(times):.3f} s, "
          f"worst {max(times):.3f} s wall (debounce included)")
    print(f"  scan CPU per edit, in process:     incremental {inc:.3f} s, "
          f"whole text {whole:.3f} s")


if __name__ == "__main__":
    main()
