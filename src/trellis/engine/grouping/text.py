"""English wording helpers of the grouping engine: group letters, names
joined in a sentence, figures with two decimals."""

from __future__ import annotations

from collections.abc import Sequence


def _label(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def letter(i: int) -> str:
    """The i-th group letter (0 -> A, 25 -> Z, 26 -> AA)."""
    return _label(i)


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def join_names(words: Sequence[str], limit: int = 12) -> str:
    """Names joined in words; beyond ``limit``, "and N others"."""
    if len(words) <= limit:
        return join_words(words)
    return ", ".join(words[:limit]) + f" and {len(words) - limit} others"


def f2(x: float) -> str:
    return f"{x:.2f}"
