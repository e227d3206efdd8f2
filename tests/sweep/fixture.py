"""Two whole schools for the sweep: every role (``tests.world.build_school``),
and in each school one record of every kind an API operation or a page takes
by id — curriculum, assessments, responses, goals, portfolio entries, an
individual plan with an objective, a support and a report, modules, a
choice with a proposal, a network member, a grouping with a plan, an xAPI
credential, an LMS registration — made through the apps' services.

Every name in school A carries ``sweepA``/``Sweepay`` and in school B
``sweepB``/``Sweepbee``, so a page or answer that shows another school's
record is found by looking for the other school's marker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from tests.differentiation.conftest import Curriculum, answer, make_curriculum
from tests.factories import UserFactory
from tests.family.conftest import world_records
from tests.world import SchoolWorld, build_school
from trellis.api.models import ApiToken
from trellis.differentiation import services as diff
from trellis.differentiation.models import Grouping
from trellis.evidence.models import Assessment, Response
from trellis.evidence.services import assessment_create
from trellis.individualization.services import pacing, plans
from trellis.individualization.services.reports import summative_report_create
from trellis.interop.xapi.credentials import credential_issue
from trellis.lti.services import platform_register
from trellis.people.models import User
from trellis.personalization.models import PortfolioEntry
from trellis.personalization.services import network
from trellis.personalization.services.proposals import choice_create, proposal_submit


@dataclass
class SweepSchool:
    world: SchoolWorld
    curriculum: Curriculum
    #: one record id of each kind, by the name a path parameter gives it
    ids: dict[str, int] = field(default_factory=dict)
    marker: str = ""

    def people(self) -> dict[str, User]:
        return self.world.people()


@dataclass
class Sweep:
    a: SweepSchool
    b: SweepSchool
    operator: User
    tokens: dict[int, str] = field(default_factory=dict)

    def actors(self) -> list[tuple[str, User | None, SweepSchool | None]]:
        """(name, user, the school whose records the actor must not see)."""
        out: list[tuple[str, User | None, SweepSchool | None]] = []
        for mine, other in ((self.a, self.b), (self.b, self.a)):
            for role, user in mine.people().items():
                out.append((f"{mine.marker}:{role}", user, other))
        out.append(("operator", self.operator, None))
        out.append(("anonymous", None, None))
        return out

    def token(self, user: User) -> str:
        if user.pk not in self.tokens:
            _record, raw = ApiToken.issue(user=user, name="sweep")
            self.tokens[user.pk] = raw
        return self.tokens[user.pk]


def _school(prefix: str, family_name: str) -> SweepSchool:
    world = build_school(prefix)
    User.objects.filter(pk__in=[u.pk for u in world.people().values()]).update(
        last_name=family_name
    )
    for user in world.people().values():
        user.refresh_from_db()
    cur = make_curriculum(world.school, prefix)
    world_records(world, cur, prefix)
    now = timezone.now()
    today = timezone.localdate()

    summative = assessment_create(
        school_class=world.class_a,
        title=f"{prefix}Summative",
        purpose="of",
        created_by=world.teacher,
        items=[cur.objective_item],
        closes_at=now + dt.timedelta(days=3),
    )
    from trellis.evidence.services import attempt_start

    attempt = attempt_start(assessment=summative, learner=world.learner)
    answer(world.learner, cur.objective_item, True, attempt=attempt)

    plan = plans.plan_create(
        learner=world.learner,
        author=world.teacher,
        title=f"{prefix}Plan",
        accommodations=("extended-time",),
    )
    objective = plans.objective_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Objective added.",
        statement=f"{prefix}Objective",
        competencies=[cur.objective],
        method="teacher_measure",
        baseline_value=1,
        baseline_date=today - dt.timedelta(days=30),
        target_value=5,
        target_date=today + dt.timedelta(days=60),
    )
    support = plans.support_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Support added.",
        kind="one_on_one",
        provider=f"{prefix}Aide",
        planned_minutes_per_week=30,
    )
    report = summative_report_create(
        learner=world.learner, assessment=summative, created_by=world.teacher, plan=plan
    )
    sequence = pacing.sequence_create(
        school_class=world.class_a, title=f"{prefix}Unit", created_by=world.teacher
    )
    module = pacing.module_add(
        sequence=sequence, title=f"{prefix}Module", competencies=[cur.prereq]
    )
    choice = choice_create(
        school_class=world.class_a,
        competency_id=cur.objective.pk,
        title=f"{prefix}Choice",
        options=["Poster", "Essay"],
        deadline=now + dt.timedelta(days=7),
        created_by=world.teacher,
    )
    proposal = proposal_submit(
        choice=choice,
        learner=world.learner,
        what=f"{prefix}Proposal",
        how="I will draw it",
        rubric="Clear\nCorrect",
    )
    member = network.network_add(
        learner=world.learner, username=world.sibling.username, kind="peer"
    )
    network.network_accept(link=member)
    expert = network.expert_request(
        learner=world.learner, email=f"{prefix}expert@example.org", display_name=f"{prefix}Expert"
    )
    help_request = network.help_request_send(
        learner=world.learner, message=f"{prefix}Help", recipient_ids=[world.sibling.pk]
    )
    reply = network.help_reply(request=help_request, author=world.sibling, text=f"{prefix}Reply")
    grouping = diff.grouping_save(
        school_class=world.class_a,
        objective=cur.objective,
        kind="readiness",
        groups=[diff.GroupDraft("A", [world.learner.pk, world.sibling.pk])],
        created_by=world.teacher,
    )
    group_plan = diff.group_plan_save(
        grouping=grouping,
        entries=[diff.EntryDraft(group_id=grouping.groups.get().pk, process=f"{prefix}Process")],
        created_by=world.teacher,
    )
    credential, _secret = credential_issue(school=world.school, name=f"{prefix}Tool")
    lms = platform_register(
        school=world.school,
        name=f"{prefix}Lms",
        issuer=f"https://{prefix.lower()}lms.example.edu",
        client_id=f"{prefix}client",
        deployment_ids=["1"],
        auth_login_url="https://lms.example.edu/auth",
        auth_token_url="https://lms.example.edu/token",
        key_set_url="https://lms.example.edu/jwks",
    )
    ids = {
        "learner_id": world.learner.pk,
        "child_id": world.learner.pk,
        "class_id": world.class_a.pk,
        "school_id": world.school.pk,
        "framework_id": cur.framework.pk,
        "competency_id": cur.objective.pk,
        "item_id": cur.objective_item.pk,
        "assessment_id": Assessment.objects.filter(school_class=world.class_a).first().pk,
        "response_id": Response.objects.filter(learner=world.learner).first().pk,
        "individual_plan_id": plan.pk,
        "objective_id": objective.pk,
        "support_id": support.pk,
        "report_id": report.pk,
        "sequence_id": sequence.pk,
        "module_id": module.pk,
        "goal_id": world.learner.goals.first().pk,
        "choice_id": choice.pk,
        "proposal_id": proposal.pk,
        "entry_id": PortfolioEntry.objects.filter(learner=world.learner).first().pk,
        "member_id": member.pk,
        "link_id": member.pk,
        "expert_request_id": expert.pk,
        "request_id": help_request.pk,
        "reply_id": reply.pk,
        "grouping_id": Grouping.objects.get(pk=grouping.pk).pk,
        "group_plan_id": group_plan.pk,
        "credential_id": credential.pk,
        "platform_id": lms.pk,
    }
    return SweepSchool(world=world, curriculum=cur, ids=ids, marker=prefix.rstrip("_"))


def build_sweep() -> Sweep:
    a = _school("sweepA_", "Sweepay")
    b = _school("sweepB_", "Sweepbee")
    operator = UserFactory(username="sweep_operator", is_superuser=True, is_staff=True)
    return Sweep(a=a, b=b, operator=operator)
