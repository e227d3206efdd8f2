"""Personalization pages. Each fetches through ``access``, writes through
``services`` and shows a service's ValidationError as an error summary."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def error_list(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
