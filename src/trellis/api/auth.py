"""How API callers prove who they are: a bearer token issued with
``trellis create-api-token``, or the browser's session (with CSRF on writes).

The token is tried first. A request carrying an ``Authorization: Bearer``
header is a script, not a browser, so the CSRF check (which protects cookie
sessions from other sites' forms) does not apply to it; a request without that
header falls through to the session, whose writes need the CSRF token.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from trellis.api.models import ApiToken, hash_token
from trellis.people import handwritten
from trellis.people import selectors as people_selectors

#: ``last_used_at`` is written at most once per this interval: writing it on
#: every call cost an UPDATE (and a row lock) per answer under load.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _touch(record: ApiToken) -> None:
    """Record that the token was used, unless that was already recorded less
    than a minute ago. The filter on the stored time makes concurrent
    requests write at most once per minute as well."""
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if record.last_used_at is not None and record.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=record.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
    ).update(last_used_at=now)


@functools.cache
def _token_sql() -> str:
    holder_columns, holder = people_selectors.active_person_sql("t.user_id")
    return (
        f"SELECT {handwritten.columns(ApiToken, 't')}, {holder_columns}"
        f" FROM {ApiToken._meta.db_table} t {holder}"
        " WHERE t.key_hash = %s AND NOT t.revoked"
    )


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        # One hand-written read of the token with its holder (whose columns
        # and join people's selectors word): every API call starts here, and
        # building the ORM's query cost more than the database took to
        # answer it (decision 0016). No row: no such token, a revoked one,
        # or a deactivated account.
        with handwritten.cursor() as cursor:
            cursor.execute(_token_sql(), [hash_token(token)])
            row = cursor.fetchone()
        if row is None:
            return None
        record = handwritten.model_from_row(ApiToken, row)
        user = people_selectors.person_from_row(row, handwritten.width(ApiToken))
        _touch(record)
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user and user.is_active:
            return user
        return None


#: Order matters: django-ninja stops at the first scheme that raises, and the
#: session scheme raises on a missing CSRF token, so the token goes first.
AUTH = [TokenAuth(), ActiveSessionAuth()]
