"""Names and Role Provisioning Services: a teacher syncs the class roster
from the LMS (page button and API), all or nothing; only whoever may see
the class's roster may do it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.lti.platform import INSTRUCTOR, LEARNER
from tests.lti.test_registration import Caller
from trellis.lti import services
from trellis.lti.models import Context, LinkedAccount
from trellis.lti.roster import NO_ROSTER_SERVICE
from trellis.people.models import Enrollment, User

pytestmark = pytest.mark.django_db


def _member(sub, role, **extra) -> dict:
    return {"user_id": sub, "roles": [role], "status": "Active", **extra}


@pytest.fixture
def course(lms, school_a):
    platform = lms.register(school_a.school, create_accounts=True)
    context = Context.objects.create(
        platform=platform,
        context_id="course-7",
        title="Maths 7 (LMS)",
        school_class=school_a.class_a,
        memberships_url=lms.memberships_url,
    )
    school_a.learner.email = "ana@a.example"
    school_a.learner.save()
    return school_a, platform, context


def _active_learners(school_class) -> set[int]:
    return set(
        Enrollment.objects.filter(school_class=school_class, active=True).values_list(
            "learner_id", flat=True
        )
    )


def test_the_teacher_syncs_the_roster_from_the_page(lms, course):
    school, platform, context = course
    before = _active_learners(school.class_a)
    # The sibling was placed by an earlier LMS sync and has left the course.
    LinkedAccount.objects.create(platform=platform, sub="lms-sib", user=school.sibling)
    lms.members = [
        _member("lms-ana", LEARNER, email="ana@a.example", name="Ana"),
        _member("lms-new", LEARNER, email="new@a.example", name="Newt Learner"),
        _member("lms-t", INSTRUCTOR, email="t@a.example", name="Teach"),
        _member("lms-gone", LEARNER, status="Inactive", name="Gone"),
    ]
    client = Client()
    client.force_login(school.teacher)
    page = client.get(reverse("lti-class-courses", kwargs={"class_id": school.class_a.pk}))
    assert page.status_code == 200 and "Maths 7 (LMS)" in page.content.decode()
    done = client.post(
        reverse("lti-class-courses", kwargs={"class_id": school.class_a.pk}),
        {"context": context.pk},
        follow=True,
    )
    assert "1 added, 1 already here, 1 no longer enrolled" in done.content.decode()
    newt = User.objects.get(display_name="Newt Learner")
    expected = (before - {school.sibling.pk}) | {newt.pk}
    assert _active_learners(school.class_a) == expected
    context.refresh_from_db()
    assert context.synced_at is not None


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_the_api_sync_is_all_or_nothing(lms, course, how, monkeypatch):
    school, _platform, context = course
    before = _active_learners(school.class_a)
    lms.members = [
        _member("lms-1", LEARNER, name="One"),
        _member("lms-2", LEARNER, name="Two"),
    ]
    calls = []
    real = services.enrollment_create

    def failing_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "enrollment_create", failing_second)
    api = Caller(school.teacher, how)
    with pytest.raises(RuntimeError):
        api.post(f"/classes/{school.class_a.pk}/lti/roster-sync", {"context_id": context.pk})
    assert _active_learners(school.class_a) == before
    assert not User.objects.filter(display_name__in=["One", "Two"]).exists()
    monkeypatch.setattr(services, "enrollment_create", real)
    done = api.post(f"/classes/{school.class_a.pk}/lti/roster-sync", {"context_id": context.pk})
    assert done.status_code == 200, done.content
    assert done.json()["added"] == 2
    assert len(_active_learners(school.class_a) - before) == 2


def test_a_course_that_never_offered_its_roster_service_says_so(lms, course):
    school, _platform, context = course
    context.memberships_url = ""
    context.save()
    api = Caller(school.teacher, "session")
    answer = api.post(f"/classes/{school.class_a.pk}/lti/roster-sync", {"context_id": context.pk})
    assert answer.status_code == 400
    assert NO_ROSTER_SERVICE.format(course=context) in answer.json()["detail"]


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_only_who_sees_the_class_roster_syncs_it(lms, course, school_b, how):
    school, _platform, context = course
    lms.members = [_member("lms-x", LEARNER, name="Xavier")]
    url = f"/classes/{school.class_a.pk}/lti/roster-sync"
    # a learner of the class may see the class, not change its roster
    assert Caller(school.learner, how).post(url, {"context_id": context.pk}).status_code == 403
    # another class's teacher and another school's teacher: not found
    for outsider in (school.teacher_b, school_b.teacher, school_b.admin):
        assert Caller(outsider, how).post(url, {"context_id": context.pk}).status_code == 404
    # another class's LMS course cannot be synced into this one
    other = Caller(school_b.teacher, how)
    own_url = f"/classes/{school_b.class_a.pk}/lti/roster-sync"
    assert other.post(own_url, {"context_id": context.pk}).status_code == 400
    assert not User.objects.filter(display_name="Xavier").exists()


@pytest.mark.parametrize("who", ["learner", "teacher_b", "guardian"])
def test_the_class_lms_page_refuses_others(course, school_b, who):
    school, _platform, context = course
    url = reverse("lti-class-courses", kwargs={"class_id": school.class_a.pk})
    client = Client()
    client.force_login(getattr(school, who))
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"context": context.pk}).status_code in (403, 404)
    stranger = Client()
    stranger.force_login(school_b.teacher)
    assert stranger.get(url).status_code == 404
