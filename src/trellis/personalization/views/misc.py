"""Reflection, path, portfolio, network and notification pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from trellis.curriculum.selectors import competencies_by_ids, resource_by_id
from trellis.evidence.access import access_response
from trellis.evidence.services.responses import new_key
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.people.rules import administers_learner
from trellis.personalization import access, charts, selectors
from trellis.personalization.access import ONLY_THE_LEARNER
from trellis.personalization.models import Notification, portfolio
from trellis.personalization.models.network import ACCEPTED, EXPERT, KINDS
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import notify
from trellis.personalization.services import portfolio as pf_svc
from trellis.personalization.services import reflection as rf_svc
from trellis.personalization.views import error_list


def _learner_only(request: HttpRequest) -> None:
    if not request.user.has_perm("personalization.write_personal", request.user):
        raise PermissionDenied(ONLY_THE_LEARNER)


def _gap_context(learner) -> dict[str, object]:
    points = selectors.self_teacher_gap(learner)
    return {"points": points, "svg": mark_safe(charts.gap_svg(points))}  # noqa: S308 — built with escape()


@login_required
def my_reflections(request: HttpRequest) -> HttpResponse:
    _learner_only(request)
    scored = selectors.scored_work_of(request.user)
    return render(
        request,
        "personalization/reflections.html",
        {"scored": scored, "learner": request.user, **_gap_context(request.user)},
    )


@login_required
def learner_reflections(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner(request.user, learner_id)
    return render(
        request,
        "personalization/reflections.html",
        {"learner": learner, "scored": None, **_gap_context(learner)},
    )


@login_required
def reflect(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access_response(request.user, response_id)
    if response.learner_id != request.user.pk:
        raise PermissionDenied(rf_svc.OWN_WORK_ONLY)
    errors: list[str] = []
    if request.method == "POST":
        try:
            points = [int(request.POST.get(f"c{n}", "")) for n in range(len(response.item.rubric))]
            rf_svc.reflection_record(
                learner=request.user,
                response=response,
                points=points,
                went_well=request.POST.get("went_well", ""),
                to_change=request.POST.get("to_change", ""),
                next_step=request.POST.get("next_step", ""),
                idempotency_key=request.POST.get("token") or new_key(),
            )
        except ValueError:
            errors = [_("Choose a level for every rubric criterion.")]
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Your self-rating and reflection are saved."))
            return redirect("personalization:reflections")
    criteria = [
        (n, c["name"], list(enumerate(c["levels"]))) for n, c in enumerate(response.item.rubric)
    ]
    return render(
        request,
        "personalization/reflect.html",
        {
            "response": response,
            "criteria": criteria,
            "teacher": rf_svc.teacher_score_of(response),
            "token": new_key(),
            "errors": errors,
        },
    )


def _path_page(request: HttpRequest, learner, *, owner: bool) -> HttpResponse:
    """The learner's path: what they are ready to learn, resources ranked for
    them with a reason, and what was chosen. The learner chooses for
    themselves; their teacher may choose for them (recorded as the
    teacher's choice); others who can see the learner only read it."""
    errors: list[str] = []
    can_choose = owner or request.user.has_perm("personalization.guide_learner", learner)
    if request.method == "POST":
        if not can_choose:
            raise PermissionDenied(access.TEACHERS_ONLY)
        competency = (
            selectors.competencies_for(learner)
            .filter(pk=request.POST.get("competency") or 0)
            .first()
        )
        resource = resource_by_id(request.POST.get("resource") or 0)
        try:
            if competency is None:
                raise ValidationError(rf_svc.RESOURCE_NOT_FOR)
            rf_svc.path_choose(
                learner=learner,
                competency=competency,
                resource=resource,
                chosen_by_user=request.user,
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(
                request,
                _("Added to your path.")
                if owner
                else _("Added to %(name)s's path.") % {"name": learner},
            )
            return redirect(request.path)
    ready = rf_svc.ready_competencies(learner)
    focus = None
    if request.GET.get("competency", "").isdigit():
        focus = (
            competencies_by_ids(m.competency.pk for m in ready)
            .filter(pk=int(request.GET["competency"]))
            .first()
        )
    return render(
        request,
        "personalization/path.html",
        {
            "learner": learner,
            "owner": owner,
            "can_choose": can_choose,
            "ready": ready,
            "focus": focus,
            "recommendations": rf_svc.recommendations_for(learner, focus, k=6),
            "review": rf_svc.recommendations_for(learner, focus, k=3, review=True),
            "chosen": learner.path_choices.select_related(
                "competency", "resource", "chosen_by_user"
            )[:10],
            "errors": errors,
        },
    )


@login_required
def my_path(request: HttpRequest) -> HttpResponse:
    _learner_only(request)
    return _path_page(request, request.user, owner=True)


@login_required
def learner_path(request: HttpRequest, learner_id: int) -> HttpResponse:
    learner = access.access_learner(request.user, learner_id)
    if learner.pk == request.user.pk:
        return redirect("personalization:path")
    return _path_page(request, learner, owner=False)


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) == "on"


@login_required
def my_portfolio(request: HttpRequest) -> HttpResponse:
    _learner_only(request)
    learner = request.user
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "share":
        entry = access.access_entry_to_change(learner, request.POST.get("entry_id"))
        pf_svc.entry_share(
            entry=entry,
            share_guardians=_flag(request, "share_guardians"),
            share_class=_flag(request, "share_class"),
            share_network=_flag(request, "share_network"),
        )
        messages.success(request, _("Sharing of “%(title)s” saved.") % {"title": entry.title})
        return redirect("personalization:portfolio")
    if request.method == "POST":
        try:
            pf_svc.entry_add(
                learner=learner,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                competency_id=int(request.POST.get("competency") or 0) or None,
                note=request.POST.get("note", ""),
                url=request.POST.get("url", ""),
                response=selectors.own_response(learner, request.POST.get("response") or 0),
                upload=request.FILES.get("file"),
                share_guardians=_flag(request, "share_guardians"),
                share_class=_flag(request, "share_class"),
                share_network=_flag(request, "share_network"),
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Added to your portfolio."))
            return redirect("personalization:portfolio")
    return render(
        request,
        "personalization/portfolio.html",
        {
            "learner": learner,
            "entries": _with_feedback(learner, selectors.entries_visible_to(learner, learner)),
            "owner": True,
            "kinds": portfolio.KINDS,
            "competencies": selectors.competencies_for(learner).order_by("code"),
            "work": selectors.portfolio_work_of(learner),
            "errors": errors,
        },
    )


@login_required
def learner_portfolio(request: HttpRequest, learner_id: int) -> HttpResponse:
    """Open to anyone who can see at least one entry (guardians, classmates,
    network members); everyone else gets 404."""
    from trellis.people.selectors import person_by_id

    learner = person_by_id(learner_id)
    if learner is None:
        raise NotVisible(NOT_FOUND)
    entries = selectors.entries_visible_to(request.user, learner)
    if not request.user.has_perm("people.view_learner", learner) and not entries.exists():
        raise NotVisible(NOT_FOUND)
    return render(
        request,
        "personalization/portfolio.html",
        {"learner": learner, "entries": _with_feedback(request.user, entries), "owner": False},
    )


def _with_feedback(user, entries) -> list:
    """Each entry with the feedback this person may read (``feedback_shown``)
    and whether they may give some (``can_give_feedback``)."""
    rows = list(entries)
    for entry in rows:
        entry.feedback_shown = list(selectors.feedback_visible_to(user, entry))
        entry.can_give_feedback = user.has_perm("personalization.give_feedback", entry)
    return rows


@login_required
def entry_feedback(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Where the feedback form on a shared portfolio posts (a GET goes back
    to the portfolio, for those who may give feedback; 404/403 for others)."""
    entry = access.access_entry_to_give_feedback(request.user, entry_id)
    if request.method != "POST":
        return redirect("personalization:learner-portfolio", learner_id=entry.learner_id)
    try:
        pf_svc.feedback_give(entry=entry, author=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        for error in error_list(exc):
            messages.error(request, error)
    else:
        messages.success(
            request, _("Your feedback on “%(title)s” was sent.") % {"title": entry.title}
        )
    return redirect("personalization:learner-portfolio", learner_id=entry.learner_id)


@login_required
def entry_file(request: HttpRequest, entry_id: int) -> FileResponse:
    entry = access.access_entry(request.user, entry_id)
    if not entry.file:
        raise NotVisible(NOT_FOUND)
    response = FileResponse(
        entry.file.open("rb"),
        content_type=entry.content_type,
        as_attachment=entry.content_type == "text/plain",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _network_post(request: HttpRequest) -> str:
    """Do what the network page's form asked; the success message."""
    user, action = request.user, request.POST.get("action", "")
    if action in ("accept", "decline"):
        link = access.access_invitation(user, request.POST.get("link_id"))
        if action == "accept":
            net_svc.network_accept(link=link)
            return _("You joined %(learner)s’s learning network.") % {"learner": link.learner}
        net_svc.network_decline(link=link)
        return _("You are not in %(learner)s’s learning network.") % {"learner": link.learner}
    if action in ("approve", "reject"):
        expert = access.access_expert_request_to_decide(user, request.POST.get("request_id"))
        if action == "reject":
            net_svc.expert_decline(request=expert, teacher=user)
            return _("%(name)s was not approved.") % {"name": expert.display_name}
        invitation = net_svc.expert_approve(request=expert, teacher=user)
        if invitation.set_password_path:
            request.session["p13n_invite"] = request.build_absolute_uri(
                invitation.set_password_path
            )
            return _("Approved. Send %(name)s the link below to choose a password.") % {
                "name": expert.display_name
            }
        return _("Approved; %(name)s already has an account and was invited.") % {
            "name": expert.display_name
        }
    _learner_only(request)
    if action == "invite":
        net_svc.expert_request(
            learner=user,
            email=request.POST.get("email", ""),
            display_name=request.POST.get("display_name", ""),
            reason=request.POST.get("reason", ""),
        )
        return _("Sent to your teacher, who decides whether to invite this expert.")
    if action == "help":
        competency = (
            selectors.competencies_for(user).filter(pk=request.POST.get("competency") or 0).first()
        )
        net_svc.help_request_send(
            learner=user,
            message=request.POST.get("message", ""),
            competency=competency,
            recipient_ids=[int(i) for i in request.POST.getlist("to") if i.isdigit()],
        )
        return _("Your help request was sent.")
    if action == "remove":
        member_id = request.POST.get("member_id", "")
        if member_id.isdigit() and net_svc.network_remove(learner=user, member_id=int(member_id)):
            return _("Removed from your network; they no longer see what you share.")
        return ""
    net_svc.network_add(
        learner=user, username=request.POST.get("username", ""), kind=request.POST.get("kind", "")
    )
    return _("Invited. They join your network once they accept.")


@login_required
def network(request: HttpRequest) -> HttpResponse:
    user = request.user
    errors: list[str] = []
    is_learner = user.has_perm("personalization.write_personal", user)
    if request.method == "POST":
        try:
            done = _network_post(request)
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            if done:
                messages.success(request, done)
            return redirect("personalization:network")
    competency = None
    if request.GET.get("competency", "").isdigit():
        competency = (
            selectors.competencies_for(user).filter(pk=int(request.GET["competency"])).first()
        )
    members = list(selectors.network_of(user)) if is_learner else []
    return render(
        request,
        "personalization/network.html",
        {
            "is_learner": is_learner,
            "members": members,
            "accepted": [m for m in members if m.status == ACCEPTED],
            "kinds": [k for k in KINDS if k[0] != EXPERT],
            "competencies": selectors.competencies_for(user).order_by("code") if is_learner else [],
            "competency": competency,
            "helpers": selectors.suggested_helpers(user, competency) if competency else [],
            "invitations": selectors.invitations_for(user),
            "my_expert_requests": user.expert_requests.all()[:10] if is_learner else [],
            "to_decide": selectors.expert_requests_to_decide(user),
            "mine": selectors.help_requests_visible_to(user).filter(learner=user)[:20]
            if is_learner
            else [],
            "received": selectors.help_requests_visible_to(user).filter(recipients=user)[:20],
            "shared_with_me": selectors.learners_with_entries_shared_to(user),
            "invite_link": request.session.pop("p13n_invite", None),
            "errors": errors,
        },
    )


@login_required
def help_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """A help request's thread: replies from the people it went to (and the
    learner's teachers), the learner's follow-ups, thanks and resolving."""
    help_request = access.access_help_request(request.user, request_id)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        try:
            if action == "resolve":
                help_request = access.access_help_request_to_resolve(request.user, request_id)
                net_svc.help_resolve(request=help_request)
                messages.success(request, _("Marked resolved."))
            elif action == "thank":
                reply = access.access_help_reply_to_thank(
                    request.user, request_id, request.POST.get("reply_id", "")
                )
                net_svc.help_thank(reply=reply)
                messages.success(request, _("%(name)s was thanked.") % {"name": reply.author})
            else:
                help_request = access.access_help_request_to_reply(request.user, request_id)
                net_svc.help_reply(
                    request=help_request, author=request.user, text=request.POST.get("text", "")
                )
                messages.success(request, _("Reply sent."))
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            return redirect("personalization:help-detail", request_id=help_request.pk)
        help_request.refresh_from_db()
    user = request.user
    owner = user.pk == help_request.learner_id
    return render(
        request,
        "personalization/help_detail.html",
        {
            "help": help_request,
            "owner": owner,
            "recipients": list(help_request.recipients.all()),
            "replies": selectors.help_thread(help_request),
            "can_reply": not help_request.resolved
            and user.has_perm("personalization.reply_help", help_request),
            "errors": errors,
        },
    )


@login_required
def learner_help(request: HttpRequest, learner_id: int) -> HttpResponse:
    """For the learner's teachers and admins: their help requests (with the
    threads) and the feedback their network left on their shared work."""
    from trellis.personalization.models import PortfolioFeedback

    learner = access.access_learner(request.user, learner_id)
    if not (
        request.user.has_perm("personalization.guide_learner", learner)
        or administers_learner(request.user, learner)
    ):
        raise PermissionDenied(access.TEACHERS_ONLY)
    return render(
        request,
        "personalization/learner_help.html",
        {
            "learner": learner,
            "requests": selectors.help_requests_visible_to(request.user).filter(learner=learner),
            "feedback": PortfolioFeedback.objects.filter(entry__learner=learner)
            .select_related("entry", "author")
            .order_by("-created_at")[:50],
            "members": selectors.network_of(learner),
        },
    )


class ExpertWelcomeView(auth_views.PasswordResetConfirmView):
    """Where an invited expert chooses their password (Django's one-time
    token, valid for ``PASSWORD_RESET_TIMEOUT``)."""

    template_name = "personalization/expert_welcome.html"
    success_url = reverse_lazy("login")
    post_reset_login = False


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notify.notifications_mark_read(user=request.user)
        return redirect("personalization:notifications")
    items = Notification.objects.filter(recipient=request.user)[:50]
    return render(request, "personalization/notifications.html", {"items": items})


@login_required
def notification_count(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    if not count:
        return HttpResponse(gettext("Notifications"))
    return HttpResponse(gettext("Notifications (%(count)s unread)") % {"count": count})
