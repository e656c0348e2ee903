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


def language_code(ctx: click.Context, param: click.Parameter, value: str | None
                  ) -> str | None:
    """``--language`` / ``--source-lang`` / ``--target-lang``: a known language code
    (``en-GB`` and ``en_US`` are English); anything else is a usage error, not a run in
    which no rule checks the text."""
    if value is None:
        return None
    from repairtool.bilingual.langs import normalise

    code = normalise(value)
    if code is None:
        raise click.BadParameter(f"unknown language code {value!r} (use an ISO 639 code "
                                 "such as en, en-GB, zh or zh-CN)")
    return code


def tune_gc() -> None:
    """The scan makes millions of short-lived objects and no reference cycles: collect
    rarely, and never walk the objects the imports left behind (a few % of the run)."""
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 20, 20)


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
        except BrokenPipeError:  # `repairtool scan … | head`: the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_FINDINGS)
        except Exception as exc:  # the last line of defence: one line, exit 2
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
        click.option("--language", callback=language_code,
                     help="Language of the text (default: en)."),
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
    """Command-line options as settings overrides (``None`` leaves the config's value).

    A bad value is a :class:`ConfigError` naming the option, before any file is read.
    """
    check_option_values(encoding, lexicons, extra.get("extra") or {})
    out: dict[str, Any] = {
        "select": _codes(select) or None, "extend_select": _codes(extend_select) or None,
        "ignore": _codes(ignore) or None, "language": language,
        "lexicons": tuple(lexicons) or None, "exclude": tuple(exclude) or None,
        "encoding": encoding,
    }
    out.update(extra)
    return out


def check_option_values(encoding: str | None, lexicons: Sequence[Path],
                        extra: dict[str, Any]) -> None:
    """``--encoding`` must be a text codec; ``--lexicon`` and ``--glossary`` files must exist."""
    from repairtool.source import InputError, check_encoding

    if encoding is not None:
        try:
            check_encoding(encoding)
        except InputError as exc:
            raise ConfigError(f"--encoding: {exc}") from None
    named = [("--lexicon", p) for p in lexicons]
    named += [(f"--{k.replace('_', '-')}", Path(extra[k])) for k in ("glossary", "source_file")
              if extra.get(k)]
    for option, path in named:
        if not path.is_file():
            raise ConfigError(f"{option} {path}: no such file")


def base_settings(config_file: Path | None) -> Settings | None:
    if config_file is None:
        return None
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file")
    return load_settings(config_file.absolute())


def bilingual_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options of bilingual files (PO, XLIFF, TMX, pairs); see repairtool.bilingual."""
    opts = [
        click.option("--bilingual", type=click.Choice(["tsv", "jsonl"]),
                     help="Read files as source/target pairs in this format."),
        click.option("--source-field", help="JSONL field of the source (default: source)."),
        click.option("--target-field", help="JSONL field of the target (default: target)."),
        click.option("--source-lang", callback=language_code,
                     help="Source language when the file does not say."),
        click.option("--target-lang", callback=language_code,
                     help="Target language when the file does not say."),
        click.option("--glossary", type=click.Path(path_type=Path),
                     help="Term base (CSV or TBX) for RT808."),
        click.option("--source-file", type=click.Path(path_type=Path),
                     help="Source-language file for a target-only format (strings.xml, …)."),
        click.option("--include-unfinished", "unfinished", flag_value="yes", default=None,
                     help="Also check .pot templates, untranslated and fuzzy entries."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def bilingual_extra(opts: dict[str, Any]) -> dict[str, Any]:
    """Move the bilingual options out of ``opts`` into an ``extra`` settings override."""
    keys = ("bilingual", "source_field", "target_field", "source_lang", "target_lang",
            "glossary", "source_file", "unfinished")
    extra = {k: str(v) if isinstance(v, Path) else v for k in keys
             if (v := opts.pop(k, None)) is not None}
    return {**opts, "extra": extra or None}


def report_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """What ruff users expect of the report: statistics, fixes shown, quiet, a file."""
    opts = [
        click.option("--force-exclude", is_flag=True,
                     help="Apply the config's exclude to files named on the command line "
                          "too (what the pre-commit hooks use)."),
        click.option("--statistics", is_flag=True, help="Count the findings of each rule."),
        click.option("--show-fixes", is_flag=True,
                     help="With --fix: list each fix applied (rule, line, title)."),
        click.option("-q", "--quiet", is_flag=True,
                     help="Print the findings only: no summary line."),
        click.option("-o", "--output-file", type=click.Path(path_type=Path),
                     help="Write the report to FILE instead of stdout."),
        click.option("--add-noqa", is_flag=True,
                     help="Add a `repairtool: noqa CODE` directive to every line with "
                          "findings (text and Markdown files), then exit."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def check_partners(*, fix: bool, diff: bool, unsafe_fixes: bool, baseline: bool,
                   update_baseline: bool, exit_non_zero_on_fix: bool, show_fixes: bool
                   ) -> None:
    """Options that do nothing without their partner: an error when the run would mislead,
    a warning when it would only ignore the option."""
    if update_baseline and not baseline:
        raise click.UsageError("--update-baseline needs --baseline FILE")
    lone = [(unsafe_fixes, "--unsafe-fixes", "--fix or --diff"),
            (exit_non_zero_on_fix, "--exit-non-zero-on-fix", "--fix"),
            (show_fixes, "--show-fixes", "--fix")]
    for given, name, partner in lone:
        if given and not (fix or (diff and partner.endswith("--diff"))):
            click.echo(f"repairtool: warning: {name} does nothing without {partner}",
                       err=True)


def drop_excluded(paths: Sequence[str], base: Settings | None, overrides: dict[str, Any],
                  isolated: bool) -> tuple[str, ...]:
    """``--force-exclude``: the named files that their config does not exclude."""
    from repairtool.engine import settings_for

    kept = []
    for given in paths:
        if given == "-":
            kept.append(given)
            continue
        p = Path(given)
        if not settings_for(p, base, overrides, isolated).is_excluded(str(p)):
            kept.append(given)
    return tuple(kept)


def open_report(output_file: Path | None) -> Any:
    """The ``--output-file`` stream (``None``: stdout)."""
    if output_file is None:
        return None
    try:
        return open(output_file, "w", encoding="utf-8")  # closed by Run.finish
    except OSError as exc:
        click.echo(f"repairtool: {output_file}: cannot write the report: "
                   f"{exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("paths", nargs=-1)
@rule_options
@click.option("--format", "fmt", default="human",
              type=click.Choice(["human", "json", "github", "sarif", "rdjsonl"]),
              help="Output format.")
@click.option("--fail-on", type=SEVERITIES, help="Lowest severity that fails (default warning).")
@click.option("--min-severity", type=SEVERITIES, help="Lowest severity shown (default warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path),
              help="Report only findings not recorded in FILE (created when missing).")
@click.option("--update-baseline", is_flag=True, help="Rewrite --baseline with today's findings.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff of what --fix would do; write nothing.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix: exit 1 if a file changed.")
@click.option("--force", is_flag=True,
              help="With --fix: also rewrite read-only files, and hard-linked files in place.")
@report_options
@bilingual_options
def scan(paths: tuple[str, ...], fmt: str, fail_on: str | None, min_severity: str | None,
         exit_zero: bool, baseline_file: Path | None, update_baseline: bool, color: str,
         config_file: Path | None, isolated: bool, stdin_filename: str | None,
         fix: bool, unsafe_fixes: bool, show_diff: bool, exit_non_zero_on_fix: bool,
         force: bool, force_exclude: bool, statistics: bool, show_fixes: bool, quiet: bool,
         output_file: Path | None, add_noqa: bool, **opts: Any) -> None:
    """Scan files, folders or - (stdin) for machine-translation artefacts (the current
    folder when no path is given)."""
    check_partners(fix=fix, diff=show_diff, unsafe_fixes=unsafe_fixes,
                   baseline=baseline_file is not None, update_baseline=update_baseline,
                   exit_non_zero_on_fix=exit_non_zero_on_fix, show_fixes=show_fixes)
    paths = paths or (".",)
    tune_gc()
    try:
        overrides = build_overrides(**bilingual_extra(opts))
        if force_exclude:
            paths = drop_excluded(paths, base_settings(config_file), overrides, isolated)
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
    if add_noqa:
        if fix or show_diff or "-" in paths:
            raise click.UsageError("--add-noqa writes the files itself: not with --fix, "
                                   "--diff or -")
        sys.exit(run_add_noqa(paths, base, overrides, isolated))
    record = baseline_file is not None and known is None
    out = open_report(output_file)
    # `--fix -` writes the fixed text to stdout: the report goes to stderr (as ruff's).
    fixed_to_stdout = fix and not show_diff and "-" in paths
    run = Run(fmt, use_colour(color) and out is None, known, record,
              out=out or (sys.stderr if fixed_to_stdout else None), quiet=quiet)
    fixer = Fixer(show_diff, unsafe_fixes, force, show_fixes) if fix or show_diff else None
    if fixer is None and baseline_file is None:
        overrides["run_hidden"] = False  # a rule none of whose findings would show is skipped
    run.summary_to_stderr = fixer is not None
    for result in scan_paths(paths, settings=base, overrides=overrides, isolated=isolated,
                             stdin_filename=stdin_filename):
        if fixer is None or fixer.apply(result):
            run.add(result)
    if statistics:
        run.print_statistics()
    if fixer is not None:
        sys.exit(fixer.finish(run, exit_zero, exit_non_zero_on_fix))
    if record:
        assert baseline_file is not None
        n = baseline.write(baseline_file, run.recorded)
        click.echo(f"repairtool: baseline {baseline_file} records {n} findings", err=True)
        run.failed = False
    sys.exit(run.finish(exit_zero))


def run_add_noqa(paths: Sequence[str], base: Settings | None, overrides: dict[str, Any],
                 isolated: bool) -> int:
    """``--add-noqa``: suppress today's shown findings line by line; the exit code."""
    from repairtool.noqa import add_noqa
    from repairtool.repair import WriteError

    added = files = 0
    failed = False
    for result in scan_paths(paths, settings=base, overrides=overrides, isolated=isolated):
        if result.error:
            if not result.skipped:
                click.echo(f"{result.path}: error: {result.error}", err=True)
                failed = True
            continue
        s = result.settings or Settings()
        result.findings = [f for f in result.findings if f.severity >= s.min_severity]
        try:
            n = add_noqa(result)
        except WriteError as exc:
            click.echo(f"{result.path}: error: {exc}", err=True)
            failed = True
            continue
        added += n
        files += bool(n)
    click.echo(f"repairtool: added {added} noqa directive{'s' if added != 1 else ''} in "
               f"{files} file{'s' if files != 1 else ''}", err=True)
    return EXIT_ERROR if failed else EXIT_CLEAN


class Fixer:
    """``scan --fix`` / ``--diff``: repairs each scanned file, then writes it or prints a diff."""

    def __init__(self, diff: bool, unsafe: bool, force: bool = False,
                 show: bool = False) -> None:
        from repairtool.model import Applicability

        self.diff, self.force = diff, force
        self.level = Applicability.UNSAFE if unsafe else Applicability.SAFE
        self.fixed = self.files_changed = 0
        self.errors = False
        self.show = show

    def apply(self, result: FileResult) -> bool:
        """Repair ``result``; whether its remaining findings should be reported."""
        from repairtool import patch, repair

        if result.error or result.source is None:
            return True
        from repairtool.bilingual.kinds import is_bilingual_result

        if is_bilingual_result(result):
            return self._apply_bilingual(result)
        rep = repair.repair(result, self.level)
        if not rep.fixed.converged:
            click.echo(f"{result.path}: warning: fixes did not settle after "
                       f"{rep.fixed.passes} passes", err=True)
        try:
            new = rep.new_bytes() if rep.changed else b""
            if rep.changed and self.diff:
                name = patch.display_path(result.fs_path) if result.fs_path else result.path
                sys.stdout.buffer.write(patch.unified_diff(rep.old_bytes(), new, name))
                sys.stdout.flush()
            elif result.fs_path is None and not self.diff:
                sys.stdout.buffer.write(new if rep.changed else rep.old_bytes())
                sys.stdout.flush()
            elif rep.changed and result.fs_path is not None:
                repair.write_atomic(result.fs_path, new, result.source, self.force)
        except repair.WriteError as exc:
            result.write_error = str(exc)
            return True
        if rep.changed:
            self.files_changed += 1
            self.fixed += len(rep.fixed.applied)
            if self.show:
                for finding, fx in rep.fixed.applied:
                    click.echo(f"{result.path}: fixed {finding.rule.code} {fx.title}", err=True)
        result.findings, result.document = rep.findings, rep.document
        # Stdin's remaining findings are reported (on stderr) and count for the exit code.
        return not self.diff

    def _apply_bilingual(self, result: FileResult) -> bool:
        """Fix a PO/XLIFF/TMX/... file through its own format (entries marked for review)."""
        from repairtool import patch, repair
        from repairtool.bilingual.writeback import WriteBackError, fix_file
        from repairtool.engine import scan_file

        assert result.fs_path is not None and result.source is not None
        try:
            done = fix_file(result.fs_path, result.settings, str(self.level), write=False,
                            scanned=(result.findings, result.source.text))
            if done.changed and self.diff:
                name = patch.display_path(result.fs_path)
                sys.stdout.buffer.write(patch.unified_diff(
                    result.source.encode(result.source.text), result.source.encode(done.text),
                    name))
            elif done.changed:
                repair.write_atomic(result.fs_path, result.source.encode(done.text),
                                    result.source, self.force)
        except (WriteBackError, repair.WriteError) as exc:
            result.write_error = str(exc)
            return True
        if done.changed:
            self.files_changed += 1
            self.fixed += len(done.changed)
            if not self.diff:
                again = scan_file(result.fs_path, result.path, result.settings)
                result.findings, result.document = again.findings, again.document
        return not self.diff

    def finish(self, run: Run, exit_zero: bool, exit_on_fix: bool) -> int:
        if self.diff:
            if self.fixed:
                click.echo(f"repairtool: would fix {self.fixed} finding"
                           f"{'s' if self.fixed != 1 else ''} in {self.files_changed} file"
                           f"{'s' if self.files_changed != 1 else ''}", err=True)
            if run.summary.errors:
                return EXIT_ERROR
            return EXIT_FINDINGS if self.files_changed else EXIT_CLEAN
        if self.fixed:
            click.echo(f"repairtool: fixed {self.fixed} finding{'s' if self.fixed != 1 else ''}"
                       f" in {self.files_changed} file{'s' if self.files_changed != 1 else ''}",
                       err=True)
        code = run.finish(exit_zero)
        if code == EXIT_CLEAN and exit_on_fix and self.files_changed:
            return EXIT_FINDINGS
        return code


class Run:
    """Collects results as they stream in and prints them in the chosen format."""

    def __init__(self, fmt: str, colour: bool, known: Any, record: bool = False,
                 out: Any = None, quiet: bool = False) -> None:
        from repairtool.output import Summary, json_stream

        self.fmt, self.colour, self.known, self.record = fmt, colour, known, record
        #: Where the report goes (``None``: stdout); ``quiet``: no summary line.
        self.out, self.quiet = out, quiet
        self.summary = Summary()
        # JSON and SARIF are written a file at a time, so memory does not grow with the
        # files; indented for a person at a terminal, compact (several times faster) into
        # a pipe or a file.
        self.stream: Any = None
        if fmt == "json":
            self.stream = json_stream(self.summary, sys.stdout.isatty())
        elif fmt == "sarif":
            from repairtool.output.sarif import sarif_stream

            self.stream = sarif_stream(sys.stdout.isatty())
        self.started = False
        #: The findings of every file, kept only to write a new baseline.
        self.recorded: list[tuple[str, Finding]] = []
        self.failed = False
        #: The summary goes to stderr when stdout carries a diff or fixed text.
        self.summary_to_stderr = False

    def add(self, result: FileResult) -> None:
        from repairtool import output

        if result.skipped:
            return
        if result.error:
            click.echo(f"{result.path}: error: {result.error}", err=True)
            self.summary.add(result, [])
            return
        if result.write_error:
            click.echo(f"{result.path}: error: {result.write_error}", err=True)
        s = result.settings or Settings()
        findings = result.findings
        if self.record:
            self.recorded.extend((result.path, f) for f in findings)
        if self.known is not None:
            findings = baseline.new_findings(self.known, result.path, findings)
        shown = [f for f in findings if f.severity >= s.min_severity]
        self.failed |= any(f.severity >= s.fail_on for f in shown)
        self.summary.add(result, shown)
        if self.fmt == "human":
            click.echo(output.render_human(result, shown, self.colour), nl=False,
                       color=self.colour, file=self.out)
        elif self.fmt == "github":
            click.echo(output.render_github(result, shown), nl=False, file=self.out)
        elif self.fmt == "rdjsonl":
            from repairtool.output.rdjson import render_rdjsonl

            click.echo(render_rdjsonl(result, shown), nl=False, file=self.out)
        elif self.fmt == "sarif":
            from repairtool.output.sarif import results_of

            self._write(results_of(result, shown))
        else:
            self._write([output.finding_dict(result, f) for f in shown])

    def _write(self, items: list[dict[str, Any]]) -> None:
        """Stream ``items`` into the JSON or SARIF document (opened on the first call)."""
        if not self.started:
            click.echo(self.stream.start(), nl=False, file=self.out)
            self.started = True
        if items:
            click.echo(self.stream.items(items), nl=False, file=self.out)

    def print_statistics(self) -> None:
        """``--statistics``: findings per rule, after the findings (stderr when stdout
        carries a document or fixed text)."""
        text = self.summary.statistics()
        if self.stream is not None or self.summary_to_stderr:
            click.echo(text, nl=False, err=True)
        else:
            click.echo(text, nl=False, file=self.out)

    def finish(self, exit_zero: bool) -> int:
        if self.stream is not None:
            self._write([])
            click.echo(self.stream.end(), nl=False, file=self.out)
        elif self.fmt == "human" and not self.quiet:
            if self.summary_to_stderr or self.out is None:
                click.echo(self.summary.line(), err=self.summary_to_stderr)
            else:
                click.echo(self.summary.line(), file=self.out)
        if self.out is not None and self.out not in (sys.stdout, sys.stderr):
            self.out.close()
        if self.summary.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failed and not exit_zero else EXIT_CLEAN


@main.command()
@click.argument("paths", nargs=-1)
@rule_options
@click.option("--accept", "policy", type=click.Choice(["safe", "unsafe", "all"]),
              help="Decide without asking: safe fixes; safe and unsafe; or those and the "
                   "first candidate of every suggestion.")
@click.option("--patch", "patch_file", type=click.Path(path_type=Path),
              help="Write the accepted edits to FILE as a unified diff.")
@click.option("--apply", "apply_now", is_flag=True, help="Apply the accepted edits in place.")
@click.option("--decisions", "decisions_in", type=click.Path(path_type=Path),
              help="Replay the decisions recorded in FILE (JSON).")
@click.option("--save-decisions", "decisions_out", type=click.Path(path_type=Path),
              help="Write this session's decisions to FILE (JSON).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
def review(paths: tuple[str, ...], policy: str | None, patch_file: Path | None,
           apply_now: bool, decisions_in: Path | None, decisions_out: Path | None,
           color: str, config_file: Path | None, isolated: bool, stdin_filename: str | None,
           **opts: Any) -> None:
    """Review each proposed repair; the accepted ones become a patch or are applied."""
    from repairtool import review as rv
    from repairtool.repair import WriteError

    if not paths or "-" in paths:
        raise click.UsageError("give files or folders to review (stdin cannot be reviewed)")
    try:
        overrides = build_overrides(**opts)
        results = list(scan_paths(paths, settings=base_settings(config_file),
                                  overrides=overrides, isolated=isolated))
        recorded = rv.load_decisions(decisions_in) if decisions_in else {}
    except (ConfigError, rv.DecisionsError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    errors = [r for r in results if r.error]
    for r in errors:
        click.echo(f"{r.path}: error: {r.error}", err=True)
    session, unmatched = rv.prepare(results, recorded)
    if unmatched:
        click.echo(f"repairtool: {len(unmatched)} recorded decisions match no finding "
                   "(has the text changed?)", err=True)
    quit_early = False
    if policy:
        session.decide_by_policy(policy)
    elif any(i.key not in session.decisions for i in session.items):
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            if not decisions_in:
                click.echo("repairtool: review needs a terminal; use --accept or --decisions",
                           err=True)
                sys.exit(EXIT_ERROR)
        else:
            term = rv.Terminal(session, getchar=click.getchar,
                               echo=lambda s: click.echo(s, nl=False),
                               prompt=lambda p: click.prompt(p, default="", show_default=False),
                               colour=use_colour(color))
            quit_early = term.run()
    mode = policy or ("decisions" if decisions_in and not quit_early else "interactive")
    sig = rv.session_signature(results, mode, select=",".join(opts.get("select") or ()),
                               ignore=",".join(opts.get("ignore") or ()))
    try:
        body = rv.save_review(session, sig, patch_file, decisions_out)
        if body is None and (patch_file or not apply_now):
            # git apply refuses a patch with no change in it: write none, and say so.
            click.echo("repairtool: no edit was accepted: no patch written", err=True)
        if apply_now:
            rv.apply_in_place(session)
        if not patch_file and not apply_now and body is not None:
            sys.stdout.flush()
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
    except (rv.DecisionsError, WriteError, OSError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    n = session.counts()
    dropped = f", {len(session.dropped)} dropped (overlap)" if session.dropped else ""
    click.echo(f"repairtool: {n['accepted']} accepted, {n['rejected']} rejected, "
               f"{n['undecided']} undecided{dropped}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


@main.command()
@click.argument("paths", nargs=-1)
@rule_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (another than localhost exposes the review).")
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port to listen on (default 0: a free one).")
@click.option("--patch", "patch_file", type=click.Path(path_type=Path),
              default=Path("repairtool.patch"), show_default=True,
              help="Where the page's Write puts the accepted edits (a unified diff).")
@click.option("--decisions", "decisions_in", type=click.Path(path_type=Path),
              help="Start from the decisions recorded in FILE (JSON).")
@click.option("--save-decisions", "decisions_out", type=click.Path(path_type=Path),
              default=Path("repairtool-decisions.json"), show_default=True,
              help="Where the page's Write records the decisions (JSON).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def serve(paths: tuple[str, ...], host: str, port: int, patch_file: Path,
          decisions_in: Path | None, decisions_out: Path, open_browser: bool,
          config_file: Path | None, isolated: bool, stdin_filename: str | None,
          **opts: Any) -> None:
    """Review in the browser: a local page (URL with a secret token) that writes the same
    patch and decisions file as `review`."""
    # lazy: keeps http.server off scan start-up
    from repairtool import review as rv
    from repairtool.integrations import serve as web

    if not paths or "-" in paths:
        raise click.UsageError("give files or folders to review (stdin cannot be reviewed)")
    try:
        overrides = build_overrides(**opts)
        settings = base_settings(config_file)
        recorded = rv.load_decisions(decisions_in) if decisions_in else {}
    except (ConfigError, rv.DecisionsError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    options = {"select": ",".join(opts.get("select") or ()),
               "ignore": ",".join(opts.get("ignore") or ())}
    try:
        code = web.run(paths, settings=settings, overrides=overrides, isolated=isolated,
                       recorded=recorded, patch_file=patch_file, decisions_file=decisions_out,
                       host=host, port=port, open_browser=open_browser, options=options,
                       say=lambda s: click.echo(s, err=True),
                       show_url=lambda url: click.echo(url))
    except ConfigError as exc:  # a bad config file met while scanning
        click.echo(f"repairtool: {exc}", err=True)
        code = EXIT_ERROR
    sys.exit(code)


@main.command("rules")
@click.option("--format", "fmt", default="human", type=click.Choice(["human", "json"]))
def rules_cmd(fmt: str) -> None:
    """List every rule."""
    import json

    rows: list[dict[str, Any]] = [{"code": r.code, "name": r.name, "category": r.category,
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


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default; editors "
              "often pass it).")
@click.option("--debounce", type=click.FloatRange(min=0), default=0.15, show_default=True,
              help="Seconds to wait after an edit before scanning again.")
def lsp_cmd(stdio: bool, debounce: float) -> None:
    """Run the Language Server for editors (needs repairtool[lsp])."""
    try:  # lazy: keeps pygls off scan start-up
        from repairtool.integrations.lsp.server import serve
    except ImportError as exc:
        click.echo(f"repairtool: the language server needs pygls ({exc}); install "
                   "repairtool[lsp]", err=True)
        sys.exit(EXIT_ERROR)
    serve(debounce)


# --- score (bilingual branch) -------------------------------------------------------------


def language_pair_code(ctx: click.Context, param: click.Parameter, value: str | None
                       ) -> tuple[str, str] | None:
    """``-l zh-en`` (as sacrebleu's ``-l``): two known language codes."""
    if value is None:
        return None
    from repairtool.bilingual.langs import normalise

    src, sep, tgt = value.partition("-")
    pair = (normalise(src), normalise(tgt)) if sep else (None, None)
    if pair[0] is None or pair[1] is None:
        raise click.BadParameter(f"{value!r} is not a language pair SRC-TGT of known codes "
                                 "(such as zh-en)")
    return pair[0], pair[1]


def score_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """sacrebleu's own options: the tokeniser, case folding, the language pair."""
    from repairtool.scoring import TOKENIZERS

    opts = [
        click.option("--tokenize", type=click.Choice(TOKENIZERS),
                     help="BLEU's tokeniser (default: from the target language, as "
                          "sacrebleu: zh, ja-mecab, ko-mecab, else 13a)."),
        click.option("--lowercase", is_flag=True, help="Case-insensitive scores."),
        click.option("-l", "--language-pair", callback=language_pair_code,
                     help="Source and target language, as sacrebleu's -l (zh-en)."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


@main.command("score")
@click.option("--hyp", "hyp_file", required=True, type=click.Path(path_type=Path),
              help="The translation: one segment a line, or a bilingual file's targets.")
@click.option("--ref", "ref_files", required=True, multiple=True,
              type=click.Path(path_type=Path), help="A reference (repeatable).")
@click.option("--segments", is_flag=True, help="Per-segment chrF and TER of the worst segments.")
@click.option("--worst", default=10, show_default=True, help="How many segments --segments lists.")
@click.option("--repair", type=click.Choice(["safe", "unsafe"]),
              help="Also score after applying the fixes of this level.")
@click.option("--format", "fmt", default="human", type=click.Choice(["human", "json"]))
@score_options
@rule_options
def score_cmd(hyp_file: Path, ref_files: tuple[Path, ...], segments: bool, worst: int,
              repair: str | None, fmt: str, config_file: Path | None, isolated: bool,
              stdin_filename: str | None, tokenize: str | None, lowercase: bool,
              language_pair: tuple[str, str] | None, **opts: Any) -> None:
    """Score a translation against references (BLEU, chrF, chrF++, TER with sacrebleu).

    BLEU's tokeniser follows the target language (-l zh-en, or --language) as sacrebleu
    chooses it; --repair changes the hypothesis only, never the references."""
    from repairtool import scoring
    from repairtool.engine import scan_text, settings_for
    from repairtool.source import InputError

    target = language_pair[1] if language_pair else opts.get("language")
    if language_pair and not opts.get("language"):
        opts["language"] = language_pair[1]  # the rules check the hypothesis's language
    options = scoring.Options(tokenize, lowercase, target)
    tok, warning = options.tokenizer()
    if warning:
        click.echo(f"repairtool: warning: {warning}", err=True)
    try:
        settings = settings_for(hyp_file, base_settings(config_file), build_overrides(**opts),
                                isolated)
        hyp = scoring.read_segments(hyp_file, settings.encoding)
        refs = [scoring.read_segments(r, settings.encoding) for r in ref_files]
        scoring.check_counts(hyp, refs, [str(hyp_file), *map(str, ref_files)])
    except (scoring.ScoreError, ConfigError, InputError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for name, ref in zip(ref_files, refs, strict=True):
        if scoring.looks_tokenised(ref) and tok != "none":
            click.echo(f"repairtool: warning: {name} looks tokenised (spaces before "
                       "punctuation); sacrebleu expects plain text, so scores will be low",
                       err=True)
    if repair:
        click.echo(f"repairtool: --repair {repair} changes the hypothesis only; the "
                   "references are scored as given", err=True)

    def scan(text: str) -> list[Finding]:
        return scan_text(text, settings=settings)

    report = scoring.score(hyp, refs, scan=scan, worst=worst if segments else 0, repair=repair,
                           options=options)
    if fmt == "json":
        import json

        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    from repairtool.output.scores import render_scores

    click.echo(render_scores(report), nl=False)


# The corpus group imports only click here; pyarrow and dask load when a command runs.
from repairtool.corpus.cli import corpus as _corpus  # noqa: E402

main.add_command(_corpus)
