"""Calque lexicons: a small pattern language, word inflection, loading and fast matching.

A lexicon is a TOML file of ``[[entry]]`` tables (the format is documented at the top of
``repairtool/data/calques_en.toml``). The RT6 rules hold no phrases; they ask
:func:`find_matches` for the entries that match a document.

Pattern syntax (case is always ignored; words are separated by spaces, and in the text by
any run of spaces, line breaks, hyphens or double quotes):

- ``word``          the word as written (``opening-up`` also matches ``opening up``);
- ``word~``         any inflection: ``add~`` = add, adds, added, adding; ``wolf~`` = wolves;
- ``word[s|es]``    the word with one of these endings, or none;
- ``a|an|the``      one of several words (each may carry ``~`` or ``[...]``);
- ``(the)``         an optional word (``(a|the)``: optionally one of them);
- ``word,``         a comma may follow the word in the text (``one arrow, two eagles``);
- ``*`` / ``(*)``   any one word / at most one word;
- ``!word``         zero-width: the next word is not ``word`` (at the start: the word before);
- ``{word}``        zero-width: the next word must be ``word`` (at the start: the word before);
                    it is context, not part of the finding or its replacement;
- ``+word``         with free articles (below) on: no article may stand before this word;
                    ``+the``: exactly this article.

``!word`` and ``{word}`` may stand only first or last, and may hold alternatives.

Articles are matched as written: ``harvest~ (the) leek~`` for ``harvest the leeks``. With
:data:`ARTICLES_BETWEEN` on (off: it measured worse), one article may stand between any two
words and one written between two words may be left out or be another one; ``+word`` then
turns this off before one word and ``+a`` keeps an article as written.

Speed: the text is scanned once for *anchors* (per entry, the forms of one rare required
word, or of two adjacent required words when all are common) — by a set lookup per word in
small texts, by an Aho-Corasick automaton (``ahocorasick_rs``) in large ones, whose keys and
text are padded so that it finds whole words only; an entry's own pattern is compiled on
first use and run only in a window around its anchor's hits that holds its other required
words.
Parsed lexicons are cached in memory by path, modification time and size; the shipped
files are read through a prebuilt index (``calques.index.gz``) that gives each entry's
anchors without parsing it.
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import regex

from repairtool.config import ConfigError
from repairtool.document import fold

#: The domains an entry may belong to.
DOMAINS = frozenset({"politics", "diplomacy", "economy", "society", "technology", "idiom"})
#: The kinds of entry; each is reported by its own rule.
KINDS = frozenset({"calque", "garbled"})
#: The shipped lexicon, inside the package.
SHIPPED = "calques_en.toml"

_FIELDS = {"pattern", "kind", "domain", "zh", "suggest", "note", "example", "anchor",
           "silent", "source", "antipattern"}
#: What an entry's ``source`` may say: where it was found.
_SOURCE = re.compile(r"project|mqm:[^:\s]+:[^:\s]+:[^:\s]+|cedict:\S.*|wild:\w+"
                     r"|web:https?://\S+|pages corpus: [\w.-]+")
#: Text between two words of a pattern (``_COMMA_SEP`` after a word written ``word,``).
SEP = r"[\s\-\u2010\u2011\"\u201c\u201d]+"
_COMMA_SEP = r"(?:[ \t]*,)?[\s\-\u2010\u2011\"\u201c\u201d]+"
_WORD_CHARS = r"[\w'\u2019]"
#: Word edges: not inside a word, nor inside a hyphenated compound (``brocade-like``).
_START = r"(?<![\w'\u2019]|\w-)"
_END = r"(?![\w'\u2019]|-\w)"
#: How far around an anchor hit an entry's pattern is searched at most.
WINDOW = 240
#: Characters allowed for the text between two words when computing an entry's reach.
_SEP_ROOM = 6
#: Characters allowed for an article between two words when computing an entry's reach.
_ARTICLE_ROOM = 3 + _SEP_ROOM
#: Characters allowed for a ``*`` word when computing an entry's reach.
_ANY_ROOM = 30

#: Words too common in English (news) text to be good anchors for the pre-filter.
_COMMON_WORDS = """
a about after again against all also an and any are as at away back bad be because been
before being between big black both but by call can case close come could country cut day
did do does down each early east end even every eye face fact fall far feel few find first
five follow for four free friend from front full get give go going good great group half hand
have he head hear heart help her here high him his hold home house how i if in into is it its
just keep kind know land last late lead leave left less let life light like line little live
long look lose lost low main make man many may me mean might more most move much must my name
near need net never new next night no not now number of off old on once one only open or
order other our out over own part party pay people place plan play point power put rather
read real red right river road rule run said same say second see seem set she short should
show side since small so some start state stay still stop such take talk tell ten than that
the their them then there these they thing think this those three through time to today too
top total toward tree true try turn two under until up upon us use very view want war was
watch water way we well were what when where which while white who why will with without word
work world would year yes yet you young your
china chinese government country city state public social society international national
central economic economy business market company data information technology network internet
media program project management construction development relationship relations community
member members spirit force study search price stock share shares property goods capital
thought death died battle fight fighting spread become became basic original golden green
yellow morning distance holiday friends brother leading rural village mountain sides stars
paper quite bottom flow short steel heart break broke broken decision prevention masses
cannot
"""
_COMMON = frozenset(_COMMON_WORDS.split())

#: Irregular forms: lemma -> (third person / plural, past, past participle, -ing), "" = regular.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "beat": ("", "beat", "beaten", ""), "become": ("", "became", "become", ""),
    "begin": ("", "began", "begun", "beginning"), "bite": ("", "bit", "bitten", ""),
    "blow": ("", "blew", "blown", ""), "break": ("", "broke", "broken", ""),
    "bring": ("", "brought", "brought", ""), "build": ("", "built", "built", ""),
    "buy": ("", "bought", "bought", ""), "catch": ("", "caught", "caught", ""),
    "choose": ("", "chose", "chosen", ""), "cut": ("", "cut", "cut", "cutting"),
    "dig": ("", "dug", "dug", "digging"), "draw": ("", "drew", "drawn", ""),
    "drink": ("", "drank", "drunk", ""), "drive": ("", "drove", "driven", ""),
    "eat": ("", "ate", "eaten", ""), "fall": ("", "fell", "fallen", ""),
    "feel": ("", "felt", "felt", ""), "fight": ("", "fought", "fought", ""),
    "find": ("", "found", "found", ""), "fly": ("flies", "flew", "flown", ""),
    "forget": ("", "forgot", "forgotten", "forgetting"), "get": ("", "got", "got", "getting"),
    "give": ("", "gave", "given", ""), "go": ("goes", "went", "gone", ""),
    "grind": ("", "ground", "ground", ""), "grow": ("", "grew", "grown", ""),
    "hang": ("", "hung", "hung", ""), "hide": ("", "hid", "hidden", ""),
    "hit": ("", "hit", "hit", "hitting"), "hold": ("", "held", "held", ""),
    "keep": ("", "kept", "kept", ""), "know": ("", "knew", "known", ""),
    "lay": ("", "laid", "laid", ""), "lead": ("", "led", "led", ""),
    "leave": ("", "left", "left", ""), "overdo": ("overdoes", "overdid", "overdone", ""),
    "cling": ("", "clung", "clung", ""), "understand": ("", "understood", "understood", ""),
    "lose": ("", "lost", "lost", ""), "make": ("", "made", "made", ""),
    "meet": ("", "met", "met", ""), "pay": ("", "paid", "paid", ""),
    "put": ("", "put", "put", "putting"), "ride": ("", "rode", "ridden", ""),
    "rise": ("", "rose", "risen", ""), "run": ("", "ran", "run", "running"),
    "say": ("", "said", "said", ""), "see": ("", "saw", "seen", ""),
    "seek": ("", "sought", "sought", ""), "sell": ("", "sold", "sold", ""),
    "send": ("", "sent", "sent", ""), "set": ("", "set", "set", "setting"),
    "shoot": ("", "shot", "shot", ""), "sit": ("", "sat", "sat", "sitting"),
    "sleep": ("", "slept", "slept", ""), "speak": ("", "spoke", "spoken", ""),
    "spend": ("", "spent", "spent", ""), "stand": ("", "stood", "stood", ""),
    "steal": ("", "stole", "stolen", ""), "strike": ("", "struck", "struck", ""),
    "sweep": ("", "swept", "swept", ""), "swim": ("", "swam", "swum", "swimming"),
    "take": ("", "took", "taken", ""), "teach": ("", "taught", "taught", ""),
    "tear": ("", "tore", "torn", ""), "tell": ("", "told", "told", ""),
    "think": ("", "thought", "thought", ""), "throw": ("", "threw", "thrown", ""),
    "wear": ("", "wore", "worn", ""), "win": ("", "won", "won", "winning"),
    "write": ("", "wrote", "written", ""), "sink": ("", "sank", "sunk", ""),
    "shake": ("", "shook", "shaken", ""), "sing": ("", "sang", "sung", ""),
    "ring": ("", "rang", "rung", ""), "bear": ("", "bore", "borne", ""),
    "lend": ("", "lent", "lent", ""), "freeze": ("", "froze", "frozen", ""),
    "stick": ("", "stuck", "stuck", ""), "be": ("is", "was", "been", ""),
    "have": ("has", "had", "had", ""), "do": ("does", "did", "done", ""),
    "foot": ("feet", "", "", ""), "tooth": ("teeth", "", "", ""),
    "mouse": ("mice", "", "", ""), "man": ("men", "", "", ""),
    "woman": ("women", "", "", ""), "child": ("children", "", "", ""),
    "leaf": ("leaves", "", "", ""), "wolf": ("wolves", "", "", ""),
    "knife": ("knives", "", "", ""), "life": ("lives", "", "", ""),
    "thief": ("thieves", "", "", ""), "sheep": ("sheep", "", "", ""),
    "fish": ("fish", "", "", ""), "ox": ("oxen", "", "", ""), "goose": ("geese", "", "", ""),
    "calf": ("calves", "", "", ""), "half": ("halves", "", "", ""),
    "shelf": ("shelves", "", "", ""), "self": ("selves", "", "", ""),
    "person": ("people", "", "", ""),
}

#: Form names, in the order a matched word is compared with them.
FORMS = ("base", "s", "ed", "en", "ing")
_VOWELS = set("aeiou")


def _doubles(word: str) -> bool:
    """Whether a final consonant is doubled before -ed/-ing (stop, plan; not visit, fix)."""
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS:
        return False
    if word[-2] not in _VOWELS or word[-3] in _VOWELS:
        return False
    groups = 0
    prev = False
    for ch in word:
        vowel = ch in "aeiouy"
        groups += vowel and not prev
        prev = vowel
    return groups == 1


@cache
def inflect(lemma: str, form: str) -> str:
    """``lemma`` in ``form`` (one of :data:`FORMS`); regular rules unless listed irregular."""
    low = lemma.lower()
    if form == "base":
        return lemma
    irregular = _IRREGULAR.get(low)
    if irregular:
        got = irregular[FORMS.index(form) - 1]
        if got:
            return got
    if form == "s":
        if low.endswith(("s", "x", "z", "ch", "sh", "o")):
            return lemma + "es"
        if len(low) > 1 and low[-1] == "y" and low[-2] not in _VOWELS:
            return lemma[:-1] + "ies"
        return lemma + "s"
    if form in ("ed", "en"):
        if low.endswith("e"):
            return lemma + "d"
        if len(low) > 1 and low[-1] == "y" and low[-2] not in _VOWELS:
            return lemma[:-1] + "ied"
        return lemma + lemma[-1] + "ed" if _doubles(low) else lemma + "ed"
    # -ing
    if low.endswith("ie"):
        return lemma[:-2] + "ying"
    if low.endswith("e") and not low.endswith(("ee", "ye", "oe")) and len(low) > 2:
        return lemma[:-1] + "ing"
    return lemma + lemma[-1] + "ing" if _doubles(low) else lemma + "ing"


@cache
def all_forms(lemma: str) -> tuple[str, ...]:
    """Every form of ``lemma`` this module knows, plus lenient spellings (undoubled, -s)."""
    forms = {inflect(lemma, f) for f in FORMS}
    low = lemma.lower()
    forms.update({lemma + "s", lemma + "ed", lemma + "ing"} if _doubles(low) else set())
    if low.endswith("o"):
        forms.add(lemma + "s")
    return tuple(sorted(forms, key=lambda w: (-len(w), w)))


def form_of(lemma: str, word: str) -> str:
    """Which form of ``lemma`` ``word`` is (``base`` when none fits)."""
    w = word.lower()
    for form in FORMS:
        if inflect(lemma.lower(), form) == w:
            return form
    return "base"


# --- patterns -------------------------------------------------------------------------------


class PatternError(ValueError):
    """A pattern that does not follow the syntax."""


@dataclass
class Token:
    """One position of a pattern: alternatives, each a word and its mark (``~``, ``[..]``)."""

    kind: str  # "word", "any", "not" (negative context) or "ctx" (required context)
    alternatives: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    #: The lemma of the first ``~`` alternative (what a suggestion's ``~`` follows).
    lemma: str | None = None
    #: Written ``word,``: a comma may follow it in the text.
    comma: bool = False
    #: Written ``+word``: no article may stand before it.
    strict: bool = False
    _forms: tuple[str, ...] | None = None

    def forms(self) -> tuple[str, ...]:
        """Every surface form this token matches, longest first (computed once)."""
        if self._forms is None:
            out: set[str] = set()
            for word, mark in self.alternatives:
                if mark == "~":
                    out.update(all_forms(word))
                elif mark:
                    out.update({word, *(word + e for e in mark[1:-1].split("|"))})
                else:
                    out.add(word)
            self._forms = tuple(sorted(out, key=lambda w: (-len(w), w)))
        return self._forms

    def is_common(self) -> bool:
        return any(anchor_key(w) in _COMMON or len(anchor_key(w)) < 4
                   for w, _ in self.alternatives)

    def shortest(self) -> int:
        return min(len(w) for w, _ in self.alternatives)


_ATOM = re.compile(r"^([A-Za-z0-9'\u2019.\-]+)(~|\[[A-Za-z|]*\])?$")


#: The words that may stand, or be left out, between two words of a pattern.
ARTICLES = ("the", "an", "a")
_ARTICLE_SET = frozenset(ARTICLES)
#: Whether an article may stand between any two pattern words (unless the second is
#: ``+word``). Off: measured on 1,949 entries it added 5 findings on the MQM zh-en MT (1 in
#: a rater span), 1 on the clean corpora, and matched 12 entries' silent look-alikes
#: ("Brush the video camera lens" for ``brush~ video~``), while no example needed it —
#: the article is often what tells a calque from plain English. Write ``(a|the)`` where one
#: may stand. ``benchmarks/lexicon_hits.py --articles`` measures it again.
ARTICLES_BETWEEN = False


def _is_article(token: Token) -> bool:
    return token.kind == "word" and not token.comma and all(
        w.lower() in _ARTICLE_SET and not mark for w, mark in token.alternatives)


def parse_pattern(pattern: str, articles: bool | None = None) -> list[Token]:
    """Split ``pattern`` into tokens; raise :class:`PatternError` when it is malformed.

    With ``articles``, an article token between two words is dropped: the gap between any
    two words already allows one (unless the next word is written ``+word``). ``None``:
    :data:`ARTICLES_BETWEEN`."""
    articles = ARTICLES_BETWEEN if articles is None else articles
    tokens: list[Token] = []
    for raw in pattern.split():
        tokens.append(_parse_token(raw))
    if articles:
        tokens = _drop_inner_articles(tokens)
    elif any(t.strict for t in tokens):
        tokens = [Token(t.kind, t.alternatives, t.optional, t.lemma, t.comma)
                  for t in tokens]
    words = [t for t in tokens if t.kind == "word" and not t.optional]
    if not words:
        raise PatternError("a pattern needs at least one required word")
    if tokens[0].kind == "any" or tokens[-1].kind == "any":
        raise PatternError("a pattern cannot start or end with *")
    if any(t.kind in ("not", "ctx") for t in tokens[1:-1]):
        raise PatternError("!word and {word} are allowed only first or last")
    return tokens


def _drop_inner_articles(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the article tokens that stand between two word tokens."""
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        # Only where the gap before the next word allows an article: after a required
        # word (``(like) (an|a) ant~`` keeps its article, as the first word is optional).
        inner = 0 < i < len(tokens) - 1 and tokens[i + 1].kind in ("word", "any") \
            and any(t.kind in ("word", "any") and not t.optional for t in tokens[:i])
        if inner and _is_article(tok) and not tok.strict:
            if tokens[i + 1].strict:
                raise PatternError(f"+{tokens[i + 1].alternatives[0][0]} cannot follow an "
                                   f"article")
            continue
        out.append(tok)
    return out


def _parse_token(raw: str) -> Token:
    strict = raw.startswith("+") and len(raw) > 1
    raw = raw[1:] if strict else raw
    comma = raw.endswith(",") and len(raw) > 1
    raw = raw[:-1] if comma else raw
    optional = raw.startswith("(") and raw.endswith(")")
    context = raw.startswith("{") and raw.endswith("}")
    body = raw[1:-1] if optional or context else raw
    if any(c in body for c in "(){}"):
        raise PatternError(f"unbalanced brackets in {raw!r}")
    if body == "*":
        if strict:
            raise PatternError(f"{raw!r}: + goes before a word, not *")
        return Token("any", optional=optional, comma=comma)
    negated = body.startswith("!")
    if negated:
        if optional or context or strict:
            raise PatternError(f"{raw!r}: a !word cannot be optional, context or +word")
        body = body[1:]
    alts: list[tuple[str, str]] = []
    lemma = None
    for alt in re.split(r"\|(?![^\[]*\])", body):
        m = _ATOM.match(alt)
        if not m:
            raise PatternError(f"bad word {alt!r} in {raw!r}")
        word, mark = m.group(1), m.group(2) or ""
        if not any(c.isalnum() for c in word):
            # Nothing to anchor on (the pre-filter's key would be empty).
            raise PatternError(f"word {alt!r} in {raw!r} needs a letter or digit")
        alts.append((word, mark))
        if mark == "~":
            lemma = lemma or word
    kind = "not" if negated else "ctx" if context else "word"
    if strict and kind != "word":
        raise PatternError(f"{raw!r}: + goes before a word, not a context")
    return Token(kind, tuple(alts), optional, lemma if kind == "word" else None, comma,
                 strict)


def _word_regex(form: str) -> str:
    out = []
    for part in re.split(r"(['\u2019\-])", form):
        if part in ("'", "\u2019"):
            out.append("['\u2019]")
        elif part == "-":
            out.append(SEP)
        else:
            out.append(regex.escape(part))
    return "".join(out)


def _alternation(token: Token) -> str:
    return "(?:" + "|".join(_word_regex(f) for f in token.forms()) + ")"


_ARTICLE_GAP = "(?:(?:" + "|".join(ARTICLES) + ")" + SEP + ")?"


def compile_pattern(tokens: Sequence[Token], articles: bool | None = None
                    ) -> regex.Pattern[str]:
    """The regex of a parsed pattern (case-insensitive, whole words); with ``articles``
    (``None``: :data:`ARTICLES_BETWEEN`), an article may stand before each word but the
    first (not before a ``+word``)."""
    articles = ARTICLES_BETWEEN if articles is None else articles
    parts: list[str] = [_START]
    need_sep = False
    sep = SEP
    for i, tok in enumerate(tokens):
        if tok.kind in ("not", "ctx"):
            alt = _alternation(tok)
            look = "(?<!" if tok.kind == "not" else "(?<="
            if i == 0:
                parts.append(rf"{look}{_START}{alt}{_COMMA_SEP if tok.comma else SEP})")
            else:
                look = "(?!" if tok.kind == "not" else "(?="
                parts.append(rf"{look}{sep}{alt}{_END})")
            continue
        body = rf"{_WORD_CHARS}+" if tok.kind == "any" else _alternation(tok)
        if tok.lemma is not None:
            body = f"(?P<t{i}>{body})"
        if articles and need_sep and tok.kind == "word" and not tok.strict \
                and not (i and _is_article(tokens[i - 1])):
            body = _ARTICLE_GAP + body
        after = _COMMA_SEP if tok.comma else SEP
        if tok.optional:
            parts.append(f"(?:{sep}{body})?" if need_sep else f"(?:{body}{after})?")
            if need_sep and tok.comma:
                sep = _COMMA_SEP
            continue
        parts.append(f"{sep}{body}" if need_sep else body)
        need_sep = True
        sep = after
    parts.append(_END)
    return regex.compile("".join(parts), regex.IGNORECASE | regex.V0)


# --- entries and lexicons -------------------------------------------------------------------


@dataclass
class Entry:
    """One lexicon entry; its regex is compiled on first use."""

    pattern: str
    kind: str
    domain: str
    suggest: tuple[str, ...]
    example: str
    note: str = ""
    zh: str = ""
    #: The lexicon file and the line of the entry's ``[[entry]]``.
    file: str = ""
    line: int = 0
    tokens: list[Token] = field(default_factory=list, repr=False)
    #: Lower-case words (``brocade``) or two-word phrases (``party construction``) one of
    #: which must occur in the text for the entry to be tried there.
    anchors: frozenset[str] = field(default=frozenset(), repr=False)
    #: How far a match can reach before and after the start of an anchor hit.
    reach: tuple[int, int] = (WINDOW, WINDOW)
    #: The indices of the tokens the anchor keys stand for.
    anchored: tuple[int, ...] = ()
    #: Correct English with the same words, which the entry must not match.
    silent: tuple[str, ...] = ()
    #: Where the entry comes from (``project``, ``mqm:...``, ``cedict:...``, ``wild:...``,
    #: ``web:...``, ``pages corpus: SITE``: real MT web text read from the search tool's
    #: pages corpus, on a site outside the wild set).
    source: str = ""
    #: Patterns of look-alikes: a match that overlaps a match of one of them is dropped.
    antipatterns: tuple[str, ...] = ()
    _regex: regex.Pattern[str] | None = field(default=None, repr=False)
    _anti: tuple[Any, ...] | None = field(default=None, repr=False)

    @property
    def regex(self) -> regex.Pattern[str]:
        if self._regex is None:
            self._regex = compile_pattern(self.tokens)
        return self._regex

    @property
    def anti_regexes(self) -> tuple[Any, ...]:
        """The compiled antipatterns (checked at load time, so they parse)."""
        if self._anti is None:
            self._anti = tuple(compile_pattern(parse_pattern(p)) for p in self.antipatterns)
        return self._anti

    def excluded(self, text: str, start: int, end: int) -> bool:
        """Whether a match at ``text[start:end]`` overlaps a match of an antipattern."""
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        return any(m.start() < end and start < m.end()
                   for anti in self.anti_regexes
                   for m in anti.finditer(text, lo, hi, overlapped=True))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @cached_property
    def required(self) -> tuple[tuple[bytes, ...], ...]:
        """For each word the pattern cannot do without, bar those its anchor stands for
        (a window holds an anchor hit, so their pieces are there), the pieces (the longest
        run of lower-case letters and digits of each form) one of which a match must
        contain; longest word first. The entry's regex is compiled and run only where each
        of them has one: most anchor hits go no further."""
        need = [tok for n, tok in enumerate(self.tokens)
                if tok.kind == "word" and not tok.optional and n not in self.anchored]
        pieces = [tuple({max(re.split(r"[^0-9a-z]+", f.lower()), key=len).encode("ascii")
                         for f in tok.forms()}) for tok in need]
        # Longer words are rarer, roughly (the word list is not loaded for this).
        return tuple(sorted(pieces, key=lambda p: -min(map(len, p))))


@dataclass(frozen=True)
class Match:
    """An entry matched at ``text[start:end]``, and the forms its ``word~`` tokens took."""

    entry: Entry
    start: int
    end: int
    forms: tuple[str, ...]


class Lexicon:
    """Entries and the anchor keys that find where they may match.

    Built from parsed entries, or (:func:`indexed`) from a prebuilt :class:`Index`: then
    start-up reads the index as a few big strings, and an entry is parsed only when one of
    its anchors is first found in a text.
    """

    def __init__(self, entries: Sequence[Entry] = (), index: Index | None = None) -> None:
        self._index = index
        self._items: list[Entry | None] = list(entries) if index is None else \
            [None] * index.count
        #: Anchor key -> the indices of the entries it anchors (a list, or, from an index,
        #: the same as text: ``"3,17"``).
        self.by_anchor: dict[str, Any]
        if index is None:
            self.by_anchor = {}
            add = self.by_anchor.setdefault
            for i, e in enumerate(entries):
                for key in e.anchors:
                    add(key, []).append(i)
            #: First words of the two-word anchors.
            self.pair_starts = frozenset(k.split(" ")[0] for k in self.by_anchor if " " in k)
            #: Two-word keys that anchor a compound (``Asia-Europe``), which MT often
            #: writes with a spaced hyphen (``Asia - Europe``).
            self.wide = _wide_keys(entries)
        else:
            self.by_anchor, self.pair_starts = index.keys, index.pair_starts
            self.wide = index.wide
        self._anchor_re: regex.Pattern[str] | None = None
        self._automaton: Any = None
        self._reaches: dict[str, list[tuple[int, int, int]]] = {}
        self.texts_seen = 0

    def __len__(self) -> int:
        return len(self._items)

    def ids(self, key: str) -> Sequence[int]:
        """The indices of the entries anchored by ``key``."""
        got = self.by_anchor.get(key, ())
        if isinstance(got, str):  # from the index: parsed once
            got = self.by_anchor[key] = [int(i) for i in got.split(",")]
        return got

    def reaches(self, key: str) -> list[tuple[int, int, int]]:
        """``(index, before, after)`` of each entry anchored by ``key``, with its reach
        (computed once a key)."""
        got = self._reaches.get(key)
        if got is None:
            got = self._reaches[key] = [(i, *self.reach(i)) for i in self.ids(key)]
        return got

    def reach(self, i: int) -> tuple[int, int]:
        e = self._items[i]
        if e is not None:
            return e.reach
        if self._index is None:
            return self.entry(i).reach
        return self._index.reach(i)

    def entry(self, i: int) -> Entry:
        """Entry ``i``, parsed now if it is only in the index."""
        got = self._items[i]
        if got is None:
            assert self._index is not None
            got = self._items[i] = self._index.entry(i)
        return got

    @property
    def entries(self) -> list[Entry]:
        """Every entry (all parsed)."""
        return [self.entry(i) for i in range(len(self._items))]

    @cached_property
    def by_zh(self) -> dict[str, list[int]]:
        """Chinese source expression -> the entries that render it (``zh`` fields such as
        ``票贩子 / 黄牛`` give one key per alternative; spaces and punctuation left out)."""
        out: dict[str, list[int]] = {}
        for i in range(len(self._items)):
            e = self._items[i]
            # An entry still only in the index is not parsed for this.
            if e is not None:
                zh = e.zh
            else:
                assert self._index is not None  # only indexed entries wait to be parsed
                zh = self._index.zh(i)
            for key in zh_keys(zh):
                out.setdefault(key, []).append(i)
        return out

    @property
    def automaton_built(self) -> bool:
        return bool(self._automaton)

    def automaton(self, size: int = 0) -> Any:
        """An Aho-Corasick automaton of the (lower-case) anchors, or ``None`` when
        ``ahocorasick_rs`` is not installed (then the slower :attr:`anchor_re` is used).
        ``size``: the length of the text it is first built for."""
        if self._automaton is None:
            try:
                import ahocorasick_rs as ac
            except ImportError:
                self._automaton = False
                return None
            variants: dict[str, str] = {}
            for k in self.by_anchor:
                variants[k] = k
                if k in self.wide:  # MT often spaces a hyphen out: "Asia - Europe"
                    variants[k.replace(" ", "   ", 1)] = k
                if " " in k and ARTICLES_BETWEEN:  # an article may stand between them
                    for art in ARTICLES:
                        variants[k.replace(" ", f" {art} ")] = k
            words = sorted(variants)
            # A DFA scans fastest (twice as fast) but is slow to build for tens of
            # thousands of keys (57,000 variants of 1,949 entries: ~500 ms against
            # ~150 ms): beyond DFA_KEYS it is built only for a text of DFA_TEXT or more.
            impl = ac.Implementation.DFA if len(words) <= DFA_KEYS or size >= DFA_TEXT \
                else ac.Implementation.ContiguousNFA
            # Pattern words are ASCII (see _ATOM): the text is searched as bytes, as
            # :func:`_word_bytes` gives it, each key with a space either side, so that only
            # whole words are found (a hit inside a word, "self" in "itself", would cost a
            # look in Python each) and a space in a key also stands for a hyphen.
            self._automaton = (ac.BytesAhoCorasick([f" {w} ".encode("ascii") for w in words],
                                                   implementation=impl),
                               [variants[w] for w in words],
                               [_gap(w) for w in words])
        return self._automaton or None

    @property
    def anchor_re(self) -> regex.Pattern[str]:
        """All anchors in one regex (the fallback when ``ahocorasick_rs`` is missing)."""
        if self._anchor_re is None:
            self._anchor_re = regex.compile(
                r"\b(?:" + _trie_regex(self.by_anchor) + r")\b", regex.IGNORECASE)
        return self._anchor_re


_ZH_SPLIT = re.compile(r"\s*[/／;；]\s*")
_ZH_DROP = re.compile(r"[\s，,、。．.：:！!？?“”\"'‘’（）()《》·…-]+")


def zh_keys(zh: str) -> list[str]:
    """The Chinese expressions of a ``zh`` field, without spaces or punctuation."""
    return [k for part in _ZH_SPLIT.split(zh) if (k := _ZH_DROP.sub("", part))]


def anchor_key(form: str) -> str:
    """What the pre-filter looks for to find ``form``: one word, or two words for a form
    of two words joined by a hyphen or apostrophe (``self-media`` -> ``self media``,
    ``Hong'an`` -> ``hong an``: either alone is common), and of longer compounds the two
    adjacent words whose more common one is rarest (``state-to-state`` -> ``state to``,
    ``over-the-wall`` -> ``the wall``); else the longest part between hyphens,
    apostrophes and dots (``tiger's`` -> ``tiger``)."""
    low = form.lower()
    parts = re.split(r"[-'\u2019]", low)
    # Not a possessive or contraction (``tiger's``, ``don't``): its word alone is the key.
    if len(parts) >= 2 and all(p.isalnum() for p in parts) and not (
            len(parts[-1]) == 1 and re.search(r"['\u2019]", low)):
        if len(parts) == 2:
            return " ".join(parts)
        return " ".join(max(itertools.pairwise(parts), key=_pair_rarity))
    return max(re.split(r"[-'\u2019.]", low), key=len)


def _pair_rarity(pair: Iterable[str]) -> tuple[int, int]:
    """The frequency ranks of the more common and the rarer word of ``pair`` (unlisted:
    rarest)."""
    from repairtool import words

    ranks = sorted(10**9 if (r := words.rank(w)) is None else r for w in pair)
    return ranks[0], ranks[1]


def _trie_regex(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` shaped as a prefix trie (fast to fail)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        gap = _PAIR_GAP if ARTICLES_BETWEEN else _GAP.pattern
        branches = [(gap if ch == " " else regex.escape(ch)) + build(sub)
                    for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


def _fast_parse(text: str) -> tuple[dict, list[int]] | None:
    """Parse the simple TOML subset lexicons are written in (one ``key = value`` per line,
    values JSON-compatible strings, string arrays or integers); ``None`` if anything else.

    ``tomllib`` is pure Python and takes ~70 ms on the shipped lexicon; this takes ~5 ms.
    """
    data: dict = {}
    entries: list[dict] = []
    lines: list[int] = []
    current = data
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "[[entry]]":
            current = {}
            entries.append(current)
            lines.append(n)
            continue
        key, eq, value = stripped.partition("=")
        key = key.strip()
        if not eq or not key.isidentifier() or key in current:
            return None
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] == '"' and "\\" not in value \
                and '"' not in value[1:-1]:
            current[key] = value[1:-1]
            continue
        try:
            current[key] = json.loads(value)
        except ValueError:
            return None
    if entries:
        if "entry" in data:
            return None
        data["entry"] = entries
    return data, lines


def _entry_lines(text: str) -> list[int]:
    """1-based line of each ``[[entry]]`` header, in order."""
    return [i + 1 for i, line in enumerate(text.splitlines())
            if line.strip().replace(" ", "") == "[[entry]]"]


def parse_lexicon(text: str, source: str, strict: bool = False) -> list[Entry]:
    """The entries of one lexicon file; every problem is a one-line :class:`ConfigError`.

    ``strict`` (the shipped files): every entry also needs ``silent`` and ``source``; a
    user's lexicon may leave them out."""
    fast = _fast_parse(text)
    if fast is not None:
        data, lines = fast
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise ConfigError(f"{source}:{line.group(1) if line else 1}: invalid TOML: {exc}"
                              ) from None
        lines = _entry_lines(text)
    unknown = set(data) - {"entry", "format"}
    if unknown:
        raise ConfigError(f"{source}:1: unknown top-level key {sorted(unknown)[0]!r} "
                          f"(entries are [[entry]] tables)")
    raw = data.get("entry", [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise ConfigError(f"{source}:1: 'entry' must be an array of tables ([[entry]])")
    return [_entry(item, source, lines[i] if i < len(lines) else 1, i + 1, strict)
            for i, item in enumerate(raw)]


def _strings(item: dict, key: str, fail: Callable[[str], ConfigError]) -> tuple[str, ...]:
    """``item[key]``: a list of non-empty strings (a lone string is a list of one)."""
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
        raise fail(f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _entry(item: dict, file: str, line: int, n: int, strict: bool = False,
           anchored: tuple[int, int] | None = None) -> Entry:
    """The entry of one ``[[entry]]`` table. ``anchored``: the index and number of the
    tokens its anchor stands for, as the index recorded them (then the anchor is not chosen
    again: that needs the English word list, which a scan may not otherwise load)."""
    def fail(msg: str) -> ConfigError:
        label = f" ({item['pattern']!r})" if isinstance(item.get("pattern"), str) else ""
        return ConfigError(f"{file}:{line}: entry {n}{label}: {msg}")

    unknown = set(item) - _FIELDS
    if unknown:
        raise fail(f"unknown field {sorted(unknown)[0]!r}")
    for key in ("pattern", "domain", "example"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise fail(f"missing or empty {key!r}")
    for key in ("kind", "zh", "note", "anchor", "source"):
        if key in item and not isinstance(item[key], str):
            raise fail(f"{key!r} must be a string")
    silent, antipatterns = _strings(item, "silent", fail), _strings(item, "antipattern", fail)
    origin = item.get("source", "")
    if strict and not silent:
        raise fail("missing 'silent' (correct English sentences the entry must not match)")
    if strict and not origin:
        raise fail("missing 'source' (project, mqm:..., cedict:..., wild:..., web:... or "
                   "pages corpus: ...)")
    if origin and not _SOURCE.fullmatch(origin):
        raise fail(f"'source' must be project, mqm:<corpus>:<doc>:<seg>, cedict:<headword>, "
                   f"wild:<id>, web:<url> or 'pages corpus: <site>', not {origin!r}")
    for anti in antipatterns:
        try:
            parse_pattern(anti)
        except PatternError as exc:
            raise fail(f"bad antipattern {anti!r}: {exc}") from None
    suggest = item.get("suggest")
    if isinstance(suggest, str):
        suggest = [suggest]
    if not (isinstance(suggest, list) and suggest
            and all(isinstance(s, str) and s.strip() for s in suggest)):
        raise fail("'suggest' must be a non-empty list of strings")
    kind = item.get("kind", "calque")
    if kind not in KINDS:
        raise fail(f"kind must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    if item["domain"] not in DOMAINS:
        raise fail(f"domain must be one of {', '.join(sorted(DOMAINS))}, "
                   f"not {item['domain']!r}")
    try:
        tokens = parse_pattern(item["pattern"])
    except PatternError as exc:
        raise fail(f"bad pattern: {exc}") from None
    entry = Entry(item["pattern"], kind, item["domain"], tuple(suggest), item["example"],
                  item.get("note", ""), item.get("zh", ""), file, line, tokens,
                  silent=silent, source=origin, antipatterns=antipatterns)
    if anchored is None:
        entry.anchors, at, width = _choose_anchor(tokens, item.get("anchor"), fail)
    else:
        at, width = anchored
        entry.anchors = _single_keys(tokens[at]) if width == 1 else \
            _pair_keys(tokens[at], tokens[at + 1])
    entry.reach = _reach(tokens, at)
    entry.anchored = tuple(range(at, at + width))
    return entry


def _choose_anchor(tokens: list[Token], wanted: str | None, fail: Any
                   ) -> tuple[frozenset[str], int, int]:
    """The pre-filter keys of a pattern, the index of their (first) token and how many
    tokens they stand for (1, or 2 for a pair).

    Two adjacent required words (``party construction``) are preferred, since a pair is far
    rarer than either word; else the rarest single required word. ``wanted`` (the entry's
    ``anchor``) names one word or two adjacent words.
    """
    required = [t for t in tokens if t.kind == "word" and not t.optional]
    pairs = [(i, a, b) for i, (a, b) in enumerate(itertools.pairwise(tokens))
             if _is_in(a, required) and _is_in(b, required) and _plain(a) and _plain(b)
             and not a.comma]
    if wanted:
        words = wanted.lower().split()
        for i, a, b in pairs:
            if len(words) == 2 and words[0] in _lower(a) and words[1] in _lower(b):
                return _pair_keys(a, b), i, 2
        for t in required:
            if len(words) == 1 and words[0] in _lower(t):
                return _single_keys(t), _index(tokens, t), 1
        raise fail(f"anchor {wanted!r} is not a required word (or two adjacent words) "
                   f"of the pattern")
    # A word rare enough on its own is the better anchor: it is found about as seldom as a
    # pair, and has a handful of forms where a pair has their product (16 keys for two
    # inflected words), which the start-up reads and the automaton holds.
    rarest = min(required, key=_frequency)
    if _frequency(rarest) < RARE_WORD and not rarest.is_common() and " " not in \
            anchor_key(rarest.forms()[-1]):
        return _single_keys(rarest), _index(tokens, rarest), 1
    # A compound (``anti-China``, ``state-to-state``) is anchored by two of its words: rarer
    # than a pair of the pattern's words.
    compounds = [t for t in required if all(" " in anchor_key(f) for f in t.forms())]
    if compounds:
        best = max(compounds, key=lambda t: min(_pair_rarity(tuple(anchor_key(f).split()))
                                                for f in t.forms()))
        return _single_keys(best), _index(tokens, best), 1
    rare_pairs = [p for p in pairs if not (p[1].is_common() and p[2].is_common())]
    if rare_pairs:
        i, a, b = max(rare_pairs, key=lambda p: (_rarity(p[1]) + _rarity(p[2]),
                                                 -min(_frequency(p[1]), _frequency(p[2])),
                                                 p[1].shortest() + p[2].shortest()))
        return _pair_keys(a, b), i, 2
    rare = [t for t in required if not t.is_common()]
    if rare or not pairs:
        # The rarest word in English web text: every hit of an anchor costs a look at the
        # text around it, and "flood" is found a hundred times as often as "brocade".
        best = max(rare or required, key=lambda t: (" " in anchor_key(t.forms()[-1]),
                                                    -_frequency(t), t.shortest()))
        return _single_keys(best), _index(tokens, best), 1
    # Only common words: the pair whose rarer word is rarest ("the sky", not "from the").
    i, a, b = min(pairs, key=lambda p: (min(_frequency(p[1]), _frequency(p[2])),
                                        -(p[1].shortest() + p[2].shortest())))
    return _pair_keys(a, b), i, 2


def _lower(token: Token) -> set[str]:
    return {f.lower() for f in token.forms()}


#: A token whose forms together are rarer than this in English web text (about rank 20,000
#: and beyond) anchors its entry alone.
RARE_WORD = 5e-5


def _frequency(token: Token) -> float:
    """How often the token's forms occur in English web text, roughly (Zipf: 1 / rank)."""
    from repairtool import words

    total = 0.0
    for form in token.forms():
        key = anchor_key(form)
        rank = words.rank(key) if key.isalpha() else None
        total += 1 / (rank + 1) if rank is not None else 1e-6
    return total


def _rarity(token: Token) -> int:
    return 0 if token.is_common() else 1


def _pair_keys(a: Token, b: Token) -> frozenset[str]:
    return frozenset(f"{x} {y}".lower() for x in a.forms() for y in b.forms())


def _index(tokens: list[Token], token: Token) -> int:
    return next(i for i, t in enumerate(tokens) if t is token)


def _is_in(token: Token, tokens: list[Token]) -> bool:
    return any(t is token for t in tokens)


def _reach(tokens: list[Token], at: int) -> tuple[int, int]:
    """How many characters a match (with its context) can span before the start of the
    anchor and from there on; ``WINDOW`` at most."""
    def size(t: Token) -> int:
        return _ANY_ROOM if t.kind == "any" else max(len(f) for f in t.forms())

    room = _SEP_ROOM + (_ARTICLE_ROOM if ARTICLES_BETWEEN else 0)
    before = sum(size(t) + room for t in tokens[:at]) + size(tokens[at])
    after = sum(size(t) + room for t in tokens[at:])
    return min(before + 4, WINDOW), min(after + 4, WINDOW)


def _single_keys(token: Token) -> frozenset[str]:
    return frozenset(anchor_key(f) for f in token.forms())


def _plain(token: Token) -> bool:
    return all(f.isalnum() for f in token.forms())


@cache
def _entries_cached(path: str, mtime_ns: int, size: int) -> tuple[Entry, ...]:
    """The parsed entries of one file, while it is unchanged. (Nothing is kept on disk: the
    shipped files have their prebuilt index, a user's lexicon is small.)"""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read lexicon: {exc}") from None
    try:
        return tuple(parse_lexicon(text, path))
    except RecursionError:  # the TOML/JSON readers recurse once per level of nesting
        raise ConfigError(f"{path}:1: invalid lexicon: nested too deeply") from None


@cache
def _lexicon_cached(files: tuple[tuple[str, int, int], ...]) -> Lexicon:
    return Lexicon([e for f in files for e in _entries_cached(*f)])


def _stat_key(path: Path | str) -> tuple[str, int, int]:
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise ConfigError(f"{p}:1: cannot read lexicon: {exc.strerror or exc}") from None
    return str(p), st.st_mtime_ns, st.st_size


def load(path: Path | str) -> Lexicon:
    """The compiled lexicon at ``path`` (cached while the file is unchanged)."""
    return _lexicon_cached((_stat_key(path),))


def shipped_path() -> Path:
    """The main lexicon shipped in the package (``repairtool/data/calques_en.toml``)."""
    return Path(__file__).parent / "data" / SHIPPED


def shipped_paths() -> list[Path]:
    """Every shipped lexicon file: ``calques_en.toml`` and ``calques/*.toml`` (one file a
    family), in a fixed order."""
    folder = Path(__file__).parent / "data" / "calques"
    return [shipped_path(), *sorted(folder.glob("*.toml"))]


def shipped() -> Lexicon:
    """The shipped lexicon files as one lexicon (one anchor pass over the text for all).

    From the prebuilt index (:data:`INDEX`) when it was built from exactly these files:
    start-up then reads anchor keys, not thousands of entries; else every file is parsed."""
    return indexed(shipped_paths(), index_path())


def indexed(paths: Sequence[Path], index: Path) -> Lexicon:
    """The lexicon files ``paths`` as one lexicon, by the index file ``index`` when it is
    fresh (cached while the files are unchanged)."""
    return _indexed_cached(tuple(_stat_key(p) for p in paths), str(index))


@cache
def _indexed_cached(files: tuple[tuple[str, int, int], ...], index: str) -> Lexicon:
    found = Index.read(Path(index), [Path(f[0]) for f in files])
    return Lexicon(index=found) if found is not None else _lexicon_cached(files)


# --- the prebuilt index of the shipped lexicon -----------------------------------------------
# Parsing and anchoring thousands of entries costs far more than the scan of a small file.
# The index (gzip text, built by ``python -m repairtool.lexicon``) holds each shipped entry's
# place in its file, reach and anchor keys, laid out so that loading is a few C-level string
# operations; it is used only while the files are byte for byte those it was built from (the
# test suite checks that it is fresh), else the files are parsed.

#: The index file, inside the package.
INDEX = "calques.index.gz"
#: Bump when the index format or the anchoring changes.
INDEX_VERSION = 6


def index_path() -> Path:
    return Path(__file__).parent / "data" / INDEX


def _fingerprint(data: bytes) -> str:
    import zlib

    return f"{len(data)}:{zlib.crc32(data):08x}"


def _blocks(data: bytes, lines: Sequence[int]) -> list[tuple[int, int]]:
    """Byte spans of the ``[[entry]]`` blocks starting at 1-based ``lines``."""
    starts = [0, *(m.end() for m in re.finditer(b"\n", data))]
    offsets = [starts[n - 1] for n in lines]
    return list(zip(offsets, [*offsets[1:], len(data)], strict=True))


def build_index(paths: Sequence[Path] | None = None) -> bytes:
    """The index of the lexicon files ``paths`` (default: the shipped ones), gzipped."""
    import gzip

    paths = list(paths or shipped_paths())
    head = [f"repairtool-lexicon-index {INDEX_VERSION}"]
    rows: list[str] = []
    keys: dict[str, list[str]] = {}
    wide: set[str] = set()
    for k, path in enumerate(paths):
        data, entries = _read_lexicon(path)
        wide |= _wide_keys(entries)
        head.append(f"#file\t{path.name}\t{_fingerprint(data)}")
        spans = _blocks(data, [e.line for e in entries])
        for n, (e, (start, end)) in enumerate(zip(entries, spans, strict=True), 1):
            for key in e.anchors:
                keys.setdefault(key, []).append(str(len(rows)))
            zh = " ".join(e.zh.split())  # no tab or line break in the row
            rows.append(f"{k}\t{e.line}\t{n}\t{start}\t{end}\t{e.reach[0]}\t{e.reach[1]}\t"
                        f"{e.anchored[0]}\t{len(e.anchored)}\t{zh}")
    starts = sorted({key.split(" ")[0] for key in keys if " " in key})
    text = "\n".join([*head, "#starts\t" + "|".join(starts) + "\t" + "|".join(sorted(wide)),
                      f"#entries\t{len(rows)}",
                      *rows, "#keys",
                      *(x for key in sorted(keys) for x in (key, ",".join(keys[key])))])
    return gzip.compress(text.encode("utf-8") + b"\n", mtime=0)


def _wide_keys(entries: Iterable[Entry]) -> frozenset[str]:
    """The two-word keys of entries anchored by one compound token (``Asia-Europe``)."""
    return frozenset(k for e in entries if len(e.anchored) == 1 for k in e.anchors if " " in k)


def _read_lexicon(path: Path) -> tuple[bytes, list[Entry]]:
    """The bytes and entries of one lexicon file; any problem is a one-line
    :class:`ConfigError` naming the file."""
    try:
        data = path.read_bytes()
        return data, parse_lexicon(data.decode("utf-8"), str(path))
    except OSError as exc:
        raise ConfigError(f"{path}:1: cannot read lexicon: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:1: cannot read lexicon: not UTF-8 (byte {exc.start})"
                          ) from None
    except RecursionError:
        raise ConfigError(f"{path}:1: invalid lexicon: nested too deeply") from None


@dataclass
class Index:
    """A read index: the files' bytes, the entry rows (split on first use) and the anchor
    keys."""

    files: list[Path]
    data: list[bytes]
    count: int
    rows_text: str
    keys: dict[str, str]
    pair_starts: frozenset[str]
    wide: frozenset[str] = frozenset()
    _reaches: dict[int, tuple[int, int]] = field(default_factory=dict)

    @cached_property
    def rows(self) -> list[str]:
        return self.rows_text.split("\n")

    @classmethod
    def read(cls, path: Path, files: Sequence[Path]) -> Index | None:
        """The index at ``path`` if it was built from exactly ``files``, else ``None``."""
        import gzip

        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8")
            data = [f.read_bytes() for f in files]
        except (OSError, EOFError, ValueError):
            return None
        n = len(files)
        head = text.split("\n", n + 3)
        want = [f"repairtool-lexicon-index {INDEX_VERSION}",
                *(f"#file\t{f.name}\t{_fingerprint(d)}" for f, d in zip(files, data,
                                                                          strict=True))]
        if len(head) < n + 4 or head[:n + 1] != want or not head[n + 1].startswith("#starts\t"):
            return None
        rows, _, keys = head[n + 3].partition("\n#keys\n")
        body = keys.split("\n")[:-1]
        try:
            count = int(head[n + 2].removeprefix("#entries\t"))
            table = dict(zip(body[::2], body[1::2], strict=True))
        except ValueError:
            return None
        _, starts, wide = (head[n + 1] + "\t").split("\t")[:3]
        return cls(list(files), data, count, rows, table, frozenset(starts.split("|")),
                   frozenset(wide.split("|")) - {""})

    def zh(self, i: int) -> str:
        return self.rows[i].split("\t")[9]

    def reach(self, i: int) -> tuple[int, int]:
        got = self._reaches.get(i)
        if got is None:
            parts = self.rows[i].split("\t")
            got = self._reaches[i] = (int(parts[5]), int(parts[6]))
        return got

    def entry(self, i: int) -> Entry:
        """Entry ``i``, parsed from its block (its anchors and reach come out as in the
        index: the files and this module are those it was built with)."""
        k, line, n, start, end, _, _, at, width = (int(x) for x in
                                                   self.rows[i].split("\t")[:9])
        block = self.data[k][start:end].decode("utf-8")
        fast = _fast_parse(block)
        item = (fast[0] if fast is not None else tomllib.loads(block))["entry"][0]
        return _entry(item, str(self.files[k]), line, n, anchored=(at, width))


def write_index(paths: Sequence[Path] | None = None, path: Path | None = None) -> Path:
    """Rebuild the index of ``paths`` at ``path`` (default: the shipped ones)."""
    path = path or index_path()
    path.write_bytes(build_index(paths))
    return path


def lexicons_for(extra: Iterable[Path | str] = ()) -> list[Lexicon]:
    """The shipped lexicon and the user's ones, in that order."""
    return [shipped(), *(load(p) for p in extra)]


# --- matching -------------------------------------------------------------------------------


def find_matches(text: str, lexicons: Sequence[Lexicon], folded_text: bytes | None = None
                 ) -> list[Match]:
    """Every entry match in ``text``; where matches overlap the longest (then first) wins,
    and of matches with the same span the entry that comes first in the lexicons.

    ``folded_text``: :func:`repairtool.document.fold` of ``text``, if the caller has it.
    """
    found: list[tuple[int, int, int, int, Match]] = []
    folded = cache(lambda: fold(text) if folded_text is None else folded_text)
    for n, lex in enumerate(lexicons):
        found.extend((m.start, m.start - m.end, n, i, m) for i, m in _matches_in(text, lex, folded))
    found.sort(key=lambda t: t[:4])
    out: list[Match] = []
    last_end = -1
    for *_, m in found:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


def _matches_in(text: str, lex: Lexicon, folded: Callable[[], bytes]
                ) -> Iterator[tuple[int, Match]]:
    """(entry index, match) of every match of ``lex``'s entries."""
    # Entry index -> its windows, flat: [start, end, start, end, ...] (clamped when used).
    windows: dict[int, list[int]] = {}
    n = len(text)
    known, reaches = lex._reaches, lex.reaches
    for hit_start, _end, key in _anchor_hits(text, lex, folded):
        for i, before, after in known.get(key) or reaches(key):
            spans = windows.get(i)
            if spans is None:
                windows[i] = [hit_start - before, hit_start + after]
            elif hit_start - before <= spans[-1]:
                spans[-1] = hit_start + after
            else:
                spans += (hit_start - before, hit_start + after)
    data = folded()
    for i, spans in windows.items():
        e = lex.entry(i)
        required = e.required
        for k in range(0, len(spans), 2):
            start, end = max(0, spans[k]), min(n, spans[k + 1])
            if required and not _has_pieces(data, required, start, end):
                continue  # a word it needs is missing: no need to compile or run it
            for m in e.regex.finditer(text, start, end, overlapped=False):
                if m.end() == end and end < n:
                    continue  # may be cut off by the window: a wider one would decide
                if e.antipatterns and e.excluded(text, m.start(), m.end()):
                    continue
                yield i, Match(e, m.start(), m.end(), _forms(e, m))


def _has_pieces(data: bytes, required: tuple[tuple[bytes, ...], ...], start: int, end: int
                ) -> bool:
    """Whether ``data[start:end]`` holds one piece of each word of ``required``."""
    for pieces in required:
        for piece in pieces:
            if data.find(piece, start, end) >= 0:
                break
        else:
            return False
    return True


#: Below this many code points the pre-filter looks each word up in a set; above it, it
#: runs an Aho-Corasick automaton (built once per process) over the text.
SMALL_TEXT = 20_000
#: Up to this many anchor variants the automaton is a DFA; beyond, a DFA only when the
#: first text it is built for has DFA_TEXT code points or more, else a contiguous NFA.
DFA_KEYS = 20_000
DFA_TEXT = 4_000_000
#: After this many texts the automaton is built whatever their size.
SMALL_TEXTS = 20
_WORD = re.compile(r"\w+")


def _anchor_hits(text: str, lex: Lexicon, folded: Callable[[], bytes]
                 ) -> Iterator[tuple[int, int, str]]:
    """``(start, end, key)`` of every anchor word or two-word phrase in ``text``."""
    keys, starts = lex.by_anchor, lex.pair_starts
    lex.texts_seen += 1
    # Small texts look words up in a set, unless the automaton is built or pays off: a
    # corpus of many short documents builds it once (after SMALL_TEXTS of them).
    if len(text) < SMALL_TEXT and not lex.automaton_built and (
            lex.texts_seen <= SMALL_TEXTS or lex._automaton is False):
        yield from _small_text_hits(text, keys, starts)
        return
    auto = lex.automaton(len(text))
    if auto is None:
        for m in lex.anchor_re.finditer(text, overlapped=True):
            key = _GAP_ARTICLE.sub(" ", m.group().lower())
            first, space, _ = key.partition(" ")
            if space and first in keys:  # the regex gives the longest key at a place only
                yield m.start(), m.start() + len(first), first
            yield m.start(), m.end(), key
        return
    machine, key_of, gap_at = auto
    n = len(text)
    data = folded()
    # The padded text's offsets are one more than the text's: a hit at [s, e) of " key "
    # is the key at [s, e - 2). What the padding lets through beyond the old test (a key
    # beside "_" or a CJK character, or with other punctuation than a space or hyphen
    # between its words) is turned away here, so the hits are the same as before.
    for i, start, end in machine.find_matches_as_indexes(_word_bytes(data), overlapping=True):
        end -= 2
        if start and ((c := text[start - 1]).isalnum() or c == "_"):
            continue
        if end < n and ((c := text[end]).isalnum() or c == "_"):
            continue
        gap = gap_at[i]
        if gap >= 0 and data[start + gap] not in _PAIR_SEPARATORS:
            continue  # a pair key's words are apart by a space, hyphen or apostrophe
        if gap < -1 and data[start - gap - 2:start - gap + 1] != b" - ":
            continue  # ... or by " - " (the key written with three spaces)
        yield start, end, key_of[i]


def _gap(key: str) -> int:
    """Where the words of an automaton key meet: -1 for one word, the offset (in the padded
    text, from the hit's start) of the byte between them, or ``-2 - offset`` for a key
    written with three spaces, which stand for " - " only."""
    at = key.find(" ")
    if at < 0:
        return -1
    return -2 - at if key[at:at + 3] == "   " else at


#: Bytes of :func:`repairtool.document.fold` that may stand between the words of a pair key.
_PAIR_SEPARATORS = b" -'"
#: Every byte that is not a letter or digit, as a space.
_NON_WORD_TO_SPACE = bytes(b if chr(b).isalnum() else 32 for b in range(256))


def _word_bytes(folded: bytes) -> bytes:
    """``folded`` with every byte that is not a letter or digit a space, and a space before
    and after (a copy made in C)."""
    return b" " + folded.translate(_NON_WORD_TO_SPACE) + b" "


_GAP = re.compile(r"[\s\-'\u2019]+")
#: The text between the two words of a pair anchor in the fallback regex: an article may
#: stand there (see :data:`ARTICLES_BETWEEN`); it is no part of the key.
_PAIR_GAP = _GAP.pattern + r"(?:(?:" + "|".join(ARTICLES) + r")" + _GAP.pattern + ")?"
_GAP_ARTICLE = re.compile(_PAIR_GAP)


def _small_text_hits(text: str, keys: dict[str, Any], starts: frozenset[str]
                     ) -> Iterator[tuple[int, int, str]]:
    """The anchor hits of a short text, word by word: a pair anchor (``harvest leek``) is
    also found with an article between its words (``harvest the leek``)."""
    last: re.Match[str] | None = None  # the word before, if a pair starts with it
    skip: re.Match[str] | None = None  # the word before an article, if a pair starts with it
    article: re.Match[str] | None = None
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if word in keys:
            yield m.start(), m.end(), word
        if last is not None:
            pair = f"{last.group().lower()} {word}"
            if pair in keys and _GAP.fullmatch(text, last.end(), m.start()):
                yield last.start(), m.end(), pair
        if skip is not None and article is not None:
            pair = f"{skip.group().lower()} {word}"
            if pair in keys and _GAP.fullmatch(text, skip.end(), article.start()) \
                    and _GAP.fullmatch(text, article.end(), m.start()):
                yield skip.start(), m.end(), pair
        skip, article = (last, m) if ARTICLES_BETWEEN and word in _ARTICLE_SET else \
            (None, None)
        last = m if word in starts else None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _forms(entry: Entry, m: regex.Match[str]) -> tuple[str, ...]:
    """The form (``base``, ``s``, ``ed``, ``en``, ``ing``) of each ``word~`` token matched."""
    out = []
    for i, tok in enumerate(entry.tokens):
        if tok.lemma is not None:
            got = m.group(f"t{i}")
            out.append(form_of(tok.lemma, got) if got else "base")
    return tuple(out)


_SUGGEST_WORD = re.compile(r"([A-Za-z'\-]+)~")


def render(suggestion: str, forms: Sequence[str], original: str,
           sentence_start: bool = False) -> str:
    """``suggestion`` with its n-th ``word~`` in the form the pattern's n-th ``word~`` had
    in the text (``base`` when the pattern has fewer); in capitals if ``original`` is, with
    an initial capital if ``original`` has one and starts a sentence (a capital inside a
    sentence belongs to a name: ``old Wang selling melons``)."""
    count = itertools.count()

    def put(m: re.Match[str]) -> str:
        n = next(count)
        return inflect(m.group(1), forms[n] if n < len(forms) else "base")

    out = _SUGGEST_WORD.sub(put, suggestion)
    if original.isupper() and len(original) > 1:
        return out.upper()
    if sentence_start and original[:1].isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out


def plain(suggestion: str) -> str:
    """A suggestion without its ``~`` marks (as shown in the lexicon)."""
    return suggestion.replace("~", "")


def main() -> int:
    """``python -m repairtool.lexicon``: rebuild the shipped index. A bad lexicon file (or
    an index that cannot be written) is one line on stderr naming it, exit 2."""
    import sys

    try:
        path = write_index()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or index_path()}: cannot write the index: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
