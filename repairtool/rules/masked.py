"""RT1: masked tokens — words censored at the source and left as ``**`` or ``□□`` holes.

Chinese content farms replace sensitive words (a title, "media", "government") with ``**``
before machine translation; the English keeps the hole, often glued to a neighbour and with
the word order of the source: "Macron** said" (马克龙**说, "President Macron said"). The
rules find the hole and read the words around it to propose fills from
``repairtool/data/masked_fills.toml``; the candidates are suggestions, best first, and the
last candidate removes the hole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from repairtool import words
from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy
from repairtool.rules._prose import is_code_line
from repairtool.rules.base import Rule

_STARS = lazy(r"\*{2,}|＊{2,}")
_SYMBOLS = lazy(r"[□■]+|×{2,}")
#: The word that ends right before a position (spaces or tabs between allowed).
_PREV_WORD = lazy(r"(?r)(?P<w>[\p{L}\p{N}][\p{L}\p{M}\p{N}'’.]*)(?P<sp>[ \t]*)")
#: The word that starts right after a position (spaces or tabs between allowed).
_NEXT_WORD = lazy(r"(?P<sp>[ \t]*)(?P<w>[\p{L}\p{N}][\p{L}\p{M}\p{N}'’]*)")
#: A line that is only a thematic break (``***``, ``* * *``) or stars.
_BREAK_LINE = lazy(r"(?m)[ \t]*(?:\*[ \t]*){3,}$")
#: What may stand before a checkbox or a footnote key at the start of a line: indentation,
#: quote marks and a list marker.
_LINE_PREFIX = lazy(r"[ \t>]*+(?:[-*+•]|\d{1,3}[.)])?[ \t]*+")
_SENTENCE_END = frozenset(".!?:;\n\"“”")
#: Punctuation that a mask before it shows the hole of a word (``the federal **,``).
_CLAUSE_END = frozenset(",.;:!?)")


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    text: str
    glued: bool


@dataclass(frozen=True)
class _Fills:
    media_after: frozenset[str]
    media_before: tuple[str, ...]
    media: tuple[str, ...]
    titles: tuple[str, ...]
    title_before: tuple[str, ...]
    government: tuple[str, ...]
    government_before: frozenset[str]
    plural_verbs: dict[str, str]
    article_after: frozenset[str]
    organisations: frozenset[str]
    places: frozenset[str]
    names_symbol: frozenset[str]
    ratings: frozenset[str]
    pointer_types: frozenset[str]
    verbs_after: frozenset[str]


@cache
def fills() -> _Fills:
    """The context patterns of ``repairtool/data/masked_fills.toml`` (read once)."""
    import tomllib  # only when a hole is found

    raw = (Path(__file__).parent.parent / "data" / "masked_fills.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    low = lambda xs: frozenset(x.lower() for x in xs)  # noqa: E731
    return _Fills(
        media_after=low(data["media"]["after"]),
        media_before=tuple(x.lower() for x in data["media"]["before"]),
        media=tuple(data["media"]["fills"]),
        titles=tuple(data["title"]["fills"]),
        title_before=tuple(x.lower() for x in data["title"]["before"]),
        government=tuple(data["government"]["fills"]),
        government_before=low(data["government"]["before"]),
        plural_verbs=dict(data["government"]["plural_verbs"]),
        article_after=low(data["government"]["article_after"]),
        organisations=low(data["organisation"]["after"]),
        places=frozenset(data["places"]["names"]),
        names_symbol=low(data["hole"]["names_symbol"]),
        ratings=low(data["hole"]["ratings"]),
        pointer_types=frozenset(data["hole"]["pointer_types"]),
        verbs_after=low(data["removal"]["verbs_after"]),
    )


def _prev_word(view: str, pos: int) -> _Word | None:
    m = _PREV_WORD.match(view, max(0, pos - 60), pos)
    if not m:
        return None
    text = m.group("w").rstrip(".")
    return _Word(m.start("w"), m.start("w") + len(text), text, not m.group("sp"))


def _next_word(view: str, pos: int) -> _Word | None:
    m = _NEXT_WORD.match(view, pos, min(len(view), pos + 60))
    if not m:
        return None
    return _Word(m.start("w"), m.end("w"), m.group("w"), not m.group("sp"))


def _hole_before_punctuation(view: str, end: int, left: _Word | None) -> bool:
    """``the federal **, claiming``, ``the central **)``: a spaced mask after a word and right
    before the punctuation that ends a clause (a Markdown delimiter there could not close)."""
    after = view[end + 1:end + 2]
    if left is None or not left.text[0].isalpha() or view[end:end + 1] not in _CLAUSE_END \
            or (after and not after.isspace()):
        return False
    word = left.text.lower()
    if word in fills().names_symbol:
        return False  # "the power operator **."
    return word in words.DETERMINERS or word in ("his", "her") or not words.is_function_word(word)


def _line_start(view: str, pos: int) -> bool:
    """Whether only indentation or a list marker stands between the line start and ``pos``."""
    i = view.rfind("\n", max(0, pos - 200), pos)
    return _LINE_PREFIX.fullmatch(view, i + 1, pos) is not None


def _sentence_start(view: str, pos: int) -> bool:
    i = pos
    lo = max(0, pos - 20)
    while i > lo and view[i - 1] in " \t":
        i -= 1
    return i == 0 or view[i - 1] in _SENTENCE_END


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:2].islower()


def _is_name(word: str) -> bool:
    """A capitalised word such as ``Macron`` (not ``Ministry`` or a sentence opener)."""
    return _capitalised(word) and word.lower() not in fills().organisations


def _phrase_before(view: str, pos: int, phrases: Iterable[str]) -> bool:
    window = view[max(0, pos - 30):pos].rstrip(" \t").lower()
    return any(window.endswith(p) and (len(window) == len(p) or not window[-len(p) - 1].isalpha()
                                       or p[0] in "'’") for p in phrases)


class _MaskRule(Rule):
    """Shared candidate builder of the RT1 rules."""

    category = "masked-token"
    severity = Severity.WARNING
    fixable = True

    def candidates(self, view: str, start: int, end: int, left: _Word | None,
                   right: _Word | None) -> list[Fix]:
        """Fills for the hole ``view[start:end]``, best first; the removal comes last."""
        f = fills()
        out: list[Fix] = []
        glued_left = bool(left and left.glued)
        glued_right = bool(right and right.glued)

        def in_place(word: str) -> Fix:
            repl = (" " if glued_left else "") + word + (" " if glued_right else "")
            return Fix.replace(f"Fill the hole with {word!r}", start, end, repl,
                               Applicability.SUGGESTION)

        after = right.text.lower() if right else ""
        if after in f.media_after or _phrase_before(view, start, f.media_before):
            out.extend(in_place(w) for w in f.media)
        elif right and _is_name(right.text) and not (left and glued_left and _is_name(left.text)
                                                     and left.text not in f.places):
            out.extend(in_place(t) for t in f.titles)  # **Macron, US** Biden, in which ** Li
        elif (left and glued_left and not glued_right
              and (_capitalised(left.text) or left.text in f.places)
              and ((right and right.text.islower()) or _possessive(view, end))):
            out.extend(self._reordered(view, start, end, left, right))
        elif (right and right.text.islower() and not glued_right
              and after not in f.organisations
              and _phrase_before(view, start, f.title_before)):
            out.extend(in_place(t) for t in f.titles)
            out.extend(in_place(g) for g in f.government)
        elif right is None and left and not glued_left:  # "the federal **, claiming"
            if left.text.lower() in f.government_before:
                out.extend(in_place(g) for g in f.government)
            elif any(p in view[max(0, start - 40):start].lower() for p in f.media_before):
                out.extend(in_place(w) for w in f.media)  # "according to the **,"
        if not _heads_phrase(view, left, right):
            out.append(self._removal(view, start, end, left, right))
        elif not out:  # "his ** said": no context; a fill still reads better than none
            out.extend(in_place(w) for w in (*f.titles, *f.government))
        return out

    def _reordered(self, view: str, start: int, end: int, left: _Word, right: _Word | None
                   ) -> list[Fix]:
        """``Name** verb``: the source put the title after the name; move it in front."""
        f = fills()
        titles = [Fix((f"Put {t!r} before {left.text!r}"),
                      _edits(left.start, end, f"{t} {left.text}"), Applicability.SUGGESTION)
                  for t in f.titles]
        if right is None or not right.text.islower():
            return titles  # Duterte**'s speech
        article = _article(view, left.start)
        gov: list[Fix] = []
        for g in f.government:
            verb = right.text
            if g.endswith("s"):
                verb = f.plural_verbs.get(verb, verb)
                text = f"{left.text} {g} {verb}"
            else:
                text = f"{article} {left.text} {g} {verb}".lstrip()
            gov.append(Fix(f"Read it as {text!r}", _edits(left.start, right.end, text),
                           Applicability.SUGGESTION))
        return gov if left.text in f.places else titles + gov  # no "President Tokyo"

    def _removal(self, view: str, start: int, end: int, left: _Word | None,
                 right: _Word | None) -> Fix:
        s, e = start, end
        glued_left = bool(left and left.glued)
        glued_right = bool(right and right.glued)
        if not glued_left and not glued_right:
            if e < len(view) and view[e] == " ":
                e += 1
            elif s and view[s - 1] == " ":
                s -= 1
        repl = " " if glued_left and glued_right else ""
        return Fix.replace("Remove the hole (check that the sentence still reads)", s, e, repl,
                           Applicability.UNSAFE)


_POSSESSIVES = frozenset({"his", "her", "its", "their", "our", "my", "your"})


def _heads_phrase(view: str, left: _Word | None, right: _Word | None) -> bool:
    """Whether the hole is the head of a noun phrase, so removing it breaks the sentence.

    ``The new ** said``, ``the federal **, claiming``, ``France's ** said``: a determiner, a
    possessive, or an adjective after a determiner before the hole, and a verb, a function
    word or punctuation after it. ``the ** Ministry``, ``the new ** rules`` read without it.
    """
    if left is None or left.glued or (right is not None and right.glued):
        return False
    word = left.text.lower()
    if not (word in words.DETERMINERS or word in _POSSESSIVES or _possessive_word(left.text)):
        before = _prev_word(view, left.start)
        if before is None or before.text.lower() not in words.DETERMINERS \
                or words.is_function_word(word) or not left.text.isalpha():
            return False
    if right is None:
        return True
    after = right.text
    return after.islower() and (after in fills().verbs_after or words.is_function_word(after))


def _possessive_word(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _article(view: str, pos: int) -> str:
    """``The``/``the`` before a reordered "Tokyo government", or nothing after a determiner."""
    if _sentence_start(view, pos):
        return "The"
    prev = _prev_word(view, pos)
    return "the" if prev is not None and prev.text.lower() in fills().article_after else ""


def _possessive(view: str, pos: int) -> bool:
    return view[pos:pos + 2] in ("'s", "’s")


def _hint(fixes: list[Fix]) -> str:
    """``; maybe 'President Macron'`` for the best fill (nothing when only removal is left)."""
    best = fixes[0]
    if best.applicability is not Applicability.SUGGESTION:
        return "; check the sentence without it"
    return f"; maybe {best.edits[0].replacement.strip()!r}"


def _edits(start: int, end: int, text: str) -> tuple:
    from repairtool.model import Edit

    return (Edit(start, end, text),)


class MaskedToken(_MaskRule):
    """
    ## What it does
    Finds `**` (or `＊＊`, `***`) standing for a word that was censored before translation:
    glued to a word (`Tokyo** has`, `**Macron said`, `US** Biden`), standing alone between
    words (`according to ** reports`) or before the punctuation that ends a clause, after a
    determiner or content word (`sued the US federal **, claiming`; not `wrap it in **.` nor
    `the power operator **.`), also a longer run between words (`public **** health`).
    Two runs are an emphasis pair only as CommonMark would pair them (`** word` cannot
    open one, `word **` cannot close one) around a short phrase with no sentence end, and
    in a plain-text file on one line: `many other ** called him … Berlin** has` and
    `Spain's **Sánchez.⏎In May, Macron** visited` are two holes each. Emphasis
    (`**bold**`, `** a spaced pair **`), code (`**kwargs`, `2**10`, `void **name`,
    `a ** b`), ratings (`Rated *****`), thematic breaks (`***`), footnote marks after
    numbers (`0.35**`) and glob patterns (`src/**/*.py`) are left alone.

    ## Why it matters
    Chinese content farms mask sensitive words (a leader's title, "media", "government")
    with asterisks; machine translation carries the hole over, often with the source's word
    order. Readers see a broken sentence and the meaning is lost.

    ## Example
    `France's **Macron said that according to ** reports Tokyo** has tightened its rules.`

    ## Use instead
    `France's President Macron said that according to media reports the Tokyo government
    has tightened its rules.`

    ## Fix safety
    The fills read the words around the hole (a title before a name, "media" before
    "reports", "government" after a place; data in `repairtool/data/masked_fills.toml`) and
    are suggestions, best first: only a person can know the censored word. The last
    candidate removes the hole and is unsafe: check that the sentence still reads. It is
    offered only where the sentence can read without the hole: not where the hole heads a
    noun phrase (`The new ** said`, `the federal **, claiming`, `France's ** said`), which
    `--unsafe-fixes` would turn into "The new said".
    """

    code = "RT101"
    name = "masked-token"

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        runs = [m.span() for m in _STARS.finditer(view)]
        for start, end in _unpaired(view, runs, doc.kind != "markdown"):
            finding = self._judge(view, start, end)
            if finding is not None:
                yield finding

    def _judge(self, view: str, start: int, end: int) -> Finding | None:
        prev = view[start - 1] if start else "\n"
        nxt = view[end] if end < len(view) else "\n"
        if prev in "/\\*" or nxt in "/\\=*(" or prev.isdigit() or prev in "%)]" or nxt.isdigit():
            return None
        left = _prev_word(view, start)
        right = _next_word(view, end)
        if end - start > 3 and not _long_hole(left, right, end - start):
            return None  # ratings (*****) and separators
        if _operator(left, right) or _pointer(view, start, left, right):
            return None  # a ** b, void **name
        if _BREAK_LINE.match(view, view.rfind("\n", 0, start) + 1):
            return None
        if right and right.text[0].isdigit():
            return None  # x ** 2
        if not (left and left.glued) and not (right and right.glued):
            before_word = right is not None and right.text[0].isalpha()
            if _line_start(view, start) or not (
                    before_word or _hole_before_punctuation(view, end, left)):
                return None  # spaced: before a word or a clause's end, not opening a line
            if left is None and view[max(0, start - 20):start].rstrip(" \t")[-1:] not in ",;:(\"“":
                return None
            if left is not None and not left.text[0].isalpha():
                return None
        if left and left.glued and right and right.glued and (
                (len(left.text) <= 2 and left.text.islower()) or len(right.text) <= 2):
            return None  # f**k, s**t: a profanity mask, not a censored word
        if left and left.glued and len(left.text) == 1 and left.text.isalpha() and \
                not (right and right.glued):
            return None  # `THE G** D*** SENSE`: a swear word kept to its initial
        if (right and right.glued and not (left and left.glued) and right.text.islower()
                and not self._prose_word(view, start, right)):
            return None  # **kwargs
        if is_code_line(view, start):
            return None  # char** argv, void** data
        fixes = self.candidates(view, start, end, left, right)
        return self.finding(start, end, f"masked word {view[start:end]!r}: a word was "
                            f"censored at the source{_hint(fixes)}", fixes)

    @staticmethod
    def _prose_word(view: str, start: int, right: _Word) -> bool:
        """Whether ``**word`` (lower case) sits in prose rather than in code (``**kwargs``)."""
        i = start
        while i > 0 and view[i - 1] in " \t":
            i -= 1
        before = view[i - 1] if i else "\n"
        after = view[right.end] if right.end < len(view) else "\n"
        return (before.isalpha() and after not in ")=],_.[" and words.is_word(right.text))


def _long_hole(left: _Word | None, right: _Word | None, n: int) -> bool:
    """``People's **** and``: a run of four to eight stars spaced between two words, not
    after a word that asks for a rating (``Rated ***** by``)."""
    return (n <= 8 and left is not None and right is not None and not left.glued
            and not right.glued and left.text[0].isalpha() and right.text.isalpha()
            and left.text.lower() not in fills().ratings)


def _operator(left: _Word | None, right: _Word | None) -> bool:
    """``a ** b``, ``x ** y``: a spaced power operator between one-letter operands."""
    return (left is not None and right is not None and not left.glued and not right.glued
            and len(right.text) == 1 and right.text not in "IA")


def _pointer(view: str, start: int, left: _Word | None, right: _Word | None) -> bool:
    """``void **name``, ``char **argv``, ``const T**``, ``nettle_hash ** get_hashes``: a
    pointer type, after a type name or between parts of identifiers."""
    if left is None:
        return False
    if left.text in fills().pointer_types:
        return True
    before = view[left.start - 1] if left.start else " "
    after = view[right.end] if right is not None and right.end < len(view) else " "
    return before == "_" or after in "_(" or (left.glued and _camel(left.text))


def _camel(word: str) -> bool:
    """``XColor``, ``HttpClient``: a capital after the first letter, as type names have."""
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def _unpaired(view: str, runs: list[tuple[int, int]], plain: bool
              ) -> Iterator[tuple[int, int]]:
    """Runs of stars that are not one side of an emphasis pair (``**bold**``).

    As in CommonMark, ``** word`` cannot open a pair and ``word **`` cannot close one; a
    spaced run pairs only with another spaced run (``** a few words **``). A pair must hold
    a short phrase, not a sentence end (``other ** called him the winner. … Berlin**`` is
    two holes), and in a plain-text file (``plain``) it does not cross a line break.
    """
    pending: tuple[int, int] | None = None
    spaced = False
    for run in runs:
        can_open, can_close = _flanking(view, *run)
        if pending is not None and spaced and (view[run[0] - 1].isalnum()
                                               or not (can_open or can_close)):
            # "other ** called … Berlin**": a spaced run closes no pair with a word's
            # closer, only with another spaced run (it may with "src/**", a glob it names)
            can_close = not (can_open or can_close) and _spaced_pair(view, pending, run)
        if pending is not None and can_close and _pairs(view, pending, run, plain):
            pending = None
            continue
        if pending is not None:
            yield pending
            pending = None
        spaced = not (can_open or can_close)
        if can_open or spaced:
            pending = run  # both-flanking (US**Biden) may open a pair too (foo**bar**)
        else:
            yield run
    if pending is not None:
        yield pending


#: The longest inside of an emphasis pair in prose: a short phrase, not a passage.
_MAX_EMPHASIS = 80
#: A sentence end inside a pair: a stop, then a space and more text.
_INNER_STOP = lazy(r"[.!?][\"”’)]?\s+\S")


def _pairs(view: str, a: tuple[int, int], b: tuple[int, int], plain: bool) -> bool:
    """Whether the runs ``a`` (an opener) and ``b`` (a closer) can be one emphasis pair."""
    if plain:
        inner = b[0] - a[1]
        return (inner <= _MAX_EMPHASIS and view.find("\n", a[1], b[0]) < 0
                and _INNER_STOP.search(view, a[1], b[0]) is None)
    # Markdown hides the pairs its parser made; a visible pair is judged by its length only
    return (b[0] - a[1] < 3000 and view.find("\n\n", a[1], b[0]) < 0
            and (b[0] - a[1] <= _MAX_EMPHASIS
                 or _INNER_STOP.search(view, a[1], b[0]) is None))


def _spaced_pair(view: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """``** a few words **`` on one line, without sentence punctuation between."""
    inner = view[a[1]:b[0]]
    return (a[1] - a[0] == b[1] - b[0] and len(inner) <= 40 and inner[:1] == " "
            and inner[-1:] == " " and not any(c in inner for c in ".,;:!?\n\"“”"))


def _flanking(view: str, start: int, end: int) -> tuple[bool, bool]:
    """CommonMark's left- and right-flanking tests for a delimiter run."""
    prev = view[start - 1] if start else " "
    nxt = view[end] if end < len(view) else " "
    p_space, n_space = prev.isspace(), nxt.isspace()
    p_punct, n_punct = _punct(prev), _punct(nxt)
    left = not n_space and (not n_punct or p_space or p_punct)
    right = not p_space and (not p_punct or n_space or n_punct)
    return left, right


def _punct(ch: str) -> bool:
    return not ch.isalnum() and not ch.isspace()


class MaskedSymbols(_MaskRule):
    """
    ## What it does
    Finds runs of `□`, `■` or `××` standing for censored or lost characters inside English
    text (`the □□ government`, `Tokyo■■ said`). A `□` or `■` that opens a line (a checkbox or
    a bullet), a `■` that closes a paragraph (an end-of-article mark) and a single `×`
    (`3×4`, `1920×1080`, `Qiu × Lau`) are left alone.

    ## Why it matters
    Chinese sites mask sensitive words with `□`, `■` or `××` before translation, and
    missing glyphs also show up as `□`. Readers see a hole in the sentence.

    ## Example
    `According to □□ reports, the new ×× said on Monday.`

    ## Use instead
    `According to media reports, the new President said on Monday.`

    ## Fix safety
    As for RT101: the fills come from the words around the hole and are suggestions, best
    first; the last candidate removes the hole and is unsafe, and is not offered where the
    hole heads a noun phrase (`the new □□ said`).
    """

    code = "RT102"
    name = "masked-symbols"

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        for m in doc.non_ascii_matches(_SYMBOLS):
            start, end = m.span()
            if _line_start(view, start):
                continue  # a checkbox or a bullet
            left = _prev_word(view, start)
            right = _next_word(view, end)
            if not left and not right:
                continue
            if not right and left and not left.glued:
                continue  # "... said. ■" marks the end of an article
            if view[start] == "×" and ((left and left.text[-1:].isdigit())
                                      or (right and right.text[:1].isdigit())):
                continue
            fixes = self.candidates(view, start, end, left, right)
            yield self.finding(start, end, f"masked word {m.group()!r}: characters censored "
                               f"or lost at the source{_hint(fixes)}", fixes)
