"""The tool's RSA key pair: made once per installation on first use, kept in
the database, rotated on the operator's word. A retired key is still
published in the JWKS for ``TRELLIS_LTI_KEY_GRACE_DAYS`` so that a platform
holding a cached copy keeps verifying what was signed with it."""

from __future__ import annotations

import datetime as dt
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

from trellis.lti.models import ToolKey


def _new_pair() -> tuple[str, str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    return kid, private_pem, public_pem


def public_jwk(key: ToolKey) -> dict:
    """The key as a JWK, as platforms read it from ``/lti/jwks/``."""
    jwk = json.loads(JWK.from_pem(key.public_pem.encode()).export_public())
    return {**jwk, "kid": key.kid, "alg": "RS256", "use": "sig"}


def current_key() -> ToolKey:
    """The key Trellis signs with now, made on first use."""
    key = ToolKey.objects.filter(retired_at__isnull=True).order_by("-created_at").first()
    if key is not None:
        return key
    kid, private_pem, public_pem = _new_pair()
    try:
        with transaction.atomic():
            return ToolKey.objects.create(kid=kid, private_pem=private_pem, public_pem=public_pem)
    except IntegrityError:  # pragma: no cover - two processes made one at once
        return ToolKey.objects.filter(retired_at__isnull=True).order_by("-created_at").first()


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "TRELLIS_LTI_KEY_GRACE_DAYS", 7))


def published_keys() -> list[ToolKey]:
    """The current key and the retired ones still inside their grace period."""
    current_key()
    cutoff = timezone.now() - grace_period()
    return list(ToolKey.objects.filter(retired_at__isnull=True)) + list(
        ToolKey.objects.filter(retired_at__gt=cutoff)
    )


def jwks() -> dict:
    return {"keys": [public_jwk(k) for k in published_keys()]}


@transaction.atomic
def key_rotate() -> ToolKey:
    """Retire the current key (it stays published for the grace period) and
    make a new one that signs from now on."""
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    kid, private_pem, public_pem = _new_pair()
    return ToolKey.objects.create(kid=kid, private_pem=private_pem, public_pem=public_pem)
