"""Forms for the plan and pacing pages. Validation of meaning (dates in
order, measurable targets, known accommodations) lives in the services;
these only parse input."""

from __future__ import annotations

from django import forms

from trellis.individualization.constants import (
    ACCOMMODATIONS,
    DEFAULT_TIME_MULTIPLIER,
    METHODS,
    UNKNOWN_ACCOMMODATION,
)
from trellis.individualization.models import SUPPORT_KINDS


class Described(forms.Form):
    """Ties each field's help text to its input for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"


class PlanForm(Described):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Strengths and needs"
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
    )
    time_multiplier = forms.FloatField(
        initial=DEFAULT_TIME_MULTIPLIER,
        label="Extended time: multiply time limits by",
        help_text="Used when extended time is ticked, for example 1.5.",
    )
    review_dates = forms.CharField(
        required=False,
        label="Review dates",
        help_text="YYYY-MM-DD, separated by commas.",
    )
    responsible_note = forms.CharField(
        max_length=300, required=False, label="Who else is responsible (aide, specialist)"
    )

    def review_list(self) -> list[str]:
        raw = self.cleaned_data.get("review_dates") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]


class PlanChangeForm(PlanForm):
    responsible = forms.ModelChoiceField(
        queryset=None, label="Person responsible", help_text="A teacher or admin of the school."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why this change")

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
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Objective")
    competencies = forms.ModelMultipleChoiceField(queryset=None)
    method = forms.ChoiceField(choices=METHODS, label="How progress is measured")
    unit = forms.CharField(max_length=40, required=False, help_text="For a teacher measure.")
    baseline_value = forms.FloatField(label="Baseline value")
    baseline_date = forms.DateField(
        label="Baseline date", widget=forms.DateInput(attrs={"type": "date"})
    )
    target_value = forms.FloatField(label="Target value")
    target_date = forms.DateField(
        label="Target date", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="Why this change", initial="Objective added.")

    def __init__(self, *args, competencies_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs


class ObjectiveChangeForm(ObjectiveForm):
    reason = forms.CharField(label="Why this change")


class SupportForm(Described):
    kind = forms.ChoiceField(choices=SUPPORT_KINDS)
    provider = forms.CharField(max_length=150, label="With (aide or specialist)")
    focus = forms.CharField(max_length=200, required=False)
    planned_minutes_per_week = forms.IntegerField(min_value=1, label="Planned minutes per week")
    reason = forms.CharField(label="Why this change", initial="Support added.")


class SupportChangeForm(SupportForm):
    reason = forms.CharField(label="Why this change")


class RemoveForm(Described):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why remove it",
        help_text="Kept with the plan's new version, with your name.",
    )


class SessionForm(Described):
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label="Minutes")
    note = forms.CharField(max_length=300, required=False)


class MeasurementForm(Described):
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField()
    note = forms.CharField(max_length=200, required=False)


class ReportForm(Described):
    assessment = forms.ModelChoiceField(queryset=None, label="OF-learning assessment")

    def __init__(self, *args, assessments_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments_qs


class SequenceForm(Described):
    title = forms.CharField(max_length=200, label="Sequence title")
    is_default = forms.BooleanField(required=False, initial=True, label="The class's sequence")


class ModuleForm(Described):
    title = forms.CharField(max_length=200)
    competencies = forms.ModelMultipleChoiceField(queryset=None)
    resources = forms.ModelMultipleChoiceField(queryset=None, required=False)
    practice = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    mastery_check = forms.ModelChoiceField(queryset=None, required=False)
    threshold = forms.FloatField(initial=0.8, help_text="Share correct needed to pass, 0 to 1.")

    def __init__(self, *args, competencies_qs, resources_qs, checks_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs
        self.fields["resources"].queryset = resources_qs
        self.fields["mastery_check"].queryset = checks_qs


class PlaceForm(Described):
    learner = forms.ModelChoiceField(queryset=None)
    sequence = forms.ModelChoiceField(queryset=None)
    start_after = forms.DateField(
        required=False, label="Start after", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, learners_qs, sequences_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners_qs
        self.fields["sequence"].queryset = sequences_qs
