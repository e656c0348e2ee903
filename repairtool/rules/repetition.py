"""RT4: repetition — doubled words and doubled phrases, typical of MT decoding loops."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from repairtool.document import Document
from repairtool.model import Applicability, Finding, Fix, Severity
from repairtool.rules._patterns import lazy_re
from repairtool.rules.base import Rule
from repairtool.words import FUNCTION_WORDS, is_word, word_list, word_set

_FIRST = operator.itemgetter(0)
#: Candidate doubled phrases in the string of first letters (one byte per word).
_REPEAT = lazy_re(rb"(?=(.{2,6})\1)", re.DOTALL)
_WORD = lazy_re(rb"[a-z\xdf-\xff]+(?:'[a-z\xdf-\xff]+)?")
_SPACED_WORDS = lazy_re(r"[^\W\d_]+(?:['’?][^\W\d_]+)?(?: +[^\W\d_]+(?:['’?][^\W\d_]+)?)+")
#: What no string of :data:`_SPACED_WORDS` holds: a character other than a letter, a space
#: or an apostrophe; a space or apostrophe at either end; an apostrophe next to a space or
#: another; two apostrophes in one word.
_NOT_SPACED_WORDS = lazy_re(r"[^\w '’?]|[\d_]|\A[ '’?]|[ '’?]\Z|[ '’?]['’?]|['’?] "
                            r"|['’?][^\W\d_]+['’?]")
#: Longer spans are tested with :data:`_NOT_SPACED_WORDS`.
_LONG = 4096


@dataclass
class _Words:
    """The document's folded view (one byte a code point, see ``Document.folded``) and its
    words."""

    data: bytes
    words: list[bytes]

    @cached_property
    def same(self) -> bytes:
        """1 where a word equals the next, else 0 (C speed, one byte per word)."""
        return bytes(map(operator.eq, self.words, self.words[1:]))


_CACHE: list[tuple[bytes, _Words]] = []


def words_of(doc: Document) -> _Words:
    """The words of ``doc``, split once for RT203, RT401 and RT402 (a one-entry cache)."""
    data = doc.folded
    if _CACHE and _CACHE[0][0] is data:
        return _CACHE[0][1]
    result = _Words(data, data.split())
    _CACHE[:] = [(data, result)]
    return result


#: Doubles that are good English or names, and particles that double after a phrasal verb
#: (`was taken in in the church`): lists in ``repairtool/data/en_rule_words.txt``.
LEGIT_DOUBLES = word_set("legit-doubles")
PARTICLES = word_set("phrasal-particles")
_VERB_BEFORE = lazy_re(
    r"\b(?:" + "|".join(word_list("phrasal-verbs")) + "|(?:"
    + "|".join(word_list("phrasal-verbs-regular")) + r")(?:s|ed|ing)?)\s+$")


def _unlisted(word: str) -> bool:
    """An ASCII word that no dictionary lists (`café` is judged like a listed word)."""
    return word.isascii() and not is_word(word)


def _proper_name(text: str) -> bool:
    """Every word capitalised, so likely a name: `Walla Walla`, `New York New York`."""
    words = text.split()
    return all(w[:1].isupper() for w in words)


class DoubledWord(Rule):
    """
    ## What it does
    Finds a word written twice in a row: `the the`, `of of`, `to to`.

    ## Why it matters
    A doubled word is a slip in human text and a typical decoding glitch in machine
    translation; readers notice it at once.

    ## Example
    `The report was published by the the ministry on Tuesday.`

    ## Use instead
    `The report was published by the ministry on Tuesday.`

    ## Fix safety
    Unsafe: the repeats and the spaces before them are deleted (a run of three or more is one
    finding), so the first copy keeps its case. That is right for `the the`, but a doubled
    content word may render a reduplication in the source (`soldier soldier`), and on MLQE-PE
    post-edits even deleting `are are` lowered chrF, so `--fix` alone leaves them to a person
    (`--unsafe-fixes` applies them). Left alone: doubles that are good English (`had had`, `that
    that`, `is is`, `her her`), a particle after a phrasal verb (`was taken in in the church`),
    intensifiers and interjections (`very very`, `bye bye`, `ha ha`), contrastive
    reduplication (`not nice nice, but nice`), a pair that is a whole clause after a comma
    (`…, soldier soldier.`: a proverb's parallel), names (`Walla Walla`,
    `ylang ylang`), copies in different case (`URL url`), a quoted mention of the typo (`"the
    the"`), words glued to other text (`async_context context`), single letters other than `a`,
    and words across a line break or punctuation (`no, no`).
    """

    code = "RT401"
    name = "doubled-word"
    category = "repetition"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        scan = words_of(doc)
        words = scan.words
        same = scan.same
        i = same.find(1)
        spans = _Locator(scan.data)
        while i >= 0:
            run = same.find(0, i)  # end of the run of equal neighbours
            run = len(same) if run < 0 else run
            found = self._judge(doc, spans, words[i:run + 1])
            if found is not None:
                yield found
            i = same.find(1, run)

    def _judge(self, doc: Document, spans: _Locator, run: list[bytes]) -> Finding | None:
        word = run[0].decode("latin-1")
        if not _WORD.fullmatch(run[0]) or word in LEGIT_DOUBLES or \
                (len(word) == 1 and word != "a") or (len(word) <= 5 and _unlisted(word)):
            # Decided by the word alone, so every run of it is skipped too. A short word no
            # dictionary lists doubles on purpose: sounds (`pok pok`, `blurp blurp`), baby
            # talk, identifiers (`proc proc`, `xt xt`); a decoding loop doubles real words,
            # and longer unlisted ones are content words (`antelopes antelopes`).
            return None
        start, second, end = spans.locate(run)
        view = doc.view
        found = view[start:end]
        if not _only_spaces_between(found) or _proper_name(found) or not _same_case(found):
            return None
        if not _standalone(view, start, end) or _type_and_name(view, start, found) or \
                _MODE_BEFORE.search(view, max(0, start - 80), start):
            return None  # `async\_context context`, `"the the"` (a mention of the typo)
        if word not in FUNCTION_WORDS and (_whole_line(view, start, end)
                                           or _SENSE_NUMBER.search(view, max(0, start - 8), start)):
            return None  # `win win` alone on a line, `5. grind grind excl.`: a headword
        if copied_example(view, start, end):
            return None  # `it was the the age of wisdom` four times: an example's input
        if word in ("and", "or") and "operator" in view[max(0, start - 40):end + 40]:
            return None  # `the and and or operators`: the operators named
        if view.startswith((" ...", " …"), end):
            return None  # `merge bugnumber bugnumber ...`: a placeholder repeated
        if "   " in found or "\t" in found or _grammatical(view, start, end, word):
            return None  # `xt        xt`: two columns of a table
        if len(run) == 2 and (_contrastive(view, end, word) or _elliptic(view, start, end)):
            return None
        if _chant(view, start, end):
            return None  # `Poor poor pitiful me, poor poor pitiful me`, `Hey hey, my my`
        if word in PARTICLES and _VERB_BEFORE.search(view[max(0, start - 30):start].lower()):
            return None
        first_end = _end_of_first(view, start, second)
        # Unsafe: right almost always, but measured on MLQE-PE post-edits it lowered chrF (a
        # post-editor who rewrites `soldier soldier` keeps both words), so a person confirms.
        fix = Fix.replace(f"Delete the repeated {word!r}", first_end, end, "",
                          Applicability.UNSAFE)
        return self.finding(start, end, f"doubled word {found!r}", [fix])


class _Locator:
    """Finds, left to right, where runs of words found in the word list are in the text."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def locate(self, run: list[bytes], period: int = 1) -> tuple[int, int, int]:
        """``(start, start of word number period, end)`` of the next occurrence of ``run``.

        ``run`` is ``period`` words repeated. Up to :data:`_CHUNK` copies are found with one
        pattern; further copies are matched on a chunk at a time, so neither the pattern nor
        the matcher's stack grows with a long loop (a megabyte of one word).
        """
        unit = rb"\s+".join(re.escape(w) for w in run[:period])
        reps = len(run) // period
        first = min(reps, _CHUNK)
        # A literal first (no look-behind) lets `re` skip ahead fast; the word boundary
        # before it is checked by hand.
        head = re.compile(rb"(" + unit + rb")\s+(" + unit + rb")(?:\s+" + unit +
                          rb"){%d}(?!\S)" % (first - 2))
        pos = self.pos
        while True:
            m = head.search(self.data, pos)
            if m is None:  # cannot happen: the words came from this data
                raise LookupError(run[:period])
            if m.start() == 0 or self.data[m.start() - 1:m.start()].isspace():
                break
            pos = m.start() + 1
        end = m.end()
        left = reps - first
        while left > 0:
            chunk = min(left, _CHUNK)
            more = re.compile(rb"(?:\s+" + unit + rb"){%d}(?!\S)" % chunk).match(self.data, end)
            if more is None:  # cannot happen: the repeats were counted in this data
                raise LookupError(run[:period])
            end = more.end()
            left -= chunk
        self.pos = end
        return m.start(), m.start(2), end


#: Copies of a loop matched per step beyond the first two.
_CHUNK = 256
#: Past a loop or run of one word longer than this many words, the search for loops starts
#: again after it rather than stepping over every position inside it.
_JUMP = 64


class DoubledPhrase(Rule):
    """
    ## What it does
    Finds a phrase of two to six words written twice in a row: `in the city in the city`.

    ## Why it matters
    Immediate phrase repetition is the signature of a machine-translation decoding loop
    ("hallucination"); it is almost never intended in prose.

    ## Example
    `Officials said the plan would be carried out in the city in the city next year.`

    ## Use instead
    `Officials said the plan would be carried out in the city next year.`

    ## Fix safety
    Unsafe: deleting the second copy is right for a decoding loop, but a repeated phrase
    can be rhetoric, a quoted chant or a lyric, so a person should look. Names that repeat
    (`New York New York`) and idioms (`more and more`, `what will be will be`) are not
    reported; phrases separated by punctuation are not
    matched at all.
    """

    code = "RT402"
    name = "doubled-phrase"
    category = "repetition"
    severity = Severity.WARNING
    fixable = True

    def check(self, doc: Document) -> Iterable[Finding]:
        view = doc.view
        scan = words_of(doc)
        words = scan.words
        initials = bytes(map(_FIRST, words))
        spans = _Locator(scan.data)
        done = 0
        matches = _REPEAT.finditer(initials)
        while (m := next(matches, None)) is not None:
            i = m.start()
            if i < done:
                continue  # inside the last loop, or in a run of one word
            if words[i] == words[i + 1]:  # a repeated word (RT401's)
                done = scan.same.find(0, i)
                done = len(words) if done < 0 else done
                if done - i > _JUMP:  # a long run of one word: search on after it
                    matches = _REPEAT.finditer(initials, done)
                continue
            k = _period(words, i)
            if k is None:
                continue
            reps = 2
            while words[i + reps * k:i + (reps + 1) * k] == words[i:i + k]:
                reps += 1
            done = i + reps * k
            start, second, end = spans.locate(words[i:done], k)
            if (reps == 3 or words[done:done + 1] == words[i:i + 1]) and _opens_line(view, start):
                continue  # `I told you I told you I told you`, `Do be do be do`: a figure
                #           (not `dares to dare to dare to try` inside a sentence: a loop)
            found = self._judge(view, start, second, end, words[i:i + k])
            if found is not None:
                yield found
            if done - i > _JUMP:  # a long loop: search on after it
                matches = _REPEAT.finditer(initials, done)

    def _judge(self, view: str, start: int, second: int, end: int, phrase: list[bytes]
               ) -> Finding | None:
        found = view[start:end]
        names = {w.decode("latin-1") for w in phrase}
        if all(len(w) == 1 for w in phrase):
            return None  # `A B C D E F a b c d e f`, `{ a b a b c }`: letters listed
        if not _only_spaces_between(found) or _proper_name(found) or names <= LEGIT_DOUBLES:
            return None
        if not _standalone(view, start, end):
            return None
        if _idiom([w.decode("latin-1") for w in phrase]) or _free_relative(view, start, phrase):
            return None
        before = _NEIGHBOUR.findall(view[max(0, start - 20):start])
        if before and before[-1].lower() in _CALLING:
            return None  # `does not call a relationship a relationship`: X called X
        first_end = _end_of_first(view, start, second)
        text = view[start:first_end]
        fix = Fix.replace(f"Delete the repetitions of {text!r}", first_end, end, "",
                          Applicability.UNSAFE)
        return self.finding(start, end, f"phrase repeated: {text!r}", [fix])


#: `call a spade a spade`: a thing called by its own name.
_CALLING = frozenset({"call", "calls", "called", "calling"})
#: `whatever happens happens`: the doubled verb ends a free relative and starts the clause.
_WH_EVER = frozenset({"whatever", "whoever", "whichever", "wherever", "whenever"})
#: `they that sleep sleep in the night`, `every man that offered offered`: a relative
#: clause ends on the verb the main clause starts with.
_RELATIVE = frozenset({"that", "who", "which"})
#: ... after a person (`that index index` is a slip).
_RELATIVE_HEADS = frozenset({"they", "he", "she", "man", "men", "all", "those", "one",
                             "him", "them", "whoso"})
#: `laid before you you will`, `for it it will`: an object, then the subject of the next
#: clause; only after a preposition and before a verb or modal.
_OBJECT_SUBJECT = frozenset({"it", "you", "them", "him", "us", "me", "this"})
_PREPOSITIONS = frozenset({"for", "before", "to", "with", "from", "at", "on", "about",
                           "against", "upon", "after", "unto", "into", "like", "than"})
#: `If I told you you had a beautiful body`: a verb of telling, its object, then the
#: subject of the clause it tells.
_TELLING = frozenset({"told", "tell", "tells", "telling", "show", "showed", "shows", "ask",
                      "asked", "promised", "warned", "assured", "reminded", "bet"})
_FINITE = frozenset({"will", "would", "shall", "should", "can", "could", "may", "might",
                     "must", "is", "was", "are", "were", "has", "have", "had", "does",
                     "did", "do", "seems", "seemed", "means", "meant"})
_NEIGHBOUR = lazy_re(r"[A-Za-z]+")


def _grammatical(view: str, start: int, end: int, word: str) -> bool:
    """A doubled word that is good English in its context (the words around it)."""
    before = _NEIGHBOUR.findall(view[max(0, start - 20):start])
    after = _NEIGHBOUR.match(view, end + 1) if view[end:end + 1] == " " else None
    prev = before[-1].lower() if before else ""
    nxt = after.group().lower() if after else ""
    if prev in _WH_EVER:
        return True
    if prev in _RELATIVE and len(before) > 1 and before[-2].lower() in _RELATIVE_HEADS:
        return word not in FUNCTION_WORDS
    return word in _OBJECT_SUBJECT and (prev in _PREPOSITIONS or prev in _TELLING) and \
        nxt in _FINITE


def _free_relative(view: str, start: int, phrase: list[bytes]) -> bool:
    """`what will be will be`, `whatever has been has been`, `he who is not good is not
    good`: a (free) relative clause ends on the verb phrase the main clause repeats;
    deleting the copy leaves `what will be`."""
    before = _NEIGHBOUR.findall(view[max(0, start - 20):start])
    prev = before[-1].lower() if before else ""
    if prev in _RELATIVE and len(before) > 1 and before[-2].lower() in ("those", "that"):
        return True  # `May those that love us love us`, `that that is not is not`
    if phrase[0].decode("latin-1") not in _FINITE:
        return False
    if prev == "what" or prev in _WH_EVER:
        return True
    # `he who is not good is not good for himself`: a relative clause after a person
    return prev in _RELATIVE and len(before) > 1 and before[-2].lower() in _RELATIVE_HEADS


_LINE_WORD = lazy_re(r"[^\W\d_]+")
#: How far along its line a chant's next doubling is looked for.
_CHANT_REACH = 40


def _chant(view: str, start: int, end: int) -> bool:
    """Another doubling right next to this one: `Hey hey, my my`, `think think click
    click`. (Not the word recurring around it: MT loops do that too, `Echinacea
    japonicus japonicus, which is known as japonicus japonicus`.)"""
    lo = max(view.rfind("\n", 0, start) + 1, start - _CHANT_REACH)
    hi = view.find("\n", end, end + _CHANT_REACH)
    hi = min(len(view), end + _CHANT_REACH) if hi < 0 else hi
    before = _LINE_WORD.findall(view[lo:start])[-2:]
    after = _LINE_WORD.findall(view[end:hi])[:2]
    return any(len(pair) == 2 and pair[0].lower() == pair[1].lower() for pair in (before, after))


def _contrastive(view: str, end: int, word: str) -> bool:
    """`not nice nice, but nice`: contrastive reduplication, the word said again right after
    ("the real one"), not a decoding loop. Never a function word: `of the the ceremony of
    the summit` is a slip, however soon `the` comes again."""
    if word.lower() in FUNCTION_WORDS:
        return False
    after = _NEIGHBOUR.findall(view[end:end + 30])[:4]
    return word.lower() in (w.lower() for w in after)


def _elliptic(view: str, start: int, end: int) -> bool:
    """`A priest begets a priest, a soldier a soldier` read `…, soldier soldier.`: the pair
    is a whole clause after a comma, an elliptic parallel, as MT renders proverbs."""
    before = view[max(0, start - 2):start]
    return before == ", " and view[end:end + 1] in (".", "!", "?") and \
        view[end + 1:end + 2] in ("", " ", "\n")


def _same_case(found: str) -> bool:
    """`the the`, `The the`: a slip. `URL url`, `unreachable UNREACHABLE`: on purpose."""
    first, *rest = found.split()
    return all(w == first or (w == first.lower() and first == first.capitalize())
               for w in rest)


#: The same doubling, with the word after it, this often in one text's indented lines:
#: copies of an example (sed's manual shows `it was the the age of wisdom` to each
#: command), not slips.
COPIES = 3
_NEXT_WORD = lazy_re(r"\s+(\w+)")


def copied_example(view: str, start: int, end: int) -> bool:
    """Whether ``view[start:end]``, on an indented line (an example block), occurs with its
    next word :data:`COPIES` times or more. MT repeats its doublings through a text too
    (the same slip in every paragraph), but in prose, not in indented examples."""
    line_start = view.rfind("\n", 0, start) + 1
    if not view.startswith(("    ", "\t"), line_start):
        return False
    words = view[start:end].split()
    nxt = _NEXT_WORD.match(view, end)
    if nxt:
        words.append(nxt.group(1))
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
    found = re.finditer(pattern, view)
    return all(next(found, None) is not None for _ in range(COPIES))


def _opens_line(view: str, start: int) -> bool:
    """Whether ``start`` opens its line or a quotation (a chant, a saying, a refrain)."""
    head = view[view.rfind("\n", 0, start) + 1:start].strip()
    return head in ("", "\"", "“", "‘", "'", "(")


def _type_and_name(view: str, start: int, found: str) -> bool:
    """`(Display *display, Drawable drawable)`: a capitalised copy after a comma or bracket
    is a type and its parameter (a slip capitalises only at a sentence start: `The the`)."""
    if not found[:1].isupper() or not found[1:2].islower():
        return False
    before = view[max(0, start - 40):start].rstrip()
    return bool(before) and before[-1] in ",(*"  # not `Taiwan Province province`


def _whole_line(view: str, start: int, end: int) -> bool:
    """Whether the run is all its line holds (bar an end mark): `dub dub dub`, `Bum bum`."""
    line_start = view.rfind("\n", 0, start) + 1
    line_end = view.find("\n", end)
    rest = view[end:len(view) if line_end < 0 else line_end]
    return not view[line_start:start].strip() and rest.strip() in ("", "!", ".", "?", ",")


def _standalone(view: str, start: int, end: int) -> bool:
    """Not glued to other text (`async\\_context context`) and not quoted as a mention."""
    before = view[start - 1:start]
    after = view[end:end + 1]
    if before and not (before.isspace() or before in "(“‘\"'[—–"):
        return False
    if view[max(0, start - 80):start].rstrip(" \t").endswith(("‐\n", "-\n")):
        return False  # `inher‐⏎its its root`: the first is the end of a hyphenated word
    if after and (after.isalnum() or after in "_\\/@‐"):
        return False  # `‐`: `to to‐⏎tal`, the second is the start of a hyphenated word
    if view.startswith("-\n", end) or _PAGE_REF.match(view, end):
        return False  # `in in-⏎side`; `glob glob(7)`: the second is a page's name
    if after == "." and view[end + 1:end + 2].isalnum():
        return False  # `gcc -o foo foo.c`: the second is a file name
    return not (before in "\"“'‘" and before and after in "\"”'’" and after)


#: A dictionary's sense number opening a line: `   5. break break may be said to…`.
_SENSE_NUMBER = lazy_re(r"(?:^|\n)[ \t]*\d{1,2}\.[ \t]+$")
#: A man page reference right after a word: `glob(7)`.
_PAGE_REF = lazy_re(r"\(\d\w*\)")
#: A file mode before an owner and a group: `d /var/tmp 1777 root root 30d`.
_MODE_BEFORE = lazy_re(r"(?:^|\s)/\S*[ \t]+[0-7]{3,4}[ \t]+$")  # not `4404 fishermen`


def _end_of_first(view: str, start: int, second: int) -> int:
    """End of the first copy: before the spaces that precede the second copy."""
    end = view.rindex(" ", start, second)
    while view[end - 1] == " ":
        end -= 1
    return end


def _only_spaces_between(found: str) -> bool:
    """Words separated by plain spaces only: no line break, no punctuation (`no, no`)."""
    if len(found) <= _LONG:
        return _SPACED_WORDS.fullmatch(found) is not None
    # A long loop: the same test as a search for what breaks it, whose stack does not grow
    # with the words (the full match's does, to gigabytes on a 50 MB loop).
    return " " in found and _NOT_SPACED_WORDS.search(found) is None


def _period(words: list[bytes], i: int) -> int | None:
    """The length (2-6) of a phrase of words at ``i`` that is repeated right after it."""
    for k in range(2, 7):
        first = words[i:i + k]
        if len(set(first)) > 1 and first == words[i + k:i + 2 * k] and \
                all(_WORD.fullmatch(w) for w in first):
            return k
    return None


def _idiom(words: list[str]) -> bool:
    """`again and again and`, `day by day by`, `slice of slice of`: a repeated `X and X`."""
    if words == ["to", "have"]:
        return True  # `than to have to have a lobotomy`: `to have to` + `have`
    if words[0] == "per" or (len(words) == 2 and words[0] == "as"):
        return True  # `metres per second per second`, `as bright as bright can be`
    if len(words) >= 3 and words[-1] == "is" and words[0] in ("a", "an", "the"):
        return True  # `a rose is a rose is a rose`
    if len(words) == 2 and words[0] in ("and", "or") and (
            words[1] in _GROWING or words[1].endswith("er")):
        return True  # `and more and more reports`: the same `more and more`, seen from `and`
    return len(words) == 2 and words[1] in ("and", "or", "by", "after", "upon", "to", "for",
                                            "of", "in", "on", "with", "than")


#: Words of `X and X` idioms (`more and more`, `on and on`, `round and round`).
_GROWING = frozenset({"more", "less", "fewer", "on", "over", "again", "round", "around",
                      "so", "much", "many"})
