"""Story routes: get-or-create by URL, read, open/close, and counts for many URLs."""

from fastapi import APIRouter, Depends, Header, Request, Response

from rostra.actions import stories as story_actions
from rostra.actions.apikeys import verify_key
from rostra.actions.errors import Forbidden
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

SITE_KEY_HEADER = "X-Api-Key"

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["stories"], responses=PROBLEM_RESPONSES)


@router.post("/stories", response_model=Story, dependencies=[Depends(guard_write)],
             responses={201: {"model": Story, "description": "story created"}})
def get_or_create_story(
    request: StoryRequest, response: Response, http: Request, runtime: Runtime = Depends(runtime),
    api_key: str | None = Header(None, alias=SITE_KEY_HEADER, description="an API key (`rostra apikey create`): "
                                 "the site's own server registers the story or corrects its title and text"),
):
    """The story for an article URL (its origin must be allowed); created, with status 201, on first call."""
    from_site = api_key is not None
    if from_site and verify_key(runtime.store, api_key) is None:
        raise Forbidden("this API key is not valid", field=SITE_KEY_HEADER)
    story, created = story_actions.get_or_create_story(
        runtime.store, request.url, request.title, request.text, from_site=from_site,
        registration_required=lambda site_id: runtime.site(site_id).stories_registered_by_site,
        page_site=runtime.site_for_origin(http.headers["origin"]) if "origin" in http.headers else None)
    response.status_code = 201 if created else 200
    return story


@router.get("/stories/{story_id}", response_model=Story)
def read_story(story_id: StoryId, runtime: Runtime = Depends(runtime)):
    return story_actions.read_story(runtime.store, story_id)


@router.patch("/stories/{story_id}", response_model=Story, dependencies=[Depends(moderator)])
def change_story(story_id: StoryId, request: StoryPatch, runtime: Runtime = Depends(runtime)):
    """Open or close a story, or correct its title or text (moderators)."""
    return story_actions.change_story(runtime.store, story_id, request.closed, request.title, request.text)


@router.post("/counts", response_model=Counts)
def counts(request: CountsRequest, runtime: Runtime = Depends(runtime)):
    """Approved comment counts for up to 100 story URLs in one call (0 for unknown URLs)."""
    return {"counts": story_actions.counts_for_urls(runtime.store, request.urls)}
