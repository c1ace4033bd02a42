"""`rostra worker`: the background jobs (event pruning, data retention) in a process of their own."""

from __future__ import annotations

import argparse
import sys


def register(subcommands) -> None:
    from rostra.cli.server import add_settings_arguments

    parser = subcommands.add_parser(
        "worker", help="run the background jobs",
        description="Run Rostra's periodic jobs (pruning old events, removing personal data past its "
        "retention) until stopped; with --once, run each job once and exit. Start the servers with "
        "--no-run-jobs when this runs them instead.")
    parser.add_argument("--once", action="store_true", help="run every job once, then exit")
    add_settings_arguments(parser)
    parser.set_defaults(handler=_work)


def _work(args: argparse.Namespace) -> int:
    from rostra.cli.server import prepared_runtime, settings_or_exit
    from rostra.workers import Worker, jobs, run_job

    runtime = prepared_runtime(settings_or_exit(args))
    try:
        if args.once:
            failed = [job.name for job in jobs() if not run_job(runtime, job)]
            for job in jobs():
                print(f"rostra worker: {job.name}: {'failed' if job.name in failed else 'done'}")
            return 1 if failed else 0
        print("rostra worker: running " + ", ".join(job.name for job in jobs()), file=sys.stderr)
        try:
            Worker(runtime).run_forever()
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        runtime.close()
