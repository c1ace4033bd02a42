"""Coral's External Moderation Phase, served by Rostra: `POST /coral/phase`.

In Coral (Configure > Moderation > External moderation phases) the callback URL is this route,
optionally with `?timeout_ms=` set to the phase's timeout so Rostra answers inside it: when scoring
would run over, Rostra answers 204 (no decision) rather than let Coral time out.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from rostra.api.perspective import log_failure, service_for
from rostra.perspective.coral import (
    SIGNATURE_HEADER,
    CoralError,
    comment_input,
    needs_moderation,
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
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise CoralError(413, "Request too large", f"The body is over {MAX_BODY_BYTES} bytes.")
        verify_signature(body, request.headers.get(SIGNATURE_HEADER), service.coral_secrets,
                         datetime.now(UTC))
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CoralError(400, "Invalid request", f"The body is not JSON: {error}") from None
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


def problem(error: CoralError) -> JSONResponse:
    body = {"type": PROBLEM_TYPE, "title": error.title, "status": error.status,
            "detail": error.detail, "field": error.field}
    return JSONResponse(body, status_code=error.status, media_type="application/problem+json")
