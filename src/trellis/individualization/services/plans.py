"""Writing individual plans. Every change to a plan (its fields, an
objective, a support) saves a new version: a JSON snapshot with who made the
change and why, so the plan's history can be read back at any time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.curriculum.models import Competency
from trellis.curriculum.selectors import frameworks_for_school
from trellis.individualization import constants as c
from trellis.individualization.models import (
    ACTIVE,
    IndividualPlan,
    IndividualPlanVersion,
    Measurement,
    PlanReadLog,
    SpecificObjective,
    Support,
    SupportSession,
)
from trellis.people import roles
from trellis.people.models import Membership, User

FIRST_VERSION_REASON = "Plan written."
PLAN_FIELDS = (
    "title",
    "summary",
    "accommodations",
    "time_multiplier",
    "review_dates",
    "responsible",
    "responsible_note",
    "status",
)


def check_accommodations(values: Iterable[str]) -> list[str]:
    """The accommodations, deduplicated in the system's order; an unknown one is refused."""
    values = list(values)
    for value in values:
        if value not in c.ACCOMMODATIONS:
            raise ValidationError(
                {
                    "accommodations": c.UNKNOWN_ACCOMMODATION.format(
                        value=value, choices=", ".join(c.ACCOMMODATIONS)
                    )
                }
            )
    return [a for a in c.ACCOMMODATIONS if a in values]


def _review_dates(values: Iterable[object]) -> list[str]:
    out = []
    for value in values:
        if isinstance(value, dt.date):
            out.append(value.isoformat())
            continue
        try:
            out.append(dt.date.fromisoformat(str(value).strip()).isoformat())
        except ValueError:
            raise ValidationError(
                {"review_dates": c.REVIEW_DATE_FORMAT.format(value=value)}
            ) from None
    return sorted(set(out))


def _check_multiplier(value: float) -> None:
    if not 1.0 <= value <= c.MAX_TIME_MULTIPLIER:
        raise ValidationError(
            {"time_multiplier": c.MULTIPLIER_RANGE.format(high=c.MAX_TIME_MULTIPLIER)}
        )


def snapshot(plan: IndividualPlan) -> dict:
    """Everything the plan says, as plain JSON."""
    return {
        "title": plan.title,
        "summary": plan.summary,
        "accommodations": list(plan.accommodations),
        "time_multiplier": plan.time_multiplier,
        "review_dates": list(plan.review_dates),
        "responsible": plan.responsible_id,
        "responsible_note": plan.responsible_note,
        "status": plan.status,
        "objectives": [
            {
                "id": o.pk,
                "statement": o.statement,
                "competencies": sorted(o.competencies.values_list("pk", flat=True)),
                "method": o.method,
                "unit": o.unit,
                "baseline": [o.baseline_date.isoformat(), o.baseline_value],
                "target": [o.target_date.isoformat(), o.target_value],
            }
            for o in plan.objectives.order_by("pk")
        ],
        "supports": [
            {
                "id": s.pk,
                "kind": s.kind,
                "provider": s.provider,
                "focus": s.focus,
                "planned_minutes_per_week": s.planned_minutes_per_week,
            }
            for s in plan.supports.order_by("pk")
        ],
    }


def _new_version(plan: IndividualPlan, *, changed_by: User, reason: str) -> IndividualPlanVersion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": c.REASON_REQUIRED})
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    plan.version = last + 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["version", "updated_at"])
    return IndividualPlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=snapshot(plan),
        changed_by=changed_by,
        reason=reason,
    )


def _check_responsible(plan: IndividualPlan) -> None:
    if not Membership.objects.filter(
        user_id=plan.responsible_id,
        school_id=plan.school_id,
        role__in=[roles.TEACHER, roles.ADMIN],
        active=True,
    ).exists():
        raise ValidationError(
            {"responsible": "The person responsible must be staff at the school."}
        )


@transaction.atomic
def plan_create(
    *,
    learner: User,
    author: User,
    title: str,
    summary: str = "",
    accommodations: Sequence[str] = (),
    time_multiplier: float = c.DEFAULT_TIME_MULTIPLIER,
    review_dates: Sequence[object] = (),
    responsible: User | None = None,
    responsible_note: str = "",
) -> IndividualPlan:
    membership = (
        Membership.objects.filter(user=learner, role=roles.LEARNER, active=True)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ValidationError({"learner": c.LEARNER_NOT_IN_SCHOOL_CLASS.format(learner=learner)})
    if IndividualPlan.objects.filter(learner=learner, status=ACTIVE).exists():
        raise ValidationError(c.ONE_ACTIVE_PLAN.format(learner=learner))
    _check_multiplier(time_multiplier)
    plan = IndividualPlan(
        school_id=membership.school_id,
        learner=learner,
        title=title,
        summary=summary,
        accommodations=check_accommodations(accommodations),
        time_multiplier=time_multiplier,
        review_dates=_review_dates(review_dates),
        responsible=responsible or author,
        responsible_note=responsible_note,
        created_by=author,
        version=0,
    )
    plan.full_clean()
    _check_responsible(plan)
    plan.save()
    _new_version(plan, changed_by=author, reason=FIRST_VERSION_REASON)
    return plan


@transaction.atomic
def plan_update(
    *, plan: IndividualPlan, changed_by: User, reason: str, **changes: object
) -> IndividualPlan:
    """Change some of the plan's own fields (``PLAN_FIELDS``) and keep a version."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown plan field(s): {', '.join(sorted(unknown))}.")
    if "accommodations" in changes:
        changes["accommodations"] = check_accommodations(changes["accommodations"])  # type: ignore[arg-type]
    if "review_dates" in changes:
        changes["review_dates"] = _review_dates(changes["review_dates"])  # type: ignore[arg-type]
    if "time_multiplier" in changes:
        _check_multiplier(float(changes["time_multiplier"]))  # type: ignore[arg-type]
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    _check_responsible(plan)
    plan.save()
    _new_version(plan, changed_by=changed_by, reason=reason)
    return plan


def check_measurable(method: str, *, what: str, value: float) -> None:
    """A value outside the range the method can produce is refused."""
    low, high = c.METHOD_RANGES[method]
    if value < low or (high is not None and value > high):
        label = dict(c.METHODS)[method].split(" (")[0].lower()
        raise ValidationError(
            {
                f"{what}_value": c.NOT_MEASURABLE.format(
                    what=what,
                    value=value,
                    method=label,
                    low=low,
                    high="no upper limit" if high is None else f"{high:g}",
                )
            }
        )


def _check_competencies(plan: IndividualPlan, competencies: Sequence[Competency]) -> None:
    if not competencies:
        raise ValidationError({"competencies": c.NEEDS_COMPETENCY})
    allowed = set(frameworks_for_school(plan.school).values_list("pk", flat=True))
    for competency in competencies:
        if competency.framework_id not in allowed:
            raise ValidationError(
                {"competencies": c.COMPETENCY_ELSEWHERE.format(code=competency.label)}
            )


@transaction.atomic
def objective_add(
    *,
    plan: IndividualPlan,
    changed_by: User,
    reason: str,
    statement: str,
    competencies: Sequence[Competency],
    method: str,
    baseline_value: float,
    baseline_date: dt.date,
    target_value: float,
    target_date: dt.date,
    unit: str = "",
    rule_points: int = 4,
) -> SpecificObjective:
    if method not in c.METHOD_RANGES:
        raise ValidationError(
            {"method": f"Unknown method {method!r}; use one of: {', '.join(c.METHOD_RANGES)}."}
        )
    if target_date <= baseline_date:
        raise ValidationError({"target_date": c.TARGET_BEFORE_BASELINE})
    check_measurable(method, what="baseline", value=baseline_value)
    check_measurable(method, what="target", value=target_value)
    _check_competencies(plan, competencies)
    objective = SpecificObjective(
        plan=plan,
        statement=statement,
        method=method,
        unit=unit,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        rule_points=rule_points,
    )
    objective.full_clean()
    objective.save()
    objective.competencies.set(competencies)
    _new_version(plan, changed_by=changed_by, reason=reason)
    return objective


@transaction.atomic
def support_add(
    *,
    plan: IndividualPlan,
    changed_by: User,
    reason: str,
    kind: str,
    provider: str,
    planned_minutes_per_week: int,
    focus: str = "",
) -> Support:
    support = Support(
        plan=plan,
        kind=kind,
        provider=provider,
        focus=focus,
        planned_minutes_per_week=planned_minutes_per_week,
    )
    support.full_clean()
    support.save()
    _new_version(plan, changed_by=changed_by, reason=reason)
    return support


@transaction.atomic
def support_session_log(
    *, support: Support, logged_by: User, on: dt.date, minutes: int, note: str = ""
) -> SupportSession:
    """A session that took place. Logging is not a plan change: no version."""
    if minutes is None or minutes <= 0:
        raise ValidationError({"minutes": c.MINUTES_POSITIVE})
    session = SupportSession(
        support=support, on=on, minutes=minutes, note=note, logged_by=logged_by
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def measurement_record(
    *, objective: SpecificObjective, recorded_by: User, on: dt.date, value: float, note: str = ""
) -> Measurement:
    if objective.method != c.METHOD_MANUAL:
        raise ValidationError(c.MANUAL_ONLY)
    check_measurable(objective.method, what="measurement", value=value)
    measurement = Measurement(
        objective=objective, on=on, value=value, note=note, recorded_by=recorded_by
    )
    measurement.full_clean()
    measurement.save()
    return measurement


def plan_read_record(*, plan: IndividualPlan, reader: User, via: str) -> PlanReadLog:
    """One line in the plan's access log (written even when the read is by the learner)."""
    return PlanReadLog.objects.create(plan=plan, reader=reader, via=via)
