"""The REST API under /api/v1, documented at /api/v1/openapi.json and
browsable at /api/v1/docs. One router per app (a package with one module per
resource for the larger apps); every endpoint requires a session or a bearer
token and fetches records through the apps' access rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError

from trellis.api import statuses
from trellis.api.auth import AUTH
from trellis.api.routers import curriculum, evidence, people
from trellis.api.routers import differentiation as differentiation_router
from trellis.api.routers import family as family_router
from trellis.api.routers import individualization as individualization_router
from trellis.api.routers import jobs as jobs_router
from trellis.api.routers import personalization as personalization_router
from trellis.api.routers import reports as reports_router
from trellis.interop import api as interop_api
from trellis.lti import api as lti_api
from trellis.people.access import FORBIDDEN, NOT_FOUND

#: Where the routers live: ``trellis.api.routers.<app>`` is a module, or a
#: package of resource modules ``trellis.api.routers.<app>.<resource>``.
ROUTERS = "trellis.api.routers."


class TrellisAPI(NinjaAPI):
    """Operation ids name the app's router, not the resource module an
    endpoint sits in: ``trellis_api_routers_evidence_assessments`` whether
    ``assessments`` is in ``routers/evidence.py`` or in
    ``routers/evidence/assessments.py``. Splitting a router into resource
    modules (issue #21) leaves every operation id as it was (pinned by
    ``tests/api/test_openapi_operations.py``)."""

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        if module.startswith(ROUTERS):
            module = ROUTERS + module.removeprefix(ROUTERS).split(".")[0]
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = TrellisAPI(
    title="Trellis API",
    version="1",
    description=(
        "Trellis's REST API. Authenticate with a browser session or with "
        "`Authorization: Bearer <token>` (tokens: `trellis create-api-token USERNAME`). "
        "Records you have no reason to see answer 404."
    ),
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    # The message may be a lazy translation (``HttpError(404, NOT_FOUND)``),
    # which ninja's own handler cannot turn into text (``str(exc)``).
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    else:
        detail = " ".join(exc.messages)
    return api.create_response(request, {"detail": detail}, status=400)


api.add_router("/", people.router)
api.add_router("/", curriculum.router)
api.add_router("/", evidence.router)
api.add_router("/", individualization_router.router)
api.add_router("/", personalization_router.router)
api.add_router("/", differentiation_router.router)
api.add_router("/", reports_router.router)
api.add_router("/", family_router.router)
api.add_router("/", interop_api.router)
api.add_router("/", jobs_router.router)
api.add_router("/", lti_api.router)

# The refusals every operation shares (401, 403, 404, 400, 422) in the document.
statuses.install(api)
