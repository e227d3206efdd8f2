"""Writing individual plans. Every change to a plan (its fields, an
objective, a support) saves a new version: a django-reversion revision of
the plan with its objectives and supports, who made the change and why
(decision 0014), so the plan's history can be read back at any time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.selectors import frameworks_for_school
from trellis.individualization.constants import (
    ACCOMMODATIONS,
    COMPETENCY_ELSEWHERE,
    DEFAULT_TIME_MULTIPLIER,
    FIRST_VERSION_REASON,
    LEARNER_NOT_IN_SCHOOL_CLASS,
    MANUAL_ONLY,
    MAX_TIME_MULTIPLIER,
    METHOD_LOCKED,
    METHOD_MANUAL,
    METHOD_RANGES,
    METHODS,
    MINUTES_POSITIVE,
    MULTIPLIER_RANGE,
    NEEDS_COMPETENCY,
    NOT_MEASURABLE,
    ONE_ACTIVE_PLAN,
    REASON_REQUIRED,
    REVIEW_DATE_FORMAT,
    TARGET_BEFORE_BASELINE,
    UNKNOWN_ACCOMMODATION,
    UNKNOWN_METHOD,
    UNKNOWN_SUPPORT_KIND,
)
from trellis.individualization.models import (
    ACTIVE,
    REMOVED_OBJECTIVE,
    REMOVED_SUPPORT,
    STATUSES,
    SUPPORT_KINDS,
    IndividualPlan,
    IndividualPlanVersion,
    Measurement,
    SpecificObjective,
    Support,
    SupportSession,
)
from trellis.individualization.readlog import (  # noqa: F401  (re-exported)
    plan_read_record,
    plan_reads_record,
)
from trellis.people.selectors import first_learner_membership, is_staff_at

if TYPE_CHECKING:
    from trellis.people.models import User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency

RESPONSIBLE_STAFF = _("The person responsible must be a teacher or admin of the learner's school.")
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


class Problems:
    """Every problem found in one submission, by field, so a page or the API
    can show them all at once instead of one per try."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: object) -> None:
        self.by_field.setdefault(field, []).append(str(message))

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def check_accommodations(values: Iterable[str], problems: Problems | None = None) -> list[str]:
    """The accommodations, deduplicated in the system's order; an unknown one is refused."""
    own = problems is None
    found = problems if problems is not None else Problems()
    values = list(values)
    for value in values:
        if value not in ACCOMMODATIONS:
            found.add(
                "accommodations",
                UNKNOWN_ACCOMMODATION.format(value=value, choices=", ".join(ACCOMMODATIONS)),
            )
    if own:
        found.raise_any()
    return [a for a in ACCOMMODATIONS if a in values]


def _review_dates(values: Iterable[object], problems: Problems) -> list[str]:
    out = []
    for value in values:
        if isinstance(value, dt.date):
            out.append(value.isoformat())
            continue
        try:
            out.append(dt.date.fromisoformat(str(value).strip()).isoformat())
        except ValueError:
            problems.add("review_dates", REVIEW_DATE_FORMAT.format(value=value))
    return sorted(set(out))


def _check_multiplier(value: float, problems: Problems) -> None:
    if not 1.0 <= value <= MAX_TIME_MULTIPLIER:
        problems.add("time_multiplier", MULTIPLIER_RANGE.format(high=MAX_TIME_MULTIPLIER))


def plan_problems(
    *,
    accommodations: Iterable[str] | None = None,
    time_multiplier: float | None = None,
    review_dates: Iterable[object] | None = None,
) -> dict[str, list[str]]:
    """Every problem with a plan's own fields, for a form's ``clean()``
    (the services run the same checks)."""
    found = Problems()
    if accommodations is not None:
        check_accommodations(accommodations, found)
    if time_multiplier is not None:
        _check_multiplier(time_multiplier, found)
    if review_dates is not None:
        _review_dates(review_dates, found)
    return found.by_field


_FIELD_WORDS = {
    "title": _("title"),
    "summary": _("strengths and needs"),
    "time_multiplier": _("time multiplier"),
    "review_dates": _("review dates"),
    "responsible": _("person responsible"),
    "responsible_note": _("others involved"),
}
_PART_WORDS = {
    "statement": _("wording"),
    "competencies": _("competencies"),
    "method": _("method"),
    "unit": _("unit"),
    "baseline": _("baseline"),
    "target": _("target"),
    "kind": _("kind"),
    "provider": _("with whom"),
    "focus": _("focus"),
    "planned_minutes_per_week": _("minutes a week"),
}


def describe_changes(before: dict | None, after: dict) -> list[str]:
    """What one version changed from the one before, in short phrases for
    the versions table ("accommodations: + read-aloud", "objective changed
    (target): Read 60 wpm"), in the reader's language."""
    if before is None:
        return [str(_("plan written"))]
    out = []
    added = [
        a for a in after.get("accommodations", []) if a not in before.get("accommodations", [])
    ]
    dropped = [
        a for a in before.get("accommodations", []) if a not in after.get("accommodations", [])
    ]
    if added or dropped:
        out.append(
            _("accommodations: {changes}").format(
                changes=", ".join([f"+ {a}" for a in added] + [f"− {a}" for a in dropped])
            )
        )
    if before.get("status") != after.get("status"):
        shown = dict(STATUSES)
        out.append(
            _("status: {before} → {after}").format(
                before=shown.get(before.get("status"), before.get("status")),
                after=shown.get(after.get("status"), after.get("status")),
            )
        )
    out += [
        _("{what} changed").format(what=words)
        for key, words in _FIELD_WORDS.items()
        if before.get(key) != after.get(key)
    ]
    for kind in ("objectives", "supports"):
        out += _part_changes(kind, before.get(kind, []), after.get(kind, []))
    return out or [str(_("no change to the plan’s contents"))]


_PART_CHANGES = {
    "objectives": (
        _("objective added: {name}"),
        _("objective changed ({parts}): {name}"),
        _("objective removed: {name}"),
    ),
    "supports": (
        _("support added: {name}"),
        _("support changed ({parts}): {name}"),
        _("support removed: {name}"),
    ),
}


def _part_changes(kind: str, before: list[dict], after: list[dict]) -> list[str]:
    """The objectives (or supports) one version added, changed or removed."""
    added, changed, removed = _PART_CHANGES[kind]
    old = {x["id"]: x for x in before}
    new = {x["id"]: x for x in after}
    out = []
    for key, x in new.items():
        name = (x.get("statement") or x.get("provider", ""))[:60]
        if key not in old:
            out.append(added.format(name=name))
            continue
        parts = [str(w) for k, w in _PART_WORDS.items() if k in x and old[key].get(k) != x.get(k)]
        if parts:
            out.append(changed.format(parts=", ".join(parts), name=name))
    for key, x in old.items():
        if key not in new:
            out.append(removed.format(name=(x.get("statement") or x.get("provider", ""))[:60]))
    return out


def _check_reason(reason: str, problems: Problems | None = None) -> str:
    reason = (reason or "").strip()
    if not reason:
        if problems is None:
            raise ValidationError({"reason": REASON_REQUIRED})
        problems.add("reason", REASON_REQUIRED)
    return reason


def _new_version(
    plan: IndividualPlan,
    *,
    changed_by: User,
    reason: str,
    removed: SpecificObjective | Support | None = None,
) -> int:
    """Save the plan's next version and return its number: one reversion
    revision with the plan, its objectives and supports (``follow``), who
    and why, numbered by an ``IndividualPlanVersion`` row. ``removed`` is an
    objective or support about to be deleted: it is recorded in the same
    revision with its measurements or logged sessions, and the row names it,
    so the version keeps what the deletion took out (call this before the
    delete: reversion saves only versions of rows that still exist)."""
    reason = _check_reason(reason)
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    plan.version = last + 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["version", "updated_at"])
    removed_kind, kept = "", []
    if isinstance(removed, SpecificObjective):
        removed_kind, kept = REMOVED_OBJECTIVE, list(removed.measurements.order_by("on", "pk"))
    elif isinstance(removed, Support):
        removed_kind, kept = REMOVED_SUPPORT, list(removed.sessions.order_by("on", "pk"))
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(changed_by)
        reversion.set_comment(reason)
        # The plan as stored, not the caller's instance: a plan fetched with
        # its objectives prefetched would have reversion follow that (now
        # stale) list instead of the objectives and supports as they are.
        reversion.add_to_revision(IndividualPlan.objects.get(pk=plan.pk))
        for record in kept:
            reversion.add_to_revision(record)
        reversion.add_meta(
            IndividualPlanVersion,
            plan=plan,
            number=plan.version,
            removed_kind=removed_kind,
            removed_id=removed.pk if removed is not None else None,
        )
    return plan.version


def _check_responsible(plan: IndividualPlan) -> None:
    if not is_staff_at(plan.responsible_id, plan.school_id):
        raise ValidationError({"responsible": RESPONSIBLE_STAFF})


@transaction.atomic
def plan_create(
    *,
    learner: User,
    author: User,
    title: str,
    summary: str = "",
    accommodations: Sequence[str] = (),
    time_multiplier: float = DEFAULT_TIME_MULTIPLIER,
    review_dates: Sequence[object] = (),
    responsible: User | None = None,
    responsible_note: str = "",
) -> IndividualPlan:
    membership = first_learner_membership(learner)
    if membership is None:
        raise ValidationError({"learner": LEARNER_NOT_IN_SCHOOL_CLASS.format(id=learner.pk)})
    if IndividualPlan.objects.filter(learner=learner, status=ACTIVE).exists():
        raise ValidationError(ONE_ACTIVE_PLAN.format(learner=learner))
    problems = Problems()
    _check_multiplier(time_multiplier, problems)
    accommodations = check_accommodations(accommodations, problems)
    dates = _review_dates(review_dates, problems)
    problems.raise_any()
    plan = IndividualPlan(
        school_id=membership.school_id,
        learner=learner,
        title=title,
        summary=summary,
        accommodations=accommodations,
        time_multiplier=time_multiplier,
        review_dates=dates,
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
        raise ValidationError(
            _("Unknown plan field(s): {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    problems = Problems()
    _check_reason(reason, problems)
    if "accommodations" in changes:
        changes["accommodations"] = check_accommodations(changes["accommodations"], problems)  # type: ignore[arg-type]
    if "review_dates" in changes:
        changes["review_dates"] = _review_dates(changes["review_dates"], problems)  # type: ignore[arg-type]
    if "time_multiplier" in changes:
        _check_multiplier(float(changes["time_multiplier"]), problems)  # type: ignore[arg-type]
    problems.raise_any()
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.full_clean()
    _check_responsible(plan)
    plan.save()
    _new_version(plan, changed_by=changed_by, reason=reason)
    return plan


def check_measurable(
    method: str, *, what: str, value: float, problems: Problems | None = None
) -> None:
    """A value outside the range the method can produce is refused."""
    low, high = METHOD_RANGES[method]
    if value < low or (high is not None and value > high):
        label = dict(METHODS)[method].split(" (")[0].lower()
        message = NOT_MEASURABLE.format(
            what=what,
            value=value,
            method=label,
            low=low,
            high="no upper limit" if high is None else f"{high:g}",
        )
        if problems is None:
            raise ValidationError({f"{what}_value": message})
        problems.add(f"{what}_value", message)


def _check_competencies(
    plan: IndividualPlan, competencies: Sequence[Competency], problems: Problems
) -> None:
    if not competencies:
        problems.add("competencies", NEEDS_COMPETENCY)
        return
    allowed = set(frameworks_for_school(plan.school).values_list("pk", flat=True))
    for competency in competencies:
        if competency.framework_id not in allowed:
            problems.add("competencies", COMPETENCY_ELSEWHERE.format(id=competency.pk))


def objective_problems(
    plan: IndividualPlan,
    *,
    reason: str | None = None,
    method: str | None = None,
    baseline_value: float | None = None,
    baseline_date: dt.date | None = None,
    target_value: float | None = None,
    target_date: dt.date | None = None,
    competencies: Sequence[Competency] | None = None,
) -> dict[str, list[str]]:
    """Every problem with an objective, by field. A value left ``None``
    (missing, or refused already by the form) is not checked, so a form's
    ``clean()`` can show these next to its own errors in one round."""
    found = Problems()
    if reason is not None:
        _check_reason(reason, found)
    if method is not None and method not in METHOD_RANGES:
        found.add("method", UNKNOWN_METHOD.format(value=method, choices=", ".join(METHOD_RANGES)))
        method = None
    if baseline_date is not None and target_date is not None and target_date <= baseline_date:
        found.add("target_date", TARGET_BEFORE_BASELINE)
    if method is not None:
        if baseline_value is not None:
            check_measurable(method, what="baseline", value=baseline_value, problems=found)
        if target_value is not None:
            check_measurable(method, what="target", value=target_value, problems=found)
    if competencies is not None:
        _check_competencies(plan, competencies, found)
    return found.by_field


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
    problems = objective_problems(
        plan,
        reason=reason,
        method=method,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        competencies=competencies,
    )
    if problems:
        raise ValidationError(problems)
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


OBJECTIVE_FIELDS = (
    "statement",
    "competencies",
    "method",
    "unit",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
)


@transaction.atomic
def objective_update(
    *, objective: SpecificObjective, changed_by: User, reason: str, **changes: object
) -> SpecificObjective:
    """Change one specific objective (any of ``OBJECTIVE_FIELDS``) and keep a
    version of the plan. The checks are those of ``objective_add``; an
    objective that already has hand-entered measurements keeps its method."""
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown objective field(s): {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    plan = objective.plan
    competencies = changes.pop("competencies", None)
    if competencies is None:
        competencies = list(objective.competencies.all())
    competencies = list(competencies)  # type: ignore[call-overload]
    for name, value in changes.items():
        setattr(objective, name, value)
    problems = objective_problems(
        plan,
        reason=reason,
        method=objective.method,
        baseline_value=objective.baseline_value,
        baseline_date=objective.baseline_date,
        target_value=objective.target_value,
        target_date=objective.target_date,
        competencies=competencies,
    )
    entered = objective.measurements.count()
    if entered and objective.method != METHOD_MANUAL:
        problems.setdefault("method", []).append(str(METHOD_LOCKED.format(count=entered)))
    if problems:
        raise ValidationError(problems)
    objective.full_clean()
    objective.save()
    objective.competencies.set(competencies)
    _new_version(plan, changed_by=changed_by, reason=reason)
    return objective


@transaction.atomic
def objective_delete(*, objective: SpecificObjective, changed_by: User, reason: str) -> int:
    """Take one objective out of the plan; returns the plan's new version.
    The objective and its hand-entered measurements are kept in that
    version's snapshot under ``removed``."""
    _check_reason(reason)
    plan = objective.plan
    number = _new_version(plan, changed_by=changed_by, reason=reason, removed=objective)
    objective.delete()
    return number


SUPPORT_FIELDS = ("kind", "provider", "focus", "planned_minutes_per_week")


@transaction.atomic
def support_update(
    *, support: Support, changed_by: User, reason: str, **changes: object
) -> Support:
    """Change one support (any of ``SUPPORT_FIELDS``) and keep a version."""
    unknown = set(changes) - set(SUPPORT_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown support field(s): {fields}.").format(fields=", ".join(sorted(unknown)))
        )
    problems = Problems()
    _check_reason(reason, problems)
    for name, value in changes.items():
        setattr(support, name, value)
    _check_support(support, problems)
    support.save()
    _new_version(support.plan, changed_by=changed_by, reason=reason)
    return support


@transaction.atomic
def support_delete(*, support: Support, changed_by: User, reason: str) -> int:
    """Take one support out of the plan; returns the plan's new version. The
    support and its logged sessions are kept in that version's snapshot."""
    _check_reason(reason)
    plan = support.plan
    number = _new_version(plan, changed_by=changed_by, reason=reason, removed=support)
    support.delete()
    return number


def _check_support(support: Support, problems: Problems) -> None:
    """Adds every problem with the support to ``problems`` and raises them
    all (with any found before, such as a missing reason) at once."""
    if support.kind not in dict(SUPPORT_KINDS):
        problems.add(
            "kind",
            UNKNOWN_SUPPORT_KIND.format(value=support.kind, choices=", ".join(dict(SUPPORT_KINDS))),
        )
    if support.planned_minutes_per_week is None or support.planned_minutes_per_week <= 0:
        problems.add("planned_minutes_per_week", MINUTES_POSITIVE)
    problems.raise_any()
    support.full_clean()


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
    problems = Problems()
    _check_reason(reason, problems)
    support = Support(
        plan=plan,
        kind=kind,
        provider=provider,
        focus=focus,
        planned_minutes_per_week=planned_minutes_per_week,
    )
    _check_support(support, problems)
    support.save()
    _new_version(plan, changed_by=changed_by, reason=reason)
    return support


@transaction.atomic
def support_session_log(
    *, support: Support, logged_by: User, on: dt.date, minutes: int, note: str = ""
) -> SupportSession:
    """A session that took place. Logging is not a plan change: no version."""
    if minutes is None or minutes <= 0:
        raise ValidationError({"minutes": MINUTES_POSITIVE})
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
    if objective.method != METHOD_MANUAL:
        raise ValidationError(MANUAL_ONLY)
    check_measurable(objective.method, what="measurement", value=value)
    measurement = Measurement(
        objective=objective, on=on, value=value, note=note, recorded_by=recorded_by
    )
    measurement.full_clean()
    measurement.save()
    return measurement
