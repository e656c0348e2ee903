"""Settings: defaults, ``[tool.repairtool]`` in ``pyproject.toml`` or a ``.repairtool.toml``
found by walking up from a file, and command-line overrides on top."""

from __future__ import annotations

import dataclasses
import fnmatch
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from repairtool.model import Severity
from repairtool.rules.base import matches, registry
from repairtool.source import InputError, check_encoding

CONFIG_FILES = (".repairtool.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Settings:
    """Everything that decides which rules run and how findings are judged."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    language: str = "en"
    exclude: tuple[str, ...] = ()
    lexicons: tuple[Path, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity = Severity.WARNING
    min_severity: Severity = Severity.WARNING
    encoding: str | None = None
    root: Path | None = None
    source: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: False: rules whose every finding would be hidden (below ``min_severity``) are not run
    #: at all (a plain scan); True when their fixes may still be applied (``--fix``).
    run_hidden: bool = True

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def enabled_codes(self, path: str | None = None) -> list[str]:
        """The codes of the rules that run on ``path`` under these settings."""
        ignored = tuple(self.ignore) + tuple(self.file_ignores(path))
        return list(_enabled(self.select, self.extend_select, ignored, tuple(registry())))

    def file_ignores(self, path: str | None) -> list[str]:
        if path is None or not self.per_file_ignores:
            return []
        rel = self.relative(path)
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(PurePath(rel).name, pattern):
                out.extend(codes)
        return out

    def relative(self, path: str) -> str:
        p = Path(path).absolute()
        if self.root is not None:
            try:
                return p.relative_to(self.root.absolute()).as_posix()
            except ValueError:
                pass
        return PurePath(path).as_posix()

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The severity override with the longest matching prefix, else ``default``."""
        best = ("", default)
        for prefix, sev in self.severity:
            if matches(code, [prefix]) and len(prefix) >= len(best[0]):
                best = (prefix, sev)
        return best[1]

    def is_excluded(self, path: str) -> bool:
        rel = self.relative(path)
        parts = PurePath(rel).parts
        return any(fnmatch.fnmatch(rel, pat) or any(fnmatch.fnmatch(p, pat) for p in parts)
                   for pat in self.exclude)


@lru_cache(maxsize=256)
def _enabled(select: tuple[str, ...], extend: tuple[str, ...], ignored: tuple[str, ...],
             known: tuple[str, ...]) -> tuple[str, ...]:
    """Selected codes (cached: a corpus asks the same question for every document)."""
    rules = registry()
    if select:
        codes = [c for c in known if matches(c, select)]
    else:
        codes = [c for c in known if rules[c].default_enabled]
    codes += [c for c in known if matches(c, extend) and c not in codes]
    return tuple(c for c in codes if not matches(c, ignored))


def find_config(start: Path) -> Path | None:
    """The nearest ``.repairtool.toml``, or ``pyproject.toml`` with ``[tool.repairtool]``."""
    return _find_config(start.absolute() if start.is_dir() else start.absolute().parent)


@lru_cache(maxsize=256)
def _find_config(folder: Path) -> Path | None:
    for d in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = d / name
            if _is_file(candidate):
                if name == "pyproject.toml" and not _has_tool_table(candidate):
                    continue
                return candidate
    return None


def _is_file(path: Path) -> bool:
    """``path.is_file()`` that is False, not an exception, in a folder we may not read."""
    try:
        return path.is_file()
    except OSError:
        return False


def _has_tool_table(path: Path) -> bool:
    try:
        return b"[tool.repairtool" in path.read_bytes()
    except OSError:
        return False


@lru_cache(maxsize=64)
def load_settings(config: Path | None) -> Settings:
    """Settings from one config file (``None``: the defaults)."""
    if config is None:
        return Settings()
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(f"{config}: invalid TOML: nested too deeply") from None
    if config.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{config}: tool must be a table, not {_toml_type(tool)}")
        data = tool.get("repairtool", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{config}: tool.repairtool must be a table, "
                              f"not {_toml_type(data)}")
    return from_mapping(data, config)


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
             list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


_KEYS = {"select", "extend-select", "ignore", "per-file-ignores", "language", "exclude",
         "lexicons", "severity", "fail-on", "min-severity", "encoding",
         "glossary"}  # glossary: the term base of the bilingual checks (RT808)


def from_mapping(data: Mapping[str, Any], config: Path) -> Settings:
    """Validate a ``[tool.repairtool]`` table; every problem is a :class:`ConfigError`."""
    def fail(msg: str) -> ConfigError:
        return ConfigError(f"{config}: {msg}")

    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    root = config.parent

    def codes(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not _is_str_list(value):
            raise fail(f"{key} must be a list of rule codes")
        return tuple(check_selectors(value, lambda m: fail(f"{key}: {m}")))

    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict) or not all(_is_str_list(v) for v in pfi.values()):
        raise fail("per-file-ignores must map glob patterns to lists of codes")
    sev = data.get("severity", {})
    if not isinstance(sev, dict) or not all(isinstance(v, str) for v in sev.values()):
        raise fail("severity must map rule codes to error, warning or info")
    for key in ("fail-on", "min-severity", "language", "encoding", "glossary"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"{key} must be a string, not {_toml_type(data[key])}")
    try:
        severities = tuple((check_selectors([k], fail)[0], Severity.parse(str(v)))
                           for k, v in sev.items())
        fail_on = Severity.parse(data.get("fail-on", "warning"))
        min_sev = Severity.parse(data.get("min-severity", "warning"))
    except ValueError as exc:
        raise fail(str(exc)) from None
    for key in ("exclude", "lexicons"):
        if not _is_str_list(data.get(key, [])):
            raise fail(f"{key} must be a list of strings")
    if "encoding" in data:
        _check_encoding(data["encoding"], fail)
    language = _language(data.get("language", "en"), fail)
    lexicons = tuple(root / p for p in data.get("lexicons", []))
    for lex in lexicons:
        if not _is_file(lex):
            raise fail(f"lexicons: {lex}: no such file")
    extra: dict[str, Any] = {}
    if "glossary" in data:
        glossary = root / data["glossary"]
        if not _is_file(glossary):
            raise fail(f"glossary: {glossary}: no such file")
        extra["glossary"] = str(glossary)
    return Settings(
        select=codes("select"), extend_select=codes("extend-select"), ignore=codes("ignore"),
        per_file_ignores=tuple((k, tuple(check_selectors(v, fail))) for k, v in pfi.items()),
        language=language, exclude=tuple(data.get("exclude", [])),
        lexicons=lexicons, severity=severities, fail_on=fail_on,
        min_severity=min(min_sev, fail_on), encoding=data.get("encoding"), root=root,
        source=config, extra=extra,
    )


def _language(value: str, fail: Any) -> str:
    """A known language code, as ``--language`` takes it (``en-GB``, ``en_US`` are
    English): an unknown one would silently turn every rule off."""
    from repairtool.bilingual.langs import normalise

    code = normalise(value)
    if code is None:
        raise fail(f"language: unknown language code {value!r} (use an ISO 639 code such "
                   "as en, en-GB, zh or zh-CN)")
    return code


def _check_encoding(name: str, fail: Any) -> None:
    try:
        check_encoding(name)
    except InputError as exc:
        raise fail(f"encoding: {exc}") from None


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_selectors(values: Sequence[str], fail: Any) -> list[str]:
    """Rule selectors must name at least one rule (``ALL``, a code or a code prefix)."""
    known = registry()
    out = []
    for v in values:
        v = v.strip().upper()
        if not v:
            raise fail("an empty rule code")
        if v != "ALL" and not any(c.startswith(v) for c in known):
            raise fail(f"unknown rule code or prefix {v!r}")
        out.append(v)
    return out
