"""The command line: parses options, calls the engine, prints what the renderers return.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage, input or internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from repairtool import __version__, baseline
from repairtool.config import ConfigError, Settings, check_selectors, load_settings
from repairtool.engine import FileResult, scan_paths
from repairtool.model import Finding, Severity
from repairtool.rules.base import registry

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

SEVERITIES = click.Choice(["error", "warning", "info"], case_sensitive=False)


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    """Comma- or repeat-separated codes, checked against the registry."""
    raw = [c for v in values for c in v.split(",") if c.strip()]

    def fail(msg: str) -> click.BadParameter:
        return click.BadParameter(msg)

    return tuple(check_selectors(raw, fail))


def use_colour(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


class Group(click.Group):
    """Turns any uncaught exception into one line on stderr and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("repairtool: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            click.echo(f"repairtool: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="repairtool")
def main() -> None:
    """Find and repair the damage machine translation leaves in text."""


def rule_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the commands that run rules."""
    opts = [
        click.option("--select", multiple=True, help="Only these rule codes or prefixes."),
        click.option("--extend-select", multiple=True, help="Add rules to the selection."),
        click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes."),
        click.option("--language", help="Language of the text (default: en)."),
        click.option("--lexicon", "lexicons", multiple=True, type=click.Path(path_type=Path),
                     help="An extra calque lexicon file (repeatable)."),
        click.option("--exclude", multiple=True, help="Glob of files or folders to skip."),
        click.option("--encoding", help="Encoding of files without a BOM (default: utf-8)."),
        click.option("--config", "config_file", type=click.Path(path_type=Path),
                     help="Use this config file for every file."),
        click.option("--isolated", is_flag=True, help="Ignore all config files."),
        click.option("--stdin-filename", help="File name to assume for text read from -."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def build_overrides(select: Sequence[str], extend_select: Sequence[str], ignore: Sequence[str],
                    language: str | None, lexicons: Sequence[Path], exclude: Sequence[str],
                    encoding: str | None, **extra: Any) -> dict[str, Any]:
    """Command-line options as settings overrides (``None`` leaves the config's value)."""
    out: dict[str, Any] = {
        "select": _codes(select) or None, "extend_select": _codes(extend_select) or None,
        "ignore": _codes(ignore) or None, "language": language,
        "lexicons": tuple(lexicons) or None, "exclude": tuple(exclude) or None,
        "encoding": encoding,
    }
    out.update(extra)
    return out


def base_settings(config_file: Path | None) -> Settings | None:
    if config_file is None:
        return None
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file")
    return load_settings(config_file.absolute())


@main.command()
@click.argument("paths", nargs=-1)
@rule_options
@click.option("--format", "fmt", default="human",
              type=click.Choice(["human", "json", "github"]), help="Output format.")
@click.option("--fail-on", type=SEVERITIES, help="Lowest severity that fails (default warning).")
@click.option("--min-severity", type=SEVERITIES, help="Lowest severity shown (default warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path),
              help="Report only findings not recorded in FILE (created when missing).")
@click.option("--update-baseline", is_flag=True, help="Rewrite --baseline with today's findings.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
def scan(paths: tuple[str, ...], fmt: str, fail_on: str | None, min_severity: str | None,
         exit_zero: bool, baseline_file: Path | None, update_baseline: bool, color: str,
         config_file: Path | None, isolated: bool, stdin_filename: str | None,
         **opts: Any) -> None:
    """Scan files, folders or - (stdin) for machine-translation artefacts."""
    if not paths:
        raise click.UsageError("give at least one path (or - for stdin)")
    try:
        overrides = build_overrides(**opts)
        if fail_on:
            overrides["fail_on"] = Severity.parse(fail_on)
        if min_severity:
            overrides["min_severity"] = Severity.parse(min_severity)
        base = base_settings(config_file)
        known = baseline.load(baseline_file) if baseline_file and baseline_file.exists() \
            and not update_baseline else None
    except (ConfigError, baseline.BaselineError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    record = baseline_file is not None and known is None
    run = Run(fmt, use_colour(color), known)
    for result in scan_paths(paths, settings=base, overrides=overrides, isolated=isolated,
                             stdin_filename=stdin_filename):
        run.add(result)
    if record:
        assert baseline_file is not None
        n = baseline.write(baseline_file, run.recorded)
        click.echo(f"repairtool: baseline {baseline_file} records {n} findings", err=True)
        run.failed = False
    sys.exit(run.finish(exit_zero))


class Run:
    """Collects results as they stream in and prints them in the chosen format."""

    def __init__(self, fmt: str, colour: bool, known: Any) -> None:
        from repairtool.output import Summary

        self.fmt, self.colour, self.known = fmt, colour, known
        self.summary = Summary()
        self.items: list[tuple[FileResult, list[Finding]]] = []
        self.recorded: list[tuple[str, Finding]] = []
        self.failed = False

    def add(self, result: FileResult) -> None:
        from repairtool import output

        if result.error:
            click.echo(f"{result.path}: error: {result.error}", err=True)
            self.summary.add(result, [])
            return
        s = result.settings or Settings()
        findings = result.findings
        self.recorded.extend((result.path, f) for f in findings)
        if self.known is not None:
            findings = baseline.new_findings(self.known, result.path, findings)
        shown = [f for f in findings if f.severity >= s.min_severity]
        self.failed |= any(f.severity >= s.fail_on for f in shown)
        self.summary.add(result, shown)
        if self.fmt == "human":
            click.echo(output.render_human(result, shown, self.colour), nl=False)
        elif self.fmt == "github":
            click.echo(output.render_github(result, shown), nl=False)
        else:
            result.findings = shown
            self.items.append((result, shown))
        result.source = None if self.fmt != "json" else result.source

    def finish(self, exit_zero: bool) -> int:
        from repairtool import output

        if self.fmt == "json":
            click.echo(output.render_json(self.items, self.summary), nl=False)
        elif self.fmt == "human":
            click.echo(self.summary.line(), err=not self.summary.findings)
        if self.summary.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failed and not exit_zero else EXIT_CLEAN


@main.command("rules")
@click.option("--format", "fmt", default="human", type=click.Choice(["human", "json"]))
def rules_cmd(fmt: str) -> None:
    """List every rule."""
    import json

    rows = [{"code": r.code, "name": r.name, "category": r.category,
             "severity": str(r.severity), "fixable": r.fixable,
             "languages": sorted(r.languages), "default": r.default_enabled}
            for r in registry().values()]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        fix = "fix" if row["fixable"] else "   "
        off = "" if row["default"] else "  (opt-in)"
        click.echo(f"{row['code']}  {row['name']:<32} {row['category']:<12} "
                   f"{row['severity']:<8} {fix}  {','.join(row['languages'])}{off}")


@main.command("rule")
@click.argument("code")
def rule_cmd(code: str) -> None:
    """Print the documentation of rule CODE."""
    rule = registry().get(code.upper())
    if rule is None:
        raise click.UsageError(f"no rule {code!r} (see `repairtool rules`)")
    click.echo(f"# {rule.code} {rule.name}\n")
    click.echo(f"Category: {rule.category} · Default severity: {rule.severity} · "
               f"Fix: {'yes' if rule.fixable else 'no'} · "
               f"Languages: {', '.join(sorted(rule.languages))}\n")
    click.echo(rule.doc())


# The corpus group imports only click here; pyarrow and dask load when a command runs.
from repairtool.corpus.cli import corpus as _corpus  # noqa: E402

main.add_command(_corpus)
