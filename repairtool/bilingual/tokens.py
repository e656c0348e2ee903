"""Things a translation must carry over unchanged: placeholders, markup tags, URLs, e-mails."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_PLACEHOLDER = re.compile(
    r"%\((?P<pyname>\w+)\)[-+#0]*\d*(?:\.\d+)?[sdifrxXoeEgGc]"   # %(name)s
    r"|%(?:\d+\$)?[-+#0]*\d*(?:\.\d+)?(?:hh|h|ll|l|L|z|j|t)?[sdifuxXoeEgGcp@]"  # %1$s %d %.2f
    r"|\{\{\s*(?P<mustache>[\w.-]+)\s*\}\}"                       # {{name}}
    r"|\{(?P<icu>[\w.-]+)\s*,\s*(?:plural|select|selectordinal|number|date|time)\b"  # ICU
    r"|\{(?P<brace>[\w.-]*)(?::[^{}]*)?\}"                        # {name} {0} {}
    r"|\$\{(?P<dollar>[\w.-]+)\}")                                # ${name}
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`，。、）》]*[^\s<>\"'`.,;:!?)\]}，。、）》]"
                  r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    key: str
    start: int
    end: int
    text: str


def placeholders(text: str) -> list[Token]:
    out = []
    for m in _PLACEHOLDER.finditer(text):
        name = next((g for g in ("pyname", "mustache", "icu", "brace", "dollar")
                     if m.group(g) is not None), None)
        if name == "icu":
            key = "{" + m.group("icu") + "}"
        elif name in ("brace", "mustache", "dollar", "pyname"):
            key = m.group()
        else:
            key = m.group()
            if key == "%%":
                continue
        out.append(Token("placeholder", key, m.start(), m.end(), m.group()))
    return out


def tags(text: str) -> list[Token]:
    return [Token("tag", re.sub(r"\s.*", "", m.group().lower()).rstrip("/>") + ">",
                  m.start(), m.end(), m.group()) for m in _TAG.finditer(text)]


def urls(text: str) -> list[Token]:
    return [Token("url" if "://" in m.group() else "e-mail", m.group().lower(), m.start(),
                  m.end(), m.group()) for m in _URL.finditer(text)]


_MAYBE = re.compile(r"[%{<@$]|://")


def all_tokens(text: str) -> list[Token]:
    if not _MAYBE.search(text):
        return []
    found = urls(text)
    taken = [(t.start, t.end) for t in found]

    def free(t: Token) -> bool:
        return not any(s <= t.start < e for s, e in taken)

    found += [t for t in placeholders(text) if free(t)]
    found += [t for t in tags(text) if free(t)]
    return sorted(found, key=lambda t: t.start)


def difference(source: list[Token], target: list[Token]) -> tuple[list[Token], list[Token]]:
    """Source tokens missing from the target, and target tokens not in the source."""
    have = Counter(t.key for t in target)
    need = Counter(t.key for t in source)
    missing, extra = [], []
    seen: Counter[str] = Counter()
    for t in source:
        seen[t.key] += 1
        if seen[t.key] > have[t.key]:
            missing.append(t)
    seen = Counter()
    for t in target:
        seen[t.key] += 1
        if seen[t.key] > need[t.key]:
            extra.append(t)
    return missing, extra
