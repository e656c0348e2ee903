"""repairtool: find and repair the damage machine translation leaves in text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "scan_paths", "scan_text"]

if TYPE_CHECKING:
    from repairtool.engine import scan_paths, scan_text


def __getattr__(name: str) -> Any:
    # Lazy, so that `import repairtool` (and the CLI's start-up) stays cheap.
    if name in ("scan_text", "scan_paths"):
        from repairtool import engine

        return getattr(engine, name)
    raise AttributeError(name)
