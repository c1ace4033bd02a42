"""Comment-server benchmark: Rostra (SQLite and PostgreSQL) against Isso, same load, same run.

Rostra runs with its v2 engine (neural tier on), and once more on SQLite with the neural tier off
(`rostra-sqlite-v1`, the first engine), so the cost of the neural tier shows in the same run.

For each server and database, on an empty database and on one holding many comments in other
stories, 1, 8 and 32 concurrent readers each run three fixed-duration loads:

- write: post comments to one story, back to back;
- read:  fetch a 1,000-comment story as its widget does on page load (Rostra: the first page;
         Isso: its default request, which returns the whole thread);
- mix:   90 % reads, 10 % writes.

It prints throughput, p50/p99 latency and bytes per read, the Rostra/Isso ratios, and the issue's
targets. Afterwards it checks, in each server's database, that every acknowledged comment is stored,
once, in the story it was posted to, and that the answer to each create described that comment.

Isso (PyPI, pinned below) is installed by this script into a throwaway virtual environment under
.work/ and run under gunicorn; both servers run as separate processes on free 127.0.0.1 ports and
are stopped at the end, also on error or Ctrl-C. Prefills go straight into each server's database.

    .venv/bin/python bench/server.py             # the full run (about 10 minutes on 2 cores)
    .venv/bin/python bench/server.py --quick     # smoke run, about 5 minutes
    .venv/bin/python bench/server.py --json bench/results/server.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable
from urllib.parse import quote

import psycopg
import sqlalchemy as sa

from rostra.config import Settings
from rostra.render import render_comment
from rostra.store import tables

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import REQUEST_TIMEOUT_S, Client, HttpError, Response, free_port, percentile, run_cell  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".work" / "bench-server"
LOGS = WORK / "logs" / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"  # this run's server logs
ISSO_REQUIREMENTS = ("isso==0.14.0", "gunicorn==27.0.1")
POSTGRES_ADMIN_URL = "postgresql://root@127.0.0.1:5432/test"
# Per run, so that two runs at once (two people on one machine) never drop each other's database.
POSTGRES_BENCH_DB = f"rostra_bench_{os.getpid()}"
POSTGRES_BENCH_URL = f"postgresql+psycopg://root@127.0.0.1:5432/{POSTGRES_BENCH_DB}"

SITE_ORIGIN = "http://news.example"
READ_STORY = "read"
READ_STORY_COMMENTS = 1000
COMMENTS_PER_OTHER_STORY = 100
REPLY_SHARE = 0.2
LOADS = ("write", "read", "mix")
# rostra-sqlite-v1: the same server with its neural tier off (setting neural_tier), the first engine.
SERVERS = ("rostra-sqlite", "rostra-postgresql", "rostra-sqlite-v1", "isso")
MIX_WRITE_EVERY = 10  # one write in ten operations
TOKEN_RE = re.compile(r"\btk[0-9a-f]{12}\b")

SENTENCES = (
    "The council vote on the new bus lanes deserves more scrutiny than this article gives it.",
    "I went to the meeting last week and the mood in the room was different from what is described.",
    "Thanks for covering this, local reporting like this is why I keep my subscription.",
    "Does anyone know whether the budget figures include maintenance for the next ten years?",
    "My neighbours and I have been asking about the flooding on our street for two winters now.",
    "I disagree with the mayor on this, but the piece presents both sides fairly.",
    "A correction: the library branch closed in 2019, not 2020 as the second paragraph says.",
    "The photos of the harbour at dawn are lovely, please credit the photographer by name.",
)


def comment_text(n: int, token: str | None = None) -> str:
    """A plausible reader comment of about 270 characters; `token` makes it findable later."""
    text = " ".join(SENTENCES[(n * step + step // 2) % len(SENTENCES)] for step in (1, 3, 5))
    return f"{text} (ref {token})" if token else text


def new_token() -> str:
    return "tk" + os.urandom(6).hex()


# --------------------------------------------------------------------------- prefill plan


@dataclass(frozen=True)
class PlannedComment:
    """One prefill comment; `parent` is another planned id, `author` one of 50 prefill readers."""

    id: int
    story: str
    parent: int | None
    created: float
    author: int
    text: str


def plan_prefill(other_comments: int, seed: int = 20261126) -> tuple[list[str], list[PlannedComment]]:
    """The stories and comments both servers are prefilled with, identical for each: the read story's
    1,000 comments interleaved in time with `other_comments` spread over stories of 100, a fifth of
    them replies to an earlier top-level comment of their story (one level, so Isso can hold it)."""
    rng = random.Random(seed)
    other_stories = [f"other-{i:05d}" for i in range(-(-other_comments // COMMENTS_PER_OTHER_STORY))]
    sequence = [READ_STORY] * READ_STORY_COMMENTS + [
        other_stories[i // COMMENTS_PER_OTHER_STORY] for i in range(other_comments)
    ]
    rng.shuffle(sequence)
    start = time.time() - 30 * 86400
    latest_top: dict[str, int] = {}
    planned = []
    for n, story in enumerate(sequence, start=1):
        parent = latest_top.get(story) if rng.random() < REPLY_SHARE else None
        if parent is None:
            latest_top[story] = n
        planned.append(PlannedComment(n, story, parent, start + n * 0.5, n % 50, comment_text(n)))
    return [READ_STORY, *other_stories], planned


def write_story(load: str, clients: int) -> str:
    return f"{load}-{clients}"


# --------------------------------------------------------------------------- processes


def session_cpu_seconds(session_id: int) -> float:
    """CPU time used so far by every live process of a server's session (master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == session_id:  # field 6 of stat: session id
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class ServerProcess:
    """A server command started in its own session, so that stopping it ends all its workers."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path, port: int):
        self.name, self.argv, self.env, self.log_path, self.port = name, argv, env, log_path, port
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str, timeout_s: float = 90) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if run_async(Client(self.port).request("GET", ready_path)).status == 200:
                    self.wait_until_idle()
                    return
            except HttpError:
                pass
            time.sleep(0.2)
        exit_code = self.process.poll()
        self.stop()
        why = f"exited with status {exit_code}" if exit_code is not None else f"did not answer GET {ready_path}"
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{self.name} {why}; end of its log {self.log_path}:\n{tail}")

    def wait_until_idle(self, timeout_s: float = 120) -> None:
        """A worker still starting up (loading Rostra's moderation model) would take CPU from the first
        cell: wait until the whole server uses almost no CPU for half a second."""
        deadline = time.monotonic() + timeout_s
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - before < 0.05:
                return
            before = now

    def cpu_seconds(self) -> float:
        return session_cpu_seconds(self.process.pid) if self.process else 0.0

    def stop(self) -> None:
        """SIGTERM to the whole session, SIGKILL to whatever is left of it after 15 seconds."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(5)
        self.process = None


def run_async(awaitable: Awaitable):
    try:
        import uvloop

        return uvloop.run(awaitable)
    except ImportError:
        return asyncio.run(awaitable)


# --------------------------------------------------------------------------- servers under test


class Target:
    """One server on one database. Subclasses know its HTTP API, its schema and how to start it."""

    server = "?"
    database = "?"
    ready_path = "/"
    keep_cookies = True

    def __init__(self, workers: int):
        self.workers = workers
        self.process: ServerProcess | None = None

    @property
    def label(self) -> str:
        return f"{self.server}/{self.database}"

    def client(self) -> Client:
        headers = {"Origin": SITE_ORIGIN, "Referer": f"{SITE_ORIGIN}/bench/"}
        return Client(self.process.port, headers, self.keep_cookies)

    # lifecycle
    def create(self, stories: list[str], planned: list[PlannedComment]) -> None:
        raise NotImplementedError

    def start(self, log_path: Path) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.process:
            self.process.stop()

    def destroy(self) -> None:
        """Remove this run's database."""

    # HTTP
    def post_comment(self, client: Client, story: str, text: str, author: str) -> Awaitable[Response]:
        raise NotImplementedError

    def read_page(self, client: Client) -> Awaitable[Response]:
        raise NotImplementedError

    def describe_answer(self, response: Response) -> tuple[int | None, str, str]:
        """(id, text, state) of the comment a create answer describes."""
        raise NotImplementedError

    def comments_in_page(self, response: Response) -> int:
        raise NotImplementedError

    # database
    def stored_comments(self, stories: list[str]) -> list[tuple[int, str, str]]:
        """(id, story, source text) of every comment stored in these stories."""
        raise NotImplementedError


class IssoTarget(Target):
    """Isso as its documentation deploys it under gunicorn: sync workers, SQLite, moderation off,
    its guard (rate limits, reply rules) off so that benchmark clients are not refused."""

    server = "isso"
    database = "sqlite"
    ready_path = "/config"
    keep_cookies = False

    def __init__(self, workers: int, venv: Path):
        super().__init__(workers)
        self.venv = venv
        self.dir = Path(tempfile.mkdtemp(prefix="isso-", dir=WORK))
        self.db_path = self.dir / "comments.db"
        self.config_path = self.dir / "isso.cfg"

    def uri(self, story: str) -> str:
        return f"/bench/{story}"

    def create(self, stories, planned):
        # Isso checks [general] host with a HEAD request at start-up: port 1 refuses at once.
        self.config_path.write_text(
            f"[general]\ndbpath = {self.db_path}\nhost = http://127.0.0.1:1/\nmax-age = 15m\n"
            "notify = stdout\ngravatar = false\n"
            "[moderation]\nenabled = false\n"
            "[guard]\nenabled = false\n"
        )
        schema = (
            "import sys; from isso import config; from isso.db import SQLite3; "
            "conf = config.load(config.default_file(), sys.argv[1]); "
            "SQLite3(conf.get('general', 'dbpath'), conf)"
        )
        subprocess.run([str(self.venv / "bin" / "python"), "-c", schema, str(self.config_path)], check=True)
        with sqlite3.connect(self.db_path) as db:
            db.executemany(
                "INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
                [(i, self.uri(story), f"Story {story}") for i, story in enumerate(stories, start=1)],
            )
            thread_ids = {story: i for i, story in enumerate(stories, start=1)}
            no_votes = bytes(256)  # Isso's empty Bloom filter of voters
            db.executemany(
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author,"
                " email, website, likes, dislikes, voters, notification)"
                " VALUES (?, ?, ?, ?, NULL, 1, '127.0.0.0', ?, ?, NULL, NULL, 0, 0, ?, 0)",
                [(thread_ids[c.story], c.id, c.parent, c.created, c.text, f"Reader {c.author}", no_votes)
                 for c in planned],
            )

    def start(self, log_path):
        port = free_port()
        env = {**os.environ, "ISSO_SETTINGS": str(self.config_path)}
        # gunicorn kills a worker silent for 30 s by default and answers 500; under 32 readers of a
        # big thread Isso's requests take longer than that, so the timeout follows the client's.
        argv = [str(self.venv / "bin" / "gunicorn"), "--workers", str(self.workers), "--bind",
                f"127.0.0.1:{port}", "--timeout", str(int(REQUEST_TIMEOUT_S)), "--log-level", "warning",
                "isso.run:application"]
        self.process = ServerProcess("isso", argv, env, log_path, port)
        self.process.start(self.ready_path)

    def destroy(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def post_comment(self, client, story, text, author):
        payload = {"text": text, "author": author, "title": f"Story {story}"}
        return client.request("POST", f"/new?uri={quote(self.uri(story), safe='')}", payload)

    def read_page(self, client):
        # What Isso's embed asks on page load with its defaults (max-comments-top "inf",
        # max-comments-nested 5): no limit on top-level comments, so the whole thread comes back.
        return client.request("GET", f"/?uri={quote(self.uri(READ_STORY), safe='')}&nested_limit=5")

    def describe_answer(self, response):
        body = response.json()
        return body.get("id"), body.get("text") or "", {1: "accepted", 2: "pending"}.get(body.get("mode"), "?")

    def comments_in_page(self, response):
        body = response.json()
        return sum(1 + len(reply.get("replies", [])) for reply in body["replies"])

    def stored_comments(self, stories):
        uris = {self.uri(s): s for s in stories}
        with sqlite3.connect(self.db_path) as db:
            rows = db.execute(
                "SELECT c.id, t.uri, c.text FROM comments c JOIN threads t ON t.id = c.tid"
                f" WHERE t.uri IN ({','.join('?' * len(uris))})", list(uris)
            ).fetchall()
        return [(i, uris[uri], text) for i, uri, text in rows]


class RostraTarget(Target):
    """`rostra serve` as a site would run it (moderation engine on, default policy), with its write
    rate limits off so that benchmark clients are not refused, on SQLite or PostgreSQL."""

    server = "rostra"
    ready_path = "/api/v1/health"

    def __init__(self, workers: int, postgres: bool, neural_tier: bool = True):
        super().__init__(workers)
        self.postgres = postgres
        self.server = "rostra" if neural_tier else "rostra-v1"
        self.database = "postgresql" if postgres else "sqlite"
        self.dir = Path(tempfile.mkdtemp(prefix=f"rostra-{self.database}-", dir=WORK))
        self.story_ids: dict[str, int] = {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
        self.env.update({
            "ROSTRA_DATA_DIR": str(self.dir / "data"),
            "ROSTRA_ALLOWED_ORIGINS": SITE_ORIGIN,
            "ROSTRA_WORKERS": str(workers),
            "ROSTRA_HOST": "127.0.0.1",
            "ROSTRA_DEMO": "false",
            "ROSTRA_LOG_LEVEL": "warning",
            "ROSTRA_RATE_LIMIT_IP_PER_MINUTE": "0",
            "ROSTRA_RATE_LIMIT_AUTHOR_PER_MINUTE": "0",
            "ROSTRA_NEURAL_TIER": str(neural_tier).lower(),
        })
        if postgres:
            drop_databases_of_dead_runs()
            self.env["ROSTRA_DATABASE_URL"] = POSTGRES_BENCH_URL

    @property
    def url(self) -> str:
        return Settings.load(environ=self.env).resolved_database_url

    def story_url(self, story: str) -> str:
        return f"{SITE_ORIGIN}/bench/{story}"

    def create(self, stories, planned):
        if self.postgres:
            postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)",
                           f"CREATE DATABASE {POSTGRES_BENCH_DB}")
        rostra = str(REPO / ".venv" / "bin" / "rostra")
        subprocess.run([rostra, "migrate"], env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.story_ids = prefill_rostra(self.url, {s: self.story_url(s) for s in stories}, planned)

    def start(self, log_path):
        port = free_port()
        env = {**self.env, "ROSTRA_PORT": str(port)}
        argv = [str(REPO / ".venv" / "bin" / "rostra"), "serve"]
        self.process = ServerProcess("rostra", argv, env, log_path, port)
        self.process.start(self.ready_path)

    def destroy(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.postgres:
            postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")

    def post_comment(self, client, story, text, author):
        payload = {"body": text, "author_name": author}
        return client.request("POST", f"/api/v1/stories/{self.story_ids[story]}/comments", payload)

    def read_page(self, client):
        # The widget's first request on page load: the default page (newest first, first replies).
        return client.request("GET", f"/api/v1/stories/{self.story_ids[READ_STORY]}/comments")

    def describe_answer(self, response):
        body = response.json()
        return body.get("id"), body.get("body_html") or "", body.get("status") or "?"

    def comments_in_page(self, response):
        def count(items):
            return sum(1 + count(item.get("replies") or []) for item in items)

        return count(response.json()["items"])

    def stored_comments(self, stories):
        keys = {self.story_url(s): s for s in stories}
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.select(tables.comments.c.id, tables.stories.c.url, tables.comments.c.body_markdown)
                    .join(tables.stories, tables.stories.c.id == tables.comments.c.story_id)
                    .where(tables.stories.c.url.in_(list(keys)))
                ).all()
        finally:
            engine.dispose()
        return [(i, keys[url], text) for i, url, text in rows]


def postgres_admin(*statements: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def drop_databases_of_dead_runs() -> None:
    """A run killed outright (SIGKILL) leaves its `rostra_bench_<pid>` behind; drop those."""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        names = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE 'rostra_bench_%'")
        for (name,) in names.fetchall():
            pid = name.removeprefix("rostra_bench_")
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prefill_rostra(url: str, story_urls: dict[str, str], planned: list[PlannedComment]) -> dict[str, int]:
    """Bulk-insert stories, guest authors, approved comments and their moderation-log entries straight
    into Rostra's tables (as if the engine had approved each); returns each story's id."""
    engine = sa.create_engine(url)
    now = datetime.now(timezone.utc)
    rendered: dict[str, str] = {}
    scores = {"toxicity": 0.02, "insult": 0.01, "profanity": 0.0, "spam": 0.03}
    try:
        with engine.begin() as connection:
            site_id = connection.execute(sa.select(tables.sites.c.id)).scalars().first()
            story_ids = {story: i for i, story in enumerate(story_urls, start=1)}
            connection.execute(tables.stories.insert(), [
                {"id": story_ids[story], "site_id": site_id, "url": story_url, "title": f"Story {story}",
                 "text": "", "closed": False, "created_at": now} for story, story_url in story_urls.items()])
            author_ids = sorted({c.author for c in planned})
            connection.execute(tables.authors.insert(), [
                {"id": a + 1, "guest_key": f"bench-prefill-{a}", "display_name": f"Reader {a}", "created_at": now}
                for a in author_ids])
            depth = {}
            rows, log = [], []
            for c in planned:
                depth[c.id] = 0 if c.parent is None else depth[c.parent] + 1
                created = datetime.fromtimestamp(c.created, timezone.utc)
                html = rendered.get(c.text) or rendered.setdefault(c.text, render_comment(c.text))
                rows.append({"id": c.id, "story_id": story_ids[c.story], "parent_id": c.parent,
                             "depth": depth[c.id], "author_id": c.author + 1, "body_markdown": c.text,
                             "body_html": html, "status": "approved", "reaction_count": 0,
                             "moderation_scores": scores, "moderation_reasons": [],
                             "moderation_model": "bench-prefill", "created_at": created})
                log.append({"id": c.id, "comment_id": c.id, "actor": "rostra-engine", "from_status": None,
                            "to_status": "approved", "reasons": [], "model": "bench-prefill",
                            "created_at": created})
            for batch in range(0, len(rows), 10_000):
                connection.execute(tables.comments.insert(), rows[batch:batch + 10_000])
                connection.execute(tables.moderation_log.insert(), log[batch:batch + 10_000])
            if engine.dialect.name == "postgresql":
                for table in ("stories", "authors", "comments", "moderation_log"):
                    connection.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
                connection.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()
    return story_ids


def ensure_isso_venv() -> tuple[Path, str]:
    """Isso and gunicorn in their own virtual environment under .work/, installed on first use."""
    venv = REPO / ".work" / "isso-venv"
    python = venv / "bin" / "python"
    wanted = dict(r.split("==") for r in ISSO_REQUIREMENTS)

    def installed() -> dict[str, str]:
        if not python.exists():
            return {}
        probe = "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in %r}))" % list(wanted)
        result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        return json.loads(result.stdout) if result.returncode == 0 else {}

    if installed() != wanted:
        print(f"installing {' '.join(ISSO_REQUIREMENTS)} into {venv.relative_to(REPO)} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *ISSO_REQUIREMENTS], check=True)
    return venv, wanted["isso"]


# --------------------------------------------------------------------------- one measured cell


@dataclass
class WriteAttempt:
    token: str
    story: str
    status: int = 0  # 0: no HTTP answer
    answered_id: int | None = None
    answer_matches: bool = False  # the answer's text carries this request's token
    answered_state: str = ""


@dataclass
class Ledger:
    """Every write the load generator sent, for the check against the database afterwards."""

    attempts: list[WriteAttempt] = field(default_factory=list)
    write_stories: set[str] = field(default_factory=set)


def make_operation(target: Target, load: str, clients: int, ledger: Ledger):
    story = write_story(load, clients)
    offsets: dict[int, int] = {}
    readers: dict[int, int] = {}

    async def write(client: Client, n: int) -> Response:
        attempt = WriteAttempt(new_token(), story)
        ledger.attempts.append(attempt)
        author = f"Bench reader {readers.setdefault(id(client), len(readers) + 1)}"
        response = await target.post_comment(client, story, comment_text(n, attempt.token), author)
        attempt.status = response.status
        if 200 <= response.status < 300:
            attempt.answered_id, text, attempt.answered_state = target.describe_answer(response)
            attempt.answer_matches = attempt.token in text
        return response

    def operation(client: Client, n: int):
        if load == "read":
            return "read", target.read_page(client)
        if load == "mix":
            offset = offsets.setdefault(id(client), random.randrange(MIX_WRITE_EVERY))
            if (n + offset) % MIX_WRITE_EVERY:
                return "read", target.read_page(client)
        return "write", write(client, n)

    return operation


def summarize(run, kind: str | None) -> dict:
    sample = run.overlapping(kind)
    latencies = [r.ended - r.began for r in sample]
    ok_sizes = [r.size for r in sample if 200 <= r.status < 300]
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    return {
        "ops_per_s": run.throughput(kind),
        "p50_ms": None if p50 is None else p50 * 1000,
        "p99_ms": None if p99 is None else p99 * 1000,
        "bytes": sum(ok_sizes) / len(ok_sizes) if ok_sizes else None,
        "statuses": dict(Counter(str(r.status) for r in run.of_kind(kind))),
    }


def measure_cell(target: Target, load: str, clients: int, timing, ledger: Ledger) -> dict:
    if load != "read":
        ledger.write_stories.add(write_story(load, clients))
    operation = make_operation(target, load, clients, ledger)
    cpu_before = target.process.cpu_seconds()
    started = time.perf_counter()
    run = run_async(run_cell([target.client() for _ in range(clients)], operation, timing.warmup, timing.duration))
    elapsed = time.perf_counter() - started
    result = {
        "load": load,
        "elapsed_s": elapsed,
        "server_cpu_s": target.process.cpu_seconds() - cpu_before,
        "client_cpu_s": run.client_cpu_s,
        "connection_errors": run.errors,
    }
    kinds = ("read", "write") if load == "mix" else (load,)
    result.update({kind: summarize(run, kind) for kind in kinds})
    if load == "mix":
        result["any"] = summarize(run, None)
    target.process.wait_until_idle()  # answers queued or work left over from this cell end first
    return result


# --------------------------------------------------------------------------- the check afterwards


def verify(target: Target, ledger: Ledger) -> dict:
    """Compare what the server acknowledged with what its database holds."""
    stored: dict[str, list[tuple[int, str]]] = {}
    for comment_id, story, text in target.stored_comments(sorted(ledger.write_stories)):
        for token in set(TOKEN_RE.findall(text)):
            stored.setdefault(token, []).append((comment_id, story))
    acknowledged = [a for a in ledger.attempts if 200 <= a.status < 300]
    lost = [a for a in acknowledged if a.token not in stored]
    duplicated = [a for a in acknowledged if len(stored.get(a.token, ())) > 1]
    wrong_story = [a for a in acknowledged if any(s != a.story for _, s in stored.get(a.token, ()))]
    wrong_answer = [
        a for a in acknowledged
        if a.token in stored and (not a.answer_matches or a.answered_id not in {i for i, _ in stored[a.token]})
    ]
    acknowledged_tokens = {a.token for a in acknowledged}
    return {
        "sent": len(ledger.attempts),
        "acknowledged": len(acknowledged),
        "refused": dict(Counter(str(a.status) for a in ledger.attempts if not 200 <= a.status < 300)),
        "answered_states": dict(Counter(a.answered_state for a in acknowledged)),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "wrong_story": len(wrong_story),
        "wrong_answer": len(wrong_answer),
        "stored_without_ack": sum(1 for t in stored if t not in acknowledged_tokens),
        "examples": [asdict(a) for a in (lost + wrong_story + wrong_answer)[:5]],
    }


# --------------------------------------------------------------------------- a whole run


@dataclass
class Timing:
    warmup: float
    duration: float


def measure_target(target: Target, prefill: int, clients_list: list[int], timing: Timing) -> dict:
    print(f"\n== {target.label}, {prefill:,} comments in other stories", flush=True)
    stories, planned = plan_prefill(prefill)
    write_stories = [write_story(load, c) for c in clients_list for load in ("write", "mix")]
    began = time.perf_counter()
    target.create(stories + write_stories, planned)
    print(f"   prefilled {len(planned):,} comments in {time.perf_counter() - began:.1f} s", flush=True)
    log_path = LOGS / f"{target.server}-{target.database}-prefill-{prefill}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    target.start(log_path)
    ledger = Ledger()
    result = {"server": target.server, "database": target.database, "prefill": prefill, "cells": []}
    try:
        probe = run_async(target.read_page(target.client()))
        if probe.status != 200:
            raise RuntimeError(f"{target.label}: reading the story answered {probe.status}: {probe.body[:300]!r}")
        result["read_page"] = {"bytes": len(probe.body), "comments": target.comments_in_page(probe)}
        for clients in clients_list:
            row = {"clients": clients}
            for load in LOADS:
                row[load] = measure_cell(target, load, clients, timing, ledger)
            result["cells"].append(row)
            print("   " + format_row(result, row), flush=True)
        result["verification"] = verify(target, ledger)
    finally:
        target.stop()
    log = log_path.read_text(errors="replace")
    result["server_log"] = {"path": str(log_path), "tracebacks": log.count("Traceback (most recent call last)")}
    return result


# --------------------------------------------------------------------------- output


def _num(value, digits=0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


COLUMNS = ("server", "db", "prefill", "clients", "writes/s", "w p50", "w p99", "reads/s", "r p50", "r p99",
           "KB/read", "mix op/s", "mix p99", "errors")
WIDTHS = (6, 10, 8, 7, 9, 7, 8, 8, 7, 8, 8, 9, 8, 0)


def format_row(result: dict, row: dict) -> str:
    w, r, m = row["write"]["write"], row["read"]["read"], row["mix"]["any"]
    failed = sum(
        count for load, kind in (("write", "write"), ("read", "read"), ("mix", "any"))
        for status, count in row[load][kind]["statuses"].items() if not status.startswith("2")
    )
    cells = (result["server"], result["database"], f"{result['prefill']:,}", str(row["clients"]),
             _num(w["ops_per_s"]), _num(w["p50_ms"]), _num(w["p99_ms"]), _num(r["ops_per_s"], 1),
             _num(r["p50_ms"]), _num(r["p99_ms"]), _num(r["bytes"] and r["bytes"] / 1000, 1),
             _num(m["ops_per_s"], 1), _num(m["p99_ms"]), str(failed))
    return "  ".join(c.rjust(wd) if i > 1 else c.ljust(wd) for i, (c, wd) in enumerate(zip(cells, WIDTHS)))


def print_report(results: list[dict]) -> None:
    print("\nLatencies in ms; errors = answers that were not 2xx plus connection failures.")
    print("  ".join(c.rjust(wd) if i > 1 else c.ljust(wd) for i, (c, wd) in enumerate(zip(COLUMNS, WIDTHS))))
    for result in results:
        for row in result["cells"]:
            print(format_row(result, row))

    isso = {(r["prefill"], row["clients"]): row for r in results if r["server"] == "isso" for row in r["cells"]}
    print("\nRostra / Isso (same prefill and clients): writes/s, reads/s, mix ops/s")
    for result in results:
        if result["server"] == "isso":
            continue
        for row in result["cells"]:
            base = isso.get((result["prefill"], row["clients"]))
            if base is None:
                continue
            ratios = [ratio(row[load][kind]["ops_per_s"], base[load][kind]["ops_per_s"])
                      for load, kind in (("write", "write"), ("read", "read"), ("mix", "any"))]
            print(f"  {result['server'] + '/' + result['database']:<20} prefill {result['prefill']:>7,}  "
                  f"clients {row['clients']:>2}:  "
                  + "  ".join(f"{name} {_num(v, 2)}x" for name, v in zip(("writes", "reads", "mix"), ratios)))

    print("\nWhat one read returns (the 1,000-comment story):")
    for result in results:
        page = result.get("read_page")
        if page:
            print(f"  {result['server']}/{result['database']} prefill {result['prefill']:,}: "
                  f"{page['comments']:,} comments, {page['bytes'] / 1000:,.1f} KB")

    print("\nAcknowledged comments checked against each database:")
    for result in results:
        v = result.get("verification")
        if v:
            print(f"  {result['server']}/{result['database']} prefill {result['prefill']:,}: {v['acknowledged']:,} of "
                  f"{v['sent']:,} writes acknowledged {v['answered_states']}; lost {v['lost']}, duplicated "
                  f"{v['duplicated']}, wrong story {v['wrong_story']}, answer describing another comment "
                  f"{v['wrong_answer']}, stored but not acknowledged {v['stored_without_ack']}; "
                  f"refused {v['refused'] or 'none'}; tracebacks in the server log "
                  f"{result['server_log']['tracebacks']}")
    print_targets(results, isso)


def ratio(a, b):
    return a / b if a is not None and b else None


def print_targets(results: list[dict], isso: dict) -> None:
    checks = []
    for result in results:
        if result["server"] != "rostra" or result["database"] != "sqlite":
            continue
        for row in result["cells"]:
            clients, prefill = row["clients"], result["prefill"]
            base = isso.get((prefill, clients))
            if clients in (8, 32) and base:
                for load in ("write", "read"):
                    r = ratio(row[load][load]["ops_per_s"], base[load][load]["ops_per_s"])
                    checks.append((f"{load}s >= 2x Isso, SQLite, prefill {prefill:,}, {clients} clients", r is not None and r >= 2,
                                   f"{_num(r, 2)}x"))
            if clients == 32:
                worst = max((row[load][kind]["p99_ms"] or 0) for load, kind in
                            (("write", "write"), ("read", "read"), ("mix", "any")))
                checks.append((f"p99 < 100 ms, SQLite, prefill {prefill:,}, 32 clients", worst < 100,
                               f"worst {_num(worst)} ms"))
    if checks:
        print("\nTargets (issue 2):")
        for name, ok, figure in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure}")


# --------------------------------------------------------------------------- main


def client_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of whole numbers: {text!r}") from None
    if any(count < 1 for count in counts):
        raise argparse.ArgumentTypeError("each client count must be 1 or more")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run: small prefill, 1.5 s cells")
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help=f"comma-separated subset of {', '.join(SERVERS)}")
    parser.add_argument("--clients", type=client_counts, default=[1, 8, 32],
                        help="concurrent clients per cell, comma-separated (default 1,8,32)")
    parser.add_argument("--prefill", type=int, help="comments in other stories (default 100,000; --quick 10,000)")
    parser.add_argument("--duration", type=float, help="measured seconds per cell (default 5; --quick 1.5)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers are stopped too

    timing = Timing(warmup=0.5, duration=1.5) if args.quick else Timing(warmup=1.0, duration=5.0)
    if args.duration:
        timing.duration = args.duration
    prefill = args.prefill if args.prefill is not None else (10_000 if args.quick else 100_000)
    clients_list = args.clients
    servers = args.servers.split(",")
    if args.prefill is not None and args.prefill < 0:
        parser.error("--prefill: must be 0 or more")
    if args.duration is not None and args.duration <= 0:
        parser.error("--duration: must be more than 0 seconds")
    unknown = set(servers) - set(SERVERS)
    if unknown:
        parser.error(f"--servers: unknown {', '.join(sorted(unknown))}; choose from {', '.join(SERVERS)}")
    WORK.mkdir(parents=True, exist_ok=True)

    meta = {
        "command": " ".join(["bench/server.py", *(argv if argv is not None else sys.argv[1:])]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "timing": asdict(timing),
        "workers": args.workers,
    }
    if os.getloadavg()[0] > 0.5:
        print(f"note: load average {os.getloadavg()[0]:.2f} before the run; other work on this machine "
              "makes the figures noisy", flush=True)
    results = []
    for server in servers:
        for size in (0, prefill):
            target = make_target(server, args.workers, meta)
            try:
                results.append(measure_target(target, size, clients_list, timing))
            finally:
                target.stop()
                target.destroy()
    print_report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=1))
        print(f"\nresults written to {args.json}")
    return 0


def make_target(server: str, workers: int, meta: dict) -> Target:
    if server == "isso":
        venv, version = ensure_isso_venv()
        meta["isso"] = version
        return IssoTarget(workers, venv)
    return RostraTarget(workers, postgres=server == "rostra-postgresql", neural_tier=server != "rostra-sqlite-v1")


if __name__ == "__main__":
    sys.exit(main())
