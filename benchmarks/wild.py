"""Recall and false alarms on real machine-translated English web text (the wild set).

    python benchmarks/wild.py                  # dev split: recall per kind, false alarms per 100 KB
    python benchmarks/wild.py --split all      # dev and test, each on its own and together
    python benchmarks/wild.py --show           # and every miss and every unlabelled finding

The passages are Chinese->English machine translation published on content-farm and mirror
sites, labelled by reading (benchmarks/wild/manifest.jsonl, see benchmarks/wild/README.md).
Their texts are third-party and not in the repository: they live in the git-ignored
benchmarks/wild/texts/ next to this script (rebuild them with benchmarks/wild_rebuild.py).
Every text is checked against the sha256 in the manifest before it is scored.

A label counts as found when a finding of its kind's rule families overlaps it (join: RT2xx,
mask: RT1xx, debris: RT3xx/RT4xx/RT7xx, fragment: RT5xx, calque: RT6xx). A finding that
overlaps no label at all is an unlabelled finding: a false alarm unless a reader decides it
is a real error the labeller missed. Labels added after seeing findings (``after_run``) are
counted apart, so the recall on labels made blind stays visible.

Run it against another worktree's code with
``PYTHONPATH=$OTHER /work/main/.venv/bin/python /work/h-wild/benchmarks/wild.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

WILD_DIR = Path(__file__).resolve().parent / "wild"
KINDS = ("join", "mask", "debris", "fragment", "calque")
# Which rule families may find a label of each kind (the contract in the lead's brief).
FAMILIES: dict[str, tuple[str, ...]] = {
    "join": ("RT2",), "mask": ("RT1",), "debris": ("RT3", "RT4", "RT7"),
    "fragment": ("RT5",), "calque": ("RT6",),
}
REBUILD_HINT = ("the texts are third-party and not in the repository: rebuild them with "
                "`python benchmarks/wild_rebuild.py` (see benchmarks/wild/README.md)")


@dataclass(frozen=True)
class Label:
    kind: str
    start: int
    end: int
    text: str
    note: str = ""
    after_run: bool = False


@dataclass(frozen=True)
class Passage:
    id: str
    url: str
    site: str
    query: str
    split: str
    topic: str
    sha256: str
    chars: int
    labels: tuple[Label, ...] = ()
    sha256_loose: str = ""  # of loose(text): a rebuilt text may differ in the kind of space


@dataclass(frozen=True)
class Hit:
    """A finding reduced to what scoring needs (rule code, span, message)."""

    code: str
    start: int
    end: int
    message: str = ""


@dataclass
class Score:
    """Counts over a set of passages; ``blind`` and ``after`` keep the two label kinds apart."""

    passages: int = 0
    sites: set[str] = field(default_factory=set)
    size: int = 0  # UTF-8 bytes
    blind: Counter[str] = field(default_factory=Counter)
    blind_found: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    after_found: Counter[str] = field(default_factory=Counter)
    unlabelled: Counter[str] = field(default_factory=Counter)  # per rule code
    other_kind: int = 0  # findings on a label of another kind
    at_cut: int = 0  # unlabelled findings in the sentence the excerpt's 2,000-byte cut broke off
    misses: list[tuple[str, Label]] = field(default_factory=list)
    strays: list[tuple[str, Hit]] = field(default_factory=list)
    crossed: list[tuple[str, Hit]] = field(default_factory=list)  # on another kind's label

    def per_100kb(self) -> float:
        return sum(self.unlabelled.values()) / (self.size / 102_400) if self.size else 0.0


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " "})


def loose(text: str) -> str:
    """The text with no-break and narrow spaces read as plain ones (same length)."""
    return text.translate(_SPACES)


def matches(passage: Passage, text: str) -> bool:
    """Whether a text is the passage's, exactly or but for the kind of its spaces."""
    if sha256_text(text) == passage.sha256:
        return True
    return bool(passage.sha256_loose) and len(text) == passage.chars and \
        sha256_text(loose(text)) == passage.sha256_loose


def load_manifest(path: Path) -> list[Passage]:
    """The passages of a manifest file (one JSON object a line)."""
    passages = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            labels = tuple(Label(kind=lab["kind"], start=lab["start"], end=lab["end"],
                                 text=lab["text"], note=lab.get("note", ""),
                                 after_run=bool(lab.get("after_run", False)))
                           for lab in obj["labels"])
            passages.append(Passage(id=obj["id"], url=obj["url"], site=obj["site"],
                                    query=obj["query"], split=obj["split"], topic=obj["topic"],
                                    sha256=obj["sha256"], chars=obj["chars"], labels=labels,
                                    sha256_loose=obj.get("sha256_loose", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a manifest entry ({exc})") from exc
    return passages


def read_texts(passages: Iterable[Passage], texts_dir: Path) -> tuple[dict[str, str], list[str]]:
    """The texts that are present and unchanged, and one line per missing or changed text."""
    texts: dict[str, str] = {}
    problems: list[str] = []
    for p in passages:
        path = texts_dir / f"{p.id}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{path}: missing")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: unreadable ({exc})")
            continue
        if not matches(p, text):
            problems.append(f"{path}: changed (sha256 differs from the manifest)")
            continue
        texts[p.id] = text
    return texts, problems


def kind_of(code: str) -> str | None:
    """The label kind a rule code counts for, or None."""
    for kind, prefixes in FAMILIES.items():
        if code.startswith(prefixes):
            return kind
    return None


def overlaps(start: int, end: int, label: Label) -> bool:
    """Whether the span [start, end) touches the label; an empty span counts inside it."""
    if start == end:
        return label.start <= start <= label.end
    return start < label.end and label.start < end


_SENTENCE_END = ".!?。！？\n"
_CLOSERS = "\"'”’)]）】 "


def cut_start(text: str) -> int | None:
    """Where the sentence broken off by the excerpt's cut begins, or None if the text is whole.

    The store gives at most 2,000 UTF-8 bytes of a page, so most passages stop mid-sentence;
    a finding on that last fragment (an unclosed bracket, a 'headline' that is only a cut
    sentence) says nothing about the page and is counted apart, never as a false alarm.
    """
    tail = text.rstrip(" ")
    if not tail or tail[-1] in _SENTENCE_END or tail[-1] in _CLOSERS.strip():
        return None
    return max(tail.rfind(c) for c in _SENTENCE_END) + 1


def score(passages: Sequence[Passage], texts: dict[str, str],
          hits: dict[str, list[Hit]]) -> Score:
    """Recall per kind and unlabelled findings over the passages whose text is present."""
    result = Score()
    for p in passages:
        if p.id not in texts:
            continue
        result.passages += 1
        result.sites.add(p.site)
        result.size += len(texts[p.id].encode("utf-8"))
        found = hits.get(p.id, [])
        cut = cut_start(texts[p.id])
        for label in p.labels:
            ok = any(overlaps(h.start, h.end, label) and kind_of(h.code) == label.kind
                     for h in found)
            total, got = (result.after, result.after_found) if label.after_run else \
                (result.blind, result.blind_found)
            total[label.kind] += 1
            got[label.kind] += ok
            if not ok:
                result.misses.append((p.id, label))
        for h in found:
            touched = [lab for lab in p.labels if overlaps(h.start, h.end, lab)]
            if not touched and cut is not None and h.start >= cut:
                result.at_cut += 1
            elif not touched:
                result.unlabelled[h.code] += 1
                result.strays.append((p.id, h))
            elif all(kind_of(h.code) != lab.kind for lab in touched):
                result.other_kind += 1
                result.crossed.append((p.id, h))
    return result


def scan(texts: dict[str, str]) -> dict[str, list[Hit]]:
    """Findings of the scan at default settings, as the CLI reports them on a .txt file."""
    from repairtool.config import Settings
    from repairtool.engine import scan_text

    settings = Settings()
    out: dict[str, list[Hit]] = {}
    for pid, text in texts.items():
        out[pid] = [Hit(f.rule.code, f.start, f.end, f.message)
                    for f in scan_text(text, kind="text", settings=settings, path=f"{pid}.txt")
                    if f.severity >= settings.min_severity]
    return out


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    return (text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi]).replace("\n", "⏎")


def report(name: str, s: Score) -> list[str]:
    """The figures of one split as printed lines."""
    lines = [f"{name}: {s.passages} passages, {len(s.sites)} sites, {s.size / 1024:.0f} KB"]
    for kind in KINDS:
        n, got = s.blind[kind], s.blind_found[kind]
        pct = f"{100 * got / n:5.1f}%" if n else "    -"
        extra = ""
        if s.after[kind]:
            extra = f"   (+ after_run: {s.after_found[kind]}/{s.after[kind]})"
        lines.append(f"  {kind:<9} recall {pct}  {got:>4}/{n:<4}{extra}")
    n, got = sum(s.blind.values()), sum(s.blind_found.values())
    pct = f"{100 * got / n:5.1f}%" if n else "    -"
    lines.append(f"  {'all':<9} recall {pct}  {got:>4}/{n:<4}")
    stray = sum(s.unlabelled.values())
    lines.append(f"  unlabelled findings: {stray} ({s.per_100kb():.2f} per 100 KB) "
                 f"{dict(sorted(s.unlabelled.items()))}")
    lines.append(f"  on a label of another kind: {s.other_kind}; in the sentence cut off at "
                 f"the excerpt's end (not counted): {s.at_cut}")
    return lines


def show(s: Score, texts: dict[str, str]) -> list[str]:
    lines = ["  misses:"]
    for pid, lab in s.misses:
        flag = " (after_run)" if lab.after_run else ""
        lines.append(f"    {pid} {lab.kind}{flag}: …{_context(texts[pid], lab.start, lab.end)}…"
                     f"  [{lab.note}]")
    for title, found in (("unlabelled findings", s.strays),
                         ("findings on a label of another kind", s.crossed)):
        lines.append(f"  {title}:")
        lines.extend(f"    {pid} {h.code}: …{_context(texts[pid], h.start, h.end)}…"
                     f"  [{h.message}]" for pid, h in found)
    return lines


def main(argv: Sequence[str] | None = None, wild_dir: Path = WILD_DIR) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--show", action="store_true",
                    help="list every miss and every unlabelled finding in context")
    args = ap.parse_args(argv)
    manifest = wild_dir / "manifest.jsonl"
    try:
        passages = load_manifest(manifest)
    except (OSError, ValueError) as exc:
        print(f"wild.py: {manifest}: cannot read the manifest ({exc})", file=sys.stderr)
        return 2
    chosen = [p for p in passages if args.split == "all" or p.split == args.split]
    texts, problems = read_texts(chosen, wild_dir / "texts")
    if not texts:
        print(f"wild.py: none of the {len(chosen)} passage texts of the {args.split} split is "
              f"in {wild_dir / 'texts'}; {REBUILD_HINT}", file=sys.stderr)
        return 2
    for line in problems:
        print(f"wild.py: {line}", file=sys.stderr)
    if problems:
        print(f"wild.py: scoring {len(texts)} of {len(chosen)} passages; {REBUILD_HINT}",
              file=sys.stderr)
    try:
        hits = scan(texts)
    except ImportError as exc:  # run with a PYTHONPATH that has no repairtool
        print(f"wild.py: cannot import repairtool ({exc}); run it as "
              f"PYTHONPATH=<worktree> python benchmarks/wild.py", file=sys.stderr)
        return 2
    groups = [(args.split, chosen)] if args.split != "all" else [
        ("dev", [p for p in chosen if p.split == "dev"]),
        ("test", [p for p in chosen if p.split == "test"]), ("all", chosen)]
    for name, group in groups:
        s = score(group, texts, hits)
        print("\n".join(report(name, s)))
        if args.show and name != "all":
            print("\n".join(show(s, texts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
