"""The language guess, HTML reading and log redaction behind the analyze endpoint."""

from __future__ import annotations

import logging

import pytest

from rostra.perspective.html_text import html_to_text
from rostra.perspective.language import detect_language
from rostra.perspective.redaction import QueryRedactingFilter, redact_query

# English comments that mention foreign words, places and names: refusing them would silently turn
# off moderation for ordinary readers, so the guess must keep them English.
ENGLISH = [
    "lol",
    "idiot",
    "ok",
    "The mayor of Los Angeles said de facto segregation is still a problem in the schools.",
    "Mi casa es su casa, as my neighbour from Madrid likes to say, and she means it.",
    "Die Hard is still the best Christmas film, fight me.",
    "Le Monde and El País covered this a week ago, why is this paper so late?",
    "Dude ur so wrong lmaooo",
    "C'est la vie, I suppose. The council will do what it wants anyway.",
    "🙄🙄🙄",
    "12345 !!!",
]

FOREIGN = [
    ("Je pense que le gouvernement a tort et que nous devons le dire avec force dans la rue.", "fr"),
    ("No estoy de acuerdo con el artículo, porque los datos que usa son muy viejos y no se pueden "
     "comparar.", "es"),
    ("Ich glaube nicht, dass der Artikel recht hat, aber die Diskussion ist wichtig für uns.", "de"),
    ("Это очень плохая статья, автор не прав.", "ru"),
    ("この記事はとても良いと思います。", "ja"),
    ("这篇文章写得很好", "zh"),
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_with_foreign_words_stays_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(("text", "language"), FOREIGN)
def test_clearly_foreign_text_is_recognised(text, language):
    assert detect_language(text) == language


def test_html_reads_as_the_visible_text_with_blocks_apart():
    html = ("<p>First <b>bold</b> line</p><p>Second&nbsp;line &amp; more</p>"
            "<script>alert('x')</script><style>p{}</style>last<br>word")
    assert html_to_text(html) == "First bold line\nSecond\xa0line & more\nlast\nword"
    assert html_to_text("<p> </p><br/>") == ""


def test_every_query_value_is_redacted_in_access_log_lines():
    assert redact_query("/v1alpha1/comments%3Aanalyze?key=s3cr3t&alt=json") == \
        "/v1alpha1/comments%3Aanalyze?key=REDACTED&alt=REDACTED"
    assert redact_query("/coral/phase") == "/coral/phase"
    # uvicorn 0.55 and later log the path as the client sent it, fragment marks and all
    assert redact_query("/v1alpha1/comments:analyze#x?key=s3cr3t") == "/v1alpha1/comments:analyze#x?key=REDACTED"

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "POST", "/x?key=s3cr3t", "1.1", 200), None)
    assert QueryRedactingFilter().filter(record)
    assert "s3cr3t" not in record.getMessage() and "key=REDACTED" in record.getMessage()

