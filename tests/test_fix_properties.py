"""Properties of ``--fix`` over generated text with injected artefacts and look-alikes:
idempotent, lines without an applied edit byte-identical, CRLF and BOM kept, and the printed
diff, applied with real ``git apply``, gives exactly what ``--fix`` writes."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repairtool.config import Settings
from repairtool.engine import scan_file, scan_text
from repairtool.fixes import FixResult, fix_text
from repairtool.model import Applicability
from repairtool.repair import repair, write_atomic
from repairtool.source import decode

from .repair_helpers import cli, git, init_repo

WORDS = ["prices", "rose", "the", "The", "ministry", "said", "in", "May", "and", "growth"]
LOOKALIKES = ["**bold**", "2**10", "e.g.", "U.S.", "3.14", "v2.0.1", "10:30", "iPhone",
              "JavaScript", "KeyError", "config.yaml", "https://example.com/a，b",
              "name@example.com", "你好，世界", "《红楼梦》", "(note)", "“quoted”", "…"]
ARTEFACTS = ["，", "。", "（", "）", "：", "；", "！", "？", "、",
             "１２", "Ａ", "\u3000", "【", "】"]
SPACES = [" ", " ", " ", "", "\t", "  "]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(LOOKALIKES),
                  st.sampled_from(ARTEFACTS))
line = st.lists(st.tuples(token, st.sampled_from(SPACES)), max_size=12).map(
    lambda parts: "".join(t + s for t, s in parts))
document = st.tuples(st.lists(line, min_size=1, max_size=8),
                     st.sampled_from(["\n", "\r\n"]), st.booleans()).map(
    lambda d: d[1].join(d[0]) + (d[1] if d[2] else ""))

SETTINGS = Settings()
PROPS = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def fix(text: str, level: Applicability = Applicability.SAFE) -> FixResult:
    return fix_text(text, lambda t: scan_text(t, settings=SETTINGS), level)


@PROPS
@given(document)
def test_fix_is_idempotent(text: str) -> None:
    once = fix(text)
    assert once.converged
    twice = fix(once.text)
    assert twice.text == once.text
    assert twice.applied == []


@PROPS
@given(document)
def test_lines_without_applied_edits_are_byte_identical(text: str) -> None:
    result = fix(text)
    before = text.encode("utf-8").split(b"\n")
    after = result.text.encode("utf-8").split(b"\n")
    assert len(before) == len(after)  # safe fixes never add or remove a line break
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if i not in result.touched_lines:
            assert old == new, f"line {i} changed without an edit"
    assert result.text.count("\r") == text.count("\r")
    if result.applied:
        assert result.touched_lines


@PROPS
@given(document, st.sampled_from([("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                  ("utf-16-be", codecs.BOM_UTF16_BE)]))
def test_crlf_and_bom_survive_writing(text: str, enc: tuple[str, bytes]) -> None:
    codec, bom = enc
    data = bom + text.encode(codec)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_bytes(data)
        result = scan_file(path, "t.txt", settings=SETTINGS)
        rep = repair(result, Applicability.SAFE)
        if rep.changed:
            assert result.source is not None
            write_atomic(path, rep.new_bytes(), result.source)
        written = path.read_bytes()
    assert written.startswith(bom)
    back = decode(written)
    assert (back.encoding, back.bom) == (codec, bom)
    assert back.text == rep.fixed.text
    for mark in ("\r\n", "\n", "\r"):
        assert back.text.count(mark) == text.count(mark)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.sampled_from([b"", codecs.BOM_UTF8]))
def test_git_apply_of_the_diff_gives_what_fix_writes(text: str, bom: bytes) -> None:
    data = bom + text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        repo = init_repo(Path(tmp) / "repo")
        (repo / "t.txt").write_bytes(data)
        diff = cli(["scan", "--diff", "--isolated", "t.txt"], repo)
        assert diff.returncode in (0, 1), diff.stderr
        assert (diff.returncode == 1) == bool(diff.stdout)
        if diff.stdout:
            git(["apply", "-"], repo, stdin=diff.stdout)
        applied = (repo / "t.txt").read_bytes()
        (repo / "t.txt").write_bytes(data)
        fixed = cli(["scan", "--fix", "--isolated", "t.txt"], repo)
        assert fixed.returncode in (0, 1), fixed.stderr
        assert (repo / "t.txt").read_bytes() == applied
