"""Build benchmarks/wild/manifest.jsonl from the hand-written labels in benchmarks/wild/labels.txt.

    python benchmarks/wild_label.py          # write the manifest, checking every label
    python benchmarks/wild_label.py --check  # only check (exit 1 on any problem)
    python benchmarks/wild_label.py --stats  # and print the set's size and labels per split

Labels are written by reading a passage, as its text with the span in double brackets and
enough context around it to be unique, so no offset is ever counted by hand:

    @ w001
    url: https://example.com/page.html
    query: the search query that returned the passage
    topic: Russia/Ukraine
    join: the border[[.I]]f the news | stop glued to the next sentence
    mask: Chinese People's [[****]] and the State | 共和国 censored
    *debris: [[ ]]-deployed | every occurrence of the pattern is a label
    calque!: ... | the ! marks a label added after seeing findings (after_run)

A span next to brackets is marked ``{{span}}`` instead. The pattern (``\\n`` stands
for a line break) must occur exactly once in the text, or, with a
leading ``*``, every occurrence becomes a label. The split comes from
benchmarks/wild/heldout_sites.txt and the site from the URL's host. A passage text that is
not yet in benchmarks/wild/texts/<id>.txt is taken from texts/<id>.json, the search result
object ({"url": ..., "excerpt": ...}) saved when the passage was found.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wild import KINDS, WILD_DIR, loose, sha256_text


@dataclass
class Draft:
    id: str
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[int, str]] = field(default_factory=list)


def site_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.").rstrip(".")


def heldout(wild_dir: Path) -> set[str]:
    lines = (wild_dir / "heldout_sites.txt").read_text(encoding="utf-8").splitlines()
    return {s.strip() for s in lines if s.strip() and not s.startswith("#")}


def parse(path: Path) -> list[Draft]:
    drafts: list[Draft] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            drafts.append(Draft(line[1:].strip()))
        elif not drafts:
            raise ValueError(f"{path}:{n}: a line before the first '@ id'")
        elif line.split(":", 1)[0] in ("url", "query", "topic"):
            key, value = line.split(":", 1)
            drafts[-1].meta[key] = value.strip()
        else:
            drafts[-1].lines.append((n, line))
    return drafts


def passage_text(wild_dir: Path, pid: str) -> str:
    txt, raw = wild_dir / "texts" / f"{pid}.txt", wild_dir / "texts" / f"{pid}.json"
    if not txt.exists() and raw.exists():
        txt.write_text(json.loads(raw.read_text(encoding="utf-8"))["excerpt"], encoding="utf-8")
    return txt.read_text(encoding="utf-8")


def labels_of(line: str, text: str) -> list[dict[str, Any]]:
    """The labels one label line stands for; ValueError says what is wrong with it."""
    head, _, rest = line.partition(":")
    every = head.startswith("*")
    after = head.endswith("!")
    kind = head.strip("*!").strip()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    rest = rest.lstrip()
    # {{span}} marks a span whose text has brackets next to its ends.
    opening, closing = ("{{", "}}") if "{{" in rest else ("[[", "]]")
    close = rest.find(closing)
    if rest.count(opening) != 1 or close < 0:
        raise ValueError(f"the pattern needs exactly one {opening}span{closing}")
    pattern, note = rest[:close + 2], rest[close + 2:]
    tail, _, note = note.partition(" | ")
    pattern = (pattern + tail).replace("\\n", "\n")
    before, _, span_after = pattern.partition(opening)
    span, _, after_ctx = span_after.partition(closing)
    if not span:
        raise ValueError("empty span")
    whole = before + span + after_ctx
    starts, i = [], text.find(whole)
    while i >= 0:
        starts.append(i)
        i = text.find(whole, i + 1)
    if not starts:
        raise ValueError(f"pattern {whole!r} not in the text")
    if len(starts) > 1 and not every:
        raise ValueError(f"pattern {whole!r} occurs {len(starts)} times (add context or '*')")
    out = []
    for s in starts:
        start = s + len(before)
        out.append({"kind": kind, "start": start, "end": start + len(span), "text": span,
                    "note": note.strip(), "after_run": after})
    return out


def build(wild_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The manifest entries and one line per problem found."""
    problems: list[str] = []
    entries: list[dict[str, Any]] = []
    test_sites = heldout(wild_dir)
    labels_path = wild_dir / "labels.txt"
    for d in parse(labels_path):
        try:
            text = passage_text(wild_dir, d.id)
        except OSError as exc:
            problems.append(f"{d.id}: no text ({exc})")
            continue
        missing = [k for k in ("url", "query", "topic") if k not in d.meta]
        if missing:
            problems.append(f"{d.id}: missing {', '.join(missing)}")
            continue
        labels: list[dict[str, Any]] = []
        for n, line in d.lines:
            try:
                labels.extend(labels_of(line, text))
            except ValueError as exc:
                problems.append(f"{labels_path}:{n} ({d.id}): {exc}")
        for lab in labels:  # the promise of the contract, checked on what is written
            start, end = lab["start"], lab["end"]
            assert isinstance(start, int) and isinstance(end, int)
            if text[start:end] != lab["text"]:
                problems.append(f"{d.id}: label {lab} does not match its text")
        labels.sort(key=lambda lab: (lab["start"], lab["end"]))
        site = site_of(d.meta["url"])
        entries.append({"id": d.id, "url": d.meta["url"], "site": site, "query": d.meta["query"],
                        "split": "test" if site in test_sites else "dev",
                        "topic": d.meta["topic"], "sha256": sha256_text(text),
                        "chars": len(text), "labels": labels,
                        "sha256_loose": sha256_text(loose(text))})
    ids = [e["id"] for e in entries]
    problems.extend(f"{i}: id used twice" for i in sorted({i for i in ids if ids.count(i) > 1}))
    return entries, problems


def stats(entries: list[dict[str, Any]], wild_dir: Path) -> list[str]:
    """Passages, sites, KB and label counts per kind, per split and in all."""
    lines = []
    for split in ("dev", "test", "all"):
        group = [e for e in entries if split == "all" or e["split"] == split]
        size = sum(len(passage_text(wild_dir, e["id"]).encode("utf-8")) for e in group)
        kinds = Counter(lab["kind"] for e in group for lab in e["labels"])
        notes = sum(lab["kind"] == "calque" and lab["note"].startswith("name:")
                    for e in group for lab in e["labels"])
        after = sum(lab["after_run"] for e in group for lab in e["labels"])
        lines.append(f"{split}: {len(group)} passages, {len({e['site'] for e in group})} sites, "
                     f"{size / 1024:.0f} KB; labels "
                     + ", ".join(f"{k} {kinds[k]}" for k in KINDS)
                     + f" (calque names {notes}); after_run {after}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="check only, write nothing")
    ap.add_argument("--stats", action="store_true", help="print sizes and label counts")
    args = ap.parse_args(argv)
    entries, problems = build(WILD_DIR)
    for p in problems:
        print(f"wild_label.py: {p}", file=sys.stderr)
    if problems:
        return 1
    if not args.check:
        with (WILD_DIR / "manifest.jsonl").open("w", encoding="utf-8") as out:
            for e in entries:
                out.write(json.dumps(e, ensure_ascii=False) + "\n")
    n = sum(len(e["labels"]) for e in entries)
    print(f"{len(entries)} passages, {n} labels")
    if args.stats:
        print("\n".join(stats(entries, WILD_DIR)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
