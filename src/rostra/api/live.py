"""Server-Sent Events: a story's open pages receive new comments, edits, deletions and reaction
counts as they are committed; a page that reconnects (EventSource sends `Last-Event-ID`) first gets
what it missed."""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from rostra.actions import stories as story_actions
from rostra.actions.live import reader_message
from rostra.api.deps import runtime
from rostra.api.schemas import PROBLEM_RESPONSES, StoryId
from rostra.runtime import Runtime
from rostra.store.tables import MAX_ID

HEARTBEAT_SECONDS = 15  # a comment line this often keeps proxies from closing an idle stream
STREAM_SECONDS = 300  # a stream ends after this long; the browser reconnects and resumes by id
RETRY_MILLISECONDS = 2000  # how long EventSource waits before reconnecting

router = APIRouter(prefix="/api/v1", tags=["live"], responses=PROBLEM_RESPONSES)


def _resume_after(last_event_id: str | None, after: int | None) -> int | None:
    """The last event the page saw: the reconnect header wins over the query (a first connect)."""
    if last_event_id and last_event_id.isdigit() and int(last_event_id) <= MAX_ID:
        return int(last_event_id)
    return after


async def _stream(runtime: Runtime, story_id: int, after_id: int | None):
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    events = runtime.events.subscribe(site_id=None, story_id=story_id, after_id=after_id)
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + STREAM_SECONDS
    pending = asyncio.ensure_future(anext(events))
    try:
        while loop.time() < ends_at:
            done, _ = await asyncio.wait({pending}, timeout=HEARTBEAT_SECONDS)
            if not done:
                yield ": still here\n\n"
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                return  # the bus dropped this subscriber; the browser reconnects and replays
            pending = asyncio.ensure_future(anext(events))
            message = reader_message(event)
            if message is not None:
                yield f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(message, default=str)}\n\n"
    finally:
        pending.cancel()  # ends the subscription, which leaves the bus
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
        await events.aclose()


@router.get("/stories/{story_id}/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": "an SSE stream"}})
async def story_events(
    story_id: StoryId,
    after: int | None = Query(None, ge=0, le=MAX_ID, description="replay events after this id"),
    last_event_id: str | None = Header(None, description="sent by EventSource when it reconnects"),
    runtime: Runtime = Depends(runtime),
):
    """The story's live events for its readers: `comment.created`, `comment.edited`,
    `comment.status` (a comment's public form; `{id, status}` when it is no longer shown),
    `comment.deleted` and `reaction.changed`, each with its event id."""
    await run_in_threadpool(story_actions.read_story, runtime.store, story_id)  # 404 for an unknown story
    return StreamingResponse(
        _stream(runtime, story_id, _resume_after(last_event_id, after)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
