"""Own-pace pages: the teacher's pacing board and module arrangement for a
class, and the learner's own view of where they are."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trellis.curriculum.selectors import (
    competencies_of_frameworks,
    frameworks_for_school,
    resources_of_school,
)
from trellis.individualization import access, forms, selectors
from trellis.individualization.models import ModuleSequence
from trellis.individualization.services import pacing as services
from trellis.individualization.views.plans import _fail
from trellis.people import selectors as people_selectors
from trellis.people.access import access_class_as_teacher, access_class_roster


def _place_form(school_class, data=None) -> forms.PlaceForm:
    return forms.PlaceForm(
        data,
        learners_qs=people_selectors.roster_of(school_class),
        sequences_qs=ModuleSequence.objects.filter(school_class=school_class),
    )


@login_required
def pacing_board(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_roster(request.user, class_id)
    can_arrange = request.user.has_perm("individualization.arrange_modules", school_class)
    return render(
        request,
        "individualization/pacing.html",
        {
            "school_class": school_class,
            "rows": selectors.pacing_board(school_class),
            "sequences": list(selectors.sequences_of(school_class)),
            "can_arrange": can_arrange,
            "sequence_form": forms.SequenceForm() if can_arrange else None,
            "place_form": _place_form(school_class) if can_arrange else None,
        },
    )


@login_required
@require_POST
def sequence_create(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_as_teacher(request.user, class_id)
    form = forms.SequenceForm(request.POST)
    if form.is_valid():
        services.sequence_create(
            school_class=school_class, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Sequence created: add its modules."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("pacing-board", school_class.pk)


def _module_form(school_class, data=None, initial=None) -> forms.ModuleForm:
    frameworks = frameworks_for_school(school_class.school)
    return forms.ModuleForm(
        data,
        initial=initial,
        competencies_qs=competencies_of_frameworks(frameworks),
        resources_qs=resources_of_school(school_class.school),
        checks_qs=selectors.mastery_checks_for(school_class),
    )


@login_required
def module_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    module = access.access_module_to_arrange(request.user, module_id)
    school_class = module.sequence.school_class
    form = _module_form(
        school_class,
        request.POST or None,
        initial={
            "title": module.title,
            "competencies": list(module.competencies.all()),
            "resources": list(module.resources.all()),
            "practice": module.practice,
            "mastery_check": module.mastery_check,
            "threshold": module.threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["competencies"] = list(data["competencies"])
        data["resources"] = list(data["resources"])
        try:
            services.module_update(module=module, **data)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Module changed."))
            return redirect("pacing-board", school_class.pk)
    return render(
        request,
        "individualization/module_form.html",
        {"form": form, "sequence": module.sequence, "module": module},
    )


@login_required
def module_add(request: HttpRequest, sequence_id: int) -> HttpResponse:
    sequence = access.access_sequence_to_arrange(request.user, sequence_id)
    school_class = sequence.school_class
    form = _module_form(school_class, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.module_add(
                sequence=sequence,
                title=data["title"],
                competencies=list(data["competencies"]),
                resources=list(data["resources"]),
                practice=data["practice"],
                mastery_check=data["mastery_check"],
                threshold=data["threshold"],
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Module added."))
            return redirect("pacing-board", school_class.pk)
    return render(
        request, "individualization/module_form.html", {"form": form, "sequence": sequence}
    )


@login_required
@require_POST
def pace_place(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_class_as_teacher(request.user, class_id)
    form = _place_form(school_class, request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.pace_place(school_class=school_class, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s placed.") % {"name": form.cleaned_data["learner"]})
    return redirect("pacing-board", school_class.pk)


@login_required
def my_modules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "individualization/my_modules.html",
        {"paces": list(selectors.paces_of_learner(request.user))},
    )
