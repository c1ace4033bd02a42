"""The `rostra` command: one subcommand module per area, each registering its own parsers."""

import argparse
import sys

from rostra import __version__
from rostra.cli import admin, analyze, apikey, moderation, server, train, transfer, worker


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rostra", description=__doc__)
    parser.add_argument("--version", action="version", version=f"rostra {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (server, worker, admin, moderation, train, analyze, apikey, transfer):
        module.register(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
