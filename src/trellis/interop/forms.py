from __future__ import annotations

from django import forms


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="OneRoster 1.2 CSV zip",
        help_text="A zip with manifest.csv and the roster files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class DatasetUploadForm(forms.Form):
    """A public response log to load into one of the classes the person
    administers (the page's form for ``trellis import-dataset``)."""

    file = forms.FileField(label="Response log")
    format = forms.ChoiceField(
        choices=[("dkt", "DKT"), ("assistments", "ASSISTments"), ("datashop", "DataShop")]
    )
    school_class = forms.ModelChoiceField(queryset=None, label="Class")
    max_learners = forms.IntegerField(
        min_value=1, required=False, label="Only the first N learners (optional)"
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
