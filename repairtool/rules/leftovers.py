"""RT3: source-language leftovers — full-width forms, CJK ellipses, stray CJK, wrong language."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

import regex

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy, lazy_re
from repairtool.rules.base import Rule
from repairtool.words import is_function_word, word_list

#: Full-width and CJK punctuation with the ASCII that English uses instead.
_PUNCT = {
    "，": ",", "。": ".", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")",
    "「": '"', "」": '"', "『": '"', "』": '"', "【": "[", "】": "]", "《": '"', "》": '"',
    "〈": '"', "〉": '"', "、": ",", "〔": "(", "〕": ")", "［": "[", "］": "]", "｛": "{",
    "｝": "}", "＂": '"', "＇": "'", "～": "~", "｜": "|", "＆": "&", "＠": "@", "＃": "#",
    "％": "%", "＋": "+", "－": "-", "＝": "=", "／": "/", "＼": "\\", "＜": "<", "＞": ">",
    "＊": "*", "＄": "$", "＾": "^", "＿": "_", "｀": "`", "\u3000": " ",
}
#: Punctuation after which English puts a space when a word follows.
_SPACE_AFTER = frozenset(",.;:!?)]\"")
# stdlib `re`: a plain character class scans about ten times faster than with `regex`.
_FULLWIDTH = lazy_re(
    "[" + re.escape("".join(_PUNCT)) + r"\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]+")
_CJK = lazy(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


def _ascii(ch: str) -> str:
    if ch in _PUNCT:
        return _PUNCT[ch]
    return chr(ord(ch) - 0xFEE0)  # full-width letters and digits


class FullWidthForm(Rule):
    """
    ## What it does
    Finds full-width punctuation, letters and digits (`，。；：！？（）「」【】《》、`, `ＡＢＣ`,
    `１２３`) and the ideographic space in English text, outside runs of CJK text.

    ## Why it matters
    They are the Chinese or Japanese source's typography, carried over by the translation
    system. In English they look wrong, break search and tokenisers, and often swallow the
    space that should follow.

    ## Example
    `The ministry said，prices would rise（slightly）。`

    ## Use instead
    `The ministry said, prices would rise (slightly).`

    ## Fix safety
    Safe: each form is replaced by its ASCII equivalent, with a space after sentence
    punctuation when a letter follows. Line breaks are never added or removed. Forms between
    CJK characters are left alone: there they belong to a quoted Chinese name or phrase.
    """

    code = "RT301"
    name = "full-width-form"
    category = "leftover"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        for m in doc.non_ascii_matches(_FULLWIDTH):
            start, end = m.span()
            before = view[start - 1] if start else ""
            after = view[end] if end < len(view) else ""
            if _CJK.match(before) or _CJK.match(after) or "。。" in m.group():
                continue  # `。。。` is a Chinese ellipsis: RT302's
            yield self._finding(view, start, end, after)

    def _finding(self, view: str, start: int, end: int, after: str) -> Finding:
        found = view[start:end]
        repl = "".join(_ascii(c) for c in found)
        if repl and repl[-1] in _SPACE_AFTER and after.isalpha():
            repl += " "
        if repl.startswith(" ") and start and view[start - 1].isspace():
            repl = repl.lstrip(" ")
        fix = Fix.replace(f"Replace {found!r} with {repl!r}", start, end, repl,
                          Applicability.SAFE)
        return self.finding(start, end, f"full-width form {found!r} in English text", [fix])


# --- RT302 CJK-style ellipsis ------------------------------------------------------------

#: Cheap substring tests first; the regex runs only when one of them is present.
_ELLIPSIS_HINTS = ("......", "……", "。。", "⋯⋯", "．．")
_CJK_ELLIPSIS = lazy(r"(?<![.…。．⋯])(?:\.{6}|…{2,3}|[。．]{2,6}|⋯{2,3})(?![.…。．⋯])")
#: A leader or fill line: dots followed by a page number, or dots that stand alone.
_LEADER_AFTER = lazy(r"[ \t]*+(?:\d+|[ivxlc]+)?[ \t]*+(?:\r?\n|\Z)", regex.IGNORECASE)


class CjkEllipsis(Rule):
    """
    ## What it does
    Finds the Chinese ellipsis carried into English: six dots (`......`), two ellipsis
    characters (`……`), or ideographic full stops (`。。。`).

    ## Why it matters
    Chinese writes its ellipsis as 「……」, two characters wide. Translation systems copy it
    or spell it as six dots; English uses three.

    ## Example
    `Prices rose, wages rose, rents rose......`

    ## Use instead
    `Prices rose, wages rose, rents rose...`

    ## Fix safety
    Safe: a run of dots or `。` becomes `...`, a run of `…` or `⋯` becomes one `…`, so the
    text keeps its own ellipsis style. Only six dots (the two-character 「……」 spelt out)
    count: three or four dots (ellipsis plus full stop), five, seven or more (a style of
    other source languages, kept by their post-editors), and dot leaders before a page
    number at the end of a line are left alone.
    """

    code = "RT302"
    name = "cjk-ellipsis"
    category = "leftover"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if not any(h in view for h in _ELLIPSIS_HINTS):
            return
        for m in _CJK_ELLIPSIS.finditer(view):
            start, end = m.span()
            found = m.group()
            if found[0] in ".。．" and _is_leader(view, start, end):
                continue
            if _CJK.match(view[start - 1:start]) or _CJK.match(view[end:end + 1]):
                continue  # inside quoted Chinese, `……` is the right ellipsis
            repl = "…" if found[0] in "…⋯" else "..."
            fix = Fix.replace(f"Replace {found!r} with {repl!r}", start, end, repl,
                              Applicability.SAFE)
            yield self.finding(start, end, f"Chinese-style ellipsis {found!r}", [fix])


def _is_leader(view: str, start: int, end: int) -> bool:
    """Dots between a space and a page number, or dots alone on their line."""
    # Only the blanks just before the dots are looked at, never the whole line before
    # them (copying that prefix per finding was quadratic on a long line).
    i = start
    while i > 0 and view[i - 1].isspace() and view[i - 1] != "\n":
        i -= 1
    if i == 0 or view[i - 1] == "\n":
        return True  # nothing but blanks before the dots on their line
    return bool(i < start and _LEADER_AFTER.match(view, end))


# --- RT303 stray CJK ---------------------------------------------------------------------

_CJK_RUN = lazy(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
    r"(?:[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}ー・〇々、，。：；！？“”「」《》·]|"
    r"\s(?=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]))*+")
#: Fast pre-test (stdlib-speed character class over the main CJK blocks).
_CJK_ANY = lazy_re(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _cjk_runs(doc: Document) -> Iterable[tuple[int, int]]:
    """Spans of CJK runs: a fast stdlib search for the first character (among the view's
    non-ASCII code points only), then the run, which may reach on across spaces."""
    view, done = doc.view, 0
    for start, end in doc.non_ascii:
        hit = _CJK_ANY.search(view, max(start, done), end) if end > done else None
        while hit:
            m = _CJK_RUN.match(view, hit.start())
            done = m.end() if m else hit.end()
            if m:
                yield m.span()
            hit = _CJK_ANY.search(view, done, end) if done < end else None


_OPENERS = "([{（【《「『“‘\"'<〈|/"
_CLOSERS = ")]}）】》」』”’\"'>〉|/"
_CJK_CLAUSE = lazy(r"[，。、：；！？]")
#: Words after which CJK is quoted on purpose: `Chinese: 北京`, `the term 内卷`.
_GLOSS_BEFORE = lazy(
    r"(?:\b(?:chinese|mandarin|cantonese|japanese|korean|kanji|hanzi|hangul|kana|pinyin|"
    r"characters?|term|word|phrase|called|named|known as|meaning|literally|lit\.|"
    r"simplified|traditional|zh|ja|ko)|[:=])\s*+$",
    regex.IGNORECASE)
#: A gloss after the CJK: `内卷 (involution)`, `北京, "northern capital"`.
_GLOSS_AFTER = lazy(r"\s*+(?:[(\[（]|[,:–—-]\s*+[\"“'‘]|meaning\b|lit\.)")
_TWO_NAMES_BEFORE = lazy(r"\b\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+|-\p{Ll}+)+ $")
_NAME_BEFORE = lazy(r"\b\p{Lu}\p{Ll}+ $")
#: Share of letters in a paragraph above which the paragraph is CJK text (see RT304).
CJK_PARAGRAPH_SHARE = 0.5


class StrayCjk(Rule):
    """
    ## What it does
    Finds Chinese, Japanese or Korean characters left inside English sentences: a word or
    name the translation system did not translate.

    ## Why it matters
    English readers cannot read the leftover, and it is often a name, a number word or a
    term that carries the sentence's meaning, so the sentence loses information.

    ## Example
    `The company's 营收 rose 12% in the third quarter.`

    ## Use instead
    `The company's revenue rose 12% in the third quarter.`

    ## Fix safety
    No automatic fix: only a person can translate. A suggestion deletes the leftover, which
    is right only when the rest of the sentence already says it. CJK that is there on
    purpose is left alone: in brackets or quotes (`the term “内卷”`, `[中文](README.zh.md)`;
    but a bracketed clause with Chinese punctuation, `yuan (人民币，下同)`, is reported),
    followed by a gloss (`内卷 (involution)`), after `Chinese:` and the like, or after a
    name it spells (`Xi Jinping 习近平`), or a language's own name in a menu of languages
    (`English Français 日本語`). Paragraphs that are mostly CJK are RT304's.
    """

    code = "RT303"
    name = "stray-cjk"
    category = "leftover"
    severity = Severity.WARNING
    fixable = False

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        para, cjk_para = (0, -1), False
        for start, end in _cjk_runs(doc):
            if not para[0] <= start < end <= para[1]:  # runs come in order: one search each
                para = paragraph_bounds(view, start, end)
                cjk_para = mostly_cjk(view[para[0]:para[1]])
            if cjk_para or _deliberate(view, start, end, para):
                continue
            yield self._finding(view, start, end)

    def _finding(self, view: str, start: int, end: int) -> Finding:
        found = view[start:end]
        d_start, d_end = start, end
        if d_end < len(view) and view[d_end] == " " and d_start > 0 and view[d_start - 1] == " ":
            d_end += 1
        fix = Fix.replace(f"Delete {found!r} (translate it if it carries meaning)",
                          d_start, d_end, "", Applicability.SUGGESTION)
        return self.finding(start, end, f"untranslated {_script(found)} text {found!r}", [fix])


def paragraph_bounds(view: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the blank-line-separated paragraph around ``[start, end)``."""
    p_start = view.rfind("\n\n", 0, start)
    p_end = view.find("\n\n", end)
    return (0 if p_start < 0 else p_start + 2, len(view) if p_end < 0 else p_end)


_CJK_RUNS = lazy_re(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_OTHER_LETTER_RUNS = lazy_re(
    r"[^\W\d_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def mostly_cjk(text: str, cjk: int | None = None) -> bool:
    """Whether CJK characters make at least :data:`CJK_PARAGRAPH_SHARE` of the letters of
    ``text`` (``cjk``: their number, if known). Other letters are counted only until they
    decide, so a long English paragraph with one CJK word costs little."""
    if cjk is None:
        cjk = sum(map(len, _CJK_RUNS.findall(text)))
    if not cjk:
        return False
    limit = cjk * (1 - CJK_PARAGRAPH_SHARE) / CJK_PARAGRAPH_SHARE
    others = 0
    for m in _OTHER_LETTER_RUNS.finditer(text):
        others += m.end() - m.start()
        if others > limit:
            return False
    return True


_HANGUL = lazy(r"\p{Hangul}")
_KANA = lazy(r"[\p{Hiragana}\p{Katakana}]")


def _script(text: str) -> str:
    if _HANGUL.search(text):
        return "Korean"
    if _KANA.search(text):
        return "Japanese"
    return "Chinese"


def _deliberate(view: str, start: int, end: int, para: tuple[int, int]) -> bool:
    """Whether the CJK run at ``[start, end)`` is quoted, glossed or spelled on purpose."""
    before = view[max(para[0], start - 40):start]
    after = view[end:min(para[1], end + 40)]
    b = before.rstrip()
    a = after.lstrip()
    if _GLOSS_BEFORE.search(before):
        return True
    if view[start:end] in _AUTONYMS and _AUTONYM_NEAR.search(before + " " + after):
        return True  # `English Français 日本語 Deutsch`: a language menu names each language
    if b[-1:] in ("(", "（", "[") and _CJK_CLAUSE.search(view, start, end):
        return False  # `yuan.(人民币，下同)`: a bracketed clause is an untranslated note
    if (b[-1:] and b[-1] in _OPENERS) or (a[:1] and a[0] in _CLOSERS):
        return True
    if _GLOSS_AFTER.match(after):
        return True
    if _inside_brackets(view, para[0], start):
        return True
    # A name followed by how it is written: `Xi Jinping 习近平 said`, `in Tokyo 東京.`
    names = _TWO_NAMES_BEFORE.search(before)
    if names and not is_function_word(names.group().split(" ", 1)[0]):
        return True  # not `The Tibetan 合作 is`: a sentence's first word is no name
    return bool(_NAME_BEFORE.search(before) and (not a or a[0] in ",;.:)"))


#: Names of CJK languages in their own script, and of other languages as a menu of
#: languages writes them: next to another, each is the menu's entry, not a leftover.
_AUTONYMS = frozenset({"日本語", "日本语", "中文", "简体中文", "繁體中文", "繁体中文", "汉语",
                       "漢語", "粵語", "한국어", "한어", "조선어"})
_AUTONYM_NEAR = lazy(r"English|Français|Deutsch|[Ee]spañol|Português|Italiano|Русский|"
                     r"Ελληνικά|Nederlands|Polski|Türkçe|日本語|中文|한국어|한어")


def _inside_brackets(view: str, para_start: int, start: int) -> bool:
    """Whether an opening bracket before ``start`` in the paragraph is still open."""
    window = view[max(para_start, start - 200):start]
    opened = window.rfind("(")
    opened = max(opened, window.rfind("（"), window.rfind("["))
    if opened < 0:
        return False
    return not any(c in window[opened:] for c in ")）]")


# --- RT304 wrong language ----------------------------------------------------------------

#: langdetect is asked only about stretches with at least this many letters and lower-case
#: words (names and identifiers do not count).
MIN_LETTERS, MIN_WORDS = 40, 10
#: Share of frequent-English tokens at or above which a paragraph counts as English (or as
#: a list of names) without asking langdetect. English prose scores 0.4-0.6, lists of names
#: and references 0.1-0.3, French, German, Spanish and Italian 0.05-0.10.
ENGLISH_RATIO = 0.12
#: Share of letters among the non-space characters below which a stretch is not prose.
LETTER_SHARE = 0.75
#: A longer paragraph is judged on its first this many code points (langdetect itself
#: reads no more than 10,000).
SAMPLE = 20_000
#: langdetect must be at least this sure before a paragraph is reported.
MIN_PROBABILITY = 0.95
#: Counted case-sensitively with str.count (C speed); sentence-initial "The" is not needed.
_FAST_WORDS = tuple(f" {w} " for w in word_list("fast-english"))
#: A word that is not part of an identifier, path, file name or call (`config.yaml`, `f(`).
_WORD_ORIG = lazy(r"(?<![\p{L}\p{N}_./\\-])\p{L}+(?![\p{L}\p{N}_/\\(-]|\.\p{L})")
_LETTER = lazy(r"\p{L}")
_LANGUAGE_NAMES = {
    "zh-cn": "Chinese", "zh-tw": "Chinese", "ja": "Japanese", "ko": "Korean", "fr": "French",
    "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "ru": "Russian", "vi": "Vietnamese", "id": "Indonesian", "tr": "Turkish", "pl": "Polish",
    "sv": "Swedish", "en": "English",
}


class WrongLanguage(Rule):
    """
    ## What it does
    Finds paragraphs that are not in the document's language (English unless set): a
    paragraph that is mostly Chinese, Japanese or Korean, or a Latin-script paragraph that
    `langdetect` is sure is another language.

    ## Why it matters
    A paragraph the system failed to translate, or copied from the source, is lost on the
    reader and usually goes unnoticed in a long text.

    ## Example
    `国务院常务会议决定进一步加大对小微企业的支持力度，并部署稳定就业的措施。`
    in an English article.

    ## Use instead
    `The State Council executive meeting decided to step up support for small firms and
    set out measures to stabilise employment.`

    ## Fix safety
    No fix: only a person can translate. The check is cheap on English: a paragraph that is
    mostly CJK needs no language detector, a paragraph full of frequent English words is
    English, and `langdetect` (with a fixed seed, so results repeat) is asked only about
    what is left, and only when it has at least 40 letters in 10 lower-case words (names
    and identifiers are left out: they make langdetect guess). A paragraph longer than
    20,000 characters is judged on its first 20,000.
    """

    code = "RT304"
    name = "wrong-language"
    category = "leftover"
    severity = Severity.WARNING
    fixable = False

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        target = doc.language.lower().split("-")[0].split("_")[0]
        count = view.count
        cjk_at = [start for start, _end in _cjk_runs(doc)]
        for start, end in doc.segments():
            found = None
            if cjk_at and _holds(cjk_at, start, end):
                found = _cjk_language(view[start:end])
            if found is None and end - start >= MIN_LETTERS:  # shorter: too short to judge
                words = count(" ", start, end) + 1
                # Most paragraphs are English by their function words, decided without
                # copying them; the rest are tokenised, and perhaps shown to langdetect.
                if words >= MIN_WORDS and not (
                        target == "en" and _clearly_english(count, start, end, words)):
                    found = self._slow_judge(view[start:min(end, start + SAMPLE)], target)
            if found:
                yield self.finding(start, end,
                                   f"paragraph in {found}, not in the document's language")

    def _slow_judge(self, text: str, target: str) -> str | None:
        letters = len(_LETTER.findall(text))
        if letters < MIN_LETTERS or letters < LETTER_SHARE * (len(text) - text.count(" ")):
            return None  # short, or code, tables, lists of numbers: not prose
        # Names, acronyms and identifiers say nothing about the language (and make
        # langdetect guess Dutch for `(Ben Noordhuis)`): judge the lower-case words only.
        words = [w for w in _WORD_ORIG.findall(text) if w[0].islower() and w.isalpha()]
        if len(words) < MIN_WORDS or sum(map(len, words)) < MIN_LETTERS:
            return None
        if target == "en":
            common = common_english()
            if sum(w in common for w in words) >= ENGLISH_RATIO * len(words):
                return None
        lang, prob = detect_language(" ".join(words))
        if lang is None or lang.split("-")[0] == target or prob < MIN_PROBABILITY:
            return None
        return _LANGUAGE_NAMES.get(lang, lang)


def _cjk_language(text: str) -> str | None:
    """The CJK language a paragraph is mostly written in, if it is."""
    cjk = sum(map(len, _CJK_RUNS.findall(text)))
    return _script(text[:2000]) if cjk >= 10 and mostly_cjk(text, cjk) else None


def _holds(positions: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _clearly_english(count: Callable[..., int], start: int, end: int, words: int) -> bool:
    """Common English function words make 5% of the paragraph's ``words`` (at least two)."""
    hits = 0
    for w in _FAST_WORDS:  # most English paragraphs pass on " the " and " of "
        hits += count(w, start, end)
        if hits >= 2 and hits * 100 >= words * 5:
            return True
    return False


_COMMON: frozenset[str] | None = None


def common_english() -> frozenset[str]:
    """The frequent English words shipped in ``repairtool/data/common_en.txt``."""
    global _COMMON
    if _COMMON is None:
        from importlib.resources import files

        raw = files("repairtool").joinpath("data/common_en.txt").read_text(encoding="utf-8")
        _COMMON = frozenset(line.strip() for line in raw.splitlines()
                            if line.strip() and not line.startswith("#"))
    return _COMMON


def detect_language(text: str) -> tuple[str | None, float]:
    """langdetect's most likely language and its probability (seeded: the same every run)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, best.prob
