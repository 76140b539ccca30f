"""Normalising Vietnamese unit names so that spelling variants match.

"Sở Tư pháp"/"Sở Tư Pháp", "Tỉnh ủy"/"Tỉnh uỷ", "UBND xã, phường"/"UBND xã phường" must be
the same key: case, Unicode form, tone-mark placement and punctuation are ignored. Tone marks
themselves are kept ("Sở Y tế" is not "Sở Y tê"), only their placement is made canonical.
"""

import re
import unicodedata

# Old-style tone placement (hoà, uỷ, thuý) → new style (hòa, ủy, thúy): the tone moves from
# the second vowel of oa/oe/uy to the first. After NFD the tone is a combining mark, so the
# fix is done on decomposed text where vowel and mark are separate code points.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_OLD_STYLE = re.compile(rf"([oO])([aAeE])([{_TONES}])|([uU])([yY])([{_TONES}])")


def _canonical_tone_placement(decomposed: str) -> str:
    def move(m: re.Match) -> str:
        if m.group(1):
            return m.group(1) + m.group(3) + m.group(2)
        return m.group(4) + m.group(6) + m.group(5)

    return _OLD_STYLE.sub(move, decomposed)


def name_key(name: str) -> str:
    """The matching key of a unit name: lower case, canonical tones, no punctuation."""
    text = unicodedata.normalize("NFD", name or "")
    text = _canonical_tone_placement(text)
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def search_key(text: str) -> str:
    """Accent-free lower-case text for search: "Chuyển đổi số" → "chuyen doi so"."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = re.sub(r"[^\w\s%]", " ", text)
    return " ".join(text.split())


def clean_text(value) -> str:
    """A cell's text joined across line breaks into single-spaced NFC text."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split())


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, the
# tone (none, grave, hook, tilde, acute, dot below) deciding only between otherwise equal words.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple:
    """A key sorting names as Vietnamese dictionaries do ("Bảo Vinh" before "Bình Sơn", "Điện
    lực" after "Dân tộc", "Ủy ban" among the u's), case-insensitive. Other characters sort by code
    point after the letters."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", (text or "").casefold()):
        if char in _TONE_ORDER and letters:
            tones[-1] = _TONE_ORDER[char]
        elif unicodedata.combining(char) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)  # ă â ê ô ơ ư
        else:
            letters.append(char)
            tones.append(0)
    ranks = tuple((0, _RANK[c]) if c in _RANK else (1, ord(c[0])) for c in letters)
    return ranks, tuple(tones)


def in_vi_order(units) -> list:
    """Units (anything with a `name`) sorted as Vietnamese dictionaries sort their names."""
    return sorted(units, key=lambda u: vi_sort_key(u.name))
