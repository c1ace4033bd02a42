"""`rostra score`: moderate JSON Lines comments from a file or standard input.

Input, one object a line: {"id": str, "text": str, "story"?: {"title": str, "text": str},
"parent_text"?: str}. Output, one line per good input line and in input order: {"id", "scores",
"decision", "reasons", "model"}. A bad line is reported on stderr with its number and field, the
rest are still scored, and the exit status is then 1.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from typing import IO

from rostra.moderation import CommentInput, Engine, Policy, PolicyError, StoryContext

BATCH = 256
PROGRESS_MIN_BYTES = 1 << 20
_FIELDS = {"id": str, "text": str, "story": dict, "parent_text": str}
_REQUIRED = ("id", "text")
_STORY_FIELDS = {"title": str, "text": str}


class LineError(ValueError):
    """A line that cannot be scored; `field` names the offending field (None: the line itself)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


def register(subcommands) -> None:
    """Add `rostra score` to the `rostra` parser."""
    parser = subcommands.add_parser("score", help="moderate JSON Lines comments", description=__doc__,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", default="-", help="JSON Lines file, or - for standard input (default)")
    parser.add_argument("--policy", metavar="FILE", help="site policy as TOML or JSON (thresholds, banned_words, ...)")
    parser.set_defaults(handler=run_score)


def run_score(args: argparse.Namespace) -> int:
    try:
        policy = _load_policy(args.policy) if args.policy else None
    except (OSError, ValueError) as error:
        print(f"rostra score: policy {args.policy}: {error}", file=sys.stderr)
        return 2
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # JSON Lines are UTF-8 whatever the locale
    try:
        if args.file == "-":
            source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
        else:
            source = open(args.file, encoding="utf-8-sig", errors="replace")  # a byte-order mark is not JSON
    except OSError as error:
        print(f"rostra score: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    with source:
        total_bytes = os.fstat(source.fileno()).st_size if args.file != "-" else 0
        return score_stream(Engine.default(policy), source, sys.stdout, sys.stderr, total_bytes)


def score_stream(engine: Engine, source: IO[str], output: IO[str], errors: IO[str], total_bytes: int = 0) -> int:
    """Score every line of `source`; returns 1 if any line was bad, else 0."""
    progress = _Progress(errors, total_bytes) if errors.isatty() and total_bytes >= PROGRESS_MIN_BYTES else None
    failed = False
    for batch in _batches(source):
        good = []
        for number, line, parsed in batch:
            if isinstance(parsed, LineError):
                failed = True
                where = f", field '{parsed.field}'" if parsed.field else ""
                print(f"line {number}{where}: {parsed}", file=errors)
            else:
                good.append(parsed)
        verdicts = engine.moderate_many([comment for _, comment in good])
        for (comment_id, _), verdict in zip(good, verdicts):
            output.write(json.dumps({"id": comment_id, **verdict.to_json()}, ensure_ascii=False) + "\n")
        output.flush()
        if progress:
            progress.advance(sum(len(line.encode("utf-8")) + 1 for _, line, _ in batch))
    if progress:
        progress.finish()
    return 1 if failed else 0


def parse_line(line: str) -> tuple[str, CommentInput]:
    """One input line as (id, comment), or LineError naming what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(None, f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise LineError(None, "must be a JSON object")
    for field in record:
        if field not in _FIELDS:
            raise LineError(field, f"unknown field; allowed: {', '.join(_FIELDS)}")
    for field in _REQUIRED:
        if field not in record:
            raise LineError(field, "is missing")
    for field, kind in _FIELDS.items():
        if field in record and not isinstance(record[field], kind):
            raise LineError(field, f"must be {'an object' if kind is dict else 'a string'}")
    story = None
    if "story" in record:
        for field, value in record["story"].items():
            if field not in _STORY_FIELDS:
                raise LineError(f"story.{field}", "unknown field; allowed: title, text")
            if not isinstance(value, str):
                raise LineError(f"story.{field}", "must be a string")
        if "title" not in record["story"]:
            raise LineError("story.title", "is missing")
        story = StoryContext(record["story"]["title"], record["story"].get("text", ""))
    return record["id"], CommentInput(record["text"], story, record.get("parent_text"))


def _batches(source: IO[str]) -> Iterator[list[tuple[int, str, object]]]:
    """Numbered, parsed lines in batches; blank lines are skipped but still counted."""
    batch = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            parsed: object = parse_line(line)
        except LineError as error:
            parsed = error
        batch.append((number, line, parsed))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_policy(path: str) -> Policy:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        mapping = tomllib.loads(data.decode("utf-8")) if not path.endswith(".json") else json.loads(data)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot parse: {error}") from None
    try:
        return Policy.from_mapping(mapping)
    except (PolicyError, TypeError) as error:
        raise ValueError(str(error)) from None


class _Progress:
    """A one-line progress bar on a terminal, redrawn in place."""

    def __init__(self, stream: IO[str], total_bytes: int):
        self.stream, self.total, self.done = stream, total_bytes, 0

    def advance(self, done_bytes: int) -> None:
        self.done = min(self.total, self.done + done_bytes)
        share = self.done / self.total
        bar = "#" * int(share * 30)
        self.stream.write(f"\rscoring [{bar:<30}] {share:6.1%}")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
