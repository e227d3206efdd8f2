"""The learner's network and help requests routed to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from trellis.curriculum.models import Competency
from trellis.people import roles
from trellis.people.models import Membership, User
from trellis.personalization.models import HelpRequest, NetworkMember
from trellis.personalization.models import network as nw
from trellis.personalization.services.notify import notification_send

NO_SUCH_PERSON = "No account is called {username!r}."
NOT_YOURSELF = "You cannot add yourself to your own network."
ALREADY_IN = "{member} is already in your network."
UNKNOWN_KIND = "Unknown kind {value!r}; use peer, teacher, mentor or expert."
PEER_SAME_SCHOOL = "A peer must be a learner at your school."
TEACHER_SAME_SCHOOL = "A teacher in your network must teach at your school."
EXPERT_NO_ROLE = "An outside expert is an invited account with no role in any school."
EMPTY_HELP = "Say what you need help with."
NO_RECIPIENTS = "Add people to your network first, or choose at least one of them."
BAD_EMAIL = "{email!r} is not an email address."
EXPERT_NAME = "Give the expert's name."
EMAIL_TAKEN = "Someone with that email already has an account: add them by username instead."
NOT_IN_NETWORK = "Help requests go only to people in your network."


def _has_role_with(member: User, learner: User, role: str) -> bool:
    schools = Membership.objects.filter(user=learner, role=roles.LEARNER, active=True).values(
        "school_id"
    )
    return Membership.objects.filter(
        user=member, role=role, active=True, school__in=schools
    ).exists()


@transaction.atomic
def network_add(*, learner: User, username: str, kind: str) -> NetworkMember:
    if kind not in dict(nw.KINDS):
        raise ValidationError({"kind": UNKNOWN_KIND.format(value=kind)})
    member = User.objects.filter(username=username.strip(), is_active=True).first()
    if member is None:
        raise ValidationError({"username": NO_SUCH_PERSON.format(username=username)})
    if member.pk == learner.pk:
        raise ValidationError({"username": NOT_YOURSELF})
    if NetworkMember.objects.filter(learner=learner, member=member).exists():
        raise ValidationError({"username": ALREADY_IN.format(member=member)})
    if kind == nw.PEER and not _has_role_with(member, learner, roles.LEARNER):
        raise ValidationError({"username": PEER_SAME_SCHOOL})
    if kind == nw.TEACHER and not _has_role_with(member, learner, roles.TEACHER):
        raise ValidationError({"username": TEACHER_SAME_SCHOOL})
    if kind == nw.EXPERT and member.memberships.exists():
        raise ValidationError({"username": EXPERT_NO_ROLE})
    link = NetworkMember(learner=learner, member=member, kind=kind, invited_by=learner)
    link.full_clean()
    link.save()
    notification_send(
        recipients=[member],
        text=f"{learner} added you to their learning network as {link.get_kind_display().lower()}.",
        url=reverse("personalization:network"),
    )
    return link


@dataclass(frozen=True)
class Invitation:
    link: NetworkMember
    #: Path of the page where the expert sets their password (send it to them).
    set_password_path: str


@transaction.atomic
def expert_invite(*, learner: User, email: str, display_name: str) -> Invitation:
    """Create an account with no school role and no usable password for an
    outside expert, add it to the learner's network, and return the one-time
    link where the expert chooses a password. Such an account can see only
    what the learner shares with their network."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": BAD_EMAIL.format(email=email)}) from None
    if not display_name.strip():
        raise ValidationError({"display_name": EXPERT_NAME})
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    expert = User(username=email[:150], email=email, display_name=display_name.strip()[:150])
    expert.set_unusable_password()
    expert.full_clean()
    expert.save()
    link = network_add(learner=learner, username=expert.username, kind=nw.EXPERT)
    path = reverse(
        "personalization:expert-welcome",
        args=[
            urlsafe_base64_encode(force_bytes(expert.pk)),
            default_token_generator.make_token(expert),
        ],
    )
    return Invitation(link=link, set_password_path=path)


@transaction.atomic
def network_remove(*, learner: User, member_id: int) -> int:
    deleted, _ = NetworkMember.objects.filter(learner=learner, member_id=member_id).delete()
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
        for m in NetworkMember.objects.filter(learner=learner).select_related("member")
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
    about = f" with {competency.label}" if competency else ""
    notification_send(
        recipients=[network[i] for i in ids],
        text=f"{learner} asks for help{about}: {message.strip()[:150]}",
        url=reverse("personalization:network"),
    )
    return request
