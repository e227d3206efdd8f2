"""The accommodations that change how an item is delivered to a learner
(reduced choices, read-aloud, large print) and how long they have (extended
time).

They come from the learner's active individual plan, which belongs to
trellis.individualization, above curriculum and evidence in the layers
(docs/architecture.md). So individualization registers its selector here when
its app is ready; without it nobody has accommodations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trellis.people.models import User


Accommodations = tuple[frozenset[str], float]
NONE: Accommodations = (frozenset(), 1.0)

_provider: list[Callable[[User], Accommodations]] = [lambda learner: NONE]


def register_accommodations(provider: Callable[[User], Accommodations]) -> None:
    """Called once by the app that owns individual plans."""
    _provider[0] = provider


def accommodations_of(learner: User) -> Accommodations:
    """(the accommodations that apply, the time multiplier) for this learner."""
    return _provider[0](learner)
