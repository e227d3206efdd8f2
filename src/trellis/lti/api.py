"""LTI endpoints: a school admin's LMS registrations, the tool's own
addresses, the operator's key rotation, and a class's roster sync from the
LMS. Each checks access through ``trellis.lti.access`` and calls one service."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from trellis.lti import access, keys, selectors
from trellis.lti.models import Platform
from trellis.lti.roster import roster_sync
from trellis.lti.services import platform_register, platform_update
from trellis.lti.views import tool_urls

router = Router(tags=["lti"])


class LtiPlatformIn(Schema):
    school_id: int
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    create_accounts: bool = False


class LtiPlatformChange(Schema):
    name: str | None = None
    issuer: str | None = None
    client_id: str | None = None
    deployment_ids: list[str] | None = None
    auth_login_url: str | None = None
    auth_token_url: str | None = None
    key_set_url: str | None = None
    create_accounts: bool | None = None
    active: bool | None = None


class LtiPlatformOut(Schema):
    id: int
    school_id: int
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    create_accounts: bool
    active: bool


class LtiToolOut(Schema):
    login_url: str
    launch_url: str
    deep_linking_url: str
    jwks_url: str
    key_id: str


class LtiKeyOut(Schema):
    key_id: str


class LtiRosterSyncOut(Schema):
    added: int
    already: int
    removed: int
    unmatched: list[str]


class LtiRosterSyncIn(Schema):
    context_id: int


def _platform(platform: Platform) -> dict:
    return {
        "id": platform.pk,
        "school_id": platform.school_id,
        "name": platform.name,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployment_ids": platform.deployment_ids,
        "auth_login_url": platform.auth_login_url,
        "auth_token_url": platform.auth_token_url,
        "key_set_url": platform.key_set_url,
        "create_accounts": platform.create_accounts,
        "active": platform.active,
    }


@router.get("/lti/tool", response=LtiToolOut, url_name="lti-tool")
def tool(request: HttpRequest):
    """The addresses to enter in an LMS, and the id of the current signing key."""
    urls = tool_urls(request)
    return {
        "login_url": urls["login"],
        "launch_url": urls["launch"],
        "deep_linking_url": urls["deep_linking"],
        "jwks_url": urls["jwks"],
        "key_id": keys.current_key().kid,
    }


@router.get("/lti/platforms", response=list[LtiPlatformOut], url_name="lti-platform-list")
def list_platforms(request: HttpRequest):
    """The LMS registrations of the schools you administer."""
    return [_platform(p) for p in selectors.platforms_for(request.user)]


@router.post("/lti/platforms", response={201: LtiPlatformOut}, url_name="lti-platform-register")
def register_platform(request: HttpRequest, payload: LtiPlatformIn):
    """Register an LMS for a school you administer."""
    school = access.access_platform_school(request.user, payload.school_id)
    data = payload.dict()
    data.pop("school_id")
    return Status(201, _platform(platform_register(school=school, **data)))


@router.get("/lti/platforms/{platform_id}", response=LtiPlatformOut, url_name="lti-platform")
def get_platform(request: HttpRequest, platform_id: int):
    return _platform(access.access_platform(request.user, platform_id))


@router.patch(
    "/lti/platforms/{platform_id}", response=LtiPlatformOut, url_name="lti-platform-change"
)
def change_platform(request: HttpRequest, platform_id: int, payload: LtiPlatformChange):
    """Change a registration (deactivate it with ``active: false``)."""
    platform = access.access_platform(request.user, platform_id)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    return _platform(platform_update(platform=platform, **changes))


@router.post("/lti/keys/rotate", response=LtiKeyOut, url_name="lti-key-rotate")
def rotate_key(request: HttpRequest):
    """Sign with a new key from now on (operators); the old one stays in the
    JWKS for the grace period."""
    access.check_key_rotation(request.user)
    return {"key_id": keys.key_rotate().kid}


@router.post(
    "/classes/{class_id}/lti/roster-sync", response=LtiRosterSyncOut, url_name="lti-roster-sync"
)
def sync_roster(request: HttpRequest, class_id: int, payload: LtiRosterSyncIn):
    """Bring the class's roster in line with one of its LMS courses (all or nothing)."""
    school_class = access.access_roster_sync(request.user, class_id)
    context = selectors.contexts_of_class(school_class).filter(pk=payload.context_id).first()
    if context is None:
        from django.core.exceptions import ValidationError

        from trellis.people.access import no_such_record

        raise ValidationError(no_such_record("LMS course", payload.context_id))
    result = roster_sync(context=context)
    return {
        "added": result.added,
        "already": result.already,
        "removed": result.removed,
        "unmatched": result.unmatched,
    }
