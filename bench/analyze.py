"""Perspective-compatible analyze endpoint: requests/s, p50 and p99 at 1, 8 and 32 concurrent clients.

Starts `rostra analyze-server` on 127.0.0.1 with a fresh SQLite database and an unlimited key, then
each client posts AnalyzeComment requests back to back (the six production attributes, as Comentario
asks for them) for a fixed time. The load generator is bench/_load.py's, shared with bench/server.py.

    .venv/bin/python bench/analyze.py [--seconds 10] [--clients 1,8,32] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _load import Client, free_port, percentile, run_cell

from rostra.actions.apikeys import create_key
from rostra.store import Store

ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT")
# Self-written comments of the lengths news readers write, civil and not.
COMMENTS = (
    "Great reporting, thank you for covering the council meeting in such detail.",
    "I disagree with the author: the new bus lanes will push traffic onto residential streets, "
    "and nobody asked the people who live there.",
    "What a stupid decision. Whoever approved this is an idiot.",
    "The numbers in the third paragraph don't add up. 40% of 1,200 is 480, not 520.",
    "you are a fucking moron and everyone here knows it",
    "My grandmother lived on that street for sixty years. It was never this noisy before the "
    "construction started, and the city keeps promising it will end soon. I'll believe it when I see it.",
    "Buy cheap watches at http://cheap-watches.example.com now!!!",
    "Does anyone know whether the library will stay open during the works?",
    "Calling people who disagree with you 'idiots' is exactly why these threads go nowhere.",
    "Keep this up and someone is going to get hurt, I promise you that.",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before each level")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated concurrency levels")
    parser.add_argument("--workers", type=int, default=1, help="analyze-server worker processes")
    args = parser.parse_args()
    levels = [int(level) for level in args.clients.split(",")]

    with tempfile.TemporaryDirectory(prefix="rostra-bench-") as folder:
        database = f"sqlite:///{Path(folder) / 'keys.db'}"
        store = Store(database)
        store.migrate()
        key = create_key(store, "bench", requests_per_minute=0).secret
        store.close()
        port = free_port()
        server = _start_server(database, port, args.workers, Path(folder) / "server.log")
        try:
            rows = [asyncio.run(_measure(port, key, clients, args.warmup, args.seconds)) for clients in levels]
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"rostra analyze-server, {args.workers} worker(s), {os.cpu_count()} CPUs, "
          f"{args.seconds:g} s per level, {len(ATTRIBUTES)} attributes per request")
    print(f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for clients, completed, rate, p50, p99, errors in rows:
        print(f"{clients:>7} {completed:>9} {rate:>8.1f} {p50:>8.2f} {p99:>8.2f} {errors:>7}")
    return 0


async def _measure(port: int, key: str, clients: int, warmup: float, seconds: float):
    target = f"/v1alpha1/comments:analyze?key={key}"

    def operation(client: Client, sequence: int):
        body = {"comment": {"text": COMMENTS[sequence % len(COMMENTS)]}, "languages": ["en"],
                "requestedAttributes": {name: {} for name in ATTRIBUTES}, "doNotStore": True}
        return "analyze", client.request("POST", target, body)

    run = await run_cell([Client(port) for _ in range(clients)], operation, warmup, seconds)
    completed = run.completed("analyze")
    latencies = [(record.ended - record.began) * 1000 for record in run.overlapping("analyze")]
    errors = sum(run.errors.values()) + sum(record.status != 200 for record in completed)
    return (clients, len(completed), len(completed) / seconds, percentile(latencies, 0.5) or 0.0,
            percentile(latencies, 0.99) or 0.0, errors)


def _start_server(database: str, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", "import sys; from rostra.cli import main; sys.exit(main())",
               "analyze-server", "--database-url", database, "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"analyze-server exited:\n{log_path.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.terminate()
    sys.exit("analyze-server did not start in 120 s")


if __name__ == "__main__":
    sys.exit(main())
