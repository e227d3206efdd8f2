"""How an item is shown to one learner. Every page and endpoint that puts an
item in front of a learner goes through ``present_item``, so that the
individualization app can apply accommodations (reduced answer choices, read
aloud, large print) in this one place and nowhere else.

The answer key never leaves the server: a presented item carries the prompt
and, for multiple choice and multiple response, the options' indexes and texts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trellis.curriculum.accommodations import accommodations_of
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds

if TYPE_CHECKING:
    from trellis.people.models import User

REDUCED_CHOICES = "reduced-answer-choices"


@dataclass(frozen=True)
class PresentedOption:
    index: int
    text: str


@dataclass(frozen=True)
class PresentedItem:
    item_id: int
    kind: str
    prompt: str
    options: list[PresentedOption] = field(default_factory=list)
    rubric: list[dict] = field(default_factory=list)
    accommodations: frozenset[str] = frozenset()

    @property
    def kind_label(self) -> str:
        return dict(kinds.KINDS)[self.kind]


def accommodations_for(learner: User) -> frozenset[str]:
    """The accommodations that apply to this learner's item delivery: those
    of the learner's active individual plan (trellis.individualization)."""
    return accommodations_of(learner)[0]


def present_item(item: Item, learner: User) -> PresentedItem:
    applied = accommodations_for(learner)
    options: list[PresentedOption] = []
    if item.kind in kinds.WITH_OPTIONS:
        # Only a removable option that is not correct is ever hidden, so a
        # "choose all that apply" learner always sees every correct option.
        options = [
            PresentedOption(index=i, text=o["text"])
            for i, o in enumerate(item.options)
            if not (REDUCED_CHOICES in applied and o.get("removable") and not o.get("correct"))
        ]
    return PresentedItem(
        item_id=item.pk,
        kind=item.kind,
        prompt=item.prompt,
        options=options,
        rubric=item.rubric if item.kind == kinds.RUBRIC else [],
        accommodations=applied,
    )


def answer_as_shown(item: Item, answer: str) -> str:
    """A stored answer in the learner's words: a multiple-choice answer is
    its option's number and a multiple-response answer the sorted numbers
    ("0,2"), shown as the options' texts (joined with "; ")."""
    options = item.options or []
    if item.kind not in kinds.WITH_OPTIONS:
        return answer
    parts = [p.strip() for p in str(answer).split(",")]
    if not parts or not all(p.isdigit() and int(p) < len(options) for p in parts):
        return answer
    return "; ".join(str(options[int(p)].get("text", p)) for p in parts)
