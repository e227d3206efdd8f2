"""Registrations, launches, placements by deep linking and roster syncs.

A launch has already been checked by pylti1p3 (signature, expiry, state,
nonce present, registration, deployment) when ``launch_accept`` sees it;
here Trellis refuses a nonce seen before and decides who the person is —
only ever among the registering school's own people."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from trellis.interop.selectors import rostered_class, rostered_person
from trellis.lti.models import (
    KIND_ASSESSMENT,
    KIND_MODULES,
    KIND_PRACTICE,
    Context,
    LinkedAccount,
    Placement,
    Platform,
    ResourceLink,
    UsedNonce,
)
from trellis.people import roles
from trellis.people.selectors import enrollment_of, is_learner_at, people_of_school, teaches
from trellis.people.services import (
    enrollment_activate,
    enrollment_create,
    enrollments_withdraw,
    membership_grant,
    teaching_assign,
    user_create,
)

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass, User

logger = logging.getLogger("trellis.lti")

PLATFORM_TAKEN = gettext_lazy("An LMS with this issuer and client id is already registered.")
NO_DEPLOYMENT = gettext_lazy("Give at least one deployment id.")
REPLAYED = gettext_noop("This launch was already used (its nonce was seen before).")
NO_ACCOUNT = gettext_noop(
    "Your LMS account is not linked to a Trellis account at {school}, and this LMS may not "
    "create accounts. Ask the school's admin."
)
OPERATOR_ACCOUNT = gettext_noop("A launch never signs in as a site operator.")
NO_SUB = gettext_noop("The launch names no user (no sub).")
NO_CLASS = gettext_lazy("This LMS course is not tied to a Trellis class yet.")
NOT_A_PLACEMENT = gettext_noop("This link does not name anything in Trellis at {school}.")
NOT_PLACEABLE = gettext_lazy("There is no {kind} with id {id} in this class.")

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
INSTRUCTOR_ROLES = ("#Instructor", "#TeachingAssistant", "#ContentDeveloper", "#Mentor")
LEARNER_ROLES = ("#Learner", "#Student")


NOT_A_LAUNCH = gettext_noop("Trellis takes resource-link and deep-linking launches only.")


class LaunchRefused(Exception):
    """A launch Trellis will not act on. ``str()`` is the English reason for
    the log; ``translated()`` the same in the person's language."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))

    def translated(self) -> str:
        return gettext(self.template).format(**self.params)


# ---------------------------------------------------------------- registration


def _clean_deployments(deployment_ids: list[str]) -> list[str]:
    cleaned = [d.strip() for d in deployment_ids if d and d.strip()]
    if not cleaned:
        raise ValidationError({"deployment_ids": [NO_DEPLOYMENT]})
    return list(dict.fromkeys(cleaned))


@transaction.atomic
def platform_register(
    *,
    school: School,
    name: str,
    issuer: str,
    client_id: str,
    deployment_ids: list[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    create_accounts: bool = False,
) -> Platform:
    platform = Platform(
        school=school,
        name=name.strip(),
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        deployment_ids=_clean_deployments(deployment_ids),
        auth_login_url=auth_login_url.strip(),
        auth_token_url=auth_token_url.strip(),
        key_set_url=key_set_url.strip(),
        create_accounts=create_accounts,
    )
    platform.full_clean(validate_unique=False, validate_constraints=False)
    if Platform.objects.filter(issuer=platform.issuer, client_id=platform.client_id).exists():
        raise ValidationError({"client_id": [PLATFORM_TAKEN]})
    platform.save()
    return platform


@transaction.atomic
def platform_update(*, platform: Platform, **changes) -> Platform:
    """Change a registration's fields (the school never changes)."""
    if "deployment_ids" in changes:
        changes["deployment_ids"] = _clean_deployments(changes["deployment_ids"])
    for name, value in changes.items():
        setattr(platform, name, value.strip() if isinstance(value, str) else value)
    platform.full_clean(validate_unique=False, validate_constraints=False)
    if (
        Platform.objects.filter(issuer=platform.issuer, client_id=platform.client_id)
        .exclude(pk=platform.pk)
        .exists()
    ):
        raise ValidationError({"client_id": [PLATFORM_TAKEN]})
    platform.save()
    return platform


# ---------------------------------------------------------------- launches


def lti_roles(claims: dict) -> set[str]:
    """Trellis roles from the LTI role claim: instructors teach, learners learn.
    No launch grants an admin role."""
    found: set[str] = set()
    for uri in claims.get(CLAIM + "roles", []) or []:
        if isinstance(uri, str) and uri.endswith(INSTRUCTOR_ROLES):
            found.add(roles.TEACHER)
        if isinstance(uri, str) and uri.endswith(LEARNER_ROLES):
            found.add(roles.LEARNER)
    return found


def _school_people(school: School):
    return people_of_school(school)


def _match(platform: Platform, claims: dict) -> User | None:
    """The registering school's account for the launching person: by the
    linked ``sub``, else by email, else by OneRoster sourcedId — among the
    school's own people only."""
    sub = claims.get("sub")
    linked = LinkedAccount.objects.filter(platform=platform, sub=sub).select_related("user").first()
    if linked is not None:
        if linked.user.is_superuser:
            raise LaunchRefused(OPERATOR_ACCOUNT)
        if _school_people(platform.school).filter(pk=linked.user_id).exists():
            return linked.user
        return None
    people = _school_people(platform.school)
    email = (claims.get("email") or "").strip()
    if email:
        found = list(people.filter(email__iexact=email)[:2])
        if len(found) == 1:
            return found[0]
    sourced_id = (claims.get(CLAIM + "lis") or {}).get("person_sourcedid")
    if sourced_id:
        record = rostered_person(sourced_id)
        if record is not None and people.filter(pk=record.user_id).exists():
            return record.user
    return None


def _username(platform: Platform, sub: str) -> str:
    return f"lti-{platform.pk}-{hashlib.sha256(sub.encode()).hexdigest()[:16]}"


def _new_account(platform: Platform, claims: dict) -> User:
    return user_create(
        username=_username(platform, claims["sub"]),
        first_name=(claims.get("given_name") or "")[:150],
        last_name=(claims.get("family_name") or "")[:150],
        display_name=(claims.get("name") or "")[:150],
        email=(claims.get("email") or "")[:254],
    )


def _context(platform: Platform, claims: dict) -> Context | None:
    data = claims.get(CLAIM + "context") or {}
    context_id = data.get("id")
    if not context_id:
        return None
    context, _created = Context.objects.get_or_create(
        platform=platform, context_id=context_id, defaults={"title": data.get("title", "")[:255]}
    )
    nrps = claims.get(NRPS_CLAIM) or {}
    url = nrps.get("context_memberships_url", "")
    if url and url != context.memberships_url:
        context.memberships_url = url
        context.save(update_fields=["memberships_url"])
    if context.school_class_id is None:
        section = (claims.get(CLAIM + "lis") or {}).get("course_section_sourcedid")
        record = rostered_class(platform.school, section) if section else None
        if record is not None:
            context.school_class_id = record.school_class_id
            context.save(update_fields=["school_class"])
    return context


def _place_in_class(user: User, school_class: SchoolClass, user_roles: set[str]) -> None:
    school = school_class.school
    if roles.TEACHER in user_roles:
        membership_grant(user=user, school=school, role=roles.TEACHER)
        if not teaches(user, school_class):
            teaching_assign(school_class=school_class, teacher=user)
    elif roles.LEARNER in user_roles:
        membership_grant(user=user, school=school, role=roles.LEARNER)
        enrollment = enrollment_of(school_class, user)
        if enrollment is None:
            enrollment_create(school_class=school_class, learner=user)
        elif not enrollment.active:
            enrollment_activate(enrollment=enrollment)


@dataclass
class Launch:
    user: User
    platform: Platform
    context: Context | None
    roles: set[str] = field(default_factory=set)


@transaction.atomic
def launch_accept(*, platform: Platform, claims: dict) -> Launch:
    """Refuse a replayed nonce, then find (or, where the admin allowed it,
    create) the launching person's account at the registering school and
    place them in the course's class."""
    sub = claims.get("sub")
    if not sub:
        raise LaunchRefused(NO_SUB)
    try:
        with transaction.atomic():
            UsedNonce.objects.create(platform=platform, nonce=str(claims.get("nonce", "")))
    except IntegrityError:
        raise LaunchRefused(REPLAYED) from None
    user_roles = lti_roles(claims)
    context = _context(platform, claims)
    user = _match(platform, claims)
    if user is None:
        if not platform.create_accounts or not user_roles:
            raise LaunchRefused(NO_ACCOUNT, school=platform.school)
        user = _new_account(platform, claims)
        for role in sorted(user_roles):
            membership_grant(user=user, school=platform.school, role=role)
    LinkedAccount.objects.get_or_create(platform=platform, sub=sub, defaults={"user": user})
    if context is not None and context.school_class_id and platform.create_accounts:
        _place_in_class(user, context.school_class, user_roles)
    return Launch(user=user, platform=platform, context=context, roles=user_roles)


@transaction.atomic
def context_tie(*, context: Context, school_class: SchoolClass) -> Context:
    """Tie an LMS course to a class of the registering school."""
    if school_class.school_id != context.platform.school_id:
        raise ValidationError(
            {"school_class": [NOT_PLACEABLE.format(kind="class", id=school_class.pk)]}
        )
    context.school_class = school_class
    context.save(update_fields=["school_class"])
    return context


# ---------------------------------------------------------------- deep linking


@transaction.atomic
def placement_create(
    *,
    context: Context,
    kind: str,
    target_id: int,
    title: str,
    send_for_scores: bool,
    created_by: User,
) -> Placement:
    """What a teacher picked for the course; only records of the course's class."""
    from trellis.lti import selectors

    school_class = context.school_class
    if school_class is None:
        raise ValidationError(NO_CLASS)
    valid = {
        KIND_ASSESSMENT: lambda: (
            selectors.placeable_assessments(school_class).filter(pk=target_id).exists()
        ),
        KIND_PRACTICE: lambda: (
            selectors.placeable_competencies(school_class).filter(pk=target_id).exists()
        ),
        KIND_MODULES: lambda: target_id == school_class.pk and selectors.has_modules(school_class),
    }
    if kind not in valid or not valid[kind]():
        raise ValidationError(NOT_PLACEABLE.format(kind=kind, id=target_id))
    return Placement.objects.create(
        platform=context.platform,
        context=context,
        kind=kind,
        target_id=target_id,
        title=title[:255],
        send_for_scores=send_for_scores,
        created_by=created_by,
    )


@transaction.atomic
def resource_link_record(*, platform: Platform, claims: dict) -> ResourceLink:
    """The launched link and the placement its custom parameter names, with
    the line item from the AGS claim."""
    link_id = (claims.get(CLAIM + "resource_link") or {}).get("id", "")
    key = (claims.get(CLAIM + "custom") or {}).get("trellis_placement", "")
    placement = None
    if key:
        try:
            placement = Placement.objects.filter(platform__school=platform.school, key=key).first()
        except ValidationError:
            placement = None
    if placement is None:
        raise LaunchRefused(NOT_A_PLACEMENT, school=platform.school)
    ags = claims.get(AGS_CLAIM) or {}
    link, _created = ResourceLink.objects.update_or_create(
        platform=platform,
        resource_link_id=link_id,
        defaults={
            "placement": placement,
            "lineitem_url": ags.get("lineitem", ""),
            "scopes": ags.get("scope", []),
        },
    )
    return link


# ---------------------------------------------------------------- roster


@dataclass
class RosterResult:
    added: int = 0
    already: int = 0
    removed: int = 0
    unmatched: list[str] = field(default_factory=list)


@transaction.atomic
def roster_apply(*, context: Context, members: list[dict]) -> RosterResult:
    """Apply an LMS roster to the course's class, all or nothing: members
    are matched like launches (and created where the admin allowed it),
    learners no longer on the roster lose their enrolment (kept, inactive)."""
    platform = context.platform
    school_class = context.school_class
    if school_class is None:
        raise ValidationError(NO_CLASS)
    result = RosterResult()
    present: set[int] = set()
    for member in members:
        sub = member.get("user_id")
        if not sub:
            continue
        claims = {
            "sub": sub,
            "email": member.get("email", ""),
            "name": member.get("name", ""),
            "given_name": member.get("given_name", ""),
            "family_name": member.get("family_name", ""),
            CLAIM + "roles": member.get("roles", []),
            CLAIM + "lis": {"person_sourcedid": member.get("lis_person_sourcedid", "")},
        }
        active = member.get("status", "Active") == "Active"
        user_roles = lti_roles(claims)
        user = _match(platform, claims)
        if user is None:
            if not (platform.create_accounts and user_roles and active):
                result.unmatched.append(member.get("name") or sub)
                continue
            user = _new_account(platform, claims)
            for role in sorted(user_roles):
                membership_grant(user=user, school=platform.school, role=role)
        LinkedAccount.objects.get_or_create(platform=platform, sub=sub, defaults={"user": user})
        if not active:
            continue
        if roles.LEARNER in user_roles and roles.TEACHER not in user_roles:
            present.add(user.pk)
            existing = enrollment_of(school_class, user)
            if existing is not None and existing.active:
                result.already += 1
                continue
            if not is_learner_at(user, school_class.school_id) and not platform.create_accounts:
                result.unmatched.append(member.get("name") or sub)
                continue
            _place_in_class(user, school_class, {roles.LEARNER})
            result.added += 1
        elif roles.TEACHER in user_roles and platform.create_accounts:
            _place_in_class(user, school_class, {roles.TEACHER})
    linked_learners = LinkedAccount.objects.filter(platform=platform).values("user_id")
    result.removed = enrollments_withdraw(
        school_class=school_class, learner_ids=linked_learners, keep_ids=present
    )
    context.synced_at = timezone.now()
    context.save(update_fields=["synced_at"])
    return result
