"""Forms for CASE import, items and resources. Validation messages say what
is wrong and how to fix it; model rules (``Item.clean``) are reported on the
form too, so nothing is only checked silently."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.models import item as kinds
from trellis.curriculum.models.resource import ACCESSIBILITY_FEATURES, FORMATS

N_OPTIONS = 5
RUBRIC_LINE_HELP = _(
    "One criterion per line: the name, a colon, then its levels from lowest to highest separated by |. For example: Reasoning: none | partial | complete"
)
RUBRIC_LINE_ERROR = _(
    "Line {n} (“{line}”) needs a name, a colon and at least two levels separated by |."
)
CORRECT_OPTION_EMPTY = _("The option marked correct is empty.")
NOT_A_NUMBER_FIELD = _("Enter a number, for example 2.5.")


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label=_("CASE JSON file"), help_text=_("A 1EdTech CASE 1.0 CFPackage (.json).")
    )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=kinds.KINDS, widget=forms.RadioSelect, label=_("Kind of question")
    )
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Question or task"))
    competencies = forms.ModelMultipleChoiceField(queryset=None, label=_("Competencies assessed"))
    correct_option = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Correct option (multiple choice)"),
        choices=[("", "—")] + [(str(n), format_lazy(_("Option {n}"), n=n)) for n in range(1, N_OPTIONS + 1)],
    )  # fmt: skip
    correct_options = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        label=_("Correct options (multiple response)"),
        help_text=_("Tick every option that is correct; a learner must choose exactly these."),
        choices=[(str(n), format_lazy(_("Option {n}"), n=n)) for n in range(1, N_OPTIONS + 1)],
    )  # fmt: skip
    numeric_answer = forms.FloatField(
        required=False,
        label=_("Correct value (numeric)"),
        error_messages={"invalid": NOT_A_NUMBER_FIELD},
    )
    numeric_tolerance = forms.FloatField(
        required=False, min_value=0, label=_("Tolerance (numeric)"), error_messages={"invalid": NOT_A_NUMBER_FIELD},
        help_text=_("Answers within this distance of the value count as correct."),
    )  # fmt: skip
    accepted_answers = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Accepted answers (short text)"),
        help_text=_("One per line. Case and extra spaces are ignored when comparing."),
    )  # fmt: skip
    rubric = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Rubric (performance task)"),
        help_text=RUBRIC_LINE_HELP,
    )  # fmt: skip

    def __init__(self, *args, competencies_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs
        for n in range(1, N_OPTIONS + 1):
            self.fields[f"option_{n}"] = forms.CharField(
                required=False, label=_("Option %(n)s") % {"n": n}
            )
            self.fields[f"option_{n}_removable"] = forms.BooleanField(
                required=False,
                label=_("Option %(n)s may be removed for “reduced answer choices”") % {"n": n},
            )

    def option_rows(self):
        return [
            (self[f"option_{n}"], self[f"option_{n}_removable"]) for n in range(1, N_OPTIONS + 1)
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in kinds.WITH_OPTIONS:
            options = []
            field = "correct_option" if kind == kinds.CHOICE else "correct_options"
            marked = {data.get(field)} if kind == kinds.CHOICE else set(data.get(field) or [])
            for n in range(1, N_OPTIONS + 1):
                text = (data.get(f"option_{n}") or "").strip()
                if not text:
                    if n in marked:
                        self.add_error(field, CORRECT_OPTION_EMPTY)
                    continue
                options.append(
                    {
                        "text": text,
                        "correct": n in marked,
                        "removable": bool(data.get(f"option_{n}_removable")),
                    }
                )
            data["options"] = options
        if kind == kinds.RUBRIC:
            criteria = []
            for n, line in enumerate((data.get("rubric") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                name, _, levels = line.partition(":")
                parts = [p.strip() for p in levels.split("|") if p.strip()]
                if not name.strip() or len(parts) < 2:
                    self.add_error("rubric", RUBRIC_LINE_ERROR.format(n=n, line=line.strip()[:40]))
                    continue
                criteria.append({"name": name.strip(), "levels": parts})
            data["criteria"] = criteria
        data["accepted"] = [
            a.strip() for a in (data.get("accepted_answers") or "").splitlines() if a.strip()
        ]
        return data


class ResourceForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    format = forms.ChoiceField(choices=FORMATS, label=_("Format"))
    url = forms.URLField(required=False, label=_("Link"), assume_scheme="https")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Description")
    )
    readiness_level = forms.IntegerField(
        min_value=1,
        max_value=5,
        initial=3,
        help_text=_("1 (introductory) to 5 (stretch)."),
        label=_("Readiness level"),
    )
    interest_tags = forms.CharField(
        required=False,
        help_text=_("Comma-separated, for example: sport, music, space."),
        label=_("Interest tags"),
    )
    accessibility_features = forms.MultipleChoiceField(
        required=False,
        choices=ACCESSIBILITY_FEATURES,
        widget=forms.CheckboxSelectMultiple,
        label=_("Accessibility features"),
    )
    competencies = forms.ModelMultipleChoiceField(queryset=None, label=_("Competencies"))

    def __init__(self, *args, competencies_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies_qs

    def clean_interest_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["interest_tags"].split(",") if t.strip()]
