"""Adaptive practice on one competency: the next item keeps the expected
chance of success near 70 %, fresh items come before repeats, and practice
stops at mastery."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from trellis.curriculum.access import access_competency
from trellis.curriculum.presentation import present_item
from trellis.evidence import feedback, services
from trellis.evidence.forms import AnswerForm, elapsed_ms
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models.response import SOURCE_PRACTICE
from trellis.evidence.practice import (
    next_practice_item,
    offline_plan,
    practice_items,
    session_key,
)
from trellis.people import roles

LEARNERS_ONLY = gettext_lazy("Practice is for learners.")
NO_SUCH_QUESTION = gettext_lazy("No such practice question.")


def _after(plan: list[int], current: int, page: str) -> list[str]:
    """The pages a device opens after this question when offline: the plan's
    questions after it, then those before it."""
    at = plan.index(current) if current in plan else -1
    rest = plan[at + 1 :] + plan[: max(at, 0)]
    return [f"{page}?item={pk}" for pk in rest if pk != current]


@login_required
def practice(request: HttpRequest, competency_id: int) -> HttpResponse:
    competency = access_competency(request.user, competency_id)
    learner = request.user
    if roles.LEARNER not in learner.role_set():
        raise PermissionDenied(LEARNERS_ONLY)
    key = session_key(competency.pk)
    if request.GET.get("restart"):
        request.session[key] = []
    seen = set(request.session.get(key, []))
    record = MasteryRecord.objects.filter(learner=learner, competency=competency).first()
    last = None
    last_id = request.GET.get("last")
    if last_id and last_id.isdigit():
        last = Response.objects.filter(pk=int(last_id), learner=learner).first()
    last_text = feedback.recall(request.session, last) if last and last.correct is not None else ""
    chosen = request.GET.get("item", "")
    if chosen:
        # A question chosen ahead for offline practice (docs/offline.md):
        # the page the device keeps, and the one its answer posts to.
        item = next((i for i in practice_items(learner, competency) if str(i.pk) == chosen), None)
        if item is None:
            raise Http404(NO_SUCH_QUESTION)
    else:
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
    page = reverse("practice", args=[competency.pk])
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
            "page_url": f"{page}?item={item.pk}",
            "page": page,
            "offline_next": _after(offline_plan(learner, competency, seen), item.pk, page),
        },
    )
