"""A seeded generator of machine-translation artefacts, injected into clean sentences.

Each injector takes a clean sentence and returns the damaged sentence and the span of the
damage (offsets into the damaged text), or ``None`` when the sentence offers no place for
that artefact. The kinds imitate what Chinese→English MT leaves in web text:

- ``masked``: a title or "media"/"government" replaced by ``**`` (``Macron** said``,
  ``according to ** reports``), or ``**`` glued after a place name;
- ``runon-punct``: the space after ``.``/``,``/``;`` dropped (``rose.The``);
- ``runon-case``: a sentence boundary lost between two words (``askedWhy``);
- ``runon-function``: a short function word glued to its neighbour (``decidedto``);
- ``fullwidth``: ASCII punctuation replaced by its full-width form (``，`` ``。`` ``：``);
- ``cjk-ellipsis``: ``...`` or a clause end replaced by ``......``;
- ``stray-cjk``: a Chinese word left in the English sentence;
- ``doubled``: a word written twice (``the the``);
- ``mojibake``: a curly quote or accented letter mis-decoded as cp1252 (``â€™``);
- ``entity``: a quote or ampersand left as an (double-)escaped HTML entity;
- ``invisible``: a zero-width space inside a word boundary;
- ``calque``: a sentence with a word-for-word rendering of a Chinese set phrase.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import regex

Span = tuple[int, int]
Injected = tuple[str, Span] | None

_TITLES = regex.compile(r"\b(President|Prime Minister|Chairman|Secretary-General|Premier|"
                        r"Minister|Governor|Mayor|Chancellor) (\p{Lu}\p{Ll}+)")
_MEDIA = regex.compile(r"\b(media|government|authorities|officials)\b")
_SENT = regex.compile(r"(?<=\p{Ll}{2})([.;,]) (?=\p{L})")
_BOUNDARY = regex.compile(r"(?<=\p{Ll}{3})\. (\p{Lu}\p{Ll}+)")
_FUNCTION = regex.compile(r"(?<=\b\p{Ll}{4,}) (to|if|has|the|of|in|and|was|for|on)\b")
_PUNCT = regex.compile(r"[,.:;?!()](?=\s|$)")
_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_WORD = regex.compile(r"\b\p{Ll}{3,}\b")
_MOJI = regex.compile(r"[’‘“”é–—]")
_QUOTE_AMP = regex.compile(r"[\"&']")
_CJK_WORDS = ("政府", "经济", "发展", "记者", "表示", "中国", "合作", "问题")
_CALQUES = (
    "The new policy will add flowers to brocade for local firms.",
    "Officials vowed to improve the people's livelihood this year.",
    "The square was a mountain and sea of people on Sunday.",
)


def _masked(s: str, rng: random.Random) -> Injected:
    m = _TITLES.search(s)
    if m and rng.random() < 0.5:
        out = s[:m.start()] + m.group(2) + "**" + s[m.end():]
        return out, (m.start(), m.start() + len(m.group(2)) + 2)
    m = _MEDIA.search(s)
    if m:
        return s[:m.start()] + "**" + s[m.end():], (m.start(), m.start() + 2)
    return None


def _sub(pattern: regex.Pattern[str], repl: Callable[[regex.Match[str]], str], s: str,
         rng: random.Random) -> Injected:
    matches = list(pattern.finditer(s))
    if not matches:
        return None
    m = rng.choice(matches)
    new = repl(m)
    return s[:m.start()] + new + s[m.end():], (max(0, m.start() - 1), m.start() + len(new) + 1)


def _runon_punct(s: str, rng: random.Random) -> Injected:
    return _sub(_SENT, lambda m: m.group(1), s, rng)


def _runon_case(s: str, rng: random.Random) -> Injected:
    return _sub(_BOUNDARY, lambda m: m.group(1), s, rng)


def _runon_function(s: str, rng: random.Random) -> Injected:
    return _sub(_FUNCTION, lambda m: m.group(1), s, rng)


def _fullwidth(s: str, rng: random.Random) -> Injected:
    return _sub(_PUNCT, lambda m: _FULL[m.group()], s, rng)


def _cjk_ellipsis(s: str, rng: random.Random) -> Injected:
    if s.endswith("."):
        return s[:-1] + "......", (len(s) - 1, len(s) + 5)
    return None


def _stray_cjk(s: str, rng: random.Random) -> Injected:
    return _sub(_WORD, lambda m: rng.choice(_CJK_WORDS), s, rng)


def _doubled(s: str, rng: random.Random) -> Injected:
    return _sub(_WORD, lambda m: f"{m.group()} {m.group()}", s, rng)


def _mojibake(s: str, rng: random.Random) -> Injected:
    return _sub(_MOJI, lambda m: m.group().encode("utf-8").decode("cp1252", "replace"), s, rng)


def _entity(s: str, rng: random.Random) -> Injected:
    table = {'"': "&quot;", "&": "&amp;amp;", "'": "&#39;"}
    return _sub(_QUOTE_AMP, lambda m: table[m.group()], s, rng)


def _invisible(s: str, rng: random.Random) -> Injected:
    return _sub(_WORD, lambda m: m.group()[:2] + "\u200b" + m.group()[2:], s, rng)


def _calque(s: str, rng: random.Random) -> Injected:
    c = rng.choice(_CALQUES)
    return f"{s} {c}", (len(s) + 1, len(s) + 1 + len(c))


INJECTORS: dict[str, Callable[[str, random.Random], Injected]] = {
    "masked": _masked, "runon-punct": _runon_punct, "runon-case": _runon_case,
    "runon-function": _runon_function, "fullwidth": _fullwidth,
    "cjk-ellipsis": _cjk_ellipsis, "stray-cjk": _stray_cjk, "doubled": _doubled,
    "mojibake": _mojibake, "entity": _entity, "invisible": _invisible, "calque": _calque,
}


def inject(sentence: str, kind: str, rng: random.Random) -> Injected:
    """``sentence`` with one artefact of ``kind``, and its span; ``None`` if none fits."""
    return INJECTORS[kind](sentence, rng)


def pairs(sentences: list[str], kind: str, n: int, seed: int = 2026) -> list[tuple[str, str]]:
    """Up to ``n`` pairs (clean, damaged) with damage ``kind``, chosen with ``seed``."""
    rng = random.Random(f"{seed}-{kind}")
    order = sentences[:]
    rng.shuffle(order)
    out = []
    for sentence in order:
        got = inject(sentence, kind, rng)
        if got is not None and got[0] != sentence:
            out.append((sentence, got[0]))
            if len(out) == n:
                break
    return out
