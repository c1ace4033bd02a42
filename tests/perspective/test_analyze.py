"""AnalyzeComment over real HTTP, against both servers: every request field and every error.

Fixtures follow Perspective's published request and response shapes (methods.md, limits.md of
conversationai/perspectiveapi) and what Coral and Comentario actually post.
"""

from __future__ import annotations

import concurrent.futures

import pytest

ANALYZE = "/v1alpha1/comments:analyze"
ABUSIVE = "you are a fucking moron"
CIVIL = "I disagree with the council's decision, but the article explains it well."
STORY = ("The city council voted on Tuesday to build new bus lanes downtown, citing traffic "
         "congestion and long commuter delays.")
ALL_ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT",
                  "SEXUALLY_EXPLICIT", "SPAM", "OFF_TOPIC", "CODED_HATE")


def analyze(client, key, body):
    return client.post(ANALYZE, params={"key": key}, json=body)


def request_body(text=CIVIL, *attributes, **fields):
    return {"comment": {"text": text},
            "requestedAttributes": {name: {} for name in attributes or ("TOXICITY",)}, **fields}


def assert_error(response, code, status, error_type=None):
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["status"] == status and error["message"]
    if error_type is not None:
        assert [detail["errorType"] for detail in error["details"]] == [error_type]
        assert error["details"][0]["@type"] == "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
    return error


# What Coral's Perspective phase sends: its `toxic` phase and `sendToPerspective` service.
def coral_score(client, base_url, key, text, model="TOXICITY", language="en"):
    endpoint = f"{base_url}/v1alpha1"
    response = client.post(f"{endpoint}/comments:analyze?key={key}",
                           headers={"Content-Type": "application/json"},
                           json={"comment": {"text": text}, "doNotStore": True,
                                 "requestedAttributes": {model: {}}, "languages": [language]})
    data = response.json()
    return data["attributeScores"][model]["summaryScore"]["value"]


def test_coral_reads_a_score_and_flags_only_the_abusive_comment(server, client, key):
    threshold = 0.8  # Coral's default toxicity threshold: score > threshold withholds
    abusive = coral_score(client, server.base_url, key, ABUSIVE)
    civil = coral_score(client, server.base_url, key, CIVIL)
    assert isinstance(abusive, float) and isinstance(civil, float)
    assert abusive > threshold >= civil
    assert coral_score(client, server.base_url, key, ABUSIVE, model="SEVERE_TOXICITY") >= 0


def test_every_attribute_answers_a_probability_with_a_whole_text_span(client, key):
    body = request_body(ABUSIVE, *ALL_ATTRIBUTES, context={"entries": [{"text": STORY}]},
                        languages=["en"])
    answer = analyze(client, key, body).json()

    assert set(answer["attributeScores"]) == set(ALL_ATTRIBUTES)
    for name, scores in answer["attributeScores"].items():
        summary = scores["summaryScore"]
        assert summary["type"] == "PROBABILITY" and 0 <= summary["value"] <= 1, name
        assert scores["spanScores"] == [{"begin": 0, "end": len(ABUSIVE), "score": summary}], name
    assert answer["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.8
    assert answer["languages"] == ["en"]
    assert "detectedLanguages" not in answer and "clientToken" not in answer


def test_languages_client_token_and_detected_language_are_mirrored(client, key):
    explicit = analyze(client, key, request_body(CIVIL, languages=["en-GB"], clientToken="c-42")).json()
    assert explicit["languages"] == ["en-GB"] and explicit["clientToken"] == "c-42"
    assert "detectedLanguages" not in explicit

    detected = analyze(client, key, request_body(CIVIL)).json()
    assert detected["languages"] == ["en"] and detected["detectedLanguages"] == ["en"]


def test_score_threshold_leaves_out_attributes_below_it(client, key):
    body = request_body(CIVIL, "TOXICITY", "INSULT")
    body["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": 0}, "INSULT": {"scoreThreshold": 0.99,
                                                                                  "scoreType": "PROBABILITY"}}
    answer = analyze(client, key, body).json()
    assert list(answer["attributeScores"]) == ["TOXICITY"]

    body["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": 0.99}}
    answer = analyze(client, key, body).json()
    assert "attributeScores" not in answer and answer["languages"] == ["en"]


def test_span_annotations_point_at_the_words_responsible(client, key):
    text = "Thanks for the article. You are a fucking moron."
    answer = analyze(client, key, request_body(text, "TOXICITY", spanAnnotations=True)).json()
    spans = answer["attributeScores"]["TOXICITY"]["spanScores"]
    marked = " ".join(text[span["begin"]:span["end"]] for span in spans)
    assert "fucking" in marked and "Thanks" not in marked
    assert all(0 <= span["begin"] < span["end"] <= len(text) for span in spans)
    assert max(span["score"]["value"] for span in spans) > 0.8

    civil = analyze(client, key, request_body(CIVIL, "TOXICITY", spanAnnotations=True)).json()
    only = civil["attributeScores"]["TOXICITY"]
    assert only["spanScores"] == [{"begin": 0, "end": len(CIVIL), "score": only["summaryScore"]}]


def test_html_comments_are_read_as_their_visible_text(client, key):
    body = {"comment": {"text": "<p>You are a <b>fucking</b> moron.</p><script>nice()</script>",
                        "type": "HTML"},
            "requestedAttributes": {"PROFANITY": {}}, "spanAnnotations": True}
    scores = analyze(client, key, body).json()["attributeScores"]["PROFANITY"]
    assert scores["summaryScore"]["value"] > 0.8
    visible = "You are a fucking moron."
    assert any(visible[span["begin"]:span["end"]] == "fucking" for span in scores["spanScores"])

    empty = {"comment": {"text": "<p> </p><br>", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}}
    assert_error(analyze(client, key, empty), 400, "INVALID_ARGUMENT", "COMMENT_EMPTY")


def test_off_topic_is_scored_against_the_context_entries(client, key):
    def off_topic(text, context):
        body = request_body(text, "OFF_TOPIC", context=context)
        return analyze(client, key, body).json()["attributeScores"]["OFF_TOPIC"]["summaryScore"]["value"]

    entries = {"entries": [{"text": STORY, "type": "PLAIN_TEXT"}]}
    on_topic = off_topic("The new bus lanes downtown will cut my commute, good call by the council.",
                         entries)
    unrelated = off_topic("My favourite pizza topping is pineapple and I love hiking in the mountains.",
                          entries)
    assert unrelated > on_topic
    article = {"articleAndParentComment": {"article": {"text": STORY}}}
    assert off_topic("My favourite pizza topping is pineapple and I love hiking in the mountains.",
                     article) == unrelated
    reply = {"articleAndParentComment": {"article": {"text": STORY},
                                         "parentComment": {"text": "Do you like pizza?"}}}
    assert off_topic("My favourite pizza topping is pineapple.", reply) <= 1


def test_snake_case_field_names_are_accepted_as_google_did(client, key):
    body = {"comment": {"text": CIVIL}, "requested_attributes": {"TOXICITY": {"score_threshold": 0}},
            "do_not_store": True, "client_token": "snake", "span_annotations": False}
    answer = analyze(client, key, body).json()
    assert answer["clientToken"] == "snake" and "TOXICITY" in answer["attributeScores"]


def test_experimental_names_of_production_attributes_are_served(client, key):
    answer = analyze(client, key, request_body(ABUSIVE, "TOXICITY_EXPERIMENTAL", "TOXICITY")).json()
    scores = answer["attributeScores"]
    assert scores["TOXICITY_EXPERIMENTAL"]["summaryScore"] == scores["TOXICITY"]["summaryScore"]


@pytest.mark.parametrize(("body", "error_type", "message"), [
    (request_body(CIVIL, "FLIRTATION"), "INVALID_REQUEST", "Unknown requested attribute: FLIRTATION"),
    ({"comment": {"text": CIVIL}}, "NO_REQUESTED_ATTRIBUTES", "Missing requested_attributes"),
    ({"comment": {"text": CIVIL}, "requestedAttributes": {}}, "NO_REQUESTED_ATTRIBUTES", None),
    (request_body(""), "COMMENT_EMPTY", "Comment must be non-empty."),
    (request_body(" \n\t "), "COMMENT_EMPTY", None),
    ({"requestedAttributes": {"TOXICITY": {}}}, "COMMENT_EMPTY", None),
    (request_body(CIVIL, languages=["fr"]), "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
     "Attribute TOXICITY does not support request languages: fr"),
    (request_body(CIVIL, languages=["en", "de"]), "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE", None),
    ({"comment": {"text": CIVIL}, "requestedAttributes": {"TOXICITY": {"scoreType": "STD_DEV_SCORE"}}},
     "INVALID_REQUEST", "Requested score type STD_DEV_SCORE is not supported by attribute TOXICITY"),
    ({"comment": {"text": CIVIL, "type": "MARKDOWN"}, "requestedAttributes": {"TOXICITY": {}}},
     "INVALID_REQUEST", None),
    (request_body(CIVIL, "OFF_TOPIC"), "INVALID_REQUEST", None),
    (request_body(CIVIL, context={"entries": [{"text": STORY}],
                                  "articleAndParentComment": {"article": {"text": STORY}}}),
     "INVALID_REQUEST", None),
])
def test_analyzer_errors_carry_perspectives_error_type(client, key, body, error_type, message):
    error = assert_error(analyze(client, key, body), 400, "INVALID_ARGUMENT", error_type)
    if message is not None:
        assert error["message"] == message


def test_unsupported_language_names_the_attribute_and_languages(client, key):
    requested = assert_error(analyze(client, key, request_body(CIVIL, "INSULT", languages=["es"])),
                             400, "INVALID_ARGUMENT", "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE")
    assert requested["details"][0]["languageNotSupportedByAttributeError"] == {
        "requestedLanguages": ["es"], "attribute": "INSULT"}

    french = "Je pense que le gouvernement a tort et que nous devons le dire avec force dans la rue."
    detected = assert_error(analyze(client, key, request_body(french)), 400, "INVALID_ARGUMENT",
                            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE")
    assert detected["details"][0]["languageNotSupportedByAttributeError"] == {
        "detectedLanguages": ["fr"], "attribute": "TOXICITY"}
    russian = assert_error(analyze(client, key, request_body("Это очень плохая статья, автор не прав.")),
                           400, "INVALID_ARGUMENT", "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE")
    assert russian["details"][0]["languageNotSupportedByAttributeError"]["detectedLanguages"] == ["ru"]


def test_a_comment_over_20_kb_is_refused_and_one_at_the_limit_is_scored(client, key):
    at_limit = ("word " * 4096)[:20 * 1024]
    assert analyze(client, key, request_body(at_limit)).status_code == 200

    over = at_limit + "x"
    error = assert_error(analyze(client, key, request_body(over)), 400, "INVALID_ARGUMENT",
                         "COMMENT_TOO_LONG")
    assert error["message"] == "Comment text too long."
    # The limit is in bytes: 7000 three-byte characters are 21000 bytes.
    assert_error(analyze(client, key, request_body("€" * 7000)), 400, "INVALID_ARGUMENT",
                 "COMMENT_TOO_LONG")


@pytest.mark.parametrize(("content", "field"), [
    (b"{not json", "(body)"),
    (b"[1, 2]", "(body)"),
    (b'{"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}', "comment.text"),
    (b'{"comment": {"text": "hi"}, "requestedAttribute": {"TOXICITY": {}}}', "requestedAttribute"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 1.5}}}',
     "requestedAttributes[TOXICITY].scoreThreshold"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "doNotStore": "yes"}',
     "doNotStore"),
    (b'{"comment": {"text": "hi"}, "requestedAttributes": ["TOXICITY"]}', "requestedAttributes"),
])
def test_malformed_requests_name_the_field_and_never_fail_with_500(client, key, content, field):
    response = client.post(ANALYZE, params={"key": key}, content=content,
                           headers={"Content-Type": "application/json"})
    error = assert_error(response, 400, "INVALID_ARGUMENT")
    violation = error["details"][0]
    assert violation["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert violation["fieldViolations"][0]["field"] == field


def test_missing_wrong_and_revoked_keys_are_refused_like_google(server, client):
    assert_error(client.post(ANALYZE, json=request_body()), 403, "PERMISSION_DENIED")

    wrong = assert_error(analyze(client, "not-a-key", request_body()), 400, "INVALID_ARGUMENT")
    assert wrong["message"] == "API key not valid. Please pass a valid API key."
    assert wrong["details"][0]["reason"] == "API_KEY_INVALID"

    from rostra.actions import apikeys

    created = apikeys.create_key(server.store, "to-revoke-" + server.base_url[-5:])
    assert client.post(ANALYZE, headers={"X-Goog-Api-Key": created.secret},
                       json=request_body()).status_code == 200
    apikeys.revoke_key(server.store, created.key.name)
    revoked = assert_error(analyze(client, created.secret, request_body()), 400, "INVALID_ARGUMENT")
    assert revoked["details"][0]["reason"] == "API_KEY_INVALID"


def test_a_key_over_its_quota_gets_perspectives_429_and_other_keys_do_not(server, client):
    limited = server.new_key(requests_per_minute=2)
    other = server.new_key()
    assert [analyze(client, limited, request_body()).status_code for _ in range(2)] == [200, 200]

    response = analyze(client, limited, request_body())
    error = assert_error(response, 429, "RESOURCE_EXHAUSTED")
    assert int(response.headers["Retry-After"]) >= 1
    assert {detail["@type"].rsplit(".", 1)[1] for detail in error["details"]} == {"ErrorInfo", "RetryInfo"}
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert analyze(client, other, request_body()).status_code == 200


def test_the_default_quota_applies_to_keys_without_their_own(start_analyze_server):
    with start_analyze_server(perspective_requests_per_minute=3) as server, server.client() as client:
        key, unlimited = server.new_key(), server.new_key(requests_per_minute=0)
        codes = [analyze(client, key, request_body()).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert all(analyze(client, unlimited, request_body()).status_code == 200 for _ in range(5))


def test_suggest_score_is_accepted_and_echoes_the_client_token(client, key):
    body = {"comment": {"text": CIVIL}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}},
            "languages": ["en"], "communityId": "Coral:https://news.example", "clientToken": "comment:1"}
    response = client.post("/v1alpha1/comments:suggestscore", params={"key": key}, json=body)
    assert response.status_code == 200 and response.json() == {"clientToken": "comment:1"}
    assert_error(client.post("/v1alpha1/comments:suggestscore", json=body), 403, "PERMISSION_DENIED")


def test_parallel_requests_each_get_their_own_answer(server, key):
    texts = [f"Comment number {index}: " + (ABUSIVE if index % 3 == 0 else CIVIL) for index in range(48)]
    with server.client() as client:
        expected = {text: analyze(client, key, request_body(text)).json() for text in texts[:3]}

    def ask(index_text):
        index, text = index_text
        with server.client() as client:
            body = request_body(text, "TOXICITY", "INSULT", clientToken=str(index), spanAnnotations=True)
            return index, text, analyze(client, key, body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(ask, enumerate(texts)))

    for index, text, response in results:
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["clientToken"] == str(index)
        toxicity = answer["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
        assert (toxicity > 0.8) == (index % 3 == 0)
        if text in expected:
            assert toxicity == expected[text]["attributeScores"]["TOXICITY"]["summaryScore"]["value"]


def test_the_discovery_document_sends_googles_client_here(server, client):
    document = client.get("/$discovery/rest", params={"version": "v1alpha1"}).json()
    assert document["rootUrl"] == server.base_url + "/" and document["servicePath"] == ""
    methods = document["resources"]["comments"]["methods"]
    assert methods["analyze"]["path"] == "v1alpha1/comments:analyze"
    assert methods["suggestscore"]["httpMethod"] == "POST"
    assert document["parameters"]["key"]["location"] == "query"
