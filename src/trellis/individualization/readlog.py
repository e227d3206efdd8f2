"""The plan read log: one line each time a plan's contents are shown.

Its own module because both ``access`` (which logs the read as it hands a
plan to a page or endpoint) and ``services.plans`` write it, and access sits
below the services in the app's layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from trellis.individualization.models import IndividualPlan, PlanReadLog

if TYPE_CHECKING:
    from trellis.people.models import User


@transaction.atomic
def plan_read_record(*, plan: IndividualPlan, reader: User, via: str) -> PlanReadLog:
    """One line in the plan's access log (written even when the read is by the learner).

    The plan and reader are objects the caller already holds, so only the
    other fields are validated (no extra queries on every read)."""
    entry = PlanReadLog(plan=plan, reader=reader, via=via)
    entry.full_clean(exclude=["plan", "reader"])
    entry.save()
    return entry


@transaction.atomic
def plan_reads_record(*, plans: list[IndividualPlan], reader: User, via: str) -> None:
    """``plan_read_record`` for several plans shown in one answer (a
    guardian's children): one insert however many plans."""
    entries = [PlanReadLog(plan=plan, reader=reader, via=via) for plan in plans]
    for entry in entries:
        entry.full_clean(exclude=["plan", "reader"])
    PlanReadLog.objects.bulk_create(entries)
