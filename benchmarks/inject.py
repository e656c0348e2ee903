"""Inject machine-translation damage into clean English sentences, reproducibly.

Used by ``repair_quality.py`` to measure how much of the damage the fixes undo. Every kind
of damage is a small pure function ``(sentence, rng) -> (clean, damaged) | None``
(``None``: the sentence offers no place for that damage; ``clean`` is the sentence itself,
except for ``mojibake``, which may first make a straight quote typographic). The damage
imitates what zh→en machine translation leaves in web text:

- ``fullwidth``: ASCII punctuation ``, ; : ( ) ! ?`` and sentence-final ``.`` turned into the
  full-width forms a Chinese source carries over (``，；：（）！？。``), each with probability
  1/2, at least one.
- ``mask``: one word of three or more letters replaced by ``**`` (a censored token).
- ``glued``: the space between two adjacent words removed (``the ministrysaid``).
- ``doubled``: one word written twice (``the the``).
- ``mojibake``: one typographic character (curly apostrophe or quote, dash; made from a
  straight one when the sentence has none) encoded as UTF-8 and decoded as Windows-1252
  (``’`` → ``â€™``).

All randomness comes from a ``random.Random`` seeded per kind, so a seed gives the same text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
_PAIR = re.compile(r"\b([A-Za-z]+) ([A-Za-z]+)\b")
_FULL = {",": "，", ".": "。", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
#: Where a Chinese source puts full-width punctuation: not inside numbers or domain names.
_FULL_AT = re.compile(r"[,;:()!?]|\.(?=\s|$)")
_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201c\u201d\u2013\u2014]")
_STRAIGHT = {"'": "\u2019", '"': "\u201c", " - ": " \u2013 "}


def fullwidth(s: str, rng: random.Random) -> tuple[str, str] | None:
    spots = [m.start() for m in _FULL_AT.finditer(s)]
    if not spots:
        return None
    chosen = {p for p in spots if rng.random() < 0.5} or {rng.choice(spots)}
    return s, "".join(_FULL[c] if i in chosen else c for i, c in enumerate(s))


def mask(s: str, rng: random.Random) -> tuple[str, str] | None:
    words = list(_WORD.finditer(s))
    if not words:
        return None
    m = rng.choice(words)
    return s, s[:m.start()] + "**" + s[m.end():]


def glued(s: str, rng: random.Random) -> tuple[str, str] | None:
    pairs = [m.start(2) - 1 for m in _PAIR.finditer(s)]
    if not pairs:
        return None
    i = rng.choice(pairs)
    return s, s[:i] + s[i + 1:]


def doubled(s: str, rng: random.Random) -> tuple[str, str] | None:
    words = list(_WORD.finditer(s))
    if not words:
        return None
    m = rng.choice(words)
    return s, s[:m.end()] + " " + m.group() + s[m.end():]


def mojibake(s: str, rng: random.Random) -> tuple[str, str] | None:
    spots = [m.span() for m in _TYPOGRAPHIC.finditer(s)]
    if not spots:
        for straight, curly in _STRAIGHT.items():
            i = s.find(straight)
            if i >= 0:
                s = s[:i] + curly + s[i + len(straight):]
                break
        spots = [m.span() for m in _TYPOGRAPHIC.finditer(s)]
        if not spots:
            return None
    a, b = rng.choice(spots)
    return s, s[:a] + s[a:b].encode("utf-8").decode("cp1252", errors="replace") + s[b:]


DAMAGE: dict[str, Callable[[str, random.Random], tuple[str, str] | None]] = {
    "fullwidth": fullwidth, "mask": mask, "glued": glued, "doubled": doubled,
    "mojibake": mojibake,
}


def inject(sentences: list[str], kind: str, n: int, seed: int = 2026
           ) -> list[tuple[str, str]]:
    """Up to ``n`` pairs (clean, damaged) with damage ``kind``, chosen with ``seed``."""
    rng = random.Random(f"{seed}-{kind}")
    order = sentences[:]
    rng.shuffle(order)
    out = []
    for sentence in order:
        pair = DAMAGE[kind](sentence, rng)
        if pair is not None and pair[1] != pair[0]:
            out.append(pair)
            if len(out) == n:
                break
    return out
