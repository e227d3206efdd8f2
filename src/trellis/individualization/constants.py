"""The accommodations and measurement methods the system knows, the kinds
of support and the ways a plan is read, with the error messages tests
reuse. Kept free of Django models so that the curriculum and evidence hooks
can import it without cycles, and so that other apps (the API, family, the
demo) name these values without importing individualization's tables."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from trellis.curriculum.presentation import REDUCED_CHOICES

EXTENDED_TIME = "extended-time"
READ_ALOUD = "read-aloud"
LARGE_PRINT = "large-print"
HIGH_CONTRAST = "high-contrast"

#: Every accommodation the platform applies, in the order pages list them.
ACCOMMODATIONS: dict[str, str] = {
    EXTENDED_TIME: _("Extended time (time limits multiplied)"),
    READ_ALOUD: _("Read aloud (a button reads each question)"),
    REDUCED_CHOICES: _("Reduced answer choices (removable distractors hidden)"),
    LARGE_PRINT: _("Large print"),
    HIGH_CONTRAST: _("High contrast"),
}
#: Accommodations that change the whole page: the body class they add.
BODY_CLASSES: dict[str, str] = {LARGE_PRINT: "large-print", HIGH_CONTRAST: "high-contrast"}
DEFAULT_TIME_MULTIPLIER = 1.5
MAX_TIME_MULTIPLIER = 4.0

# How progress on a specific objective is measured.
METHOD_PROBABILITY = "mastery_probability"
METHOD_PERCENT = "percent_correct"
METHOD_MANUAL = "teacher_measure"
METHODS = [
    (METHOD_PROBABILITY, _("Mastery probability (0 to 1, from the evidence)")),
    (METHOD_PERCENT, _("Percent correct on checks (0 to 100)")),
    (METHOD_MANUAL, _("A count or score the teacher enters")),
]
#: (low, high) bounds a baseline and a target must lie in for each method.
METHOD_RANGES: dict[str, tuple[float, float | None]] = {
    METHOD_PROBABILITY: (0.0, 1.0),
    METHOD_PERCENT: (0.0, 100.0),
    METHOD_MANUAL: (0.0, None),
}

UNKNOWN_ACCOMMODATION = _("Unknown accommodation {value!r}; use one of: {choices}.")
NOT_MEASURABLE = _(
    "A {what} of {value:g} cannot be measured by {method}: it must lie between {low:g} and {high}."
)
TARGET_BEFORE_BASELINE = _("The target date must be after the baseline date.")
REASON_REQUIRED = _("Say why the plan is changing: a reason is required for every change.")
MULTIPLIER_RANGE = _("The extended-time multiplier must be between 1 and {high:g}.")
LEARNER_NOT_IN_SCHOOL_CLASS = _("There is no learner with id {id} in a class you teach.")
ONE_ACTIVE_PLAN = _("{learner} already has an active plan; change it instead of writing a second.")
NEEDS_COMPETENCY = _("Tie the objective to at least one competency.")
#: Also the answer for an id that names no competency at all.
COMPETENCY_ELSEWHERE = _("There is no competency with id {id} in this school's frameworks.")
MANUAL_ONLY = _("Measurements are entered by hand only for objectives measured by the teacher.")
MINUTES_POSITIVE = _("Minutes must be more than 0.")
UNKNOWN_METHOD = _("Unknown measurement method {value!r}; use one of: {choices}.")
UNKNOWN_SUPPORT_KIND = _("Unknown kind of support {value!r}; use one of: {choices}.")
METHOD_LOCKED = _(
    "This objective has {count} measurement(s) entered by hand, so it stays measured by the"
    " teacher; add a new objective to measure progress another way."
)
REVIEW_DATE_FORMAT = _("Review date {value!r} is not a date (use YYYY-MM-DD).")


#: Kinds of planned support (``Support.kind``).
ONE_ON_ONE = "one_on_one"
SMALL_GROUP = "small_group"

#: How a plan was read (``PlanReadLog.via``): on a page or through the API.
VIA_PAGE = "page"
VIA_API = "api"

#: The reason kept with a plan's first version: stored in English as
#: written, shown in the reader's language (``IndividualPlanVersion.reason_said``).
FIRST_VERSION_REASON = gettext_noop("Plan written.")
#: Who saved a version whose account has since been deleted.
DELETED_ACCOUNT = gettext_noop("A deleted account")
