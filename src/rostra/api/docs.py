"""/docs: Swagger UI from the locally installed `swagger-ui-bundle` assets, so it works offline."""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rostra API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/start.js"></script>
</body>
</html>
"""


# A file of its own, not an inline script: the page's Content-Security-Policy allows only Rostra's scripts.
START = 'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n'


@router.get("/docs")
def docs_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    if name == "start.js":
        return Response(START, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})
    if name not in ASSETS:
        raise HTTPException(404, f"no asset {name}")
    return FileResponse(Path(swagger_ui_path) / name, headers={"Cache-Control": "public, max-age=86400"})
