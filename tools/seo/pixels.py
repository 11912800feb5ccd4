"""Estimate how wide a title renders in a search result, in pixels.

Google shows result titles in Arial at about 20 px and cuts them near 580–600 px, so the
audit sums per-character advance widths of Arial (in font units of a 2048-unit em) scaled
to 20 px. It is an estimate: the real cut depends on the browser and the device.
"""

from __future__ import annotations

import unicodedata

FONT_SIZE_PX = 20.0
UNITS_PER_EM = 2048.0

# Arial advance widths (font units). Characters not listed fall back by category below.
_WIDTHS: dict[str, int] = {
    " ": 569, "!": 569, '"': 727, "#": 1139, "$": 1139, "%": 1821, "&": 1366, "'": 391,
    "(": 682, ")": 682, "*": 797, "+": 1196, ",": 569, "-": 682, ".": 569, "/": 569,
    ":": 569, ";": 569, "<": 1196, "=": 1196, ">": 1196, "?": 1139, "@": 2079, "[": 569,
    "\\": 569, "]": 569, "^": 961, "_": 1139, "`": 682, "{": 684, "|": 532, "}": 684, "~": 1196,
    "a": 1139, "b": 1139, "c": 1024, "d": 1139, "e": 1139, "f": 569, "g": 1139, "h": 1139,
    "i": 455, "j": 455, "k": 1024, "l": 455, "m": 1706, "n": 1139, "o": 1139, "p": 1139,
    "q": 1139, "r": 682, "s": 1024, "t": 569, "u": 1139, "v": 1024, "w": 1479, "x": 1024,
    "y": 1024, "z": 1024,
    "A": 1366, "B": 1366, "C": 1479, "D": 1479, "E": 1366, "F": 1251, "G": 1593, "H": 1479,
    "I": 569, "J": 1024, "K": 1366, "L": 1139, "M": 1706, "N": 1479, "O": 1593, "P": 1366,
    "Q": 1593, "R": 1479, "S": 1366, "T": 1251, "U": 1479, "V": 1366, "W": 1933, "X": 1366,
    "Y": 1366, "Z": 1251,
    "–": 1139, "—": 2048, "‘": 455, "’": 455, "“": 682, "”": 682, "…": 2048, "|": 532,
    "·": 569, "•": 717, "«": 1139, "»": 1139, "€": 1139, "£": 1139,
}
_DIGIT = 1139
_OTHER_LETTER = 1139
_WIDE = 2048  # CJK and other full-width characters


def char_width_units(ch: str) -> int:
    if ch in _WIDTHS:
        return _WIDTHS[ch]
    if ch.isdigit():
        return _DIGIT
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE
    # Accented Latin letters are as wide as their base letter ("é" as "e").
    base = unicodedata.normalize("NFD", ch)[0]
    if base in _WIDTHS:
        return _WIDTHS[base]
    return _OTHER_LETTER


def title_pixel_width(text: str, font_size_px: float = FONT_SIZE_PX) -> float:
    units = sum(char_width_units(ch) for ch in text)
    return round(units * font_size_px / UNITS_PER_EM, 1)
