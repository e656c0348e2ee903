"""Property test: whatever the target text (quotes, backslashes, line breaks, entities, CJK),
the position tables map every target character to the characters that store it in a file
written by the format's own library."""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repairtool.bilingual.formats import read_units
from repairtool.bilingual.writeback import decode_stored

ALPHABET = st.sampled_from([*'ab c"\\\n\t&<>\'，中文%{}', "é", "😀"])
TEXT = st.text(ALPHABET, min_size=1, max_size=40).filter(lambda s: s.strip())
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(path: Path, fmt: str, targets: list[str]) -> None:
    bf = read_units(path)
    assert bf.text is not None
    got = [u.target for u in bf.units]
    assert got == targets
    for u in bf.units:
        assert u.fstart is not None and u.fend is not None
        start, end = u.file_span(0, len(u.target))
        assert decode_stored(fmt, bf.text[start:end]) == u.target
        for i in range(len(u.target)):  # every single character decodes to itself
            assert decode_stored(fmt, bf.text[u.fstart[i]:u.fend[i]]) == u.target[i]


@SETTINGS
@given(st.lists(TEXT, min_size=1, max_size=4, unique=True), st.integers(20, 90))
def test_po_written_by_polib(tmp_path: Path, targets: list[str], width: int) -> None:
    po = polib.POFile(wrapwidth=width)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for i, t in enumerate(targets):
        po.append(polib.POEntry(msgid=f"源{i}", msgstr=t))
    path = tmp_path / "p.po"
    po.save(str(path))
    check(path, "po", targets)


@SETTINGS
@given(st.lists(TEXT.filter(lambda s: "\r" not in s), min_size=1, max_size=4))
def test_xliff_written_by_lxml(tmp_path: Path, targets: list[str]) -> None:
    from lxml import etree

    ns = "urn:oasis:names:tc:xliff:document:1.2"
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="1.2")
    f = etree.SubElement(root, f"{{{ns}}}file", original="x", datatype="plaintext")
    f.set("source-language", "zh")
    f.set("target-language", "en")
    body = etree.SubElement(f, f"{{{ns}}}body")
    for i, t in enumerate(targets):
        tu = etree.SubElement(body, f"{{{ns}}}trans-unit", id=str(i))
        etree.SubElement(tu, f"{{{ns}}}source").text = f"源{i}"
        etree.SubElement(tu, f"{{{ns}}}target").text = t
    path = tmp_path / "x.xlf"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))
    check(path, "xliff", targets)
