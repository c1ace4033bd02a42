"""The repeats and links phases: shouting, stretched and repeated text, copies, and links.

Each sign alone is weak (a citation link, one capitalised sentence); the evidence combines them
with a noisy-or, so that a comment made of several of them reaches the hold threshold.
"""

from __future__ import annotations

import re

from rostra.moderation.evidence import Evidence, Hit
from rostra.moderation.lexicon import TOKEN
from rostra.moderation.normalize import NormalizedText, normalize

REPEATS = "repeats"
LINKS = "links"

_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_SMALL = re.compile(r"[a-zß-öø-ÿ]")
_LONG_RUN = re.compile(r"(.)\1{7,}")
_REPEATED_WORD = re.compile(r"(?<![^\W_])([^\W_]+)(?:\W+\1(?![^\W_])){3,}")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|(?<![@\w.-])[a-z0-9][a-z0-9-]{1,62}\.(?:com|net|org|io|ly|co|xyz|info|"
    r"biz|ru|top|click|link|shop|site|online|me|tv|gg|store|live|club)\b(?:/[^\s<>\"']*)?", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_MAY_HAVE_LINK = re.compile(r"\.[A-Za-z]{2}|://")
_SHORTENERS = re.compile(r"\b(?:bit\.ly|tinyurl\.com|goo\.gl|is\.gd|cutt\.ly|ow\.ly|rebrand\.ly|shorturl\.at|tiny\.cc)\b",
                         re.IGNORECASE)
_SHINGLE = 3


def scan_repeats(normalized: NormalizedText, words: frozenset[str], recent_texts: tuple[str, ...],
                 evidence: Evidence) -> None:
    """Shouting in capitals, long runs of one character, a word said over and over, copies of the
    author's recent posts.

    `words` is the set of the normalized text's tokens: few distinct words among many is what
    repetition looks like.
    """
    original = normalized.original
    capitals = len(_CAPITAL.findall(original))
    if capitals >= 14:
        letters = capitals + len(_SMALL.findall(original))
        if letters >= 20 and capitals >= 0.7 * letters:
            evidence.add(Hit("spam", 0.55, (0, len(original)), REPEATS))
    for match in _LONG_RUN.finditer(original):
        if not match.group(1).isspace():
            evidence.add(Hit("spam", 0.4, match.span(), REPEATS))
    repeated_tokens = len(normalized.text.split()) - len(words)
    for match in _REPEATED_WORD.finditer(normalized.text) if repeated_tokens >= 3 else ():
        evidence.add(Hit("spam", 0.65, normalized.span_to_original(*match.span()), REPEATS))
    if recent_texts and len(normalized.text) >= 40:
        shingles = _shingles(normalized.text)
        for recent in recent_texts:
            if _resemblance(shingles, _shingles(normalize(recent).text)) >= 0.8:
                evidence.add(Hit("spam", 0.85, (0, len(original)), REPEATS))
                break


def scan_links(normalized: NormalizedText, evidence: Evidence) -> None:
    """Links and e-mail addresses: one citation is ordinary, shorteners, contact addresses and many
    links are what spam looks like."""
    original = normalized.original
    if not _MAY_HAVE_LINK.search(original):
        return
    for match in _EMAIL.finditer(original):
        evidence.add(Hit("spam", 0.5, match.span(), LINKS))
    links = [match.span() for match in _URL.finditer(original)]
    if not links:
        return
    evidence.has_links = True
    link_chars = sum(end - start for start, end in links)
    for span in links:
        shortened = _SHORTENERS.search(original, span[0], span[1])
        evidence.add(Hit("spam", 0.7 if shortened else 0.2, span, LINKS))
    if len(links) >= 3:
        evidence.add(Hit("spam", 0.5, links[0], LINKS))
    if link_chars > 0.5 * len(original.strip()):
        evidence.add(Hit("spam", 0.5, links[0], LINKS))


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = TOKEN.findall(text)
    if len(words) < _SHINGLE:
        return {tuple(words)}
    return {tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _resemblance(first: set, second: set) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
