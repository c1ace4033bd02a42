"""The moderation pipeline: ordered phases from a raw comment to a decision with reasons.

Phases, in order: size and closed story -> normalization -> word lists -> learned scores ->
patterns -> repeats -> links -> relevance (off-topic) -> author history -> policy. Every phase adds
scored hits with spans on the original text to one `Evidence`; the learned scores run once per batch.
The engine holds no per-call state, so one instance serves many threads.

Learned scores come from two tiers: the n-gram model (`rostra.moderation.learned`, words) and the
neural tier (`rostra.moderation.neural`, a fine-tuned MiniLM: what a sentence does to a group).
Per attribute they are blended by a small logistic regression over both calibrated log-odds,
fitted on training rows neither tier was fitted on (`training.neural.fit_blend`); the rules then
act on the blend exactly as they acted on the n-gram score alone (strongest of rule and learned
score, words aimed at nobody masked out, naming a group not an attack).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rostra.moderation import lexicon, offtopic, patterns, spam
from rostra.moderation.evidence import Evidence
from rostra.moderation.normalize import NormalizedText, normalize
from rostra.moderation.policy import Policy
from rostra.moderation.spans import merge_spans
from rostra.moderation.verdict import ATTRIBUTES, CommentInput, Reason, Verdict

RULES_VERSION = "rules-1"
_ATTRIBUTES_WITHOUT_OFF_TOPIC = tuple(attribute for attribute in ATTRIBUTES if attribute != "off_topic")
LEARNED = "learned"
# Attributes whose score may come from curses or insult words aimed at nobody.
_AIMLESS_DRIVEN = ("toxicity", "insult", "severe_toxicity")
# Attributes whose score may come from a slur or a hateful claim quoted or named to condemn it.
_CONDEMNED_DRIVEN = _AIMLESS_DRIVEN + ("identity_attack",)
# A word joins an attribute's spans when it adds at least this much to the calibrated log-odds;
# chosen for the best span F1 on the SemEval-2021 toxic-spans train split (bench/span_f1.py).
LEARNED_SPAN_MIN_WEIGHT = 0.5
# Words a learned span never blames: function words ("you" weighs on insults but is not the
# insult) and the names of groups (naming Muslims is not what makes "Muslims are animals" hateful).
_NOT_RESPONSIBLE = offtopic.STOP_WORDS | lexicon.IDENTITY_GROUPS
# Rule hits weaker than this are context, not the characters responsible.
_RULE_SPAN_MINIMUM = 0.3
# When the neural tier carries a score, a word joins the spans when blanking it lowers the neural
# calibrated log-odds by at least this much (occlusion); see `_neural_spans`.
NEURAL_SPAN_MIN_DROP = 0.5
# Occlusion first picks the sentences carrying the score: those whose own log-odds come within
# this of the strongest sentence's; at most NEURAL_SPAN_MAX_SENTENCES of them, and in each at
# most NEURAL_SPAN_MAX_WORDS words are blanked (bounds the cost on a pasted wall of text).
NEURAL_SENTENCE_MARGIN = 1.0
NEURAL_SPAN_MAX_SENTENCES = 3
NEURAL_SPAN_MAX_WORDS = 40
# A word, or one pictograph (an emoji the encoder reads by its name, so it can carry a score).
_OCCLUSION_WORD = re.compile(r"[^\W_]+(?:['*@$][^\W_]+)*|[\u2190-\u2bff\U0001f000-\U0001faff]")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


@dataclass
class _Work:
    """One comment on its way through the phases."""

    comment: CommentInput
    normalized: NormalizedText | None = None
    words: frozenset[str] = frozenset()
    evidence: Evidence | None = None
    learned: dict[str, float] | None = None
    ngram: dict[str, float] | None = None
    neural: dict[str, float] | None = None
    embedding: np.ndarray | None = None
    rule_scores: dict[str, float] = field(default_factory=dict)
    gate: Reason | None = None


class Engine:
    """Scores comments and decides approve, hold or reject under one site policy.

    Thread-safe: one engine serves many request threads (it keeps no per-call state, and both
    models are only read after loading).
    """

    def __init__(self, policy: Policy | None = None, scorer=None, neural=None):
        self.policy = policy or Policy()
        self.scorer = scorer
        self.neural = neural
        self.word_lists = lexicon.WordLists(self.policy.banned_words, self.policy.suspect_words)
        self.model = "+".join(part.version for part in (scorer, neural) if part is not None)
        self.model = f"{self.model}+{RULES_VERSION}" if self.model else RULES_VERSION

    @classmethod
    def default(cls, policy: Policy | None = None, neural: bool = True) -> Engine:
        """The engine with the models shipped in the package (without `neural`: the n-gram model and
        rules only, and the neural tier is never loaded).

        The models are loaded once per process and shared by every engine this returns, so a
        server holding one engine per site (each with its own policy) pays for them once:
        `Engine.default(site_policy)` for each site is cheap after the first call.
        """
        return cls(policy, _shipped_scorer(), _shipped_neural() if neural else None)

    def with_policy(self, policy: Policy) -> Engine:
        """This engine's models under another policy: no model is loaded again (cheap, per site)."""
        return Engine(policy, self.scorer, self.neural)

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Fast tier: word lists, patterns and the n-gram model for a batch, without the neural
        tier, decisions or spans (for bulk screening; `moderate_many` gives the full scores)."""
        normalized = [normalize(_well_formed(text)) for text in texts]
        learned = self._ngram_scores([item.text for item in normalized])
        results = []
        for item, learned_scores in zip(normalized, learned):
            evidence = Evidence()
            words = lexicon.words_of(item.text)
            self.word_lists.scan(item, words, evidence)
            patterns.scan(item, words, evidence)
            results.append(_combine(learned_scores, evidence.scores(), with_off_topic=False))
        return results

    def moderate(self, comment: CommentInput) -> Verdict:
        return self.moderate_many([comment])[0]

    def moderate_many(self, comments: Sequence[CommentInput]) -> list[Verdict]:
        work = [_Work(comment) for comment in comments]
        for item in work:
            item.gate = self._gate(item.comment)
            item.normalized = normalize(_well_formed(item.comment.text[: self.policy.max_length]))
            item.evidence = Evidence()
            item.words = lexicon.words_of(item.normalized.text)
            self.word_lists.scan(item.normalized, item.words, item.evidence)
        texts = [item.normalized.text for item in work]
        wants_relevance = [item.comment.story is not None
                           and offtopic.needs_similarity(item.normalized)
                           for item in work]
        learned, ngram, neural, embeddings = self._learned(texts, wants_relevance)
        for index, item in enumerate(work):
            item.learned, item.ngram, item.neural = learned[index], ngram[index], neural[index]
            item.embedding = embeddings[index] if wants_relevance[index] else None
        return [self._finish(item) for item in work]

    def _gate(self, comment: CommentInput) -> Reason | None:
        """Size and closed story: reasons to reject a comment whatever it says.

        The comment is still scored (an over-long one on its first `max_length` characters), so
        every verdict carries every score.
        """
        if comment.story is not None and comment.story.closed:
            return Reason("story_closed", 1.0, (), "size_and_story")
        if len(comment.text) > self.policy.max_length:
            return Reason("too_long", 1.0, ((self.policy.max_length, len(comment.text)),), "size_and_story")
        if not comment.text.strip():
            return Reason("empty", 1.0, (), "size_and_story")
        return None

    def _ngram_scores(self, normalized_texts: list[str]) -> list[dict[str, float]]:
        if self.scorer is None or not normalized_texts:
            return [{} for _ in normalized_texts]
        return _rows(self.scorer.predict(normalized_texts), len(normalized_texts))

    def _learned_scores(self, normalized_texts: list[str]) -> list[dict[str, float]]:
        """Blended learned scores (both tiers) for texts, without relevance embeddings."""
        return self._learned(normalized_texts, [False] * len(normalized_texts))[0]

    def _learned(self, normalized_texts: list[str], relevance: list[bool]):
        """(blended, n-gram and neural scores, relevance embeddings) per text, one run of each tier."""
        ngram = self._ngram_scores(normalized_texts)
        if self.neural is None or not normalized_texts:
            return ngram, ngram, [{} for _ in normalized_texts], [None] * len(normalized_texts)
        log_odds, embeddings = self.neural.raw(normalized_texts, relevance)
        neural = [dict(zip(self.neural.attributes, (float(_sigmoid(v)) for v in row))) for row in log_odds]
        blended = [self.neural.blend(ngram_row, row) for ngram_row, row in zip(ngram, log_odds)]
        return blended, ngram, neural, embeddings

    def _finish(self, item: _Work) -> Verdict:
        comment, normalized, evidence = item.comment, item.normalized, item.evidence
        patterns.scan(normalized, item.words, evidence)
        patterns.scan_reported_claims(normalized, evidence)
        spam.scan_repeats(normalized, item.words, comment.author.recent_texts if comment.author else (), evidence)
        spam.scan_links(normalized, evidence)
        if comment.story is not None:
            offtopic.scan(normalized, comment.story, comment.parent_text, evidence, self._similarity(item))
        item.rule_scores = evidence.scores()
        scores = _combine(item.learned, item.rule_scores, with_off_topic=comment.story is not None)
        scores["insult"] = min(scores["insult"], self._insult_without_aimless_words(item))
        return self._decide(item, scores)

    def _similarity(self, item: _Work) -> float | None:
        """Cosine similarity of the comment to its story or parent, whichever is closer (neural tier)."""
        if self.neural is None or item.embedding is None:
            return None
        comment = item.comment
        contexts = [f"{comment.story.title}. {comment.story.text}"] + ([comment.parent_text] if comment.parent_text else [])
        return max(float(item.embedding @ _context_embedding(self.neural, context)) for context in contexts)

    def _insult_without_aimless_words(self, item: _Work) -> float:
        """The insult score once words that insult nobody ("this policy is stupid") are masked out.

        An insult is aimed at a person; a model that learned "stupid" as insulting says so of a
        policy too. With no one addressed, the score is taken again without those words.
        """
        evidence = item.evidence
        if not evidence.untargeted_insult_spans or evidence.targeted_insult or evidence.targeted_profanity:
            return 1.0
        masked_rules = Evidence([hit for hit in evidence.hits if hit.span not in evidence.untargeted_insult_spans])
        masked_learned = self._learned_scores([_mask(item.normalized, evidence.untargeted_insult_spans)])[0]
        return round(max(masked_learned.get("insult", 0.0), masked_rules.scores().get("insult", 0.0)), 4)

    def _decide(self, item: _Work, scores: dict[str, float]) -> Verdict:
        """Author history and policy: turn scores and hits into a decision with reasons."""
        policy, evidence, comment = self.policy, item.evidence, item.comment
        over = [attribute for attribute in scores if scores[attribute] >= policy.hold_threshold(attribute)]
        span_scores = {attribute: self._spans(item, attribute, scores[attribute]) for attribute in over}
        excused = self._excused_as_aimless(item, over) | self._excused_as_naming(item, over)
        reasons = [Reason(attribute, scores[attribute],
                          merge_spans([(start, end) for start, end, _ in span_scores[attribute]]),
                          self._phase_of(item, attribute, scores[attribute]))
                   for attribute in over if attribute not in excused]
        reject = any(self._rejects(item, reason.attribute, reason.score) for reason in reasons)
        for kind, span in evidence.site_words:
            reasons.append(Reason("banned_word" if kind == "banned" else "suspect_word", 1.0, (span,),
                                  lexicon.PHASE))
            reject = reject or kind == "banned"
        reasons.extend(self._premoderation(comment, evidence))
        if item.gate is not None:
            reasons.insert(0, item.gate)
            reject = True
        decision = "reject" if reject else "hold" if reasons else "approve"
        return Verdict(decision, scores, tuple(reasons), self.model, span_scores)

    def _rejects(self, item: _Work, attribute: str, score: float) -> bool:
        """Whether a score rejects without a moderator: it reaches the reject threshold, and the rules
        and the learned model both find the attribute more likely than not, so that neither alone (a
        learned spam score for "!!!!!!!!", say) removes a comment no person has seen.
        """
        limit = self.policy.reject_threshold(attribute)
        if limit is None or score < limit:
            return False
        learned = (item.learned or {}).get(attribute)
        rule = item.rule_scores.get(attribute, 0.0)
        if learned is None:
            return rule >= limit
        return min(learned, rule) >= 0.5

    def _premoderation(self, comment: CommentInput, evidence: Evidence) -> list[Reason]:
        mode, author = self.policy.premoderation, comment.author
        if mode == "all":
            return [Reason("premoderation", 1.0, (), "policy")]
        if mode == "links" and evidence.has_links:
            links = merge_spans(hit.span for hit in evidence.hits if hit.phase == spam.LINKS)
            return [Reason("premoderation", 1.0, links, "policy")]
        if author is not None:
            if mode == "new_authors" and author.approved < self.policy.new_author_comments:
                return [Reason("new_author", 1.0, (), "author_history")]
            if author.rejected >= 3 and author.rejected > author.approved:
                return [Reason("author_history", round(author.rejected / (author.rejected + author.approved), 4),
                               (), "author_history")]
        return []

    def _excused_as_aimless(self, item: _Work, over: list[str]) -> set[str]:
        """Attributes over threshold only because of strong words aimed at nobody.

        "This policy is stupid" insults no one, and "this is fucking ridiculous" is a curse with no
        target, which sites allow by default; a slur quoted or named to condemn it ("calling Muslims
        'towelheads' is racist") attacks no one either, though the neural tier, seeing the word,
        scores the comment as toxic. Such words are masked out and the learned scores taken again:
        if an attribute falls under its threshold, those words alone carried it. Profanity itself is
        excused when the site allows untargeted profanity.
        """
        evidence, allow_profanity = item.evidence, self.policy.allow_untargeted_profanity
        if evidence.targeted_profanity or evidence.targeted_insult:
            return set()
        aimless = (evidence.untargeted_insult_spans + evidence.condemned_spans
                   + (evidence.untargeted_profanity_spans if allow_profanity else []))
        driven = _CONDEMNED_DRIVEN if evidence.condemned_spans else _AIMLESS_DRIVEN
        candidates = [attribute for attribute in over if attribute in driven]
        excused = ({"profanity"} if allow_profanity and evidence.untargeted_profanity_spans and "profanity" in over
                   else set())
        if not aimless or not candidates:
            return excused
        masked_rules = Evidence([hit for hit in evidence.hits if not (
            hit.phase == lexicon.PHASE and any(start <= hit.span[0] and hit.span[1] <= end for start, end in aimless))]
        ).scores()
        masked_learned = self._learned_scores([_mask(item.normalized, aimless)])[0]
        masked = _combine(masked_learned, masked_rules, with_off_topic=False)
        return excused | {attribute for attribute in candidates
                          if masked.get(attribute, 0.0) < self.policy.hold_threshold(attribute)}

    def _excused_as_naming(self, item: _Work, over: list[str]) -> set[str]:
        """Attributes the learned model gives a comment that only names groups ("Jews and Muslims").

        Such a model leans on the group words themselves; naming a group is not an attack, so when
        every word but the function words is a group's name, what only the model found does not count.
        """
        content = [word for word in item.words if word not in offtopic.STOP_WORDS]
        if not content or not all(word in lexicon.IDENTITY_GROUPS for word in content):
            return set()
        return {attribute for attribute in over
                if item.rule_scores.get(attribute, 0.0) < self.policy.hold_threshold(attribute)}

    def _spans(self, item: _Work, attribute: str, score: float) -> tuple[tuple[int, int, float], ...]:
        """The characters behind an attribute's score: rule hits, and, when the learned model carries
        the score, the words it leans on.

        A word counts when its share of the log-odds reaches LEARNED_SPAN_MIN_WEIGHT and it is not
        one of _NOT_RESPONSIBLE; its weight is scaled so the strongest word carries the score. A span
        that both the rules and the model point at is listed once, with the stronger weight.
        """
        found = item.evidence.spans_for(attribute, minimum=_RULE_SPAN_MINIMUM)
        rules_carry_it = found and max(weight for _, _, weight in found) >= score
        neural_score = (item.neural or {}).get(attribute, 0.0)
        ngram_score = (item.ngram or {}).get(attribute, 0.0)
        if not rules_carry_it and neural_score > ngram_score:
            found += self._neural_spans(item, attribute, score)
        elif self.scorer is not None and attribute in (item.learned or {}) and not rules_carry_it:
            text = item.normalized.text
            explained = [(start, end, weight) for start, end, weight in self.scorer.explain(text, attribute)
                         if weight >= LEARNED_SPAN_MIN_WEIGHT and text[start:end] not in _NOT_RESPONSIBLE]
            if explained:
                strongest = max(weight for _, _, weight in explained)
                for start, end, weight in explained:
                    original_start, original_end = item.normalized.span_to_original(start, end)
                    found.append((original_start, original_end, round(score * weight / strongest, 4)))
        strongest_by_span: dict[tuple[int, int], float] = {}
        for start, end, weight in found:
            strongest_by_span[start, end] = max(weight, strongest_by_span.get((start, end), 0.0))
        return tuple(sorted((start, end, weight) for (start, end), weight in strongest_by_span.items()))

    def _neural_spans(self, item: _Work, attribute: str, score: float) -> list[tuple[int, int, float]]:
        """The words the neural tier leans on, by occlusion, mapped back to the characters typed.

        First the sentences: each is scored alone and those within NEURAL_SENTENCE_MARGIN of the
        strongest are kept (one batch of short texts, instead of blanking every word of a long
        comment). Then, in each kept sentence, every word is blanked in turn (one batch); a word
        counts when that lowers the neural log-odds by NEURAL_SPAN_MIN_DROP or more and it is not
        one of _NOT_RESPONSIBLE (function words, the names of groups).
        """
        text = item.normalized.text
        sentences = [match.span() for match in _SENTENCE.finditer(text) if match.group().strip()]
        if len(sentences) > 1:
            alone = self.neural.log_odds([text[start:end] for start, end in sentences], attribute)
            strongest = max(alone)
            sentences = [span for span, value in zip(sentences, alone) if value >= strongest - NEURAL_SENTENCE_MARGIN]
        chosen = []
        for start, end in sentences[:NEURAL_SPAN_MAX_SENTENCES]:
            sentence = text[start:end]
            words = [match.span() for match in _OCCLUSION_WORD.finditer(sentence)
                     if match.group() not in _NOT_RESPONSIBLE][:NEURAL_SPAN_MAX_WORDS]
            drops = self.neural.occlusion(sentence, words, attribute)
            chosen += [((start + a, start + b), drop) for (a, b), drop in zip(words, drops)
                       if drop >= NEURAL_SPAN_MIN_DROP]
        if not chosen:
            return []
        strongest = max(drop for _, drop in chosen)
        return [(*item.normalized.span_to_original(*span), round(score * drop / strongest, 4)) for span, drop in chosen]

    def _phase_of(self, item: _Work, attribute: str, score: float) -> str:
        if item.learned and round(item.learned.get(attribute, 0.0), 4) >= score:
            return LEARNED
        return item.evidence.phase_of(attribute) or LEARNED


def _rows(columns: dict[str, np.ndarray], count: int) -> list[dict[str, float]]:
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*(columns[name].tolist() for name in names))] or [{}] * count


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + np.exp(-value))


@lru_cache(maxsize=1024)
def _context_embedding(neural, text: str) -> np.ndarray:
    """A story's or parent's relevance embedding; cached, since many comments share one story."""
    return neural.embed([normalize(text).text])[0]


def _combine(learned: dict[str, float], rules: dict[str, float], with_off_topic: bool) -> dict[str, float]:
    """One score per attribute: the stronger of the learned model and the rule phases."""
    combined = {}
    for attribute in ATTRIBUTES if with_off_topic else _ATTRIBUTES_WITHOUT_OFF_TOPIC:
        value = max(learned.get(attribute, 0.0), rules.get(attribute, 0.0))
        combined[attribute] = round(value, 4) if 0.0 < value < 1.0 else float(value > 0.0)
    return combined


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(text: str) -> str:
    """The text with unpaired surrogates (invalid Unicode that JSON can still carry) read as U+FFFD.

    One character for one, so offsets into it are offsets into the original.
    """
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)


def _mask(normalized: NormalizedText, original_spans: list[tuple[int, int]]) -> str:
    """The normalized text with the characters from the given original spans blanked out."""
    characters = list(normalized.text)
    for index, original_index in enumerate(normalized.offsets):
        if any(start <= original_index < end for start, end in original_spans):
            characters[index] = " "
    return "".join(characters)


@lru_cache(maxsize=1)
def _shipped_neural():
    """The shipped neural tier, or None in a checkout without one (n-gram model and rules only)."""
    from rostra.moderation.neural import NeuralModelError, NeuralScorer

    try:
        return NeuralScorer.load()
    except NeuralModelError as error:
        warnings.warn(f"no neural model, scoring without the neural tier: {error}", RuntimeWarning, stacklevel=3)
        return None


@lru_cache(maxsize=1)
def _shipped_scorer():
    """The shipped learned scorer, or None in a checkout that has no trained model yet (rules only)."""
    from rostra.moderation.learned import LearnedScorer, ModelFileError

    try:
        return LearnedScorer.load()
    except ModelFileError as error:
        warnings.warn(f"no learned model, scoring with rules only: {error}", RuntimeWarning, stacklevel=3)
        return None
