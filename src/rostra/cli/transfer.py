"""`rostra import` and `rostra export`: bring a site's comment history in from another system (or
another Rostra) and take it out again. Both find the database as `rostra serve` does: --config or
ROSTRA_CONFIG, ROSTRA_* variables, --database-url / --data-dir. docs/import-export.md has the details.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO

from rostra.config import CONFIG_ENV, ConfigError, Settings

PROGRESS_BAR_CHARS = 30
REPORTED_REASONS = 3


def register(subcommands) -> None:
    """Add `import` and `export` to the `rostra` parser."""
    from rostra.importers import FORMATS

    formats = "\n".join(f"  {name:10} {format.description}" for name, format in FORMATS.items())
    importer = subcommands.add_parser(
        "import", help="import comments from another system's export",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Import a comment archive. Re-running adds nothing twice, so an interrupted import "
        "is resumed by running it again. Every comment keeps its status and is scored by the "
        "moderation engine; --report lists those the engine would have decided otherwise.\n\nformats:\n"
        + formats,
    )
    importer.add_argument("format", choices=list(FORMATS), metavar="FORMAT", help="one of: " + ", ".join(FORMATS))
    importer.add_argument("file", help="the export file (for isso: its SQLite database)")
    importer.add_argument("--site", default=None, help="site the stories belong to (default: the default site)")
    importer.add_argument("--base-url", help="site address for sources that keep only page paths (isso, commento)")
    importer.add_argument("--dry-run", action="store_true", help="read, check and score everything; write nothing")
    importer.add_argument("--strict", action="store_true", help="stop at the first bad record")
    importer.add_argument("--report", action="store_true",
                          help="list the comments whose kept status the engine disagrees with")
    _add_database_options(importer)
    importer.set_defaults(handler=run_import)

    exporter = subcommands.add_parser(
        "export", help="export comments as Rostra JSON Lines",
        description="Write stories and comments as Rostra JSON Lines (what `rostra import rostra` reads).",
    )
    exporter.add_argument("--site", help="only this site's stories")
    exporter.add_argument("--story", metavar="URL", help="only this story")
    exporter.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    _add_database_options(exporter)
    exporter.set_defaults(handler=run_export)


def _add_database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"TOML settings file (env {CONFIG_ENV})")
    parser.add_argument("--database-url", help="database URL (default: the configured one)")
    parser.add_argument("--data-dir", help="data folder holding the SQLite database (default: the configured one)")


def _fail(command: str, message: str, status: int) -> int:
    print(f"rostra {command}: {message}", file=sys.stderr)
    return status


def _runtime(args: argparse.Namespace):
    """The runtime over the configured, migrated database, as every command opens it."""
    from rostra.cli.server import prepared_runtime

    settings = Settings.load(args.config, overrides={"database_url": args.database_url, "data_dir": args.data_dir})
    return prepared_runtime(settings)


def run_import(args: argparse.Namespace) -> int:
    from rostra.actions.stories import DEFAULT_SITE
    from rostra.importers import FORMATS
    from rostra.importers.core import Importer, ImportHalted, ImportOptions, find_site
    from rostra.importers.source import SourceFile

    try:
        source = SourceFile(args.file)
    except OSError as error:
        return _fail("import", f"cannot read {args.file}: {error.strerror}", 2)
    try:
        runtime = _runtime(args)
    except ConfigError as error:
        return _fail("import", str(error), 2)
    try:
        site_id = find_site(runtime.store, args.site or DEFAULT_SITE)
        format = FORMATS[args.format]
        progress = _Progress(sys.stderr, source) if sys.stderr.isatty() else None
        importer = Importer(
            runtime.store,
            runtime.engine_for(site_id),  # the site's own moderation policy
            format.name,
            site_id,
            ImportOptions(dry_run=args.dry_run, strict=args.strict,
                          merge_authors_by_email=format.merge_authors_by_email),
            on_error=lambda error: _print_error(progress, error),
            on_disagreement=(lambda item: _print_disagreement(progress, item)) if args.report else None,
            on_batch=progress.draw if progress else None,
        )
        summary = importer.run(format.read(source, args.base_url), str(source.path.resolve()), source.size)
    except ImportHalted as error:
        return _fail("import", str(error), 2)
    except Exception as error:  # a clear line instead of a traceback, whatever went wrong
        return _fail("import", f"stopped by an unexpected error: {type(error).__name__}: {error}", 1)
    finally:
        runtime.close()
    if progress:
        progress.finish()
    _print_summary(summary, sys.stdout)
    if summary.stopped:
        print(f"rostra import: {summary.stopped}", file=sys.stderr)
        return 2 if summary.records == 0 else 1
    return 1 if summary.skipped else 0


def _print_error(progress: _Progress | None, error) -> None:
    if progress:
        progress.clear()
    print(f"rostra import: skipped {error}", file=sys.stderr)


def _print_disagreement(progress: _Progress | None, item) -> None:
    if progress:
        progress.clear()
    reasons = ", ".join(f"{reason['attribute']} {reason['score']:.2f}" for reason in item.reasons[:REPORTED_REASONS])
    print(f"{item.key}\tkept {item.kept}, the engine would have: {item.engine}"
          f"{f' ({reasons})' if reasons else ''}\t{item.story_url}", file=sys.stdout)


def _print_summary(summary, output: IO[str]) -> None:
    verb = "would import" if summary.dry_run else "imported"
    lines = [
        f"{summary.format}: {summary.records} records read; {verb} {summary.imported} comments "
        f"({summary.stories_created} new stories, {summary.authors_created} new authors); "
        f"{summary.already_present} already present; {summary.skipped} skipped",
        f"the engine disagrees with the kept status of {summary.disagreements} imported comments"
        + ("" if summary.dry_run else " (dashboard: imported, engine disagrees)"),
    ]
    if summary.unfinished_runs:
        runs = ", ".join(str(run) for run in summary.unfinished_runs)
        lines.append(f"continued after earlier unfinished run(s) {runs} of this file: what they wrote was kept")
    if summary.run_id is not None:
        lines.append(f"import run {summary.run_id}")
    output.write("".join(line + "\n" for line in lines))


class _Progress:
    """A progress bar on a terminal, by bytes of the file read, redrawn after each batch."""

    def __init__(self, stream: IO[str], source):
        self.stream, self.source = stream, source

    def draw(self, summary) -> None:
        share = min(1.0, self.source.bytes_read / self.source.size) if self.source.size else 1.0
        bar = "#" * int(share * PROGRESS_BAR_CHARS)
        self.stream.write(f"\rimporting [{bar:<{PROGRESS_BAR_CHARS}}] {share:6.1%}  "
                          f"{summary.imported} comments, {summary.skipped} skipped")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def run_export(args: argparse.Namespace) -> int:
    from rostra.importers import rostra_format
    from rostra.store.urls import BadURL, canonical_url

    try:
        story = canonical_url(args.story) if args.story else None
    except BadURL as error:
        return _fail("export", f"--story: {error}", 2)
    try:
        runtime = _runtime(args)
    except ConfigError as error:
        return _fail("export", str(error), 2)
    store = runtime.store
    try:
        try:
            output = open(args.output, "w", encoding="utf-8", newline="") if args.output else None  # noqa: SIM115
        except OSError as error:
            return _fail("export", f"cannot write {args.output}: {error.strerror}", 2)
        if output is None and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        try:
            counts = rostra_format.export(store, output or sys.stdout, site=args.site, story_url=story)
        finally:
            if output is not None:
                output.close()
    except Exception as error:
        return _fail("export", f"stopped by an unexpected error: {type(error).__name__}: {error}", 1)
    finally:
        runtime.close()
    print(f"rostra export: {counts['comments']} comments in {counts['stories']} stories", file=sys.stderr)
    return 0
