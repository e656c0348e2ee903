"""Things a translation must carry over unchanged: placeholders, markup tags, URLs, e-mails."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_PLACEHOLDER = re.compile(
    r"%(?P<symfony>[A-Za-z_][\w.]+)%(?![\w%])"                     # Symfony %name%
    r"|%\((?P<pyname>\w+)\)[-+#0]*\d*(?:\.\d+)?[sdifrxXoeEgGc]"   # %(name)s
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
        name = next((g for g in ("symfony", "pyname", "mustache", "icu", "brace", "dollar")
                     if m.group(g) is not None), None)
        if name == "icu":
            key = "{" + m.group("icu") + "}"
        elif name in ("brace", "mustache", "dollar", "pyname", "symfony"):
            key = m.group()
        else:
            key = m.group()
            if key == "%%":
                continue
        out.append(Token("placeholder", key, m.start(), m.end(), m.group()))
    return out


def family(key: str) -> str:
    """A placeholder's syntax family: ``python`` (``%(name)s``), ``symfony`` (``%name%``),
    ``printf`` (``%s``, ``%1$d``), ``brace`` (``{name}``, ICU, ``{{name}}``) or
    ``dollar`` (``${name}``)."""
    if key.startswith("%("):
        return "python"
    if key.startswith("%") and key.endswith("%") and len(key) > 2:
        return "symfony"
    if key.startswith("%"):
        return "printf"
    if key.startswith("$"):
        return "dollar"
    return "brace"


#: PO format flags and the placeholder families they declare (``no-X`` switches X off).
FORMAT_FAMILIES = {
    "c-format": {"printf"}, "objc-format": {"printf"}, "php-format": {"printf"},
    "python-format": {"printf", "python"}, "python-brace-format": {"brace"},
    "java-format": {"brace"}, "csharp-format": {"brace"}, "qt-format": {"printf"},
    "kde-format": {"printf"}, "boost-format": {"printf"}, "perl-format": {"printf"},
    "sh-format": {"dollar"}, "javascript-format": {"printf", "brace"},
    "icu-message-format": {"brace"},
}


def allowed_families(flags: tuple[str, ...] | list[str]) -> set[str] | None:
    """The placeholder families an entry's flags say its text uses (``None``: no format
    flag, check every family); ``no-c-format`` and the like remove theirs."""
    positive: set[str] = set()
    negative: set[str] = set()
    for flag in flags:
        if flag.startswith("no-") and flag[3:] in FORMAT_FAMILIES:
            negative |= FORMAT_FAMILIES[flag[3:]]
        elif flag in FORMAT_FAMILIES:
            positive |= FORMAT_FAMILIES[flag]
    if not positive and not negative:
        return None
    base = positive or {"printf", "python", "symfony", "brace", "dollar"}
    return base - negative


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
