"""Login initiation and resource-link launches: who Trellis signs in, and
the launches it refuses (each with its reason in the log)."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client
from django.utils.html import escape

from tests.factories import MembershipFactory, UserFactory
from tests.lti.platform import CLAIM, INSTRUCTOR, LEARNER, other_key
from trellis.interop.models import SourcedRecord
from trellis.lti.models import Context, LinkedAccount, UsedNonce
from trellis.lti.services import NO_ACCOUNT, OPERATOR_ACCOUNT, REPLAYED
from trellis.people import roles
from trellis.people.models import Enrollment, Membership, TeachingAssignment, User

pytestmark = pytest.mark.django_db


def _launch(lms, client, *, sub, roles_, placement=False, **extra):
    params = lms.login(client)
    claims = lms.claims(sub=sub, nonce=params["nonce"], roles=roles_, **extra)
    if not placement:
        # A plain launch without a placed link: a deep-linking request is
        # the kind that needs none.
        claims = lms.deep_linking_claims(sub=sub, nonce=params["nonce"], **extra)
        claims[CLAIM + "roles"] = roles_
    return lms.launch(client, lms.sign(claims), params["state"]), params, claims


def _signed_in(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_login_initiation_redirects_to_the_platform_with_state_and_nonce(lms, school_a):
    lms.register(school_a.school)
    params = lms.login(Client())
    assert params["client_id"] == lms.client_id
    assert params["redirect_uri"] == "http://testserver/lti/launch/"
    assert params["nonce"] and params["state"].startswith("state-")
    assert params["response_mode"] == "form_post"


def test_login_initiation_for_an_unknown_issuer_is_refused_and_logged(lms, school_a, caplog):
    answer = Client().get("/lti/login/", {"iss": "https://nobody.example", "login_hint": "x"})
    assert answer.status_code == 400
    assert "LTI login refused: Could not find registration details" in caplog.text


def test_a_learner_is_matched_by_email_and_linked_by_sub(lms, school_a):
    lms.register(school_a.school)
    learner = school_a.learner
    learner.email = "Ana@School.example"
    learner.save()
    client = Client()
    answer, _params, _claims = _launch(
        lms, client, sub="lms-user-1", roles_=[LEARNER], email="ana@school.example"
    )
    assert answer.status_code == 302
    assert _signed_in(client) == learner.pk
    assert LinkedAccount.objects.get(sub="lms-user-1").user == learner
    # Later launches go by the link, whatever email the LMS sends.
    client2 = Client()
    _launch(lms, client2, sub="lms-user-1", roles_=[LEARNER], email="changed@else.example")
    assert _signed_in(client2) == learner.pk


def test_a_learner_is_matched_by_oneroster_sourced_id(lms, school_a):
    lms.register(school_a.school)
    SourcedRecord.objects.create(
        kind=SourcedRecord.USER, sourced_id="or-77", user=school_a.sibling, school=school_a.school
    )
    client = Client()
    _launch(
        lms,
        client,
        sub="lms-sib",
        roles_=[LEARNER],
        **{CLAIM + "lis": {"person_sourcedid": "or-77"}},
    )
    assert _signed_in(client) == school_a.sibling.pk


def test_a_launch_never_signs_in_to_another_schools_account(lms, school_a, school_b, caplog):
    """School A registered the LMS; the email and sourcedId the LMS sends
    belong to a learner of school B. Nobody is signed in."""
    lms.register(school_a.school)
    other = school_b.learner
    other.email = "shared@example.org"
    other.save()
    SourcedRecord.objects.create(kind=SourcedRecord.USER, sourced_id="or-b", user=other)
    client = Client()
    answer, _p, _c = _launch(
        lms,
        client,
        sub="lms-x",
        roles_=[LEARNER],
        email="shared@example.org",
        **{CLAIM + "lis": {"person_sourcedid": "or-b"}},
    )
    assert answer.status_code == 400
    assert _signed_in(client) is None
    assert NO_ACCOUNT.format(school=school_a.school) in caplog.text
    assert escape(NO_ACCOUNT.format(school=school_a.school)) in answer.content.decode()
    assert not LinkedAccount.objects.exists()


def test_with_accounts_allowed_a_stranger_gets_a_new_account_in_the_registering_school_only(
    lms, school_a, school_b
):
    lms.register(school_a.school, create_accounts=True)
    other = school_b.learner
    other.email = "shared@example.org"
    other.save()
    client = Client()
    _launch(
        lms, client, sub="lms-new", roles_=[LEARNER], email="shared@example.org", name="New One"
    )
    user_id = _signed_in(client)
    assert user_id is not None and user_id != other.pk
    created = User.objects.get(pk=user_id)
    assert created.display_name == "New One"
    schools = set(Membership.objects.filter(user=created).values_list("school_id", "role"))
    assert schools == {(school_a.school.pk, roles.LEARNER)}


def test_a_linked_sub_pointing_to_an_operator_is_refused(lms, school_a, caplog):
    platform = lms.register(school_a.school)
    operator = UserFactory(is_superuser=True, is_staff=True)
    MembershipFactory(user=operator, school=school_a.school, role=roles.ADMIN)
    LinkedAccount.objects.create(platform=platform, sub="lms-op", user=operator)
    client = Client()
    answer, _p, _c = _launch(lms, client, sub="lms-op", roles_=[INSTRUCTOR])
    assert answer.status_code == 400
    assert _signed_in(client) is None
    assert OPERATOR_ACCOUNT in caplog.text


def test_roles_and_the_course_class_place_new_people(lms, school_a):
    lms.register(school_a.school, create_accounts=True)
    client = Client()
    _launch(lms, client, sub="lms-t", roles_=[INSTRUCTOR], email="t@example.org")
    teacher = User.objects.get(pk=_signed_in(client))
    context = Context.objects.get(context_id="course-7")
    context.school_class = school_a.class_a
    context.save()
    client2 = Client()
    _launch(lms, client2, sub="lms-l", roles_=[LEARNER], email="l@example.org")
    learner = User.objects.get(pk=_signed_in(client2))
    client3 = Client()
    _launch(lms, client3, sub="lms-t", roles_=[INSTRUCTOR])
    assert Enrollment.objects.filter(
        school_class=school_a.class_a, learner=learner, active=True
    ).exists()
    assert TeachingAssignment.objects.filter(
        school_class=school_a.class_a, teacher=teacher
    ).exists()
    assert set(Membership.objects.filter(user=teacher).values_list("role", flat=True)) == {
        roles.TEACHER
    }


# ------------------------------------------------------------------ refusals


@pytest.fixture
def known_learner(lms, school_a):
    lms.register(school_a.school)
    school_a.learner.email = "ana@school.example"
    school_a.learner.save()
    return school_a.learner


def _refused(answer, client, caplog, reason: str) -> None:
    assert answer.status_code == 400
    assert _signed_in(client) is None
    assert any(
        r.name == "trellis.lti" and r.levelno == logging.WARNING and reason in r.getMessage()
        for r in caplog.records
    ), caplog.text


def test_a_forged_signature_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    answer = lms.launch(client, lms.sign(claims, private_pem=other_key()), params["state"])
    _refused(answer, client, caplog, "Signature verification failed")


def test_an_expired_token_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    claims["iat"] = int(time.time()) - 3600
    claims["exp"] = int(time.time()) - 1800
    answer = lms.launch(client, lms.sign(claims), params["state"])
    _refused(answer, client, caplog, "Signature has expired")


def test_a_replayed_nonce_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    token = lms.sign(claims)
    assert lms.launch(client, token, params["state"]).status_code == 302
    client.logout()
    # The same browser (its state cookie) posts the same id token again.
    answer = lms.launch(client, token, params["state"])
    _refused(answer, client, caplog, REPLAYED)
    assert UsedNonce.objects.filter(nonce=params["nonce"]).count() == 1


def test_a_nonce_trellis_never_issued_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce="made-up-nonce", email="ana@school.example")
    answer = lms.launch(client, lms.sign(claims), params["state"])
    _refused(answer, client, caplog, "Invalid Nonce")


def test_a_token_for_another_audience_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    claims["aud"] = "some-other-tool"
    answer = lms.launch(client, lms.sign(claims), params["state"])
    _refused(answer, client, caplog, "Registration not found")


def test_an_unknown_deployment_is_refused(lms, known_learner, caplog):
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    claims[CLAIM + "deployment_id"] = "deployment-of-someone-else"
    answer = lms.launch(client, lms.sign(claims), params["state"])
    _refused(answer, client, caplog, "Unable to find deployment")


def test_a_launch_without_the_login_state_is_refused(lms, known_learner, caplog):
    params = lms.login(Client())
    claims = lms.deep_linking_claims(sub="s", nonce=params["nonce"], email="ana@school.example")
    stranger = Client()  # another browser: no state cookie
    answer = lms.launch(stranger, lms.sign(claims), params["state"])
    _refused(answer, stranger, caplog, "State not found")
