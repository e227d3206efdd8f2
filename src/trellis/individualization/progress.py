"""Data points for a specific objective, and the monitoring picture drawn
from them with ``trellis.engine.monitoring``.

Where the points come from depends on the objective's method:

* **mastery probability** -- the learner's evidence on the objective's
  competencies is replayed through the school's mastery model, response by
  response (the same update the live record gets); the point for a day is
  the probability after that day's last response, averaged over the
  competencies that have evidence.
* **percent correct on checks** -- each assessment attempt (FOR or OF
  learning) with answers on the objective's competencies gives one point:
  the share of those answers that were right, in percent, dated by the
  attempt's last answer.
* **teacher measure** -- the measurements the teacher enters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.engine import monitoring
from trellis.evidence import mastery
from trellis.evidence.models import Response
from trellis.evidence.models.assessment import FOR_LEARNING, OF_LEARNING
from trellis.evidence.services.mastery import effective_outcomes, observations_of
from trellis.individualization.constants import METHOD_PERCENT, METHOD_PROBABILITY
from trellis.individualization.models import SpecificObjective


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: SpecificObjective
    aim: monitoring.AimLine
    points: list[monitoring.DataPoint]
    trend: monitoring.TrendLine | None
    decision: monitoring.Decision
    table: list[monitoring.ProgressRow]
    svg: str

    @property
    def prompt(self) -> bool:
        """True when the decision rule asks the teacher to act."""
        return self.decision.kind in (monitoring.CHANGE_PLAN, monitoring.RAISE_GOAL)

    @property
    def decision_message(self) -> str:
        """The engine's decision in the reader's language: the engine says it
        in English (it stays free of Django), so the sentence is rebuilt here
        from the decision's kind and the points it considered."""
        return decision_message(self.decision, self.aim, self.objective.rule_points)


def decision_message(decision: monitoring.Decision, aim: monitoring.AimLine, n: int) -> str:
    points = decision.points_considered
    if decision.kind == monitoring.INSUFFICIENT_DATA:
        have = len(points)
        return ngettext(
            "%(have)s data point so far; the decision rule needs %(n)s in a row. "
            "Keep collecting data.",
            "%(have)s data points so far; the decision rule needs %(n)s in a row. "
            "Keep collecting data.",
            have,
        ) % {"have": have, "n": n}
    span = {
        "n": len(points),
        "start": date_format(points[0].date, "j M Y"),
        "end": date_format(points[-1].date, "j M Y"),
    }
    below = (decision.kind == monitoring.CHANGE_PLAN) == aim.increasing
    if decision.kind == monitoring.CHANGE_PLAN:
        text = (
            _("The last %(n)s data points (%(start)s to %(end)s) are all below the aim line.")
            if below
            else _("The last %(n)s data points (%(start)s to %(end)s) are all above the aim line.")
        )
        advice = _("The plan is not working well enough: consider changing it.")
    elif decision.kind == monitoring.RAISE_GOAL:
        text = (
            _("The last %(n)s data points (%(start)s to %(end)s) are all below the aim line.")
            if below
            else _("The last %(n)s data points (%(start)s to %(end)s) are all above the aim line.")
        )
        advice = _("The learner is ahead of the goal: consider raising it.")
    else:
        text = _(
            "The last %(n)s data points (%(start)s to %(end)s) are not all on one side of the "
            "aim line."
        )
        advice = _("Keep going with the plan.")
    return f"{text % span} {advice}"


def _competency_ids(objective: SpecificObjective) -> set[int]:
    return {comp.pk for comp in objective.competencies.all()}


def _probability_points(objective: SpecificObjective) -> list[monitoring.DataPoint]:
    wanted = _competency_ids(objective)
    learner_id = objective.plan.learner_id
    model = mastery.model_for_school(objective.plan.school_id)
    qs = Response.objects.filter(learner_id=learner_id)
    if not model.per_learner:
        # BKT's competencies are independent: their own evidence is enough.
        qs = qs.filter(item__competencies__in=wanted).distinct()
    outcomes = effective_outcomes(qs)
    # ``order`` in an outcome indexes the same time-ordered list of responses.
    times = list(
        qs.filter(corrections__isnull=True)
        .order_by("recorded_at", "pk")
        .values_list("recorded_at", flat=True)
    )
    tracker = mastery.Tracker(model)
    probs: dict[int, float] = {}
    per_day: dict = {}
    for o in observations_of(outcomes):
        tracker.feed(o.skills, o.correct, o.item_id)
        for cid in wanted:
            if str(cid) in o.skills or cid in probs:
                probs[cid] = tracker.estimate(str(cid)).probability
        if probs:
            per_day[timezone.localdate(times[o.order])] = sum(probs.values()) / len(probs)
    return [monitoring.DataPoint(day, round(value, 3)) for day, value in sorted(per_day.items())]


def _percent_points(objective: SpecificObjective) -> list[monitoring.DataPoint]:
    wanted = _competency_ids(objective)
    rows = (
        Response.objects.filter(
            learner_id=objective.plan.learner_id,
            attempt__isnull=False,
            attempt__assessment__purpose__in=[FOR_LEARNING, OF_LEARNING],
            item__competencies__in=wanted,
            corrections__isnull=True,
            correct__isnull=False,
        )
        .distinct()
        .order_by("recorded_at", "pk")
        .values_list("attempt_id", "correct", "recorded_at")
    )
    by_attempt: dict[int, list] = defaultdict(list)
    for attempt_id, correct, at in rows:
        by_attempt[attempt_id].append((correct, at))
    points = []
    for answers in by_attempt.values():
        share = sum(1 for ok, _ in answers if ok) / len(answers)
        points.append(
            monitoring.DataPoint(timezone.localdate(answers[-1][1]), round(100 * share, 1))
        )
    return sorted(points, key=lambda p: p.date)


def objective_points(objective: SpecificObjective) -> list[monitoring.DataPoint]:
    if objective.method == METHOD_PROBABILITY:
        return _probability_points(objective)
    if objective.method == METHOD_PERCENT:
        return _percent_points(objective)
    return [monitoring.DataPoint(x.on, x.value) for x in objective.measurements.all()]


def objective_progress(objective: SpecificObjective) -> ObjectiveProgress:
    aim = monitoring.AimLine(
        objective.baseline_date,
        objective.baseline_value,
        objective.target_date,
        objective.target_value,
    )
    points = objective_points(objective)
    try:
        trend = monitoring.trend_line(points)
    except ValueError:
        trend = None
    unit = {METHOD_PERCENT: "%", METHOD_PROBABILITY: ""}.get(objective.method, objective.unit)
    svg = monitoring.render_progress_svg(
        aim,
        points,
        trend,
        f"Progress: {objective.statement[:60]}",
        id_prefix=f"objective-{objective.pk}",
        unit=unit,
    )
    return ObjectiveProgress(
        objective=objective,
        aim=aim,
        points=points,
        trend=trend,
        decision=monitoring.decision(points, aim, n=objective.rule_points),
        table=monitoring.progress_table(aim, points),
        svg=svg,
    )


def decisions_waiting(user, plans) -> list[tuple]:
    """(plan, progress) for every objective of an active plan the person may
    change whose decision rule asks for action: the teacher's prompts."""
    out = []
    for plan in plans:
        if plan.status != "active" or not user.has_perm("individualization.change_plan", plan):
            continue
        for objective in plan.objectives.all():
            progress = objective_progress(objective)
            if progress.prompt:
                out.append((plan, progress))
    return out
