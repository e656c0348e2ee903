"""The plain-text layout pass: tables, columns, code and ``key: value`` listings of a .txt
file are hidden like Markdown code (offsets unchanged), and the MT prose around them is
still linted."""

from __future__ import annotations

from repairtool.document import MASK, Document
from repairtool.engine import scan_text
from repairtool.layout import plain_hidden_spans

# A README-like plain text: real-looking layout next to machine-translated prose with
# damage the rules must still find (`the the`, `invasion.Over`, `rose ,`, `China ’ s`).
SAMPLE = """\
Installation notes

The package was updated on Monday , and the the new version is faster.

  Name        : repairtool
  Version     : 1.2
  /var/lock   : Lock files

Contents
  Invoking ........................ 12
  Total ........ $132

* sed: Invoking.           How to run sed.
* Examples::               Some sample scripts.

    $ find . -name '*.txt' | xargs grep -n foo ;
    for my $x ( @list ) { print "$x\\n"; }
    void **name = &sub;

  +---------+--------+
  | column  | value  |
  +---------+--------+

Subscription: open
Moderated: no

The army said prices rose.The ministry said exports fell , and China ’ s trade shrank.
See the block size (*note Block size::) before printing.
"""


def view_of(text: str) -> str:
    return Document.from_text(text, kind="text", layout=True).view


def test_offsets_unchanged() -> None:
    view = view_of(SAMPLE)
    assert len(view) == len(SAMPLE)
    assert [i for i, c in enumerate(view) if c == "\n"] == \
        [i for i, c in enumerate(SAMPLE) if c == "\n"]
    for i, c in enumerate(view):
        assert c == SAMPLE[i] or c == MASK


def test_layout_hidden() -> None:
    view = view_of(SAMPLE)
    for needle in ("Name        : repairtool", "/var/lock   : Lock files", "Invoking .....",
                   "Total ........ $132", "* sed: Invoking.", "$ find . -name",
                   "void **name = &sub;", "for my $x ( @list )", "| column  | value  |",
                   "Subscription: open", "*note Block size::"):
        at = SAMPLE.index(needle)
        assert MASK in view[at:at + len(needle)], needle
        assert set(view[at:at + len(needle)]) == {MASK}, needle


def test_prose_still_linted() -> None:
    found = {(f.rule.code, SAMPLE[f.start:f.end]) for f in scan_text(SAMPLE)}
    assert ("RT401", "the the") in found
    assert any(code == "RT201" for code, _ in found)  # rose.The
    assert ("RT703", " ,") in found  # Monday , / rose ,
    # China ’ s: RT712 (spaced quote mark) says it of the whole word, superseding RT703.
    assert any(code in ("RT703", "RT712") and "’" in text for code, text in found)
    # Nothing in the layout is reported.
    layout_end = SAMPLE.index("The army")
    first_prose_end = SAMPLE.index("faster.") + len("faster.")
    assert all(not (first_prose_end < f.start < layout_end) for f in scan_text(SAMPLE))


def test_prose_with_colons_and_symbols_is_read() -> None:
    # MT prose with one `word :`, a `$5` or a `;` is no listing and no code.
    text = ("The minister said : the war will end soon , and prices rose .\n"
            "Tickets cost $5; the the fans came anyway.\n")
    assert plain_hidden_spans(text) == []
    codes = [f.rule.code for f in scan_text(text)]
    assert codes.count("RT703") >= 2 and "RT401" in codes


def test_one_odd_line_does_not_cut_a_paragraph() -> None:
    # A line with a column gap inside running prose stays visible: hiding it would cut the
    # paragraph in two and leave a fragment behind.
    text = ("The committee met on Tuesday and discussed the budget for the next year\n"
            "ResetFence         the fence is reset and the members voted on the plan\n"
            "before they went home in the evening after the long meeting ended.\n")
    assert plain_hidden_spans(text) == []


def test_key_value_listing_needs_two_lines() -> None:
    assert plain_hidden_spans("Reporter: Zhang San\n") == []
    text = "Reporter: Zhang San\nEditor: Li Si\n"
    assert len(view_of(text)) == len(text)
    assert set(view_of(text).replace("\n", "")) == {MASK}


def test_markdown_and_bilingual_unaffected() -> None:
    # The pass is for plain text only: Markdown has its parser, bilingual readers protect
    # their own spans.
    text = "  Name        : value\n  Other       : thing\n"
    assert MASK not in Document.from_text(text, kind="text").view  # layout off by default
    assert MASK not in Document.from_text(text, kind="markdown").view.replace("\n", "")[:4]


def test_plain_text_without_layout_is_untouched() -> None:
    text = "Prices rose in May. The ministry said so on Tuesday, and markets fell.\n"
    assert plain_hidden_spans(text) == []
    assert view_of(text) == text
