"""RT603/RT604: Chinese idioms of a bilingual file's source, checked against the target.

The idioms come from two places: the calque lexicons (every entry with a ``zh`` field: its
pattern is the literal rendering, its suggestions the figurative ones) and the idiom tables
``repairtool/data/zh_idioms*.tsv`` (``zh<TAB>literal gloss<TAB>figurative/glosses``, e.g.
CC-CEDICT's ``向心力  centripetal force  cohesion/solidarity``). Only documents built by the
bilingual scan have sources; on plain text these rules find nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules.bilingual import CJK_LANGS, BilingualRule, base_lang

if TYPE_CHECKING:
    from repairtool.bilingual.formats import Unit
    from repairtool.lexicon import Entry, Lexicon

#: Words that carry no meaning of their own in a gloss ("to add flowers to brocade").
_STOP_WORDS = """
a an the of to in on at by for from with and or as is be are was one one's oneself
sb sth someone something somebody it its their his her they them this that these those
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
#: Idioms shorter than this (two-character compounds such as 基层) are too common in the
#: sources for an "unjudged" hint (RT604); RT603 needs a literal rendering and takes them.
MIN_HINT_CHARS = 4
#: Table rows shorter than this are not used: two- and three-character compounds are meant
#: literally too often (出发点 "starting point", 大面积 "large area", 小学生 "primary school
#: student": 18 false alarms on the MQM references, with 47% of the MT findings in a rater
#: span); the four-character idioms (成语) are figurative by nature.
MIN_TABLE_CHARS = 4
#: A literal rendering is reported on its own span when the span has at most twice as many
#: words as the literal rendering has content words, plus this; else its words are
#: scattered and the finding is on the whole target, without a fix.
_SLACK = 3


@dataclass(frozen=True)
class Idiom:
    """One Chinese expression, how it reads word for word, and what it means."""

    zh: str
    #: For each content word of the literal rendering, the forms that count for it.
    literal: tuple[frozenset[str], ...]
    #: The figurative renderings, best first (the suggestions).
    glosses: tuple[str, ...]
    #: The literal rendering as shown in messages.
    shown: str


def table_paths() -> list[Path]:
    """The shipped idiom tables (``repairtool/data/zh_idioms*.tsv``)."""
    return sorted((Path(__file__).parent.parent / "data").glob("zh_idioms*.tsv"))


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _STOP and len(w) > 1]


def _forms(word: str) -> frozenset[str]:
    from repairtool import lexicon

    return frozenset(f.lower() for f in lexicon.all_forms(word))


def idiom_from_gloss(zh: str, literal: str, glosses: Sequence[str]) -> Idiom | None:
    """An idiom from a table row; ``None`` when its literal gloss has fewer than two content
    words (one word, such as "force", says too little about the target)."""
    words = _content(_WORD.findall(literal.lower()))
    glosses = tuple(g.strip() for g in glosses if g.strip())
    if len(words) < 2 or not glosses:
        return None
    return Idiom(zh, tuple(_forms(w) for w in words), glosses, literal.strip())


def idiom_from_entry(entry: Entry) -> Idiom | None:
    """An idiom from a lexicon entry: its required pattern words are the literal rendering.

    Only idioms (domain ``idiom``) and garbled terms (kind ``garbled``): a loose literal
    rendering of a set phrase of officialese (党员干部 "Party members and cadres") is how
    human translators write it too (40 findings on the MQM references before this)."""
    from repairtool.lexicon import plain

    if entry.domain != "idiom" and entry.kind != "garbled":
        return None
    groups = []
    for tok in entry.tokens:
        if tok.kind == "word" and not tok.optional:
            forms = frozenset(f.lower() for f in tok.forms())
            if not forms <= _STOP:
                groups.append(forms)
    if len(groups) < 2:
        return None
    return Idiom(entry.zh, tuple(groups), tuple(plain(s) for s in entry.suggest),
                 readable(entry.pattern))


def readable(pattern: str) -> str:
    """A pattern as words: ``draw~|paint (a|the) snake~ and add~ feet|legs`` -> ``draw
    snake and add feet`` (optional words and context left out, first alternatives)."""
    out = []
    for raw in pattern.split():
        if raw[:1] in "({!" or raw == "*":
            continue
        word = raw.lstrip("+").rstrip(",").split("|")[0]
        out.append(re.sub(r"~|\[[^\]]*\]", "", word))
    return " ".join(out)


@cache
def read_table(path: str, mtime_ns: int) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The rows (zh, literal gloss, figurative glosses) of one idiom table."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip() != "zh":  # not the header row
            rows.append((parts[0].strip(), parts[1], tuple(parts[2].split("/"))))
    return tuple(rows)


class IdiomIndex:
    """Every known idiom by its Chinese form, and the lengths to look for in a source."""

    def __init__(self, lexicons: Sequence[Lexicon], tables: Sequence[Path]) -> None:
        self._lexicons = lexicons
        from repairtool.lexicon import zh_keys

        self.table: dict[str, list[Idiom]] = {}
        for path in tables:
            for zh, literal, glosses in read_table(str(path), path.stat().st_mtime_ns):
                idiom = idiom_from_gloss(zh, literal, glosses)
                if idiom is None:
                    continue
                for key in zh_keys(zh):
                    if len(key) >= MIN_TABLE_CHARS:
                        self.table.setdefault(key, []).append(idiom)
        self.lengths = sorted({len(k) for lex in lexicons for k in lex.by_zh}
                              | {len(k) for k in self.table}, reverse=True)

    def lookup(self, zh: str) -> list[tuple[Idiom, Entry | None]]:
        out: list[tuple[Idiom, Entry | None]] = [(i, None) for i in self.table.get(zh, ())]
        for lex in self._lexicons:
            for i in lex.by_zh.get(zh, ()):
                entry = lex.entry(i)
                idiom = idiom_from_entry(entry)
                if idiom is not None:
                    out.append((idiom, entry))
        return out

    def in_source(self, source: str) -> Iterator[tuple[Idiom, Entry | None]]:
        """The idioms written in ``source``, longest first; one inside a longer one found
        is left out (不忘初心 holds 初心)."""
        from repairtool.lexicon import zh_keys

        plain = "".join(zh_keys(source))
        taken: list[tuple[int, int]] = []
        for n in self.lengths:
            for at in range(len(plain) - n + 1):
                got = self.lookup(plain[at:at + n]) if not any(
                    a <= at and at + n <= b for a, b in taken) else []
                if got:
                    taken.append((at, at + n))
                    yield from got


def lexicons(extra: Sequence[Path]) -> list[Lexicon]:
    """The lexicons whose ``zh`` entries count as idioms: the shipped and the user's."""
    from repairtool import lexicon

    return lexicon.lexicons_for(extra)


@cache
def _index(extra: tuple[Path, ...], tables: tuple[tuple[str, int], ...]) -> IdiomIndex:
    return IdiomIndex(lexicons(extra), [Path(p) for p, _ in tables])


def index_for(doc: Document) -> IdiomIndex:
    extra = tuple(Path(p) for p in doc.options.get("lexicons", ()) or ())
    tables = tuple((str(p), p.stat().st_mtime_ns) for p in table_paths())
    return _index(extra, tables)


def _target_words(target: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(target.lower()))


def _has_all(groups: Sequence[frozenset[str]], words: set[str]) -> bool:
    return all(g & words for g in groups)


def gloss_present(gloss: str, words: set[str]) -> bool:
    """Whether the target holds every content word of ``gloss`` in some form."""
    content = _content(_WORD.findall(gloss.lower().replace("~", "")))
    return bool(content) and all(_forms(w) & words for w in content)


def _shares_gloss(idiom: Idiom) -> bool:
    """Whether a figurative gloss holds every literal word (一带一路 "one belt one road" and
    its gloss "Belt and Road Initiative"): the target cannot tell them apart."""
    for gloss in idiom.glosses:
        content = {f for w in _content(_WORD.findall(gloss.lower().replace("~", "")))
                   for f in _forms(w)}
        if all(group & content for group in idiom.literal):
            return True
    return False


def literal_span(idiom: Idiom, found: list[re.Match[str]]) -> tuple[int, int] | None:
    """The shortest stretch of the target holding one form of each literal word, in any
    order."""
    best: tuple[int, int] | None = None
    for i, m in enumerate(found):
        first = next((g for g in idiom.literal if m.group() in g), None)
        if first is None:
            continue  # the stretch starts on a literal word, in any order
        need = [g for g in idiom.literal if g is not first]
        end = m.end()
        for later in found[i + 1:i + 1 + 4 * len(idiom.literal)]:
            hit = next((g for g in need if later.group() in g), None)
            if hit is not None:
                need.remove(hit)
                end = later.end()
                if not need:
                    break
        if not need and (best is None or end - m.start() < best[1] - best[0]):
            best = (m.start(), end)
    return best


def _judged(unit: Unit, index: IdiomIndex) -> Iterator[tuple[str, Idiom, Entry | None]]:
    """(verdict, idiom, entry) for each idiom of the unit's source: ``literal`` (rendered
    word for word, no figurative gloss), ``unjudged`` (neither), or ``ok``."""
    from repairtool import lexicon

    idioms = [(i, e) for i, e in index.in_source(unit.source) if not _shares_gloss(i)]
    if not idioms:
        return  # most sources: the target is not even split into words
    words = {m.group() for m in _WORD.finditer(unit.target.lower())}
    # Where an entry's exact pattern matches, RT601/RT602 report it: nothing to add for
    # that Chinese expression.
    exact = {i.zh for i, e in idioms if e is not None and _has_all(i.literal, words)
             and lexicon.find_matches(unit.target, [lexicon.Lexicon([e])])}
    for idiom, entry in idioms:
        if idiom.zh in exact or any(gloss_present(g, words) for g in idiom.glosses):
            yield "ok", idiom, entry
        elif _has_all(idiom.literal, words):
            yield "literal", idiom, entry
        else:
            yield "unjudged", idiom, entry


class _IdiomRule(BilingualRule):
    category = "calque"

    @staticmethod
    def units(doc: Document) -> Iterator[tuple[Unit, int, IdiomIndex]]:
        ctx = BilingualRule.ctx(doc)
        if ctx is None or ctx.monolingual or (
                ctx.source_lang and base_lang(ctx.source_lang) not in CJK_LANGS):
            return
        index: IdiomIndex | None = None
        for unit, at in ctx.placed:
            if not unit.target.strip() or not any("\u4e00" <= c <= "\u9fff"
                                                   for c in unit.source):
                continue
            index = index or index_for(doc)
            yield unit, at, index


class LiteralIdiom(_IdiomRule):
    """
    ## What it does
    In a bilingual file with a Chinese source (PO, XLIFF, TMX, TSV/JSONL pairs), finds a
    source idiom or figurative compound whose target holds its literal, word-for-word
    rendering but none of its figurative meanings: 锦上添花 rendered `adding flowers on the
    brocade`, 向心力 rendered `centripetal force` in a text about a team. The idioms are the
    calque lexicon's entries with a `zh` field and the rows of the idiom tables
    `repairtool/data/zh_idioms*.tsv` (CC-CEDICT's literal and figurative glosses). Because
    the source confirms the idiom, the literal words may stand in any order and form, with
    other words between them — looser than RT601, which must recognise the calque from the
    English alone, and silent where RT601 already reports the exact pattern.

    ## Why it matters
    A literal idiom reads as a strange image or as nonsense, and the meaning the source
    expressed is lost; the source shows that the image was never meant.

    ## Example
    `锦上添花` / `The new line is like adding flowers on the brocade.`

    ## Use instead
    `The new line makes things even better.` — the figurative glosses are offered, best
    first.

    ## Fix safety
    Suggestions only, on the literal words when they stand together: the gloss usually needs
    the sentence reworded, and a figurative expression can be meant literally (向心力 in a
    physics text), so a person decides.
    """

    code = "RT603"
    name = "literal-idiom"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        for unit, at, index in self.units(doc):
            spans: list[tuple[int, int]] = []
            for verdict, idiom, _entry in _judged(unit, index):
                if verdict == "literal":
                    f = self._finding(unit, at, idiom)
                    if not any(a < f.end and f.start < b for a, b in spans):
                        spans.append((f.start, f.end))  # one finding where idioms overlap
                        yield f

    def _finding(self, unit: Unit, at: int, idiom: Idiom) -> Finding:
        span = literal_span(idiom, _target_words(unit.target))
        gloss = " / ".join(repr(g) for g in idiom.glosses[:3])
        msg = (f"source idiom {idiom.zh} rendered word for word ({idiom.shown!r}); it means "
               f"{gloss}")
        if span is None or len(_WORD.findall(unit.target[span[0]:span[1]].lower())) > \
                2 * len(idiom.literal) + _SLACK:
            return self.on_target(at, unit, msg)
        start, end = span
        original = unit.target[start:end]
        fixes = [Fix.replace(f"Replace with {g!r}", at + start, at + end,
                             g[0].upper() + g[1:] if original[:1].isupper() else g,
                             Applicability.SUGGESTION)
                 for g in idiom.glosses if g.lower() != original.lower()]
        return self.finding(at + start, at + end, msg, fixes)


class UnjudgedIdiom(_IdiomRule):
    """
    ## What it does
    An information hint: the Chinese source of a bilingual unit holds a known idiom (four
    characters or more) whose rendering the target shows neither literally nor by one of
    its figurative glosses, so the tool cannot judge it; the hint names the idiom and its
    meanings for the reviewer.

    ## Why it matters
    Idioms are where machine translation most often goes wrong in meaning while reading
    fluently; a reviewer's attention is best spent there.

    ## Example
    `他们画蛇添足。` / `They spoiled it.`

    ## Use instead
    Nothing may be wrong: check that the rendering carries the idiom's meaning (画蛇添足: to
    overdo it, to ruin something by adding what is not needed).

    ## Fix safety
    No fix: a hint for a person. Reported at level info, which is shown with
    `--min-severity info`.
    """

    code = "RT604"
    name = "unjudged-idiom"
    severity = Severity.INFO

    def check(self, doc: Document) -> Iterable[Finding]:
        for unit, at, index in self.units(doc):
            judged = list(_judged(unit, index))
            settled = {i.zh for v, i, _ in judged if v != "unjudged"}
            shown: set[str] = set()
            for verdict, idiom, _entry in judged:
                if verdict != "unjudged" or len(idiom.zh) < MIN_HINT_CHARS or \
                        idiom.zh in settled or idiom.zh in shown:
                    continue
                shown.add(idiom.zh)
                gloss = " / ".join(repr(g) for g in idiom.glosses[:3])
                yield self.on_target(at, unit, f"source idiom {idiom.zh} (literally "
                                     f"{idiom.shown!r}, meaning {gloss}): check that the "
                                     f"target carries its meaning")
