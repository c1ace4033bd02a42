"""What the phases find: scored hits with spans on the original text, gathered per comment."""

from __future__ import annotations

from dataclasses import dataclass, field

# Attributes where several weak signals add up (many sexual words, many spam signs); for the others
# the strongest single hit speaks for the comment.
ACCUMULATING = frozenset({"sexually_explicit", "spam"})


@dataclass(frozen=True)
class Hit:
    """One finding. A `repeat` (the same word again) marks characters but adds nothing to the score."""

    attribute: str
    score: float
    span: tuple[int, int] | None
    phase: str
    repeat: bool = False


@dataclass
class Evidence:
    """Everything the phases learned about one comment."""

    hits: list[Hit] = field(default_factory=list)
    site_words: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    untargeted_profanity_spans: list[tuple[int, int]] = field(default_factory=list)
    untargeted_insult_spans: list[tuple[int, int]] = field(default_factory=list)
    # Slurs quoted or named to condemn them ("calling someone a <slur> is racist") and hateful
    # patterns named to reject them ("it is racist to say Mexicans are rapists"): aimed at nobody.
    condemned_spans: list[tuple[int, int]] = field(default_factory=list)
    targeted_profanity: bool = False
    targeted_insult: bool = False
    has_links: bool = False

    def add(self, hit: Hit) -> None:
        self.hits.append(hit)

    def scores(self) -> dict[str, float]:
        """Each attribute's score from the rule phases: the strongest hit, or a noisy-or of many."""
        if not self.hits:
            return {}
        best: dict[str, float] = {}
        remaining: dict[str, float] = {}
        for hit in self.hits:
            if hit.repeat:
                continue
            if hit.attribute in ACCUMULATING:
                remaining[hit.attribute] = remaining.get(hit.attribute, 1.0) * (1.0 - hit.score)
            else:
                best[hit.attribute] = max(best.get(hit.attribute, 0.0), hit.score)
        for attribute, left in remaining.items():
            best[attribute] = 1.0 - left
        return best

    def spans_for(self, attribute: str, minimum: float = 0.0) -> list[tuple[int, int, float]]:
        return [(*hit.span, hit.score) for hit in self.hits
                if hit.attribute == attribute and hit.span is not None and hit.score >= minimum]

    def phase_of(self, attribute: str) -> str | None:
        """The phase of the strongest hit for an attribute."""
        hits = [hit for hit in self.hits if hit.attribute == attribute]
        return max(hits, key=lambda hit: hit.score).phase if hits else None
