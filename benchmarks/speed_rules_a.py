"""Speed of the RT1 and RT2 rules: ms per MB on real text, and linear time on adversarial input.

Usage: ``python benchmarks/speed_rules_a.py [--mb 10]``. The real text is the MT and
reference targets of ``../shared/corpora/mqm-zhen-*`` (repeated up to ``--mb``); without the
corpora it falls back to the rule fixtures. Each rule's ``check`` is timed on its own, on an
already-built document, with the word list loaded beforehand.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from repairtool import words  # noqa: E402
from repairtool.document import Document  # noqa: E402
from repairtool.rules.base import registry  # noqa: E402

CODES = ("RT101", "RT102", "RT201", "RT202", "RT203")
CORPORA = ROOT.parent / "shared" / "corpora"
ADVERSARIAL = {
    "1 MB of *": "*" * 1_000_000,
    "1 MB of '** '": "** " * 333_333,
    "1 MB of one word": "word " * 200_000,
    "1 MB line of letters": "abcdefghij" * 100_000,
    "1 MB of askedWhy": "askedWhy " * 111_111,
    "1 MB of rose.The": "rose.The " * 111_111,
    "1 MB of decidedto": "decidedto " * 100_000,
    "1 MB of □": "□" * 1_000_000,
    "1 MB of a.": "a." * 500_000,
}


def real_text(mb: float) -> str:
    texts: list[str] = []
    csv.field_size_limit(1 << 30)
    for path in sorted(CORPORA.glob("mqm-zhen-*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            head = next(reader)
            col = head.index("target")
            seen: set[str] = set()
            for row in reader:
                if len(row) > col and row[col] not in seen:
                    seen.add(row[col])
                    texts.append(row[col].replace("<v>", "").replace("</v>", ""))
    if not texts:
        texts = [p.read_text(encoding="utf-8") for p in (ROOT / "fixtures").rglob("*.toml")]
    text = "\n\n".join(texts)
    while len(text) < mb * 1e6:
        text += "\n\n" + text
    return text[: int(mb * 1e6)]


def time_rules(text: str) -> dict[str, tuple[float, int]]:
    doc = Document.from_text(text)
    out = {}
    for code in CODES:
        rule = registry()[code]()
        start = time.perf_counter()
        n = sum(1 for _ in rule.check(doc))
        out[code] = (time.perf_counter() - start, n)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=10.0)
    args = ap.parse_args()
    t = time.perf_counter()
    words.is_word("the")
    print(f"word list load: {(time.perf_counter() - t) * 1000:.1f} ms")
    text = real_text(args.mb)
    mb = len(text.encode("utf-8")) / 1e6
    for code, (secs, n) in time_rules(text).items():
        print(f"{code}: {secs * 1000 / mb:6.1f} ms/MB on {mb:.1f} MB of MT text ({n} findings)")
    for name, adv in ADVERSARIAL.items():
        res = time_rules(adv)
        worst = max(res.items(), key=lambda kv: kv[1][0])
        print(f"{name:24s} slowest {worst[0]} {worst[1][0] * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
