"""Forms for taking assessments, rubric scoring and creating assessments.
Each form explains what is wrong in words a learner or teacher can act on."""

from __future__ import annotations

import time
import uuid

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from trellis.curriculum import kinds
from trellis.curriculum.presentation import PresentedItem
from trellis.curriculum.scoring import choices_answer
from trellis.evidence.models.assessment import NEEDS_ITEMS_OR_RULE, PURPOSES

SHOWN_SALT = "trellis.evidence.shown"
STALE_FORM = _("This page was open for too long or was changed; please answer again.")
CHOOSE_LEVEL = _("Choose a level for “{name}”.")
CHOOSE_ALL_THAT_APPLY = _("Choose all that apply")
CHOOSE_AT_LEAST_ONE = _("Choose at least one of the options.")


def shown_token(item_id: int) -> str:
    """A signed note of when an item was put in front of the learner; the
    server reads it back on submission to time the item without trusting
    the browser's clock."""
    return signing.dumps({"i": item_id, "t": time.time()}, salt=SHOWN_SALT)


def elapsed_ms(token: str, item_id: int) -> int:
    try:
        data = signing.loads(token, salt=SHOWN_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return 0
    if data.get("i") != item_id:
        return 0
    return max(0, int((time.time() - float(data["t"])) * 1000))


class AnswerForm(forms.Form):
    """One presented item; the field shape follows the item's kind."""

    item_id = forms.IntegerField(widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, presented: PresentedItem, products: bool = False, **kwargs):
        """``products``: a performance task may come with a file (the
        assessment page; practice has no place to score one)."""
        super().__init__(*args, **kwargs)
        self.presented = presented
        if not self.is_bound:
            self.initial.update(
                item_id=presented.item_id,
                token=uuid.uuid4().hex,
                shown=shown_token(presented.item_id),
            )
        if presented.kind == kinds.CHOICE:
            self.fields["answer"] = forms.ChoiceField(
                label=_("Your answer"),
                choices=[(str(o.index), o.text) for o in presented.options],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the options.")},
            )
        elif presented.kind == kinds.MULTIPLE_RESPONSE:
            self.fields["answer"] = forms.MultipleChoiceField(
                label=CHOOSE_ALL_THAT_APPLY,
                choices=[(str(o.index), o.text) for o in presented.options],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": CHOOSE_AT_LEAST_ONE},
            )
        elif presented.kind == kinds.NUMERIC:
            self.fields["answer"] = forms.CharField(
                label=_("Your answer (a number)"),
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                error_messages={"required": _("Write a number before submitting.")},
            )
        elif presented.kind == kinds.TEXT:
            self.fields["answer"] = forms.CharField(
                label=_("Your answer"),
                max_length=200,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                error_messages={"required": _("Write an answer before submitting.")},
            )
        else:
            self.fields["answer"] = forms.CharField(
                label=_("Your work"),
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=10000,
                error_messages={"required": _("Describe your work before submitting.")},
            )
        if products and presented.kind == kinds.RUBRIC:
            self.fields["file"] = forms.FileField(
                label=_("Attach a file (optional)"),
                required=False,
                help_text=_(
                    "A photo or scan (PNG or JPEG) or a PDF, up to 10 MB. "
                    "Attaching a file needs a connection: it cannot wait on the device."
                ),
                widget=forms.ClearableFileInput(
                    attrs={
                        "accept": "image/png,image/jpeg,application/pdf",
                        "aria-describedby": "id_file-help",
                        "data-needs-connection": _(
                            "You are offline: a file cannot be kept on the device. "
                            "Reconnect to send your work with its file, or remove the file."
                        ),
                    }
                ),
            )

    def clean_file(self):
        """The file's real type, checked now so that its problem is shown
        with the others before anything is recorded."""
        from trellis.evidence.services.products import product_check

        upload = self.cleaned_data.get("file")
        if upload:
            product_check(upload)
        return upload

    def clean_answer(self):
        """A "choose all that apply" answer leaves the form in its stored
        form, sorted indexes ("0,2"), like every other kind's text."""
        value = self.cleaned_data["answer"]
        if self.presented.kind == kinds.MULTIPLE_RESPONSE:
            return choices_answer([int(v) for v in value])
        return value

    def clean_item_id(self) -> int:
        value = self.cleaned_data["item_id"]
        if value != self.presented.item_id:
            raise forms.ValidationError(STALE_FORM)
        return value


class RubricForm(forms.Form):
    """One radio group per criterion (level 0..n), plus a comment."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rubric: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        for n, criterion in enumerate(rubric):
            self.fields[f"c{n}"] = forms.TypedChoiceField(
                label=criterion["name"],
                coerce=int,
                choices=[(str(i), f"{i} — {text}") for i, text in enumerate(criterion["levels"])],
                widget=forms.RadioSelect,
                error_messages={"required": CHOOSE_LEVEL.format(name=criterion["name"])},
            )

    @property
    def criterion_fields(self):
        return [self[f"c{n}"] for n in range(len(self.rubric))]

    def points(self) -> list[int]:
        return [self.cleaned_data[f"c{n}"] for n in range(len(self.rubric))]


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    purpose = forms.ChoiceField(choices=PURPOSES, widget=forms.RadioSelect, label=_("Purpose"))
    instructions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Instructions")
    )
    items = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose the questions, or leave empty and set a draw rule below."), label=_("Items")
    )  # fmt: skip
    draw_count = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        label=_("Or draw this many questions per learner"),
    )
    draw_competencies = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("…from these competencies"),
        widget=forms.CheckboxSelectMultiple,
    )
    time_limit_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=600, label=_("Time limit (minutes)")
    )
    learners = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Assign to these learners only"), help_text=_("Leave empty to assign the whole class."),
    )  # fmt: skip

    def __init__(self, *args, items_qs, competencies_qs, learners_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items_qs
        self.fields["draw_competencies"].queryset = competencies_qs
        self.fields["learners"].queryset = learners_qs
        self.fields["items"].label_from_instance = lambda i: (
            f"[{i.get_kind_display()}] {i.prompt[:80]}"
        )

    def clean(self):
        data = super().clean()
        if not data.get("items") and not (data.get("draw_count") and data.get("draw_competencies")):
            raise forms.ValidationError(NEEDS_ITEMS_OR_RULE)
        return data
