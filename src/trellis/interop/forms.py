from __future__ import annotations

from django import forms


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="OneRoster 1.2 CSV zip",
        help_text="A zip with manifest.csv and the roster files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
