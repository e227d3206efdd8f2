"""Helpers the differentiation endpoints share."""

from __future__ import annotations

from trellis.differentiation import selectors
from trellis.people.access import (
    NotVisible,
)


def _objective(school_class, objective_id: int):
    found = selectors.objective_of_class(school_class, objective_id)
    if found is None:
        raise NotVisible()
    return found
