"""Load generator for bench/server.py: a bare HTTP/1.1 client on asyncio plus a fixed-duration runner.

A hand-written client keeps the load generator's own CPU cost at 0.03 ms per bare request and
0.1-0.3 ms per benchmark operation (JSON answers included), so on a 2-core machine the server under
test, not the client, sets the pace. It keeps one
connection per virtual reader (keep-alive when the server allows it, reconnecting when the server
closes) and a cookie jar per reader, like a browser tab.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

REQUEST_TIMEOUT_S = 300.0  # generous: a queueing server (Isso at 32 readers) shows as latency, not errors


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class HttpError(Exception):
    """The connection failed or the server answered something that is not HTTP/1.1."""


class Client:
    """One reader: one connection at a time to 127.0.0.1:port, and the cookies it was given (unless
    `keep_cookies` is off: Isso sets a new edit cookie per comment, which a reader posting hundreds of
    comments would pile up until the server refuses the request headers)."""

    def __init__(self, port: int, default_headers: dict[str, str] | None = None, keep_cookies: bool = True):
        self.port = port
        self.default_headers = default_headers or {}
        self.keep_cookies = keep_cookies
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, payload=None) -> Response:
        body = b"" if payload is None else json.dumps(payload).encode()
        lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in self.default_headers.items()]
        if payload is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        try:
            return await asyncio.wait_for(self._exchange(raw), REQUEST_TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                ValueError) as exc:
            await self.close()
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, raw: bytes) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, status = status_line.split(" ", 2)[:2]
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie" and self.keep_cookies:
                cookie_name, _, cookie_value = value.split(";", 1)[0].partition("=")
                self.cookies[cookie_name.strip()] = cookie_value.strip()
            headers[name] = value
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked()
        else:
            body = await self._reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
            await self.close()
        return Response(int(status), headers, body)

    async def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._reader = None


@dataclass
class OpRecord:
    kind: str  # "read" or "write"
    began: float
    ended: float
    status: int  # 0: no HTTP answer (connection error or timeout)
    size: int


@dataclass
class CellRun:
    """Everything one fixed-duration cell produced."""

    duration_s: float
    records: list[OpRecord] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu_s: float = 0.0

    def of_kind(self, kind: str | None) -> list[OpRecord]:
        return [r for r in self.records if kind is None or r.kind == kind]

    def completed(self, kind: str | None) -> list[OpRecord]:
        """Operations of this kind (None: all) answered inside the measured window."""
        return [r for r in self.of_kind(kind) if 0 <= r.ended <= self.duration_s]

    def throughput(self, kind: str | None) -> float:
        """Operations of this kind (None: all) per second in the measured window. Each operation counts
        with the share of its lifetime that lies inside the window, so a server answering one request
        every few seconds gets a fair figure instead of 0 or 1 divided by the window (in a closed loop
        this equals clients / latency, Little's law)."""
        inside = 0.0
        for r in self.of_kind(kind):
            overlap = min(r.ended, self.duration_s) - max(r.began, 0.0)
            if overlap > 0:
                inside += overlap / (r.ended - r.began)
        return inside / self.duration_s

    def overlapping(self, kind: str | None) -> list[OpRecord]:
        """Operations of this kind (None: all) in flight at any time during the measured window: the
        latency sample. It includes requests sent during the warm-up and answered inside the window,
        so that a server whose answers take longer than the window still has a sample."""
        return [r for r in self.of_kind(kind) if r.began < self.duration_s and r.ended > 0]


Operation = Callable[[Client, int], tuple[str, Awaitable[Response]]]
"""Given a client and its request counter, says what it does ("read" or "write") and returns the
awaitable doing it."""


async def run_cell(clients: list[Client], operation: Operation, warmup_s: float, duration_s: float,
                   pause_s: float = 0.0) -> CellRun:
    """Each client repeats `operation` back to back (or `pause_s` apart, a person reading between
    requests; the pause is not timed) until the deadline, then waits for its last answer.

    Records carry times relative to the start of the measured window (after the warm-up), so that
    throughput and latency can take every operation in flight during the window, even one answered
    long after: a server that queues requests for tens of seconds shows that in its p99 instead of
    hiding it behind the window's end."""
    run = CellRun(duration_s=duration_s)
    clock = time.perf_counter
    start = clock()
    window_start, deadline = start + warmup_s, start + warmup_s + duration_s
    cpu_before = time.process_time()

    async def one_client(client: Client) -> None:
        seq = 0
        await asyncio.sleep(random.random() * 0.01)
        while clock() < deadline:
            kind, pending = operation(client, seq)
            seq += 1
            began = clock()
            try:
                response = await pending
                status, size = response.status, len(response.body)
            except HttpError as exc:
                status, size = 0, 0
                key = f"{kind}: {str(exc).split(':')[0]}"
                run.errors[key] = run.errors.get(key, 0) + 1
            ended = clock()
            run.records.append(OpRecord(kind, began - window_start, ended - window_start, status, size))
            if pause_s:
                await asyncio.sleep(pause_s)

    await asyncio.gather(*(one_client(c) for c in clients))
    run.client_cpu_s = time.process_time() - cpu_before
    for client in clients:
        await client.close()
    return run


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for the server a benchmark starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for an empty list."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]
