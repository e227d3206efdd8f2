"""The registration form (one deployment id a line) and the deep-linking picker."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from trellis.lti.models import Platform

DEPLOYMENT_HELP = _("One a line; the LMS shows it once Trellis is added as a tool.")


def _https_urls(field, **kwargs):
    """URL fields take https:// when the scheme is left out."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlatformForm(forms.ModelForm):
    school = forms.ModelChoiceField(queryset=None, label=_("School"))
    deployment_lines = forms.CharField(
        label=_("Deployment ids"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=DEPLOYMENT_HELP,
    )

    class Meta:
        model = Platform
        formfield_callback = _https_urls
        fields = [
            "name",
            "issuer",
            "client_id",
            "auth_login_url",
            "auth_token_url",
            "key_set_url",
            "create_accounts",
        ]
        labels = {
            "name": _("Name (for you)"),
            "issuer": _("Issuer"),
            "client_id": _("Client id"),
            "auth_login_url": _("Authentication request URL"),
            "auth_token_url": _("Access token URL"),
            "key_set_url": _("Public keyset (JWKS) URL"),
            "create_accounts": _(
                "Create learners and teachers Trellis does not know yet, in the course's class"
            ),
        }

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        only = list(schools[:2])
        if len(only) == 1:  # an admin of one school: nothing to choose
            self.fields["school"].initial = only[0].pk
        self.order_fields(["school", "name", "issuer", "client_id", "deployment_lines"])
        if self.instance.pk:
            self.fields.pop("school")
            self.fields["deployment_lines"].initial = "\n".join(self.instance.deployment_ids)

    def deployment_ids(self) -> list[str]:
        return self.cleaned_data["deployment_lines"].splitlines()


class TieForm(forms.Form):
    school_class = forms.ModelChoiceField(queryset=None, label=_("Trellis class for this course"))

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class PickForm(forms.Form):
    choice = forms.CharField(label=_("What to place"))
    send_for_scores = forms.BooleanField(
        required=False, label=_("Also send FOR-learning scores to the LMS gradebook")
    )
