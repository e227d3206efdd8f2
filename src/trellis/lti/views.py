"""LTI pages. The protocol endpoints (JWKS, login initiation, launch) carry
no Trellis session and no CSRF token: the platform's signature is what they
trust. The other pages are for signed-in admins and teachers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from trellis.lti import access, keys, selectors
from trellis.lti.config import DatabaseLaunchStorage, TrellisToolConf, registration_for
from trellis.lti.forms import PickForm, PlatformForm, TieForm
from trellis.lti.models import (
    KIND_ASSESSMENT,
    KIND_MODULES,
    KIND_PRACTICE,
    Context,
    Placement,
    Platform,
)
from trellis.lti.roster import roster_sync
from trellis.lti.services import (
    NOT_A_LAUNCH,
    LaunchRefused,
    context_tie,
    launch_accept,
    placement_create,
    platform_register,
    platform_update,
    resource_link_record,
)
from trellis.people import roles
from trellis.people.selectors import (
    active_classes_taught_at,
    all_schools,
    schools_administered_by,
)

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass

logger = logging.getLogger("trellis.lti")

DEEP_LINK_SESSION = "lti_deep_link"
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def tool_urls(request: HttpRequest) -> dict[str, str]:
    """What an admin copies into the LMS."""
    return {
        "login": request.build_absolute_uri(reverse("lti-login")),
        "launch": request.build_absolute_uri(reverse("lti-launch")),
        "deep_linking": request.build_absolute_uri(reverse("lti-launch")),
        "jwks": request.build_absolute_uri(reverse("lti-jwks")),
    }


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(keys.jwks())


def _refused(request: HttpRequest, reason: Exception, stage: str) -> HttpResponse:
    """Log the reason (in English, for the admin) and show it: Trellis's own
    reasons translated, the library's as a technical detail."""
    logger.warning("LTI %s refused: %s", stage, reason)
    if isinstance(reason, LaunchRefused):
        context = {"reason": reason.translated(), "detail": ""}
    else:
        context = {"reason": _("The LMS's request could not be verified."), "detail": str(reason)}
    return render(request, "lti/refused.html", context, status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Third-party initiated login: check the issuer (and client id) and send
    the browser back to the platform's authentication endpoint with a state
    and a nonce."""
    oidc = DjangoOIDCLogin(request, TrellisToolConf(), launch_data_storage=DatabaseLaunchStorage())
    try:
        return oidc.redirect(request.build_absolute_uri(reverse("lti-launch")))
    except (LtiException, OIDCException) as error:
        return _refused(request, error, "login")


def landing(placement: Placement, launch_roles: set[str]) -> str:
    """Where a launch of a placed link lands: the learner's page for the
    placed thing, or the teacher's view of it."""
    teacher = roles.TEACHER in launch_roles
    class_id = placement.context.school_class_id
    if placement.kind == KIND_ASSESSMENT:
        name = "assessment-detail" if teacher else "assessment-take"
        return reverse(name, kwargs={"assessment_id": placement.target_id})
    if placement.kind == KIND_PRACTICE:
        if teacher and class_id:
            return reverse("class-heatmap", kwargs={"class_id": class_id})
        return reverse("practice", kwargs={"competency_id": placement.target_id})
    if teacher:
        return reverse("pacing-board", kwargs={"class_id": placement.target_id})
    return reverse("my-modules")


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    conf = TrellisToolConf()
    message = DjangoMessageLaunch(request, conf, launch_data_storage=DatabaseLaunchStorage())
    try:
        claims = message.get_launch_data()
        platform = conf.platform
        if platform is None:  # pragma: no cover - validation found a registration
            raise LaunchRefused(NOT_A_LAUNCH)
        result = launch_accept(platform=platform, claims=claims)
        link = None
        if message.is_resource_launch():
            link = resource_link_record(platform=platform, claims=claims)
        elif not message.is_deep_link_launch():
            raise LaunchRefused(NOT_A_LAUNCH)
    except (LtiException, LaunchRefused) as error:
        return _refused(request, error, "launch")
    login(request, result.user, backend=SIGN_IN_BACKEND)
    if link is not None:
        return redirect(landing(link.placement, result.roles))
    request.session[DEEP_LINK_SESSION] = {
        "platform_id": platform.pk,
        "context_id": result.context.pk if result.context else None,
        "deployment_id": claims.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id"),
        "settings": claims.get(
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings", {}
        ),
    }
    return redirect("lti-deep-link")


def _choices(school_class: SchoolClass) -> list[tuple[str, str, str]]:
    """(value, kind label, title) of everything placeable from this class."""
    out = [
        (f"{KIND_ASSESSMENT}:{a.pk}", _("Assessment"), a.title)
        for a in selectors.placeable_assessments(school_class)
    ]
    out += [
        (f"{KIND_PRACTICE}:{c.pk}", _("Practice"), str(c))
        for c in selectors.placeable_competencies(school_class)
    ]
    if selectors.has_modules(school_class):
        out.append((f"{KIND_MODULES}:{school_class.pk}", _("Own-pace modules"), str(school_class)))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """The teacher's picker after a deep-linking launch; the choice goes back
    to the LMS as an ``ltiResourceLink`` signed with Trellis's key."""
    pending = request.session.get(DEEP_LINK_SESSION)
    if not pending or not pending.get("context_id"):
        raise PermissionDenied(_("Start from your LMS: add Trellis content to a course there."))
    context = Context.objects.select_related("platform", "school_class").get(
        pk=pending["context_id"]
    )
    platform = context.platform
    teaches = active_classes_taught_at(request.user, platform.school)
    if context.school_class is None:
        tie = TieForm(request.POST or None, classes=teaches)
        if request.method == "POST" and tie.is_valid():
            context_tie(context=context, school_class=tie.cleaned_data["school_class"])
            return redirect("lti-deep-link")
        return render(request, "lti/deep_link.html", {"context": context, "tie": tie})
    if not request.user.has_perm("people.teach_class", context.school_class):
        raise PermissionDenied(_("Only the class's teachers place Trellis content in its course."))
    choices = _choices(context.school_class)
    form = PickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["choice"]
        titles = {v: title for v, _kind, title in choices}
        kind, _sep, target = value.partition(":")
        try:
            placement = placement_create(
                context=context,
                kind=kind,
                target_id=int(target) if target.isdigit() else -1,
                title=titles.get(value, ""),
                send_for_scores=form.cleaned_data["send_for_scores"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error("choice", error.messages[0])
        else:
            return _deep_link_response(request, pending, platform, placement)
    return render(
        request, "lti/deep_link.html", {"context": context, "choices": choices, "form": form}
    )


def _deep_link_response(
    request: HttpRequest, pending: dict, platform: Platform, placement: Placement
) -> HttpResponse:
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti-launch")))
        .set_title(placement.title)
        .set_custom_params({"trellis_placement": str(placement.key)})
    )
    if placement.kind == KIND_ASSESSMENT:
        resource.set_lineitem(
            LineItem()
            .set_label(placement.title)
            .set_score_maximum(100)
            .set_resource_id(f"trellis-{placement.key}")
        )
    settings = pending["settings"]
    token = DeepLink(
        registration_for(platform), pending["deployment_id"], settings
    ).get_response_jwt([resource])
    del request.session[DEEP_LINK_SESSION]
    return_url = settings.get("deep_link_return_url", "")
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "jwt": token, "placement": placement},
    )
    # The page posts the signed answer to the LMS: allow exactly that address.
    response._csp_update = {"form-action": [return_url]}  # type: ignore[attr-defined]
    return response


# ---------------------------------------------------------------- admin pages


def _admin_schools(request: HttpRequest):
    return schools_administered_by(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def platform_list(request: HttpRequest) -> HttpResponse:
    schools = _admin_schools(request)
    if not schools.exists():
        raise PermissionDenied(_("Only a school's admins register LMS platforms."))
    form = PlatformForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        school = access.access_platform_school(request.user, form.cleaned_data["school"].pk)
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("school", "deployment_lines")
        }
        try:
            platform_register(school=school, deployment_ids=form.deployment_ids(), **data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The LMS is registered."))
            return redirect("lti-platforms")
    return render(
        request,
        "lti/platforms.html",
        {
            "platforms": list(selectors.platforms_for(request.user)),
            "form": form,
            "urls": tool_urls(request),
            "kid": keys.current_key().kid,
            "may_rotate": request.user.has_perm("lti.rotate_key"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = access.access_platform(request.user, platform_id)
    form = PlatformForm(request.POST or None, instance=platform, schools=all_schools().none())
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "deployment_lines"}
        try:
            platform_update(
                platform=Platform.objects.get(pk=platform.pk),
                deployment_ids=form.deployment_ids(),
                **data,
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The registration is saved."))
            return redirect("lti-platforms")
    return render(request, "lti/platform_edit.html", {"platform": platform, "form": form})


@login_required
@require_POST
def key_rotate(request: HttpRequest) -> HttpResponse:
    access.check_key_rotation(request.user)
    keys.key_rotate()
    messages.success(
        request,
        _("Trellis signs with a new key now; the old one stays published for a week."),
    )
    return redirect("lti-platforms")


@login_required
@require_http_methods(["GET", "POST"])
def class_courses(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's LMS courses, with the teacher's "sync the roster" button."""
    school_class = access.access_roster_sync(request.user, class_id)
    contexts = list(selectors.contexts_of_class(school_class))
    if request.method == "POST":
        chosen = next((c for c in contexts if str(c.pk) == request.POST.get("context")), None)
        if chosen is None:
            messages.error(request, _("Choose one of this class's LMS courses."))
        else:
            try:
                result = roster_sync(context=chosen)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Roster synced: %(added)d added, %(already)d already here, "
                        "%(removed)d no longer enrolled, %(unmatched)d not matched."
                    )
                    % {
                        "added": result.added,
                        "already": result.already,
                        "removed": result.removed,
                        "unmatched": len(result.unmatched),
                    },
                )
            return redirect("lti-class-courses", class_id=school_class.pk)
    return render(
        request, "lti/class_courses.html", {"school_class": school_class, "contexts": contexts}
    )
