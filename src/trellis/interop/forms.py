from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ERASE_CONFIRM_MISMATCH = _(
    "That is not the learner's username: type %(username)s exactly to erase their data."
)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OneRoster 1.2 CSV zip"),
        help_text=_("A zip with manifest.csv and the roster files."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class DatasetUploadForm(forms.Form):
    """A public response log to load into one of the classes the person
    administers (the page's form for ``trellis import-dataset``)."""

    file = forms.FileField(label=_("Response log"))
    format = forms.ChoiceField(
        choices=[("dkt", "DKT"), ("assistments", "ASSISTments"), ("datashop", "DataShop")],
        label=_("Format"),
    )
    school_class = forms.ModelChoiceField(queryset=None, label=_("Class"))
    max_learners = forms.IntegerField(
        min_value=1, required=False, label=_("Only the first N learners (optional)")
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class ExportForm(forms.Form):
    """Which table, for which school or class, in which format: the page's
    form for ``GET /api/v1/exports/…``. The scopes offered are the schools
    the person runs and their classes (``scopes``: value → label)."""

    scope = forms.ChoiceField(label=_("School or class"))
    table = forms.ChoiceField(
        label=_("Table"),
        choices=[
            ("mastery", _("Mastery (one row per learner and competency)")),
            ("evidence", _("Evidence (one row per response)")),
            ("goals", _("Goals")),
            ("plans", _("Individual plans")),
        ],
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("json", "JSON")])

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes


class ErasureConfirmForm(forms.Form):
    """Erasure cannot be undone: the admin types the learner's username."""

    confirm_username = forms.CharField(label=_("Type the learner's username to confirm"))

    def __init__(self, *args, username: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm_username(self) -> str:
        typed = self.cleaned_data["confirm_username"].strip()
        if typed != self.username:
            raise forms.ValidationError(ERASE_CONFIRM_MISMATCH, params={"username": self.username})
        return typed


class QtiUploadForm(forms.Form):
    """A QTI 3.0 package of items to add to the school's items."""

    file = forms.FileField(
        label=_("QTI 3.0 package (zip)"),
        help_text=_("An IMS content package: imsmanifest.xml and one file per item."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class QtiExportForm(forms.Form):
    """Which items to download: all the school's, or one framework's."""

    framework = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Framework"), empty_label=_("All frameworks")
    )

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks
