"""The API description Google's generated clients read before their first call.

Python's `googleapiclient.discovery.build("commentanalyzer", "v1alpha1", discoveryServiceUrl=...)`
(the client Perspective's own samples used) fetches this document and builds `comments().analyze()`
and `comments().suggestscore()` from it, sending requests to `rootUrl`. Pointing
`discoveryServiceUrl` at Rostra is then the only change such a client needs.
"""

from __future__ import annotations

from typing import Any

_OBJECT = {"type": "object", "additionalProperties": {"type": "any"}}


def _method(name: str, request: str, response: str, description: str) -> dict[str, Any]:
    return {"id": f"commentanalyzer.comments.{name}", "path": f"v1alpha1/comments:{name}",
            "flatPath": f"v1alpha1/comments:{name}", "httpMethod": "POST", "parameters": {},
            "parameterOrder": [], "request": {"$ref": request}, "response": {"$ref": response},
            "description": description}


def discovery_document(root_url: str) -> dict[str, Any]:
    """The v1alpha1 description, with `root_url` (ending in "/") where the calls go."""
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": "commentanalyzer:v1alpha1",
        "name": "commentanalyzer",
        "version": "v1alpha1",
        "title": "Perspective Comment Analyzer API (served by Rostra)",
        "description": "Scores comments with Rostra's offline moderation engine.",
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", "location": "query",
                    "description": "API key made with `rostra apikey create`."},
            "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"],
                    "description": "Data format for the response."},
        },
        "resources": {"comments": {"methods": {
            "analyze": _method("analyze", "AnalyzeCommentRequest", "AnalyzeCommentResponse",
                               "Scores a comment for the requested attributes."),
            "suggestscore": _method("suggestscore", "SuggestCommentScoreRequest",
                                    "SuggestCommentScoreResponse",
                                    "Accepts score feedback; Rostra keeps none of it."),
        }}},
        "schemas": {name: {"id": name, **_OBJECT} for name in (
            "AnalyzeCommentRequest", "AnalyzeCommentResponse", "SuggestCommentScoreRequest",
            "SuggestCommentScoreResponse")},
    }
