"""pylti1p3's view of Trellis's registrations: a tool configuration that
reads ``Platform`` rows, and launch data (state, nonce) kept in the
database so that the login initiation and the launch may reach different
web processes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.cache import CacheDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from trellis.lti import keys
from trellis.lti.models import LaunchState, Platform


def registration_for(platform: Platform) -> Registration:
    """The platform as pylti1p3 sees it, signing with the current tool key."""
    key = keys.current_key()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_key_set_url(platform.key_set_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_auth_login_url(platform.auth_login_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )


class TrellisToolConf(ToolConfAbstract):
    """Every issuer may have several client ids (one per registration). The
    platform found is kept on ``self.platform`` for the launch that asked."""

    def __init__(self) -> None:
        self.platform: Platform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _find(self, iss: str, client_id: str | None) -> Platform | None:
        platforms = Platform.objects.filter(issuer=iss, active=True).select_related("school")
        if client_id:
            platforms = platforms.filter(client_id=client_id)
        found = list(platforms[:2])
        # A login initiation may leave the client id out; then the issuer
        # must name exactly one registration.
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration:
        raise NotImplementedError

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs):
        platform = self._find(iss, client_id)
        self.platform = platform
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str):
        raise NotImplementedError

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args, **kwargs
    ) -> Deployment | None:
        platform = self._find(iss, client_id)
        if platform is None or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


class _DatabaseCache:
    """The three calls pylti1p3's cache storage makes, on ``LaunchState``."""

    def get(self, key: str) -> Any:
        row = LaunchState.objects.filter(key=key, expires_at__gt=timezone.now()).first()
        return row.value if row else None

    def set(self, key: str, value: Any, exp: int | None = None) -> None:
        expires = timezone.now() + dt.timedelta(seconds=exp or 86400)
        LaunchState.objects.filter(expires_at__lte=timezone.now()).delete()
        try:
            with transaction.atomic():
                LaunchState.objects.update_or_create(
                    key=key, defaults={"value": value, "expires_at": expires}
                )
        except IntegrityError:  # pragma: no cover - the same key written at once
            LaunchState.objects.filter(key=key).update(value=value, expires_at=expires)


class DatabaseLaunchStorage(CacheDataStorage):
    """pylti1p3's cache storage (with its per-browser session id cookie over
    HTTPS) on the database."""

    def __init__(self, *args, **kwargs) -> None:
        self._cache = _DatabaseCache()
        super().__init__(*args, **kwargs)
