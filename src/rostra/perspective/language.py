"""A cheap, conservative language guess, so an unlabelled non-English comment is refused, not misread.

Rostra's models are English only. This is not a real language identifier: it looks at the script of
the letters and counts very common function words of a few Latin-script languages. It answers "en"
unless the evidence against English is clear, because refusing an English comment is worse than
scoring a short foreign one.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+")

# Script name prefix in the Unicode character name -> ISO 639-1 code of the likeliest language.
_SCRIPTS = (("CYRILLIC", "ru"), ("GREEK", "el"), ("ARABIC", "ar"), ("HEBREW", "he"),
            ("DEVANAGARI", "hi"), ("HANGUL", "ko"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"),
            ("CJK", "zh"), ("THAI", "th"), ("BENGALI", "bn"), ("TAMIL", "ta"), ("GEORGIAN", "ka"),
            ("ARMENIAN", "hy"))

_FUNCTION_WORDS = {
    "en": "the and is are was were you your that this with for not have has it of to in on be "
          "they what but just like about would could should there their from will don't i'm",
    "es": "el la los las que de y en es un una por para con no se lo su al del pero como muy "
          "está son también porque esto",
    "fr": "le la les des est et une un du que qui dans pour pas sur avec ce cette sont mais "
          "nous vous je tu il elle très",
    "de": "der die das und ist nicht ein eine ich du er sie wir ihr mit auf für den dem des "
          "sich auch aber oder wenn",
    "pt": "o a os as que de e é um uma não com para por mas está são muito você isso também "
          "da do das dos",
    "it": "il lo la gli le che di e è un una non per con sono ma anche questo come più del della",
    "nl": "de het een en is niet dat van ik je we zijn met voor op maar ook wat",
}
_WORD_SETS = {language: frozenset(words.split()) for language, words in _FUNCTION_WORDS.items()}

# How much stronger the evidence for another language must be before English is ruled out.
_MIN_FOREIGN_HITS = 3
_FOREIGN_RATIO = 2.0
_MIN_SCRIPT_SHARE = 0.5


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, "en" when unsure."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return "en"
    script = _dominant_script(letters)
    if script:
        return script
    words = [word.lower() for word in _WORD.findall(text)]
    hits = {language: sum(word in vocabulary for word in words)
            for language, vocabulary in _WORD_SETS.items()}
    english = hits.pop("en")
    language, foreign = max(hits.items(), key=lambda item: item[1])
    if foreign >= _MIN_FOREIGN_HITS and foreign >= _FOREIGN_RATIO * max(english, 1):
        return language
    return "en"


def _dominant_script(letters: list[str]) -> str | None:
    counts: dict[str, int] = {}
    for char in letters:
        if char.isascii():
            continue
        name = unicodedata.name(char, "")
        for prefix, language in _SCRIPTS:
            if name.startswith(prefix):
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts:
        return None
    language, count = max(counts.items(), key=lambda item: item[1])
    return language if count / len(letters) >= _MIN_SCRIPT_SHARE else None
