"""What a reader can actually see: a body or a name made only of invisible characters is empty, and
a name may not reverse the text around it or break the line it is shown on."""

from __future__ import annotations

import unicodedata

# Control, format (zero-width, bidi), separator, combining, private-use, unassigned, surrogate.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn", "Cs"})
# Letters and symbols that fonts draw blank (Hangul fillers, the braille blank).
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Characters that change the direction of the text after them (U+202E shows "gnp.exe" for "exe.png").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def is_invisible(character: str) -> bool:
    return character in _BLANK_CHARACTERS or unicodedata.category(character) in _INVISIBLE_CATEGORIES


def has_visible_text(text: str) -> bool:
    """True when something remains once invisible and control characters are removed."""
    return not all(is_invisible(character) for character in text)


def name_problem(name: str) -> str | None:
    """Why `name` cannot be shown as a display name, or None when it can."""
    if not has_visible_text(name):
        return "the name has no visible characters"
    if any(character in BIDI_CONTROLS for character in name):
        return "the name may not contain characters that change the text direction"
    if any(character in LINE_BREAKS for character in name):
        return "the name may not contain line breaks"
    if any(unicodedata.category(character) == "Cc" for character in name):
        return "the name may not contain control characters"
    return None
