"""The moderator dashboard under /admin, rendered on the server with autoescaping Jinja2 templates.

Every page works without JavaScript (forms post back with the session's CSRF token); the one script,
`static/dashboard.js`, adds keyboard shortcuts, in-place actions through the JSON API and live
updates from `/admin/events`. No inline script or style anywhere, so the pages run under a CSP that
allows only Rostra's own origin. The script is written by hand and shipped as it is: there is no
build step between the source and what the browser gets.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated
from importlib.resources import files
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from rostra.actions import accounts as account_actions
from rostra.actions import moderation as moderation_actions
from rostra.actions import sanctions as sanction_actions
from rostra.actions import queue as queue_actions
from rostra.actions import sessions as session_actions
from rostra.actions import sites as site_actions
from rostra.actions import stories as story_actions
from rostra.actions.errors import ActionError
from rostra.actions.identity import Viewer
from rostra.api.deps import check_csrf, login_allowed, request_address, resolve_viewer, set_session
from rostra.api.problems import RateLimited
from rostra.moderation import CommentInput
from rostra.runtime import Runtime
from rostra.store.tables import MAX_ID
from rostra.moderation.policy import PREMODERATION_MODES
from rostra.vocabulary import QUEUE_SORTS, QUEUES

router = APIRouter(prefix="/admin", include_in_schema=False)
RowPath = Annotated[int, Path(ge=1, le=MAX_ID)]
templates = Environment(loader=PackageLoader("rostra.web.dashboard", "templates"), autoescape=select_autoescape(
    default=True, default_for_string=True))
STATIC_FILES = {"dashboard.js": "text/javascript; charset=utf-8", "dashboard.css": "text/css; charset=utf-8"}
LOGIN_CSRF_COOKIE = "rostra_login_csrf"
MAX_FORM_BYTES = 65536
# Why a moderator rejects, offered in the card's menu (free text stays possible through the API).
REJECT_REASONS = ("abusive or insulting", "hateful", "spam", "off topic", "harassment", "other")
HEARTBEAT_SECONDS = 15  # an SSE comment line keeps proxies from closing an idle stream
LIVE_KINDS = ("comment.created", "comment.status", "comment.edited", "comment.deleted", "report.created")


def _render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status_code)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (first value of each field); bounded like every body."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ActionError("the form is too large", field=None)
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


class PageRefused(Exception):
    """A page the visitor may not see; `response` is what they get instead."""

    def __init__(self, response: Response):
        super().__init__("refused")
        self.response = response


def install(app) -> None:
    """Answer refused pages with their sign-in redirect or 403 page (not a JSON problem)."""

    async def refused(request: Request, error: PageRefused) -> Response:
        return error.response

    app.add_exception_handler(PageRefused, refused)


async def _staff(request: Request, role: str) -> Viewer:
    """The signed-in staff member; guests are sent to sign in, readers get a 403 page."""
    runtime: Runtime = request.app.state.runtime
    reader = await resolve_viewer(request, Response(), runtime)
    if reader.signed_in is None or reader.by_token:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise PageRefused(RedirectResponse("/admin/login?" + urlencode({"next": target}), status_code=303))
    if not session_actions.role_allows(reader.signed_in.role, role):
        raise PageRefused(_render("forbidden.html", status_code=403, me=reader.signed_in, role=role))
    return reader


async def moderator_page(request: Request) -> Viewer:
    return await _staff(request, "moderator")


async def admin_page(request: Request) -> Viewer:
    return await _staff(request, "admin")


async def _checked_form(request: Request, staff: Viewer) -> dict[str, str]:
    """The posted form, once its CSRF token matches the session's."""
    form = await _form(request)
    check_csrf(staff, form.get("csrf_token"))
    return form


def _safe_next(target: str | None) -> str:
    """Only a path on this server: a login link must not send the moderator elsewhere."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return "/admin"


# -- sign-in -------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
    """The sign-in form; its CSRF token is double-submitted (cookie and hidden field) since there is no
    session yet."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or session_actions.new_token()
    response = _render("login.html", csrf_token=token, next=_safe_next(next), error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/admin",
                        secure=request.app.state.runtime.settings.cookie_secure)
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await _form(request)
    target = _safe_next(form.get("next"))
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie_token or form.get("csrf_token") != cookie_token:
        return _render("login.html", status_code=403, csrf_token=cookie_token or session_actions.new_token(),
                       next=target, error="The form expired; please sign in again.")
    email, password = form.get("email", ""), form.get("password", "")
    try:
        login_allowed(runtime, request_address(request), email)
        account_id = await run_in_threadpool(account_actions.sign_in, runtime.store, email, password)
    except RateLimited as limited:
        return _render("login.html", status_code=429, csrf_token=cookie_token, next=target, email=email,
                       error=f"Too many attempts; try again in {max(1, int(limited.wait_seconds + 0.999))} s.")
    except ActionError:
        return _render("login.html", status_code=401, csrf_token=cookie_token, next=target, email=email,
                       error="Unknown e-mail address or wrong password.")
    new = await run_in_threadpool(session_actions.start_session, runtime.store, account_id)
    reader = await resolve_viewer(request, Response(), runtime)
    response = RedirectResponse(target, status_code=303)
    set_session(response, runtime, reader, new.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    reader = await resolve_viewer(request, Response(), runtime)
    form = await _form(request)
    response = RedirectResponse("/admin/login", status_code=303)
    if reader.signed_in is not None and reader.signed_in.token_hash:
        check_csrf(reader, form.get("csrf_token"))
        await run_in_threadpool(session_actions.end_session, runtime.store, reader.signed_in.token_hash)
        set_session(response, runtime, reader)
    return response


@router.get("/password", response_class=HTMLResponse)
async def password_page(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    return _render("password.html", me=staff.signed_in)


@router.post("/password")
async def change_password(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    try:
        await run_in_threadpool(account_actions.change_password, runtime.store, staff.account_id,
                                form.get("current_password", ""), form.get("new_password", ""))
    except ActionError as error:
        return _render("password.html", status_code=error.status, me=staff.signed_in, error=error.detail)
    new = await run_in_threadpool(session_actions.start_session, runtime.store, staff.account_id)
    response = RedirectResponse("/admin?" + urlencode({"notice": "Password changed; other sessions ended."}),
                                status_code=303)
    set_session(response, runtime, staff, new.token)
    return response


# -- queues --------------------------------------------------------------------------------------

def _queue_filters(request: Request) -> dict:
    params = request.query_params

    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None

    queue = params.get("queue", "pending")
    sort = params.get("sort", "newest")
    return {
        "queue": queue if queue in QUEUES else "pending",
        "sort": sort if sort in QUEUE_SORTS else "newest",
        "story_id": number("story_id"),
        "attribute": (params.get("attribute") or "").strip()[:40] or None,
        "author_id": number("author_id"),
        "search": (params.get("q") or "").strip()[:queue_actions.MAX_SEARCH_CHARS] or None,
        "disagreements": params.get("disagreements") == "1",
    }


def _link(filters: dict, **changes) -> str:
    """The queue page URL for these filters with `changes` applied."""
    values = {**filters, **changes}
    query = {("q" if key == "search" else key): (1 if value is True else value) for key, value in values.items()
             if value not in (None, "", False)}
    return "/admin?" + urlencode(query)


@router.get("", response_class=HTMLResponse)
async def queue_page(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    filters = _queue_filters(request)
    try:
        last_event = await run_in_threadpool(runtime.events.latest_id)
        page = await run_in_threadpool(queue_actions.list_queue, runtime.store, cursor=request.query_params.get("cursor"),
                                       **filters)
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    return _render(
        "queue.html", me=staff.signed_in, page=page, filters=filters, queues=QUEUES, sorts=QUEUE_SORTS,
        link=lambda **changes: _link(filters, **changes), reject_reasons=REJECT_REASONS,
        next_link=_link(filters, cursor=page["next_cursor"]) if page["next_cursor"] else None,
        notice=request.query_params.get("notice"), last_event=last_event,
        search_chars=(queue_actions.MIN_SEARCH_CHARS, queue_actions.MAX_SEARCH_CHARS),
    )


@router.get("/cards", response_class=HTMLResponse)
async def cards(request: Request, ids: str = "", staff: Viewer = Depends(moderator_page)) -> Response:
    """Cards for the comments `ids` (live updates) in the page's own markup."""
    runtime: Runtime = request.app.state.runtime
    wanted = [int(part) for part in ids.split(",") if part.isdigit()][:queue_actions.MAX_PAGE]
    items = await run_in_threadpool(queue_actions.read_many_for_moderator, runtime.store, wanted)
    return _render("cards.html", items=items, me=staff.signed_in, reject_reasons=REJECT_REASONS)


@router.post("/act")
async def act(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    """The cards' buttons without JavaScript: the same domain action as the JSON API, then back."""
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    back = _safe_next(form.get("back"))
    ids = [int(part) for part in form.get("comment_ids", "").split(",") if part.isdigit()]
    action = form.get("action", "")
    try:
        if action == "undo":
            await run_in_threadpool(moderation_actions.undo_last, runtime.store, staff.signed_in)
        else:
            await run_in_threadpool(moderation_actions.moderate, runtime.store, staff.signed_in, action, ids,
                                    form.get("reason") if action == "reject" else None, form.get("text"),
                                    runtime.settings.max_comment_chars)
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    return RedirectResponse(back, status_code=303)


@router.get("/authors/{author_id}", response_class=HTMLResponse)
async def author_drawer(request: Request, author_id: RowPath, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        profile = await run_in_threadpool(queue_actions.author_profile, runtime.store, author_id,
                                          request.query_params.get("cursor"))
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    fragment = request.query_params.get("fragment") == "1"
    return _render("_author_body.html" if fragment else "author.html", me=staff.signed_in, profile=profile)


@router.post("/authors/{author_id}/notes")
async def author_note(request: Request, author_id: RowPath, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    try:
        await run_in_threadpool(moderation_actions.add_author_note, runtime.store, staff.signed_in, author_id,
                                form.get("body", ""))
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    return RedirectResponse(f"/admin/authors/{author_id}", status_code=303)


@router.post("/authors/{author_id}/sanctions")
async def author_sanction(request: Request, author_id: RowPath, staff: Viewer = Depends(moderator_page)) -> Response:
    """The drawer's sanction form: ban, suspend for some days or always pre-moderate the author, and
    optionally reject every comment of theirs still pending or shown."""
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    days = form.get("days", "").strip()
    try:
        await run_in_threadpool(
            sanction_actions.sanction_author, runtime.store, runtime.defences.sanctions, staff.signed_in,
            author_id, form.get("kind", ""), form.get("reason", ""),
            days=float(days) if days.replace(".", "", 1).isdigit() else None,
            by_email=form.get("by_email") == "on", reject_comments=form.get("reject_comments") == "on")
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    return RedirectResponse(f"/admin/authors/{author_id}", status_code=303)


# -- live updates --------------------------------------------------------------------------------

@router.get("/events")
async def events(request: Request) -> Response:
    """Server-sent events for the queue pages: a comment was held, decided, edited or reported.
    Only ids and statuses travel; the page fetches the cards it shows. `after` (the newest event when
    the page was rendered) and, on reconnection, `Last-Event-ID` replay what was missed."""
    try:
        await _staff(request, "moderator")
    except PageRefused:
        return Response(status_code=401)
    runtime: Runtime = request.app.state.runtime
    last = request.headers.get("last-event-id") or request.query_params.get("after", "")
    after_id = int(last) if last.isdigit() else None

    async def stream():
        yield "retry: 2000\n\n"
        subscription = runtime.events.subscribe(site_id=None, after_id=after_id).__aiter__()
        while True:
            if await request.is_disconnected():
                return
            try:
                event = await asyncio.wait_for(subscription.__anext__(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": still here\n\n"
                continue
            except StopAsyncIteration:
                return
            if event.kind not in LIVE_KINDS:
                continue
            comment = event.payload.get("comment") or {}
            data = {"kind": event.kind, "comment_id": comment.get("id") or event.payload.get("comment_id"),
                    "status": comment.get("status"), "story_id": event.story_id}
            yield f"id: {event.id}\nevent: moderation\ndata: {json.dumps(data)}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


# -- log -----------------------------------------------------------------------------------------

@router.get("/log", response_class=HTMLResponse)
async def log_page(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    params = request.query_params
    view = "audit" if params.get("view") == "audit" else "comments"

    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None

    filters = {"actor": (params.get("actor") or "").strip() or None, "action": (params.get("action") or "").strip() or None,
               "comment_id": number("comment_id"), "author_id": number("author_id"), "story_id": number("story_id")}
    try:
        if view == "audit":
            page = await run_in_threadpool(moderation_actions.browse_audit, runtime.store, filters["action"],
                                           number("before"))
        else:
            page = await run_in_threadpool(moderation_actions.browse_log, runtime.store, filters, number("before"))
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    query = {key: value for key, value in filters.items() if value is not None}
    older = ("/admin/log?" + urlencode({**query, "view": view, "before": page["next_before"]})
             if page["next_before"] else None)
    return _render("log.html", me=staff.signed_in, page=page, filters=filters, view=view, older=older,
                   dumps=lambda value: json.dumps(value, ensure_ascii=False, default=str))


# -- stories -------------------------------------------------------------------------------------

@router.get("/stories", response_class=HTMLResponse)
async def stories_page(request: Request, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    before = request.query_params.get("before", "")
    page = await run_in_threadpool(story_actions.stories_for_moderators, runtime.store,
                                   int(before) if before.isdigit() else None)
    return _render("stories.html", me=staff.signed_in, page=page, notice=request.query_params.get("notice"))


@router.post("/stories/{story_id}")
async def change_story(request: Request, story_id: RowPath, staff: Viewer = Depends(moderator_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    changes: dict = {}
    if "title" in form:
        changes["title"] = form["title"]
    if "closed" in form:
        changes["closed"] = form["closed"] == "1"
    if "premoderated" in form:
        changes["premoderated"] = form["premoderated"] == "1"
    try:
        await run_in_threadpool(story_actions.moderate_story, runtime.store, staff.signed_in, story_id, changes)
    except ActionError as error:
        return _render("error.html", status_code=error.status, me=staff.signed_in, detail=error.detail)
    return RedirectResponse("/admin/stories?" + urlencode({"notice": f"Story {story_id} updated."}), status_code=303)


# -- site settings -------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request, staff: Viewer = Depends(admin_page)) -> Response:
    return await _settings(request, staff)


async def _settings(request: Request, staff: Viewer, status_code: int = 200, error: str | None = None,
                    field: str | None = None) -> Response:
    runtime: Runtime = request.app.state.runtime
    sites = await run_in_threadpool(site_actions.list_sites, runtime.store)
    wanted = request.query_params.get("site", "")
    site_id = int(wanted) if wanted.isdigit() and any(site["id"] == int(wanted) for site in sites) else sites[0]["id"]
    config = await run_in_threadpool(runtime.site, site_id)
    policy = config.policy
    tested = None
    text = request.query_params.get("test")
    if text:
        verdict = (await run_in_threadpool(runtime.engine_for(site_id).moderate, CommentInput(text[:20000]))).to_json()
        tested = {**verdict, "text": text, "reasons": queue_actions.explain(text, verdict["reasons"]),
                  "highlighted": queue_actions.highlight(text, verdict["reasons"])}
    return _render("settings.html", status_code=status_code, me=staff.signed_in, sites=sites, site=config,
                   policy=policy, thresholds=policy.thresholds, premoderation_modes=PREMODERATION_MODES,
                   tested=tested, error=error, field=field, notice=request.query_params.get("notice"))


@router.post("/settings")
async def change_settings(request: Request, staff: Viewer = Depends(admin_page)) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await _checked_form(request, staff)
    site_id = int(form["site_id"]) if form.get("site_id", "").isdigit() else 0
    try:
        current = await run_in_threadpool(runtime.site, site_id)
        changes = _settings_changes(current, form)
        if changes:
            await run_in_threadpool(site_actions.update_site_settings, runtime, site_id, changes, staff.signed_in.actor)
    except ActionError as error:
        return await _settings(request, staff, error.status, error.detail, error.field)
    except ValueError as error:
        return await _settings(request, staff, 422, str(error))
    notice = f"Saved: {', '.join(sorted(changes))}." if changes else "Nothing changed."
    return RedirectResponse("/admin/settings?" + urlencode({"site": site_id, "notice": notice}), status_code=303)


def _settings_changes(current, form: dict[str, str]) -> dict:
    """The fields the settings form changed, as `update_site_settings` takes them."""
    changes: dict = {}
    origins = _lines(form.get("allowed_origins", ""))
    if origins != current.allowed_origins:
        changes["allowed_origins"] = origins
    for name in ("max_comment_chars", "edit_window_seconds", "rate_limit_ip_per_minute",
                 "rate_limit_author_per_minute"):
        raw = form.get(name, "").strip()
        if raw and raw != str(getattr(current, name)):
            if not raw.isdigit():
                raise ValueError(f"{name}: a whole number")
            changes[name] = int(raw)
    secret = form.get("sso_secret", "")
    if form.get("clear_sso_secret") == "1":
        if current.sso_secret is not None:
            changes["sso_secret"] = None
    elif secret:
        changes["sso_secret"] = secret
    policy = current.policy
    moderation = dict(current.moderation)
    premoderation = form.get("premoderation", policy.premoderation)
    if premoderation != policy.premoderation:
        moderation["premoderation"] = premoderation
    for name in ("banned_words", "suspect_words"):
        words = _lines(form.get(name, ""))
        if words != list(getattr(policy, name)):
            moderation[name] = words
    thresholds = {}
    for attribute, value in policy.thresholds.items():
        raw = form.get(f"threshold_{attribute}", "").strip()
        if raw and abs(float(raw) - value) > 1e-9:
            thresholds[attribute] = float(raw)
    if thresholds:
        moderation["thresholds"] = {**moderation.get("thresholds", {}), **thresholds}
    if moderation != current.moderation:
        changes["moderation"] = moderation
    return changes


# -- assets --------------------------------------------------------------------------------------

@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response(status_code=404)
    content = files("rostra.web.dashboard").joinpath("static", name).read_bytes()
    return Response(content, media_type=STATIC_FILES[name], headers={"Cache-Control": "no-cache"})

