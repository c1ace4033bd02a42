"""The word-list phase: curses, insults, slurs and sexual words, read in context.

A word alone says little. The same curse is venting in "this is fucking ridiculous" and abuse in
"you are a fucking idiot"; the same slur is hate when aimed at someone and counter-speech in
"calling someone a <slur> is disgusting". So every hit is weighed by what surrounds it: a target
(second person, a person named as the subject), quotation or mention with condemnation, and
in-group use of reclaimed words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rostra.moderation.evidence import Evidence, Hit
from rostra.moderation.normalize import NormalizedText, normalize

PHASE = "word_lists"
# Listed words weighed per comment; a pasted wall of curses is judged on its first ones.
MAX_LISTED_WORDS = 64
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)?")  # TOKEN on lower-case ASCII, a little faster


def words_of(normalized_text: str) -> frozenset[str]:
    """The distinct tokens of a normalized (lower-case) text, which the word-list and pattern phases share."""
    return frozenset((_ASCII_TOKEN if normalized_text.isascii() else TOKEN).findall(normalized_text))

# Endings a `term*` entry also matches; consonant-final stems also take the doubled-consonant forms.
_SUFFIXES = ("s", "es", "ed", "er", "ers", "ing", "ings", "in", "y", "ier", "iest", "ies", "ish",
             "head", "heads", "face", "faces", "bag", "bags", "hole", "holes", "wit", "wits")
_DOUBLING_SUFFIXES = ("ed", "er", "ers", "ing", "in", "y", "ier")

# Curses that carry their own addressee: "fuckyou", "stfu".
_SELF_ADDRESSED = frozenset("fuckyou fuckoff stfu gtfo".split())
SECOND_PERSON = frozenset("you your youre you're ur u yourself yourselves ya yall y'all thou".split())
THIRD_PERSON_SUBJECTS = frozenset(
    "he she they he's she's they're him her them author writer reporter journalist editor "
    "poster commenter op guy woman man".split())
COPULAS = frozenset("is are was were be being been a an such what 's".split())
# Words that show a slur is being talked about rather than used.
MENTION_MARKERS = frozenset(
    "word words term terms slur slurs called calling call calls say says said saying use uses "
    "used using yelled shouted wrote write quote quoted quoting n-word describe describes described "
    "describing label labels labelled labeled labelling labeling".split())
CONDEMNATION_MARKERS = frozenset(
    "disgusting unacceptable wrong racist racism bigoted bigotry bigot hateful hate offensive "
    "shameful ashamed vile horrible appalling abhorrent despicable inexcusable deplorable "
    "never stop condemn condemned condemns apologize apologise apology banned report reported "
    "harassment abuse abusive hurtful ugly dehumanizing dehumanising sickening sexist sexism misogynist "
    "misogynistic misogyny homophobic homophobia transphobic transphobia islamophobic islamophobia "
    "antisemitic antisemitism xenophobic xenophobia ableist ableism prejudice prejudiced discriminatory "
    "discrimination slur slurs".split())
NEGATIONS = frozenset("not no never isn't isnt aren't arent wasn't wasnt don't dont doesn't doesnt didn't didnt "
                      "won't wont".split())
# A speaker naming themselves as one of the group: "as a queer woman", "we dykes", "i'm a proud fag".
IN_GROUP_MARKERS = re.compile(r"\b(?:as an?|i'?m|i am|we|we're|us|our|my fellow|fellow)\b")
# Idioms where a listed word means something harmless.
HARMLESS_IDIOMS = re.compile(
    r"\bchinks? in (?:the |its |his |her |their |our )?armou?r|\bhomo sapiens|\bhoe[- ]?down"
    r"|\bmagna cum laude|\bscrew(?:ed|s|ing)? (?:up|over|it)|\bpig(?:s)? (?:farm|farmer|farming|flu|iron)"
    r"|\bguinea pigs?|\bdamn(?:ed)? if\b|\bfool(?:ed|s)? (?:around|proof)|\bhell (?:of|yes|no)\b"
    r"|\brat race|\bdick (?:cheney|van dyke|durbin)|\bgarbage (?:collection|truck|bin|man|men)"
    r"|\btrash (?:collection|can|bin|talk)|\bhonky[- ]?tonks?"
    r"|\bfaggots? (?:and peas|in gravy|and mash)|\bbundles? of faggots|\bfaggots? for the (?:fire|stove|wood)"
    r"|\bspastic (?:colon|paraplegia|diplegia|cerebral)|\b(?:maine )?coon cats?\b|\bretard(?:s|ed|ing)? the "
    r"(?:ignition|timing|spark|growth|reaction|process|fire|spread)")


@dataclass(frozen=True)
class Term:
    word: str
    score: float
    reclaimable: bool
    descriptive: bool = False
    aimed: bool = False


@lru_cache(maxsize=None)
def load_word_list(name: str) -> dict[str, Term]:
    """Read a shipped list (`profanity`, `insults`, `slurs`, `sexual`) into word -> Term.

    An entry written out in full wins over a form that a `term*` entry expands to.
    """
    text = resources.files("rostra.moderation.lexicons").joinpath(f"{name}.txt").read_text("utf-8")
    expanded: dict[str, Term] = {}
    explicit: dict[str, Term] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, score, *flags = line.split()
        stem = word.rstrip("*")
        term = Term(stem, float(score), "reclaimable" in flags, "descriptive" in flags, "aimed" in flags)
        explicit[stem] = term
        if word.endswith("*"):
            for form in inflections(stem):
                expanded.setdefault(form, Term(form, term.score, term.reclaimable, term.descriptive, term.aimed))
    return {**expanded, **explicit}


def inflections(stem: str) -> set[str]:
    """The forms a `term*` entry matches: the stem with the usual English endings."""
    forms = {stem + suffix for suffix in _SUFFIXES}
    if stem.endswith("e"):
        forms |= {stem[:-1] + suffix for suffix in ("ing", "ed", "er", "ers", "y")}
    if len(stem) >= 3 and stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou" and stem[-3] not in "aeiou":
        forms |= {stem + stem[-1] + suffix for suffix in _DOUBLING_SUFFIXES}
    return forms


class WordLists:
    """All shipped word lists, plus a site's banned and suspect words, matched in one pass."""

    def __init__(self, banned_words: tuple[str, ...] = (), suspect_words: tuple[str, ...] = ()):
        self.profanity = load_word_list("profanity")
        self.insults = load_word_list("insults")
        self.slurs = load_word_list("slurs")
        self.sexual = load_word_list("sexual")
        self.vocabulary = frozenset(self.profanity) | set(self.insults) | set(self.slurs) | set(self.sexual)
        self.site_words = {"banned": _site_word_pattern(banned_words),
                           "suspect": _site_word_pattern(suspect_words)}

    def scan(self, normalized: NormalizedText, words: frozenset[str], evidence: Evidence) -> None:
        """Add a hit for every listed word, weighed by its context, to `evidence`.

        `words` is the set of the normalized text's TOKEN matches, computed once per comment.
        """
        text = normalized.text
        for kind, pattern in self.site_words.items():
            if pattern is not None:
                for match in pattern.finditer(text):
                    evidence.site_words.append((kind, normalized.span_to_original(*match.span())))
        if self.vocabulary.isdisjoint(words):
            return
        tokens = [(match.group(), match.start(), match.end()) for match in TOKEN.finditer(text)]
        harmless = [match.span() for match in HARMLESS_IDIOMS.finditer(text)]
        sentence_context = _SentenceContext(text, tokens)
        seen_sexual_words: set[str] = set()
        listed = [index for index, (word, start, _) in enumerate(tokens)
                  if word in self.vocabulary and not any(a <= start < b for a, b in harmless)]
        for index in listed[:MAX_LISTED_WORDS]:
            word, start, end = tokens[index]
            span = normalized.span_to_original(start, end)
            context = sentence_context.around(index)
            self._weigh(word, span, index, tokens, context, normalized, evidence, seen_sexual_words)

    def _weigh(self, word, span, index, tokens, context, normalized, evidence, seen_sexual_words) -> None:
        """Add the hits one listed word earns, by list, given who it is aimed at and its sentence."""
        target = _target_of(index, tokens, normalized.text)
        if word in self.profanity:
            term = self.profanity[word]
            evidence.add(Hit("profanity", term.score, span, PHASE))
            if self._curse_is_aimed(term, index, tokens, target):
                evidence.add(Hit("toxicity", min(0.95, term.score), span, PHASE))
                evidence.add(Hit("insult", term.score * 0.9, span, PHASE))
                evidence.targeted_profanity = True
            else:
                evidence.add(Hit("toxicity", term.score * 0.6, span, PHASE))
                evidence.untargeted_profanity_spans.append(span)
        if word in self.insults:
            term = self.insults[word]
            if target is None and not term.descriptive:
                target = "third_person"  # "an idiot" names a person even when nobody is named
            weight = {"second_person": 1.0, "third_person": 0.75}.get(target, 0.4)
            if context.negated_before(index):
                weight *= 0.5
            score = term.score * weight
            evidence.add(Hit("insult", score, span, PHASE))
            evidence.add(Hit("toxicity", score * 0.95, span, PHASE))
            if target == "second_person":
                evidence.targeted_insult = True
            elif target is None:
                evidence.untargeted_insult_spans.append(span)
            if (context.names_group and target != "second_person" and not context.counter_speech
                    and not context.negated_before(index)):
                evidence.add(Hit("identity_attack", term.score * 0.8, span, PHASE))
        if word in self.slurs:
            term = self.slurs[word]
            score = term.score
            if context.counter_speech:
                score *= 0.25
                evidence.condemned_spans.append(span)
            elif target != "second_person" and context.quoted(span, normalized.original):
                score *= 0.5
                evidence.condemned_spans.append(span)
            elif term.reclaimable and target != "second_person" and context.in_group_use(tokens[index][1]):
                score *= 0.3
            evidence.add(Hit("identity_attack", score, span, PHASE))
            evidence.add(Hit("toxicity", score * 0.95, span, PHASE))
            if target == "second_person" and score >= 0.8:
                evidence.add(Hit("severe_toxicity", score * 0.9, span, PHASE))
                evidence.add(Hit("insult", score, span, PHASE))
        if word in self.sexual:
            repeat = word in seen_sexual_words
            seen_sexual_words.add(word)
            evidence.add(Hit("sexually_explicit", self.sexual[word].score, span, PHASE, repeat=repeat))

    def _curse_is_aimed(self, term: Term, index: int, tokens: list[tuple[str, int, int]],
                        target: str | None) -> bool:
        """Whether a curse abuses someone: "fuck you", "fuck off", "you bitch", "you fucking idiot".

        A curse near "you" that only intensifies ("are you fucking serious?", "whatever the fuck you
        want") is not aimed at anyone.
        """
        if term.word in _SELF_ADDRESSED:
            return True
        if index > 0 and tokens[index - 1][0] in ("the", "what"):
            return False
        if index > 1 and tokens[index - 1][0] == "of" and tokens[index - 2][0] in ("piece", "sack", "bag", "lump"):
            return target == "second_person" or index == 2  # "you piece of shit", "Piece of shit."
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if following in ("you", "u", "ya", "yourself", "urself", "off"):
            return True
        if target != "second_person":
            return False
        aimed_curse = self.profanity.get(following)
        return (term.aimed or following in self.insults or following in self.slurs
                or bool(aimed_curse and aimed_curse.aimed))


def _site_word_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """Match a site's words as whole words on normalized text, so evasions of them match too."""
    forms = sorted({normalize(word.strip()).text for word in words if word.strip()}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(form) for form in forms) + r")(?![^\W_])")


def _target_of(index: int, tokens: list[tuple[str, int, int]], text: str) -> str | None:
    """Who a word is aimed at: `second_person`, `third_person`, or None when nobody in reach.

    Besides "you" nearby, a word said to someone counts as second person: after "shut up", or as a
    vocative closing a sentence after a comma ("nice try, moron").
    """
    before = [word for word, _, _ in tokens[max(0, index - 4):index]]
    after = [word for word, _, _ in tokens[index + 1:index + 3]]
    if SECOND_PERSON.intersection(before) or SECOND_PERSON.intersection(after):
        return "second_person"
    if "shut up" in " ".join(before) or _is_vocative(index, tokens, text):
        return "second_person"
    if THIRD_PERSON_SUBJECTS.intersection(before) and COPULAS.intersection(before):
        return "third_person"
    if before and before[-1] in ("a", "an") and len(before) >= 2 and before[-2] in ("what", "such"):
        return "third_person"
    return None


def _is_vocative(index: int, tokens: list[tuple[str, int, int]], text: str) -> bool:
    """A word set off by a comma at the end of its sentence: "Thanks for nothing, idiot."."""
    _, start, end = tokens[index]
    previous_end = tokens[index - 1][2] if index else 0
    next_start = tokens[index + 1][1] if index + 1 < len(tokens) else len(text)
    return index > 0 and "," in text[previous_end:start] and (
        next_start == len(text) or bool(_SENTENCE_END.search(text, end, next_start)))


_SENTENCE_END = re.compile(r"[.!?;\n]+")
_SYMMETRIC_QUOTES = "\"`"
_WRAPPING_QUOTES = "'\"‘’“”`«»"
_PAIRED_QUOTES = (("“", "”"), ("«", "»"), ("‘", "’"))
IDENTITY_GROUPS = frozenset(
    """muslims muslim islam jews jew jewish blacks black africans immigrants immigrant migrants
    migrant refugees refugee mexicans mexican asians asian chinese arabs arab gays gay lesbians
    lesbian trans transgender homosexuals queers women woman girls females feminists christians
    christian catholics hindus hindu sikhs indians latinos hispanics gypsies roma disabled
    autistic""".split())


class _SentenceContext:
    """Facts about the sentence around a word: is a group named, is it counter-speech, is it negated."""

    def __init__(self, text: str, tokens: list[tuple[str, int, int]]):
        self.text = text
        self.tokens = tokens
        self.bounds = [match.end() for match in _SENTENCE_END.finditer(text)] + [len(text)]
        self.names_group = False
        self.counter_speech = False

    def around(self, index: int) -> _SentenceContext:
        start_char = self.tokens[index][1]
        sentence_start = max([0] + [b for b in self.bounds if b <= start_char])
        sentence_end = min(b for b in self.bounds if b > start_char)
        words = {word for word, start, _ in self.tokens if sentence_start <= start < sentence_end}
        whole = {word for word, _, _ in self.tokens}
        self.names_group = bool(IDENTITY_GROUPS & words)
        mentioned = bool(MENTION_MARKERS & words) or _quoted_in(self.text, start_char)
        negated = bool(NEGATIONS & {word for word, start, _ in self.tokens if sentence_start <= start < start_char})
        self.counter_speech = mentioned and (bool(CONDEMNATION_MARKERS & whole) or negated)
        return self

    def negated_before(self, index: int) -> bool:
        return any(word in NEGATIONS for word, _, _ in self.tokens[max(0, index - 4):index])

    def quoted(self, span: tuple[int, int], original: str) -> bool:
        """Inside quotation marks, or wrapped in single quotes: 'word' (an apostrophe never wraps a word)."""
        start, end = span
        wrapped = 0 < start and end < len(original) and original[start - 1] in _WRAPPING_QUOTES \
            and original[end] in _WRAPPING_QUOTES
        return wrapped or _quoted_in(original, start)

    def in_group_use(self, start_char: int) -> bool:
        sentence_start = max([0] + [b for b in self.bounds if b <= start_char])
        return bool(IN_GROUP_MARKERS.search(self.text, sentence_start, start_char))


def _quoted_in(text: str, position: int) -> bool:
    """Whether a quotation mark opens before `position` and closes after it on the same line."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:position]
    after = text[position:line_end]
    return any(quote in before and quote in after for quote in _SYMMETRIC_QUOTES) or any(
        opening in before and closing in after for opening, closing in _PAIRED_QUOTES)
