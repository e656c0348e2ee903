"""RT810–RT815: the checks pofilter and Weblate users expect of every translation entry --
newlines and escapes, accelerators, quotes around placeholders, plural forms, leading and
trailing whitespace, end punctuation -- and the entry flags that switch checks off.

Like the other RT8 rules they read the units from ``doc.options["bilingual"]`` (see
:mod:`repairtool.rules.bilingual`) and find nothing on plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, RuleInfo, Severity
from repairtool.rules.bilingual import CJK_LANGS, BilingualRule, _blank_tokens, base_lang

if TYPE_CHECKING:
    from repairtool.bilingual.formats import Unit

#: Weblate's check names (``ignore-<name>`` flags) and pofilter's, mapped to our codes.
WEBLATE_CHECKS: dict[str, str] = {
    "same": "RT801", "translated": "RT801",
    "python-format": "RT804", "c-format": "RT804", "php-format": "RT804",
    "python-brace-format": "RT804", "icu-message-format": "RT804", "placeholders": "RT804",
    "java-format": "RT804", "perl-format": "RT804", "urls": "RT804", "xml-tags": "RT804",
    "printf": "RT804", "variables": "RT804", "emails": "RT804",
    "inconsistent": "RT806", "glossary": "RT808",
    "begin-newline": "RT810", "end-newline": "RT810", "escaped-newline": "RT810",
    "newline-count": "RT816", "newlines": "RT816", "escapes": "RT810",
    "accelerators": "RT811", "accelerator": "RT811",
    "plurals": "RT813", "nplurals": "RT813",
    "begin-space": "RT814", "end-space": "RT814", "startwhitespace": "RT814",
    "endwhitespace": "RT814",
    "end-stop": "RT815", "end-colon": "RT815", "end-question": "RT815",
    "end-exclamation": "RT815", "end-ellipsis": "RT815", "end-semicolon": "RT815",
    "endpunc": "RT815",
    "zero-width-space": "RT704",
}


def ignored_by_flags(rule: RuleInfo, unit: Unit) -> bool:
    """Whether the entry's flags switch ``rule`` off: Weblate-style ``ignore-<check>``,
    ``ignore-<our rule name>`` or ``ignore-<code>``."""
    flags = unit.extra.get("flags") or ()
    for flag in flags:
        if not flag.startswith("ignore-"):
            continue
        name = flag[len("ignore-"):].lower()
        if name in (rule.name, rule.code.lower()) or WEBLATE_CHECKS.get(name) == rule.code:
            return True
    return False


class FlaggedRule(BilingualRule):
    """An RT8 entry check that runs on every unit with a source and a target."""

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        for unit, at in ctx.placed:
            if unit.source and unit.target:
                yield from self.unit(unit, at, ctx)

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        raise NotImplementedError


class NewlineMismatch(FlaggedRule):
    r"""
    ## What it does
    Compares the line breaks at the ends of source and target: a target that does not begin
    or end with `\n` where its source does, or the other way round (RT816 compares the
    breaks inside).

    ## Why it matters
    `msgfmt -c` refuses a PO file whose `msgid` and `msgstr` do not both begin or end with
    `\n`; a lost or added line break changes the layout of a message or a log line.

    ## Example
    `msgid "Could not open the file.\n"` / `msgstr "Datei konnte nicht geöffnet werden."`

    ## Use instead
    `msgstr "Datei konnte nicht geöffnet werden.\n"`

    ## Fix safety
    Safe: the source's line break is added, or the extra one removed (the entry is marked
    for review where the format can say so).
    """

    code = "RT810"
    name = "newline-mismatch"
    severity = Severity.ERROR
    fixable = True

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        src, tgt = unit.source, unit.target
        end = at + len(tgt)
        for side in ("begin", "end"):
            s_has = src.startswith("\n") if side == "begin" else src.endswith("\n")
            t_has = tgt.startswith("\n") if side == "begin" else tgt.endswith("\n")
            if s_has == t_has:
                continue
            pos = at if side == "begin" else end
            if t_has:
                fix = Fix.replace("Remove the line break", pos if side == "begin" else end - 1,
                                  pos + 1 if side == "begin" else end, "",
                                  Applicability.SAFE)
                msg = f"the target {side}s with a line break and the source does not"
            else:
                fix = Fix.replace("Add the source's line break", pos, pos, "\n",
                                  Applicability.SAFE)
                msg = f"the source {side}s with a line break (\\n) and the target does not"
            yield self.finding(pos, pos, msg, [fix])


class LineBreakCount(FlaggedRule):
    r"""
    ## What it does
    Compares the number of line breaks (`
`) and tabs (`	`) inside source and target (not
    at the ends: RT810 checks those).

    ## Why it matters
    A lost tab misaligns a column of `--help` output; a lost line break joins two lines of a
    dialog. Translators also rewrap long help texts on purpose, so this is information to
    read, not an error.

    ## Example
    `msgid "Name:	value
Size:	value"` / `msgstr "Name: Wert Größe: Wert"`

    ## Use instead
    `msgstr "Name:	Wert
Größe:	Wert"`

    ## Fix safety
    No fix: where a break belongs in the translation is the translator's call.
    """

    code = "RT816"
    name = "line-break-count"
    severity = Severity.INFO

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        for ch, name in (("\n", "line breaks (\\n)"), ("\t", "tabs (\\t)")):
            s_n, t_n = unit.source.strip("\n").count(ch), unit.target.strip("\n").count(ch)
            if s_n != t_n:
                yield self.on_target(at, unit, f"the source has {s_n} {name} inside, "
                                               f"the target {t_n}")


#: An accelerator marker: ``_`` or ``&`` before a letter or digit, inside a word too
#: (GTK's ``Ab_out``), but not an entity (``&amp;``).
_ACCEL = re.compile(r"([_&])(?!amp;|lt;|gt;|quot;|apos;|#\d)([^\W_])")
#: A label is short; a longer string with one ``_`` is more likely ``snake_case`` text.
_LABEL_WORDS = 5


def accelerators(text: str) -> list[str]:
    """The accelerator keys of ``text`` as ``_O`` / ``&F`` (``打开(_O)`` counts)."""
    return [m.group(1) + m.group(2) for m in _ACCEL.finditer(text)]


def source_accelerator(text: str) -> str | None:
    """The one accelerator of a short label, else ``None`` (``max_size``, ``Q&A``, ``AT&T``
    in longer text, or two markers, are text)."""
    found = accelerators(text)
    if len(found) != 1 or text.count(found[0][0]) != 1 or len(text.split()) > _LABEL_WORDS:
        return None
    mark = found[0][0]
    at = text.index(mark)
    if mark == "&" and (at == 0 or text[at - 1].isalnum()) and text[at + 1:at + 2].isupper() \
            and at > 0:
        return None  # AT&T, R&D
    if mark == "&" and text[at - 1:at] == " ":
        return None  # "Questions & Answers" has a space after it; "& File" is no label
    return found[0]


class AcceleratorMismatch(FlaggedRule):
    """
    ## What it does
    Compares the keyboard accelerators of a menu label or button: GTK's `_Open` and Qt's or
    Windows' `&File`. Reports a target that lost the source's one accelerator, or has
    more than one. CJK translations keep the key in brackets (`打开(_O)`), which counts.
    Where most labels of a file drop their accelerator (a team's convention), one finding
    says so instead of one a label.

    ## Why it matters
    Without its marker the label has no keyboard shortcut; two markers make the toolkit
    pick one at random or show the underscore.

    ## Example
    `msgid "_Open"` / `msgstr "Öffnen"`

    ## Use instead
    `msgstr "Ö_ffnen"`

    ## Fix safety
    No fix: which letter carries the key is the translator's choice.
    """

    code = "RT811"
    name = "accelerator-mismatch"
    severity = Severity.WARNING

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        labels = 0
        lost: list[tuple[Unit, int, str]] = []
        for unit, at in ctx.placed:
            if not unit.source or not unit.target:
                continue
            src = source_accelerator(_blank_tokens(unit.source))  # not %site_name%, URLs
            if src is None:
                continue
            labels += 1
            tgt = [a for a in accelerators(_blank_tokens(unit.target)) if a[0] == src[0]]
            if not tgt:
                lost.append((unit, at, src))
            elif len(tgt) > 1:
                yield self.on_target(at, unit, f"{len(tgt)} accelerators "
                                               f"({', '.join(tgt)}); the source has one")
        if lost and len(lost) * 2 > labels and labels >= 4:
            # Most labels of the file drop it: the team's convention, said once.
            unit, at, src = lost[0]
            yield self.on_target(at, unit, f"{len(lost)} of {labels} labels of this file drop "
                                           f"the source's accelerator (here {src!r}): a "
                                           "convention of this translation?")
            return
        for unit, at, src in lost:
            yield self.on_target(at, unit, f"the source's accelerator {src!r} is missing")


_QUOTES = "'\"‘’“”«»„‚「」『』"


def quoted_placeholders(text: str) -> dict[str, bool]:
    """Each placeholder of ``text`` and whether a quote mark stands right around it."""
    from repairtool.bilingual.tokens import placeholders

    out: dict[str, bool] = {}
    for t in placeholders(text):
        before = text[t.start - 1] if t.start else ""
        after = text[t.end] if t.end < len(text) else ""
        out[t.key] = out.get(t.key, False) or (before in _QUOTES and after in _QUOTES
                                                and bool(before) and bool(after))
    return out


class PlaceholderQuotes(FlaggedRule):
    """
    ## What it does
    Finds a placeholder the source puts in quotes (`'%s'`, `"{name}"`) that the target
    leaves bare. Any quote style of the target language counts (`«%s»`, `„%s“`, `“%s”`,
    `「%s」`).

    ## Why it matters
    The quotes tell the reader where a file name or value begins and ends; without them a
    message like `Cannot open  ` (an empty name) is unreadable.

    ## Example
    `msgid "Cannot open '%s'"` / `msgstr "Impossible d'ouvrir %s"`

    ## Use instead
    `msgstr "Impossible d'ouvrir « %s »"`

    ## Fix safety
    No fix: the target language's quote marks are the translator's choice.
    """

    code = "RT812"
    name = "placeholder-quotes"
    severity = Severity.INFO

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        if "%" not in unit.source and "{" not in unit.source:
            return
        src = quoted_placeholders(unit.source)
        tgt = quoted_placeholders(_spaced(unit.target))
        for key, quoted in src.items():
            if quoted and key in tgt and not tgt[key]:
                yield self.on_target(at, unit, f"the source quotes {key!r}; the target "
                                               "does not")


def _spaced(text: str) -> str:
    """French-style spaced quotes (``« %s »``) read as quotes round the placeholder."""
    return re.sub(r"([«„‚“‘])[\u00a0\u202f ]|[\u00a0\u202f ]([»“”’])",
                  lambda m: m.group(1) or m.group(2), text)


class PluralFormCount(BilingualRule):
    """
    ## What it does
    Counts the plural forms (`msgstr[0]`, `msgstr[1]`, …) of each plural entry and compares
    them with the `Plural-Forms` header's `nplurals` (or, without a header, with the number
    of forms the target language has in translate-toolkit's table).

    ## Why it matters
    `msgfmt -c` refuses the file, and at run time a count that needs a missing form shows
    the English text or nothing.

    ## Example
    `Plural-Forms: nplurals=3; …` with only `msgstr[0]` and `msgstr[1]`

    ## Use instead
    All three forms, `msgstr[0]`, `msgstr[1]` and `msgstr[2]`.

    ## Fix safety
    No fix: each form has to be written.
    """

    code = "RT813"
    name = "plural-form-count"
    severity = Severity.ERROR

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        want = ctx.nplurals
        if want is None and ctx.target_lang:
            from repairtool.bilingual.langs import plural_count

            want = plural_count(ctx.target_lang)
        if not want:
            return
        seen: set[str] = set()
        for unit, at in ctx.placed:
            forms = unit.extra.get("forms")
            if forms is None or unit.key in seen:
                continue
            seen.add(unit.key)
            if forms != want:
                have = f"{forms} plural form{'' if forms == 1 else 's'}"
                yield self.on_target(at, unit, f"{have}; the language has {want} "
                                               f"(nplurals={want})")


_SPACE = " \t\u00a0\u3000"


class WhitespaceMismatch(FlaggedRule):
    """
    ## What it does
    Compares the spaces at the start and end of source and target: a target that lost the
    source's leading or trailing space, or added one.

    ## Why it matters
    Strings are often concatenated (`"Name: " + value`); a lost trailing space glues the
    value to the label, an added one shows a gap.

    ## Example
    `msgid "Saved as "` / `msgstr "Enregistré sous"`

    ## Use instead
    `msgstr "Enregistré sous "`

    ## Fix safety
    Safe: the source's leading or trailing spaces are copied. A CJK target may drop the
    space after full-width punctuation (`名称：`), which is not reported.
    """

    code = "RT814"
    name = "whitespace-mismatch"
    severity = Severity.WARNING
    fixable = True

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        src, tgt = unit.source.strip("\n"), unit.target.strip("\n")
        if not src.strip(_SPACE) or not tgt.strip(_SPACE):
            return
        cjk = base_lang(ctx.target_lang) in CJK_LANGS
        lead = unit.target.index(tgt[0]) if tgt else 0
        for side in ("leading", "trailing"):
            s_ws = _edge(src, side)
            t_ws = _edge(tgt, side)
            if bool(s_ws) == bool(t_ws):
                continue
            inner = tgt.rstrip(_SPACE) if side == "trailing" else tgt.lstrip(_SPACE)
            if cjk and not t_ws and (inner[-1:] if side == "trailing" else inner[:1]) in \
                    "：，。！？；、）」』】":
                continue
            if side == "leading":
                pos = at + lead
                fix = Fix.replace("Copy the source's leading space", pos, pos + len(t_ws),
                                  s_ws, Applicability.SAFE)
            else:
                pos = at + lead + len(tgt) - len(t_ws)
                fix = Fix.replace("Copy the source's trailing space", pos, pos + len(t_ws),
                                  s_ws, Applicability.SAFE)
            msg = (f"the source has a {side} space and the target has none" if s_ws else
                   f"the target has a {side} space and the source has none")
            yield self.finding(pos, pos + len(t_ws), msg, [fix])


def _edge(text: str, side: str) -> str:
    if side == "leading":
        return text[:len(text) - len(text.lstrip(_SPACE))]
    return text[len(text.rstrip(_SPACE)):]


#: End punctuation and what counts as the same in other scripts.
_END_CLASS = {".": ".。．", "!": "!！", "?": "?？;؟;", ":": ":：", "…": "…", ";": ";；"}


def end_mark(text: str) -> str:
    """The end punctuation class of ``text`` (``...`` is ``…``), or ``""``."""
    t = text.rstrip(" \n\t\u00a0\u3000\"'”’»)）」』")
    if t.endswith(("...", "…", "。。。", "⋯")):
        return "…"
    last = t[-1:]
    for key, members in _END_CLASS.items():
        if last and last in members:
            return key
    return ""


class EndPunctuationMismatch(FlaggedRule):
    """
    ## What it does
    Compares how source and target end: a full stop, question mark, exclamation mark, colon,
    semicolon or ellipsis (`...` and `…` are one) that the target drops, changes or adds.
    The scripts' own forms count as the same (`。`, `？`, `：`, Greek `;`, Arabic `؟`), and
    a target ending in `.` where the source has `…` or the other way round is accepted only
    as written.

    ## Why it matters
    A label that lost its colon or a question that became a statement reads wrong in the
    interface; pofilter and Weblate both report it.

    ## Example
    `msgid "Save changes?"` / `msgstr "Änderungen speichern"`

    ## Use instead
    `msgstr "Änderungen speichern?"`

    ## Fix safety
    No fix: some languages end differently on purpose (Spanish adds `¿…?`, Thai has no
    full stop); use the entry flag `ignore-end-stop` where that is meant.
    """

    code = "RT815"
    name = "end-punctuation-mismatch"
    severity = Severity.INFO

    def unit(self, unit: Unit, at: int, ctx: Any) -> Iterator[Finding]:
        if base_lang(ctx.target_lang) in {"th", "lo", "km", "my"}:
            return  # scripts without sentence-final punctuation
        s_mark, t_mark = end_mark(unit.source), end_mark(unit.target)
        if s_mark == t_mark or not unit.source.strip() or not unit.target.strip():
            return
        if not s_mark and base_lang(ctx.target_lang) in CJK_LANGS:
            return  # CJK targets may close a sentence the source leaves open
        want = repr(s_mark) if s_mark else "no end punctuation"
        have = repr(t_mark) if t_mark else "none"
        yield self.on_target(at, unit, f"the source ends with {want}, the target with {have}")
