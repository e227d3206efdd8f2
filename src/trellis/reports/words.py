"""The continuum report's words in the reader's language.

The engine (``trellis.engine.continuum``) stays free of Django and names its
rows, columns, kinds of decision and placements in English; the pages show
them through these tables, keyed by the engine's keys (or, for placements,
by the engine's own phrase), so that gettext can translate them. A test
checks that every key and every placement the engine can produce is here.

The note under the overall placement (``report_note``) and the chart's
words (``shares_words``, ``learner_days``) are rebuilt here from the
report's numbers; in English they are the engine's own sentences (a test
checks that too)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from trellis.engine.continuum import (
    COLUMNS,
    MIN_DEFINING_ROWS,
    ContinuumReport,
    Shares,
    percent_text,
)

COLUMN_TITLES: dict[str, Promise] = {
    "whole-class": _("Whole class"),
    "differentiation": _("Differentiation"),
    "individualization": _("Individualization"),
    "personalization": _("Personalization"),
}
ROW_TITLES: dict[str, Promise] = {
    "starts_with": _("Starts with"),
    "who_designs": _("Who designs"),
    "objectives": _("Objectives"),
    "resources": _("Resources and tools"),
    "support": _("Support"),
    "progress": _("Progress"),
    "assessment": _("Assessment"),
}
ROW_MEASURES: dict[str, Promise] = {
    "starts_with": _(
        "What planning started from: groups formed, an individual plan written, or a profile the learner filled in."
    ),
    "who_designs": _(
        "Who designed the learning: the teacher for the whole class, for a group, for one learner, or the learner (own path, own proposal)."
    ),
    "objectives": _(
        "Whose objectives: the same for the whole class, specific ones a teacher set for one learner, or goals the learner set."
    ),
    "resources": _(
        "Who chose the resources: the same for the whole class, the teacher for a group, the teacher for one learner, or the learner."
    ),
    "support": _(
        "Where help came from: the teacher working with a group, the teacher or an aide one-on-one, or the learner's own network."
    ),
    "progress": _(
        "What moved learners on: the class calendar, their group's next lesson, finishing a module at their own pace, or showing mastery of their own goal."
    ),
    "assessment": _(
        "What assessment was for: a test given to everyone alike, FOR data that led to regrouping, OF confirming a plan's objectives, or AS learning with goal check-ins and reflections."
    ),
}
SOURCE_LABELS: dict[str, Promise] = {
    "class_assessments": _("assessments given to the whole class"),
    "class_sequences": _("placements on the class's default module sequence"),
    "lesson_objectives": _("lesson objectives set for the whole class"),
    "groupings": _("groupings made"),
    "group_plans": _("group plans"),
    "group_resources": _("group plan entries with resources"),
    "group_supports": _("group plan entries with support notes"),
    "group_lessons": _("moves to a group's lesson"),
    "regrouping_checks": _("FOR checks that led to grouping"),
    "individual_plans": _("individual plans written or revised"),
    "individual_sequences": _("module sequences set for one learner"),
    "teacher_paths": _("paths a teacher set for one learner"),
    "specific_objectives": _("specific objectives in plans"),
    "teacher_goals": _("goals a teacher set for a learner"),
    "teacher_resources": _("resources a teacher chose for one learner"),
    "support_sessions": _("one-on-one support sessions"),
    "help_to_teacher": _("help requests to the teacher"),
    "module_passes": _("modules passed at own pace"),
    "plan_checks": _("OF checks of a plan's objectives"),
    "profile_updates": _("profiles the learner filled in"),
    "learner_paths": _("paths the learner chose"),
    "proposals": _("proposals for showing mastery"),
    "learner_goals": _("goals the learner set"),
    "learner_resources": _("resources the learner chose"),
    "help_to_network": _("help requests to the learner's network"),
    "network_added": _("people added to a learner's network"),
    "benchmarks_met": _("benchmarks met"),
    "goal_checkins": _("goal check-ins (AS learning)"),
    "reflections": _("reflections (AS learning)"),
}
PLACEMENTS: dict[str, Promise] = {
    "a mix of approaches": _("a mix of approaches"),
    "between differentiation and individualization": _(
        "between differentiation and individualization"
    ),
    "between differentiation and personalization": _("between differentiation and personalization"),
    "between individualization and personalization": _(
        "between individualization and personalization"
    ),
    "between whole-class teaching and differentiation": _(
        "between whole-class teaching and differentiation"
    ),
    "between whole-class teaching and individualization": _(
        "between whole-class teaching and individualization"
    ),
    "between whole-class teaching and personalization": _(
        "between whole-class teaching and personalization"
    ),
    "mostly differentiation": _("mostly differentiation"),
    "mostly individualization": _("mostly individualization"),
    "mostly personalization": _("mostly personalization"),
    "not enough evidence": _("not enough evidence"),
    "whole-class teaching (none of the three)": _("whole-class teaching (none of the three)"),
}


def placement(label: str) -> str:
    """The engine's placement phrase in the reader's language."""
    return str(PLACEMENTS.get(label, label))


#: Each column as a share is named ("37% differentiation").
SHARE_WORDS: dict[str, Promise] = {
    "whole-class": _("%(percent)s whole-class teaching"),
    "differentiation": _("%(percent)s differentiation"),
    "individualization": _("%(percent)s individualization"),
    "personalization": _("%(percent)s personalization"),
}


def shares_words(shares: Shares) -> str:
    """ "37% whole-class teaching, 63% differentiation, ..." in the active language."""
    return ", ".join(
        str(SHARE_WORDS[c]) % {"percent": percent_text(s)}
        for s, c in zip(shares, COLUMNS, strict=True)
    )


def learner_days(n: int) -> str:
    """ "3 learner-days" in the active language."""
    return ngettext("%(n)s learner-day", "%(n)s learner-days", n) % {"n": n}


def report_note(report: ContinuumReport) -> str:
    """The note under the overall placement: the rows it rests on and its
    shares, or why there is none."""
    placed = [r for r in report.rows if r.defining and r.shares is not None]
    missing = [r for r in report.rows if r.defining and r.shares is None]
    if report.shares is None:
        return gettext(
            "Not placed: at least %(rows)s of the four defining rows (who designs, resources, "
            "support, progress) need %(days)s learner-days of evidence; %(placed)s have."
        ) % {"rows": MIN_DEFINING_ROWS, "days": report.min_learner_days, "placed": len(placed)}
    note = gettext("Rests on %(rows)s, each counting equally: %(shares)s (%(label)s).") % {
        "rows": ", ".join(str(ROW_TITLES[r.key]) for r in placed),
        "shares": shares_words(report.shares),
        "label": placement(report.label),
    }
    if missing:
        note += " " + gettext("Not enough evidence in: %(rows)s.") % {
            "rows": ", ".join(str(ROW_TITLES[r.key]) for r in missing)
        }
    return note
