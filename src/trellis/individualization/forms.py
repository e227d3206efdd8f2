"""Forms for the plan and pacing pages. Validation of meaning (dates in
order, measurable targets, known accommodations) lives in the services;
the plan and objective forms ask the services for every such problem in
``clean()``, so one submission shows all of them next to their fields,
with what was typed kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trellis.individualization.constants import (
    ACCOMMODATIONS,
    DEFAULT_TIME_MULTIPLIER,
    METHODS,
    UNKNOWN_ACCOMMODATION,
)
from trellis.individualization.models import SUPPORT_KINDS
from trellis.individualization.services import plans as plan_services


def _add_problems(form: forms.Form, problems: dict[str, list[str]]) -> None:
    for field, messages in problems.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class Described(forms.Form):
    """Ties each field's help text to its input for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"


class PlanForm(Described):
    title = forms.CharField(max_length=200, label=_("Title"))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Strengths and needs")
    )
    accommodations = forms.MultipleChoiceField(
        choices=list(ACCOMMODATIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": UNKNOWN_ACCOMMODATION.replace("{value!r}", "'%(value)s'").format(
                choices=", ".join(ACCOMMODATIONS)
            )
        },
        label=_("Accommodations"),
    )
    time_multiplier = forms.FloatField(
        initial=DEFAULT_TIME_MULTIPLIER,
        label=_("Extended time: multiply time limits by"),
        help_text=_("Used when extended time is ticked, for example 1.5."),
    )
    review_dates = forms.CharField(
        required=False,
        label=_("Review dates"),
        help_text=_("YYYY-MM-DD, separated by commas."),
    )
    responsible_note = forms.CharField(
        max_length=300, required=False, label=_("Who else is responsible (aide, specialist)")
    )

    def review_list(self) -> list[str]:
        raw = self.cleaned_data.get("review_dates") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean(self):
        data = super().clean()
        _add_problems(
            self,
            plan_services.plan_problems(
                time_multiplier=data.get("time_multiplier"),
                review_dates=self.review_list() if "review_dates" in data else None,
            ),
        )
        return data


class PlanChangeForm(PlanForm):
    responsible = forms.ModelChoiceField(
        queryset=None,
        label=_("Person responsible"),
        help_text=_("A teacher or admin of the school."),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Why this change"))

    field_order = [
        "title",
        "summary",
        "accommodations",
        "time_multiplier",
        "review_dates",
        "responsible",
        "responsible_note",
        "reason",
    ]

    def __init__(self, *args, staff_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_qs


class ObjectiveForm(Described):
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Objective"))
    competencies = forms.ModelMultipleChoiceField(queryset=None, label=_("Competencies"))
    method = forms.ChoiceField(choices=METHODS, label=_("How progress is measured"))
    unit = forms.CharField(
        max_length=40, required=False, help_text=_("For a teacher measure."), label=_("Unit")
    )
    baseline_value = forms.FloatField(label=_("Baseline value"))
    baseline_date = forms.DateField(
        label=_("Baseline date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    target_value = forms.FloatField(label=_("Target value"))
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Why this change"), initial="Objective added.")

    def __init__(self, *args, competencies_qs, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs
        self.plan = plan

    def clean(self):
        data = super().clean()
        competencies = data.get("competencies")
        _add_problems(
            self,
            plan_services.objective_problems(
                self.plan,
                method=data.get("method"),
                baseline_value=data.get("baseline_value"),
                baseline_date=data.get("baseline_date"),
                target_value=data.get("target_value"),
                target_date=data.get("target_date"),
                competencies=list(competencies) if competencies is not None else None,
            ),
        )
        return data


class ObjectiveChangeForm(ObjectiveForm):
    reason = forms.CharField(label=_("Why this change"))


class SupportForm(Described):
    kind = forms.ChoiceField(choices=SUPPORT_KINDS, label=_("Kind"))
    provider = forms.CharField(max_length=150, label=_("With (aide or specialist)"))
    focus = forms.CharField(max_length=200, required=False, label=_("Focus"))
    planned_minutes_per_week = forms.IntegerField(min_value=1, label=_("Planned minutes per week"))
    reason = forms.CharField(label=_("Why this change"), initial="Support added.")


class SupportChangeForm(SupportForm):
    reason = forms.CharField(label=_("Why this change"))


class RemoveForm(Described):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why remove it"),
        help_text=_("Kept with the plan's new version, with your name."),
    )


class SessionForm(Described):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label=_("Minutes"))
    note = forms.CharField(max_length=300, required=False, label=_("Note"))


class MeasurementForm(Described):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField(label=_("Value"))
    note = forms.CharField(max_length=200, required=False, label=_("Note"))


class ReportForm(Described):
    assessment = forms.ModelChoiceField(queryset=None, label=_("OF-learning assessment"))

    def __init__(self, *args, assessments_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments_qs


class SequenceForm(Described):
    title = forms.CharField(max_length=200, label=_("Sequence title"))
    is_default = forms.BooleanField(required=False, initial=True, label=_("The class's sequence"))


class ModuleForm(Described):
    title = forms.CharField(max_length=200, label=_("Title"))
    competencies = forms.ModelMultipleChoiceField(queryset=None, label=_("Competencies"))
    resources = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("Resources"))
    practice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Practice")
    )
    mastery_check = forms.ModelChoiceField(queryset=None, required=False, label=_("Mastery check"))
    threshold = forms.FloatField(
        initial=0.8, help_text=_("Share correct needed to pass, 0 to 1."), label=_("Threshold")
    )

    def __init__(self, *args, competencies_qs, resources_qs, checks_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs
        self.fields["resources"].queryset = resources_qs
        self.fields["mastery_check"].queryset = checks_qs


class PlaceForm(Described):
    learner = forms.ModelChoiceField(queryset=None, label=_("Learner"))
    sequence = forms.ModelChoiceField(queryset=None, label=_("Sequence"))
    start_after = forms.DateField(
        required=False, label=_("Start after"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, learners_qs, sequences_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners_qs
        self.fields["sequence"].queryset = sequences_qs
