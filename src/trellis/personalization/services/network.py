"""The learner's network and help requests routed to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.functional import lazy
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from trellis.people import roles
from trellis.people.selectors import (
    active_person_by_username,
    has_role_in_schools_of,
    people_with_ids,
    person_by_email_or_username,
)
from trellis.people.services import user_create
from trellis.personalization.models import ExpertRequest, HelpReply, HelpRequest, NetworkMember
from trellis.personalization.models.network import (
    ACCEPTED,
    APPROVED,
    DECLINED,
    EXPERT,
    KINDS,
    MENTOR,
    PEER,
    PENDING,
    TEACHER,
)
from trellis.personalization.selectors import teachers_of
from trellis.personalization.services.notify import notification_send

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency
    from trellis.people.models import User

NOT_AVAILABLE = _(
    "No one at your school called {username!r} can be added as your {kind}. "
    "Check the username, or ask your teacher."
)
NOT_YOURSELF = _("You cannot add yourself to your own network.")
ALREADY_IN = _("{member} is already in your network.")
UNKNOWN_KIND = _("Unknown kind {value!r}; use peer, teacher or mentor.")
EXPERT_BY_REQUEST = _(
    "Outside experts are not added by username: ask for one by email and a teacher approves it."
)
EMPTY_HELP = _("Say what you need help with.")
NO_RECIPIENTS = _(
    "No one in your network has accepted yet: help requests go only to people who accepted."
)
BAD_EMAIL = _("{email!r} is not an email address.")
EXPERT_NAME = _("Give the expert's name.")
EMAIL_TAKEN = _(
    "{email} already belongs to an account with a role in a school; "
    "a school member joins a network by username, not as an outside expert."
)
NOT_IN_NETWORK = _("Help requests go only to people in your network who accepted.")
NOT_PENDING = _("This request was already {status}.")
NOT_INVITED = _("You already accepted this invitation.")
ALREADY_REQUESTED = _("You already asked for {email}; a teacher will decide.")
EMPTY_REPLY = _("Write a reply.")
RESOLVED = _("This request is resolved; ask again with a new request if you still need help.")
ALREADY_RESOLVED = _("This request is already resolved.")
THANK_OWN = _("You can thank others for their replies, not yourself.")
ALREADY_THANKED = _("You already thanked {author} for this reply.")

#: Which school roles each kind of member must hold at the learner's school.
ROLES_FOR = {
    PEER: (roles.LEARNER,),
    TEACHER: (roles.TEACHER,),
    MENTOR: (roles.LEARNER, roles.TEACHER, roles.ADMIN),
}


def _lower(text: object) -> str:
    return str(text).lower()


#: A choice label in lower case, translated when the notification is written.
_lowered = lazy(_lower, str)


@transaction.atomic
def network_add(*, learner: User, username: str, kind: str) -> NetworkMember:
    """Invite a peer, teacher or mentor of the learner's school. They see
    nothing and receive nothing until they accept (``network_accept``).

    Every reason someone cannot be added -- no such account, an account at
    another school, the wrong role -- gives the same message, so the form
    cannot be used to find out who has an account."""
    if kind == EXPERT:
        raise ValidationError({"kind": EXPERT_BY_REQUEST})
    if kind not in ROLES_FOR:
        raise ValidationError({"kind": UNKNOWN_KIND.format(value=kind)})
    name = username.strip()
    label = dict(KINDS)[kind].lower()
    member = active_person_by_username(name)
    if member is not None and member.pk == learner.pk:
        raise ValidationError({"username": NOT_YOURSELF})
    if member is None or not has_role_in_schools_of(member, learner, ROLES_FOR[kind]):
        raise ValidationError({"username": NOT_AVAILABLE.format(username=name, kind=label)})
    if NetworkMember.objects.filter(learner=learner, member=member).exists():
        raise ValidationError({"username": ALREADY_IN.format(member=member)})
    link = NetworkMember(learner=learner, member=member, kind=kind, invited_by=learner)
    link.full_clean()
    link.save()
    notification_send(
        recipients=[member],
        text=_("%(learner)s invites you to their learning network as %(kind)s. Accept or decline."),
        params={"learner": learner, "kind": _lowered(dict(KINDS)[kind])},
        url=reverse("personalization:network"),
    )
    return link


@transaction.atomic
def network_accept(*, link: NetworkMember) -> NetworkMember:
    """The invited member accepts (``link`` fetched for them by the access
    module); from now on help requests reach them and the learner may see
    what the network shows of them."""
    link = NetworkMember.objects.select_for_update().get(pk=link.pk)
    if link.status == ACCEPTED:
        raise ValidationError(NOT_INVITED)
    link.status = ACCEPTED
    link.accepted_at = timezone.now()
    link.save(update_fields=["status", "accepted_at"])
    notification_send(
        recipients=[link.learner],
        text=_("%(member)s accepted your invitation to your learning network."),
        params={"member": link.member},
        url=reverse("personalization:network"),
    )
    return link


@transaction.atomic
def network_decline(*, link: NetworkMember) -> None:
    """The member declines an invitation or leaves the network."""
    NetworkMember.objects.filter(pk=link.pk).delete()


@transaction.atomic
def expert_request(
    *, learner: User, email: str, display_name: str, reason: str = ""
) -> ExpertRequest:
    """A learner asks for an outside expert. No account is made and no link
    is given to the learner: the learner's teachers are told and one of them
    approves (``expert_approve``) or declines."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": BAD_EMAIL.format(email=email)}) from None
    if not display_name.strip():
        raise ValidationError({"display_name": EXPERT_NAME})
    if ExpertRequest.objects.filter(learner=learner, email=email, status=PENDING).exists():
        raise ValidationError({"email": ALREADY_REQUESTED.format(email=email)})
    request = ExpertRequest(
        learner=learner,
        email=email,
        display_name=display_name.strip()[:150],
        reason=reason.strip(),
    )
    request.full_clean()
    request.save()
    notification_send(
        recipients=teachers_of(learner),
        text=_("%(learner)s asks to add an outside expert, %(name)s, to their network."),
        params={"learner": learner, "name": request.display_name},
        url=reverse("personalization:help-detail", args=[request.pk]),
    )
    return request


@dataclass(frozen=True)
class Invitation:
    link: NetworkMember
    #: Path of the page where a new expert sets their password (the approving
    #: teacher sends it to them); empty when the expert already had an account.
    set_password_path: str


@transaction.atomic
def expert_approve(*, request: ExpertRequest, teacher: User) -> Invitation:
    """A teacher of the learner approves: the expert's account is made (no
    school role, no usable password) or found, and invited to the learner's
    network; they see only what the learner shares with it, once they
    accept. The one-time set-password link is for the teacher to send."""
    request = ExpertRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PENDING:
        raise ValidationError(NOT_PENDING.format(status=request.get_status_display().lower()))
    path = ""
    expert = person_by_email_or_username(request.email)
    if expert is not None and expert.memberships.exists():
        raise ValidationError({"email": EMAIL_TAKEN.format(email=request.email)})
    if expert is None:
        expert = user_create(
            username=request.email[:150], email=request.email, display_name=request.display_name
        )
        path = reverse(
            "personalization:expert-welcome",
            args=[
                urlsafe_base64_encode(force_bytes(expert.pk)),
                default_token_generator.make_token(expert),
            ],
        )
    link, _created = NetworkMember.objects.get_or_create(
        learner=request.learner,
        member=expert,
        defaults={"kind": EXPERT, "invited_by": teacher},
    )
    request.status = APPROVED
    request.decided_by = teacher
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    notification_send(
        recipients=[request.learner],
        text=_("%(teacher)s approved %(name)s as an outside expert in your network."),
        params={"teacher": teacher, "name": request.display_name},
        url=reverse("personalization:network"),
    )
    notification_send(
        recipients=[expert],
        text=_("%(learner)s invites you to their learning network as outside expert."),
        params={"learner": request.learner},
        url=reverse("personalization:network"),
    )
    return Invitation(link=link, set_password_path=path)


@transaction.atomic
def expert_decline(*, request: ExpertRequest, teacher: User) -> ExpertRequest:
    request = ExpertRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PENDING:
        raise ValidationError(NOT_PENDING.format(status=request.get_status_display().lower()))
    request.status = DECLINED
    request.decided_by = teacher
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    notification_send(
        recipients=[request.learner],
        text=_("%(teacher)s did not approve %(name)s as an outside expert."),
        params={"teacher": teacher, "name": request.display_name},
        url=reverse("personalization:help-detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def network_remove(*, learner: User, member_id: int) -> int:
    deleted, _kinds = NetworkMember.objects.filter(learner=learner, member_id=member_id).delete()
    return deleted


@transaction.atomic
def help_request_send(
    *,
    learner: User,
    message: str,
    competency: Competency | None = None,
    recipient_ids: Sequence[int] = (),
) -> HelpRequest:
    if not message.strip():
        raise ValidationError({"message": EMPTY_HELP})
    network = {
        m.member_id: m.member
        for m in NetworkMember.objects.filter(learner=learner, status=ACCEPTED).select_related(
            "member"
        )
    }
    ids = [int(i) for i in recipient_ids] or list(network)
    if not ids:
        raise ValidationError(NO_RECIPIENTS)
    if any(i not in network for i in ids):
        raise ValidationError(NOT_IN_NETWORK)
    request = HelpRequest.objects.create(
        learner=learner, message=message.strip(), competency=competency
    )
    request.recipients.set(ids)
    if competency:
        text = _("%(learner)s asks for help with %(competency)s: %(message)s")
    else:
        text = _("%(learner)s asks for help: %(message)s")
    notification_send(
        recipients=[network[i] for i in ids],
        text=text,
        params={
            "learner": learner,
            "competency": competency.label if competency else "",
            "message": message.strip()[:150],
        },
        url=reverse("personalization:help-detail", args=[request.pk]),
    )
    return request


def _thread_url(request: HelpRequest) -> str:
    return reverse("personalization:help-detail", args=[request.pk])


@transaction.atomic
def help_reply(*, request: HelpRequest, author: User, text: str) -> HelpReply:
    """Add to the thread (``author`` may reply: checked by the access
    module). A helper's reply notifies the learner; the learner's notifies
    everyone the request went to and everyone who replied."""
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if not text.strip():
        raise ValidationError({"text": EMPTY_REPLY})
    if request.resolved:
        raise ValidationError(RESOLVED)
    reply = HelpReply(request=request, author=author, text=text.strip())
    reply.full_clean()
    reply.save()
    if author.pk == request.learner_id:
        others = [*request.recipients.all(), *people_with_ids(request.replies.values("author_id"))]
        notification_send(
            recipients=[u for u in others if u.pk != author.pk],
            text=_("%(author)s added to their help request: %(text)s"),
            params={"author": author, "text": reply.text[:150]},
            url=_thread_url(request),
        )
    else:
        notification_send(
            recipients=[request.learner],
            text=_("%(author)s answered your help request: %(text)s"),
            params={"author": author, "text": reply.text[:150]},
            url=_thread_url(request),
        )
    return reply


@transaction.atomic
def help_resolve(*, request: HelpRequest) -> HelpRequest:
    """The learner marks the request resolved; the thread stays readable
    and takes no more replies."""
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.resolved:
        raise ValidationError(ALREADY_RESOLVED)
    request.resolved_at = timezone.now()
    request.save(update_fields=["resolved_at"])
    helpers = people_with_ids(request.replies.values("author_id")).exclude(pk=request.learner_id)
    notification_send(
        recipients=helpers,
        text=_("%(learner)s resolved the help request you answered."),
        params={"learner": request.learner},
        url=_thread_url(request),
    )
    return request


@transaction.atomic
def help_thank(*, reply: HelpReply) -> HelpReply:
    """The learner thanks a helper for one reply (once)."""
    reply = (
        HelpReply.objects.select_for_update().select_related("request", "author").get(pk=reply.pk)
    )
    if reply.author_id == reply.request.learner_id:
        raise ValidationError(THANK_OWN)
    if reply.thanked_at is not None:
        raise ValidationError(ALREADY_THANKED.format(author=reply.author))
    reply.thanked_at = timezone.now()
    reply.save(update_fields=["thanked_at"])
    notification_send(
        recipients=[reply.author],
        text=_("%(learner)s thanked you for your help."),
        params={"learner": reply.request.learner},
        url=_thread_url(reply.request),
    )
    return reply
