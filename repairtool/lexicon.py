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
                    it is context, not part of the finding or its replacement.

``!word`` and ``{word}`` may stand only first or last, and may hold alternatives.

Speed: the text is scanned once for *anchors* (per entry, the forms of one rare required
word, or of two adjacent required words when all are common) — by a set lookup per word in
small texts, by an Aho-Corasick automaton (``ahocorasick_rs``) in large ones; an entry's own
pattern is compiled on first use and run only in a window around its anchor's hits.
Parsed lexicons are cached by path, modification time and size.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
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
           "silent", "source", "antipattern"}  # the last three: read by the lexcore loader
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


def parse_pattern(pattern: str) -> list[Token]:
    """Split ``pattern`` into tokens; raise :class:`PatternError` when it is malformed."""
    tokens: list[Token] = []
    for raw in pattern.split():
        tokens.append(_parse_token(raw))
    words = [t for t in tokens if t.kind == "word" and not t.optional]
    if not words:
        raise PatternError("a pattern needs at least one required word")
    if tokens[0].kind == "any" or tokens[-1].kind == "any":
        raise PatternError("a pattern cannot start or end with *")
    if any(t.kind in ("not", "ctx") for t in tokens[1:-1]):
        raise PatternError("!word and {word} are allowed only first or last")
    return tokens


def _parse_token(raw: str) -> Token:
    comma = raw.endswith(",") and len(raw) > 1
    raw = raw[:-1] if comma else raw
    optional = raw.startswith("(") and raw.endswith(")")
    context = raw.startswith("{") and raw.endswith("}")
    body = raw[1:-1] if optional or context else raw
    if any(c in body for c in "(){}"):
        raise PatternError(f"unbalanced brackets in {raw!r}")
    if body == "*":
        return Token("any", optional=optional, comma=comma)
    negated = body.startswith("!")
    if negated:
        if optional or context:
            raise PatternError(f"{raw!r}: a !word cannot be optional or context")
        body = body[1:]
    alts: list[tuple[str, str]] = []
    lemma = None
    for alt in re.split(r"\|(?![^\[]*\])", body):
        m = _ATOM.match(alt)
        if not m:
            raise PatternError(f"bad word {alt!r} in {raw!r}")
        word, mark = m.group(1), m.group(2) or ""
        alts.append((word, mark))
        if mark == "~":
            lemma = lemma or word
    kind = "not" if negated else "ctx" if context else "word"
    return Token(kind, tuple(alts), optional, lemma if kind == "word" else None, comma)


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


def compile_pattern(tokens: Sequence[Token]) -> regex.Pattern[str]:
    """The regex of a parsed pattern (case-insensitive, whole words)."""
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
    source: str = ""
    line: int = 0
    tokens: list[Token] = field(default_factory=list, repr=False)
    #: Lower-case words (``brocade``) or two-word phrases (``party construction``) one of
    #: which must occur in the text for the entry to be tried there.
    anchors: frozenset[str] = field(default=frozenset(), repr=False)
    #: How far a match can reach before and after the start of an anchor hit.
    reach: tuple[int, int] = (WINDOW, WINDOW)
    _regex: regex.Pattern[str] | None = field(default=None, repr=False)

    @property
    def regex(self) -> regex.Pattern[str]:
        if self._regex is None:
            self._regex = compile_pattern(self.tokens)
        return self._regex

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @cached_property
    def required(self) -> tuple[tuple[bytes, ...], ...]:
        """For each word the pattern cannot do without, the pieces (the longest run of
        lower-case letters and digits of each form) one of which a match must contain. The
        entry's regex is compiled and run only where each of them has one: most anchor hits
        go no further."""
        return tuple(
            tuple({max(re.split(r"[^0-9a-z]+", f.lower()), key=len).encode("ascii")
                   for f in tok.forms()})
            for tok in self.tokens if tok.kind == "word" and not tok.optional)


@dataclass(frozen=True)
class Match:
    """An entry matched at ``text[start:end]``, and the forms its ``word~`` tokens took."""

    entry: Entry
    start: int
    end: int
    forms: tuple[str, ...]


class Lexicon:
    """Entries and the anchor regex that finds where they may match."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_anchor: dict[str, list[Entry]] = {}
        #: First words of the two-word anchors.
        self.pair_starts: frozenset[str] = frozenset()
        for e in entries:
            for key in e.anchors:
                self.by_anchor.setdefault(key, []).append(e)
        self.pair_starts = frozenset(k.split(" ")[0] for k in self.by_anchor if " " in k)
        self._anchor_re: regex.Pattern[str] | None = None
        self._automaton: Any = None
        self.texts_seen = 0

    @property
    def automaton_built(self) -> bool:
        return bool(self._automaton)

    def automaton(self) -> Any:
        """An Aho-Corasick automaton of the (lower-case) anchors, or ``None`` when
        ``ahocorasick_rs`` is not installed (then the slower :attr:`anchor_re` is used)."""
        if self._automaton is None:
            try:
                import ahocorasick_rs as ac
            except ImportError:
                self._automaton = False
                return None
            variants: dict[str, str] = {}
            for k in self.by_anchor:
                variants[k] = variants[k.replace(" ", "-")] = k
            words = sorted(variants)
            # Pattern words are ASCII (see _ATOM): the text is searched as bytes.
            self._automaton = (ac.BytesAhoCorasick([w.encode("ascii") for w in words],
                                                   implementation=ac.Implementation.DFA),
                               [variants[w] for w in words])
        return self._automaton or None

    @property
    def anchor_re(self) -> regex.Pattern[str]:
        """All anchors in one regex (the fallback when ``ahocorasick_rs`` is missing)."""
        if self._anchor_re is None:
            self._anchor_re = regex.compile(
                r"\b(?:" + _trie_regex(self.by_anchor) + r")\b", regex.IGNORECASE)
        return self._anchor_re


def anchor_key(form: str) -> str:
    """What the pre-filter looks for to find ``form``: one word, or two words for a form
    of two hyphenated words (``self-media`` -> ``self media``); else the longest part
    between hyphens and apostrophes (``tiger's`` -> ``tiger``)."""
    parts = form.lower().split("-")
    if len(parts) == 2 and all(p.isalnum() for p in parts):
        return " ".join(parts)
    return max(re.split(r"[-'\u2019.]", form.lower()), key=len)


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
        branches = [(r"[\s\-]+" if ch == " " else regex.escape(ch)) + build(sub)
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


def parse_lexicon(text: str, source: str) -> list[Entry]:
    """The entries of one lexicon file; every problem is a one-line :class:`ConfigError`."""
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
    return [_entry(item, source, lines[i] if i < len(lines) else 1, i + 1)
            for i, item in enumerate(raw)]


def _entry(item: dict, source: str, line: int, n: int) -> Entry:
    def fail(msg: str) -> ConfigError:
        label = f" ({item['pattern']!r})" if isinstance(item.get("pattern"), str) else ""
        return ConfigError(f"{source}:{line}: entry {n}{label}: {msg}")

    unknown = set(item) - _FIELDS
    if unknown:
        raise fail(f"unknown field {sorted(unknown)[0]!r}")
    for key in ("pattern", "domain", "example"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise fail(f"missing or empty {key!r}")
    for key in ("kind", "zh", "note", "anchor"):
        if key in item and not isinstance(item[key], str):
            raise fail(f"{key!r} must be a string")
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
                  item.get("note", ""), item.get("zh", ""), source, line, tokens)
    entry.anchors, at = _choose_anchor(tokens, item.get("anchor"), fail)
    entry.reach = _reach(tokens, at)
    return entry


def _choose_anchor(tokens: list[Token], wanted: str | None, fail: Any
                   ) -> tuple[frozenset[str], int]:
    """The pre-filter keys of a pattern and the index of their (first) token.

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
                return _pair_keys(a, b), i
        for t in required:
            if len(words) == 1 and words[0] in _lower(t):
                return _single_keys(t), _index(tokens, t)
        raise fail(f"anchor {wanted!r} is not a required word (or two adjacent words) "
                   f"of the pattern")
    rare_pairs = [p for p in pairs if not (p[1].is_common() and p[2].is_common())]
    if rare_pairs:
        i, a, b = max(rare_pairs, key=lambda p: (_rarity(p[1]) + _rarity(p[2]),
                                                 p[1].shortest() + p[2].shortest()))
        return _pair_keys(a, b), i
    rare = [t for t in required if not t.is_common()]
    if rare or not pairs:
        best = max(rare or required, key=lambda t: (" " in anchor_key(t.forms()[-1]),
                                                    t.shortest()))
        return _single_keys(best), _index(tokens, best)
    i, a, b = max(pairs, key=lambda p: p[1].shortest() + p[2].shortest())
    return _pair_keys(a, b), i


def _lower(token: Token) -> set[str]:
    return {f.lower() for f in token.forms()}


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

    before = sum(size(t) + _SEP_ROOM for t in tokens[:at]) + size(tokens[at])
    after = sum(size(t) + _SEP_ROOM for t in tokens[at:])
    return min(before + 4, WINDOW), min(after + 4, WINDOW)


def _single_keys(token: Token) -> frozenset[str]:
    return frozenset(anchor_key(f) for f in token.forms())


def _plain(token: Token) -> bool:
    return all(f.isalnum() for f in token.forms())


@cache
def _load_cached(path: str, mtime_ns: int, size: int) -> Lexicon:
    cached = _read_disk_cache(path, mtime_ns, size)
    if cached is not None:
        return Lexicon(cached)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read lexicon: {exc}") from None
    entries = parse_lexicon(text, path)
    _write_disk_cache(path, mtime_ns, size, entries)
    return Lexicon(entries)


# --- the on-disk cache of parsed lexicons ----------------------------------------------------
# Parsing ~350 entries costs tens of milliseconds, which a one-file run would pay every time;
# the parsed form (tokens, anchors) is kept as JSON, keyed by path, mtime, size and the
# version of this module. Any problem with the cache just means parsing again.

#: Bump when the parsed form changes.
CACHE_VERSION = 1


def _cache_file(path: str, mtime_ns: int, size: int) -> Path | None:
    """Where the parsed form of this version of ``path`` is kept (``None``: no cache).

    ``REPAIRTOOL_CACHE_DIR`` chooses the folder; set to an empty string it turns the cache
    off. The default is ``$XDG_CACHE_HOME/repairtool`` (``~/.cache/repairtool``).
    """
    folder = os.environ.get("REPAIRTOOL_CACHE_DIR")
    if folder == "":
        return None
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"),
                                                                ".cache")
        folder = os.path.join(base, "repairtool")
    me = Path(__file__).stat()
    key = f"{CACHE_VERSION}|{os.path.abspath(path)}|{mtime_ns}|{size}|{me.st_mtime_ns}"
    return Path(folder) / f"lexicon-{hashlib.sha1(key.encode()).hexdigest()[:20]}.json"


def _read_disk_cache(path: str, mtime_ns: int, size: int) -> list[Entry] | None:
    try:
        file = _cache_file(path, mtime_ns, size)
        if file is None or not file.is_file():
            return None
        return [_entry_from_json(d, path) for d in json.loads(file.read_text("utf-8"))]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _write_disk_cache(path: str, mtime_ns: int, size: int, entries: list[Entry]) -> None:
    try:
        file = _cache_file(path, mtime_ns, size)
        if file is None:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([_entry_to_json(e) for e in entries]), "utf-8")
        os.replace(tmp, file)
    except OSError:
        pass


def _entry_to_json(e: Entry) -> dict[str, Any]:
    return {
        "pattern": e.pattern, "kind": e.kind, "domain": e.domain, "suggest": e.suggest,
        "example": e.example, "note": e.note, "zh": e.zh, "line": e.line,
        "anchors": sorted(e.anchors), "reach": e.reach,
        "tokens": [[t.kind, t.alternatives, t.optional, t.lemma, t.comma] for t in e.tokens],
    }


def _entry_from_json(d: dict[str, Any], source: str) -> Entry:
    tokens = [Token(k, tuple(tuple(a) for a in alts), opt, lemma, comma)
              for k, alts, opt, lemma, comma in d["tokens"]]
    return Entry(d["pattern"], d["kind"], d["domain"], tuple(d["suggest"]), d["example"],
                 d["note"], d["zh"], source, d["line"], tokens, frozenset(d["anchors"]),
                 tuple(d["reach"]))


def load(path: Path | str) -> Lexicon:
    """The compiled lexicon at ``path`` (cached while the file is unchanged)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise ConfigError(f"{p}:1: cannot read lexicon: {exc.strerror or exc}") from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


def shipped_path() -> Path:
    """The lexicon shipped in the package (``repairtool/data/calques_en.toml``)."""
    return Path(__file__).parent / "data" / SHIPPED


def lexicons_for(extra: Iterable[Path | str] = ()) -> list[Lexicon]:
    """The shipped lexicon and the user's ones, in that order."""
    return [load(shipped_path()), *(load(p) for p in extra)]


# --- matching -------------------------------------------------------------------------------


def find_matches(text: str, lexicons: Sequence[Lexicon], folded_text: bytes | None = None
                 ) -> list[Match]:
    """Every entry match in ``text``; where matches overlap the longest (then first) wins.

    ``folded_text``: :func:`repairtool.document.fold` of ``text``, if the caller has it.
    """
    found: list[Match] = []
    folded = cache(lambda: fold(text) if folded_text is None else folded_text)
    for lex in lexicons:
        found.extend(_matches_in(text, lex, folded))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Match] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


def _matches_in(text: str, lex: Lexicon, folded: Callable[[], bytes]) -> Iterator[Match]:
    windows: dict[int, list[tuple[int, int]]] = {}
    entries: dict[int, Entry] = {}
    n = len(text)
    for hit_start, _end, key in _anchor_hits(text, lex, folded):
        for e in lex.by_anchor.get(key, ()):
            start, end = max(0, hit_start - e.reach[0]), min(n, hit_start + e.reach[1])
            spans = windows.setdefault(id(e), [])
            entries[id(e)] = e
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    for key, spans in windows.items():
        e = entries[key]
        for start, end in spans:
            if not all(any(folded().find(p, start, end) >= 0 for p in pieces)
                       for pieces in e.required):
                continue  # a word it needs is missing: no need to compile or run it
            for m in e.regex.finditer(text, start, end, overlapped=False):
                if m.end() == end and end < n:
                    continue  # may be cut off by the window: a wider one would decide
                yield Match(e, m.start(), m.end(), _forms(e, m))


#: Below this many code points the pre-filter looks each word up in a set; above it, it
#: runs an Aho-Corasick automaton (built once per process) over the text.
SMALL_TEXT = 20_000
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
        prev: re.Match[str] | None = None
        for m in _WORD.finditer(text):
            word = m.group().lower()
            if word in keys:
                yield m.start(), m.end(), word
            if prev is not None:
                pair = f"{prev.group().lower()} {word}"
                if pair in keys and _GAP.fullmatch(text, prev.end(), m.start()):
                    yield prev.start(), m.end(), pair
            prev = m if word in starts else None
        return
    auto = lex.automaton()
    if auto is None:
        for m in lex.anchor_re.finditer(text, overlapped=True):
            yield m.start(), m.end(), _GAP.sub(" ", m.group().lower())
        return
    machine, key_of = auto
    n = len(text)
    for i, start, end in machine.find_matches_as_indexes(folded(), overlapping=True):
        if (start and _is_word(text[start - 1])) or (end < n and _is_word(text[end])):
            continue
        yield start, end, key_of[i]


_GAP = re.compile(r"[\s\-]+")


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

