"""RT6: calques and garbled set phrases, found by the entries of lexicon data files.

The rules hold no phrases: the shipped lexicon ``repairtool/data/calques_en.toml`` and the
user's (``lexicons = [...]`` in the config, ``--lexicon FILE``) do. Each entry's ``kind``
decides which rule reports it: ``calque`` → RT601, ``garbled`` → RT602.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules.base import Rule

if TYPE_CHECKING:
    from repairtool.lexicon import Match

#: The last document matched and its matches: both rules share one pass over the text.
_LAST: list = [None, None, None]


def matches_for(doc: Document) -> list[Match]:
    """The lexicon matches in ``doc.view`` (computed once per document)."""
    from repairtool import lexicon  # imported on first use: it reads the data files

    extra = tuple(Path(p) for p in doc.options.get("lexicons", ()) or ())
    if _LAST[0] is doc and _LAST[1] == extra:
        return _LAST[2]
    found = lexicon.find_matches(doc.view, lexicon.lexicons_for(extra), doc.folded)
    _LAST[:] = [doc, extra, found]
    return found


class _LexiconRule(Rule):
    """Reports the matches of one kind of lexicon entry, with its suggestions as fixes."""

    kind = ""
    label = ""
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        for m in matches_for(doc):
            if m.entry.kind == self.kind:
                yield self._finding(doc, m)

    def _finding(self, doc: Document, m: Match) -> Finding:
        from repairtool import lexicon

        found = doc.text[m.start:m.end]
        e = m.entry
        fixes = []
        seen: set[str] = set()
        for s in e.suggest:
            repl = lexicon.render(s, m.forms, found, _starts_sentence(doc.text, m.start))
            if repl.lower() in seen or repl == found:
                continue
            seen.add(repl.lower())
            fixes.append(Fix.replace(f"Replace with {repl!r}", m.start, m.end, repl,
                                     Applicability.SUGGESTION))
        zh = f" ({e.zh})" if e.zh else ""
        note = f": {e.note}" if e.note else ""
        shown = " ".join(found.split())
        msg = (f"{self.label} {shown!r}{zh}; say {lexicon.plain(e.suggest[0])!r}"
               f"{note} [{e.domain}]")
        return self.finding(m.start, m.end, msg, fixes)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence: only quotes, brackets or spaces since the start
    of the text, a line break, or a full stop, question or exclamation mark."""
    before = text[max(0, start - 12):start].rstrip(" \t\"'\u201c\u2018([")
    return not before or before[-1] in ".!?:\n" or (start < 12 and not before.strip())


class Calque(_LexiconRule):
    """
    ## What it does
    Finds Chinese idioms (成语) and set phrases rendered word for word into English —
    `add flowers to brocade` (锦上添花), `draw a snake and add feet` (画蛇添足), `people
    mountain people sea` (人山人海), `the people's livelihood` (民生) — using the entries of
    kind `calque` in the shipped lexicon `repairtool/data/calques_en.toml` and in the user's
    lexicon files (`lexicons = ["my.toml"]` in `[tool.repairtool]`, or `--lexicon FILE`).
    Matching ignores case and inflection (`adds/added/adding`, `wolves`) and allows the
    optional or intervening words an entry's pattern marks. The pattern syntax is: `word~`
    any inflection; `word[s|es]` listed endings; `a|the` alternatives; `(the)` optional word;
    `*` any one word, `(*)` at most one; `word,` a comma may follow; `!word` the next (or,
    written first, the previous) word must not be `word`; `{word}` it must be `word`, as
    context outside the finding. Articles are matched as written (`harvest~ (the)
    leek~`). Spaces, line breaks, hyphens and double quotes between words are all
    accepted. An entry may list `antipattern`s: look-alikes whose matches
    cancel its own. The file format is documented at the top of the shipped file
    `repairtool/data/calques_en.toml`; the family files `repairtool/data/calques/*.toml`
    are read with it; `repairtool/data/SOURCES.md` says where they come from.

    ## Why it matters
    A literal idiom reads as nonsense or as a strange image to an English reader, and marks
    the text as machine-translated. The meaning the source expressed is lost.

    ## Example
    `The new subway line adds flowers to brocade for commuters.`

    ## Use instead
    `The new subway line makes things even better for commuters.` — each entry gives one or
    more idiomatic renderings, best first.

    ## Fix safety
    Suggestions only: a calque's replacement changes meaning-bearing words and often needs
    the sentence reworded, so a person chooses. The n-th inflected word (`word~`) of the
    pattern passes its form to the n-th `word~` of the suggestion (`added flowers to
    brocade` → `made things even better`), and an initial capital is kept.
    """

    code = "RT601"
    name = "calque"
    category = "calque"
    severity = Severity.WARNING
    kind = "calque"
    label = "word-for-word idiom"


class GarbledSetPhrase(_LexiconRule):
    """
    ## What it does
    Finds official terms and fixed expressions that machine translation garbled into a
    phrase English readers cannot decode — `new crown pneumonia` (新冠肺炎, COVID-19),
    `net red` (网红, influencer), `old hundred surnames` (老百姓, ordinary people),
    `community of human destiny` (人类命运共同体) — using the entries of kind `garbled` in the
    shipped lexicon and in the user's lexicon files (same files and pattern syntax as RT601).

    ## Why it matters
    A garbled set phrase is not just unidiomatic: the reader cannot tell what is meant, and
    an established English term (often an official one) exists.

    ## Example
    `Cases of new crown pneumonia rose again in Shanghai.`

    ## Use instead
    `Cases of COVID-19 rose again in Shanghai.`

    ## Fix safety
    Suggestions only: the established term is usually clear, but whether it fits the
    sentence (article, number, the writer's house style) needs a person.
    """

    code = "RT602"
    name = "garbled-set-phrase"
    category = "calque"
    severity = Severity.WARNING
    kind = "garbled"
    label = "garbled set phrase"
