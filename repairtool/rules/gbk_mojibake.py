"""RT708: GBK/GB2312 bytes shown as Latin-1 — `£¬` for `，`, `¡°…¡±` for `“…”`.

A page written in GBK and served (or scraped) as Latin-1 or Windows-1252 shows every
double-byte character as two Latin-1 signs. ftfy repairs UTF-8 read as Latin-1 (RT701), not
this. Both bytes of a GB2312 character lie in 0xA1-0xFE, where Latin-1 and Windows-1252
agree, so a run of such signs that decodes as GBK is the whole test.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from itertools import pairwise

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy_re
from repairtool.rules.base import ANY_LANGUAGE, Rule

#: Two or more signs of Latin-1's upper half (each GB2312 byte shows as one of them).
_RUN = lazy_re("[\u00a1-\u00fe]{2,}")

#: Full-width and CJK punctuation with one plain ASCII equivalent, and whether a space
#: follows it in English (`，` between two words becomes `, `).
_ASCII: dict[str, tuple[str, bool]] = {
    "，": (",", True), "、": (",", True), "。": (".", True), "．": (".", True),
    "！": ("!", True), "？": ("?", True), "：": (":", True), "；": (";", True),
    "“": ('"', False), "”": ('"', False), "‘": ("'", False), "’": ("'", False),
    "（": ("(", False), "）": (")", False), "［": ("[", False), "］": ("]", False),
    "—": ("-", False), "－": ("-", False), "～": ("~", False), "％": ("%", False),
    "＆": ("&", False), "＋": ("+", False), "＝": ("=", False), "／": ("/", False),
    "＂": ('"', False), "＇": ("'", False), "…": ("...", False),
}
#: GB2312 rows 1 and 3 (lead bytes 0xA1 and 0xA3, shown `¡` and `£`) hold the punctuation;
#: one such pair is already far from any Latin-1 word (`£¬`, `¡¢`). A Han character (lead
#: 0xB0-0xF7) alone can be a Latin-1 word's two letters (`öß` in `Größe`), so Han is
#: reported only in runs of two characters or more.
_PUNCT_LEADS = "\u00a1\u00a3"
MIN_HAN = 2


class GbkMojibake(Rule):
    """
    ## What it does
    Finds GBK/GB2312 text shown as Latin-1 or Windows-1252: Chinese punctuation and
    characters that a page encoded in GBK and a browser or scraper decoded as Latin-1, such
    as `£¬` for `，`, `¡¢` for `、`, `¡°…¡±` for `“…”` or `ÖÐ¹ú` for `中国`.

    ## Why it matters
    The signs are unreadable and hide the punctuation of the sentence. ftfy repairs UTF-8
    read as Latin-1 (RT701) but not GBK, so the damage survives ordinary clean-up.

    ## Example
    `Prices rose£¬ the ministry said¡£ He called it ¡°stable¡±.`

    ## Use instead
    `Prices rose, the ministry said. He called it "stable".`

    ## Fix safety
    Safe when every character of the run decodes to punctuation with one ASCII equivalent
    (`，` → `,`, `“` → `"`, `（` → `(`); a space is added after a comma, stop, colon or
    question mark when a letter follows at once. Otherwise (Han characters, `《》`) a
    suggestion shows the decoded text, which a person must translate or delete. Reported
    only when the Latin-1 signs, read back as bytes, are valid GBK and not valid UTF-8 (that
    is RT701's mojibake), and when a run of Han holds at least two characters: real
    Latin-1 text (`£100`, `¡Hola!`, `¿Qué?`, `Größe`) never has two such signs that decode
    to Chinese punctuation.
    """

    code = "RT708"
    name = "gbk-mojibake"
    category = "encoding"
    severity = Severity.ERROR
    fixable = True
    languages = frozenset({ANY_LANGUAGE})
    #: Inside a GBK run ftfy may read a pair such as `Ð¹` as UTF-8 for `й`: a wrong repair.
    supersedes = frozenset({"RT701"})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        found = [hit for m in doc.non_ascii_matches(_RUN)
                 for hit in self._run(view, m.start(), m.group())]
        # Han alone can be Latin-1 letters (`[áéíóú]`, `ÀÁÂÃ…` in a charset listing): it
        # counts when its signs hold a non-letter of 0xA1-0xBF (`¹` in `ÖÐ¹ú`) or when the
        # text has GBK punctuation as well.
        punct = any(not han for _, han in found)
        for f, han in found:
            if punct or not han or _symbol_sign(view[f.start:f.end]):
                yield f

    def _run(self, view: str, start: int, run: str) -> Iterator[tuple[Finding, bool]]:
        """Findings of one run of Latin-1 signs, each with whether it decodes to Han only."""
        raw = run.encode("latin-1")
        try:
            raw.decode("utf-8")
            return  # UTF-8 read as Latin-1: RT701's
        except UnicodeDecodeError:
            pass
        # Decode pair by pair; a sign that starts no GBK pair ends the current piece.
        pieces: list[tuple[int, int, list[str]]] = []
        i = 0
        while i < len(run):
            char = _gbk_char(raw[i:i + 2])
            if char is None:
                i += 1
                continue
            if pieces and pieces[-1][1] == i:
                pieces[-1][2].append(char)
                pieces[-1] = (pieces[-1][0], i + 2, pieces[-1][2])
            else:
                pieces.append((i, i + 2, [char]))
            i += 2
        for lo, hi, decoded in pieces:
            found = self._piece(view, start + lo, run[lo:hi], decoded)
            if found is not None:
                yield found

    def _piece(self, view: str, start: int, shown: str,
               decoded: list[str]) -> tuple[Finding, bool] | None:
        han = sum(1 for c in decoded if _is_han(c))
        if han == len(decoded) and (han < MIN_HAN or len(set(decoded)) == 1
                                    or _ascending(shown)):
            return None  # may be Latin-1 letters: `öß` in `Größe`, `áááá`, `ÀÁÂÃ`
        if han < len(decoded) and han == 0 and not any(
                shown[2 * k] in _PUNCT_LEADS for k in range(len(decoded))):
            return None
        end = start + len(shown)
        text = "".join(decoded)
        if all(c in _ASCII for c in decoded):
            plain = "".join(_ASCII[c][0] for c in decoded)
            if _ASCII[decoded[-1]][1] and view[end:end + 1].isalnum():
                plain += " "
            fix = Fix.replace(f"Replace {shown!r} with {plain!r}", start, end, plain,
                              Applicability.SAFE)
        else:
            fix = Fix.replace(f"Replace {shown!r} with the decoded {text!r}", start, end,
                              text, Applicability.SUGGESTION)
        return self.finding(start, end, f"GBK text shown as Latin-1: {shown!r} is {text!r}",
                            [fix]), han == len(decoded)


def _gbk_char(pair: bytes) -> str | None:
    """The CJK character or punctuation mark GBK bytes ``pair`` stand for, if any."""
    if len(pair) != 2 or not (0xA1 <= pair[0] <= 0xF7 and 0xA1 <= pair[1] <= 0xFE):
        return None
    try:
        char = pair.decode("gbk")
    except UnicodeDecodeError:
        return None
    if _is_han(char) or char in _ASCII or unicodedata.category(char).startswith("P"):
        return char
    return None


def _symbol_sign(shown: str) -> bool:
    """Whether ``shown`` holds a Latin-1 sign that is no letter (`¹`, `º`, `±`, `×`)."""
    return any(not c.isalpha() for c in shown)


def _ascending(shown: str) -> bool:
    """Whether the signs climb one code point at a time, as a listed character set does."""
    return all(ord(b) - ord(a) == 1 for a, b in pairwise(shown))


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
