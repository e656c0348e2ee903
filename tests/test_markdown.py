"""Markdown masking: code, URLs, HTML, link targets and front matter are never linted, and
every offset of the view is an offset of the original file."""

from __future__ import annotations

from repairtool.config import Settings
from repairtool.document import MASK, Document
from repairtool.engine import scan_text

SAMPLE = """\
---
title: Notes，draft
---
# Heading，with a comma

Prose，here and `code，span` and <span>html，</span> and <https://x.org/a，b>.
A [link，text](https://example.com/a，b "title，t") and ![alt](img，.png).

[ref，]: https://example.com/ref，

```python
print("fence，")
```

    indented，code

<div>
block，html
</div>

- item，one
> quote，two

| col，a | b |
|---|---|
| `c，` | d，|
"""


def hidden(doc: Document, needle: str) -> bool:
    i = doc.text.index(needle)
    return set(doc.view[i:i + len(needle)]) <= {MASK, "\n", "\r"}


def test_view_has_same_length_and_line_breaks() -> None:
    doc = Document.from_text(SAMPLE, kind="markdown")
    assert len(doc.view) == len(doc.text)
    assert [i for i, c in enumerate(doc.view) if c == "\n"] == \
        [i for i, c in enumerate(doc.text) if c == "\n"]


def test_non_prose_is_hidden() -> None:
    doc = Document.from_text(SAMPLE, kind="markdown")
    for needle in ("title: Notes，draft", "`code，span`", "<span>", "</span>",
                   "<https://x.org/a，b>", '(https://example.com/a，b "title，t")',
                   "![alt](img，.png)", "[ref，]: https://example.com/ref，",
                   'print("fence，")', "indented，code", "block，html", "`c，`"):
        assert hidden(doc, needle), needle


def test_prose_is_visible() -> None:
    doc = Document.from_text(SAMPLE, kind="markdown")
    for needle in ("Heading，with", "Prose，here", "html，", "link，text", "item，one",
                   "quote，two", "col，a", " d，|"):
        i = doc.text.index(needle)
        assert doc.view[i:i + len(needle)] == needle, needle


def test_findings_point_into_the_original_file() -> None:
    findings = scan_text(SAMPLE, kind="markdown", settings=Settings(select=("RT301",)))
    got = sorted(SAMPLE[:f.start].count("\n") + 1 for f in findings)
    lines = SAMPLE.splitlines()
    assert got, "the prose commas must be found"
    for line in got:
        assert any(w in lines[line - 1] for w in
                   ("Heading", "Prose", "html，", "link，", "item", "quote", "col，", "d，"))
    texts = {SAMPLE[f.start:f.end] for f in findings}
    assert texts == {"，"}


def test_plain_text_hides_urls_and_emails() -> None:
    text = "See https://example.org/a，b or mail me，at x，y@example.org now."
    doc = Document.from_text(text)
    assert hidden(doc, "https://example.org/a，b")
    assert hidden(doc, "y@example.org")
    assert doc.view.count("，") == 2


def test_deeply_nested_markdown_is_scanned() -> None:
    text = "> " * 2000 + "deep，text\n" + "- " * 2000 + "x\n" + "[" * 5000 + "\n"
    findings = scan_text(text, kind="markdown", settings=Settings(select=("RT301",)))
    assert all(0 <= f.start < f.end <= len(text) for f in findings)


def test_crlf_markdown_keeps_offsets() -> None:
    text = "# T\r\n\r\nSome `a，b` prose，here.\r\n\r\n```\r\ncode，\r\n```\r\n"
    findings = scan_text(text, kind="markdown", settings=Settings(select=("RT301",)))
    assert [text[f.start - 5:f.end] for f in findings] == ["prose，"]


def test_emphasis_delimiters_the_parser_recognised_are_hidden() -> None:
    text = ("* **Smuggling (Medium)([CVE-1](https://x.org/a))**: the parser.\n\n"
            "Tokyo** has tightened the **new** rules.\n")
    doc = Document.from_text(text, kind="markdown")
    hidden_at = {i for i, c in enumerate(doc.view) if c == MASK}
    first = text.index("**Smuggling")
    closing = text.index("**:")
    assert {first, first + 1, closing, closing + 1} <= hidden_at
    assert doc.view[text.index("Tokyo**"):].startswith("Tokyo** has")  # not emphasis
    new = text.index("**new**")
    assert {new, new + 1, new + 5, new + 6} <= hidden_at
