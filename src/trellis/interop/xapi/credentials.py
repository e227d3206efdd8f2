"""Per-tool credentials for the statements resource: issued by an admin,
checked on every request with HTTP Basic."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.interop.models import XapiCredential
from trellis.people.models import School

NAME_TAKEN = "School {school} already has a tool named {name!r}; pick another name."
NAME_EMPTY = "Give the tool a name."


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
    credential = (
        XapiCredential.objects.select_related("school").filter(key=key, active=True).first()
    )
    if credential is None or not hmac.compare_digest(credential.secret_hash, _digest(secret)):
        return None
    return credential
