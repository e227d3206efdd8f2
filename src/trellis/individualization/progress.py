"""Data points for a specific objective, and the monitoring picture computed
from them with ``trellis.engine.monitoring`` and drawn by ``charts``.

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
from trellis.evidence.selectors.answers import answers_of_learners, check_answer_rows
from trellis.evidence.services.mastery import (
    competency_ids_by_item,
    effective_outcomes,
    observations_of,
    outcome_times,
)
from trellis.individualization import access, charts
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


def progress_svg(
    objective: SpecificObjective,
    aim: monitoring.AimLine,
    points: list[monitoring.DataPoint],
    trend: monitoring.TrendLine | None,
    unit: str,
) -> str:
    """The objective's progress chart with every word in the reader's language."""
    return charts.render_progress_svg(
        aim,
        points,
        trend,
        _("Progress: %(objective)s") % {"objective": objective.statement[:60]},
        id_prefix=f"objective-{objective.pk}",
        unit=unit,
    )


def _competency_ids(objective: SpecificObjective) -> set[int]:
    return {comp.pk for comp in objective.competencies.all()}


def _probability_points(
    objectives: list[SpecificObjective],
) -> dict[int, list[monitoring.DataPoint]]:
    """For each objective, its learner's evidence replayed through the
    school's model. The evidence of every learner concerned is read at once
    (three queries however many objectives): with BKT an objective keeps the
    answers on its own competencies (they are independent), with a
    per-learner model all of the learner's answers."""
    if not objectives:
        return {}
    qs = answers_of_learners({o.plan.learner_id for o in objectives})
    outcomes = effective_outcomes(qs)
    # ``order`` in an outcome indexes the same list of responses, in the
    # same order.
    times = outcome_times(qs)
    by_learner: dict[int, list[mastery.Observation]] = defaultdict(list)
    for o in observations_of(outcomes):
        by_learner[o.learner_id].append(o)
    out = {}
    for objective in objectives:
        wanted = _competency_ids(objective)
        model = mastery.model_for_school(objective.plan.school_id)
        observations = by_learner[objective.plan.learner_id]
        if not model.per_learner:
            observations = [o for o in observations if wanted & {int(s) for s in o.skills}]
        tracker = mastery.Tracker(model)
        probs: dict[int, float] = {}
        per_day: dict = {}
        for o in observations:
            tracker.feed(o.skills, o.correct, o.item_id)
            for cid in wanted:
                if str(cid) in o.skills or cid in probs:
                    probs[cid] = tracker.estimate(str(cid)).probability
            if probs:
                per_day[timezone.localdate(times[o.order])] = sum(probs.values()) / len(probs)
        out[objective.pk] = [
            monitoring.DataPoint(day, round(value, 3)) for day, value in sorted(per_day.items())
        ]
    return out


def _percent_points(objectives: list[SpecificObjective]) -> dict[int, list[monitoring.DataPoint]]:
    """For each objective, one point per assessment attempt of its learner
    with answers on its competencies: the share right. Two queries however
    many objectives."""
    if not objectives:
        return {}
    rows = check_answer_rows({o.plan.learner_id for o in objectives})
    by_item = competency_ids_by_item({row[1] for row in rows})
    out = {}
    for objective in objectives:
        wanted = _competency_ids(objective)
        by_attempt: dict[int, list] = defaultdict(list)
        for learner_id, item_id, attempt_id, correct, at in rows:
            if learner_id == objective.plan.learner_id and wanted.intersection(by_item[item_id]):
                by_attempt[attempt_id].append((correct, at))
        points = []
        for answers in by_attempt.values():
            share = sum(1 for ok, _ in answers if ok) / len(answers)
            points.append(
                monitoring.DataPoint(timezone.localdate(answers[-1][1]), round(100 * share, 1))
            )
        out[objective.pk] = sorted(points, key=lambda p: p.date)
    return out


def points_of(objectives: list[SpecificObjective]) -> dict[int, list[monitoring.DataPoint]]:
    """Each objective's data points by its id, in a number of queries that
    does not grow with the number of objectives (their plans, competencies
    and measurements loaded beforehand)."""
    by_method: dict[str, list[SpecificObjective]] = defaultdict(list)
    for objective in objectives:
        by_method[objective.method].append(objective)
    out = {
        **_probability_points(by_method.pop(METHOD_PROBABILITY, [])),
        **_percent_points(by_method.pop(METHOD_PERCENT, [])),
    }
    for rest in by_method.values():
        for objective in rest:
            out[objective.pk] = [
                monitoring.DataPoint(x.on, x.value) for x in objective.measurements.all()
            ]
    return out


def objective_points(objective: SpecificObjective) -> list[monitoring.DataPoint]:
    return points_of([objective])[objective.pk]


def objective_progress(
    objective: SpecificObjective,
    points: list[monitoring.DataPoint] | None = None,
    *,
    draw: bool = True,
) -> ObjectiveProgress:
    """The objective's aim line, points, trend and decision; ``points`` when
    already gathered (``points_of``); ``draw=False`` leaves the chart out."""
    aim = monitoring.AimLine(
        objective.baseline_date,
        objective.baseline_value,
        objective.target_date,
        objective.target_value,
    )
    if points is None:
        points = objective_points(objective)
    try:
        trend = monitoring.trend_line(points)
    except ValueError:
        trend = None
    unit = {METHOD_PERCENT: "%", METHOD_PROBABILITY: ""}.get(objective.method, objective.unit)
    svg = progress_svg(objective, aim, points, trend, unit) if draw else ""
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
    change whose decision rule asks for action: the teacher's prompts. A
    fixed number of queries however many plans (issue #18): who may change
    which plan, the objectives, and the evidence of every learner at once."""
    changeable = access.plans_changeable_by(user, [p for p in plans if p.status == "active"])
    if not changeable:
        return []
    by_plan = {plan.pk: plan for plan in changeable}
    objectives = list(
        SpecificObjective.objects.filter(plan_id__in=by_plan).prefetch_related(
            "competencies", "measurements"
        )
    )
    for objective in objectives:
        objective.plan = by_plan[objective.plan_id]
    points = points_of(objectives)
    progress: dict[int, list] = defaultdict(list)
    for objective in objectives:
        found = objective_progress(objective, points[objective.pk], draw=False)
        if found.prompt:
            progress[objective.plan_id].append(found)
    return [(plan, found) for plan in changeable for found in progress[plan.pk]]
