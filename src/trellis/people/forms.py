from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from trellis.people import throttle

WRONG_CREDENTIALS = _("That username and password do not match. Check them and try again.")


class SignInForm(AuthenticationForm):
    """Sign-in that never says which part was wrong and throttles guessing
    (django-axes, see ``trellis.people.throttle``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": WRONG_CREDENTIALS,
    }

    def clean(self):
        refused: forms.ValidationError | None = None
        # The failure is recorded inside the lock's transaction, so the error
        # is raised only after it commits.
        with throttle.one_attempt_at_a_time(self.data.get("username") or ""):
            try:
                cleaned = super().clean()
            except forms.ValidationError as exc:
                refused = exc
        if refused is None:
            return cleaned
        if getattr(self.request, "axes_locked_out", False):
            raise forms.ValidationError(throttle.throttle_message(), code="throttled")
        raise refused
