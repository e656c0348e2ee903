"""RT8: bilingual checks — the target compared with its source, and with the rest of the file.

These rules run only on documents built by :mod:`repairtool.bilingual.scan`, which puts a
:class:`~repairtool.bilingual.scan.Context` in ``doc.options["bilingual"]``: the units, where
each target starts in ``doc.text``, and the language pair. On plain text they find nothing.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from repairtool.document import MASK, Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy_re
from repairtool.rules.base import ANY_LANGUAGE, Rule

if TYPE_CHECKING:
    from repairtool.bilingual import numbers as nums
    from repairtool.bilingual.formats import Unit


def _lazy(name: str) -> Any:
    """The number and token helpers, imported on first use (they compile big patterns)."""
    import importlib

    return importlib.import_module(f"repairtool.bilingual.{name}")

_CJK = lazy_re(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_CJK_RUN = lazy_re(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]"
                      r"(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
                      r"\u3000-\u303f\uff00-\uffef0-9 ]*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                      r"\u3040-\u30ff\uac00-\ud7af])?")
_LETTER = lazy_re(r"[^\W\d_]")
_NON_LETTER = lazy_re(r"[\W\d_]+")
_NON_CJK = lazy_re(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+")


def count_cjk(text: str) -> int:
    return len(_NON_CJK.sub("", text))
_WORD = lazy_re(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
CJK_LANGS = frozenset({"zh", "ja", "ko"})
#: A cheap test before the token regexes: no token without one of these.
_MAYBE_TOKEN = lazy_re(r"[%{<@$]|://")


def base_lang(lang: str | None) -> str:
    return (lang or "").lower().replace("_", "-").split("-")[0]


class BilingualRule(Rule):
    """Shared helpers: findings on a target span, or on the whole target."""

    category = "bilingual"
    languages = frozenset({ANY_LANGUAGE})
    #: Placeholders, URLs and tags are hidden from monolingual rules, but compared here.
    reads_hidden = True

    @staticmethod
    def ctx(doc: Document) -> Any:
        return doc.options.get("bilingual")

    def on_target(self, at: int, unit: Unit, message: str, fixes: Iterable[Fix] = ()
                  ) -> Finding:
        return self.finding(at, at + len(unit.target), message, fixes)


def _strip_tokens(text: str) -> str:
    for t in reversed(_lazy("tokens").all_tokens(text)):
        text = text[:t.start] + " " + text[t.end:]
    return text.replace(MASK, " ")


def needs_translation(source: str, source_lang: str) -> bool:
    """Whether a source has words that a translation must change (not numbers, codes, URLs,
    placeholders or a lone name)."""
    plain = _strip_tokens(source)
    if _CJK.search(plain):
        return base_lang(source_lang) in CJK_LANGS or not source_lang
    words = _WORD.findall(plain)
    if len(words) < 2:
        return False
    lower = [w for w in words if w.islower() and len(w) > 1]
    return len(lower) >= 2


class UntranslatedTarget(BilingualRule):
    """
    ## What it does
    Finds units left untranslated: an empty target, a target identical to a source that has
    words to translate, or a target written in the source language (its script, or for
    same-script pairs the language langdetect finds in a target of 40+ letters).

    ## Why it matters
    An untranslated string ships as a hole or as source text in the product; a copy of the
    source is often a translation step that silently failed.

    ## Example
    `msgid "打开文件"` / `msgstr "打开文件"`

    ## Use instead
    `msgstr "Open file"`

    ## Fix safety
    No fix: only a translator can write the translation. Numbers, codes, URLs, placeholders
    and lone names that need no translation are not reported when copied.
    """

    code = "RT801"
    name = "untranslated-target"
    severity = Severity.WARNING

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        same_language = bool(ctx.source_lang) and \
            base_lang(ctx.source_lang) == base_lang(ctx.target_lang)
        for unit, at in ctx.placed:
            src, tgt = unit.source.strip(), unit.target.strip()
            if not src:
                continue
            if not tgt:
                if needs_translation(src, ctx.source_lang) or _LETTER.search(src):
                    yield self.finding(at, at, "empty translation")
            elif tgt == src:
                if not same_language and needs_translation(src, ctx.source_lang):
                    yield self.on_target(at, unit, "target is a copy of the source")
            elif self._in_source_language(tgt, ctx):
                yield self.on_target(at, unit,
                                     f"target is in the source language ({ctx.source_lang})")

    @staticmethod
    def _in_source_language(tgt: str, ctx: Any) -> bool:
        src_l, tgt_l = base_lang(ctx.source_lang), base_lang(ctx.target_lang)
        if not src_l or not tgt_l or src_l == tgt_l:
            return False
        if src_l in CJK_LANGS and tgt_l not in CJK_LANGS and not _CJK.search(tgt):
            return False
        if src_l not in CJK_LANGS and len(tgt) < 40:
            return False
        plain = _strip_tokens(tgt)
        letters = _NON_LETTER.sub("", plain)
        if len(letters) < 4:
            return False
        cjk = count_cjk(letters)
        if src_l in CJK_LANGS and tgt_l not in CJK_LANGS:
            return cjk / len(letters) > 0.5
        if tgt_l in CJK_LANGS:
            return cjk == 0 and len(letters) >= 40 and detect(plain) == src_l
        return len(letters) >= 40 and detect(plain) == src_l


def detect(text: str) -> str | None:
    """The language langdetect finds with probability >= 0.9 (seeded; imported lazily)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None
    return base_lang(best.lang) if best.prob >= 0.9 else None


class SourceScriptLeftover(BilingualRule):
    """
    ## What it does
    Finds runs of CJK characters in a target whose language is not written in CJK script
    while the source is (Chinese, Japanese or Korean), and says when the run was copied from
    the source.

    ## Why it matters
    A fragment the MT system left in the source script is unreadable for the target reader
    and marks the translation as machine output.

    ## Example
    `Income rose to 3亿 yuan` (source `收入增至3亿元`)

    ## Use instead
    `Income rose to 300 million yuan`

    ## Fix safety
    No fix: the fragment needs translating. Runs inside `《》` or `「」`, or followed by a
    parenthesised gloss, are left alone: they quote the original on purpose.
    """

    code = "RT802"
    supersedes = frozenset({"RT303"})  # the same leftover, said with its source
    name = "source-script-leftover"
    severity = Severity.WARNING

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or base_lang(ctx.target_lang) in CJK_LANGS:
            return
        for unit, at in ctx.placed:
            tgt = unit.target
            if not _CJK.search(tgt) or not _CJK.search(unit.source or "一"):
                continue
            letters = len(_NON_LETTER.sub("", tgt))
            cjk = count_cjk(tgt)
            if letters and cjk / letters > 0.5:
                continue  # the whole target is untranslated: RT801's finding
            for m in _CJK_RUN.finditer(tgt):
                if _quoted(tgt, m.start(), m.end()):
                    continue
                run = m.group()
                how = " (copied from the source)" if run in unit.source else ""
                yield self.finding(at + m.start(), at + m.end(),
                                   f"source-script text {run!r} in the translation{how}")


def _quoted(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before in "《「『“\"" and after in "》」』”\"":
        return True
    return bool(re.match(r"\s*\(\s*[A-Za-z]", text[end:end + 6]))


class NumberMismatch(BilingualRule):
    """
    ## What it does
    Compares the numbers of source and target as values, after normalising digits,
    thousands separators, full-width forms, Chinese numerals and magnitudes (两千 = 2000,
    1.5万 = 15,000, 3亿 = 300 million, 百分之五 = 5%, 第三 = 3rd, 四成 = 40%, 五六百 = 500
    or 600), and reports target numbers that match no source number while a source number
    is missing from the target. Years the target adds and clock minutes are not compared.

    ## Why it matters
    A wrong number is among the most harmful translation errors, and MT systems drop or
    mis-scale Chinese magnitudes (万, 亿) often.

    ## Example
    `价格上涨了两千元` → `Prices rose by 200 yuan`

    ## Use instead
    `Prices rose by 2,000 yuan`

    ## Fix safety
    Unsafe: when exactly one source number written in digits is unmatched and exactly one
    target number is, the fix puts the source's digits in its place; read the sentence.
    Otherwise no fix.
    """

    code = "RT803"
    name = "number-mismatch"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        src_cjk = base_lang(ctx.source_lang) in CJK_LANGS
        tgt_cjk = base_lang(ctx.target_lang) in CJK_LANGS
        for unit, at in ctx.placed:
            if not unit.target.strip() or unit.target.strip() == unit.source.strip():
                continue
            s_nums = _lazy("numbers").numbers(_blank_tokens(unit.source), src_cjk)
            t_nums = _lazy("numbers").numbers(_blank_tokens(unit.target), tgt_cjk)
            if not s_nums or not t_nums:
                continue
            yield from self._compare(unit, at, s_nums, t_nums)

    def _compare(self, unit: Unit, at: int, s_nums: list[nums.Number],
                 t_nums: list[nums.Number]) -> Iterator[Finding]:
        free = list(s_nums)
        extra = []
        for t in t_nums:
            match = next((s for s in free if s.matches(t)), None)
            if match is None:
                match = next((s for s in s_nums if s.matches(t)), None)
                if match is None:
                    extra.append(t)
                continue
            free.remove(match)
        missing = [s for s in free if not any(s.matches(t) for t in t_nums)]
        if not missing:
            return  # a number only the target has is more often an addition than an error
        for t in extra:
            if 1900 <= t.value <= 2100 and t.text.isdigit():
                continue  # a year the translation spells out (July 26 -> July 26, 2020)
            want = ", ".join(s.text for s in missing)
            msg = f"number {t.text!r} is not in the source (the source has {want})"
            fixes = []
            if len(extra) == 1 and len(missing) == 1 and re.fullmatch(r"[\d.,]+",
                                                                        missing[0].text):
                fixes.append(Fix.replace(f"Use the source's {missing[0].text!r}",
                                         at + t.start, at + t.end, missing[0].text,
                                         Applicability.UNSAFE))
            yield self.finding(at + t.start, at + t.end, msg, fixes)


def _blank_tokens(text: str) -> str:
    """``text`` with URLs, placeholders and tags blanked out (same length)."""
    if not _MAYBE_TOKEN.search(text):
        return text
    for t in _lazy("tokens").all_tokens(text):
        text = text[:t.start] + " " * (t.end - t.start) + text[t.end:]
    return text


class TokenMismatch(BilingualRule):
    """
    ## What it does
    Compares what a translation must carry over unchanged: printf placeholders (`%s`, `%d`,
    `%1$s`, `%(name)s`), brace placeholders (`{name}`, `{0}`, `{{name}}`, ICU
    `{count, plural, ...}`), inline markup tags (XLIFF/TMX inline elements and HTML tags),
    Symfony `%name%`, URLs and e-mail addresses. Reports target tokens that are not in the
    source, and every source token the target lost (in one finding). A PO entry's format
    flags decide which syntax is a placeholder: with `#, c-format` a `{name}` is text, with
    `#, python-brace-format` a `%s` is, and `no-c-format` switches printf checks off.

    ## Why it matters
    A changed placeholder crashes the program or shows the wrong value; a lost tag breaks the
    layout; a changed URL sends readers elsewhere.

    ## Example
    `共有%d个文件` → `There are %s files`

    ## Use instead
    `There are %d files`

    ## Fix safety
    Unsafe: when one token of a kind is missing and one of the same kind is extra, the fix
    replaces the extra one with the source's. A token that is only missing has no fix
    (where it goes is the translator's call).
    """

    code = "RT804"
    name = "placeholder-mismatch"
    severity = Severity.ERROR
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        for unit, at in ctx.placed:
            if not unit.target.strip():
                continue
            yield from self._unit(unit, at)

    def _unit(self, unit: Unit, at: int) -> Iterator[Finding]:
        tokens = _lazy("tokens")
        src_t = tokens.all_tokens(unit.source)
        tgt_t = tokens.all_tokens(unit.target)
        families = tokens.allowed_families(unit.extra.get("flags") or ())
        if families is not None:  # `#, c-format`: a `{name}` is text, not a placeholder
            def keep(t: Any) -> bool:
                return t.kind != "placeholder" or tokens.family(t.key) in families

            src_t, tgt_t = [t for t in src_t if keep(t)], [t for t in tgt_t if keep(t)]
        missing, extra = tokens.difference(src_t, tgt_t)
        for t in extra:
            same_kind = [m for m in missing if m.kind == t.kind]
            fixes = []
            if len(same_kind) == 1 and sum(e.kind == t.kind for e in extra) == 1:
                fixes.append(Fix.replace(f"Use the source's {same_kind[0].text!r}",
                                         at + t.start, at + t.end, same_kind[0].text,
                                         Applicability.UNSAFE))
            yield self.finding(at + t.start, at + t.end,
                               f"{t.kind} {t.text!r} is not in the source", fixes)
        lost = [m for m in missing if not any(e.kind == m.kind for e in extra)]
        if lost:  # every lost token, in one finding on the target
            names = ", ".join(f"{m.kind} {m.text!r}" for m in lost)
            verb = "is" if len(lost) == 1 else "are"
            yield self.on_target(at, unit, f"{names} of the source {verb} missing")
        if unit.source_tags or unit.target_tags:
            want = sorted(t.lstrip("/") for t in unit.source_tags)
            have = sorted(t.lstrip("/") for t in unit.target_tags)
            if want != have and unit.target.strip():
                yield self.on_target(at, unit, f"inline markup differs: source has "
                                     f"{len(want)} tags, target {len(have)}")


class LengthRatioOutlier(BilingualRule):
    """
    ## What it does
    Finds targets much shorter or longer than their source compared with the other units of
    the same file: the log length ratio of each unit is scored against the file's median with
    a robust z-score (median absolute deviation), so the expected ratio of the language pair
    comes from the file itself. Needs 30 units with sources of 10+ characters.

    ## Why it matters
    A target far shorter than usual has often lost a clause (omission); one far longer has
    often gained hallucinated or repeated text (addition).

    ## Example
    A 60-character Chinese sentence whose English target is `Yes.` in a file where English
    runs about three times the Chinese length.

    ## Use instead
    The full translation.

    ## Fix safety
    No fix: the finding only says where to look.
    """

    code = "RT805"
    name = "length-ratio-outlier"
    severity = Severity.WARNING
    MIN_UNITS = 30
    MIN_SOURCE = 10
    THRESHOLD = 4.0
    MIN_MAD = 0.15

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        rows = [(u, at, math.log((len(u.target.strip()) + 1) / (len(u.source.strip()) + 1)))
                for u, at in ctx.placed
                if len(u.source.strip()) >= self.MIN_SOURCE and u.target.strip()
                and u.target.strip() != u.source.strip()]
        if len(rows) < self.MIN_UNITS:
            return
        values = sorted(r[2] for r in rows)
        med = _median(values)
        # A floor on the spread: in very uniform files (UI strings, generated text) a small
        # deviation is not a sign of omission.
        mad = max(_median(sorted(abs(v - med) for v in values)), self.MIN_MAD)
        expected = math.exp(med)
        for unit, at, v in rows:
            z = 0.6745 * (v - med) / mad
            if abs(z) >= self.THRESHOLD:
                what = "shorter" if z < 0 else "longer"
                hint = "an omission?" if z < 0 else "an addition?"
                yield self.on_target(
                    at, unit, f"target is much {what} than usual for this file "
                    f"(ratio {math.exp(v):.2f}, file median {expected:.2f}, z={z:+.1f}): {hint}")


def _median(values: list[float]) -> float:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class InconsistentTranslation(BilingualRule):
    """
    ## What it does
    Finds a source (with the same context and plural form) translated in different ways in
    one file, and reports each later unit that differs from the first translation.

    ## Why it matters
    Inconsistent UI strings and terms confuse readers and are a common sign of segments
    translated by different systems or at different times.

    ## Example
    `保存` → `Save` in one unit and `Keep` in another.

    ## Use instead
    One translation for one source (or different contexts that say why).

    ## Fix safety
    No fix: which translation is right is the translator's choice.
    """

    code = "RT806"
    name = "inconsistent-translation"
    severity = Severity.WARNING

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        first: dict[tuple[str, Any], tuple[Unit, str]] = {}
        for unit, at in ctx.placed:
            if not unit.target.strip() or not unit.source.strip():
                continue
            key = (_norm(unit.source) + "\x04" + unit.extra.get("context", ""), unit.plural)
            tgt = _norm(unit.target)
            seen = first.get(key)
            if seen is None:
                first[key] = (unit, tgt)
            elif seen[1] != tgt:
                line = seen[0].extra.get("line")
                where = f" (line {line})" if line else ""
                yield self.on_target(at, unit, f"the same source is translated "
                                     f"{seen[0].target.strip()!r} elsewhere{where}")


class SharedTarget(BilingualRule):
    """
    ## What it does
    Finds one target (of three or more words) used for different sources in one file.

    ## Why it matters
    Two different source sentences rarely have the same translation; the second is often a
    translation memory match pasted into the wrong unit.

    ## Example
    `打开文件` → `Save the file` and `保存文件` → `Save the file`.

    ## Use instead
    `Open the file` for the first.

    ## Fix safety
    No fix: the finding says where to look.
    """

    code = "RT807"
    name = "shared-target"
    severity = Severity.INFO

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual:
            return
        by_target: dict[str, list[tuple[Unit, int]]] = defaultdict(list)
        for unit, at in ctx.placed:
            t = _norm(unit.target)
            if len(_WORD.findall(t)) >= 3 or len(_CJK.findall(t)) >= 6:
                by_target[t].append((unit, at))
        for group in by_target.values():
            sources = {re.sub(r"\W+", "", _norm(u.source)) for u, _ in group}
            if len(sources) < 2:
                continue
            first = group[0][0]
            for unit, at in group[1:]:
                if re.sub(r"\W+", "", _norm(unit.source)) != re.sub(r"\W+", "",
                                                                     _norm(first.source)):
                    yield self.on_target(at, unit, f"the same target also translates "
                                         f"{first.source.strip()[:40]!r}")


class GlossaryTerm(BilingualRule):
    """
    ## What it does
    Checks the term base given with `--glossary FILE` (CSV `source,target[,target...]` or
    TBX) or the `glossary` config key: where a source contains a term, the target must
    contain one of its approved translations.

    ## Why it matters
    Product names, legal terms and UI labels have one approved translation; MT picks
    synonyms, which breaks consistency and sometimes meaning.

    ## Example
    Glossary `云服务器,cloud server`; `购买云服务器` → `Buy a cloud host`

    ## Use instead
    `Buy a cloud server`

    ## Fix safety
    No fix: the term may need its sentence rebuilt around it.
    """

    code = "RT808"
    name = "glossary-term"
    severity = Severity.WARNING

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual or not ctx.glossary:
            return
        for unit, at in ctx.placed:
            if not unit.target.strip():
                continue
            src, tgt = unit.source.casefold(), unit.target.casefold()
            for term, targets in ctx.glossary:
                if _contains(src, term) and not any(_contains(tgt, t) for t in targets):
                    yield self.on_target(at, unit, f"source term {term!r} needs the approved "
                                         f"translation {' or '.join(map(repr, targets))}")


def _contains(text: str, term: str) -> bool:
    if _CJK.search(term):
        return term in text
    return re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text) is not None


_UNGROUPED = lazy_re(r"(?<![\w.,:/#@$-])(\d{4,})(?![\w:/@-]|[.,]\w)")
_ID_BEFORE = lazy_re(r"(?:\b(?:no|nr|number|code|id|tel|phone|room|flight|bus|route|line|"
                        r"model|version|port|zip|postcode|item|case|patent|isbn|marker|"
                        r"kilometer|km)\.?\s*)$", re.IGNORECASE)


def group_digits(digits: str) -> str:
    """``12345`` as ``12,345``."""
    return f"{int(digits):,}"


class UngroupedDigits(BilingualRule):
    """
    ## What it does
    Finds numbers of four or more digits written without thousands separators in an English
    target (`10000`, `2691`) when a Chinese, Japanese or Korean source has the same digits:
    the translation copied the Chinese way of writing them. A source in a Latin script that
    writes the number so (`2600 Magazine`) is the source's own convention: not reported.
    Years (1000–2100 as four digits) and numbers after `No.`, `code`, `ID`, `tel`,
    `flight`, `model` and the like are not reported either.

    ## Why it matters
    English groups thousands with commas; `30000 people` reads as machine output and is easy to
    misread. Professional raters mark it as a punctuation error.

    ## Example
    `保险覆盖2691人` → `The insurance covers 2691 people`

    ## Use instead
    `The insurance covers 2,691 people`

    ## Fix safety
    Unsafe: commas are inserted every three digits; an identifier that only looks like a
    quantity would be damaged, so read it.
    """

    code = "RT809"
    name = "ungrouped-digits"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        ctx = self.ctx(doc)
        if ctx is None or ctx.monolingual or base_lang(ctx.target_lang) != "en":
            return
        for unit, at in ctx.placed:
            tgt = unit.target
            if not any(c.isdigit() for c in tgt) or not _CJK.search(unit.source):
                continue  # an English source writes "2600 Magazine" so itself
            for m in _UNGROUPED.finditer(tgt):
                digits = m.group(1)
                if digits.startswith("0") or digits not in unit.source:
                    continue
                if len(digits) == 4 and 1000 <= int(digits) <= 2100:
                    continue
                if _ID_BEFORE.search(tgt[max(0, m.start() - 12):m.start()]):
                    continue
                grouped = group_digits(digits)
                fix = Fix.replace(f"Write {grouped}", at + m.start(), at + m.end(), grouped,
                                  Applicability.UNSAFE)
                yield self.finding(at + m.start(), at + m.end(),
                                   f"{digits} has no thousands separators (English: {grouped})",
                                   [fix])
