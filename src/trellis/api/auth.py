"""How API callers prove who they are: the browser's session (with CSRF on
writes) or a bearer token issued with ``trellis create-api-token``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from trellis.api.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        try:
            record = ApiToken.objects.select_related("user").get(
                key_hash=hash_token(token), revoked=False
            )
        except ApiToken.DoesNotExist:
            return None
        if not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user and user.is_active:
            return user
        return None


AUTH = [ActiveSessionAuth(), TokenAuth()]
