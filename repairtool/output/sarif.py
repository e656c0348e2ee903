"""SARIF 2.1.0: one run, the rules' metadata in ``tool.driver.rules``, and every fix as
``results[].fixes`` (artifact changes with replacements) for code-review tools.

Columns and character offsets count Unicode code points (``run.columnKind``), as the
findings do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from repairtool import __version__
from repairtool.engine import FileResult
from repairtool.model import Finding, Fix, Severity
from repairtool.output import JsonStream
from repairtool.rules.base import Rule, registry

SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json")
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


def doc_section(rule: type[Rule], title: str) -> str:
    """The text under ``## title`` in a rule's doc (empty when absent)."""
    doc = rule.doc()
    parts = _SECTION.split(doc)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name.strip() == title:
            return body.strip()
    return ""


#: The ``[project.urls]`` labels that name where the README's rule reference is published.
_DOC_LABELS = ("documentation", "docs", "homepage", "repository", "source")
#: Names that are never a real site (RFC 2606, 6761): a URL there is a placeholder.
_FAKE_TLDS = {"invalid", "example", "test", "localhost"}
_FAKE_DOMAINS = {"example.com", "example.org", "example.net"}
_SHORT_MAX = 120


@lru_cache(maxsize=1)
def docs_url() -> str | None:
    """The project's published documentation (its ``[project.urls]``), or ``None`` while it
    has none: then ``helpUri`` is left out (SARIF makes it optional) rather than pointing
    at a host that does not exist; ``help`` carries the rule's whole doc either way."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("repairtool").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in _DOC_LABELS:
        url = urls.get(label, "")
        if _published(url):
            return url
    return None


def _published(url: str) -> bool:
    """An http(s) URL on a host that can exist."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or "." not in host:
        return False
    return host.rsplit(".", 1)[1] not in _FAKE_TLDS and not any(
        host == d or host.endswith("." + d) for d in _FAKE_DOMAINS)


def help_uri(base: str | None = None) -> str | None:
    """Where the rules' docs are read (SARIF ``helpUri``, LSP ``codeDescription.href``,
    Weblate's doc link): the README's rule reference (its ``## Rules`` table) in the published
    docs at ``base`` (by default the package's ``[project.urls]``), or ``None`` while the
    project publishes none."""
    base = docs_url() if base is None else base
    if base is None:
        return None
    return f"{base.split('#')[0].rstrip('/')}#rules"


def short_description(what: str) -> str:
    """The first sentence of ``what``, one line of at most 120 characters (GitHub shows it
    as the alert's title)."""
    first = " ".join(what.split("\n\n")[0].split())
    m = re.match(r"(.+?[.!?])(?:\s|$)", first)
    text = m.group(1) if m else first
    if len(text) > _SHORT_MAX:
        text = text[:_SHORT_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    what = doc_section(rule, "What it does") or rule.name
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": short_description(what)},
        "fullDescription": {"text": what},
    }
    uri = help_uri()
    if uri is not None:
        descriptor["helpUri"] = uri
    descriptor.update({
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"category": rule.category, "fixable": rule.fixable,
                       "languages": sorted(rule.languages)},
    })
    return descriptor


def _driver() -> dict[str, Any]:
    driver: dict[str, Any] = {"name": "repairtool", "version": __version__,
                              "semanticVersion": __version__}
    if docs_url() is not None:
        driver["informationUri"] = docs_url()
    driver["rules"] = [rule_descriptor(r) for r in registry().values()]
    return driver


def results_of(result: FileResult, shown: Sequence[Finding]) -> list[dict[str, Any]]:
    """The SARIF ``results`` of one file (so a run keeps dicts, not documents)."""
    index = {code: i for i, code in enumerate(registry())}
    return [_result(result, f, index) for f in shown]


def _log(results: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": _driver()},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def sarif_stream(pretty: bool) -> JsonStream:
    """The SARIF log of a run, written a file's :func:`results_of` at a time (see
    :class:`JsonStream`); ``pretty``: indented, else compact (the C encoder, much faster)."""
    return JsonStream(_log, pretty)


def _uri(path: str) -> str:
    """An absolute path as a ``file://`` URI; a relative one relative to the root of the
    git repository around the working folder (what code-scanning tools resolve against).
    A byte that is not UTF-8 comes as a ``\\xff`` escape (see
    ``repairtool.source.shown_name``) and becomes ``%FF``, as in any URI."""
    p = Path(path)
    if p.is_absolute():
        return "file://" + quote(_raw(p.as_posix()), safe="/")
    root = _repo_root(str(Path.cwd()))
    if root is not None:
        try:
            return quote(_raw((Path.cwd().resolve() / p).relative_to(root).as_posix()), safe="/")
        except ValueError:  # a path that leaves the repository (../x.txt)
            pass
    return quote(_raw(path).replace(b"\\", b"/"), safe="/")


def _raw(name: str) -> bytes:
    """The bytes of a shown name: its ``\\xff`` escapes back to the bytes they stand for."""
    parts = re.split(r"\\x([0-9a-f]{2})", name)
    return b"".join(bytes([int(p, 16)]) if i % 2 else p.encode("utf-8")
                    for i, p in enumerate(parts))


@lru_cache(maxsize=16)
def _repo_root(start: str) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (resolved), else ``None``."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _region(result: FileResult, start: int, end: int) -> dict[str, int]:
    assert result.document is not None
    line, col = result.document.line_col(start)
    end_line, end_col = result.document.line_col(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
            "charOffset": start, "charLength": end - start}


def _fix(result: FileResult, fx: Fix) -> dict[str, Any]:
    return {
        "description": {"text": fx.title},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(result.path)},
            "replacements": [{"deletedRegion": _region(result, e.start, e.end),
                              "insertedContent": {"text": e.replacement}}
                             for e in sorted(fx.edits, key=lambda e: e.start)],
        }],
        "properties": {"applicability": str(fx.applicability)},
    }


def _result(result: FileResult, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule.code,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(result.path)},
            "region": _region(result, f.start, f.end),
        }}],
        "partialFingerprints": {"repairtool/v1": f.id},
    }
    if f.rule.code in index:
        out["ruleIndex"] = index[f.rule.code]
    if f.fixes:
        out["fixes"] = [_fix(result, fx) for fx in f.fixes]
    return out
