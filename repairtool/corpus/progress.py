"""Progress on stderr: a redrawn bar on a terminal, plain lines every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Counts finished chunks; rates cover the work done in this run (not resumed chunks)."""

    def __init__(self, total_bytes: int, done_bytes: int = 0, done_docs: int = 0,
                 stream: TextIO | None = None, enabled: bool = True,
                 every: float = 10.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.enabled = enabled
        self.total = total_bytes
        self.base_bytes, self.base_docs = done_bytes, done_docs
        self.bytes = self.docs = 0
        self.start = time.monotonic()
        self.every = every if not self.tty else 0.2
        self.last = 0.0

    def update(self, meta: dict[str, Any]) -> None:
        self.bytes += meta.get("weight", 0)
        self.docs += meta.get("documents", 0)
        self.tick()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        done = self.base_bytes + self.bytes
        share = done / self.total if self.total else 1.0
        docs_s, mb_s = self.docs / elapsed, self.bytes / elapsed / 1e6
        left = self.total - done
        eta = _duration(left / (self.bytes / elapsed)) if self.bytes and left > 0 else "-:--:--"
        text = (f"{share:6.1%} {self.base_docs + self.docs:,} docs  {docs_s:,.0f} docs/s  "
                f"{mb_s:.2f} MB/s  elapsed {_duration(elapsed)}  ETA {eta}")
        if self.tty:
            width = 20
            filled = int(width * share)
            return f"\r[{'#' * filled}{'.' * (width - filled)}] {text}\x1b[K"
        return f"repairtool corpus: {text}\n"

    def tick(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            self.stream.write(self.line())
            self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        self.tick(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
