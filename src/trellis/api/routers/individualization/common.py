"""Helpers the individualization endpoints share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from trellis.api.routers.individualization.schemas import ObjectiveOut
from trellis.individualization import selectors

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency


def _objective_out(o) -> ObjectiveOut:
    return ObjectiveOut(
        id=o.pk,
        statement=o.statement,
        competency_ids=[comp.pk for comp in o.competencies.all()],
        method=o.method,
        unit=o.unit,
        baseline_value=o.baseline_value,
        baseline_date=o.baseline_date,
        target_value=o.target_value,
        target_date=o.target_date,
    )


def _competencies(ids: list[int]) -> list[Competency]:
    """The competencies named; an id that names none is refused with the
    same message the services give one from another school's framework."""
    from trellis.individualization.constants import COMPETENCY_ELSEWHERE

    found = selectors.competencies_by_ids(ids)
    missing = sorted(set(ids) - {comp.pk for comp in found})
    if missing:
        raise ValidationError({"competency_ids": COMPETENCY_ELSEWHERE.format(id=missing[0])})
    return found
