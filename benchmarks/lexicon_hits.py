"""Precision guard of the calque lexicon: per entry, where it fires on real text.

    python benchmarks/lexicon_hits.py                      # the shipped lexicon files
    python benchmarks/lexicon_hits.py --only a.toml b.toml # just these lexicon files
    python benchmarks/lexicon_hits.py --extra c.toml       # shipped files plus these
    python benchmarks/lexicon_hits.py --articles           # with free articles between words
    python benchmarks/lexicon_hits.py --show               # every clean hit in context
    python benchmarks/lexicon_hits.py --idioms             # RT603/RT604 on the MQM pairs

Text (all read at run time, nothing committed):
- *references*: the human translations (systems ``ref*``, ``Human-*``) of every MQM zh->en
  file in ../shared/corpora — correct English on the very topics MT garbles;
- *clean*: ``corpus_text.clean_genres()`` when that function exists (the clean precision
  corpora), else the package READMEs of ``corpus_text.package_markdown()``;
- *MT*: the MT rows of the same MQM files, each segment with its raters' error spans.

It prints first every entry that fires on references or clean text (each such hit is a false
alarm unless a reader finds a real error there), then per entry its MT findings and how many
overlap a rater span, then the totals the issue sets as targets: the share of RT6 findings on
MT that overlap a rater span (>= 50%) and the findings on references (0 that are not errors).

``--idioms`` runs instead the bilingual idiom checks RT603/RT604 on the MQM source/target
pairs, as a bilingual file: the MT rows (share of findings overlapping a rater span) and the
human references with their sources (every finding there is a false alarm unless a reader
finds the reference wrong).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import corpus_text
from bilingual_mqm import load as load_mt

from repairtool import lexicon

CORPORA = corpus_text.CORPORA
csv.field_size_limit(sys.maxsize)
_HUMAN = ("ref", "human")


@dataclass
class Hits:
    """Where one entry fired."""

    refs: list[str] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    mt: int = 0
    mt_in_span: int = 0
    mt_examples: list[str] = field(default_factory=list)


def reference_segments() -> list[str]:
    """Every distinct human reference segment of the MQM zh->en files."""
    seen: set[tuple[str, ...]] = set()
    out: list[str] = []
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            head = next(rows)
            seg_col = head.index("seg_id") if "seg_id" in head else head.index("globalSegId")
            sys_col, doc_col, tgt_col = (head.index(k) for k in ("system", "doc", "target"))
            for row in rows:
                if len(row) < len(head) or not row[sys_col].lower().removeprefix(
                        "hyp.").startswith(_HUMAN):
                    continue
                key = (path.name, row[sys_col], row[doc_col], row[seg_col])
                if key not in seen:
                    seen.add(key)
                    out.append(corpus_text.strip_tags(row[tgt_col]))
    return out


def clean_documents() -> tuple[str, list[tuple[str, str]]]:
    """(what it is, [(name, text)]) of the clean English corpus available."""
    genres = getattr(corpus_text, "clean_genres", None)
    if genres is not None:
        return "clean_genres()", [(f"{g}/{name}", text) for g, docs in genres().items()
                                  for name, text, _kind in docs]
    # Our own README quotes calques on purpose.
    return "package READMEs (clean_genres() not present)", [
        (name, text) for name, text in corpus_text.package_markdown() if name != "repairtool"]


def joined(parts: Sequence[str]) -> tuple[str, list[int]]:
    """The parts as one text (blank line between) and where each starts."""
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + 2
    return "\n\n".join(parts), starts


def matches(text: str, lexicons: Sequence[lexicon.Lexicon]) -> list[lexicon.Match]:
    return lexicon.find_matches(text, lexicons)


def context(text: str, start: int, end: int, room: int = 50) -> str:
    left = text[max(0, start - room):start].replace("\n", " ")
    right = text[end:end + room].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def run_refs(lexicons: Sequence[lexicon.Lexicon], hits: dict[str, Hits]) -> tuple[int, int]:
    segs = reference_segments()
    text, _ = joined(segs)
    found = matches(text, lexicons)
    for m in found:
        hits[key(m.entry)].refs.append(context(text, m.start, m.end))
    return len(found), len(text.encode())


def run_clean(lexicons: Sequence[lexicon.Lexicon], hits: dict[str, Hits]
              ) -> tuple[str, int, int]:
    what, docs = clean_documents()
    n = size = 0
    for name, text in docs:
        found = matches(text, lexicons)
        n += len(found)
        size += len(text.encode())
        for m in found:
            hits[key(m.entry)].clean.append(f"{name}: {context(text, m.start, m.end)}")
    return what, n, size


def run_mt(lexicons: Sequence[lexicon.Lexicon], hits: dict[str, Hits]) -> tuple[int, int, int]:
    """Findings on the MT rows, those overlapping any rater span, and the bytes read."""
    n = in_span = size = 0
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        for segments in load_mt(path).values():
            segs = list(segments.values())
            text, starts = joined([s.target for s in segs])
            size += len(text.encode())
            for m in matches(text, lexicons):
                i = bisect.bisect_right(starts, m.start) - 1
                seg, base = segs[i], starts[i]
                if m.end > base + len(seg.target):
                    continue  # crosses into the next segment
                s, e = m.start - base, m.end - base
                over = any(a < e and s < b for a, b, _cat in seg.spans)
                h = hits[key(m.entry)]
                n += 1
                h.mt += 1
                in_span += over
                h.mt_in_span += over
                if len(h.mt_examples) < 2:
                    h.mt_examples.append(("[rated] " if over else "") +
                                         context(seg.target, s, e, 40))
    return n, in_span, size


def reference_pairs() -> list[tuple[str, str]]:
    """(source, reference) of every distinct human reference segment."""
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[str, str]] = []
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            for row in rows:
                system = (row.get("system") or "").lower().removeprefix("hyp.")
                seg = row.get("seg_id") or row.get("globalSegId") or ""
                k = (path.name, system, row.get("doc") or "", seg)
                if system.startswith(_HUMAN) and k not in seen and row.get("target"):
                    seen.add(k)
                    out.append((corpus_text.strip_tags(row["source"]),
                                corpus_text.strip_tags(row["target"])))
    return out


def idiom_findings(pairs: Sequence[tuple[str, str]]) -> list[tuple[int, str, int, int, str]]:
    """(pair index, code, start, end, message) of RT603/RT604 on ``pairs`` as one file."""
    from repairtool.bilingual.formats import BilingualFile, Unit
    from repairtool.bilingual.scan import check_units
    from repairtool.config import Settings
    from repairtool.model import Severity

    units, starts, pos = [], [], 0
    for i, (src, tgt) in enumerate(pairs):
        units.append(Unit(str(i), src, tgt, list(range(pos, pos + len(tgt))),
                          list(range(pos + 1, pos + len(tgt) + 1)), pos))
        starts.append(pos)
        pos += len(tgt) + 1
    bf = BilingualFile("mqm", "tsv", units, None, "zh", "en")
    settings = Settings(select=("RT603", "RT604"), min_severity=Severity.INFO)
    out = []
    for f in check_units(bf, settings, {}, []):
        i = bisect.bisect_right(starts, f.start) - 1
        out.append((i, f.rule.code, f.start - starts[i], f.end - starts[i], f.message))
    return out


def run_idioms(show: bool) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        for segments in load_mt(path).values():
            segs = list(segments.values())
            for i, code, s, e, msg in idiom_findings([(g.source, g.target) for g in segs]):
                whole = code == "RT604" or (s == 0 and e == len(segs[i].target))
                over = any(a < e and s < b for a, b, _ in segs[i].spans) if not whole \
                    else bool(segs[i].spans)
                counts[code][0] += 1
                counts[code][1] += over
                if show and code == "RT603":
                    print(f"  MT {'[rated] ' if over else ''}{context(segs[i].target, s, e, 40)}"
                          f"  ({msg[:70]})")
    refs = reference_pairs()
    found = idiom_findings(refs)
    print(f"\nreferences: {len(refs)} pairs")
    for code in ("RT603", "RT604"):
        mine = [f for f in found if f[1] == code]
        print(f"  {code}: {len(mine)} findings")
        for i, _, s, e, msg in mine[:None if show else 10]:
            print(f"      {context(refs[i][1], s, e, 40)}  ({msg[:80]})")
    for code, (n, over) in sorted(counts.items()):
        share = over / n if n else float("nan")
        print(f"MQM zh-en MT {code}: {n} findings, {over} overlap a rater span ({share:.0%})"
              + (" (whole-target hints: any span in the segment)" if code == "RT604" else ""))


def key(e: lexicon.Entry) -> str:
    return f"{Path(e.file).name}:{e.line} {e.pattern}"


def lexicons_from(args: argparse.Namespace) -> list[lexicon.Lexicon]:
    """The lexicons, parsed here (not from the prebuilt index: --articles changes them)."""
    files = args.only or [*lexicon.shipped_paths(), *args.extra]
    return [lexicon.Lexicon([e for p in files for e in lexicon.load(p).entries])]


def report(hits: dict[str, Hits], show: bool, out: Iterable[str] = ()) -> None:
    bad = sorted((k for k, h in hits.items() if h.refs or h.clean),
                 key=lambda k: -(len(hits[k].refs) + len(hits[k].clean)))
    print(f"\nentries that fire on references or clean text: {len(bad)}")
    for k in bad:
        h = hits[k]
        print(f"  {k}: references {len(h.refs)}, clean {len(h.clean)}, MT {h.mt} "
              f"({h.mt_in_span} in a rater span)")
        for line in (h.refs + h.clean)[:None if show else 2]:
            print(f"      {line}")
    rest = sorted((k for k, h in hits.items() if h.mt and k not in bad),
                  key=lambda k: -hits[k].mt)
    print(f"\nentries that fire on MT only: {len(rest)}")
    for k in rest:
        h = hits[k]
        print(f"  {k}: MT {h.mt} ({h.mt_in_span} in a rater span)")
        if show:
            for line in h.mt_examples:
                print(f"      {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", help="lexicon files to use instead of the shipped ones")
    ap.add_argument("--extra", nargs="+", default=[], help="lexicon files besides the shipped")
    ap.add_argument("--articles", action="store_true",
                    help="let an article stand between any two pattern words (to measure it)")
    ap.add_argument("--show", action="store_true", help="every hit on clean text in context")
    ap.add_argument("--idioms", action="store_true",
                    help="RT603/RT604 on the MQM source/target pairs instead")
    args = ap.parse_args()
    corpus_text.require_corpora()
    if args.idioms:
        run_idioms(args.show)
        return
    if args.articles:
        lexicon.ARTICLES_BETWEEN = True  # benchmark only: compare the two policies
    lexicons = lexicons_from(args)
    entries = sum(len(lex.entries) for lex in lexicons)
    hits: dict[str, Hits] = defaultdict(Hits)
    n_ref, ref_size = run_refs(lexicons, hits)
    what, n_clean, clean_size = run_clean(lexicons, hits)
    n_mt, in_span, mt_size = run_mt(lexicons, hits)
    report(hits, args.show)
    share = in_span / n_mt if n_mt else float("nan")
    print(f"\nlexicon: {entries} entries (articles between words: "
          f"{'yes' if args.articles else 'no'})")
    print(f"references: {n_ref} findings in {ref_size / 1e6:.2f} MB")
    print(f"clean ({what}): {n_clean} findings in {clean_size / 1e6:.2f} MB "
          f"({100_000 * n_clean / max(clean_size, 1):.2f} per 100 KB)")
    print(f"MQM zh-en MT: {n_mt} findings in {mt_size / 1e6:.2f} MB, {in_span} overlap a "
          f"rater span ({share:.0%}; target >= 50%)")


if __name__ == "__main__":
    main()
