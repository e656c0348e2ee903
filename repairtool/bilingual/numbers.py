"""Numbers as values, in Chinese and English text: digits with separators, full-width forms,
Chinese numerals and magnitudes (两千 = 2000, 1.5万 = 15000, 3亿 = 3e8, 百分之五 = 5%,
第三 = 3), English magnitudes (1.5 million) and ordinals (3rd)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_EN_BIG = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "k": 1000, "m": 1_000_000, "bn": 1_000_000_000}

#: Full-width digits, point and percent (not the comma: in Chinese text it is punctuation).
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} |
                           {"．": ".", "％": "%"})

#: A number in digits (with thousands separators and decimals), then an optional magnitude.
_DIGITS = re.compile(
    r"(?:(?<![A-Za-z0-9_.,])|(?<=RMB)|(?<=USD)|(?<=HKD)|(?<=CNY)|(?<=EUR)|(?<=GBP))"
    r"(\d{1,3}(?:[,\u00a0\u202f]\d{3}(?![\d]))+|\d+)"
    r"(\.\d+)?(?![\d])"
    r"(?:\s?[多余几]?(万亿|万|亿|千|百))?"
    r"(?:\s?(hundred|thousand|million|billion|trillion|bn|[kK])\b)?"
    r"(st|nd|rd|th)?")
_CN_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CN_UNIT_AFTER = re.compile(
    r"[个年月日号元岁人次家名倍天点分秒度位项条座所只件场届期级成米吨斤克升亩]")
_CLOCK = re.compile(r"(?<=\d:)(\d{2})(?!\d)|(?<=\d: )(\d{2})(?!\d)")
_CN_MINUTES = re.compile(r"(?<=[时点])(\d{1,2})(?=分)")
_CN_FIRST = re.compile(r"首(?=[届次个位批家款])")
_CN_APPROX = re.compile(r"([一二三四五六七八九])([一二三四五六七八九])([十百千万亿]*)")
_IN_NAME = re.compile(r"[A-Za-z]-")
_PERCENT_CN = re.compile(r"百分之([零〇一二两三四五六七八九十百千\d.]+)")
_ORDINAL_CN = "第"


@dataclass(slots=True)
class Number:
    value: float
    start: int
    end: int
    text: str
    #: Another value the same words can stand for (the 1980s = the 80s of 上世纪80年代).
    alt: float | None = None
    magnitude: float = 1.0

    def matches(self, other: Number) -> bool:
        return any(same(a, b) for a in (self.value, self.alt) if a is not None
                   for b in (other.value, other.alt) if b is not None)


def _norm(value: float) -> float:
    return round(value, 6)


def cn_numeral(s: str) -> int | None:
    """The value of a Chinese numeral such as 两千三百, 十五, 三亿五千万 (None if not one)."""
    result, wan, section, digit = 0, 0, 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            if digit:
                return None  # 二三 is not a numeral we read
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch == "万":
            wan = (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            result = (result + wan + section + (digit or 0)) * 100_000_000
            wan, section, digit = 0, 0, None
        else:
            return None
    return result + wan + section + (digit or 0)


_ANY = re.compile(r"[0-9\uFF10-\uFF19零〇一二两三四五六七八九十百千万亿首]")


def numbers(text: str, chinese: bool) -> list[Number]:
    """Every number in ``text`` with its value and span."""
    if not _ANY.search(text):
        return []
    text_n = text.translate(_FULLWIDTH)
    out: list[Number] = []
    taken: list[tuple[int, int]] = []
    if chinese:
        for m in _PERCENT_CN.finditer(text_n):
            v = _value(m.group(1))
            if v is not None:
                out.append(Number(_norm(v), m.start(), m.end(), m.group()))
                taken.append(m.span())
    if not chinese:  # minutes of a clock time (19:00, 4:30) are left out
        taken.extend(m.span() for m in _CLOCK.finditer(text_n))
    else:
        taken.extend(m.span() for m in _CN_MINUTES.finditer(text_n))
        for m in _CN_FIRST.finditer(text_n):
            out.append(Number(1.0, m.start(), m.end(), m.group()))
            taken.append(m.span())
        for m in _CN_APPROX.finditer(text_n):  # 五六百 = 500 or 600
            a, b = _CN_DIGIT[m.group(1)], _CN_DIGIT[m.group(2)]
            low, high = cn_numeral(m.group(1) + m.group(3)), cn_numeral(m.group(2) + m.group(3))
            if b == a + 1 and low is not None and high is not None:
                out.append(Number(float(low), m.start(), m.end(), m.group(), float(high)))
                taken.append(m.span())
    for m in _DIGITS.finditer(text_n):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if _IN_NAME.match(text_n, max(0, m.start() - 2)) and m.start() >= 2:
            continue  # COVID-19, MH-17: part of a name
        v = float(re.sub(r"[,\u00a0\u202f]", "", m.group(1)) + (m.group(2) or ""))
        mag = m.group(3) or m.group(4)
        if mag:
            v *= _CN_BIG.get(mag, 0) or _CN_SMALL.get(mag, 0) or _EN_BIG.get(mag.lower(), 1) \
                if mag != "万亿" else 1_000_000_000_000
        end = m.end()
        if chinese and text_n[end:end + 1] == "成":  # 四成 = 40%
            v, end = v * 10, end + 1
        alt = None
        if not chinese and text_n[end:end + 1] == "s" and v >= 1900 and v % 10 == 0:
            alt = v % 100  # the 1980s
        num = Number(_norm(v), m.start(), end, text[m.start():end], alt)
        if mag:
            num.magnitude = v / float(re.sub(r"[,\u00a0\u202f]", "", m.group(1))
                                      + (m.group(2) or ""))
        out.append(num)
        taken.append((m.start(), end))
    if chinese:
        for m in _CN_NUM.finditer(text_n):
            if any(s <= m.start() < e for s, e in taken):
                continue
            s = m.group()
            before = text_n[m.start() - 1] if m.start() else ""
            after = text_n[m.end()] if m.end() < len(text_n) else ""
            ordinal = before == _ORDINAL_CN
            if not (ordinal or len(s) >= 2 or _CN_UNIT_AFTER.match(after)):
                continue
            if len(s) >= 2 and not ordinal and not any(c in "十百千万亿" for c in s) \
                    and not _CN_UNIT_AFTER.match(after):
                continue
            if s in ("一一", "万一", "一万一") or (s[0] in "万亿" and not ordinal):
                continue
            v = cn_numeral(s)
            if v is None or (v == 1 and not ordinal and not _CN_UNIT_AFTER.match(after)):
                continue
            if v in (1, 2) and s in "一两二" and not ordinal and after != "成":
                continue  # 一个/两个 are as often articles as counts
            start = m.start() - 1 if ordinal else m.start()
            end = m.end()
            if after == "成":
                v, end = v * 10, end + 1
            out.append(Number(float(v), start, end, text[start:end]))
    out.sort(key=lambda n: n.start)
    _ranges(text_n, out)
    return out


_RANGE = re.compile(r"\s*(?:to|and|or|-|–|—|至|到|~)\s*\Z")


def _ranges(text: str, found: list[Number]) -> None:
    """In "12 to 14 million" and "400至600万" the first number takes the second's magnitude."""
    for a, b in itertools.pairwise(found):
        if a.magnitude == 1.0 and b.magnitude != 1.0 and _RANGE.match(text[a.end:b.start]):
            a.alt = _norm(a.value * b.magnitude)


def _value(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        v = cn_numeral(s)
        return float(v) if v is not None else None


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
