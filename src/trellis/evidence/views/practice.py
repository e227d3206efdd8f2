"""Adaptive practice on one competency: the next item keeps the expected
chance of success near 70 %, fresh items come before repeats, and practice
stops at mastery."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from trellis.curriculum.access import access_competency
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.curriculum.presentation import present_item
from trellis.evidence import feedback, mastery, selectors, services
from trellis.evidence.forms import AnswerForm, elapsed_ms
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models.response import SOURCE_PRACTICE
from trellis.people import roles
from trellis.people.models import Membership

TARGET_SUCCESS = 0.7
LEARNERS_ONLY = "Practice is for learners."


def _session_key(competency_id: int) -> str:
    return f"practice:{competency_id}"


def next_practice_item(learner, competency, seen: set[int]) -> Item | None:
    """The item to practise next, or None when mastered or nothing is left."""
    schools = Membership.objects.filter(user=learner, role=roles.LEARNER, active=True).values(
        "school_id"
    )
    items = list(
        Item.objects.filter(
            competencies=competency, active=True, school__in=schools, kind__in=kinds.AUTO_SCORED
        ).order_by("pk")
    )
    if not items:
        return None
    record = MasteryRecord.objects.filter(learner=learner, competency=competency).first()
    state = record.state if record else {}
    if record and mastery.is_mastered(record.probability, record.attempts):
        return None
    model = mastery.model_for_school(items[0].school_id)
    if model.per_learner:
        state = selectors.learner_model_state(learner.pk)
    candidates = [
        (i.pk, mastery.expected_success(model, state, str(competency.pk), i.pk)) for i in items
    ]
    chosen = mastery.choose_practice_item(candidates, seen, TARGET_SUCCESS)
    return next((i for i in items if i.pk == chosen), None)


@login_required
def practice(request: HttpRequest, competency_id: int) -> HttpResponse:
    competency = access_competency(request.user, competency_id)
    learner = request.user
    if roles.LEARNER not in learner.role_set():
        raise PermissionDenied(LEARNERS_ONLY)
    key = _session_key(competency.pk)
    if request.GET.get("restart"):
        request.session[key] = []
    seen = set(request.session.get(key, []))
    record = MasteryRecord.objects.filter(learner=learner, competency=competency).first()
    last = None
    last_id = request.GET.get("last")
    if last_id and last_id.isdigit():
        last = Response.objects.filter(pk=int(last_id), learner=learner).first()
    last_text = feedback.recall(request.session, last) if last and last.correct is not None else ""
    item = next_practice_item(learner, competency, seen)
    if item is None:
        return render(
            request,
            "evidence/practice.html",
            {
                "competency": competency,
                "record": record,
                "done": True,
                "last": last,
                "last_text": last_text,
            },
        )
    presented = present_item(item, learner)
    form = AnswerForm(request.POST or None, presented=presented)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.response_record(
                learner=learner,
                item=item,
                answer=form.cleaned_data["answer"],
                idempotency_key=form.cleaned_data["token"],
                source=SOURCE_PRACTICE,
                time_on_item_ms=elapsed_ms(form.cleaned_data.get("shown") or "", item.pk),
            )
        except ValidationError as exc:
            form.add_error("answer", exc)
        else:
            request.session[key] = sorted(seen | {item.pk})
            if result.created:
                feedback.remember(request.session, result)
            return redirect(
                f"{reverse('practice', args=[competency.pk])}?last={result.response.pk}"
            )
    return render(
        request,
        "evidence/practice.html",
        {
            "competency": competency,
            "record": record,
            "presented": presented,
            "form": form,
            "last": last,
            "last_text": last_text,
            "done": False,
        },
    )
