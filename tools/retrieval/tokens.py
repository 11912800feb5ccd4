"""Terms for keyword search: lower-cased words, numbers without thousands separators.

Financial text is full of numbers written as "17,455" or "$(2,324)": both the question and the
passage must turn them into the same term, so separators go and signs and currency are dropped.
A light plural stemmer makes "revenues" find "revenue" without a stemming library.
"""

from __future__ import annotations

import re

_TERM = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves""".split()
)


def _stem(word: str) -> str:
    """Plural, -ed and -ing endings off, then a final e: repurchased, repurchases and
    repurchase all become "repurchas". Cheap, and consistent for query and passage alike."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 6 and word.endswith("ing"):
        word = word[:-3]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _number(token: str) -> str:
    # "17,455" -> "17455"; "3.50" stays; "1,234.5" -> "1234.5"
    if "," in token:
        head, _, tail = token.rpartition(".") if "." in token else (token, "", "")
        token = head.replace(",", "") + (f".{tail}" if tail else "") if "." in token else token.replace(",", "")
    return token


def terms(text: str) -> list[str]:
    """The BM25 terms of `text`, in order, repeats kept."""
    out: list[str] = []
    for token in _TERM.findall(text.lower()):
        if token[0].isdigit():
            out.append(_number(token))
        elif len(token) > 1 and token not in STOPWORDS:
            out.append(_stem(token))
    return out
