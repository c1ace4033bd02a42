"""Story routes: get-or-create by URL, read, open/close, and counts for many URLs."""

from fastapi import APIRouter, Depends, Response

from rostra.actions import stories as story_actions
from rostra.api.deps import Runtime, guard_write, moderator, runtime
from rostra.api.routing import JSONRoute
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    Counts,
    CountsRequest,
    Story,
    StoryId,
    StoryPatch,
    StoryRequest,
)

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["stories"], responses=PROBLEM_RESPONSES)


@router.post("/stories", response_model=Story, dependencies=[Depends(guard_write)],
             responses={201: {"model": Story, "description": "story created"}})
def get_or_create_story(request: StoryRequest, response: Response, runtime: Runtime = Depends(runtime)):
    """The story for an article URL (its origin must be allowed); created, with status 201, on first call."""
    story, created = story_actions.get_or_create_story(runtime.store, request.url, request.title, request.text)
    response.status_code = 201 if created else 200
    return story


@router.get("/stories/{story_id}", response_model=Story)
def read_story(story_id: StoryId, runtime: Runtime = Depends(runtime)):
    return story_actions.read_story(runtime.store, story_id)


@router.patch("/stories/{story_id}", response_model=Story, dependencies=[Depends(moderator)])
def change_story(story_id: StoryId, request: StoryPatch, runtime: Runtime = Depends(runtime)):
    """Open or close a story (moderators)."""
    return story_actions.set_story_closed(runtime.store, story_id, request.closed)


@router.post("/counts", response_model=Counts)
def counts(request: CountsRequest, runtime: Runtime = Depends(runtime)):
    """Approved comment counts for up to 100 story URLs in one call (0 for unknown URLs)."""
    return {"counts": story_actions.counts_for_urls(runtime.store, request.urls)}
