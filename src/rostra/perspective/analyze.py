"""Perspective's AnalyzeComment, answered by Rostra's engine: request parsing, checks, response.

Pure logic: a decoded JSON payload in, a response mapping out, or a `PerspectiveError` carrying the
status, message and typed details Perspective would have sent. Field names are accepted in
lowerCamelCase and in the proto's snake_case, as Google's JSON decoder accepted both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rostra.moderation import CommentInput, StoryContext
from rostra.perspective.errors import PerspectiveError, analyzer_error, invalid_field
from rostra.perspective.html_text import html_to_text
from rostra.perspective.language import detect_language

if TYPE_CHECKING:
    from rostra.moderation import Engine, Verdict

# Perspective's attribute names (and Rostra's additions) -> the engine's attribute names.
ATTRIBUTE_NAMES = {
    "TOXICITY": "toxicity",
    "SEVERE_TOXICITY": "severe_toxicity",
    "IDENTITY_ATTACK": "identity_attack",
    "INSULT": "insult",
    "PROFANITY": "profanity",
    "THREAT": "threat",
    "SEXUALLY_EXPLICIT": "sexually_explicit",
    "SPAM": "spam",
    "OFF_TOPIC": "off_topic",
    "CODED_HATE": "coded_hate",
}
# Perspective's experimental twins of its production attributes: Rostra has one model for each.
EXPERIMENTAL_ALIASES = {f"{name}_EXPERIMENTAL": ATTRIBUTE_NAMES[name] for name in
                        ("TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY",
                         "THREAT")}
SUPPORTED_LANGUAGES = ("en",)
MAX_COMMENT_BYTES = 20 * 1024
MAX_CONTEXT_BYTES = 1024 * 1024
SCORE_TYPE = "PROBABILITY"
TEXT_TYPES = ("PLAIN_TEXT", "HTML")

_REQUEST_FIELDS = ("comment", "context", "requestedAttributes", "languages", "doNotStore",
                   "clientToken", "sessionId", "communityId", "spanAnnotations")
_TEXT_FIELDS = ("text", "type")
_CONTEXT_FIELDS = ("entries", "articleAndParentComment")
_ARTICLE_FIELDS = ("article", "parentComment")
_ATTRIBUTE_FIELDS = ("scoreType", "scoreThreshold")


@dataclass(frozen=True)
class RequestedAttribute:
    """One entry of `requestedAttributes`: the name as asked, the engine's name, the threshold."""

    name: str
    attribute: str
    score_threshold: float | None


@dataclass(frozen=True)
class AnalyzeRequest:
    """An AnalyzeComment request that passed every check Perspective made before scoring."""

    text: str
    attributes: tuple[RequestedAttribute, ...]
    languages: tuple[str, ...] = ()
    story_text: str | None = None
    parent_text: str | None = None
    span_annotations: bool = False
    do_not_store: bool = False
    client_token: str | None = None


def analyze(payload: Any, engine: Engine) -> dict[str, Any]:
    """The whole AnalyzeComment call: parse, check the language, score, answer."""
    request = parse_analyze_request(payload)
    languages, detected = resolve_languages(request)
    verdict = engine.moderate(comment_input(request))
    return build_response(request, verdict, languages, detected)


def parse_analyze_request(payload: Any) -> AnalyzeRequest:
    """Check a decoded request body the way Perspective did, in the order it did."""
    body = _fields(payload, "", _REQUEST_FIELDS)
    comment = _fields(body.get("comment", {}), "comment", _TEXT_FIELDS)
    raw_text = _string(comment.get("text", ""), "comment.text")
    if len(raw_text.encode("utf-8")) > MAX_COMMENT_BYTES:
        raise analyzer_error("COMMENT_TOO_LONG", "Comment text too long.")
    text = _as_plain_text(raw_text, comment.get("type"), "comment.type")
    if not text.strip():
        raise analyzer_error("COMMENT_EMPTY", "Comment must be non-empty.")
    attributes = _requested_attributes(body.get("requestedAttributes"))
    story_text, parent_text = _context(body.get("context"))
    if story_text is None and any(item.attribute == "off_topic" for item in attributes):
        raise analyzer_error("INVALID_REQUEST", "Attribute OFF_TOPIC needs the story it is scored "
                             "against: send it in context.entries.")
    return AnalyzeRequest(
        text=text,
        attributes=attributes,
        languages=tuple(_string_list(body.get("languages", []), "languages")),
        story_text=story_text,
        parent_text=parent_text,
        span_annotations=_boolean(body.get("spanAnnotations", False), "spanAnnotations"),
        do_not_store=_boolean(body.get("doNotStore", False), "doNotStore"),
        client_token=_optional_string(body.get("clientToken"), "clientToken"),
    )


def resolve_languages(request: AnalyzeRequest) -> tuple[list[str], list[str] | None]:
    """The languages to echo and the detected ones; refuses anything but English, honestly."""
    first = request.attributes[0].name
    if request.languages:
        if all(_is_supported(language) for language in request.languages):
            return list(request.languages), None
        raise analyzer_error(
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            f"Attribute {first} does not support request languages: {','.join(request.languages)}",
            languageNotSupportedByAttributeError={"requestedLanguages": list(request.languages),
                                                  "attribute": first},
        )
    detected = detect_language(request.text)
    if detected in SUPPORTED_LANGUAGES:
        return [detected], [detected]
    raise analyzer_error(
        "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
        f"Attribute {first} does not support request languages: {detected}",
        languageNotSupportedByAttributeError={"detectedLanguages": [detected], "attribute": first},
    )


def comment_input(request: AnalyzeRequest) -> CommentInput:
    """What the engine reads: the comment, with the context entries standing for the story."""
    story = StoryContext(title="", text=request.story_text) if request.story_text else None
    return CommentInput(text=request.text, story=story, parent_text=request.parent_text)


def build_response(request: AnalyzeRequest, verdict: Verdict, languages: list[str],
                   detected: list[str] | None) -> dict[str, Any]:
    """AnalyzeCommentResponse: scores above their thresholds, spans, languages, the client token."""
    scores: dict[str, Any] = {}
    for requested in request.attributes:
        value = verdict.scores.get(requested.attribute)
        if value is None:
            raise PerspectiveError(500, f"No score for attribute {requested.name}.")
        value = _probability(value)
        if requested.score_threshold is not None and value < requested.score_threshold:
            continue
        scores[requested.name] = {
            "spanScores": _span_scores(request, verdict, requested.attribute, value),
            "summaryScore": {"value": value, "type": SCORE_TYPE},
        }
    response: dict[str, Any] = {}
    if scores:
        response["attributeScores"] = scores
    response["languages"] = languages
    if detected is not None:
        response["detectedLanguages"] = detected
    if request.client_token is not None:
        response["clientToken"] = request.client_token
    return response


def _span_scores(request: AnalyzeRequest, verdict: Verdict, attribute: str,
                 summary: float) -> list[dict[str, Any]]:
    """Fine spans when asked for and found; otherwise one span over the text, as Perspective sent."""
    length = len(request.text)
    spans = verdict.span_scores.get(attribute, ()) if request.span_annotations else ()
    clipped = sorted((max(0, begin), min(length, end), score) for begin, end, score in spans
                     if min(length, end) > max(0, begin))
    if not clipped:
        clipped = [(0, length, summary)]
    return [{"begin": begin, "end": end, "score": {"value": _probability(score), "type": SCORE_TYPE}}
            for begin, end, score in clipped]


def _requested_attributes(value: Any) -> tuple[RequestedAttribute, ...]:
    if value is None or value == {}:
        raise analyzer_error("NO_REQUESTED_ATTRIBUTES", "Missing requested_attributes")
    if not isinstance(value, Mapping):
        raise invalid_field("requestedAttributes", _type_message("requestedAttributes", "map", value))
    attributes = []
    for name, options in value.items():
        attribute = ATTRIBUTE_NAMES.get(name) or EXPERIMENTAL_ALIASES.get(name)
        if attribute is None:
            raise analyzer_error("INVALID_REQUEST", f"Unknown requested attribute: {name}")
        where = f"requestedAttributes[{name}]"
        settings = _fields({} if options is None else options, where, _ATTRIBUTE_FIELDS)
        score_type = settings.get("scoreType")
        if score_type is not None and score_type != SCORE_TYPE:
            raise analyzer_error("INVALID_REQUEST", f"Requested score type {score_type} is not "
                                 f"supported by attribute {name}")
        attributes.append(RequestedAttribute(name, attribute,
                                             _threshold(settings.get("scoreThreshold"), where)))
    return tuple(attributes)


def _context(value: Any) -> tuple[str | None, str | None]:
    """(story text, parent text) from `context.entries` or `context.articleAndParentComment`."""
    if value is None:
        return None, None
    context = _fields(value, "context", _CONTEXT_FIELDS)
    if "entries" in context and "articleAndParentComment" in context:
        raise analyzer_error("INVALID_REQUEST", "Context can have either entries or "
                             "article_and_parent_comment, but both fields were populated.")
    if "articleAndParentComment" in context:
        pair = _fields(context["articleAndParentComment"], "context.articleAndParentComment",
                       _ARTICLE_FIELDS)
        return (_context_text(pair.get("article"), "context.articleAndParentComment.article"),
                _context_text(pair.get("parentComment"),
                              "context.articleAndParentComment.parentComment"))
    entries = context.get("entries", [])
    if not isinstance(entries, list):
        raise invalid_field("context.entries", _type_message("context.entries", "list", entries))
    texts = [_context_text(entry, f"context.entries[{index}]") for index, entry in enumerate(entries)]
    story = "\n\n".join(text for text in texts if text)
    return story or None, None


def _context_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    entry = _fields(value, where, _TEXT_FIELDS)
    text = _string(entry.get("text", ""), f"{where}.text")
    if len(text.encode("utf-8")) > MAX_CONTEXT_BYTES:
        raise analyzer_error("INVALID_REQUEST", f"Context entry {where} is over 1 MB.")
    return _as_plain_text(text, entry.get("type"), f"{where}.type") or None


def _as_plain_text(text: str, text_type: Any, where: str) -> str:
    if text_type is None or text_type == "PLAIN_TEXT":
        return text
    if text_type == "HTML":
        return html_to_text(text)
    raise analyzer_error("INVALID_REQUEST", f"Unknown text type at '{where}': {text_type!r}")


def _fields(value: Any, where: str, known: tuple[str, ...]) -> dict[str, Any]:
    """An object's fields under their lowerCamelCase names; unknown names are refused."""
    if not isinstance(value, Mapping):
        raise invalid_field(where or "(body)", _type_message(where or "(body)", "object", value))
    fields = {}
    for name, item in value.items():
        camel = _camel(name)
        if camel not in known:
            at = f" at '{where}'" if where else ""
            raise invalid_field(f"{where}.{name}" if where else name,
                                f'Invalid JSON payload received. Unknown name "{name}"{at}: '
                                "Cannot find field.")
        fields[camel] = item
    return fields


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid_field(where, _type_message(where, "TYPE_STRING", value))
    return value


def _optional_string(value: Any, where: str) -> str | None:
    return None if value is None else _string(value, where)


def _string_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise invalid_field(where, _type_message(where, "list of TYPE_STRING", value))
    return [_string(item, f"{where}[{index}]") for index, item in enumerate(value)]


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise invalid_field(where, _type_message(where, "TYPE_BOOL", value))
    return value


def _threshold(value: Any, where: str) -> float | None:
    if value is None:
        return None
    field = f"{where}.scoreThreshold"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid_field(field, _type_message(field, "TYPE_FLOAT", value))
    if not 0 <= value <= 1:
        raise invalid_field(field, f"Invalid value at '{field}': {value} is outside [0, 1].")
    return float(value)


def _type_message(where: str, expected: str, value: Any) -> str:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"Invalid value at '{where}' ({expected}), {shown}"


def _is_supported(language: str) -> bool:
    """`en`, and regional English such as `en-GB` or `en_US`."""
    return language.replace("_", "-").split("-")[0].lower() in SUPPORTED_LANGUAGES


def _probability(value: float) -> float:
    return round(min(1.0, max(0.0, float(value))), 7)
