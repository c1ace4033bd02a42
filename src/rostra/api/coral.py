"""Coral's External Moderation Phase, served by Rostra: `POST /coral/phase`.

In Coral (Configure > Moderation > External moderation phases) the callback URL is this route,
optionally with `?timeout_ms=` set to the phase's timeout so Rostra answers inside it: when scoring
would run over, Rostra answers 204 (no decision) rather than let Coral time out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from rostra.api.perspective import log_failure, service_for
from rostra.guards.json_input import BadJSON, parse_json
from rostra.perspective.coral import (
    SIGNATURE_HEADER,
    CoralError,
    comment_input,
    needs_moderation,
    offered_signatures,
    parse_request,
    phase_response,
    verify_signature,
)

MAX_BODY_BYTES = 1024 * 1024
DEFAULT_TIMEOUT_MS = 500
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 100, 10000
# Share of Coral's timeout Rostra spends scoring; the rest covers the network and Coral's side.
BUDGET_SHARE = 0.8
PROBLEM_TYPE = "https://rostra.invalid/problems/coral-phase"

router = APIRouter(tags=["Coral"])


@router.post("/coral/phase", summary="Coral external moderation phase", status_code=200,
             responses={204: {"description": "no decision: Coral carries on"}})
async def coral_phase(request: Request) -> Response:
    """Moderates one comment Coral is about to publish; answers Coral's ExternalModerationResponse.

    Query parameter `timeout_ms` (100 to 10000, default 500): the phase's timeout in Coral.
    """
    service = service_for(request)
    try:
        timeout_ms = timeout_of(request)
        if not service.coral_secrets:
            raise CoralError(503, "Coral phase not configured",
                             "Set coral_secret (ROSTRA_CORAL_SECRET) to the phase's signing secret.")
        offered = offered_signatures(request.headers.get(SIGNATURE_HEADER))  # before reading the body
        body = await request.body()  # the body-limit middleware stops it at MAX_BODY_BYTES
        verify_signature(body, offered, service.coral_secrets, datetime.now(UTC))
        try:
            payload = parse_json(body)
        except BadJSON as error:
            raise CoralError(400, "Invalid request", f"The body is not JSON Rostra reads: {error.message}",
                             error.field) from None
        comment = parse_request(payload)
    except CoralError as error:
        return problem(error)
    if not needs_moderation(comment):
        return Response(status_code=204)
    try:
        verdict = await asyncio.wait_for(
            run_in_threadpool(service.engine.moderate, comment_input(comment)),
            timeout_ms * BUDGET_SHARE / 1000)
    except TimeoutError:
        return Response(status_code=204)
    except Exception as error:  # noqa: BLE001 - Coral gets a problem answer and carries on
        log_failure(error)
        return problem(CoralError(500, "Internal error", "Scoring failed; the error is logged."))
    answer = phase_response(verdict)
    return Response(status_code=204) if answer is None else JSONResponse(answer)


def timeout_of(request: Request) -> int:
    text = request.query_params.get("timeout_ms")
    if text is None:
        return DEFAULT_TIMEOUT_MS
    if not text.isdigit() or not MIN_TIMEOUT_MS <= int(text) <= MAX_TIMEOUT_MS:
        raise CoralError(400, "Invalid request", f"timeout_ms must be a whole number of milliseconds "
                         f"from {MIN_TIMEOUT_MS} to {MAX_TIMEOUT_MS}, as in Coral.", "timeout_ms")
    return int(text)


def problem_body(error: CoralError) -> dict:
    return {"type": PROBLEM_TYPE, "title": error.title, "status": error.status,
            "detail": error.detail, "field": error.field}


def problem(error: CoralError) -> JSONResponse:
    return JSONResponse(problem_body(error), status_code=error.status, media_type="application/problem+json")


def refuse_large_body(max_bytes: int) -> tuple[int, str, dict]:
    """The phase's answer to a body over the limit, for the body-limit middleware."""
    error = CoralError(413, "Request too large", f"The body is over {max_bytes} bytes.")
    return error.status, "application/problem+json", problem_body(error)
