"""Real text for the benchmarks, read from ../shared/corpora and installed packages.

- :func:`references`: the human reference translations (systems ``ref*``) of
  ``mqm-zhen-google`` — clean professional English — one document per (system, doc), segments
  as paragraphs.
- :func:`mt_documents`: the MT outputs of the same files, built the same way.
- :func:`varied_text`: MT output and post-edits of all the corpora, without repeats.
- :func:`package_markdown`: technical Markdown: the long descriptions (``README``s) that
  installed Python packages carry in their ``METADATA`` (``Description-Content-Type:
  text/markdown``), full of code spans, identifiers and ``**bold**``.
- :func:`clean_genres`: clean English of seven genres (manuals, man pages, licences and
  policies, literature, quotations, technical prose, Markdown docs) read from installed Debian
  and Python packages at run time (``benchmarks/get_clean_corpora.sh`` installs them).
"""

from __future__ import annotations

import csv
import email
import email.policy
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
csv.field_size_limit(1 << 30)


def require_corpora() -> Path:
    if not CORPORA.is_dir():
        sys.exit(f"benchmarks need {CORPORA} (the shared corpora); it is not there")
    return CORPORA


def strip_tags(text: str) -> str:
    return text.replace("<v>", "").replace("</v>", "")


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _documents(want_refs: bool) -> list[tuple[str, str]]:
    segs: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for path in sorted((require_corpora() / "mqm-zhen-google").glob("*.tsv")):
        for row in read_tsv(path):
            system = row["system"].removeprefix("hyp.")
            if system.startswith("ref") != want_refs:
                continue
            segs[(f"{path.stem}/{system}", row["doc"])][int(row["seg_id"])] = \
                strip_tags(row["target"])
    return [(f"{name}/{doc}", "\n\n".join(s for _, s in sorted(parts.items())) + "\n")
            for (name, doc), parts in sorted(segs.items())]


def references() -> list[tuple[str, str]]:
    """(name, text) of every human reference document."""
    return _documents(True)


def reference_sentences(min_chars: int = 20) -> list[str]:
    """Every reference segment (deduplicated) of at least ``min_chars`` characters."""
    return [p.strip() for _, doc in references() for p in doc.split("\n\n")
            if len(p.strip()) >= min_chars]


def mt_documents() -> list[tuple[str, str]]:
    """(name, text) of every MT output document."""
    return _documents(False)


def varied_text(target: int) -> str:
    """About ``target`` bytes of real MT output and post-edits with no repeats: the
    references and MT documents above once, then every distinct English segment of
    MLQE-PE (``mt`` and ``pe`` of the ``*-en`` splits, which are tokenised: `word ,`) and the
    MT targets of the WMT 2020 and 2023 MQM sets, one paragraph each, in file order."""
    corpora = require_corpora()
    parts = [t for _, t in references()] + [t for _, t in mt_documents()]
    size = sum(len(p.encode("utf-8")) + 1 for p in parts)
    seen: set[str] = set()
    sources = [(p, ("mt", "pe")) for p in sorted((corpora / "mlqe-pe").glob("*-en.*.tsv"))]
    sources += [(p, ("target",)) for name in ("mqm-zhen-newstest2020-subset",
                                              "mqm-zhen-wmt23-sxs")
                for p in sorted((corpora / name).glob("*.tsv"))]
    for path, columns in sources:
        for row in read_tsv(path):
            for column in columns:
                seg = strip_tags(row.get(column) or "").strip()
                if seg and seg not in seen and size < target:
                    seen.add(seg)
                    parts.append(seg + "\n")
                    size += len(seg.encode("utf-8")) + 1
    return "\n".join(parts)


def package_markdown() -> list[tuple[str, str]]:
    """(package, README) for installed distributions whose description is Markdown."""
    out = {}
    for dist in metadata.distributions():
        raw = dist.read_text("METADATA")
        if not raw:
            continue
        msg = email.message_from_string(raw, policy=email.policy.compat32)
        if "markdown" not in (msg.get("Description-Content-Type") or "").lower():
            continue
        body = msg.get_payload()
        if isinstance(body, str) and len(body) > 500:
            out[dist.metadata["Name"].lower()] = body
    return sorted(out.items())


# --- Clean English of several genres, read from installed Debian packages -----------------
# (benchmarks/get_clean_corpora.sh installs them). Nothing here is committed: each text is
# read or rendered from the installed package when a benchmark runs.

DOC = Path("/usr/share/doc")
#: Packages whose texts belong to a genre of their own (not to "manuals").
_OWN_GENRE = ("debian-policy", "debian-reference-en", "debian", "jargon-text", "fortunes")
#: Man page sections of prose (commands, file formats, overviews, administration).
_MAN_SECTIONS = ("man1", "man5", "man7", "man8")
_FORTUNES = Path("/usr/share/games/fortunes")
#: English fortune files that are pictures, not text, or notes for translators.
_NOT_QUOTES = {"ascii-art", "art", "translate-me"}
_KJV_VERSE = re.compile(r"^([1-3]?[A-Z][a-z]*)(\d+):(\d+) (.*)$")
_INFO_NODE = re.compile(r"\x1f\n(?:File: [^\n]*\n|Tag Table:.*|End Tag Table\n?)?",
                        re.DOTALL)

Doc = tuple[str, str, str]


def _read(path: Path) -> str:
    """A text file of a package, gunzipped; UTF-8, else Latin-1 (older Debian files)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _english(text: str) -> bool:
    """Whether a text reads as English: almost all letters ASCII (skips translations)."""
    letters = sum(c.isalpha() for c in text[:20_000]) or 1
    return sum(c.isalpha() and not c.isascii() for c in text[:20_000]) / letters < 0.01


def _unique(docs: Iterator[Doc]) -> list[Doc]:
    """Documents with an English text not seen before (packages ship the same file twice)."""
    seen: set[str] = set()
    out = []
    for name, text, kind in docs:
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if len(text) >= 200 and key not in seen and _english(text):
            seen.add(key)
            out.append((name, text, kind))
    return out


def _own(path: Path) -> bool:
    return path.relative_to(DOC).parts[0] in _OWN_GENRE


def _manuals() -> Iterator[Doc]:
    """READMEs, FAQs and *.txt of /usr/share/doc, and every info manual as plain text."""
    for path in sorted(DOC.rglob("*")):
        name = path.name.lower().removesuffix(".gz")
        if not path.is_file() or _own(path) or name.endswith((".md", ".html", ".htm")):
            continue
        if name.startswith(("readme", "faq")) or name.endswith(".txt"):
            yield str(path), _read(path), "text"
    for path in sorted(Path("/usr/share/info").glob("*.info*.gz")):
        if path.name.startswith("debian-policy"):
            continue  # in "licences and policies"
        text = _INFO_NODE.sub("\n", _read(path))
        if "\nIndirect:" not in text[:2000]:  # the table of a manual split in parts
            yield str(path), text, "text"


def _render_man(path: Path) -> str:
    # What `man page > page.txt` writes: man-db formats for an 80-column terminal and,
    # writing to a pipe, strips the overstrike bold and underline (`col -b`).
    env = {**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"}
    out = subprocess.run(["man", "-l", "-P", "cat", str(path)], capture_output=True,
                         env=env, timeout=60, check=False)
    return out.stdout.decode("utf-8", "replace")


def _man_pages(budget: int) -> Iterator[Doc]:
    """English man pages of the prose sections rendered as text, up to ``budget`` bytes
    of source (sections 5, 7, 8 whole, then section 1 in name order)."""
    pages = [p for section in ("man5", "man7", "man8", "man1")
             for p in sorted((Path("/usr/share/man") / section).glob("*.gz"))
             if not p.is_symlink() and p.stat().st_size > 600]
    chosen, total = [], 0
    for page in pages:
        if total < budget:
            chosen.append(page)
            total += page.stat().st_size
    with ThreadPoolExecutor(max_workers=4) as pool:
        for page, text in zip(chosen, pool.map(_render_man, chosen), strict=True):
            yield str(page), text, "text"


def _licences() -> Iterator[Doc]:
    """Licences (common-licenses), Debian policy and constitution, and the copyright files
    of every installed package; paragraphs already seen (licence boilerplate) left out."""
    paths = sorted(Path("/usr/share/common-licenses").iterdir())
    paths += sorted((DOC / "debian-policy").glob("*.txt.gz"))
    paths += [DOC / "debian" / n for n in ("constitution.txt.gz", "social-contract.txt.gz",
                                           "debian-manifesto.gz")]
    paths += sorted(DOC.glob("*/copyright"))
    seen: set[str] = set()
    for path in paths:
        if not path.is_file():
            continue
        paras = []
        for para in re.split(r"\n[ \t]*\n", _read(path)):
            key = " ".join(para.split())
            if key and key not in seen:
                seen.add(key)
                paras.append(para)
        yield str(path), "\n\n".join(paras) + "\n", "text"


def _literature() -> Iterator[Doc]:
    """The King James Bible (bible-kjv-text, read with its `bible` program), one chapter a
    paragraph of verses, one book a document."""
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], capture_output=True,
                         timeout=120, check=False)
    books: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        m = _KJV_VERSE.match(line)
        if m:
            books[m[1]][m[2]].append(m[4])
    for book, chapters in books.items():
        text = "\n\n".join(" ".join(v) for v in chapters.values()) + "\n"
        yield f"kjv/{book}", text, "text"


def _quotations() -> Iterator[Doc]:
    """English fortune cookie files (fortunes, fortunes-min, fortunes-bofh-excuses, …)."""
    for path in sorted(_FORTUNES.iterdir()):
        if (path.is_file() and not path.suffix and path.name not in _NOT_QUOTES):
            utf8 = path.with_suffix(".u8")
            text = _read(utf8 if utf8.is_file() else path)
            yield str(path), re.sub(r"(?m)^%\n", "\n", text), "text"


def _technical() -> Iterator[Doc]:
    """Long technical prose in plain text: the Jargon File, the Debian Reference, the FHS,
    the Debian bug-tracker documents."""
    paths = [DOC / "jargon-text" / "jargon.txt.gz",
             Path("/usr/share/debian-reference/debian-reference.en.txt.gz"),
             DOC / "debian-policy" / "fhs" / "fhs-3.0.txt.gz"]
    paths += [*sorted((DOC / "debian").glob("bug-*.txt*")), DOC / "debian" / "mailing-lists.txt.gz"]
    for path in paths:
        if path.is_file():
            yield str(path), _read(path), "text"


def _markdown() -> Iterator[Doc]:
    """Markdown files of /usr/share/doc and the Markdown READMEs of installed Python packages."""
    for path in sorted(DOC.rglob("*.md*")):
        if path.is_file() and path.name.endswith((".md", ".md.gz")):
            yield str(path), _read(path), "markdown"
    for name, text in package_markdown():
        yield f"pypi/{name}", text, "markdown"


def clean_genres(man_budget: int = 2_200_000) -> dict[str, list[Doc]]:
    """Genre → (document name, text, kind) of clean English from installed packages; kind is
    ``text`` or ``markdown``. Genres missing their packages come back empty."""
    return {
        "manuals": _unique(_manuals()),
        "man pages": _unique(_man_pages(man_budget)),
        "licences and policies": _unique(_licences()),
        "literature": _unique(_literature()) if shutil.which("bible") else [],
        "quotations": _unique(_quotations()) if _FORTUNES.is_dir() else [],
        "technical prose": _unique(_technical()),
        "markdown docs": _unique(_markdown()),
    }
