"""Normalization undoes evasions and keeps every character traceable to the original text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rostra.moderation.normalize import normalize


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # Unicode look-alikes: Cyrillic, Greek, Armenian, fullwidth, mathematical letters, ligatures.
        ("fuсk", "fuck"),
        ("ΒΙΤCΗ", "bitch"),
        ("ΝΑΖΙ", "nazi"),
        ("Ѕ Н І Т", "shit"),
        ("fսck", "fuck"),
        ("Ｆｕｃｋ", "fuck"),
        ("𝐟𝐮𝐜𝐤", "fuck"),
        ("𝓈𝒽𝒾𝓉", "shit"),
        ("ﬁne", "fine"),
        # Small capitals, IPA and hooked letters, boxed letters and flag letters.
        ("ʏᴏᴜ ɪᴅɪᴏᴛ", "you idiot"),
        ("ꜰᴜᴄᴋ", "fuck"),
        ("ɓɨʈcɦ", "bitch"),
        ("ƒuck", "fuck"),
        ("🅵🆄🅲🅺", "fuck"),
        ("🇫🇺🇨🇰", "fuck"),
        # Invisible and combining characters.
        ("fu\u200bck", "fuck"),
        ("f\u00adu\u200dc\ufeffk", "fuck"),
        ("f̶u̶c̶k̶", "fuck"),
        ("fúćk", "fuck"),
        # Leetspeak, masks and look-alike letters inside words.
        ("f4ck", "fuck"),
        ("b1tch", "bitch"),
        ("$h1t", "shit"),
        ("@ss", "ass"),
        ("a55hole", "asshole"),
        ("n1gg3r", "nigger"),
        ("ni99er", "nigger"),
        ("fa99ot", "faggot"),
        ("1d10t", "idiot"),
        ("1diot", "idiot"),
        ("you 1di0t!", "you idiot!"),
        ("f4ck!", "fuck!"),
        ("sh1t!!", "shit!!"),
        ("sh*t", "shit"),
        ("f**k", "fuck"),
        ("fvck", "fuck"),
        # Spaced or punctuated single letters.
        ("f u c k", "fuck"),
        ("f.u.c.k", "fuck"),
        ("f-u-c-k", "fuck"),
        ("s h 1 t", "shit"),
        ("f u c k you", "fuck you"),
        ("f u c k u", "fuck u"),
        # A one-letter word before or after spaced letters stays a word of its own.
        ("you are a m o r o n", "you are a moron"),
        ("you are a f u c k i n g idiot", "you are a fucking idiot"),
        ("i d i o t", "idiot"),
        # Stretched letters.
        ("fuuuuck", "fuck"),
        ("shiiit", "shit"),
        ("asssss", "ass"),
        ("kiiiilll", "kill"),
        # Case.
        ("FUCK", "fuck"),
        # Evasions next to an address are still read.
        ("mail bob99@mail.com, you 1d10t", "mail bob99@mail.com, you idiot"),
    ],
)
def test_evasions_read_as_the_plain_word(written, read):
    assert normalize(written).text == read


@pytest.mark.parametrize(
    "text",
    [
        "1488 is not a number anyone should print",
        "I am 4 years older than my brother",
        "The 1st and 3rd votes, the mp3, 4chan and Covid19",
        "I have a very good view of the river",
        "Привет мир",
        "Как дела? Сок и ТЕКСТ",
        "Καλημερα κοσμε, ΤΟ ΚΑΚΟ",
        "World War III and www.example.com",
        "a b and 1 2 3",
        "In 1999 we had 99 problems, 9gag, an i9 and a 9mm for $9.99",
        "Mail bob99@mail.com or jane.doe@example.org, see https://example.com/p4ge?id=1a2b3c and goo.gl/xxxyz",
        "I am a b c",
        "Options a 1 2 3, b 1 2 3, x 2 y and a, b, 2, 4",
        "Thanks @john and @anna_k, see @4chan",
    ],
)
def test_ordinary_text_keeps_its_words_and_numbers(text):
    assert normalize(text).text == text.lower()


def test_evasion_inside_a_sentence_maps_back_to_the_typed_characters():
    original = "You are a f\u200bu\u200bc\u200bk\u200bi\u200bn\u200bg  ｉｄｉｏｔ, seriously."
    result = normalize(original)
    assert result.text == "you are a fucking  idiot, seriously."
    start = result.text.index("idiot")
    mapped = result.span_to_original(start, start + len("idiot"))
    assert original[mapped[0] : mapped[1]] == "ｉｄｉｏｔ"
    start = result.text.index("fucking")
    mapped = result.span_to_original(start, start + len("fucking"))
    assert original[mapped[0] : mapped[1]] == "f\u200bu\u200bc\u200bk\u200bi\u200bn\u200bg"


def test_spaced_word_span_covers_the_separators_in_the_original():
    original = "well f.u.c.k you"
    result = normalize(original)
    start = result.text.index("fuck")
    assert result.span_to_original(start, start + 4) == (5, 12)


def test_spaced_word_after_an_article_maps_back_without_the_article():
    original = "you are a m o r o n"
    result = normalize(original)
    start = result.text.index("moron")
    mapped = result.span_to_original(start, start + len("moron"))
    assert original[mapped[0] : mapped[1]] == "m o r o n"


def test_span_outside_the_text_is_refused():
    with pytest.raises(ValueError, match="outside"):
        normalize("abc").span_to_original(2, 9)


TEXTS = st.text(
    alphabet=st.sampled_from(list("abcfkstuv 014@$*!.-\u200bАсΗＦ𝐟é\u0301ﬁßᴀɪ🇫\n")) | st.characters(),
    max_size=60,
)


@given(TEXTS)
def test_offsets_are_monotone_and_inside_the_original(original):
    result = normalize(original)
    assert len(result.offsets) == len(result.text)
    assert all(0 <= offset < len(original) for offset in result.offsets)
    assert all(a <= b for a, b in zip(result.offsets, result.offsets[1:]))


@given(TEXTS, st.data())
def test_spans_map_onto_the_characters_they_came_from(original, data):
    result = normalize(original)
    if not result.text:
        return
    start = data.draw(st.integers(0, len(result.text) - 1))
    end = data.draw(st.integers(start + 1, len(result.text)))
    mapped_start, mapped_end = result.span_to_original(start, end)
    assert 0 <= mapped_start < mapped_end <= len(original)
    assert mapped_start == result.offsets[start]
    assert mapped_end > result.offsets[end - 1]
    # Each normalized character comes from an original character in the mapped span.
    assert all(mapped_start <= result.offsets[i] < mapped_end for i in range(start, end))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.'?", max_size=80))
def test_plain_lower_case_prose_maps_character_for_character(original):
    result = normalize(original)
    for position, char in enumerate(result.text):
        assert original[result.offsets[position]] == char
