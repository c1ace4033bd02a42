"""The pages Rostra serves itself: `/` says what it is, `/demo` is an article embedding the widget
exactly as a news site would, and `/embed.js` / `/count.js` are the built widget (see scripts/build-widget.mjs)."""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from rostra import __version__
from rostra.actions.setup import DEMO_PARAGRAPHS, DEMO_PATH, DEMO_TITLE, demo_story_url
from rostra.api.deps import runtime
from rostra.runtime import Runtime

BUNDLES = ("embed.js", "count.js")
BUNDLE_MAX_AGE = 300  # seconds a browser keeps the widget before asking again (ETag makes that cheap)
THEMES = ("light", "dark")
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")  # the widget falls back to English for one it lacks

router = APIRouter(include_in_schema=False)
templates = Environment(loader=PackageLoader("rostra.web", "templates"), autoescape=select_autoescape())


@cache
def bundle(name: str) -> tuple[bytes, bytes, str]:
    """A built widget file, gzipped once too (a third of the bytes), and its ETag; read once."""
    content = files("rostra.web").joinpath("static", name).read_bytes()
    return content, gzip.compress(content, 9, mtime=0), '"' + hashlib.sha256(content).hexdigest()[:16] + '"'


def _script(name: str):
    def serve(request: Request) -> Response:
        content, zipped, etag = bundle(name)
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={BUNDLE_MAX_AGE}",
                   "Access-Control-Allow-Origin": "*", "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            content = zipped
            headers["Content-Encoding"] = "gzip"
        return Response(content, media_type="text/javascript; charset=utf-8", headers=headers)

    return serve


for _name in BUNDLES:
    router.add_api_route(f"/{_name}", _script(_name), methods=["GET", "HEAD"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/", response_class=HTMLResponse)
def index(request: Request, runtime: Runtime = Depends(runtime)) -> HTMLResponse:
    base = _base(request)
    page = templates.get_template("index.html").render(
        base=base, version=__version__, demo_url=base + DEMO_PATH,
        demo_story_url=demo_story_url(runtime.store) or base + DEMO_PATH, title=DEMO_TITLE,
    )
    return HTMLResponse(page)


@router.get(DEMO_PATH, response_class=HTMLResponse)
def demo(request: Request, theme: str | None = None, lang: str | None = None,
         runtime: Runtime = Depends(runtime)) -> HTMLResponse:
    """The demo article; `?theme=dark` and `?lang=fr` show the widget's theme and locale overrides."""
    base = _base(request)
    page = templates.get_template("demo.html").render(
        base=base,
        story_url=demo_story_url(runtime.store) or base + DEMO_PATH,
        title=DEMO_TITLE,
        paragraphs=DEMO_PARAGRAPHS,
        theme=theme if theme in THEMES else None,
        lang=lang if lang and LANGUAGE.fullmatch(lang) else None,
    )
    return HTMLResponse(page)
