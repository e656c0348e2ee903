"""Rule settings for the integrations, built as the command line builds them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from repairtool.config import Settings


def rule_settings(*, select: Iterable[str] = (), extend_select: Iterable[str] = (),
                  ignore: Iterable[str] = (), language: str | None = None,
                  lexicons: Iterable[str | Path] = (), config: str | Path | None = None,
                  isolated: bool = False) -> Settings:
    """The settings ``repairtool corpus`` would use with these options: ``config`` names a
    config file; without it (and unless ``isolated``) one is found from the current folder.
    A bad value raises :class:`~repairtool.config.ConfigError`, as the command exits 2."""
    from repairtool.cli import base_settings, build_overrides
    from repairtool.engine import settings_for

    overrides = build_overrides(select=tuple(select), extend_select=tuple(extend_select),
                                ignore=tuple(ignore), language=language,
                                lexicons=tuple(Path(p) for p in lexicons), exclude=(),
                                encoding=None)
    base = base_settings(Path(config) if config is not None else None)
    return settings_for(None, base, overrides, isolated)
