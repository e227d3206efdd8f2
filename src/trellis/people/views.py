"""People pages: sign-in, the home page for each role, class, learner and
school pages. Each fetches through ``access`` and reads through ``selectors``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from trellis.people import access, roles, selectors, services
from trellis.people.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's ``set_language`` (cookie, for
    everyone) and, for a signed-in person, the choice kept on the account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in codes:
        services.user_language_set(user=request.user, language=language)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_roles = user.role_set()
    context: dict[str, object] = {"roles_held": [r for r in roles.ALL_ROLES if r in my_roles]}
    if roles.TEACHER in my_roles:
        taught = list(selectors.classes_taught_by(user))
        context["taught_classes"] = [
            {"class": c, "roster": list(selectors.roster_of(c))} for c in taught
        ]
    if roles.LEARNER in my_roles:
        context["my_classes"] = list(selectors.classes_attended_by(user))
    if roles.GUARDIAN in my_roles:
        context["children"] = [
            {"learner": child, "classes": list(selectors.classes_attended_by(child))}
            for child in selectors.children_of(user)
        ]
    if roles.ADMIN in my_roles or user.is_superuser:
        context["schools"] = [
            {"school": s, "counts": selectors.school_counts(s)}
            for s in selectors.schools_administered_by(user)
        ]
    return render(request, "people/home.html", context)


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access.access_class(request.user, class_id)
    can_roster = request.user.has_perm("people.view_class_roster", school_class)
    return render(
        request,
        "people/class_detail.html",
        {
            "school_class": school_class,
            "teachers": list(school_class.teachers.all()),
            "roster": list(selectors.roster_of(school_class)) if can_roster else None,
        },
    )


@login_required
def learner_detail(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner(request.user, learner_id)
    return render(
        request,
        "people/learner_detail.html",
        {
            "learner": learner,
            "classes": list(selectors.classes_attended_by(learner)),
            "guardians": list(learner.guardians_links.select_related("guardian")),
        },
    )


@login_required
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.access_school(request.user, school_id)
    classes = school.classes.select_related("term").prefetch_related("teachers").order_by("name")
    return render(
        request,
        "people/school_detail.html",
        {"school": school, "counts": selectors.school_counts(school), "classes": classes},
    )
