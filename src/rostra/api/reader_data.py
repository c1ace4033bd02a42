"""The reader's own data: download every comment they wrote, and ask for erasure. The reader is
whoever the session cookie names: a signed-in account, or a guest by the key in their cookie."""

from datetime import datetime

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from rostra.actions import reader_data
from rostra.actions.identity import Viewer
from rostra.api.deps import Runtime, guard_write, runtime, viewer
from rostra.api.schemas import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/me", tags=["reader data"], responses=PROBLEM_RESPONSES)
DOWNLOAD_NAME = "my-comments.jsonl"


class Erasure(BaseModel):
    comments_erased: int
    personal_data_removed_after: datetime


@router.get("/comments", response_class=Response,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "Rostra JSON Lines (docs/import-export.md)"}})
def download_own_comments(reader: Viewer = Depends(viewer), runtime: Runtime = Depends(runtime)):
    """Every comment you wrote, in any status, with the stories they are under."""
    return Response(reader_data.own_comments_export(runtime, reader), media_type="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="{DOWNLOAD_NAME}"'})


@router.post("/erasure", response_model=Erasure, status_code=202)
def request_erasure(reader: Viewer = Depends(guard_write), runtime: Runtime = Depends(runtime)):
    """Erase your comments now (they become placeholders that keep replies readable); your name and
    e-mail address are removed after the grace period."""
    return reader_data.request_erasure(runtime, reader)
