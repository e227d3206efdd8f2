from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.curriculum.kinds import ACCESSIBILITY_FEATURES
from trellis.personalization import access
from trellis.personalization.access import ONLY_THE_LEARNER
from trellis.personalization.models.profile import ENGAGE_CHOICES, EXPRESS_CHOICES, TAKE_IN_CHOICES
from trellis.personalization.services import profile as svc
from trellis.personalization.views import error_list

QUESTIONS = [
    ("strengths", gettext_lazy("My strengths")),
    ("needs", gettext_lazy("What I need help with")),
    ("interests", gettext_lazy("My interests")),
    ("talents", gettext_lazy("My talents")),
    ("passions", gettext_lazy("My passions")),
    ("aspirations", gettext_lazy("What I hope to do")),
]
CHOICE_GROUPS = [
    ("take_in", gettext_lazy("I take in information best by"), TAKE_IN_CHOICES),
    ("express", gettext_lazy("I show what I know best by"), EXPRESS_CHOICES),
    ("engage", gettext_lazy("I work best"), ENGAGE_CHOICES),
    ("accessibility_needs", gettext_lazy("Accessibility I need"), ACCESSIBILITY_FEATURES),
]


def _context(profile, **extra):
    return {
        "profile": profile,
        "questions": [(k, label, getattr(profile, k)) for k, label in QUESTIONS],
        "groups": [(k, label, choices, getattr(profile, k)) for k, label, choices in CHOICE_GROUPS],
        **extra,
    }


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("personalization.write_personal", request.user):
        raise PermissionDenied(ONLY_THE_LEARNER)
    profile = svc.profile_of(request.user)
    errors: list[str] = []
    if request.method == "POST":
        fields = {k: request.POST.get(k, "") for k, _ in QUESTIONS}
        fields["interest_tags"] = request.POST.get("interest_tags", "")
        fields.update({k: request.POST.getlist(k) for k, _, _ in CHOICE_GROUPS})
        try:
            svc.profile_update(learner=request.user, **fields)
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("personalization:profile")
    return render(request, "personalization/profile_edit.html", _context(profile, errors=errors))


@login_required
def learner_profile(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner(request.user, learner_id)
    profile = svc.profile_of(learner)
    can_comment = request.user.has_perm("personalization.guide_learner", learner)
    errors: list[str] = []
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied(access.TEACHERS_ONLY)
        try:
            svc.profile_comment_add(
                profile=profile, author=request.user, text=request.POST.get("text", "")
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Comment added."))
            return redirect("personalization:learner-profile", learner_id=learner.pk)
    comments = list(profile.comments.select_related("author")) if profile.pk else []
    return render(
        request,
        "personalization/profile_view.html",
        _context(
            profile, learner=learner, comments=comments, can_comment=can_comment, errors=errors
        ),
    )
