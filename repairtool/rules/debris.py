"""RT7: encoding and markup debris — mojibake, escapes, stray spaces, invisible characters,
unbalanced brackets and quotes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from html.entities import html5 as html5_entities

import regex

from repairtool.document import MASK, Document
from repairtool.layout import code_line
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import LazyPattern, lazy, lazy_re
from repairtool.rules.base import ANY_LANGUAGE, Rule

# --- RT701 mojibake ----------------------------------------------------------------------

#: UTF-8 read as Latin-1/Windows-1252: a lead byte `Â`-`ô` then a continuation-byte look-alike.
_MOJIBAKE_HINT = lazy_re(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_TOKEN_AROUND = lazy_re(r"[^\s\ue000]+")
_LATIN = lazy(r"\p{Latin}")
#: `”` decoded as cp1252, its last byte lost (cp1252 has no 0x9D).
_LOSSY_QUOTE = "â€\ufffd"


class Mojibake(Rule):
    """
    ## What it does
    Finds mojibake: UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere on its
    way, such as `Ã©` for `é` or `â€™` for `’`. The repair comes from `ftfy`.

    ## Why it matters
    Mojibake makes names and quotes unreadable and tells the reader the text went through a
    broken pipeline. Translation systems copy it through unchanged.

    ## Example
    `The cafÃ© said it wonâ€™t reopen.`

    ## Use instead
    `The café said it won’t reopen.`

    ## Fix safety
    Safe: `ftfy.fix_encoding` re-decodes the word. ftfy changes text only when its badness
    heuristic finds a sequence that is far likelier to be mojibake than real text, and it
    promises not to change correctly decoded text; a word ftfy leaves unchanged is not
    reported. ftfy is imported only when a cheap pattern has found a suspect pair.
    """

    code = "RT701"
    name = "mojibake"
    category = "encoding"
    severity = Severity.ERROR
    fixable = True
    languages = frozenset({ANY_LANGUAGE})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        hints = doc.non_ascii_matches(_MOJIBAKE_HINT)
        hint = next(hints, None)
        if hint is None:
            return
        import ftfy

        done = -1
        while hint is not None:
            if hint.start() >= done:
                tok = _TOKEN_AROUND.search(view, view.rfind(" ", 0, hint.start()) + 1)
                if tok is not None and tok.start() <= hint.start():
                    done = tok.end()
                    found = self._check_token(ftfy, tok.group(), tok.start())
                    if found is not None:
                        yield found
                else:
                    done = hint.end()
            hint = next(hints, None)

    def _check_token(self, ftfy: object, token: str, start: int) -> Finding | None:
        # `â€�` is `”` (UTF-8 E2 80 9D) read as cp1252, which has no 0x9D: the byte was lost,
        # so ftfy can only make it `�`. `”` is by far the likeliest original.
        restored = token.replace(_LOSSY_QUOTE, "”")
        fixed = ftfy.fix_encoding(restored).replace("\ufeff", "")  # type: ignore[attr-defined]
        if fixed == token or fixed.count("\ufffd") > restored.count("\ufffd"):
            return None  # unchanged, or only lossily decodable
        # Report only the part that changed.
        head = 0
        while head < min(len(token), len(fixed)) and token[head] == fixed[head]:
            head += 1
        tail = 0
        while (tail < min(len(token), len(fixed)) - head
               and token[-1 - tail] == fixed[-1 - tail]):
            tail += 1
        for m in _MOJIBAKE_HINT.finditer(token):  # report whole suspect pairs
            if m.start() < len(token) - tail and m.end() > head:
                head, tail = min(head, m.start()), min(tail, len(token) - m.end())
        bad = token[head:len(token) - tail]
        good = fixed[head:len(fixed) - tail]
        s, e = start + head, start + len(token) - tail
        if _LOSSY_QUOTE in bad:  # a guess, however likely: a person confirms
            fix = Fix.replace(f"Replace {bad!r} with {good!r} (a lost byte: most likely)", s, e,
                              good, Applicability.UNSAFE)
        else:
            fix = Fix.replace(f"Replace {bad!r} with {good!r}", s, e, good, Applicability.SAFE)
        return self.finding(s, e, f"mojibake {bad!r} (should be {good!r})", [fix])


# --- RT702 escapes -----------------------------------------------------------------------

_ENTITY = lazy_re(r"&(?:amp;)*(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_DOUBLE_ENTITY = lazy_re(r"&amp;(?:amp;)*(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|"
                            r"#[xX][0-9a-fA-F]{1,6});")
_MOSES = lazy_re(r" ?@([-,.])@ ?")


class LeftoverEscape(Rule):
    """
    ## What it does
    Finds HTML entities that were never decoded (`&quot;`, `&#39;`, `&amp;quot;`,
    `&nbsp;`) and Moses tokeniser escapes (`@-@`, `@,@`, `@.@`) in plain text. In Markdown,
    where entities are legitimate markup, only double-escaped ones (`&amp;quot;`) are
    reported.

    ## Why it matters
    Scrapers and MT pipelines escape text for HTML or for a tokeniser and forget to undo it;
    the reader then sees `&quot;` instead of a quotation mark and `state @-@ owned` instead
    of `state-owned`.

    ## Example
    `The minister said &quot;no&quot; to the 1 @,@ 000 @-@ page report.`

    ## Use instead
    `The minister said "no" to the 1,000-page report.`

    ## Fix safety
    Safe: an entity is decoded (all levels of escaping in plain text, one level in
    Markdown, so that the rendered text is right); `&nbsp;` becomes a no-break space next
    to a digit and a plain space elsewhere; a Moses escape becomes its character without
    the spaces the tokeniser put around it. Unknown entity names are left alone.
    """

    code = "RT702"
    name = "leftover-escape"
    category = "markup"
    severity = Severity.WARNING
    fixable = True
    languages = frozenset({ANY_LANGUAGE})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if "&" in view:
            yield from self._entities(doc)
        if doc.kind != "markdown" and "@" in view:
            for m in _MOSES.finditer(view):
                ch = m.group(1)
                fix = Fix.replace(f"Replace {m.group().strip()!r} with {ch!r}", m.start(),
                                  m.end(), ch + (" " if ch == "," and _space_after(view, m)
                                                 else ""), Applicability.SAFE)
                yield self.finding(m.start(), m.end(),
                                   f"tokeniser escape {m.group().strip()!r}", [fix])

    def _entities(self, doc: Document) -> Iterator[Finding]:
        view = doc.view
        markdown = doc.kind == "markdown"
        for m in (_DOUBLE_ENTITY if markdown else _ENTITY).finditer(view):
            found = m.group()
            repl = _decode(found, one_level=markdown)
            if repl is None or "entit" in view[max(0, m.start() - 60):m.start()].lower():
                continue  # `(with HTML entities) "Fran&ccedil;ois"`: an entity shown
            if repl == "\u00a0" and not _digit_near(view, m.start(), m.end()):
                repl = " "
            fix = Fix.replace(f"Replace {found!r} with {repl!r}", m.start(), m.end(), repl,
                              Applicability.SAFE)
            what = "double-escaped HTML entity" if found.startswith("&amp;") else "HTML entity"
            yield self.finding(m.start(), m.end(), f"{what} {found!r} in text", [fix])


def _space_after(view: str, m: re.Match[str]) -> bool:
    """`1 @,@ 000` is a number (no space); `a @,@ b` is a list (space)."""
    before = view[m.start() - 1:m.start()]
    after = view[m.end():m.end() + 1]
    return not (before.isdigit() and after.isdigit())


def _decode(found: str, one_level: bool) -> str | None:
    """The text an entity stands for, or ``None`` for an unknown entity."""
    name, k = found[1:-1], 0
    while name.startswith("amp;", k):  # an index, not a new slice per level (quadratic)
        k += 4
    name = name[k:]
    if not name.startswith("#") and f"{name};" not in html5_entities:
        return None
    if one_level:
        return found[:1] + found[5:]  # `&amp;quot;` -> `&quot;`
    out = found
    for _ in range(8):
        nxt = html.unescape(out)
        if nxt == out:
            break
        out = nxt
    return None if out == found or ("&" in out and out.endswith(";")) else out


def _digit_near(view: str, start: int, end: int) -> bool:
    return view[start - 1:start].isdigit() or view[end:end + 1].isdigit()


# --- RT703 space before punctuation ------------------------------------------------------

_SPACE_PUNCT = lazy(
    r"(?<=[\p{L}\p{N}%)\]\"”’*_])([ \t]++)(?:"
    r"([,;!?](?![\p{L}\p{N}\"'”’(=?!<@#$%^&*~;]|[;:]?-?[()DPp>]))"  # `word ,` (not `;-)`,
    #                             ` !=`, ` ??`, ` !<arch>`, ` ;;`: a mark glued to a symbol is code)
    r"|(\.(?![.\p{L}\p{N}_/\\*+?\[-])(?![ \t]++\p{Ll})(?![ \t]\.))"  # `word .` (not ` ...`,
    #                                                    ` .NET`, `had a . . .`)
    r"|(:(?=\s)(?<!\p{N}[ \t]++:))"                  # `Title :` (not `10 : 30`, `:)`)
    r"|(\)(?<=\p{L}[ \t]++\)))"                      # `( word )`
    r")(?![ \t]*+\|)")                              # not `Done ? |` in a table
#: A dot that is a path given to a command: `find .`, `git add -u .`.
_PATH_DOT = lazy(r"\b(?:find|git(?:[ \t]+|-)[a-z-]+(?:[ \t]+[a-z]+)?|cd|ls|ln|cp|mv|rm|du|make"
                 r"|tar|rsync|chmod|chown|vim?"
                 r"|grep|docker[ \t]+\w+)(?:[ \t]+(?:-{1,2}[\w-]+|[\w~-]*[/.][\w./~-]*)){0,3}"
                 r"[ \t]+\Z")
#: A placeholder or variable spaced inside brackets: `( EXPRESSION )`, `( $x )`.
_SPACED_PLACEHOLDER = lazy(r"\([ \t]+(?:[A-Z][A-Z0-9_]{5,}|[A-Z]+_[A-Z0-9_]+|[$@%]\w+"
                           r"|[a-z]+-[a-z]+(?:-[a-z]+)*)[ \t]+\)")  # also `( control-list )`
#: How far before a mark its command or opening bracket is looked for.
_LOOK_BACK = 120
#: How far past a mark its line is read (far longer than any line of code or of a table).
_LINE_AHEAD = 2_000
#: Words after which a mark is named, not placed: `the ! shorthand`, `Type ? for help`.
_NAMING = frozenset({"the", "a", "an", "type", "press", "for", "with", "use", "typing",
                     "enter", "literal", "character", "colon", "semicolon", "comma",
                     "period", "instance", "including", "single", "trailing", "leading",
                     "*note", "c-x"})  # `*note :` (info syntax), `C-x )` (a key)
#: Words after which a mark standing alone (space or end after it) is mentioned, not placed:
#: `a # or ; are comments`, `such as . , ;`, `the operator !`, `the delimiter is ?.`.
_MENTIONING = frozenset({"or", "and", "as", "is", "of", "operator", "operators", "suffix",
                         "prefix", "bracket", "parenthesis", "parentheses", "mark", "point",
                         "except", "symbol", "symbols", "characters", "than", "like"})
#: A line that is no sentence: a quotation's attribution (`-- Messiah's Handbook : …`) or
#: an info definition line (`-- Action: -exec command ;`).
_ATTRIBUTION_LINE = lazy_re(r"[ \t]*--[ \t]")
#: `tag : CARD32`, `client : CARD32 or 0xffffffff`: a protocol field and its type on a line.
_FIELD_LINE = lazy_re(r"[ \t]*[a-z]\w*(?:, [a-z]\w*)* :[ \t]+[A-Z][A-Za-z]*\d*"
                      r"(?: or \w+)?[ \t]*$")
#: A name, address or page reference before a spaced full stop (`ftp.debian.org .`,
#: `"http://localhost:631/" .`, `systemd.timer(5) .`, a hidden URL, a path): the space keeps
#: the stop out of it.
_ADDRESS_TOKEN = lazy_re(r"\w\.\w+[\w/]*[\"”]?$|/[\"”]?$|\w\(\d\w*\)$|\ue000[\"”]?$|^\.\w+$|\]\]$"
                         r"|^[/~][\w./~-]*/[\w.-]+$")
_ROMAN = lazy_re(r"[IVXivx]{1,4}")
_ROMAN_AFTER = lazy_re(r"[ \t]+(?:[IVXivx]{1,4}|\d+)\b")
_NUMBERS_LINE = lazy_re(r"[\d,:\s-]+;\s*$")
#: A shell keyword after a spaced semicolon: `until condition ; do command ; done`.
_SHELL_AFTER = lazy_re(r"[ \t]+(?:do|done|then|fi|else|esac|echo)\b")
#: A bulleted term set off by a spaced colon: `* 100+ years : Acid free paper`.
_BULLET_TERM = lazy_re(r"[ \t]*[*•-][ \t]+[^:\n]{1,30}[ \t]:[ \t]")
#: A quoted stretch of code on one line: `‘STRING : REGEX’`, `'( EXPR )'`, `sed -n '1p ; $p'`.
_QUOTED_SPAN = lazy_re(r"‘[^‘’\n]{1,80}’|(?<![\w'])'[^'\n]{1,80}'(?!\w)|``[^`\n]{1,80}``"
                       r"|\"[^\"\n]{1,60}\"")
_CODE_INSIDE = lazy_re(r"[$\\/*=\[\]{}<>|&~^]|\b[A-Z]{2,}[A-Z0-9_]*\b|(?<![\w-])--?[a-z][\w-]*"
                       r"|\w_\w|\w \( |^.\( ")
#: A C function or keyword before a spaced bracket: `BZ2_bzCompressInit ( bz_stream *strm,`,
#: `if ( small != 0 )`: code's own spacing, not tokenised prose.
_C_CALLEE = lazy_re(r"(?:\b[A-Za-z]\w*_\w*|\b[a-z]+[A-Z]\w*|\b(?:if|while|for|switch|sizeof))"
                    r"[ \t]*\($")
#: `the filesystem . (period)`: the mark named right after it.
_NAMED_AFTER = lazy(r"[ \t]+\((?:period|full stop|dot|comma|colon|semicolon)\b")
#: Spaced `?`, `!`, `;`, `:` (and apostrophes) are an old or French typographic convention
#: in a text that spaces them as a rule but not its commas and full stops (tokenised MT
#: spaces all of them).
#: Each pattern starts with its mark, so the search skips ahead to the rare marks instead of
#: trying a word at every letter; `_spaced_words` checks the word before the spaces.
_HIGH_SPACED = lazy_re(r"[?!;:](?<=[ \t][?!;:])(?=\s|$)")
_HIGH_TIGHT = lazy_re(r"[?!;:](?<=\w[?!;:])(?=\s|$)")
_LOW_SPACED = lazy_re(r"[,.](?<=[ \t][,.])(?=\s|$)")
_SPACE_CANDIDATE = lazy_re(r"[ \t][,.;:!?)'’]")
_SPACE_OPEN_CANDIDATE = lazy_re(r"\([ \t]")
_SPACE_OPEN = lazy(r"(?<=(?:^|\s)\()([ \t]++)(?=\p{L})", regex.MULTILINE)
_SPACE_APOSTROPHE = lazy(
    r"(?<=\p{L})([ \t]++)(['’])(?:[ \t])?(?=(?:s|t|re|ve|ll|d|m)(?![\w/\\|#@:=‐-]))"
    r"(?![a-z]*+['’])")  # not `sed 's/a/b/'`, `echo 's:x:'`: a quoted script


#: A name a converter spaced off its mark: `Shift , Lock`, `Mod5 )`, `Num_Lock .` (DocBook
#: rendered to text puts a space after each marked-up term). Not a bare number: MT spaces
#: the stop after a year too (`married in May 2018 .`).
_TERM = lazy_re(r"(?:[A-Z]\w*|[^\W\d_]\w*[\d_]\w*|\w*[\d_][^\W\d_]\w*|[a-z]+[A-Z]\w*)\Z")


class SpaceBeforePunctuation(Rule):
    """
    ## What it does
    Finds a space before a comma, full stop, semicolon, colon, question or exclamation mark,
    or a closing bracket (`word ,`, `word .`, `( word )`), and the tokeniser's spaced
    apostrophe (`company 's`, `don 't`, `Today ’ s`).

    ## Why it matters
    English puts no space before these marks. The space is a leftover of tokenisation or of
    the source's typography, and a line can break before the mark.

    ## Example
    `Prices rose , the ministry said . Today ’ s data was mixed .`

    ## Use instead
    `Prices rose, the ministry said. Today’s data was mixed.`

    ## Fix safety
    Safe: only spaces and tabs are removed, never a line break. Left alone: an ellipsis
    after a space (` ...`), a dot that starts a name (` .NET`, ` .gitignore`) or is named
    (`with . and ..`), emoticons (` :)`), ratios and times (`3 : 1`), ` !=`, no-break
    spaces (French typography), marks at the start of a line, text that is not English, a
    text that spaces `,` `.` `)` after its names as a converter's rule (ten times or more,
    with most marks tight: `the Shift , Lock and Control modifiers`), and
    in Markdown a mark other than a comma with spaces on both sides (`remove the ? from`,
    `a ? b : c`): technical text names symbols that way.
    """

    code = "RT703"
    name = "space-before-punctuation"
    category = "punctuation"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        # Fast stdlib passes that start with a literal find the few candidates; the exact
        # patterns run only there.
        if "( " in view or "(\t" in view:
            for c in _SPACE_OPEN_CANDIDATE.finditer(view):
                m = _SPACE_OPEN.match(view, c.start() + 1)
                if m and not _SPACED_PLACEHOLDER.match(view[c.start():c.start() + 64]) and \
                        not _KEY_BRACKET.search(view[max(0, c.start() - 5):c.start() + 1]) and \
                        not _code_bracket_open(view, c.start()) and \
                        not code_line(_line_at(view, c.start())):
                    yield self._finding(m.start() - 1, m.end(), m.start(1), m.end(1),
                                        "space after '('")
        convention: bool | None = None
        converted: bool | None = None
        for c in _SPACE_CANDIDATE.finditer(view):
            start = c.start()
            while start and view[start - 1] in " \t":
                start -= 1  # the whole run of spaces before the mark
            m = _SPACE_PUNCT.match(view, start)
            if m:
                mark = m.group(m.lastindex or 0)
                if mark == ":" and _emoticon(view, m.end()):
                    continue
                if self._named_or_code(view, start, m.end(), mark):
                    continue
                if mark in "?!;:":
                    convention = _spaced_convention(view) if convention is None else convention
                    if convention:
                        continue
                if view[m.end():m.end() + 1] == MASK:
                    continue  # ` ._repr_html_`, ` .` + code: the mark belongs to hidden text
                if doc.kind == "markdown" and mark != "," and view[m.end():m.end() + 1] in " \t":
                    continue  # `remove the ? from`, `with ; on Windows`: a symbol named
                if mark in ",.)":
                    converted = _converted_markup(view) if converted is None else converted
                    if converted:
                        continue  # `Shift , Lock , Control` throughout: a converter's rule
                yield self._finding(m.start(1), m.end(), m.start(1), m.end(1),
                                    f"space before {mark!r}")
                continue
            m = _SPACE_APOSTROPHE.match(view, start)
            if m:
                convention = _spaced_convention(view) if convention is None else convention
                if convention:
                    continue  # `there 's` in a book set with spaced `?` and `!`
                start, end = m.start(1), m.end()
                yield self._finding(start, end, start, end,
                                    f"spaced apostrophe {view[start:end]!r}", keep=m.group(2))

    @staticmethod
    def _named_or_code(view: str, start: int, end: int, mark: str) -> bool:
        """`find .`, `( EXPRESSION )`, `the ! shorthand`: the mark is not placed in prose."""
        # A bounded look back: a one-line page has a finding every few words.
        window = max(0, start - _LOOK_BACK)
        line_start = view.rfind("\n", window, start) + 1 or window
        before = view[line_start:start]
        if mark == "." and _PATH_DOT.search(before + " "):
            return True
        if mark == ")":
            opener = view.rfind("(", line_start, start)
            if opener >= 0 and _SPACED_PLACEHOLDER.fullmatch(view[opener:end]):
                return True
            opener = _opener_of(view, start)
            if opener >= 0 and _code_bracket_open(view, opener):
                return True
        token = before.rsplit(None, 1)[-1] if before.strip() else ""
        word = token.lower().lstrip("\"“‘'(")
        if word in _NAMING or _NAMED_AFTER.match(view[end:end + 24]):
            return True
        if mark == ":" and _ROMAN.fullmatch(token) and _ROMAN_AFTER.match(view, end):
            return True  # `Hamlet, I : v : 95`: act, scene and line
        if mark == "." and _ADDRESS_TOKEN.search(token):
            return True  # `ftp-master.debian.org .`: spaced off so as not to join the name
        alone = view[end:end + 1] in ("", " ", "\t", "\n", ".", ",")
        if alone and word in _MENTIONING:
            return True
        # Bounded ahead too: reading the rest of a one-line page for each finding made its
        # scan quadratic. A line that long is running prose, not code, a table or a listing.
        limit = min(len(view), end + _LINE_AHEAD)
        line_end = view.find("\n", end, limit)
        if line_end < 0 and limit < len(view):
            return False
        line = view[line_start:limit if line_end < 0 else line_end]
        if _ATTRIBUTION_LINE.match(line) or (mark == ":" and _FIELD_LINE.match(line)):
            return True
        if mark == ";" and (line.count(" ; ") >= 3 or _SHELL_AFTER.match(view, end)):
            return True  # `unzip ; touch ; finger ; mount`, `until x ; do y ; done`: commands
        if mark in "?:" and " ? " in line and " : " in line:
            return True  # `n == 1 ? "number" : "numbers"`: C's conditional operator
        if mark == ";" and _NUMBERS_LINE.match(line):
            return True  # `0,1,2: 0-63,   0, 1 ;`: a scan script's line
        if mark == ":" and _BULLET_TERM.match(line):
            return True  # `* 100 years : Optical storage`: a term and its description
        return _in_quoted_code(line, start - line_start) or code_line(line)

    def _finding(self, start: int, end: int, cut: int, cut_end: int, message: str,
                 keep: str = "") -> Finding:
        fix = Fix.replace("Remove the space", cut, cut_end, keep, Applicability.SAFE)
        return self.finding(start, end, message, [fix])


def _line_at(view: str, pos: int) -> str:
    """The line around ``pos``; empty when it runs on past ``_LINE_AHEAD`` either way (a
    one-line page: prose, and reading all of it for each candidate would be quadratic)."""
    lo, hi = max(0, pos - _LINE_AHEAD), min(len(view), pos + _LINE_AHEAD)
    start, end = view.rfind("\n", lo, pos), view.find("\n", pos, hi)
    if (start < 0 and lo > 0) or (end < 0 and hi < len(view)):
        return ""
    return view[start + 1:hi if end < 0 else end]


def _opener_of(view: str, pos: int) -> int:
    """Offset of the ``(`` that a ``)`` at ``pos`` closes, looked for a few lines back."""
    depth = 0
    for i in range(pos - 1, max(-1, pos - 3 * _LOOK_BACK), -1):
        ch = view[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if not depth:
                return i
            depth -= 1
    return -1


def _code_bracket_open(view: str, pos: int) -> bool:
    """A ``(`` at ``pos`` that calls a C function or follows a keyword, or stands in
    quoted code (`'bzalloc ( opaque, n, m )'`)."""
    line_start = view.rfind("\n", 0, pos) + 1
    if _C_CALLEE.search(view[max(line_start, pos - 60):pos + 1]):
        return True
    line_end = view.find("\n", pos)
    return _in_quoted_code(view[line_start:len(view) if line_end < 0 else line_end],
                           pos - line_start)


def _in_quoted_code(line: str, pos: int) -> bool:
    """Whether ``pos`` of ``line`` is inside a quoted stretch of code (`‘STRING : REGEX’`,
    `'( EXPR )'`): a symbol or a metavariable in capitals inside the quotes."""
    if "'" not in line and "‘" not in line:
        return False
    return any(m.start() < pos < m.end() and _CODE_INSIDE.search(m.group())
               for m in _QUOTED_SPAN.finditer(line))


def _spaced_convention(view: str) -> bool:
    """Whether the text spaces `?`, `!`, `;`, `:` as a rule but not `,` and `.`."""
    spaced = _spaced_count(view, _HIGH_SPACED)
    if spaced < 3 or spaced < len(_HIGH_TIGHT.findall(view)):
        return False
    return _spaced_count(view, _LOW_SPACED, stop=-(-spaced // 10)) * 10 < spaced


#: A comma, full stop or closing bracket after a space (see `_spaced_words`); and one right
#: after a word.
_LOW_SPACED_MARK = lazy_re(r"[,.)](?<=[ \t][,.)])(?=\s|$)")
_LOW_TIGHT = lazy_re(r"[,.)](?<=\w[,.)])(?=\s|$)")
_TRAILING_WORD = lazy_re(r"\w*\Z")
_WORD_CHAR = lazy_re(r"\w")


def _spaced_count(view: str, marks: LazyPattern, stop: int | None = None) -> int:
    """How many words `_spaced_words` gives (counting stops at ``stop``): each mark whose
    spaces come after a word character."""
    count = 0
    for m in marks.finditer(view):
        end = m.start() - 1
        while end and view[end - 1] in " \t":
            end -= 1
        if end and _WORD_CHAR.match(view, end - 1):
            count += 1
            if count == stop:
                break
    return count


def _spaced_words(view: str, marks: LazyPattern) -> list[str]:
    """The words spaced off the marks that ``marks`` finds after a space or tab: what
    `re.findall(r"(\\w+)[ \\t]+MARK", view)` gives, with the search anchored on the mark.
    Linear: each look back reads the spaces, the word and at most 32 characters more."""
    words = []
    for m in marks.finditer(view):
        end = m.start() - 1
        while end and view[end - 1] in " \t":
            end -= 1
        start = _word_start(view, end)
        if start < end:
            words.append(view[start:end])
    return words


def _word_start(view: str, end: int) -> int:
    """The start of the run of word characters (``\\w``) that ends at ``end``, found a
    piece of 32 characters at a time (tokenised MT has a spaced mark every few words)."""
    start = end
    while True:
        lo = max(0, start - 32)
        found = _TRAILING_WORD.search(view, lo, start).start()
        if found > lo or lo == 0:
            return found
        start = lo  # the whole piece is word characters: the run goes on before it


def _converted_markup(view: str) -> bool:
    """Whether the text spaces `,` `.` `)` after its marked-up terms as a converter's rule.

    DocBook or HTML rendered to plain text puts a space after each element it had marked
    (`the Shift , Lock and Control modifiers`, `is True , the action`), many times over, and
    leaves every other mark tight. Tokenised MT spaces after plain words as well, and spaces
    most marks, so it fails both tests: names and values before half the spaced marks or
    more, and at least four tight marks to each spaced one. Sporadic MT damage (`the
    influence .`, `Pork Rice , Wanhua`) is too rare to count: ten spaced marks at least.
    """
    count = _spaced_count(view, _LOW_SPACED_MARK)
    if count < 10:
        return False
    if count > 1000 and len(_LOW_TIGHT.findall(view)) < 4 * count:
        return False  # tokenised MT: one pass for the tight marks beats reading every word
    terms = sum(1 for word in _spaced_words(view, _LOW_SPACED_MARK) if _TERM.match(word))
    return terms * 2 >= count and len(_LOW_TIGHT.findall(view)) >= 4 * count


def _emoticon(view: str, pos: int) -> bool:
    return view[pos:pos + 2] in (":)", ":(", ":D", ":P", ":-", ":/")


# --- RT704 invisible characters ----------------------------------------------------------

_INVISIBLE = lazy_re("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e"
                        "\u2066-\u2069]+")
#: A letter or combining mark (a virama) of a script that uses the joiners.
_SCRIPT_LETTER = lazy(r"(?!\p{Latin})(?!\p{Common})[\p{L}\p{M}]")
_EMOJI_NEAR = lazy(r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]")
_NAMES = {
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner", "\u2060": "word joiner", "\ufeff": "byte order mark",
    "\u200e": "left-to-right mark", "\u200f": "right-to-left mark",
}


class InvisibleCharacter(Rule):
    """
    ## What it does
    Finds invisible characters inside text: zero-width space, joiner and non-joiner, word
    joiner, a byte order mark after the start, and bidirectional controls (U+200E/F,
    U+202A-U+202E, U+2066-U+2069).

    ## Why it matters
    They come from web pages and editors, break search and spell-checking (`pay\u200bment`
    does not match `payment`), and bidirectional controls can make text display in a
    different order than it is stored.

    ## Example
    `The pay<U+200B>ment was made.`

    ## Use instead
    `The payment was made.`

    ## Fix safety
    Safe between Latin letters, digits, spaces and punctuation: the characters are deleted.
    Next to right-to-left or other scripts the deletion is unsafe (a person should check the
    display). A zero-width joiner inside an emoji sequence (👩‍💻) and a non-joiner between
    letters of scripts that use it (Persian, Indic) are legitimate and not reported.
    """

    code = "RT704"
    name = "invisible-character"
    category = "encoding"
    severity = Severity.WARNING
    fixable = True
    languages = frozenset({ANY_LANGUAGE})

    def check(self, doc: Document) -> Iterable[Finding]:
        group: _Group | None = None
        for start, end, how in self._runs(doc):
            if group is not None and group.takes(doc, start, how):
                group.end, group.runs = end, group.runs + 1
                continue
            if group is not None:
                yield self._finding(doc, group)
            group = _Group(start, end, how)
        if group is not None:
            yield self._finding(doc, group)

    def _runs(self, doc: Document) -> Iterator[tuple[int, int, Applicability]]:
        """Each reported run of invisible characters, with how safe deleting it is."""
        view = doc.view
        for m in doc.non_ascii_matches(_INVISIBLE):
            start, end = m.span()
            found = m.group()
            if start == 0 and found == "\ufeff":
                continue
            before = view[start - 1:start]
            after = view[end:end + 1]
            if set(found) <= {"\u200d", "\u200c"} and _joiner_ok(before, after):
                continue
            latin = all(c.isascii() or _LATIN.match(c) for c in before + after)
            yield start, end, Applicability.SAFE if latin else Applicability.UNSAFE

    def _finding(self, doc: Document, group: _Group) -> Finding:
        """One finding, and one fix deleting them all, for runs close together: a text with
        a zero-width space between every two letters is one finding a line, not one every
        four bytes (which took hundreds of bytes of memory per byte of input)."""
        start, end, how = group.start, group.end, group.how
        span = doc.text[start:end]
        kept = _INVISIBLE.sub("", span)
        names = ", ".join(_NAMES.get(c, f"bidi control U+{ord(c):04X}")
                          for c in dict.fromkeys("".join(_INVISIBLE.findall(span))))
        if group.runs == 1:
            fix = Fix.replace(f"Delete the {names}", start, end, "", how)
            return self.finding(start, end, f"invisible character: {names}", [fix])
        count = len(span) - len(kept)
        fix = Fix.replace(f"Delete the {count} invisible characters ({names})",
                          start, end, kept, how)
        return self.finding(start, end, f"invisible characters: {names} ({count})", [fix])


#: Runs at most this far apart on a line are one finding (and one fix).
_GROUP_GAP = 12


class _Group:
    """Runs of invisible characters reported as one finding."""

    __slots__ = ("end", "how", "runs", "start")

    def __init__(self, start: int, end: int, how: Applicability) -> None:
        self.start, self.end, self.how, self.runs = start, end, how, 1

    def takes(self, doc: Document, start: int, how: Applicability) -> bool:
        """Whether the run at ``start`` joins: close by on the same line, as safe to
        delete, with nothing hidden (code, markup) and no legitimate joiner between."""
        gap = doc.text[self.end:start]
        return (how is self.how and len(gap) <= _GROUP_GAP and "\n" not in gap
                and doc.view[self.end:start] == gap and not _INVISIBLE.search(gap))


def _joiner_ok(before: str, after: str) -> bool:
    """ZWJ in an emoji sequence, or ZWJ/ZWNJ between letters of a non-Latin script."""
    if _EMOJI_NEAR.match(before) or _EMOJI_NEAR.match(after):
        return True
    return bool(_SCRIPT_LETTER.match(before) and _SCRIPT_LETTER.match(after))


# --- RT705 stray no-break space ----------------------------------------------------------

_NBSP = lazy(r"(?<=\p{Ll}\p{Ll})[\u00a0\u202f](?=\p{Ll}\p{Ll})")


class StrayNoBreakSpace(Rule):
    """
    ## What it does
    Finds a no-break space (U+00A0, U+202F) between two ordinary lower-case words, where a
    plain space belongs.

    ## Why it matters
    Copied from web pages (`&nbsp;`), these spaces stop lines from breaking, confuse search
    and diff tools, and are invisible in review.

    ## Example
    `the annual<U+00A0>report`

    ## Use instead
    `the annual report`

    ## Fix safety
    Safe: the no-break space becomes a plain space. No-break spaces where typography wants
    them are left alone: next to numbers (`10 km`, `p. 5`), after abbreviations and titles
    (`Mr. X`), before or after capitals and names, and around French punctuation.
    """

    code = "RT705"
    name = "stray-no-break-space"
    category = "encoding"
    severity = Severity.INFO  # harmless to the reader; shown with --min-severity info
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if "\u00a0" not in view and "\u202f" not in view:
            return
        for m in doc.non_ascii_matches(_NBSP, after=2):  # it looks at two letters after
            fix = Fix.replace("Replace the no-break space with a space", m.start(), m.end(),
                              " ", Applicability.SAFE)
            yield self.finding(m.start(), m.end(), "no-break space between ordinary words",
                               [fix])


# --- RT706 / RT707 unbalanced brackets and quotes ------------------------------------------

_BRACKETS = lazy_re(r"[()\[\]]")
#: More unpaired marks than this in one paragraph means it is not prose: report none.
MAX_PER_PARAGRAPH = 4
_PAIRS = {")": "(", "]": "["}
#: `a)`, `1)`, `iv)` as list markers; emoticons; half-open intervals.
_LIST_MARK = lazy(r"(?:^|\s)(?:\p{L}|\d{1,2}\.?|[ivx]{1,4}|\*)\)$")  # also `1.)`, `*)`
#: The end of a C declaration: `const void *colormap));` (a `*name` before it).
_C_LINE_END = lazy_re(r"\)*;[ \t]*$", re.MULTILINE)
#: A smiley glued to a word at a line's end that closes nothing: `productive nuts:)` (not
#: `said;) prices`, MT's stray bracket).
_GLUED_SMILEY = lazy_re(r":-?\)+$")
#: An emoticon stands apart, after a space or the start of a line (`:)`, `:o)`, `;]`):
#: glued to a word, `Zoar;)`, `gerahs:)`, `(';')` and `(*note Invoking::)` close real
#: brackets. Of the turned ones only `(:` and `(-:` (`(= eyes)` opens a bracket).
_SMILEY = lazy(r"(?<![^\s])[:;=][-^'o]?[()\[\]](?!\w)|(?<![^\s])\(-?:(?![\w):])"
               r"|¯\\_\(ツ\)_/¯")
#: A bracket that is a key: `Ctrl-[`, `Meta-]`, `C-x (`, `ESC [`.
_KEY_BRACKET = lazy(r"(?:\b(?:Ctrl|CTRL|Meta|Alt|Shift|C|M|ESC)-|\bESC |\bC-x )[\[\]()]")
#: A bracket named as a character: `'('`, `‘[]]’`, `"]"`.
_QUOTED_MARK = lazy(r"(?<=(?:^|[\s(,])['‘\"“`])[^\s\w'‘’\"“”`]{1,3}"
                    r"(?=['’\"”`](?:$|[\s.,;:)\"”]))", regex.MULTILINE)
_INTERVAL = lazy(r"[\[(]\s*[-+−]?[\d.]+\s*,\s*[-+−]?(?:[\d.]+|∞|inf|\d[*\w.]*)\s*[\])]")
#: A bracket standing alone between spaces is named, not placed: `The [ and test commands`,
#: `any of the special ) | = characters`, `ESC $ ( C` (when it pairs with nothing).
_LONE_BRACKET = lazy(r"(?<![^\s])[()\[\]](?![^\s])")
#: A troff or terminal escape: `\*(Tm`, `\n(xx`, `\f(xx`, `\(em`, `\E[0;1m`.
_ESCAPE_BRACKET = lazy(r"\\[*nfFgkmM$]?\(|\\[Ee]\[|\\033\[")
#: A pattern, not prose: one token with three brackets and a regex or glob symbol
#: (`"[!]a-[]]"`, `"^.[[]$()|*+?{"`, `:[<n>:]]<path>`, `{][]][`); not a hyphen, which
#: names have (`(see systemd-system.conf(5)).`).
_PATTERN_TOKEN = lazy(r"(?<!\S)(?=\S*[\^$*+?|\\{}<>!])(?:[^\s()\[\]]*+[()\[\]]){3}\S*")
#: A name spelt with brackets (`Apple ][`, `Apple ]['s`), CMake's bracket comment lines
#: (`#[[`, `]]`) and git's pathspec magic (`':(top'`).
_BRACKET_NAME = lazy(r"\bApple \]\[|^#?\[\[$|^\]\]$|(?<=['\"]:)\([^()\s'\"]*\)?", regex.MULTILINE)
#: A face with a hat or hair: `(=:]`, `<=:]`.
_HAIR_SMILEY = lazy(r"(?<![^\s])[(<]=[:;]-?[\])](?!\w)")


class UnbalancedBracket(Rule):
    """
    ## What it does
    Finds a round or square bracket in a paragraph that is never closed, or a closing one
    that was never opened.

    ## Why it matters
    Translation systems drop or duplicate one half of a bracket pair, especially around
    glosses and abbreviations: `the World Health Organization (WHO said`.

    ## Example
    `The World Health Organization (WHO said the risk was low.`

    ## Use instead
    `The World Health Organization (WHO) said the risk was low.`

    ## Fix safety
    No fix: only a person can tell where the missing half belongs. Not reported: list
    markers (`a)`, `1)`, `iv)`), emoticons (`:)`, `(=:]`), half-open intervals (`[0, 1)`),
    escaped brackets in Markdown, brackets inside code, URLs or links (masked), a bracket
    standing alone between spaces (`the [ and test commands`), troff and terminal escapes
    (`\\*(Tm`, `\\E[0m`) and patterns (`"[!]a-[]]"`: three brackets and a glob symbol).
    """

    code = "RT706"
    name = "unbalanced-bracket"
    category = "punctuation"
    severity = Severity.WARNING
    fixable = False
    languages = frozenset({ANY_LANGUAGE})

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if "(" not in view and ")" not in view and "[" not in view and "]" not in view:
            return
        unpaired: list[tuple[int, int, str, bool]] = []  # paragraph, offset, mark, closer
        asides: set[int] = set()  # offsets of brackets at an aside's edge
        for n, seg in enumerate(doc.segments()):
            text = view[seg.start:seg.end]
            if not _BRACKETS.search(text):
                continue
            surplus = abs(text.count("(") - text.count(")")) + \
                abs(text.count("[") - text.count("]"))
            if surplus > MAX_PER_PARAGRAPH:
                continue  # at least that many unpaired: not prose (checked at C speed)
            bad = _unmatched(text)
            if len(bad) > MAX_PER_PARAGRAPH:
                continue  # not prose: code, ASCII art, a list of fragments
            masks = _mask_bounds(view, seg.start, seg.end, text)
            unpaired.extend((n, seg.start + pos, ch, closed) for pos, ch, closed in bad
                            if not _masked_partner(masks, pos, closed))
            asides.update(seg.start + pos for pos, _, closed in bad
                          if _aside_edge(text, pos, closed))
        for _, pos, ch, closed in _across_paragraphs(unpaired):
            if pos in asides:
                continue  # paired with nothing near, but an aside's edge
            what = (f"{ch!r} is never closed in this paragraph" if not closed
                    else f"{ch!r} closes nothing in this paragraph")
            yield self.finding(pos, pos + 1, what)


#: A bracket may stay open over this many paragraph breaks (an aside or an editor's note of
#: several paragraphs, as in books and the Jargon File).
MAX_PARAGRAPHS_OPEN = 3


def _across_paragraphs(unpaired: list[tuple[int, int, str, bool]]
                       ) -> list[tuple[int, int, str, bool]]:
    """``unpaired`` less each opener closed by a surplus closer a few paragraphs on."""
    dropped: set[int] = set()
    for i, (n, _, ch, closed) in enumerate(unpaired):
        if closed or i in dropped:
            continue
        for j in range(i + 1, len(unpaired)):
            m, _, other, other_closed = unpaired[j]
            if m > n + MAX_PARAGRAPHS_OPEN:
                break
            if m > n and other_closed and j not in dropped and _PAIRS[other] == ch:
                dropped.update((i, j))
                break
    return [u for i, u in enumerate(unpaired) if i not in dropped]


#: An aside opens a paragraph of at least this many code points (not `(Source: WHIO`).
_ASIDE_LENGTH = 200


def _aside_edge(text: str, pos: int, closer: bool) -> bool:
    """A bracket that opens a long paragraph (`[Antihistorical note: …`, `(Warning: …`)
    or closes one after its full stop (`… you'll never get it.)`): an aside or an
    editor's note of many paragraphs, as in the Jargon File and in books."""
    if closer:
        return text[pos - 1:pos] in (".", "!", "?") and not text[pos + 1:].strip(" .\t")
    return not text[:pos].strip() and len(text) >= _ASIDE_LENGTH


def _mask_bounds(view: str, start: int, end: int, text: str) -> tuple[int, int]:
    """First and last masked offsets of the paragraph ``text`` (-1 when none); a hidden line
    (a table row, code) right before or after the paragraph counts as masked at its edge,
    since the partner may stand in it."""
    first, last = text.find(MASK), text.rfind(MASK)
    if view[max(0, start - 2):start].rstrip("\r\n")[-1:] == MASK:
        first = 0
    if view[end:end + 2].lstrip("\r\n")[:1] == MASK:
        last = len(text)
    return first, last


def _masked_partner(masks: tuple[int, int], pos: int, closer: bool) -> bool:
    """Whether the partner may be hidden in masked text (code, a URL, a link target).

    ``masks`` holds the first and last masked offsets of the paragraph (-1 when none).
    """
    first, last = masks
    return (0 <= first < pos) if closer else (last > pos)


def _ignored(text: str) -> set[int]:
    skip: set[int] = set()
    for pattern in (_SMILEY, _INTERVAL, _QUOTED_MARK, _KEY_BRACKET, _HAIR_SMILEY, _BRACKET_NAME):
        for m in pattern.finditer(text):
            skip.update(range(m.start(), m.end()))
    return skip


def _closed_by_smiley(text: str, stack: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The openers left open less those a later smiley closes as well (`(boo, bad choice
    :-)`, `(or some :-) of the above`): the smiley's mouth doubles as the bracket."""
    if not stack or ")" not in text:
        return stack
    mouths = [m.end() - 1 for m in _SMILEY.finditer(text) if m.group().endswith(")")]
    left = []
    for i, ch in reversed(stack):
        later = [j for j in mouths if j > i]
        if ch == "(" and later:
            mouths.remove(later[0])
            continue
        left.append((i, ch))
    return left[::-1]


def _unmatched(text: str) -> list[tuple[int, str, bool]]:
    """``(offset, bracket, is_closer)`` of the brackets that have no partner."""
    skip: set[int] | None = None
    stack: list[tuple[int, str]] = []
    bad: list[tuple[int, str, bool]] = []
    depth = {"(": 0, "[": 0}
    for m in _BRACKETS.finditer(text):
        i, ch = m.start(), m.group()
        if skip is None:
            skip = _ignored(text)
        if i in skip:
            continue
        if ch in "([":
            stack.append((i, ch))
            depth[ch] += 1
            continue
        opener = _PAIRS[ch]
        if not depth[opener] and _LIST_MARK.search(text[max(0, i - 5):i + 1]):
            continue  # `a)`, `1)` list marker with nothing open
        if not depth[opener] and ch == ")" and text[i + 1:i + 2] in ("", "\n") and \
                _GLUED_SMILEY.search(text, max(0, i - 4), i + 1):
            continue  # `nuts:)` ending a line: a smiley, with nothing open for it to close
        if not depth[opener] and _C_LINE_END.match(text, i) and \
                "*" in text[text.rfind("\n", 0, i) + 1:i]:
            continue  # `      const void *colormap));`: a C prototype quoted in a manual
        if not depth[opener]:
            bad.append((i, ch, True))
            continue
        while stack[-1][1] != opener:  # close the inner mismatch
            j, other = stack.pop()
            depth[other] -= 1
            bad.append((j, other, False))
        stack.pop()
        depth[opener] -= 1
    bad.extend((i, ch, False) for i, ch in _closed_by_smiley(text, stack))
    # A backslash-escaped bracket is meant literally (`{string\\[]}`): never report it.
    return sorted(b for b in bad if not (b[0] and text[b[0] - 1] == "\\")
                  and not _named_bracket(text, b[0]) and not _code_bracket(text, b[0]))


def _code_bracket(text: str, pos: int) -> bool:
    """An unpaired bracket of a troff escape or in a pattern token: code, not prose.

    Tested after pairing, not skipped before it, so that hiding one half of a real pair
    (`(see systemd-system.conf(5)).`) can never make the other half look unpaired.
    """
    if any(_ESCAPE_BRACKET.fullmatch(text, i, pos + 1) for i in range(max(0, pos - 4), pos)):
        return True
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1
    ends = [i for i in (text.find(c, pos) for c in " \n\t") if i >= 0]
    return bool(_PATTERN_TOKEN.fullmatch(text[start:min(ends) if ends else len(text)]))


def _named_bracket(text: str, pos: int) -> bool:
    """An unpaired bracket alone between spaces, not just after another: a symbol named.

    `The [ and test commands`, `ESC $ ( C`. Still reported: MT's doubled closer
    (`documents) )`, `the UK). )`); a lone bracket that pairs (`( WHO )`) never gets here.
    """
    if not _LONE_BRACKET.match(text, pos):
        return False
    return not _BRACKETS.search(text[:pos].rstrip()[-3:])


_QUOTES = lazy_re(r"[\"“”]")
#: More quotation marks than this in one paragraph: not prose (and not worth the loop).
MAX_QUOTES = 400
_OPENS_QUOTE = lazy_re(r"\s*[\"“]")


class UnbalancedQuote(Rule):
    """
    ## What it does
    Finds a double quotation mark (`"`, `“`, `”`) in a paragraph that has no partner.

    ## Why it matters
    A lost closing quote makes the reader unsure where a quotation ends and who is
    speaking; translation systems often drop one when they reorder a sentence.

    ## Example
    `The spokesman said “the plan will go ahead next year.`

    ## Use instead
    `The spokesman said “the plan will go ahead next year.”`

    ## Fix safety
    No fix: only a person can tell where the quotation ends. Not reported: inch marks
    (`5'10"`, `27"`), single quotes and apostrophes (too ambiguous), and an opening quote
    left open at the end of a paragraph when the next paragraph opens a quote again (the
    English convention for a quotation that runs over several paragraphs).

    Default severity *info* (hidden unless `--min-severity info`): quotations that run over
    several sentences split into segments (subtitles, news sentences one per line) leave
    quotes open in a segment without any error, so on clean text this rule is right less
    often than the others.
    """

    code = "RT707"
    name = "unbalanced-quote"
    category = "punctuation"
    severity = Severity.INFO
    fixable = False

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        if '"' not in view and "“" not in view and "”" not in view:
            return
        for seg in doc.segments():
            text = view[seg.start:seg.end]
            if not _QUOTES.search(text):
                continue
            if text.count('"') + text.count("“") + text.count("”") > MAX_QUOTES:
                continue  # a table of quoted strings or generated data, not dialogue
            bad = _unpaired_quotes(text)
            if len(bad) > MAX_PER_PARAGRAPH:
                continue
            masks = _mask_bounds(view, seg.start, seg.end, text)
            for pos, closer in bad:
                if _masked_partner(masks, pos, closer):
                    continue
                if not closer and _OPENS_QUOTE.match(view, seg.end):
                    continue  # the quotation runs on into the next paragraph
                what = ("closing quotation mark with no opening one" if closer
                        else "quotation mark is never closed in this paragraph")
                yield self.finding(seg.start + pos, seg.start + pos + 1, what)


def _unpaired_quotes(text: str) -> list[tuple[int, bool]]:
    """``(offset, is_closer)`` of double quotes with no partner in ``text``.

    Whether a mark opens or closes is read from the spaces around it, not from its shape:
    `said. “` closes a quotation however the typist's software curled it.
    """
    open_at: int | None = None
    bad: list[tuple[int, bool]] = []
    for m in _QUOTES.finditer(text):
        i, ch = m.start(), m.group()
        prev = text[i - 1] if i else " "
        if ch == '"' and open_at is None and (
                prev.isdigit() or (prev == "'" and text[i - 2:i - 1].isdigit())):
            continue  # inch mark: 27", 5'10"
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if prev in "(['`" and nxt in ")]'`":
            continue  # a quotation mark named, not used: `U+0022 (")`, `'"'`
        if _opens(ch, prev, nxt, open_at is not None):
            if open_at is not None:
                bad.append((open_at, False))
            open_at = i
        elif open_at is not None:
            open_at = None
        else:
            bad.append((i, True))
    if open_at is not None:
        bad.append((open_at, False))
    return bad


def _opens(ch: str, prev: str, nxt: str, is_open: bool) -> bool:
    """Whether a double quote between ``prev`` and ``nxt`` opens a quotation."""
    left = prev.isspace() or prev in "([{—–-/,;:_*" + MASK  # `_"."_`: emphasis is
    right = nxt.isspace() or nxt in ".,;:!?)]}—–_*" + MASK  # transparent
    if left != right:
        return left
    if is_open:
        return False
    return ch != "”"  # nothing open: trust the shape of a curly mark
