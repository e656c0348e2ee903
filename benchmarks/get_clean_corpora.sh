#!/bin/sh
# Installs the Debian packages whose texts benchmarks/precision.py reads as clean English
# (corpus_text.clean_genres). The texts are read from the installed packages at run time and
# never committed. Run as root; needs Debian's package archive.
set -eu
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    man-db info \
    debian-policy doc-debian \
    debian-reference-en jargon-text \
    bible-kjv bible-kjv-text \
    fortunes fortunes-min fortunes-bofh-excuses fortunes-debian-hints
# Cached texts are rebuilt from what is installed now.
rm -f "$(dirname "$0")/out/clean_genres.pickle"
