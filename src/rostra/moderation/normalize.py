"""Text normalization against evasion, keeping a map back to the original characters.

Writers dodge filters with look-alike letters, invisible characters, leetspeak, spaced letters and
stretched words. Everything that scores a comment reads the normalized text; every span found there
maps back to the original through `NormalizedText.offsets`, so a moderator sees the characters the
author actually typed.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Cyrillic, Greek and Armenian letters that look like Latin ones. Capitals are read before case
# folding, since some differ from their small letter (Greek capital eta looks like H, small eta like n).
_CONFUSABLE_CAPITALS = {
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j", "Һ": "h", "Ԛ": "q", "Ԝ": "w",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
}
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g", "ı": "i",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "σ": "o", "μ": "u",
    "ս": "u", "օ": "o", "ո": "n", "հ": "h", "ց": "g", "ք": "p",
}
# Latin letters that NFKD leaves alone but that read as a plain letter: small capitals (ʏᴏᴜ ɪᴅɪᴏᴛ),
# IPA letters, letters with a hook, stroke or tail, and letters drawn in a box or as a flag symbol.
_LATIN_LOOKALIKES = {
    pair[0]: pair[1]
    for pair in """
    ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ꞯq ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz
    ɑa ɓb ƀb ƈc ɕc ɖd ɗd đd ɘe əe ɛe ɜe ɇe ƒf ɠg ɦh ħh ɨi ɩi ɟj ɉj ʝj ƙk ɫl ɬl ɭl łl ƚl
    ɱm ɲn ɳn ɵo øo ƥp ʠq ɼr ɽr ɾr ɍr ʂs ȿs ʈt ŧt ƭt ʉu ʋv ɏy ʐz ʑz ƶz ȥz ɀz
    """.split()
} | {
    chr(block + index): letter
    for index, letter in enumerate("abcdefghijklmnopqrstuvwxyz")
    for block in (0x1F150, 0x1F170, 0x1F1E6)  # negative circled, negative squared, regional indicator
}
# Format characters that render as nothing but split words for a naive matcher.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f"}

# Digits and symbols standing for letters inside a word.
_LEET = {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t", "9": "g"}
# These stand for a letter only between two letters (ni99er): at an edge they are a number's (9gag).
_LEET_INTERIOR_ONLY = frozenset("9")
# Only these stand for a letter at the very start (`$hit`) or end (`a55`, `a$$`) of a word without
# leetspeak inside it: elsewhere an edge digit is more likely part of an ordinal, a unit or a name
# ("1st", "mp3", "4chan") and an `@` starts a mention (@john); those are letters only when that
# spells a disguised word (1diot, @ss).
_LEET_LEADING = frozenset("$5")
_LEET_TRAILING = frozenset("$5")
_MASKS = frozenset("*")
_NEVER_TRAILING = "!*"
_VOWELS = "aeiou"
# English words of a single letter, which a run of spaced letters may start with.
_ONE_LETTER_WORDS = frozenset("ai")
# Letters that English doubles in the words that matter here (ass, kill, faggot, boobs, feel,
# butt, happy, off): a stretched run of them squeezes to two, any other letter to one.
_DOUBLED_LETTERS = frozenset("slgoetpf")

# Words that evasions most often disguise. A disguised word whose plain leet reading is not one of
# them is re-read with each vowel (or any letter, for a mask such as `*`) in the ambiguous places,
# and taken when exactly one reading is such a word: f4ck -> fuck, sh*t -> shit, fvck -> fuck.
_EVASION_TARGETS = frozenset(
    """
    fuck fucks fucked fucker fuckers fucking fuk motherfucker shit shits shitty bullshit bitch
    bitches cunt cunts dick dicks dickhead cock cocks slut sluts whore whores nigger niggers nigga
    niggas faggot faggots fag fags retard retards retarded idiot idiots stupid moron morons kill
    rape raped rapist suck sucks pussy penis bastard bastards damn hell ass asshole assholes
    crap piss pissed tits dumb dumbass kike kikes spic chink twat wanker porn sex nazi nazis
    """.split()
)
_MAX_READINGS = 4096
# Offsets of text that keeps every character, shared by slicing: most comments are shorter.
_IDENTITY_OFFSETS = tuple(range(4096))

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_WORD_CHARS = r"[^\W_]|[@$!*]"
_WORD = re.compile(rf"(?:{_WORD_CHARS})+")
_SEPARATOR = r"[ \t.\-_*,+/|~:;·•]"
# Three or more single characters, each standing alone, with the same separator between them.
_SPACED_RUN = re.compile(
    rf"(?<![^\W_])[^\W_](?P<separator>{_SEPARATOR}{{1,3}})[^\W_](?![^\W_])"
    r"(?:(?P=separator)[^\W_](?![^\W_]))+"
)
# A quick first test for it, two characters standing alone: starting at the separator, the search
# skips ordinary text faster than one starting at every letter.
_SPACED_PAIR = re.compile(
    rf"{_SEPARATOR}(?<=(?<![^\W_])[^\W_]{_SEPARATOR}){_SEPARATOR}{{0,2}}[^\W_](?![^\W_])"
)
# Web and e-mail addresses keep their digits and letters as typed: they are not leetspeak.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|info|biz|io|co|uk|de|fr|ru|eu|me|ly|gl|tv)\b(?:/\S*)?"
)
# A run of three or more of one letter inside a word; a word that is only the run ("www", "III",
# "zzz") is left alone. Any character three times in a row is a quick first test for it.
_STRETCH = re.compile(r"(?<=[^\W\d_])([^\W\d_])\1{2,}|([^\W\d_])\2{2,}(?=[^\W\d_])")
_THREE_IN_A_ROW = re.compile(r"(.)\1\1")
# `v` read as `u` only between two consonants (fvck), never in ordinary words (have, very).
_CONSONANT_V = re.compile(r"(?<=[b-df-hj-np-tv-z])v(?=[b-df-hj-np-tv-z])")
# A word that may hide leetspeak, a mask or a `v` for `u`. Each alternative starts with the telling
# character and looks around it afterwards, so that the search skips ordinary text quickly.
_NEEDS_WORD_PASS = re.compile(
    r"""[@$!*\dv](?:
        (?<=[^\W_][@$!*]) | (?<=[@$!*])(?=[^\W_])      # a symbol touching a letter: sh*t, @ss
      | (?<=[a-z]\d) | (?<=\d)(?=[a-z])                # a digit touching a letter: b1tch, 1diot
      | (?<=[b-df-hj-np-tv-z]v)(?=[b-df-hj-np-tv-z])   # v between consonants: fvck
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text with, for every character, the index of the original character it came from."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a `[start, end)` span on the normalized text onto the original text.

        The span grows over invisible or combining characters directly after its last character,
        so that removing the span from the original leaves none of the word behind.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the normalized text of length {len(self.text)}")
        if start == end:
            position = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return position, position
        original_end = self.offsets[end - 1] + 1
        while original_end < len(self.original) and _is_dropped(self.original[original_end]):
            original_end += 1
        return self.offsets[start], original_end


def normalize(text: str) -> NormalizedText:
    """Undo common evasions and case-fold, tracking where every character came from."""
    if text.isascii():
        folded = text.lower()
        offsets: Sequence[int] = _identity_offsets(len(text))
        if _SPACED_PAIR.search(folded) and _SPACED_RUN.search(folded):
            folded, offsets = _without(_spaced_separators(folded), folded, offsets)
    else:
        chars, offsets, lookalikes = _fold_characters(text)
        folded = "".join(chars)
        # Spaced look-alikes are joined first, so that the joined word is judged whole (Ѕ Н І Т).
        if _SPACED_PAIR.search(folded) and _SPACED_RUN.search(folded):
            folded, offsets, lookalikes = _without(_spaced_separators(folded), folded, offsets, lookalikes)
        folded = _replace_confusables(folded, lookalikes)
    if _NEEDS_WORD_PASS.search(folded):
        folded = _read_disguised_words(folded)
    if _THREE_IN_A_ROW.search(folded) and _STRETCH.search(folded):
        folded, offsets = _without(_stretch_extras(folded), folded, offsets)
    return NormalizedText(text, folded, tuple(offsets))


def _identity_offsets(length: int) -> tuple[int, ...]:
    if length <= len(_IDENTITY_OFFSETS):
        return _IDENTITY_OFFSETS[:length]
    return tuple(range(length))


def _without(drop: set[int], text: str, *parallel: Sequence) -> tuple:
    """The text and the sequences running parallel to it, without the positions in `drop`."""
    if not drop:
        return (text, *parallel)
    kept = [i for i in range(len(text)) if i not in drop]
    return ("".join([text[i] for i in kept]), *([sequence[i] for i in kept] for sequence in parallel))


def _is_dropped(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) in ("Mn", "Me", "Cf")


def _fold_characters(text: str) -> tuple[list[str], list[int], list[str | None]]:
    """Compatibility-decompose, drop invisible and combining marks, and case-fold each character.

    Also returns, per folded character, the Latin letter it looks like (None when it looks like none).
    """
    chars: list[str] = []
    offsets: list[int] = []
    lookalikes: list[str | None] = []
    ascii_start = 0
    for run in _NON_ASCII_RUN.finditer(text):
        # ASCII between the runs only needs lower case: a quick path for mostly English comments.
        chars += text[ascii_start : run.start()].lower()
        offsets += range(ascii_start, run.start())
        lookalikes += [None] * (run.start() - ascii_start)
        ascii_start = run.end()
        for index in range(run.start(), run.end()):
            char = text[index]
            if _is_dropped(char):
                continue
            for piece in unicodedata.normalize("NFKD", char):
                if unicodedata.combining(piece) or _is_dropped(piece):
                    continue
                capital_reading = _CONFUSABLE_CAPITALS.get(piece)
                for folded in piece.casefold():
                    folded = _LATIN_LOOKALIKES.get(folded, folded)
                    chars.append(folded)
                    offsets.append(index)
                    lookalikes.append(capital_reading or _CONFUSABLES.get(folded))
    chars += text[ascii_start:].lower()
    offsets += range(ascii_start, len(text))
    lookalikes += [None] * (len(text) - ascii_start)
    return chars, offsets, lookalikes


def _replace_confusables(text: str, lookalikes: list[str | None]) -> str:
    """Read look-alike letters as Latin in a word that mixes them with Latin letters (fuсk), or that
    is made only of look-alikes and then spells a disguised word (ΒΙΤϹΗ).

    A real Russian or Greek word has a letter with no Latin twin, or spells no such word when read
    as Latin (как, κόσμε), and stays intact.
    """
    if not any(lookalikes):
        return text
    result = list(text)
    for word in _WORD.finditer(text):
        positions = [i for i in range(word.start(), word.end()) if text[i].isalpha()]
        if not any(lookalikes[i] for i in positions):
            continue
        if not all(lookalikes[i] or text[i].isascii() for i in positions):
            continue
        reading = list(word.group())
        for i in positions:
            reading[i - word.start()] = lookalikes[i] or text[i]
        if any(text[i].isascii() for i in positions) or _read_word("".join(reading)) in _EVASION_TARGETS:
            result[word.start() : word.end()] = reading
    return "".join(result)


def _spaced_separators(text: str) -> set[int]:
    """Positions of the separators inside three or more single letters set apart by one repeated
    separator (f u c k, f.u.c.k): dropping them joins the letters into a word."""
    drop: set[int] = set()
    for run in _SPACED_RUN.finditer(text):
        positions = range(run.start(), run.end(), len(run.group("separator")) + 1)
        letters = "".join(text[i] for i in positions)
        if not any(c.isalpha() for c in letters):
            continue
        word = _spaced_word_bounds(letters)
        if word is not None:
            first, last = positions[word[0]], positions[word[1] - 1]
            drop.update(i for i in range(first + 1, last) if not text[i].isalnum())
    return drop


def _spaced_word_bounds(letters: str) -> tuple[int, int] | None:
    """Which of a run of spaced single letters spell the disguised word, as `[first, end)` indices.

    A one-letter word next to the run ("you are a m o r o n", "f u c k u") stays apart when the
    rest spells a word that evasions disguise, and otherwise when at least three letters follow it;
    such a word and two letters ("I am a b c") are not a spaced word at all. Spaced digits join only into such a word (s h 1 t),
    so that numbers and lists keep their digits apart (a 1 2 3, x 2 y).
    """
    count = len(letters)
    for first, end in ((0, count), (1, count), (0, count - 1), (1, count - 1)):
        if end - first >= 3 and _read_word(letters[first:end]) in _EVASION_TARGETS:
            return first, end
    if not letters.isalpha():
        return None
    if letters[0] in _ONE_LETTER_WORDS:
        return (1, count) if count > 3 else None
    return 0, count


def _read_disguised_words(text: str) -> str:
    """Read each word letter for letter (`_read_word`), outside web and e-mail addresses."""
    pieces = []
    position = 0
    for address in _ADDRESS.finditer(text):
        pieces += _WORD.sub(_read_word_match, text[position : address.start()]), address.group()
        position = address.end()
    pieces.append(_WORD.sub(_read_word_match, text[position:]))
    return "".join(pieces)


def _read_word_match(word: re.Match[str]) -> str:
    return _read_word(word.group())


def _read_word(word: str) -> str:
    """Read leetspeak and masked letters in a word that has letters, letter for letter; plain
    numbers stay."""
    if word.isalpha() and "v" not in word:
        return word
    # Exclamation marks and masks closing a word are punctuation, never letters (f4ck!, sh1t!!).
    core = word.rstrip(_NEVER_TRAILING)
    letter_positions = [i for i, c in enumerate(core) if c.isalpha()]
    if not letter_positions:
        return word
    first, last = letter_positions[0], letter_positions[-1]
    # A word with leetspeak between its letters (1d10t) is leetspeak at its edges too.
    leet_inside = any(c in _LEET for c in core[first:last])
    reading = _read_letters(core, first, last, leet_inside)
    if not leet_inside and reading not in _EVASION_TARGETS:
        # An edge digit is usually a number's ("1st"), unless reading it as a letter spells a
        # disguised word (1diot).
        edge_reading = _read_letters(core, first, last, edges_are_letters=True)
        if edge_reading in _EVASION_TARGETS:
            reading = edge_reading
    return reading + word[len(core) :]


def _read_letters(word: str, first: int, last: int, edges_are_letters: bool) -> str:
    """Read leetspeak between the letters at `first` and `last`, and at the edges when told or safe."""
    plain = list(word)
    ambiguous: list[int] = []
    for i, char in enumerate(word):
        if char in _LEET:
            interior = first < i < last
            at_edge = char not in _LEET_INTERIOR_ONLY
            leading = at_edge and i < first and (edges_are_letters or all(c in _LEET_LEADING for c in word[:first]))
            trailing = at_edge and i > last and (edges_are_letters or all(c in _LEET_TRAILING for c in word[last + 1 :]))
            if interior or leading or trailing:
                plain[i] = _LEET[char]
                ambiguous.append(i)
        elif char in _MASKS and first < i < last:
            ambiguous.append(i)
        elif char == "v" and 0 < i < len(word) - 1 and _CONSONANT_V.match(word, i):
            ambiguous.append(i)
    reading = "".join(plain)
    if not ambiguous or reading in _EVASION_TARGETS or len(word) > 14:
        return reading
    choices = []
    for i in ambiguous:
        if word[i] in _MASKS:
            choices.append("abcdefghijklmnopqrstuvwxyz")
        elif word[i] == "v":
            choices.append("vu")
        elif plain[i] in _VOWELS:
            choices.append(plain[i] + _VOWELS.replace(plain[i], ""))
        else:
            choices.append(plain[i])
    total = 1
    for options in choices:
        total *= len(options)
    if total > _MAX_READINGS:
        return reading
    matches = set()
    for letters in itertools.product(*choices):
        candidate = plain[:]
        for i, letter in zip(ambiguous, letters):
            candidate[i] = letter
        joined = "".join(candidate)
        if joined in _EVASION_TARGETS:
            matches.add(joined)
    if len(matches) == 1:
        return matches.pop()
    return reading


def _stretch_extras(text: str) -> set[int]:
    """Positions that shorten runs of three or more of a letter (fuuuuck -> fuck, asssss -> ass)
    outside web and e-mail addresses."""
    addresses = [range(address.start(), address.end()) for address in _ADDRESS.finditer(text)]
    drop: set[int] = set()
    for match in _STRETCH.finditer(text):
        if any(match.start() in address for address in addresses):
            continue
        keep = 2 if match.group()[0] in _DOUBLED_LETTERS else 1
        drop.update(range(match.start() + keep, match.end()))
    return drop
