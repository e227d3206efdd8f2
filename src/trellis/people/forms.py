from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from trellis.people import throttle

WRONG_CREDENTIALS = "That username and password do not match. Check them and try again."


class SignInForm(AuthenticationForm):
    """Sign-in that never says which part was wrong and throttles guessing."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": WRONG_CREDENTIALS,
    }

    def _ip(self) -> str | None:
        if self.request is None:
            return None
        return self.request.META.get("REMOTE_ADDR")

    def clean(self):
        username = (self.data.get("username") or "").strip()
        if username and throttle.is_throttled(username=username, ip_address=self._ip()):
            raise forms.ValidationError(throttle.throttle_message(), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username=username, ip_address=self._ip())
            raise
        throttle.clear_failures(username=username)
        return cleaned
