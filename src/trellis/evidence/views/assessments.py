"""The assessment flow: list, create, take one item at a time (resumable),
hand in, close; rubric scoring by the teacher and self-rating by the learner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.curriculum.presentation import answer_as_shown, present_item
from trellis.curriculum.selectors import (
    competencies_of_frameworks,
    frameworks_for_school,
    item_by_id,
    items_of_school,
)
from trellis.evidence import access, feedback, selectors, services
from trellis.evidence.forms import AnswerForm, AssessmentForm, RubricForm, elapsed_ms
from trellis.evidence.models import (
    Attempt,
    MasteryRecord,
    Response,
    ResponseProduct,
    RubricScore,
)
from trellis.evidence.models.assessment import TARGET_LEARNER
from trellis.evidence.models.response import SCORE_SELF, SCORE_TEACHER
from trellis.evidence.services import products
from trellis.people import selectors as people_selectors
from trellis.people.access import access_class_as_teacher
from trellis.people.redirects import safe_next


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    taught = list(people_selectors.classes_taught_by(user))
    teaching = [
        (c, list(c.assessments.annotate(n_attempts=Count("attempts")).order_by("-opens_at")))
        for c in taught
    ]
    return render(
        request,
        "evidence/assessment_list.html",
        {"mine": selectors.assessments_for_learner(user), "teaching": teaching},
    )


@login_required
def assessment_create(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_as_teacher(request.user, class_id)
    school = school_class.school
    frameworks = frameworks_for_school(school)
    form = AssessmentForm(
        request.POST or None,
        items_qs=items_of_school(school).filter(active=True).order_by("pk"),
        competencies_qs=competencies_of_frameworks(frameworks)
        .filter(children__isnull=True)
        .order_by("framework", "position"),
        learners_qs=people_selectors.roster_of(school_class),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.assessment_create(
                school_class=school_class,
                title=data["title"],
                purpose=data["purpose"],
                created_by=request.user,
                items=list(data["items"]),
                draw_count=data["draw_count"],
                draw_competencies=list(data["draw_competencies"]),
                time_limit_minutes=data["time_limit_minutes"],
                instructions=data["instructions"],
                assign_class=not data["learners"],
            )
            for learner in data["learners"]:
                services.assessment_assign(
                    assessment=created, target=TARGET_LEARNER, learner=learner
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is ready for %(name)s.")
                % {"title": created.title, "name": school_class.name},
            )
            return redirect("assessment-detail", created.pk)
    return render(
        request, "evidence/assessment_form.html", {"form": form, "school_class": school_class}
    )


@login_required
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access.access_assessment(request.user, assessment_id)
    if not request.user.has_perm("evidence.manage_assessment", assessment):
        return redirect("assessment-take", assessment.pk)
    attempts = list(
        assessment.attempts.select_related("learner")
        .annotate(
            answered=Count("responses", filter=Q(responses__corrects__isnull=True)),
            right=Count(
                "responses", filter=Q(responses__correct=True, responses__corrections__isnull=True)
            ),
            sent_offline=Count(
                "responses", filter=Q(responses__offline=True, responses__corrects__isnull=True)
            ),
        )
        .order_by("learner__last_name", "learner__first_name")
    )
    to_score = list(
        Response.objects.filter(
            attempt__assessment=assessment, item__kind="rubric", corrects__isnull=True
        )
        .select_related("learner", "item")
        .annotate(n_scores=Count("rubric_scores", filter=Q(rubric_scores__kind=SCORE_TEACHER)))
        .order_by("recorded_at")
    )
    return render(
        request,
        "evidence/assessment_detail.html",
        {
            "assessment": assessment,
            "attempts": attempts,
            "to_score": to_score,
            "entries": list(assessment.entries.select_related("item")),
            "late": selectors.late_answers_of_assessment(assessment),
            "refused": [
                (refused, answer_as_shown(refused.item, refused.answer), _(refused.reason))
                for refused in selectors.refused_answers_of_assessment(assessment)
            ],
        },
    )


@login_required
@require_POST
def assessment_close(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access.access_assessment_to_manage(request.user, assessment_id)
    services.assessment_close(assessment=assessment)
    messages.success(request, _("Closed: no more answers are accepted, and feedback is released."))
    return redirect("assessment-detail", assessment.pk)


def _pending(attempt: Attempt) -> list[int]:
    answered = set(
        Response.objects.filter(attempt=attempt, corrects__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    return [i for i in attempt.item_ids if i not in answered]


def _summary(request: HttpRequest, assessment, attempt: Attempt | None) -> HttpResponse:
    responses = (
        list(
            Response.objects.filter(attempt=attempt, corrections__isnull=True)
            .select_related("item")
            .prefetch_related("rubric_scores")
            .order_by("recorded_at")
        )
        if attempt
        else []
    )
    for resp in responses:
        resp.shown_answer = answer_as_shown(resp.item, resp.answer)
    return render(
        request,
        "evidence/assessment_summary.html",
        {
            "assessment": assessment,
            "attempt": attempt,
            "responses": responses,
            "feedback": assessment.shows_feedback(),
        },
    )


@login_required
def assessment_take(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access.access_assessment_to_take(request.user, assessment_id)
    learner = request.user
    attempt = Attempt.objects.filter(assessment=assessment, learner=learner).first()
    if attempt is not None:
        attempt.assessment = assessment  # already loaded: no second query
    else:
        limit = services.effective_time_limit(assessment, learner)
        if limit is not None and request.POST.get("start") != "1":
            # A timed assessment: the clock starts only when the learner says so.
            return render(
                request,
                "evidence/assessment_start.html",
                {
                    "assessment": assessment,
                    "minutes": int(limit.total_seconds() // 60),
                },
            )
        try:
            attempt = services.attempt_start(assessment=assessment, learner=learner)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _summary(request, assessment, None)
        if request.method == "POST":  # "Start now" on the confirmation: the first item
            return redirect("assessment-take", assessment.pk)
    pending = _pending(attempt)
    if attempt.submitted_at or not pending or assessment.is_closed():
        return _summary(request, assessment, attempt)
    item = item_by_id(_chosen_item(request, pending))
    presented = present_item(item, learner)
    form = AnswerForm(
        request.POST or None, request.FILES or None, presented=presented, products=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.response_record(
                learner=learner,
                item=item,
                answer=form.cleaned_data["answer"],
                idempotency_key=form.cleaned_data["token"],
                attempt=attempt,
                time_on_item_ms=elapsed_ms(form.cleaned_data.get("shown") or "", item.pk),
            )
            if result.created and form.cleaned_data.get("file"):
                products.response_product_attach(
                    response=result.response, upload=form.cleaned_data["file"]
                )
        except ValidationError as exc:
            form.add_error("answer", exc)
        else:
            if item.kind == "rubric" and result.created:
                return redirect(
                    f"{reverse('response-self-rate', args=[result.response.pk])}?next="
                    f"{reverse('assessment-take', args=[assessment.pk])}"
                )
            if result.created:
                feedback.remember(request.session, result)
            return redirect(
                f"{reverse('assessment-take', args=[assessment.pk])}?last={result.response.pk}"
            )
    last = _last_feedback(request, assessment, learner)
    position = attempt.item_ids.index(item.pk) + 1
    take = reverse("assessment-take", args=[assessment.pk])
    return render(
        request,
        "evidence/assessment_take.html",
        {
            "assessment": assessment,
            "attempt": attempt,
            "presented": presented,
            "form": form,
            "position": position,
            "total": len(attempt.item_ids),
            "last": last,
            "offline_next": [f"{take}?item={i}" for i in pending if i != item.pk],
        },
    )


def _chosen_item(request: HttpRequest, pending: list[int]) -> int:
    """The question asked for with ``?item=`` (the pages a device keeps for
    offline use, one per question) when it is still to be answered, else
    the first one still to be answered."""
    asked = request.GET.get("item", "")
    if asked.isdigit() and int(asked) in pending:
        return int(asked)
    return pending[0]


def _last_feedback(request: HttpRequest, assessment, learner) -> dict | None:
    """Immediate feedback on the previous answer, for FOR and AS learning only."""
    last_id = request.GET.get("last")
    if not last_id or not last_id.isdigit() or not assessment.shows_feedback():
        return None
    response = (
        Response.objects.filter(pk=int(last_id), learner=learner, attempt__assessment=assessment)
        .select_related("item")
        .first()
    )
    if response is None or response.correct is None:
        return None
    records = MasteryRecord.objects.filter(
        learner=learner, competency__in=response.item.competencies.all()
    ).select_related("competency")
    return {
        "response": response,
        "records": list(records),
        "text": feedback.recall(request.session, response),
    }


@login_required
@require_POST
def assessment_submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = access.access_assessment_to_take(request.user, assessment_id)
    attempt = Attempt.objects.filter(assessment=assessment, learner=request.user).first()
    if attempt is not None:
        services.attempt_submit(attempt=attempt)
        messages.success(request, _("Handed in. Well done."))
    return redirect("assessment-take", assessment.pk)


def _latest(scores: list[RubricScore], kind: str) -> RubricScore | None:
    corrected = {s.corrects_id for s in scores if s.corrects_id}
    current = [s for s in scores if s.kind == kind and s.pk not in corrected]
    return current[-1] if current else None


def _rubric_page(request: HttpRequest, response: Response, kind: str) -> HttpResponse:
    scores = list(
        response.rubric_scores.select_related("recorded_by").order_by("recorded_at", "pk")
    )
    previous = _latest(scores, kind)
    form = RubricForm(request.POST or None, rubric=response.item.rubric)
    if request.method == "POST" and form.is_valid():
        try:
            services.rubric_score_record(
                response=response,
                recorded_by=request.user,
                kind=kind,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                idempotency_key=form.cleaned_data["token"],
                corrects=previous,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if kind == SCORE_SELF:
                messages.success(request, _("Your self-rating is saved beside your work."))
                return redirect(safe_next(request, reverse("my-competencies")))
            messages.success(request, _("Score saved for %(name)s.") % {"name": response.learner})
            if response.attempt_id:
                return redirect("assessment-detail", response.attempt.assessment_id)
            return redirect("learner-competencies", response.learner_id)
    return render(
        request,
        "evidence/rubric_score.html",
        {
            "response": response,
            "form": form,
            "kind": kind,
            "previous": previous,
            "teacher_score": _latest(scores, SCORE_TEACHER),
            "product": ResponseProduct.objects.filter(response=response).first(),
            "self_score": _latest(scores, SCORE_SELF),
        },
    )


@login_required
def response_score(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response_to_score(request.user, response_id)
    return _rubric_page(request, response, SCORE_TEACHER)


@login_required
def response_product(request: HttpRequest, response_id: int) -> FileResponse:
    """The file attached to a performance task, for those who may see it
    (``evidence.view_product``); sent with no-sniff and a sandbox so that a
    file cannot run as a page of the site."""
    product = access.access_product(request.user, response_id)
    answer = FileResponse(product.file.open("rb"), content_type=product.content_type)
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    answer["Cache-Control"] = "private, no-store"
    return answer


@login_required
def response_self_rate(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.access_response(request.user, response_id)
    if not request.user.has_perm("evidence.self_rate_response", response):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(services.responses.SELF_RATING_OWN_ONLY)
    return _rubric_page(request, response, SCORE_SELF)
