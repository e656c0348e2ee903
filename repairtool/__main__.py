"""``python -m repairtool``."""

from repairtool.cli import main

main()
