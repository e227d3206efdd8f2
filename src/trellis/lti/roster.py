"""Names and Role Provisioning Services: fetch a course's members from the
LMS (every page), then apply them to the class in one transaction."""

from __future__ import annotations

import requests
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from trellis.lti.config import registration_for
from trellis.lti.models import Context
from trellis.lti.services import RosterResult, roster_apply

NO_ROSTER_SERVICE = gettext_lazy(
    "The LMS has not offered its roster service for {course} yet: launch Trellis from the "
    "course once, then sync."
)
ROSTER_UNREACHABLE = gettext_lazy("The LMS did not answer the roster request: {error}")


def roster_sync(*, context: Context, session: requests.Session | None = None) -> RosterResult:
    if not context.memberships_url:
        raise ValidationError(NO_ROSTER_SERVICE.format(course=context))
    connector = ServiceConnector(registration_for(context.platform), requests_session=session)
    service = NamesRolesProvisioningService(
        connector,
        {"context_memberships_url": context.memberships_url, "service_versions": ["2.0"]},
    )
    try:
        members = service.get_members()
    except Exception as error:
        raise ValidationError(ROSTER_UNREACHABLE.format(error=error)) from error
    return roster_apply(context=context, members=list(members))
