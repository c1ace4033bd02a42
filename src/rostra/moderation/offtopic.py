"""The relevance phase: is a comment about its story, or about the comment it answers?

Two signals. Word overlap: the share of a comment's content words (stop words dropped, endings
stripped) that also occur in the story's title and text or in the parent comment. Meaning: with the
neural tier, the cosine similarity of the comment's sentence embedding to the story's or the
parent's, whichever is closer, which sees paraphrase that shares no word. Both go through one
logistic function (`OVERLAP_WEIGHT`, `SIMILARITY_WEIGHT`, `BIAS`, fitted on one half of the
parent-swap test in `bench/off_topic.py` and reported on the other half). Short reactions ("Great
article", "No, that's wrong") are on topic by nature, and so are comments that talk about the
article itself. Copy-pastes raise the score: conspiracy vocabulary, a press release's boilerplate,
a comment shouted in capitals.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from rostra.moderation.evidence import Evidence, Hit
from rostra.moderation.normalize import NormalizedText, normalize
from rostra.moderation.verdict import StoryContext

PHASE = "relevance"

STOP_WORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any
    anyone anything are aren't around as at away back be because been before being below between both
    but by can can't cannot could couldn't did didn't do does doesn't doing don't done down during each
    either else enough even ever every everyone everything few first for from further get gets getting
    go goes going gone got had hadn't has hasn't have haven't having he he'd he'll he's her here hers
    herself him himself his how however i i'd i'll i'm i've if in into is isn't it it's its itself just
    know last least less let let's like likely lot lots made make makes making many may maybe me might
    mine more most much must my myself need needs never new no nobody none nor not nothing now of off
    often oh ok okay old on once one only or other others our ours ourselves out over own people per
    perhaps please put quite rather re really right said same say saying says see seem seems shall she
    she'd she'll she's should shouldn't since so some someone something still such sure take than that
    that's the their theirs them themselves then there there's these they they'd they'll they're
    they've thing things think this those though through thus time times to too took under until up upon
    us use used very want wants was wasn't way we we'd we'll we're we've well were weren't what what's
    when where whether which while who who's whom whose why will with within without won't would
    wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves year years day days
    today going get got lol yeah yep nope two three four five six seven eight nine ten hundred
    thousand million billion hour hours week weeks month months next ago good bad big small long
    little lot great""".split())

# Words that show a comment talks about the story or the discussion itself: they count as shared.
DISCUSSION_WORDS = frozenset(
    """article story piece report reporting reporter author writer journalist journalism editor
    editorial headline column columnist coverage news paper outlet propaganda biased bias agree
    disagree agreed thanks thank great excellent interesting informative wrong correct exactly
    point argument comment comments commenter source sources fact facts""".split())

# The vocabulary of conspiracy copy-pastes, which are pasted under any story.
CONSPIRACY = re.compile(
    r"\b(?:chemtrails?|plandemic|illuminati|reptilian\w*|new world order|nwo|sheeple|qanon|adrenochrome|"
    r"depopulation|globalists?|microchips?|bilderberg|freemasons?|flat earth|deep state|hoax|faked|"
    r"cover[- ]?up|wake up|do your own research|before it (?:gets|is) deleted|they don't want you to know|"
    r"share this (?:message|post|everywhere))\b")

_WORD = re.compile(r"[^\W\d_]{3,}")
_ENDINGS = ("ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ers", "er",
            "ed", "es", "ly", "s")
# A press release pasted under a story it does not belong to.
PRESS_RELEASE = re.compile(
    r"\b(?:for immediate release|press release|media contact|is (?:pleased|proud|delighted) to announce|"
    r"(?:has|have) (?:been )?appointed|announced today|about (?:the )?company|forward-looking statements|"
    r"©|all rights reserved|\bceo\b.{0,40}\bsaid in a statement)")
_SHORT_COMMENT = 5
_EXPECTED_SHARE = 0.2
# A comment mostly in capitals (letters only), when it also seems unrelated: a pasted rant.
_CAPITALS_SHARE = 0.6
# The copy-paste signals each add this to a score already over _PASTE_FLOOR.
PASTE_BOOST = 0.25
_PASTE_FLOOR = 0.3
# off_topic = sigmoid(OVERLAP_WEIGHT * unrelatedness + SIMILARITY_WEIGHT * similarity + BIAS), with
# unrelatedness the word-overlap score and similarity the closer cosine to story or parent. Fitted
# on the even half of the parent-swap test (bench/off_topic.py --fit).
OVERLAP_WEIGHT = 1.03
SIMILARITY_WEIGHT = -10.81
BIAS = 1.90


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Strip a common English ending so that `taxes`, `taxed` and `taxing` meet on `tax`."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


# Talking about the article or the discussion is on topic, whatever the story is about.
_DISCUSSION_STEMS = frozenset(stem(word) for word in DISCUSSION_WORDS)


def content_stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text) if word not in STOP_WORDS]


@lru_cache(maxsize=256)
def _context_stems(text: str) -> frozenset[str]:
    """Stems of a story or parent text; cached since many comments share one story."""
    return frozenset(content_stems(normalize(text).text))


def needs_similarity(normalized: NormalizedText) -> bool:
    """Whether the sentence embedding could change the comment's off_topic score: not for a short
    reaction, which is on topic by nature, so the encoder's relevance layers are not run for it.

    (Skipping it as well for a comment that shares its words with the story was measured and
    dropped: on the parent-swap test ROC-AUC fell from 0.868 to 0.814, since replies under another
    thread's parent share common words too.)"""
    return len(content_stems(normalized.text)) >= _SHORT_COMMENT


def off_topic_score(normalized: NormalizedText, story: StoryContext, parent_text: str | None,
                    similarity: float | None = None) -> float:
    """How likely a moderator would call the comment off topic, from 0 (on topic) to 1.

    `similarity` is the neural tier's cosine similarity to story or parent (None without it: word
    overlap alone).
    """
    words = content_stems(normalized.text)
    if len(words) < _SHORT_COMMENT:
        return 0.05
    score = unrelatedness(words, story, parent_text)
    if similarity is not None:
        score = 1.0 / (1.0 + math.exp(-(OVERLAP_WEIGHT * score + SIMILARITY_WEIGHT * similarity + BIAS)))
    if score > _PASTE_FLOOR:
        pasted = (CONSPIRACY.search(normalized.text), PRESS_RELEASE.search(normalized.text), _shouted(normalized.original))
        score = min(0.98, score + PASTE_BOOST * sum(1 for signal in pasted if signal))
    return round(score, 4)


def unrelatedness(words: list[str], story: StoryContext, parent_text: str | None) -> float:
    """The word-overlap signal: high when the comment's words are missing from story and parent."""
    score = _unrelatedness(words, _context_stems(f"{story.title}\n{story.title}\n{story.text}"))
    if parent_text:
        score = min(score, _unrelatedness(words, _context_stems(parent_text)))
    return score


def _shouted(original: str) -> bool:
    letters = [character for character in original if character.isalpha()]
    return len(letters) >= 20 and sum(character.isupper() for character in letters) / len(letters) >= _CAPITALS_SHARE


def _unrelatedness(words: list[str], context: frozenset[str]) -> float:
    """Share of the comment's words missing from the context, weighed by how sure the lengths let us be."""
    if not context:
        return 0.0
    shared = sum(1 for word in words if word in context or word in _DISCUSSION_STEMS)
    expected = max(1.0, _EXPECTED_SHARE * len(words))
    missing = max(0.0, 1.0 - shared / expected)
    comment_confidence = len(words) / (len(words) + 3)
    context_confidence = min(1.0, 0.5 + len(context) / 30)
    return missing * comment_confidence * context_confidence


def scan(normalized: NormalizedText, story: StoryContext, parent_text: str | None, evidence: Evidence,
         similarity: float | None = None) -> float:
    score = off_topic_score(normalized, story, parent_text, similarity)
    evidence.add(Hit("off_topic", score, (0, len(normalized.original)), PHASE))
    return score
