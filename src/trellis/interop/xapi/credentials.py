"""Per-tool credentials for the statements resource: issued by an admin,
checked on every request with HTTP Basic.

A verified credential is remembered in Django's cache (Redis in production,
shared by every process) for ``TRELLIS_XAPI_CREDENTIAL_CACHE_SECONDS``
(default 30), so a tool sending one statement per request does not pay a
database round trip for its credential each time. Saving or deleting a
credential (unticking **active** in the admin) forgets it at once for every
process sharing the cache; a change no signal reports (a queryset update)
takes effect within the cache time."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from trellis.interop.models import XapiCredential
from trellis.people import roles
from trellis.people.rules import is_operator
from trellis.people.selectors import role_school_ids

if TYPE_CHECKING:
    from trellis.people.models import School

NAME_TAKEN = gettext_lazy("School {school} already has a tool named {name!r}; pick another name.")
NAME_EMPTY = gettext_lazy("Give the tool a name.")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def credential_issue(*, school: School, name: str) -> tuple[XapiCredential, str]:
    """A new key and secret for one tool. The secret is returned once and
    only its digest is kept, so a lost secret means a new credential."""
    name = name.strip()
    if not name:
        raise ValidationError(NAME_EMPTY)
    if XapiCredential.objects.filter(school=school, name=name).exists():
        raise ValidationError(NAME_TAKEN.format(school=school.code, name=name))
    secret = secrets.token_urlsafe(32)
    credential = XapiCredential(
        school=school, name=name, key=secrets.token_hex(12), secret_hash=_digest(secret)
    )
    credential.full_clean()
    credential.save()
    return credential, secret


_CACHE_PREFIX = "trellis:xapi-credential"


def _cache_seconds() -> float:
    return float(getattr(settings, "TRELLIS_XAPI_CREDENTIAL_CACHE_SECONDS", 30))


def _cache_key(key: str) -> str:
    generation = cache.get_or_set(f"{_CACHE_PREFIX}:generation", 0, None)
    return f"{_CACHE_PREFIX}:{generation}:{key}"


def credential_forget(key: str | None = None) -> None:
    """Forget one remembered credential (or all of them) in the shared cache,
    so every process stops accepting it at once."""
    if key is None:
        try:
            cache.incr(f"{_CACHE_PREFIX}:generation")
        except ValueError:  # never set: nothing is remembered under it
            cache.set(f"{_CACHE_PREFIX}:generation", 1, None)
    else:
        cache.delete(_cache_key(key))


@receiver(post_save, sender=XapiCredential, dispatch_uid="trellis-xapi-credential-saved")
@receiver(post_delete, sender=XapiCredential, dispatch_uid="trellis-xapi-credential-deleted")
def _credential_changed(sender, instance: XapiCredential, **kwargs) -> None:
    credential_forget(instance.key)
    # Also after the change commits, so a process that read the old row in
    # the meantime does not keep it for the whole cache time.
    transaction.on_commit(lambda: credential_forget(instance.key))


def _active_credential(key: str) -> XapiCredential | None:
    seconds = _cache_seconds()
    now = time.time()
    seen = cache.get(_cache_key(key)) if seconds > 0 else None
    if seen is not None and now - seen[0] < seconds:
        return seen[1]
    credential = (
        XapiCredential.objects.select_related("school").filter(key=key, active=True).first()
    )
    if credential is None:
        cache.delete(_cache_key(key))
    elif seconds > 0:
        cache.set(_cache_key(key), (now, credential), timeout=seconds)
    return credential


@transaction.atomic
def credential_revoke(*, credential: XapiCredential) -> XapiCredential:
    """Stop accepting a tool's credential (kept, inactive, so its statements
    still name it). Forgotten at once by every process sharing the cache."""
    if credential.active:
        credential.active = False
        credential.full_clean()
        credential.save(update_fields=["active"])
    return credential


def credentials_for(user) -> list[XapiCredential]:
    """The credentials of the schools ``user`` administers (every school's
    for an operator), newest first."""
    found = XapiCredential.objects.select_related("school").order_by("-created_at", "-pk")
    if not is_operator(user):
        found = found.filter(school__in=role_school_ids(user, roles.ADMIN))
    return list(found)


def credential_from_header(header: str) -> XapiCredential | None:
    """The active credential an ``Authorization: Basic`` header names, or
    None (unknown key, wrong secret, or a malformed header)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        key, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not sep or len(key) > 64:
        return None
    credential = _active_credential(key)
    if credential is None or not hmac.compare_digest(credential.secret_hash, _digest(secret)):
        return None
    return credential
