from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
