"""The wild benchmark's matching and recall logic, its label builder and its rebuild step.

All of it runs on a tiny made-up manifest in a temporary folder, never on the real
third-party passages (those are not in the repository).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import wild  # noqa: E402
import wild_label  # noqa: E402
import wild_rebuild  # noqa: E402

TEXT = "Prices rose.The market ** fell today.\nFood was cheap."


def make_set(tmp_path: Path, text: str = TEXT) -> Path:
    """A wild folder with one dev passage, its text and a label file built into a manifest."""
    folder = tmp_path / "wild"
    (folder / "texts").mkdir(parents=True)
    (folder / "heldout_sites.txt").write_text("# none\nheld.example\n", encoding="utf-8")
    (folder / "texts" / "w001.txt").write_text(text, encoding="utf-8")
    (folder / "labels.txt").write_text(
        "@ w001\nurl: https://www.mt.example/a.html\nquery: q\ntopic: t\n"
        "join: Prices rose[[.T]]he | stop glued\n"
        "mask: market [[**]] fell | hole\n"
        "calque!: Food was [[cheap]]. | added after a run\n", encoding="utf-8")
    entries, problems = wild_label.build(folder)
    assert problems == []
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as out:
        for e in entries:
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return folder


def test_labels_are_found_by_their_text_and_checked(tmp_path: Path) -> None:
    folder = make_set(tmp_path)
    [p] = wild.load_manifest(folder / "manifest.jsonl")
    assert (p.site, p.split, p.chars) == ("mt.example", "dev", len(TEXT))
    spans = [(lab.kind, TEXT[lab.start:lab.end], lab.after_run) for lab in p.labels]
    assert spans == [("join", ".T", False), ("mask", "**", False), ("calque", "cheap", True)]


def test_a_pattern_must_be_unique_unless_starred() -> None:
    text = "a.B and a.B"
    with pytest.raises(ValueError, match="occurs 2 times"):
        wild_label.labels_of("join: a[[.B]] | n", text)
    starred = wild_label.labels_of("*join: a[[.B]] | n", text)
    assert [(lab["start"], lab["end"]) for lab in starred] == [(1, 3), (9, 11)]
    with pytest.raises(ValueError, match="not in the text"):
        wild_label.labels_of("join: x[[.Y]] | n", text)
    with pytest.raises(ValueError, match="unknown kind"):
        wild_label.labels_of("typo: a[[.B]] | n", text)
    bracketed = wild_label.labels_of("fragment: {{[Link]}} | card", "see [Link] now")
    assert bracketed[0]["text"] == "[Link]"


def test_heldout_sites_make_the_test_split(tmp_path: Path) -> None:
    folder = make_set(tmp_path)
    labels = (folder / "labels.txt").read_text(encoding="utf-8")
    (folder / "labels.txt").write_text(labels.replace("www.mt.example", "held.example"),
                                       encoding="utf-8")
    entries, _ = wild_label.build(folder)
    assert entries[0]["split"] == "test"


def test_recall_counts_only_findings_of_the_kinds_families(tmp_path: Path) -> None:
    folder = make_set(tmp_path)
    passages = wild.load_manifest(folder / "manifest.jsonl")
    join, mask, calque = passages[0].labels
    hits = {"w001": [
        wild.Hit("RT201", join.start + 1, join.start + 1),  # empty span inside the join label
        wild.Hit("RT601", mask.start, mask.end),  # a calque rule on the mask: another kind
        wild.Hit("RT703", 0, 3),  # on no label: unlabelled
        wild.Hit("RT602", calque.start, calque.end),
    ]}
    s = wild.score(passages, {"w001": TEXT}, hits)
    assert (s.blind["join"], s.blind_found["join"]) == (1, 1)
    assert (s.blind["mask"], s.blind_found["mask"]) == (1, 0)
    assert (s.after["calque"], s.after_found["calque"]) == (1, 1)
    assert "calque" not in s.blind  # after_run labels never enter the blind recall
    assert dict(s.unlabelled) == {"RT703": 1}
    assert s.other_kind == 1
    assert [(pid, lab.kind) for pid, lab in s.misses] == [("w001", "mask")]
    assert s.per_100kb() == pytest.approx(102_400 / len(TEXT.encode("utf-8")))


def test_overlap_is_half_open() -> None:
    label = wild.Label("join", 5, 7, "xx")
    assert wild.overlaps(6, 9, label)
    assert not wild.overlaps(7, 9, label)
    assert not wild.overlaps(2, 5, label)
    assert wild.overlaps(7, 7, label)  # an insertion point at the label's end touches it


def test_benchmark_runs_the_real_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_set(tmp_path)
    assert wild.main(["--split", "all", "--show"], wild_dir=folder) == 0
    out = capsys.readouterr().out
    assert "dev: 1 passages, 1 sites" in out
    assert "test: 0 passages" in out
    assert "(+ after_run: " in out
    assert "misses:" in out and "unlabelled findings:" in out


def test_missing_texts_are_one_clear_line(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_set(tmp_path)
    (folder / "texts" / "w001.txt").unlink()
    assert wild.main([], wild_dir=folder) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "wild_rebuild.py" in err[0] and "Traceback" not in err[0]


def test_a_changed_text_is_named_and_not_scored(tmp_path: Path) -> None:
    folder = make_set(tmp_path)
    (folder / "texts" / "w001.txt").write_text(TEXT.replace("cheap", "dear!"), encoding="utf-8")
    passages = wild.load_manifest(folder / "manifest.jsonl")
    texts, problems = wild.read_texts(passages, folder / "texts")
    assert texts == {} and len(problems) == 1 and "changed" in problems[0]


def test_a_bad_manifest_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_set(tmp_path)
    (folder / "manifest.jsonl").write_text("{not json\n", encoding="utf-8")
    assert wild.main([], wild_dir=folder) == 2
    assert "cannot read the manifest" in capsys.readouterr().err


def test_rebuild_takes_only_the_excerpt_with_the_right_hash(tmp_path: Path) -> None:
    folder = make_set(tmp_path)
    passages = wild.load_manifest(folder / "manifest.jsonl")
    texts = folder / "texts"
    (texts / "w001.txt").unlink()
    url = passages[0].url
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"results": [{"url": url, "excerpt": "other text"}]}),
                     encoding="utf-8")
    assert "not written" in wild_rebuild.import_answer(wrong, passages, texts)[0]
    assert not (texts / "w001.txt").exists()
    # The store may give a no-break space where the manifest's text has a plain one.
    right = tmp_path / "right.json"
    stored = TEXT.replace("Food was", "Food\u00a0was")
    right.write_text(json.dumps({"results": [{"rank": 1, "url": url, "excerpt": stored}]}),
                     encoding="utf-8")
    assert wild_rebuild.import_answer(right, passages, texts) == [f"w001: written from {right}"]
    found, problems = wild.read_texts(passages, texts)
    assert problems == [] and found["w001"] == stored


def test_a_finding_in_the_sentence_the_excerpt_cut_off_is_counted_apart(tmp_path: Path) -> None:
    cut_text = "Prices rose.The market ** fell today.\nFood was cheap. The Provincial Educa"
    assert wild.cut_start(TEXT) is None  # ends with a stop: the excerpt is whole
    assert cut_text[wild.cut_start(cut_text) or 0:] == " The Provincial Educa"
    folder = make_set(tmp_path, cut_text)
    passages = wild.load_manifest(folder / "manifest.jsonl")
    tail = cut_text.index("The Provincial")
    hits = {"w001": [wild.Hit("RT501", tail, len(cut_text)), wild.Hit("RT703", 0, 3)]}
    s = wild.score(passages, {"w001": cut_text}, hits)
    assert s.at_cut == 1 and dict(s.unlabelled) == {"RT703": 1}


def test_rebuild_takes_a_result_saved_under_the_passage_id(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    folder = make_set(tmp_path)
    [p] = wild.load_manifest(folder / "manifest.jsonl")
    (folder / "texts" / "w001.txt").unlink()
    (folder / "texts" / "w001.json").write_text(json.dumps({"url": p.url, "excerpt": TEXT}),
                                                encoding="utf-8")
    monkeypatch.setattr(wild_rebuild, "WILD_DIR", folder)
    assert wild_rebuild.main(["--check"]) == 0
    assert (folder / "texts" / "w001.txt").read_text(encoding="utf-8") == TEXT
    assert "1 of 1 passage texts present" in capsys.readouterr().out
