"""Plan pages: the list (with the teacher's prompts), writing and changing a
plan, objectives with their monitoring charts, supports, the access log and
summative reports. Each view fetches through ``access`` and writes through
``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from trellis.curriculum.selectors import competencies_of_frameworks, frameworks_for_school
from trellis.individualization import access, forms, selectors
from trellis.individualization.constants import LEARNER_NOT_IN_SCHOOL_CLASS
from trellis.individualization.models import VIA_PAGE, IndividualPlan
from trellis.individualization.progress import decisions_waiting, objective_progress
from trellis.individualization.services import plans as services
from trellis.individualization.services import reports as report_services
from trellis.people import selectors as people_selectors

#: What a removal page calls the thing it removes, and what it says once done.
WHAT = {"objective": gettext_lazy("objective"), "support": gettext_lazy("support")}
REMOVED = {
    "objective": gettext_lazy("Objective removed; the previous version is kept."),
    "support": gettext_lazy("Support removed; the previous version is kept."),
}


def _fail(form, exc: ValidationError) -> None:
    """Puts every problem the service found next to its field (the rest
    above the form); the form keeps what was typed."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_visible_to(request.user))
    prompts = decisions_waiting(request.user, plans)
    taught = []
    if "teacher" in request.user.role_set():
        with_plan = {p.learner_id for p in plans if p.status == "active"}
        taught = [
            (learner, learner.pk in with_plan)
            for learner in people_selectors.learners_visible_to(request.user)
            .filter(enrollments__school_class__teaching_assignments__teacher=request.user)
            .distinct()
            .order_by("username")
        ]
    return render(
        request,
        "individualization/plan_list.html",
        {
            "plans": plans,
            "prompts": prompts,
            "taught": taught,
            "classes": people_selectors.classes_taught_by(request.user),
            "reports": selectors.reports_visible_to(request.user),
        },
    )


@login_required
def plan_create(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner_to_write_for(
        request.user,
        learner_id,
        refusal=LEARNER_NOT_IN_SCHOOL_CLASS.format(id=learner_id),
    )
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                learner=learner,
                author=request.user,
                title=data["title"],
                summary=data["summary"],
                accommodations=data["accommodations"],
                time_multiplier=data["time_multiplier"],
                review_dates=form.review_list(),
                responsible_note=data["responsible_note"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Plan written for %(name)s.") % {"name": learner})
            return redirect("plan-detail", plan.pk)
    return render(
        request,
        "individualization/plan_form.html",
        {"form": form, "learner": learner, "plan": None},
    )


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan_to_change(
        request.user, plan_id, via=None if request.method == "POST" else VIA_PAGE
    )
    initial = {
        "title": plan.title,
        "summary": plan.summary,
        "accommodations": plan.accommodations,
        "time_multiplier": plan.time_multiplier,
        "review_dates": ", ".join(plan.review_dates),
        "responsible_note": plan.responsible_note,
        "responsible": plan.responsible_id,
    }
    staff = people_selectors.staff_of_school(plan.school_id)
    form = forms.PlanChangeForm(request.POST or None, initial=initial, staff_qs=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                plan=plan,
                changed_by=request.user,
                reason=data["reason"],
                title=data["title"],
                summary=data["summary"],
                accommodations=data["accommodations"],
                time_multiplier=data["time_multiplier"],
                review_dates=form.review_list(),
                responsible=data["responsible"],
                responsible_note=data["responsible_note"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Plan changed; the previous version is kept."))
            return redirect("plan-detail", plan.pk)
    return render(
        request,
        "individualization/plan_form.html",
        {"form": form, "learner": plan.learner, "plan": plan},
    )


def _competencies_for(plan: IndividualPlan):
    return competencies_of_frameworks(frameworks_for_school(plan.school)).order_by(
        "framework", "position", "code"
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id, via=VIA_PAGE)
    return _plan_page(request, plan.pk)


def _plan_page(
    request: HttpRequest, plan_id: int, *, session_retry: dict | None = None, status: int = 200
) -> HttpResponse:
    """The plan page; ``session_retry`` (support id, what was typed, every
    error) shows a refused session again, fields kept."""
    plan = selectors.plan_detail(plan_id)
    can_change = request.user.has_perm("individualization.change_plan", plan)
    progress = [objective_progress(o) for o in plan.objectives.all()]
    return render(
        request,
        "individualization/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "can_change": can_change,
            "objective_form": forms.ObjectiveForm(
                competencies_qs=_competencies_for(plan), plan=plan
            )
            if can_change
            else None,
            "support_form": forms.SupportForm() if can_change else None,
            "session_form": forms.SessionForm() if can_change else None,
            "measurement_form": forms.MeasurementForm() if can_change else None,
            "reports": selectors.reports_visible_for_learner(request.user, plan.learner),
            "can_see_reads": access.may_see_plan_reads(request.user, plan),
            "versions": selectors.versions_with_changes(plan),
            "session_retry": session_retry,
        },
        status=status,
    )


@login_required
def objective_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan_to_change(request.user, plan_id)
    form = forms.ObjectiveForm(
        request.POST or None, competencies_qs=_competencies_for(plan), plan=plan
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objective_add(
                plan=plan,
                changed_by=request.user,
                reason=data["reason"],
                statement=data["statement"],
                competencies=list(data["competencies"]),
                method=data["method"],
                unit=data["unit"],
                baseline_value=data["baseline_value"],
                baseline_date=data["baseline_date"],
                target_value=data["target_value"],
                target_date=data["target_date"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Objective added."))
            return redirect("plan-detail", plan.pk)
    return render(request, "individualization/objective_form.html", {"form": form, "plan": plan})


def _objective_initial(objective) -> dict:
    return {
        "statement": objective.statement,
        "competencies": list(objective.competencies.all()),
        "method": objective.method,
        "unit": objective.unit,
        "baseline_value": objective.baseline_value,
        "baseline_date": objective.baseline_date,
        "target_value": objective.target_value,
        "target_date": objective.target_date,
    }


@login_required
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access.access_objective(
        request.user, objective_id, change=True, via=None if request.method == "POST" else VIA_PAGE
    )
    plan = objective.plan
    form = forms.ObjectiveChangeForm(
        request.POST or None,
        initial=_objective_initial(objective),
        competencies_qs=_competencies_for(plan),
        plan=plan,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        data["competencies"] = list(data["competencies"])
        try:
            services.objective_update(
                objective=objective, changed_by=request.user, reason=reason, **data
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Objective changed; the previous version is kept."))
            return redirect("plan-detail", plan.pk)
    return render(
        request,
        "individualization/objective_form.html",
        {"form": form, "plan": plan, "objective": objective},
    )


def _remove(request: HttpRequest, *, plan, thing, what: str, remove, lost: str) -> HttpResponse:
    """The confirm-and-remove page shared by objectives and supports."""
    form = forms.RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove(reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, REMOVED[what])
            return redirect("plan-detail", plan.pk)
    return render(
        request,
        "individualization/remove_confirm.html",
        {"form": form, "plan": plan, "thing": thing, "what": WHAT[what], "lost": lost},
    )


@login_required
def objective_delete(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access.access_objective(
        request.user, objective_id, change=True, via=None if request.method == "POST" else VIA_PAGE
    )
    count = objective.measurements.count()
    return _remove(
        request,
        plan=objective.plan,
        thing=objective,
        what="objective",
        remove=lambda reason: services.objective_delete(
            objective=objective, changed_by=request.user, reason=reason
        ),
        lost=ngettext(
            "%(count)s measurement entered by hand", "%(count)s measurements entered by hand", count
        )
        % {"count": count}
        if count
        else "",
    )


@login_required
def support_edit(request: HttpRequest, support_id: int) -> HttpResponse:
    support = access.access_support_to_change(
        request.user, support_id, via=None if request.method == "POST" else VIA_PAGE
    )
    plan = support.plan
    form = forms.SupportChangeForm(
        request.POST or None,
        initial={
            "kind": support.kind,
            "provider": support.provider,
            "focus": support.focus,
            "planned_minutes_per_week": support.planned_minutes_per_week,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.support_update(support=support, changed_by=request.user, reason=reason, **data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Support changed; the previous version is kept."))
            return redirect("plan-detail", plan.pk)
    return render(
        request,
        "individualization/support_form.html",
        {"form": form, "plan": plan, "support": support},
    )


@login_required
def support_delete(request: HttpRequest, support_id: int) -> HttpResponse:
    support = access.access_support_to_change(
        request.user, support_id, via=None if request.method == "POST" else VIA_PAGE
    )
    count = support.sessions.count()
    return _remove(
        request,
        plan=support.plan,
        thing=support,
        what="support",
        remove=lambda reason: services.support_delete(
            support=support, changed_by=request.user, reason=reason
        ),
        lost=ngettext("%(count)s logged session", "%(count)s logged sessions", count)
        % {"count": count}
        if count
        else "",
    )


@login_required
def support_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan_to_change(request.user, plan_id)
    form = forms.SupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_add(plan=plan, changed_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Support added."))
            return redirect("plan-detail", plan.pk)
    return render(request, "individualization/support_form.html", {"form": form, "plan": plan})


@login_required
@require_POST
def session_log(request: HttpRequest, support_id: int) -> HttpResponse:
    support = access.access_support_to_log(request.user, support_id)
    form = forms.SessionForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.support_session_log(
                support=support, logged_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            errors = list(exc.messages)
    else:
        errors = [
            f"{form.fields[name].label or name}: {' '.join(msgs)}"
            for name, msgs in form.errors.items()
        ]
    if errors:
        # Every problem at once, on the plan page, with what was typed kept.
        typed = {key: request.POST.get(key, "") for key in ("on", "minutes", "note")}
        retry = {"support_id": support.pk, "data": typed, "errors": errors}
        return _plan_page(request, support.plan_id, session_retry=retry, status=400)
    messages.success(request, _("Session logged."))
    return redirect("plan-detail", support.plan_id)


@login_required
@require_POST
def measurement_add(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access.access_objective(request.user, objective_id, change=True)
    form = forms.MeasurementForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.measurement_record(
            objective=objective, recorded_by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Measurement recorded."))
    return redirect("plan-detail", objective.plan_id)


@login_required
def plan_reads(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan_reads(request.user, plan_id)
    return render(
        request,
        "individualization/plan_reads.html",
        {"plan": plan, "reads": selectors.read_log(plan)[:500]},
    )


@login_required
def report_create(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner_to_write_for(
        request.user,
        learner_id,
        refusal=LEARNER_NOT_IN_SCHOOL_CLASS.format(id=learner_id),
    )
    qs = selectors.summative_assessments_for_report(learner, request.user)
    form = forms.ReportForm(request.POST or None, assessments_qs=qs)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.summative_report_create(
                learner=learner, assessment=form.cleaned_data["assessment"], created_by=request.user
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            return redirect("report-detail", report.pk)
    return render(request, "individualization/report_form.html", {"form": form, "learner": learner})


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.access_report(request.user, report_id)
    return render(
        request,
        "individualization/report_detail.html",
        {
            "report": report,
            "can_share": request.user.has_perm("individualization.share_report", report),
        },
    )


@login_required
@require_POST
def report_share(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.access_report_to_share(request.user, report_id)
    report_services.summative_report_share(report=report)
    messages.success(request, _("Shared with the learner's guardians."))
    return redirect("report-detail", report.pk)
