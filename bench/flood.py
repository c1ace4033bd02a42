"""Flood benchmark: what one client flooding writes costs the readers of a 1,000-comment story.

`rostra serve` runs as a separate process on a free 127.0.0.1 port with its default write limits
(60 writes a minute per address, 20 per author) and the moderation engine on, over SQLite or
PostgreSQL prefilled with the read story of bench/server.py. Two fixed-duration cells:

- quiet: 8 readers fetch the story's first page (as the widget does on page load), back to back;
- flood: the same 8 readers, plus one client posting comments back to back as fast as the server
  answers, dropping its cookie on every write (a new guest each time, as an abuser would).

It prints the readers' throughput and p50/p99 in each cell, the rise of their p99 under the flood
(target: less than 2x), and how the flood's writes were answered (the share refused with 429).

    .venv/bin/python bench/flood.py                   # SQLite, 20 s per cell
    .venv/bin/python bench/flood.py --postgres --duration 30
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import Client, run_cell  # noqa: E402
from server import (  # noqa: E402
    LOGS,
    READ_STORY,
    SITE_ORIGIN,
    WORK,
    RostraTarget,
    comment_text,
    plan_prefill,
    run_async,
    summarize,
)

READERS = 8
WARMUP_S = 3.0
TARGET_P99_RISE = 2.0
FLOOD_STORY = "flood"


class FloodTarget(RostraTarget):
    """Rostra as bench/server.py runs it, but with its default write limits on."""

    def __init__(self, postgres: bool):
        super().__init__(workers=1, postgres=postgres)
        for name in ("ROSTRA_RATE_LIMIT_IP_PER_MINUTE", "ROSTRA_RATE_LIMIT_AUTHOR_PER_MINUTE"):
            self.env.pop(name)


def measure(target: FloodTarget, flood: bool, duration_s: float) -> dict:
    readers = [target.client() for _ in range(READERS)]
    flooder = Client(target.process.port, {"Origin": SITE_ORIGIN}, keep_cookies=False)
    clients = readers + ([flooder] if flood else [])

    def operation(client: Client, seq: int):
        if client is flooder:
            return "write", target.post_comment(client, FLOOD_STORY, comment_text(seq), "Flooder")
        return "read", target.read_page(client)

    cpu_before = target.process.cpu_seconds()
    run = run_async(run_cell(clients, operation, WARMUP_S, duration_s))
    result = {"readers": summarize(run, "read"), "server_cpu_s": target.process.cpu_seconds() - cpu_before,
              "connection_errors": run.errors}
    if flood:
        writes = run.of_kind("write")
        statuses = Counter(r.status for r in writes)
        result["flood"] = {
            "writes": len(writes),
            "writes_per_s": run.throughput("write"),
            "statuses": {str(status): count for status, count in sorted(statuses.items())},
            "share_429": statuses[429] / len(writes) if writes else None,
        }
    target.process.wait_until_idle()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per cell")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    target = FloodTarget(args.postgres)
    stories, planned = plan_prefill(0)
    target.create([*stories, FLOOD_STORY], planned)
    log_path = LOGS / f"flood-{target.database}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    target.start(log_path)
    try:
        probe = run_async(target.read_page(target.client()))
        if probe.status != 200:
            raise RuntimeError(f"reading the story answered {probe.status}: {probe.body[:300]!r}")
        quiet = measure(target, flood=False, duration_s=args.duration)
        flooded = measure(target, flood=True, duration_s=args.duration)
    finally:
        target.stop()
        target.destroy()

    rise = flooded["readers"]["p99_ms"] / quiet["readers"]["p99_ms"]
    print(f"rostra/{target.database}, {READERS} readers of the {READ_STORY!r} story (1,000 comments), "
          f"{args.duration:g} s per cell, default write limits")
    print(f"{'cell':<7} {'reads/s':>8} {'r p50 ms':>9} {'r p99 ms':>9} {'writes':>7} {'w/s':>6} {'429 share':>10}")
    for name, cell in (("quiet", quiet), ("flood", flooded)):
        reads, flood = cell["readers"], cell.get("flood")
        tail = (f"{flood['writes']:>7} {flood['writes_per_s']:>6.0f} {flood['share_429']:>10.1%}"
                if flood else f"{'-':>7} {'-':>6} {'-':>10}")
        print(f"{name:<7} {reads['ops_per_s']:>8.0f} {reads['p50_ms']:>9.1f} {reads['p99_ms']:>9.1f} {tail}")
    print(f"flood answers: {flooded['flood']['statuses']}")
    verdict = "met" if rise < TARGET_P99_RISE else "NOT met"
    print(f"reader p99 rise under the flood: {rise:.2f}x (target < {TARGET_P99_RISE:g}x: {verdict})")
    if args.json:
        args.json.write_text(json.dumps({"database": target.database, "duration_s": args.duration,
                                         "quiet": quiet, "flood": flooded, "p99_rise": rise}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
