"""`repairtool score`: the figures are sacrebleu's own, errors exit 2, repairs are compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

HYP = ["The ministry said，prices would rise.", "He went to the the market yesterday.",
       "Income of 30 million yuan was reported.", "It is a good day"]
REF = ["The ministry said prices would rise.", "He went to the market yesterday.",
       "Income of 300 million yuan was reported.", "It is a fine day."]
REF2 = ["Prices would rise, the ministry said.", "Yesterday he went to the market.",
        "An income of 300 million yuan was reported.", "Today is a good day."]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # This checkout first on the path: cwd is a temporary folder, so PYTHONPATH=. would not do.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "repairtool", "score", "--isolated", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120, env=env)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "hyp.txt").write_text("\n".join(HYP) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(REF) + "\n", encoding="utf-8")
    (tmp_path / "ref2.txt").write_text("\n".join(REF2) + "\n", encoding="utf-8")
    return tmp_path


def test_scores_equal_sacrebleu_api(files: Path) -> None:
    from sacrebleu.metrics import BLEU, CHRF, TER

    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--ref", "ref2.txt", "--format", "json",
              cwd=files)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    refs = [REF, REF2]
    for key, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("chrf++", CHRF(word_order=2)),
                        ("ter", TER())):
        want = metric.corpus_score(HYP, refs)
        assert got[key]["score"] == want.score  # full precision, not rounded
        assert got[key]["signature"] == str(metric.get_signature())
    assert "nrefs:2" in got["bleu"]["signature"]


def test_human_output_and_worst_segments(files: Path) -> None:
    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--segments", "--worst", "2",
              cwd=files)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("BLEU")
    assert "chrF++" in res.stdout and "TER" in res.stdout
    assert res.stdout.count("  line ") == 2
    out = json.loads(cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--segments", "--format",
                         "json", cwd=files).stdout)
    first = out["segments"][0]
    assert set(first) >= {"line", "chrf", "ter", "findings"}
    chrfs = [s["chrf"] for s in out["segments"]]
    assert chrfs == sorted(chrfs)
    by_line = {s["line"]: s for s in out["segments"]}
    assert any(f["rule"] == "RT301" for f in by_line[1]["findings"])


def test_repair_reports_before_after_and_delta(files: Path) -> None:
    from sacrebleu.metrics import CHRF

    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--repair", "safe", "--format", "json",
              cwd=files)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    rep = out["repair"]
    assert rep["level"] == "safe" and rep["changed_segments"] >= 1
    # Safe repairs: the full-width comma (RT301); the doubled word (RT401) is unsafe.
    fixed = ["The ministry said, prices would rise.", *HYP[1:]]
    assert rep["after"]["chrf"]["score"] == CHRF().corpus_score(fixed, [REF]).score
    assert rep["delta"]["chrf"] == pytest.approx(rep["after"]["chrf"]["score"]
                                                 - out["chrf"]["score"])


@pytest.mark.parametrize(("hyp", "ref", "message"), [
    ("a\nb\n", "a\n", "has 1 segments"),
    ("", "a\n", "empty file"),
    (b"caf\xe9\n", "a\n", "invalid utf-8"),
])
def test_input_errors_exit_2(tmp_path: Path, hyp: str | bytes, ref: str, message: str) -> None:
    h = tmp_path / "h.txt"
    if isinstance(hyp, bytes):
        h.write_bytes(hyp)
    else:
        h.write_text(hyp, encoding="utf-8")
    (tmp_path / "r.txt").write_text(ref, encoding="utf-8")
    res = cli("--hyp", "h.txt", "--ref", "r.txt", cwd=tmp_path)
    assert res.returncode == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_bilingual_hypothesis_uses_targets(tmp_path: Path) -> None:
    from repairtool.scoring import read_segments

    po = tmp_path / "h.po"
    po.write_text('msgid "你好"\nmsgstr "Hello there"\n\nmsgid "再见"\nmsgstr "Good bye"\n',
                  encoding="utf-8")
    assert read_segments(po) == ["Hello there", "Good bye"]
    (tmp_path / "r.txt").write_text("Hello there\nGoodbye\n", encoding="utf-8")
    res = cli("--hyp", "h.po", "--ref", "r.txt", "--format", "json", cwd=tmp_path)
    assert res.returncode == 0 and json.loads(res.stdout)["chrf"]["score"] > 50


def test_cli_start_does_not_import_sacrebleu() -> None:
    code = ("import sys, repairtool.cli, repairtool.engine; "
            "print('sacrebleu' in sys.modules, 'translate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


ZH_HYP = ["价格上涨了，政府说。", "他昨天去了市场。", "今天天气很好。"]
ZH_REF = ["政府说价格上涨了。", "他昨天去市场了。", "今天天气很好。"]


@pytest.fixture
def zh_files(tmp_path: Path) -> Path:
    (tmp_path / "hyp.txt").write_text("\n".join(ZH_HYP) + "\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(ZH_REF) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("lang_args", [["--language", "zh"], ["-l", "en-zh"],
                                       ["-l", "en-zh_CN"]])
def test_tokeniser_follows_the_target_language_as_sacrebleu(zh_files: Path,
                                                            lang_args: list[str]) -> None:
    from sacrebleu.metrics import BLEU

    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--format", "json", *lang_args,
              cwd=zh_files)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)["bleu"]
    want = BLEU(tokenize="zh").corpus_score(ZH_HYP, [ZH_REF])
    assert got["score"] == pytest.approx(want.score)
    assert "tok:zh" in got["signature"]
    assert want.score > 50  # 13a would see one "word" a sentence and give 0


def test_tokenize_and_lowercase_options(files: Path) -> None:
    from sacrebleu.metrics import BLEU, CHRF

    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--format", "json", "--tokenize",
              "intl", "--lowercase", cwd=files)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["bleu"]["score"] == pytest.approx(
        BLEU(tokenize="intl", lowercase=True).corpus_score(HYP, [REF]).score)
    assert "tok:intl" in got["bleu"]["signature"] and "case:lc" in got["bleu"]["signature"]
    assert got["chrf"]["score"] == pytest.approx(
        CHRF(lowercase=True).corpus_score(HYP, [REF]).score)


@pytest.mark.parametrize("bad", [["-l", "english-xx"], ["-l", "zh"], ["--tokenize", "spm"]])
def test_bad_score_options_are_one_line_errors(files: Path, bad: list[str]) -> None:
    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", *bad, cwd=files)
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_repair_says_it_repairs_the_hypothesis_only(files: Path) -> None:
    res = cli("--hyp", "hyp.txt", "--ref", "ref.txt", "--repair", "safe", cwd=files)
    assert res.returncode == 0, res.stderr
    assert "changes the hypothesis only" in res.stderr


def test_tokenised_references_are_warned_about(files: Path) -> None:
    (files / "tok.txt").write_text(
        "The ministry said prices would rise .\nHe went to the market , yesterday .\n"
        "Income of 300 million yuan was reported .\nIt is n't a fine day .\n",
        encoding="utf-8")
    res = cli("--hyp", "hyp.txt", "--ref", "tok.txt", cwd=files)
    assert "tok.txt looks tokenised" in res.stderr
    plain = cli("--hyp", "hyp.txt", "--ref", "ref.txt", cwd=files)
    assert "tokenised" not in plain.stderr
