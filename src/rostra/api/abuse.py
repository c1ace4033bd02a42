"""Moderators' routes for the abuse defences: authors' trust and sanctions, and spam waves."""

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query

from rostra.actions import sanctions as sanction_actions
from rostra.actions import trust as trust_actions
from rostra.actions import waves as wave_actions
from rostra.actions.accounts import account_summary
from rostra.actions.errors import NotFound
from rostra.actions.identity import Viewer
from rostra.api.deps import Runtime, moderator, runtime
from rostra.api.routing import JSONRoute
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    AuditEntry,
    AuthorSummary,
    ClusterDecision,
    ClusterDecisionRequest,
    ClusterDetail,
    Cluster,
    CommentId,
    Sanction,
    SanctionRequest,
)
from rostra.store.tables import MAX_ID

router = APIRouter(prefix="/api/v1/moderation", route_class=JSONRoute, tags=["moderation"],
                   responses=PROBLEM_RESPONSES)
AuthorId = Path(ge=1, le=MAX_ID)


def _actor(runtime: Runtime, reader: Viewer) -> str:
    return f"moderator:{account_summary(runtime.store, reader.account_id)['username']}"


@router.get("/authors/{author_id}", response_model=AuthorSummary, dependencies=[Depends(moderator)])
def author(author_id: int = AuthorId, runtime: Runtime = Depends(runtime)):
    """The author drawer: trust level with the history behind it, and every sanction given."""
    return trust_actions.author_summary(runtime.store, author_id)


@router.get("/comments/{comment_id}/author", response_model=AuthorSummary, dependencies=[Depends(moderator)])
def author_of_comment(comment_id: CommentId, runtime: Runtime = Depends(runtime)):
    """The author drawer for the author of a comment."""
    return trust_actions.author_summary(runtime.store, trust_actions.author_of_comment(runtime.store, comment_id))


@router.post("/authors/{author_id}/sanctions", response_model=Sanction, status_code=201)
def impose(request: SanctionRequest, author_id: int = AuthorId, reader: Viewer = Depends(moderator),
           runtime: Runtime = Depends(runtime)):
    """Ban, suspend or always pre-moderate an author; written to the moderation log. The author's
    writes are refused with a 403 `sanctioned` problem saying what and until when."""
    return sanction_actions.impose(
        runtime.store, runtime.defences.sanctions, author_id, request.kind, request.reason, _actor(runtime, reader),
        days=request.days, by_email=request.by_email, address_network=request.address_network,
        by_latest_address=request.by_latest_address,
    )


@router.get("/authors/{author_id}/sanctions", response_model=list[Sanction], dependencies=[Depends(moderator)])
def sanctions_of(author_id: int = AuthorId, runtime: Runtime = Depends(runtime)):
    return trust_actions.author_summary(runtime.store, author_id)["sanctions"]


@router.get("/authors/{author_id}/log", response_model=list[AuditEntry], dependencies=[Depends(moderator)])
def author_log(author_id: int = AuthorId, runtime: Runtime = Depends(runtime)):
    """The audit log's entries about the author: sanctions given and lifted, oldest first."""
    return sanction_actions.author_log(runtime.store, author_id)


@router.delete("/sanctions/{sanction_id}", response_model=Sanction)
def lift(sanction_id: int = Path(ge=1, le=MAX_ID), reader: Viewer = Depends(moderator),
         runtime: Runtime = Depends(runtime)):
    """Lift a sanction before it expires; logged."""
    return sanction_actions.lift(runtime.store, runtime.defences.sanctions, sanction_id, _actor(runtime, reader))


@router.get("/clusters", response_model=list[Cluster], dependencies=[Depends(moderator)])
def clusters(status: Literal["held", "rejected", "released"] = "held",
             site_id: int | None = Query(None, ge=1, le=MAX_ID), runtime: Runtime = Depends(runtime)):
    """Spam waves: one text pasted on many stories, held together, newest first."""
    with runtime.store.read() as connection:
        return wave_actions.list_clusters(connection, site_id, status)


@router.get("/clusters/{cluster_id}", response_model=ClusterDetail, dependencies=[Depends(moderator)])
def cluster(cluster_id: int = Path(ge=1, le=MAX_ID), runtime: Runtime = Depends(runtime)):
    with runtime.store.read() as connection:
        found = wave_actions.cluster_detail(connection, cluster_id)
    if found is None:
        raise NotFound(f"no cluster {cluster_id}", field="cluster_id")
    return found


@router.post("/clusters/{cluster_id}/decision", response_model=ClusterDecision)
def decide(request: ClusterDecisionRequest, cluster_id: int = Path(ge=1, le=MAX_ID),
           reader: Viewer = Depends(moderator), runtime: Runtime = Depends(runtime)):
    """Reject (or release) every comment of a wave in one action; each change is logged."""
    actor = _actor(runtime, reader)
    return runtime.store.run_write(
        lambda connection: wave_actions.decide_cluster(connection, cluster_id, request.decision, actor))
