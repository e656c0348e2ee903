"""Rank candidate calque phrases for a person to review (a dev tool, not part of the package).

Three sources, each row of the output TSV saying which one it came from:

- ``mqm``: 2–5-word phrases that several MT systems produce for the same Chinese segment of
  the MQM zh→en corpora (../shared/corpora/mqm-zhen-*) while no human reference (``ref*``
  rows) of any segment ever does; a phrase inside a rater's error span counts more.
- ``cedict``: CC-CEDICT entries with a literal gloss (``lit.``), an idiom gloss
  (``X (idiom); Y``) or a figurative sense (``(fig.)``): the literal English rendering
  next to the figurative meaning, ranked by the word's frequency in jieba's dictionary and
  in the MQM Chinese sources.
- ``wild``: phrases a reader labelled ``calque`` in the wild set's **dev** split
  (benchmarks/wild/ of the ``wild`` helper); the test split is never read.

Usage::

    python tools/mine_calques.py [--source mqm|cedict|wild|all] [--limit N] [-o out.tsv]

Columns: ``score  source  phrase  zh  figurative  detail``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cedict

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
#: The wild set as the ``wild`` helper lays it out (its texts are git-ignored).
WILD_DIRS = (ROOT / "benchmarks" / "wild", ROOT.parent / "h-wild" / "benchmarks" / "wild")
csv.field_size_limit(1 << 30)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_SPAN = re.compile(r"<v>(.*?)</v>", re.DOTALL)
#: Words that cannot start or end a candidate phrase: a phrase of function words and
#: edges like "of the" says nothing.
_EDGE_STOP_WORDS = """
a an the of to in on at by for with and or but is are was were be been being it its this
that these those as from has have had will would can could should may might not no he she
they we you i his her their our your my me him them us there here which who whom what when
where how than then so if do does did also very more most such into about over after before
"""
_EDGE_STOP = frozenset(_EDGE_STOP_WORDS.split())


@dataclass(frozen=True)
class Candidate:
    score: float
    source: str
    phrase: str
    zh: str = ""
    figurative: str = ""
    detail: str = ""

    def row(self) -> list[str]:
        return [f"{self.score:.2f}", self.source, self.phrase, self.zh, self.figurative,
                self.detail]


# --- MQM: phrases several systems produce and the references never do ------------------------


@dataclass
class _Segment:
    systems: dict[str, str]
    #: system -> the character spans raters marked in its output.
    spans: dict[str, list[tuple[int, int]]]


def _mqm_rows() -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if "HOTW" in (row.get("doc") or ""):
                    continue  # rater attention checks
                yield path.stem, row


def _plain_and_spans(target: str) -> tuple[str, list[tuple[int, int]]]:
    out, spans, pos = [], [], 0
    for m in _SPAN.finditer(target):
        out.append(target[pos:m.start()])
        start = sum(map(len, out))
        out.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        pos = m.end()
    out.append(target[pos:])
    return "".join(out).replace("<v>", "").replace("</v>", ""), spans


def mqm_segments() -> dict[tuple[str, str], _Segment]:
    """(file, Chinese source) -> every system's output and the spans raters marked."""
    segs: dict[tuple[str, str], _Segment] = {}
    for stem, row in _mqm_rows():
        source = (row.get("source") or "").replace("<v>", "").replace("</v>", "")
        system = (row.get("system") or "").removeprefix("hyp.")
        text, spans = _plain_and_spans(row.get("target") or "")
        seg = segs.setdefault((stem, source), _Segment({}, {}))
        seg.systems.setdefault(system, text)
        if not (row.get("category") or "").startswith(("No-error", "Fluency/Punctuation")):
            seg.spans.setdefault(system, []).extend(spans)
    return segs


def _ngrams(text: str, low: int = 2, high: int = 5) -> Iterator[tuple[str, int, int]]:
    words = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    for n in range(low, high + 1):
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0][0] in _EDGE_STOP or gram[-1][0] in _EDGE_STOP:
                continue
            yield " ".join(w for w, _, _ in gram), gram[0][1], gram[-1][2]


def mine_mqm(min_systems: int = 2) -> list[Candidate]:
    """Phrases at least ``min_systems`` MT systems produce for one segment, never seen in a
    reference; per segment, systems × (1 + the rater spans they fall in), summed, log-scaled
    and multiplied by the number of segments."""
    segs = mqm_segments()
    in_refs: set[str] = set()
    for seg in segs.values():
        for system, text in seg.systems.items():
            if system.startswith("ref"):
                in_refs.update(g for g, _, _ in _ngrams(text))
    score: Counter[str] = Counter()
    segments: Counter[str] = Counter()
    where: dict[str, set[str]] = defaultdict(set)
    zh_of: dict[str, str] = {}
    for (stem, source), seg in segs.items():
        if not any(s.startswith("ref") for s in seg.systems):
            continue  # no reference for this segment: "the references never do" is unknown
        producers: dict[str, set[str]] = defaultdict(set)
        marked: Counter[str] = Counter()
        for system, text in seg.systems.items():
            if system.startswith("ref"):
                continue
            spans = seg.spans.get(system, [])
            for gram, start, end in _ngrams(text):
                if gram in in_refs:
                    continue
                producers[gram].add(system)
                if any(s < end and start < e for s, e in spans):
                    marked[gram] += 1
        for gram, systems in producers.items():
            if len(systems) >= min_systems:
                score[gram] += len(systems) * (1 + marked[gram])
                segments[gram] += 1
                where[gram].add(stem)
                zh_of.setdefault(gram, source[:60])
    # A phrase MT produces for many different segments is a habit, not a one-off name.
    out = [Candidate(math.log1p(s) * segments[g], "mqm", g, zh_of[g], "",
                     f"segments={segments[g]}; " + ",".join(sorted(where[g])))
           for g, s in score.items()]
    return _drop_contained(sorted(out, key=lambda c: -c.score))


def _drop_contained(cands: list[Candidate]) -> list[Candidate]:
    """Keep a phrase only when no better-scored phrase contains it (the 2-gram inside a
    ranked 4-gram adds nothing to review)."""
    kept: list[Candidate] = []
    seen: list[str] = []
    for c in cands:
        padded = f" {c.phrase} "
        if any(padded in f" {s} " for s in seen[-2000:]):
            continue
        kept.append(c)
        seen.append(c.phrase)
    return kept


# --- CC-CEDICT: literal renderings next to figurative meanings ------------------------------


def mqm_chinese() -> str:
    """All Chinese MQM sources in one string (to count how often a headword occurs)."""
    seen: set[str] = set()
    for _stem, row in _mqm_rows():
        seen.add((row.get("source") or "").replace("<v>", "").replace("</v>", ""))
    return "\n".join(sorted(seen))


def mine_cedict() -> list[Candidate]:
    freq = cedict.jieba_frequencies()
    sources = mqm_chinese() if CORPORA.is_dir() else ""
    out = []
    for entry in cedict.read_cedict():
        fig = cedict.figurative(entry)
        if fig is None:
            continue
        count, pos = freq.get(fig.zh, (0, ""))
        in_mqm = sources.count(fig.zh) if len(fig.zh) > 1 else 0
        score = math.log1p(count) + 2 * math.log1p(in_mqm) + (1.0 if len(fig.zh) == 4 else 0)
        detail = f"{fig.how}; jieba={count}{'/' + pos if pos else ''}; mqm={in_mqm}"
        out.append(Candidate(score, "cedict", fig.literal, fig.zh, " / ".join(fig.figurative),
                             detail))
    return sorted(out, key=lambda c: -c.score)


# --- the wild set's dev split ---------------------------------------------------------------


def wild_dir() -> Path | None:
    return next((d for d in WILD_DIRS if (d / "manifest.jsonl").is_file()), None)


def mine_wild() -> list[Candidate]:
    """The calque labels of the dev split (the test split is the held-out measure)."""
    base = wild_dir()
    if base is None:
        return []
    counts: Counter[str] = Counter()
    ids: dict[str, set[str]] = defaultdict(set)
    for line in (base / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("split") != "dev":
            continue
        for label in item.get("labels", []):
            if label.get("kind") == "calque":
                phrase = " ".join(_WORD.findall(label.get("text", ""))).lower()
                if phrase:
                    counts[phrase] += 1
                    ids[phrase].add(item["id"])
    return [Candidate(float(n), "wild", p, "", "", ",".join(sorted(ids[p])))
            for p, n in counts.most_common()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", choices=["mqm", "cedict", "wild", "all"], default="all")
    ap.add_argument("--limit", type=int, default=0, help="rows per source (0: all)")
    ap.add_argument("-o", "--output", type=Path, help="write the TSV here (default stdout)")
    args = ap.parse_args(argv)
    wanted = ["mqm", "cedict", "wild"] if args.source == "all" else [args.source]
    if "mqm" in wanted and not CORPORA.is_dir():
        print(f"mine_calques: {CORPORA} is missing; skipping the MQM source", file=sys.stderr)
        wanted.remove("mqm")
    rows: list[Candidate] = []
    for source in wanted:
        got = {"mqm": mine_mqm, "cedict": mine_cedict, "wild": mine_wild}[source]()
        rows.extend(got[:args.limit] if args.limit else got)
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["score", "source", "phrase", "zh", "figurative", "detail"])
    for c in rows:
        writer.writerow(c.row())
    if args.output:
        out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
