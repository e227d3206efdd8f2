"""Scoring an answer against an item's key. Pure functions of the item and the
raw answer, so that a correction or a replay scores exactly as the first time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import item as item_kinds
from trellis.curriculum.models.item import Item

NOT_A_NUMBER = _("“{value}” is not a number. Write a number such as 12, -3.5 or 3/4.")
EMPTY_ANSWER = _("Write an answer before submitting.")
NOT_AN_OPTION = _("Choose one of the options.")
# Marked for translation here, translated where raised (gettext).
CHOOSE_AT_LEAST_ONE = gettext_noop("Choose at least one of the options.")
OPTION_OUT_OF_RANGE = gettext_noop(
    "“{value}” is not one of the options (they are numbered 0 to {top})."
)
OPTION_TWICE = gettext_noop("Option {value} is chosen more than once.")
LIST_ONLY_FOR_MULTIPLE = gettext_noop(
    "Send a list of options only for a multiple-response item; send text here."
)
RUBRIC_POINTS_COUNT = _("Give a level for each of the {count} criteria.")
RUBRIC_POINTS_RANGE = _("Criterion “{name}” has levels 0 to {top}, not {value}.")

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_FRACTION = re.compile(r"^[+-]?\d+\s*/\s*\d+$")


@dataclass(frozen=True)
class Scored:
    """``correct`` is None until a rubric task is scored by a person."""

    answer: str
    correct: bool | None
    score: float | None


def normalise_text(value: str) -> str:
    """Case- and spacing-insensitive form: 'The  Ratio ' == 'the ratio'."""
    return _SPACES.sub(" ", value).strip().casefold()


def parse_number(value: str) -> float:
    """A decimal (point or comma) or a simple fraction; anything else is refused
    with a message rather than read as zero."""
    text = _SPACES.sub("", str(value)).replace(",", ".")
    if not text:
        raise ValidationError(EMPTY_ANSWER)
    if _NUMBER.match(text):
        return float(text)
    if _FRACTION.match(text):
        try:
            return float(Fraction(text))
        except ZeroDivisionError:
            pass
    raise ValidationError(NOT_A_NUMBER.format(value=str(value).strip()[:40]))


def score_answer(item: Item, raw: str) -> Scored:
    raw = "" if raw is None else str(raw)
    if item.kind == item_kinds.CHOICE:
        try:
            index = int(raw)
        except ValueError:
            raise ValidationError(NOT_AN_OPTION)
        if not 0 <= index < len(item.options):
            raise ValidationError(NOT_AN_OPTION)
        correct = bool(item.options[index].get("correct"))
        return Scored(answer=str(index), correct=correct, score=1.0 if correct else 0.0)
    if item.kind == item_kinds.MULTIPLE_RESPONSE:
        return _score_multiple(item, raw)
    if item.kind == item_kinds.NUMERIC:
        value = parse_number(raw)
        correct = (
            abs(value - float(item.numeric_answer)) <= float(item.numeric_tolerance or 0) + 1e-9
        )
        return Scored(answer=raw.strip(), correct=correct, score=1.0 if correct else 0.0)
    if item.kind == item_kinds.TEXT:
        if not raw.strip():
            raise ValidationError(EMPTY_ANSWER)
        accepted = {normalise_text(a) for a in item.accepted_answers}
        correct = normalise_text(raw) in accepted
        return Scored(answer=raw.strip(), correct=correct, score=1.0 if correct else 0.0)
    # A performance task: the work is kept as written and scored later.
    if not raw.strip():
        raise ValidationError(EMPTY_ANSWER)
    return Scored(answer=raw.strip(), correct=None, score=None)


def parse_choices(raw: str | list[int] | list[str], n_options: int) -> list[int]:
    """The options chosen in a "choose all that apply" answer, from a list of
    indexes or the stored form "0,2", sorted. Out-of-range, repeated or
    non-numeric entries are refused with a message naming them, never
    dropped: a dropped choice would change what the learner said."""
    parts = raw if isinstance(raw, list) else _SPACES.sub("", str(raw)).split(",")
    parts = [p for p in parts if str(p).strip() != ""]
    if not parts:
        raise ValidationError(gettext(CHOOSE_AT_LEAST_ONE))
    chosen: list[int] = []
    for part in parts:
        text = str(part).strip()
        if isinstance(part, bool) or not text.isdigit() or int(text) >= n_options:
            raise ValidationError(
                gettext(OPTION_OUT_OF_RANGE).format(value=text[:20], top=n_options - 1)
            )
        if int(text) in chosen:
            raise ValidationError(gettext(OPTION_TWICE).format(value=int(text)))
        chosen.append(int(text))
    return sorted(chosen)


def choices_answer(chosen: list[int]) -> str:
    """The stored form of a set of chosen options: sorted indexes, "0,2"."""
    return ",".join(str(i) for i in sorted(chosen))


def _score_multiple(item: Item, raw: str) -> Scored:
    """Correct only for exactly the correct set (what mastery counts). The
    score gives partial credit: (right picks - wrong picks) / number of
    correct options, never below 0, so guessing every box earns nothing."""
    chosen = parse_choices(raw, len(item.options))
    keys = {i for i, o in enumerate(item.options) if o.get("correct")}
    right = len(keys.intersection(chosen))
    wrong = len(chosen) - right
    correct = set(chosen) == keys
    score = 1.0 if correct else max(0.0, (right - wrong) / max(1, len(keys)))
    return Scored(answer=choices_answer(chosen), correct=correct, score=score)


def check_rubric_points(item: Item, points: list[int]) -> int:
    """Validate one level per criterion; returns the total."""
    criteria = item.rubric or []
    if len(points) != len(criteria):
        raise ValidationError(RUBRIC_POINTS_COUNT.format(count=len(criteria)))
    for criterion, value in zip(criteria, points, strict=True):
        top = len(criterion["levels"]) - 1
        if not isinstance(value, int) or not 0 <= value <= top:
            raise ValidationError(
                RUBRIC_POINTS_RANGE.format(name=criterion["name"], top=top, value=value)
            )
    return sum(points)
