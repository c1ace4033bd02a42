"""Moderator dashboard benchmark: queue calls and dashboard pages under 8 concurrent moderators on a
database of 1,000,000 comments, SQLite and PostgreSQL. Target: p99 < 100 ms.

The database is generated with bulk inserts (a site's realistic mix: 93 % approved, 3 % pending,
3 % rejected, 1 % withheld, one comment in 200 reported (half of the reports still open), 5,000 stories, 50,000 authors), then
`rostra serve` runs on it as a separate process and each moderator, signed in with its own session,
loops over what a moderator does all day:

- queue:      GET /api/v1/moderation/queue (Pending, with the counts of every queue)
- page:       GET /admin (the queue page itself, rendered on the server)
- reported:   the Reported queue
- by score:   Pending sorted by highest score
- older:      the second page of Approved (cursor)
- story:      every comment of one story
- author:     an author's drawer (history, notes, comments)
- search:     Approved searched for a name one comment in 500 mentions (the newest page, with counts)
- search all: All searched for a phrase one comment in 8 holds (the worst case: most rows match)
- approve:    POST /api/v1/moderation/actions on a pending comment (with CSRF token)

Each moderator pauses --think-ms (250 ms by default: four requests a second, faster than anyone
reads a comment) between answers; --think-ms 0 runs a closed loop, a stress test of the server.

    .venv/bin/python bench/dashboard.py                       # both databases, 1,000,000 comments
    .venv/bin/python bench/dashboard.py --comments 100000 --database sqlite --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import Client, free_port, percentile, run_cell  # noqa: E402
from server import ServerProcess, run_async  # noqa: E402

from rostra.actions.accounts import create_staff  # noqa: E402
from rostra.config import Settings  # noqa: E402
from rostra.render import render_comment  # noqa: E402
from rostra.store import Store, tables  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".work" / "bench-dashboard"
POSTGRES_ADMIN_URL = "postgresql://root@127.0.0.1:5432/test"
POSTGRES_DB = f"rostra_dashboard_bench_{os.getpid()}"
SITE_ORIGIN = "http://news.example"
TARGET_P99_MS = 100.0
STORIES = 5_000
AUTHORS = 50_000
BATCH = 20_000
PASSWORD = "benchmark password"
STATUS_MIX = (("approved", 0.93), ("pending", 0.03), ("rejected", 0.03), ("withheld", 0.01))
REPORTED_ONE_IN = 200
TEXTS = (
    "The council should publish the full budget before the vote, not after it.",
    "You are a complete idiot and everyone on this thread knows it.",
    "Buses on route 12 were late every single day this week.",
    "This article leaves out what the opposition actually proposed.",
    "Shut up, moron. Nobody asked for your opinion.",
    "Great reporting, thank you for following up on this story.",
    "BUY CHEAP WATCHES NOW at example dot com, best prices!!!",
    "I disagree with the mayor, but this piece is fair to her.",
)
# One comment in MENTION_ONE_IN names a councillor, what a moderator searches for; SEARCH_COMMON is
# in one text of TEXTS, so one comment in eight holds it.
MENTION_ONE_IN = 500
MENTION = " Councillor Okafor said the same at the meeting."
SEARCH_RARE = "okafor"
SEARCH_COMMON = "route 12"
# A held comment's reason as the engine would give it, with the span of the word at fault.
HELD_REASONS = {1: ("insult", 0.91, "idiot"), 4: ("insult", 0.88, "moron"), 6: ("spam", 0.83, "BUY CHEAP WATCHES")}


def status_plan(count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    names, weights = zip(*STATUS_MIX, strict=True)
    return chooser.choices(names, weights=weights, k=count)


def generate(url: str, comments: int, seed: int = 20261202) -> dict:
    """Fill a migrated database with stories, authors, comments and reports, in bulk."""
    chooser = random.Random(seed)
    now = datetime.now(UTC)
    engine = sa.create_engine(url)
    html = [render_comment(text) for text in TEXTS]
    mentioning_html = [render_comment(text + MENTION) for text in TEXTS]
    statuses = status_plan(comments, seed)
    pending_ids: list[int] = []
    began = time.perf_counter()
    with engine.begin() as connection:
        site_id = connection.execute(sa.select(tables.sites.c.id)).scalars().first()
        connection.execute(tables.stories.insert(), [
            {"id": story, "site_id": site_id, "url": f"{SITE_ORIGIN}/news/{story}", "title": f"Story {story}",
             "text": "", "closed": False, "premoderated": False, "created_at": now - timedelta(days=30)}
            for story in range(1, STORIES + 1)])
        connection.execute(tables.authors.insert(), [
            {"id": author, "guest_key": f"bench-{author}", "display_name": f"Reader {author}",
             "created_at": now - timedelta(days=60)} for author in range(1, AUTHORS + 1)])
        rows, reports = [], []
        for comment_id in range(1, comments + 1):
            text_index = chooser.randrange(len(TEXTS))
            status = statuses[comment_id - 1]
            reasons, top, attributes = [], 0.05, None
            held = HELD_REASONS.get(text_index)
            if status != "approved" and held:
                attribute, top, word = held
                start = TEXTS[text_index].find(word)
                reasons = [{"attribute": attribute, "score": top, "spans": [[start, start + len(word)]],
                            "phase": "learned"}]
                attributes = f" {attribute} "
            if status == "pending":
                pending_ids.append(comment_id)
            mentions = comment_id % MENTION_ONE_IN == 0
            rows.append({
                "id": comment_id, "story_id": chooser.randrange(1, STORIES + 1), "parent_id": None, "depth": 0,
                "author_id": chooser.randrange(1, AUTHORS + 1),
                "body_markdown": TEXTS[text_index] + (MENTION if mentions else ""),
                "body_html": (mentioning_html if mentions else html)[text_index], "status": status, "reaction_count": 0,
                "moderation_scores": {"toxicity": top, "insult": top / 2}, "moderation_reasons": reasons,
                "moderation_model": "bench", "top_score": top, "reason_attributes": attributes,
                "featured": False, "created_at": now - timedelta(seconds=comments - comment_id),
            })
            if status == "approved" and comment_id % REPORTED_ONE_IN == 0:
                reports.append({"comment_id": comment_id, "author_id": chooser.randrange(1, AUTHORS + 1),
                                "reason": "abusive", "note": "rude",
                                "created_at": now,
                                "outcome": None if comment_id // REPORTED_ONE_IN % 2 else "dismissed"})
            if len(rows) == BATCH:
                connection.execute(tables.comments.insert(), rows)
                rows = []
        if rows:
            connection.execute(tables.comments.insert(), rows)
        connection.execute(tables.reports.insert(), reports)
        if engine.dialect.name == "postgresql":
            for table in ("stories", "authors", "comments", "reports"):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    # What autovacuum does after a bulk load (PostgreSQL): statistics, and the visibility map that
    # lets the queue's counts read the (status, id) index alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return {"pending_ids": pending_ids, "seconds": time.perf_counter() - began, "reports": len(reports)}


def operations(pending: list[int], cursor_of_approved: str, moderators: int):
    """The moderator's loop; each moderator approves only its own share of the pending comments."""
    shares = [pending[index::moderators] for index in range(moderators)]
    plan = (["queue"] * 6 + ["page"] * 3 + ["reported"] * 2 + ["by score"] * 2 + ["older"] * 2
            + ["story"] * 2 + ["author"] * 1 + ["search"] * 1 + ["search all"] * 1 + ["approve"] * 2)

    def operation(client: Client, sequence: int):
        kind = plan[(sequence + client.index) % len(plan)]
        if kind == "queue":
            request = client.request("GET", "/api/v1/moderation/queue?queue=pending")
        elif kind == "page":
            request = client.request("GET", "/admin?queue=pending")
        elif kind == "reported":
            request = client.request("GET", "/api/v1/moderation/queue?queue=reported")
        elif kind == "by score":
            request = client.request("GET", "/api/v1/moderation/queue?queue=pending&sort=highest_score")
        elif kind == "older":
            request = client.request("GET", f"/api/v1/moderation/queue?queue=approved&cursor={cursor_of_approved}")
        elif kind == "story":
            request = client.request("GET", f"/api/v1/moderation/queue?queue=all&story_id={random.randrange(1, STORIES)}")
        elif kind == "search":
            request = client.request("GET", f"/api/v1/moderation/queue?queue=approved&q={SEARCH_RARE}")
        elif kind == "search all":
            request = client.request("GET", f"/api/v1/moderation/queue?queue=all&q={quote(SEARCH_COMMON)}")
        elif kind == "author":
            request = client.request("GET", f"/api/v1/moderation/authors/{random.randrange(1, AUTHORS)}/profile")
        else:
            share = shares[client.index]
            comment_id = share.pop() if share else pending[0]
            request = client.request("POST", "/api/v1/moderation/actions",
                                     {"action": "approve", "comment_ids": [comment_id]})
        return kind, request

    return operation


async def sign_in(port: int, index: int) -> Client:
    client = Client(port)
    client.index = index
    answer = await client.request("POST", "/api/v1/session",
                                  {"username": f"moderator{index}@news.example", "password": PASSWORD})
    if answer.status != 200:
        raise RuntimeError(f"sign-in failed: {answer.status} {answer.body[:200]!r}")
    client.default_headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def run_backend(database: str, comments: int, moderators: int, duration: float, workers: int,
                think_s: float) -> dict:
    directory = Path(tempfile.mkdtemp(prefix=f"{database}-", dir=WORK))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ROSTRA_")}
    env.update({"ROSTRA_DATA_DIR": str(directory / "data"), "ROSTRA_ALLOWED_ORIGINS": SITE_ORIGIN,
                "ROSTRA_DEMO": "false", "ROSTRA_LOG_LEVEL": "warning", "ROSTRA_WORKERS": str(workers),
                "ROSTRA_RATE_LIMIT_IP_PER_MINUTE": "0", "ROSTRA_RATE_LIMIT_AUTHOR_PER_MINUTE": "0"})
    if database == "postgresql":
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
        env["ROSTRA_DATABASE_URL"] = f"postgresql+psycopg://root@127.0.0.1:5432/{POSTGRES_DB}"
    server = None
    try:
        url = Settings.load(environ=env).resolved_database_url
        rostra = str(REPO / ".venv" / "bin" / "rostra")
        subprocess.run([rostra, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        generated = generate(url, comments)
        print(f"  {database}: {comments:,} comments generated in {generated['seconds']:.0f} s", flush=True)
        store = Store(url)
        for index in range(moderators):
            create_staff(store, f"moderator{index}@news.example", "moderator", PASSWORD)
        store.close()
        port = free_port()
        server = ServerProcess("rostra", [rostra, "serve"], {**env, "ROSTRA_PORT": str(port)},
                               directory / "server.log", port)
        server.start("/api/v1/health")

        async def measure():
            clients = [await sign_in(port, index) for index in range(moderators)]
            first = (await clients[0].request("GET", "/api/v1/moderation/queue?queue=approved")).json()
            operation = operations(generated["pending_ids"], first["next_cursor"], moderators)
            return await run_cell(clients, operation, warmup_s=2.0, duration_s=duration, pause_s=think_s)

        cpu_before = server.cpu_seconds()
        run = run_async(measure())
        server_cpu = server.cpu_seconds() - cpu_before
    except Exception:
        log = directory / "server.log"
        if log.exists():
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)
        if database == "postgresql":
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
    kinds = sorted({record.kind for record in run.records})
    rows = {}
    for kind in [*kinds, None]:
        sample = [record for record in run.overlapping(kind) if record.status]
        latencies = [(record.ended - record.began) * 1000 for record in sample]
        failed = sum(1 for record in sample if record.status >= 400)
        rows[kind or "all"] = {"count": len(sample), "failed": failed, "per_second": run.throughput(kind),
                               "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99)}
    answered = sum(1 for record in run.records if record.status)
    return {"database": database, "rows": rows, "errors": run.errors,
            "server_cpu_ms_per_request": server_cpu * 1000 / max(answered, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--moderators", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per database")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--think-ms", type=float, default=250.0,
                        help="pause of each moderator between answers (0: a closed loop, a stress test)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    print(f"Dashboard benchmark: {args.comments:,} comments, {args.moderators} moderators pausing "
          f"{args.think_ms:.0f} ms between requests, {args.duration:.0f} s per database, {args.workers} worker(s), "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}", flush=True)
    passed = True
    for database in databases:
        result = run_backend(database, args.comments, args.moderators, args.duration, args.workers,
                             args.think_ms / 1000)
        print(f"\n{database}")
        print(f"  {'call':10} {'count':>7} {'failed':>6} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8}")
        for kind, row in result["rows"].items():
            print(f"  {kind:10} {row['count']:7} {row['failed']:6} {row['per_second']:7.1f} "
                  f"{row['p50_ms'] or 0:8.1f} {row['p99_ms'] or 0:8.1f}")
        print(f"  server CPU per request: {result['server_cpu_ms_per_request']:.1f} ms "
              "(what the figures would be on an idle machine, before queueing)")
        overall = result["rows"]["all"]
        ok = overall["p99_ms"] is not None and overall["p99_ms"] < TARGET_P99_MS and not overall["failed"]
        passed &= ok
        print(f"  target p99 < {TARGET_P99_MS:.0f} ms: {'met' if ok else 'MISSED'}"
              + (f"; errors {result['errors']}" if result["errors"] else ""))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
