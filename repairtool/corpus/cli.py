"""``repairtool corpus scan|fix|filter``: the command line of corpus-scale runs.

Only click is imported at start-up; the runner, pyarrow and dask load when a command runs,
so ``repairtool scan`` does not pay for them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)


def parse_size(value: str, what: str = "the chunk size") -> int:
    """``8MB``, ``64k``, ``1G`` or a number of bytes."""
    m = _SIZE.match(value)
    if not m:
        raise click.BadParameter(f"{value!r} is not a size such as 8MB or 64KB")
    factor = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    size = int(float(m.group(1)) * factor)
    if size < 1:
        raise click.BadParameter(f"{what} must be at least 1 byte")
    return size


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options every corpus command shares."""
    from repairtool.cli import rule_options

    opts = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--output", "-o", "output", required=True, type=click.Path(path_type=Path),
                     help="Folder for the outputs and the resume state (a new folder = a new "
                          "run)."),
        click.option("--text-field", default="text", show_default=True,
                     help="Field that holds the document text."),
        click.option("--id-field", help="Field that holds the document id (default: "
                                        "shard@byte-offset, or shard#row for Parquet)."),
        click.option("--kind", type=click.Choice(["text", "markdown"]), default="text",
                     show_default=True, help="How to read the documents."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Local worker processes (or Dask workers of a local cluster)."),
        click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                     show_default=True, help="Run on local processes or on Dask distributed."),
        click.option("--scheduler", help="Address of a Dask scheduler (default: start a local "
                                         "cluster with --jobs workers)."),
        click.option("--chunk-size", default="auto", show_default=True,
                     help="Bytes of JSONL (or of Parquet row groups) per unit of work, e.g. "
                          "8MB; auto: about 32 chunks a worker, 1-64 MB."),
        click.option("--progress/--no-progress", default=True,
                     help="Show progress on stderr."),
        click.option("--max-record-size", default="64MB", show_default=True,
                     help="Longest record (JSONL line or Parquet text) read; a longer one is "
                          "a bad record, never read whole."),
    ]
    f = rule_options(f)
    for opt in reversed(opts):
        f = opt(f)
    return f


# Defined before the commands: their options come from repairtool.cli, which imports this
# module at its end, so `corpus` must already exist when that import runs.
@click.group("corpus")
def corpus() -> None:
    """Scan, repair or filter JSONL / JSONL.gz / Parquet corpora, in parallel and resumably."""


@corpus.command("scan")
@common_options
@click.option("--output-format", type=click.Choice(["jsonl", "parquet"]), default="jsonl",
              show_default=True, help="Format of results-NNNNN.")
def scan_cmd(**opts: Any) -> None:
    """Write per-document findings, summary.json and errors.jsonl to --output."""
    _run("scan", opts)


@corpus.command("fix")
@common_options
@click.option("--unsafe-fixes", is_flag=True, help="Apply unsafe fixes too.")
def fix_cmd(unsafe_fixes: bool, **opts: Any) -> None:
    """Write a repaired copy of the corpus (same format and shard layout) to --output."""
    from repairtool.model import Applicability

    opts["level"] = Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE
    _run("fix", opts)


@corpus.command("filter")
@common_options
@click.option("--drop-if", "drop_if", multiple=True, required=True,
              help="Reject documents with findings of these rules: 'RT1,RT301' (any finding) or "
                   "'RT3:200' (more than 200 per million characters). Repeatable.")
def filter_cmd(drop_if: tuple[str, ...], **opts: Any) -> None:
    """Write the documents that pass to kept/ and the rejected ones, with the reason, to
    rejected/."""
    from repairtool.corpus.tasks import Criterion

    try:
        opts["criteria"] = Criterion.parse_all(drop_if)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--drop-if") from None
    _run("filter", opts)


def _run(command: str, opts: dict[str, Any]) -> None:
    from repairtool.cli import EXIT_ERROR, base_settings, build_overrides
    from repairtool.config import ConfigError
    from repairtool.corpus import runner
    from repairtool.corpus.progress import Progress
    from repairtool.corpus.shards import CorpusError
    from repairtool.corpus.tasks import Job
    from repairtool.engine import settings_for

    inputs, output = opts.pop("inputs"), opts.pop("output")
    jobs, engine, scheduler = opts.pop("jobs"), opts.pop("engine"), opts.pop("scheduler")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    size_opt = opts.pop("chunk_size")
    chunk_size = None if size_opt == "auto" else parse_size(size_opt)
    try:
        max_record = parse_size(opts.pop("max_record_size"), "--max-record-size")
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message, param_hint="--max-record-size") from None
    show = opts.pop("progress")
    config_file, isolated = opts.pop("config_file"), opts.pop("isolated")
    opts.pop("stdin_filename")
    job_opts = {k: opts.pop(k) for k in ("text_field", "id_field", "kind", "output_format",
                                         "level", "criteria") if k in opts}
    try:
        overrides = build_overrides(**opts)
        settings = settings_for(None, base_settings(config_file), overrides, isolated)
        job = Job(command, str(output.absolute()), settings=settings, max_record=max_record,
                  **job_opts)
        runner.discover(inputs, output)  # bad inputs refused before the folder is touched
        with runner.locked(job):
            p = runner.prepare(job, inputs, chunk_size, jobs)
            if runner.is_complete(job):
                click.echo(f"repairtool corpus: {output} is already complete", err=True)
                summary = runner.summarise(job, p)
            else:
                summary = _execute(job, p, jobs, engine, scheduler, show, Progress)
    except (CorpusError, ConfigError) as exc:
        click.echo(f"repairtool: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except (OSError, TimeoutError) as exc:
        # distributed's connect failures carry no errno; a full disk does
        if engine == "dask" and getattr(exc, "errno", None) is None:
            where = f"at {scheduler}" if scheduler else "(local cluster)"
            click.echo(f"repairtool: cannot reach the Dask scheduler {where}: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        # a full disk, a quota: the chunk's temporaries are gone
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        click.echo(f"repairtool: cannot write{where}: {getattr(exc, 'strerror', None) or exc}; "
                   "free space and run the same command again to resume", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(render_summary(summary, output))
    if not summary["documents"] and summary["bad_records"]:
        # Every record was bad: most likely --text-field names no field of these records.
        click.echo(f"repairtool: no record could be read ({summary['bad_records']:,} bad "
                   f"records): does --text-field {job_opts.get('text_field', 'text')!r} name "
                   f"a field of them? See {output / 'errors.jsonl'}", err=True)
        sys.exit(EXIT_ERROR)
    problems = [(s["path"], m) for s in summary["shards"] for m in s.get("problems", [])]
    for path, message in problems:
        click.echo(f"{path}: error: {message}", err=True)
    if problems:
        sys.exit(EXIT_ERROR)


def _execute(job: Any, p: Any, jobs: int, engine: str, scheduler: str | None, show: bool,
             progress_cls: Any) -> dict[str, Any]:
    from repairtool.corpus import runner

    done = [p.done[c.name] for c in p.chunks if c.name in p.done]
    if p.resumed:
        click.echo(f"repairtool corpus: resuming, {len(done)} of {len(p.chunks)} chunks "
                   "already done", err=True)
    bar = progress_cls(runner.weights(p.chunks), sum(d["weight"] for d in done),
                       sum(d["documents"] for d in done), enabled=show)

    def report(meta: dict[str, Any]) -> None:
        p.done[meta["chunk"]] = meta
        bar.update(meta)

    try:
        runner.execute(job, p, jobs, engine, scheduler, report, bar.tick)
    except KeyboardInterrupt:
        bar.close()
        click.echo(f"repairtool corpus: interrupted; run the same command again to resume "
                   f"({len(p.done)} of {len(p.chunks)} chunks done)", err=True)
        sys.exit(130)
    bar.close()
    return runner.finish(job, p, threads=jobs)


def render_summary(summary: dict[str, Any], output: Path) -> str:
    """The summary as a few lines of text for the terminal."""
    lines = [f"{summary['documents']:,} documents, {summary['characters']:,} characters, "
             f"{summary['bad_records']:,} bad records (see {output / 'errors.jsonl'})"]
    if "rules" in summary:
        lines.append(f"{summary['findings']:,} findings")
        lines.append(f"  {'rule':<7} {'name':<30} {'findings':>9} {'per 1M chars':>13} "
                     f"{'docs':>7}")
        for code, r in summary["rules"].items():
            lines.append(f"  {code:<7} {r['name'][:30]:<30} {r['findings']:>9,} "
                         f"{r['per_million_characters']:>13,.1f} {r['share_of_documents']:>7.2%}")
    if "documents_changed" in summary:
        fixes = ", ".join(f"{k} x{v}" for k, v in summary["fixes_applied"].items()) or "none"
        lines.append(f"{summary['documents_changed']:,} documents repaired; fixes: {fixes}")
    if "kept" in summary:
        by = ", ".join(f"{k}: {v}" for k, v in summary["rejected_by"].items()) or "none"
        lines.append(f"{summary['kept']:,} kept, {summary['rejected']:,} rejected ({by})")
    lines.append(f"summary: {output / 'summary.json'}")
    return "\n".join(lines)
