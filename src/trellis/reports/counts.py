"""Gather the decisions behind the continuum report from the other apps'
selectors, as *records* a teacher can read, and turn them into learner-day
facts for the engine.

A record is one decision on one day (a grouping, a group plan, a plan saved
that day, a help request, a benchmark first met ...), with the learners it
governed. The same records drive the numbers in the report and the
"records behind" pages, so a number and its list cannot disagree. The
engine (``trellis.engine.continuum``) decides what governed each
learner-day; this module only decides which records are in scope and in
the date range, and whom each one governed.

Scope: a class (its enrolled learners), a learner (their records and the
groupings they were in) or a school (all its classes and learners).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from trellis.differentiation import selectors as diff_selectors
from trellis.engine.continuum import SOURCE_BY_KEY, DayFact
from trellis.evidence import selectors as evidence_selectors
from trellis.evidence.constants import FOR_LEARNING, OF_LEARNING, TARGET_CLASS
from trellis.individualization import selectors as indiv_selectors
from trellis.people import selectors as people_selectors
from trellis.people.names import shown_name
from trellis.personalization import selectors as p13n_selectors

if TYPE_CHECKING:
    from trellis.differentiation.models import Grouping
    from trellis.people.models import School, SchoolClass, User

CLASS, LEARNER, SCHOOL = "class", "learner", "school"
RANGE_ERROR = _("The start date ({start}) must not be after the end date ({end}).")
#: A FOR check counts as leading to regrouping when the class is regrouped
#: within this many days after it opened.
REGROUP_DAYS = 7
NAMES_SHOWN = 6
#: Stands for the id while a URL pattern is reversed once (see ``_link``).
_PK_MARK = 987654321


@dataclass(frozen=True)
class Scope:
    """What a report covers: the classes whose class-level records count and
    the learners whose learner-days count. ``learner`` is set for a learner
    report, where group-level records count only if the learner was in them."""

    kind: str
    label: str
    school: School
    class_ids: frozenset[int]
    learner_ids: frozenset[int]
    learner: User | None = None
    obj_id: int = 0
    #: The same learners as a query, so that the records' queries filter with
    #: a subquery instead of an inlined list of every id (a class or school).
    learner_query: QuerySet | None = None

    @property
    def learner_filter(self) -> Iterable[int]:
        return self.learner_ids if self.learner_query is None else self.learner_query


def class_scope(school_class: SchoolClass) -> Scope:
    learners = people_selectors.active_learners_by_class([school_class.pk]).get(
        school_class.pk, set()
    )
    return Scope(
        CLASS,
        str(school_class),
        school_class.school,
        frozenset([school_class.pk]),
        frozenset(learners),
        obj_id=school_class.pk,
        learner_query=people_selectors.active_learner_ids_query([school_class.pk]),
    )


def learner_scope(learner: User) -> Scope:
    classes = list(people_selectors.classes_attended_by(learner))
    school = classes[0].school if classes else people_selectors.learner_school(learner)
    return Scope(
        LEARNER,
        str(learner),
        school,  # type: ignore[arg-type]
        frozenset(c.pk for c in classes),
        frozenset([learner.pk]),
        learner=learner,
        obj_id=learner.pk,
    )


def school_scope(school: School) -> Scope:
    return Scope(
        SCHOOL,
        str(school),
        school,
        frozenset(people_selectors.school_class_ids(school)),
        frozenset(people_selectors.school_learner_ids(school)),
        obj_id=school.pk,
        learner_query=people_selectors.school_learner_ids_query(school),
    )


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open datetime range covering both dates entirely."""
    if start > end:
        raise ValueError(RANGE_ERROR.format(start=start, end=end))
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


# --- Records ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PK_MARK])


def _link(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL with one id, resolved once per
    name: a school's report links thousands of records."""
    return _url_pattern(name).replace(str(_PK_MARK), str(pk), 1)


@dataclass(frozen=True)
class Record:
    """One decision on one day, in words: "<actor> <action>", for
    ``learners``, with a link to the record itself."""

    source: str
    decision: str
    day: dt.date
    learner_ids: frozenset[int]
    learner_names: tuple[str, ...]
    actor: str
    action: str
    url: str

    @property
    def learners_text(self) -> str:
        names = list(self.learner_names)
        if not names:
            return ""
        if len(names) <= NAMES_SHOWN:
            return ", ".join(names)
        return gettext("%(names)s and %(n)s more") % {
            "names": ", ".join(names[:NAMES_SHOWN]),
            "n": len(names) - NAMES_SHOWN,
        }

    @property
    def sentence(self) -> str:
        """Without a closing full stop (the page adds one): an action that
        quotes an objective or a note ending in "." would otherwise end ".."."""
        return f"{self.actor} {self.action}".rstrip().rstrip(".")


@dataclass
class _Ctx:
    scope: Scope
    start: dt.date
    end: dt.date
    lo: dt.datetime
    hi: dt.datetime
    names: dict[int, str] = field(default_factory=dict)
    out: dict[str, list[Record]] = field(default_factory=dict)
    #: The current time zone, read once: ``timezone.localtime`` looks it up
    #: for every call, and a grade's month is some 15,000 records.
    tz: dt.tzinfo = field(default_factory=timezone.get_current_timezone)

    def day(self, at: dt.datetime) -> dt.date:
        """``timezone.localtime(at).date()``."""
        return at.astimezone(self.tz).date()

    def name(self, learner_id: int) -> str:
        """A learner in scope by name, from the one query for every name:
        the records' queries then need no person row of their own."""
        return self.names.get(learner_id) or gettext("learner %(id)s") % {"id": learner_id}

    def add(
        self,
        source: str,
        decision: str,
        day: dt.date,
        learners: Iterable[User | int],
        actor: object,
        action: str,
        url: str,
    ) -> None:
        ids = []
        for who in learners:
            pk = who if isinstance(who, int) else who.pk
            if pk in self.scope.learner_ids:
                if not isinstance(who, int):
                    self.names.setdefault(pk, str(who))
                ids.append(pk)
        if not ids or not (self.start <= day <= self.end):
            return
        self.out.setdefault(source, []).append(
            Record(
                source,
                decision,
                day,
                frozenset(ids),
                tuple(
                    sorted(
                        {self.names.get(i) or gettext("learner %(id)s") % {"id": i} for i in ids}
                    )
                ),
                str(actor) if actor else gettext("Someone"),
                action,
                url,
            )
        )


def _differentiation(ctx: _Ctx) -> list[tuple[Grouping, list[int]]]:
    """The groupings' and group plans' records; returns each grouping with
    its members (the FOR checks that led to regrouping read them)."""
    s = ctx.scope
    learner_id = s.learner.pk if s.learner else None
    groupings = list(diff_selectors.groupings_made(s.class_ids, learner_id, ctx.lo, ctx.hi))
    plans = list(diff_selectors.group_plans_updated(s.class_ids, learner_id, ctx.lo, ctx.hi))
    by_group = diff_selectors.members_by_group(
        grouping_ids=[g.pk for g in groupings],
        group_ids=[e.group_id for plan in plans for e in plan.entries.all()],
    )
    made = []
    for g in groupings:
        day = ctx.day(g.created_at)
        groups = g.groups.all()
        members = [i for group in groups for i in by_group.get(group.pk, [])]
        made.append((g, members))
        url = _link("diff-grouping-detail", g.pk)
        code = g.objective.code
        n = len(groups)
        ctx.add(
            "groupings",
            f"grouping:{g.pk}",
            day,
            members,
            g.created_by,
            ngettext(
                "grouped %(class)s by %(kind)s for %(code)s into %(n)s group",
                "grouped %(class)s by %(kind)s for %(code)s into %(n)s groups",
                n,
            )
            % {
                "class": g.school_class.name,
                "kind": g.get_kind_display().lower(),
                "code": code,
                "n": n,
            },
            url,
        )
        ctx.add(
            "lesson_objectives",
            f"grouping:{g.pk}",
            day,
            members,
            g.created_by,
            gettext("set %(code)s as the lesson objective for the whole of %(class)s")
            % {"code": code, "class": g.school_class.name},
            url,
        )
        for group in groups:
            group_members = by_group.get(group.pk, [])
            ctx.add(
                "group_lessons",
                f"group:{group.pk}",
                day,
                group_members,
                g.created_by,
                gettext("moved group “%(group)s” on to the lesson on %(code)s")
                % {"group": group.label, "code": code},
                url,
            )
    for plan in plans:
        day = ctx.day(plan.updated_at)
        url = _link("diff-grouping-detail", plan.grouping_id)
        entries = list(plan.entries.all())
        everyone = [i for e in entries for i in by_group.get(e.group_id, [])]
        title = plan.title or plan.objective.code
        ctx.add(
            "group_plans",
            f"groupplan:{plan.pk}",
            day,
            everyone,
            plan.created_by,
            ngettext(
                "wrote the group plan “%(title)s” for %(n)s group",
                "wrote the group plan “%(title)s” for %(n)s groups",
                len(entries),
            )
            % {"title": title, "n": len(entries)},
            url,
        )
        for e in entries:
            members = by_group.get(e.group_id, [])
            resources = [r.title for r in e.resources.all()]
            if resources:
                ctx.add(
                    "group_resources",
                    f"entry:{e.pk}",
                    day,
                    members,
                    plan.created_by,
                    gettext("chose %(resources)s for group “%(group)s”")
                    % {"resources": ", ".join(resources), "group": e.group.label},
                    url,
                )
            if e.affect.strip():
                ctx.add(
                    "group_supports",
                    f"entry:{e.pk}",
                    day,
                    members,
                    plan.created_by,
                    gettext("planned support for group “%(group)s”: %(support)s")
                    % {"group": e.group.label, "support": e.affect.strip()[:80]},
                    url,
                )
    return made


def _assessments(ctx: _Ctx, groupings: list[tuple[Grouping, list[int]]]) -> None:
    s = ctx.scope
    by_class = people_selectors.active_learners_by_class(s.class_ids)
    assessments = list(evidence_selectors.class_assessments_opened(s.class_ids, ctx.lo, ctx.hi))
    used_for_groups = diff_selectors.for_assessment_groups([a.pk for a in assessments])
    individual = indiv_selectors.individual_competencies(s.learner_filter)
    for a in assessments:
        day = ctx.day(a.opens_at)
        url = _link("assessment-detail", a.pk)
        learners = by_class.get(a.school_class_id, set())
        assignments = list(a.assignments.all())
        purpose = a.get_purpose_display()
        if not assignments or any(x.target == TARGET_CLASS for x in assignments):
            ctx.add(
                "class_assessments",
                f"assessment:{a.pk}",
                day,
                learners,
                a.created_by,
                gettext("gave “%(title)s” (%(purpose)s) to the whole of %(class)s")
                % {"title": a.title, "purpose": purpose, "class": a.school_class.name},
                url,
            )
        if a.purpose == FOR_LEARNING:
            regrouped = set(used_for_groups.get(a.pk, set()))
            for g, members in groupings:
                after = (ctx.day(g.created_at) - day).days
                if g.school_class_id == a.school_class_id and 0 <= after <= REGROUP_DAYS:
                    regrouped |= set(members)
            ctx.add(
                "regrouping_checks",
                f"assessment:{a.pk}",
                day,
                sorted(regrouped),
                a.created_by,
                gettext("used “%(title)s” (%(purpose)s) to group the class")
                % {"title": a.title, "purpose": purpose},
                url,
            )
        if a.purpose == OF_LEARNING:
            comps = {c.pk for c in a.draw_competencies.all()} | {
                c.pk for item in a.items.all() for c in item.competencies.all()
            }
            confirmed = [lid for lid in sorted(learners) if individual.get(lid, set()) & comps]
            ctx.add(
                "plan_checks",
                f"assessment:{a.pk}",
                day,
                confirmed,
                a.created_by,
                gettext(
                    "checked learners' own plan or module objectives with “%(title)s” (%(purpose)s)"
                )
                % {"title": a.title, "purpose": purpose},
                url,
            )


#: What ``str(user)`` reads: the records' queries read these columns of a
#: person (``shown_name``) instead of building a ``User`` per record.
_PERSON = ("display_name", "first_name", "last_name", "username")


def _person(relation: str) -> tuple[str, ...]:
    return (relation, *(f"{relation}__{name}" for name in _PERSON))


def _actor(row: dict, relation: str) -> str | None:
    """``str()`` of the person ``relation`` names in a ``values()`` row read
    with ``_person(relation)``; ``None`` when there is nobody."""
    if row[relation] is None:
        return None
    return shown_name(*(row[f"{relation}__{name}"] for name in _PERSON))


def _individualization(ctx: _Ctx) -> None:
    s = ctx.scope
    seen: dict[tuple[int, dt.date], list] = {}
    for v in indiv_selectors.plan_versions_saved(s.learner_filter, ctx.lo, ctx.hi):
        seen.setdefault((v.plan_id, ctx.day(v.at)), []).append(v)
    for (plan_id, day), versions in seen.items():
        plan = versions[0].plan
        saves = len(versions)
        ctx.add(
            "individual_plans",
            f"plan:{plan_id}",
            day,
            [plan.learner],
            versions[-1].changed_by,
            (
                gettext("wrote or revised the individual plan “%(title)s”")
                if saves == 1
                else gettext(
                    "wrote or revised the individual plan “%(title)s” (%(n)s saves that day, one plan)"
                )
            )
            % {"title": plan.title, "n": saves},
            _link("plan-detail", plan_id),
        )
    class_wide: dict[tuple[int, dt.date], list] = {}
    # Rows as values, not model objects: a grade's month is thousands of
    # records, and building (then collecting) a model object per row was most
    # of the report's time.
    paces = indiv_selectors.paces_entered(s.class_ids, s.learner_filter, ctx.lo, ctx.hi).values(
        "pk",
        "learner_id",
        "school_class_id",
        "entered_at",
        "sequence_id",
        "sequence__is_default",
        "sequence__title",
        *_person("sequence__created_by"),
    )
    for pace in paces:
        day = ctx.day(pace["entered_at"])
        if pace["sequence__is_default"]:
            class_wide.setdefault((pace["sequence_id"], day), []).append(pace)
            continue
        ctx.add(
            "individual_sequences",
            f"pace:{pace['pk']}",
            day,
            [pace["learner_id"]],
            _actor(pace, "sequence__created_by"),
            gettext("set the module sequence “%(title)s” for %(learner)s alone")
            % {"title": pace["sequence__title"], "learner": ctx.name(pace["learner_id"])},
            _link("pacing-board", pace["school_class_id"]),
        )
    for (seq_id, day), rows in class_wide.items():
        first = rows[0]
        ctx.add(
            "class_sequences",
            f"sequence:{seq_id}",
            day,
            [p["learner_id"] for p in rows],
            _actor(first, "sequence__created_by"),
            ngettext(
                "placed %(n)s learner on the class's module sequence “%(title)s”",
                "placed %(n)s learners on the class's module sequence “%(title)s”",
                len(rows),
            )
            % {"n": len(rows), "title": first["sequence__title"]},
            _link("pacing-board", first["school_class_id"]),
        )
    lo_d, hi_d = ctx.start, ctx.end + dt.timedelta(days=1)
    for o in indiv_selectors.objectives_set(s.learner_filter, lo_d, hi_d):
        ctx.add(
            "specific_objectives",
            f"objective:{o.pk}",
            o.baseline_date,
            [o.plan.learner],
            o.plan.responsible,
            gettext("set the specific objective “%(statement)s”") % {"statement": o.statement},
            _link("plan-detail", o.plan_id),
        )
    for session in indiv_selectors.sessions_logged(s.learner_filter, lo_d, hi_d):
        plan = session.support.plan
        ctx.add(
            "support_sessions",
            f"session:{session.pk}",
            session.on,
            [plan.learner],
            session.logged_by,
            ngettext(
                "logged %(n)s minute of one-on-one support (%(provider)s)",
                "logged %(n)s minutes of one-on-one support (%(provider)s)",
                session.minutes,
            )
            % {"n": session.minutes, "provider": session.support.provider},
            _link("plan-detail", plan.pk),
        )
    passes = indiv_selectors.module_passes_made(s.class_ids, s.learner_filter, ctx.lo, ctx.hi)
    for pk, at, learner_id, class_id, title in passes.values_list(
        "pk", "passed_at", "pace__learner_id", "pace__school_class_id", "module__title"
    ):
        ctx.add(
            "module_passes",
            f"pass:{pk}",
            ctx.day(at),
            [learner_id],
            ctx.name(learner_id),
            gettext("passed “%(title)s” at their own pace") % {"title": title},
            _link("pacing-board", class_id),
        )


def _personalization(ctx: _Ctx) -> None:
    s = ctx.scope
    ids = s.learner_filter
    # Rows as values, not model objects (see ``_individualization``).
    profiles = p13n_selectors.profiles_updated(ids, ctx.lo, ctx.hi)
    # Each sentence is translated once, not once per row (issue #18).
    filled_in = gettext("filled in their learner profile")
    for pk, learner_id, at in profiles.values_list("pk", "learner_id", "updated_at"):
        ctx.add(
            "profile_updates",
            f"profile:{pk}",
            ctx.day(at),
            [learner_id],
            ctx.name(learner_id),
            filled_in,
            _link("personalization:learner-profile", learner_id),
        )
    choices = p13n_selectors.path_choices_made(ids, ctx.lo, ctx.hi).values(
        "pk",
        "learner_id",
        "at",
        "chosen_by",
        "competency__code",
        "resource_id",
        "resource__title",
        *_person("chosen_by_user"),
    )
    with_title = gettext("%(code)s with “%(title)s”")
    chose = gettext("chose to work on %(what)s")
    chose_resource = gettext("chose the resource “%(title)s” for %(code)s")
    set_path = gettext("set %(learner)s's path to %(what)s")
    set_resource = gettext("chose the resource “%(title)s” on %(code)s for %(learner)s")
    for c in choices:
        learner_id, code, resource = c["learner_id"], c["competency__code"], c["resource__title"]
        day, url = ctx.day(c["at"]), _link("personalization:learner-path", learner_id)
        has_resource = c["resource_id"] is not None
        what = with_title % {"code": code, "title": resource} if has_resource else code
        if c["chosen_by"] == "learner":
            ctx.add(
                "learner_paths",
                f"path:{c['pk']}",
                day,
                [learner_id],
                ctx.name(learner_id),
                chose % {"what": what},
                url,
            )
            if has_resource:
                ctx.add(
                    "learner_resources",
                    f"path:{c['pk']}",
                    day,
                    [learner_id],
                    ctx.name(learner_id),
                    chose_resource % {"title": resource, "code": code},
                    url,
                )
            continue
        teacher = _actor(c, "chosen_by_user")
        ctx.add(
            "teacher_paths",
            f"path:{c['pk']}",
            day,
            [learner_id],
            teacher,
            set_path % {"learner": ctx.name(learner_id), "what": what},
            url,
        )
        if has_resource:
            ctx.add(
                "teacher_resources",
                f"path:{c['pk']}",
                day,
                [learner_id],
                teacher,
                set_resource % {"title": resource, "code": code, "learner": ctx.name(learner_id)},
                url,
            )
    proposals = p13n_selectors.proposals_made(s.class_ids, ids, ctx.lo, ctx.hi)
    proposed = gettext("proposed how to show mastery for “%(title)s”")
    for pk, learner_id, at, title in proposals.values_list(
        "pk", "learner_id", "created_at", "choice__title"
    ):
        ctx.add(
            "proposals",
            f"proposal:{pk}",
            ctx.day(at),
            [learner_id],
            ctx.name(learner_id),
            proposed % {"title": title},
            _link("personalization:proposal-detail", pk),
        )
    goals = p13n_selectors.goals_set(ids, ctx.lo, ctx.hi)
    own_goal = gettext("set the goal “%(title)s”")
    their_goal = gettext("set the goal “%(title)s” for %(learner)s")
    for goal in goals.values("pk", "learner_id", "title", "created_at", *_person("set_by")):
        learner_id = goal["learner_id"]
        own = goal["set_by"] == learner_id
        ctx.add(
            "learner_goals" if own else "teacher_goals",
            f"goal:{goal['pk']}",
            ctx.day(goal["created_at"]),
            [learner_id],
            _actor(goal, "set_by"),
            (own_goal if own else their_goal)
            % {"title": goal["title"], "learner": ctx.name(learner_id)},
            _link("personalization:goal-detail", goal["pk"]),
        )
    teaches = people_selectors.teacher_learner_pairs(ids)
    helps = p13n_selectors.help_requests_sent(ids, ctx.lo, ctx.hi)
    # The recipients in one query of the link table (as the prefetch did),
    # with the columns of their names only.
    recipients: dict[int, list[tuple[int, str]]] = {}
    links = helps.model.recipients.through.objects.filter(helprequest__in=helps.values("pk"))
    for link in links.values("helprequest_id", "user_id", *_person("user")):
        recipients.setdefault(link["helprequest_id"], []).append(
            (link["user_id"], _actor(link, "user") or "")
        )
    nobody = gettext("nobody")
    asked = gettext("asked %(names)s for help (one request): “%(message)s”")
    for pk, learner_id, message, at in helps.values_list(
        "pk", "learner_id", "message", "created_at"
    ):
        sent_to = recipients.get(pk, [])
        to_teacher = bool(sent_to) and all((r, learner_id) in teaches for r, _ in sent_to)
        names = ", ".join(sorted(name for _, name in sent_to)) or nobody
        ctx.add(
            "help_to_teacher" if to_teacher else "help_to_network",
            f"help:{pk}",
            ctx.day(at),
            [learner_id],
            ctx.name(learner_id),
            asked % {"names": names, "message": message[:60]},
            _link("learner-detail", learner_id),
        )
    added = p13n_selectors.network_added(ids, ctx.lo, ctx.hi)
    kinds = dict(added.model._meta.get_field("kind").flatchoices)
    added_member = gettext("added %(member)s to their network (%(kind)s), who accepted")
    for nm in added.values(
        "pk", "learner_id", "kind", "accepted_at", "created_at", *_person("member")
    ):
        ctx.add(
            "network_added",
            f"network:{nm['pk']}",
            ctx.day(nm["accepted_at"] or nm["created_at"]),
            [nm["learner_id"]],
            ctx.name(nm["learner_id"]),
            added_member
            % {
                "member": _actor(nm, "member"),
                "kind": str(kinds.get(nm["kind"], nm["kind"])).lower(),
            },
            _link("learner-detail", nm["learner_id"]),
        )
    met_benchmark = gettext("met the benchmark “%(benchmark)s” of their goal “%(goal)s”")
    for met in p13n_selectors.benchmarks_met_rows(ids, ctx.end):
        ctx.add(
            "benchmarks_met",
            f"benchmark:{met.benchmark_id}",
            met.on,
            [met.learner_id],
            ctx.name(met.learner_id),
            met_benchmark % {"benchmark": met.description, "goal": met.goal_title},
            _link("personalization:goal-detail", met.goal_id),
        )
    checkins = p13n_selectors.checkins_made(ids, ctx.start, ctx.end + dt.timedelta(days=1))
    checked_in = gettext("checked in on the goal “%(title)s” (%(percent)s%%)")
    for ci in checkins.values(
        "pk",
        "on",
        "progress",
        "goal_id",
        "goal__learner_id",
        "goal__title",
        *_person("recorded_by"),
    ):
        ctx.add(
            "goal_checkins",
            f"checkin:{ci['pk']}",
            ci["on"],
            [ci["goal__learner_id"]],
            _actor(ci, "recorded_by"),
            checked_in % {"title": ci["goal__title"], "percent": round(100 * ci["progress"])},
            _link("personalization:goal-detail", ci["goal_id"]),
        )
    reflected = gettext("wrote a reflection on their work")
    for r in p13n_selectors.reflections_made(ids, ctx.lo, ctx.hi):
        ctx.add(
            "reflections",
            f"reflection:{r.pk}",
            ctx.day(r.created_at),
            [r.learner_id],
            ctx.name(r.learner_id),
            reflected,
            _link("personalization:learner-reflections", r.learner_id),
        )


GATHERERS: tuple[Callable[[_Ctx], object], ...] = (_individualization, _personalization)


def gather_records(scope: Scope, start: dt.date, end: dt.date) -> dict[str, list[Record]]:
    """Every record in scope and range, by source key (every key present)."""
    lo, hi = bounds(start, end)
    ctx = _Ctx(scope, start, end, lo, hi, names=people_selectors.names_of(scope.learner_filter))
    groupings = _differentiation(ctx)
    _assessments(ctx, groupings)
    for gather in GATHERERS:
        gather(ctx)
    return {key: ctx.out.get(key, []) for key in SOURCE_BY_KEY}


def facts_of(records: dict[str, list[Record]]) -> list[DayFact]:
    """One fact per learner a record governed on its day."""
    return [
        DayFact(key, learner, r.day, r.decision)
        for key, rows in records.items()
        for r in rows
        for learner in sorted(r.learner_ids)
    ]


#: What each kind of record is, for the records page and the about page.
RECORD_NOTES: dict[str, str] = {
    "class_assessments": _(
        "Assessments given to the whole class (no group or learner targets): "
        "the same design, objectives and material for everyone, moving the class on by the "
        "calendar; they govern the day of every enrolled learner unless something more specific "
        "did."
    ),
    "class_sequences": _(
        "Learners placed on the class's default module sequence: one decision "
        "for the class, not one sequence per learner."
    ),
    "lesson_objectives": _("Each grouping's lesson objective, the same for the whole class."),
    "groupings": _(
        "Groupings made by readiness, interest or profile; each governs its members' day."
    ),
    "group_plans": _("Group plans (content, process, product, affect per group)."),
    "group_resources": _("Group plan entries that give a group resources."),
    "group_supports": _("Group plan entries with support notes for the group."),
    "group_lessons": _("Groups moved on to the lesson of their grouping."),
    "regrouping_checks": format_lazy(
        _(
            "FOR checks used in a group plan or followed by a grouping of the class within {days} days."
        ),
        days=REGROUP_DAYS,
    ),
    "individual_plans": _(
        "Individual plans written or revised; several saves on one day are one "
        "plan that day (versions are history)."
    ),
    "individual_sequences": _(
        "Module sequences (not the class default) a teacher set for one learner."
    ),
    "specific_objectives": _("Specific objectives in individual plans, on their baseline date."),
    "teacher_goals": _("Goals a teacher set for a learner."),
    "teacher_resources": _("Resources a teacher chose for one learner."),
    "teacher_paths": _("Path choices a teacher made for one learner."),
    "support_sessions": _("Logged one-on-one support sessions."),
    "help_to_teacher": _(
        "Help requests sent only to the learner's teachers (one request, "
        "whatever the number of recipients)."
    ),
    "module_passes": _("Modules passed in a sequence, at the learner's own pace."),
    "plan_checks": _("OF checks on a competency of the learner's plan objectives or modules."),
    "profile_updates": _("Learner profiles the learner filled in or updated."),
    "learner_paths": _("Path choices the learner made."),
    "proposals": _("Proposals a learner made for showing mastery."),
    "learner_goals": _("Goals the learner set."),
    "learner_resources": _("Resources the learner chose."),
    "help_to_network": _(
        "Help requests that reached someone other than the learner's teachers "
        "(one request, whatever the number of recipients)."
    ),
    "network_added": _(
        "People who accepted a place in a learner's network (on the day they accepted)."
    ),
    "benchmarks_met": _(
        "Benchmarks met, once, on the check-in where the learner rated them full "
        "or their competency had reached the mastered level; they stay met."
    ),
    "goal_checkins": _("Check-ins on the learner's goals (assessment AS learning)."),
    "reflections": _("Reflections on their work (assessment AS learning)."),
}
