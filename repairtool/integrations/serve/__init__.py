"""``repairtool serve``: the review of ``repairtool review``, in a browser page.

A standard-library HTTP server, bound to 127.0.0.1 by default, serves one page (the HTML, CSS
and JavaScript beside this file; no external assets) and a small JSON API. Every request
must carry the random token printed in the URL (``?token=`` or the ``X-Repairtool-Token``
header), else 403. The decisions go through the :class:`~repairtool.review.Terminal`'s own
steps (decide, skip the rest of the file, undo), so each key means what it means in
``review``, and writing calls :func:`~repairtool.review.save_review`: the same patch and
decisions file as ``review --patch FILE --save-decisions FILE``.

API (JSON bodies): ``GET /api/findings``; ``POST /api/decide`` ``{"index", "decision"}``
(a decision as the decisions file writes it); ``POST /api/skip`` ``{"index"}``;
``POST /api/undo``; ``POST /api/write``; ``POST /api/quit`` (write, then stop).
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from repairtool.fixes import apply_edits
from repairtool.model import Edit
from repairtool.review import Decision, DecisionsError, Item, Session, Terminal, save_review

#: Characters of context shown each side of a finding, and of a candidate's edit.
CONTEXT = 160
DIFF_CONTEXT = 60
#: The largest request body read (a decision is a few hundred bytes).
MAX_BODY = 1 << 20
STATIC = {"/": ("page.html", "text/html"), "/page.js": ("page.js", "text/javascript"),
          "/page.css": ("page.css", "text/css")}
#: No external assets, no framing, no referrer (the token is in the URL).
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; img-src data:; form-action 'none'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store", "X-Frame-Options": "DENY",
}


def _snippet(text: str, start: int, end: int, width: int, middle: str | None = None
             ) -> list[str]:
    """``[before, span, after]`` around ``text[start:end]`` within its lines (``…`` where
    cut); ``middle`` replaces the span (a candidate's side of the diff)."""
    # Searched within the window only: a long line must not make this O(line length).
    lo = max(0, start - width)
    lo = text.rfind("\n", lo, start) + 1 or lo
    hi = min(len(text), end + width)
    nl = text.find("\n", end, hi)
    hi = nl if nl >= 0 else hi
    before = ("…" if lo > 0 and text[lo - 1] != "\n" else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) and text[hi] != "\n" else "")
    span = text[start:end] if middle is None else middle
    return [part.replace("\r", "") for part in (before, span, after)]


def _candidate(text: str, index: int, title: str, applicability: str,
               edits: tuple[Edit, ...]) -> dict[str, Any]:
    """One candidate as a side-by-side diff: the edited stretch before and after."""
    lo, hi = min(e.start for e in edits), max(e.end for e in edits)
    shifted = [Edit(e.start - lo, e.end - lo, e.replacement) for e in edits]
    new = apply_edits(text[lo:hi], shifted)
    return {"n": index + 1, "title": title, "applicability": applicability,
            "before": _snippet(text, lo, hi, DIFF_CONTEXT),
            "after": _snippet(text, lo, hi, DIFF_CONTEXT, middle=new)}


def item_json(index: int, item: Item) -> dict[str, Any]:
    """What the page shows of one finding (all text as data: the page never parses it)."""
    f, text = item.finding, item.text
    doc = item.result.document
    line, col = doc.line_col(f.start) if doc else (0, 0)
    return {
        "index": index, "file": item.key[0], "id": f.id, "path": item.result.path,
        "line": line, "column": col, "code": f.rule.code, "name": f.rule.name,
        "severity": str(f.severity), "message": f.message,
        "context": _snippet(text, f.start, f.end, CONTEXT),
        "candidates": [_candidate(text, i, fx.title, str(fx.applicability), fx.edits)
                       for i, fx in enumerate(f.fixes[:9])],
    }


@dataclass
class Desk:
    """The review the page drives: the session, the files it writes, and a
    :class:`Terminal` whose decision steps (with their messages and undo history) are
    reused as they are."""

    session: Session
    signature: str
    patch_file: Path
    decisions_file: Path
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[str] = field(default_factory=list)
    #: What the last write did ("" before the first).
    written: str = ""

    def __post_init__(self) -> None:
        def no_keys() -> str:
            raise EOFError  # the page sends decisions, never keys

        self.term = Terminal(self.session, getchar=no_keys, echo=self.messages.append,
                             prompt=lambda _p: "")
        self.items = [item_json(i, it) for i, it in enumerate(self.session.items)]

    def state(self, ok: bool = True, **extra: Any) -> dict[str, Any]:
        decisions = self.session.decisions
        said = "".join(self.messages).strip()
        self.messages.clear()
        return {"ok": ok, "message": said,
                "decisions": [d.to_json() if (d := decisions.get(it.key)) else None
                              for it in self.session.items],
                "counts": self.session.counts(), **extra}

    def findings(self) -> dict[str, Any]:
        with self.lock:
            files = list(dict.fromkeys(it["path"] for it in self.items))
            return self.state(items=self.items, files=files, signature=self.signature,
                              patch=str(self.patch_file), decisions_file=str(self.decisions_file))

    def decide(self, index: int, value: Any) -> dict[str, Any]:
        with self.lock:
            item = self.session.items[index]
            decision = Decision.from_json(value)
            if decision.action == "accept" and decision.index >= len(item.finding.fixes):
                self.messages.append("no such candidate")
                return self.state(ok=False)
            return self.state(ok=self.term.decide(index, decision))

    def skip_file(self, index: int) -> dict[str, Any]:
        with self.lock:
            return self.state(next=self.term.skip_file(index))

    def undo(self) -> dict[str, Any]:
        with self.lock:
            back = self.term.undo()
            if back is None:
                self.messages.append("nothing to undo")
            return self.state(ok=back is not None, back=back)

    def write(self) -> dict[str, Any]:
        """Write the decisions file and the patch, as ``review`` does."""
        with self.lock:
            body = save_review(self.session, self.signature, self.patch_file,
                               self.decisions_file)
            dropped = len(self.session.dropped)
            self.written = (f"wrote {self.patch_file} and {self.decisions_file}" if body
                            else "no edit was accepted: no patch written; decisions in "
                                 f"{self.decisions_file}")
            if dropped:
                self.written += f" ({dropped} dropped: overlap)"
            self.messages.append(self.written)
            return self.state(patch=None if body is None else str(self.patch_file),
                              dropped=dropped)


class ReviewServer(ThreadingHTTPServer):
    """The HTTP server of one review; ``url`` carries the token."""

    daemon_threads = True

    def __init__(self, desk: Desk, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, log: Callable[[str], None] | None = None) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.desk = desk
        self.host = host
        self.token = token or secrets.token_urlsafe(24)
        self.log = log
        self.stopped = threading.Event()
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host = self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.server_address[1]}/?token={quote(self.token)}"

    def stop_soon(self) -> None:
        """Stop serving once the current response is out (from a handler thread)."""
        self.stopped.set()
        threading.Thread(target=self.shutdown, daemon=True).start()


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "repairtool-serve"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(format % args)

    def _authorised(self) -> bool:
        given = self.headers.get("X-Repairtool-Token")
        if given is None:
            given = (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]
        # Constant time: the comparison must not tell how much of a guess was right.
        return hmac.compare_digest(given.encode("utf-8", "replace"),
                                   self.server.token.encode())

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype + "; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = 200) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json")

    def _refuse(self, status: int, why: str) -> None:
        self._json({"ok": False, "message": why}, status)

    def do_GET(self) -> None:
        if not self._authorised():
            return self._refuse(403, "forbidden: the URL's token is missing or wrong")
        route = urlsplit(self.path).path
        if route == "/api/findings":
            return self._json(self.server.desk.findings())
        if route not in STATIC:
            return self._refuse(404, "not found")
        name, ctype = STATIC[route]
        body = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        if name == "page.html":
            body = body.replace("__TOKEN__", html.escape(quote(self.server.token)))
        self._send(200, body.encode(), ctype)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._authorised():
            return self._refuse(403, "forbidden: the URL's token is missing or wrong")
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 <= length <= MAX_BODY:
                return self._refuse(413, "request too large")
            raw = self.rfile.read(length) if length else b"{}"
            body = json.loads(raw.decode("utf-8"))
            if not isinstance(body, dict):
                raise ValueError("not an object")
            self._json(self._post(urlsplit(self.path).path, body))
        except LookupError:
            self._refuse(404, "no such finding or route")
        except (ValueError, TypeError, DecisionsError) as exc:
            self._refuse(400, f"bad request: {exc}")
        except OSError as exc:  # the patch or decisions file could not be written
            self._refuse(500, f"cannot write: {exc.strerror or exc}")
        except Exception as exc:  # a bug: one line to the page, the server goes on
            self._refuse(500, f"internal error: {type(exc).__name__}: {exc}")
        else:
            if self.server.stopped.is_set():
                self.server.stop_soon()

    def _post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        desk = self.server.desk
        if route == "/api/write":
            return desk.write()
        if route == "/api/quit":
            out = desk.write()
            self.server.stopped.set()  # stopped once this response is sent
            return out
        if route == "/api/undo":
            return desk.undo()
        index = _index(body, len(desk.session.items))
        if route == "/api/decide":
            return desk.decide(index, body.get("decision"))
        if route == "/api/skip":
            return desk.skip_file(index)
        raise LookupError(route)


def _index(body: dict[str, Any], n: int) -> int:
    index = body.get("index")
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError("index must be an integer")
    if not 0 <= index < n:
        raise LookupError(index)
    return index


def open_review(paths: tuple[str, ...], *, settings: Any, overrides: dict[str, Any],
                isolated: bool, recorded: dict[Any, Decision], patch_file: Path,
                decisions_file: Path, options: dict[str, str], say: Callable[[str], None]
                ) -> tuple[Desk, bool]:
    """Scan the paths as ``review`` does; the desk, and whether a file could not be read."""
    from repairtool import review as rv
    from repairtool.engine import scan_paths

    results = list(scan_paths(paths, settings=settings, overrides=overrides,
                              isolated=isolated))
    errors = [r for r in results if r.error]
    for r in errors:
        say(f"{r.path}: error: {r.error}")
    session, unmatched = rv.prepare(results, recorded)
    if unmatched:
        say(f"repairtool: {len(unmatched)} recorded decisions match no finding "
            "(has the text changed?)")
    sig = rv.session_signature(results, "interactive", **options)
    return Desk(session, sig, patch_file, decisions_file), bool(errors)


def run(paths: tuple[str, ...], *, host: str, port: int, open_browser: bool,
        say: Callable[[str], None], show_url: Callable[[str], None], **review: Any) -> int:
    """``repairtool serve``: scan, serve the page until it quits (or Ctrl-C, which keeps
    what was decided, as ``q`` does in ``review``), write; the exit code. ``review`` holds
    the keywords of :func:`open_review`."""
    desk, errors = open_review(paths, say=say, **review)
    session = desk.session
    if not session.items:  # no page to open: say so, as review does, and stop
        say("repairtool: no finding to review: no patch written")
        return 2 if errors else 0
    try:
        server = ReviewServer(desk, host, port)
    except OSError as exc:  # the port is taken, the host is not this machine's
        say(f"repairtool: cannot listen on {host} port {port}: {exc.strerror or exc}")
        return 2
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"repairtool: warning: serving on {host}: anyone who can reach it and has the "
            "URL can decide and write")
    n_items, files = len(session.items), len({it.result.path for it in session.items})
    say(f"repairtool: {n_items} finding{'s' * (n_items != 1)} in {files} "
        f"file{'s' * (files != 1)}; open the page, press ? for the keys, q to write and "
        "stop (Ctrl-C does the same)")
    show_url(server.url)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    if not server.stopped.is_set():  # Ctrl-C: keep what was decided, as q does
        try:
            desk.write()
        except (OSError, DecisionsError) as exc:
            say(f"repairtool: {exc}")
            return 2
    if desk.written:
        say("repairtool: " + desk.written)
    n = session.counts()
    dropped = f", {len(session.dropped)} dropped (overlap)" if session.dropped else ""
    say(f"repairtool: {n['accepted']} accepted, {n['rejected']} rejected, "
        f"{n['undecided']} undecided{dropped}")
    return 2 if errors else 0
