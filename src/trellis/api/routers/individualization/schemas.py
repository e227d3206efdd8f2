"""The individualization endpoints' request and response shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class PlanIn(Schema):
    learner_id: int
    title: str
    summary: str = ""
    accommodations: list[str] = []
    time_multiplier: float = 1.5
    review_dates: list[str] = []
    responsible_note: str = ""


class PlanChangeIn(Schema):
    reason: str
    title: str | None = None
    summary: str | None = None
    accommodations: list[str] | None = None
    time_multiplier: float | None = None
    review_dates: list[str] | None = None
    responsible_id: int | None = None
    responsible_note: str | None = None
    status: str | None = None


class ObjectiveIn(Schema):
    reason: str = "Objective added."
    statement: str
    competency_ids: list[int]
    method: str
    unit: str = ""
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date


class ObjectiveOut(Schema):
    id: int
    statement: str
    competency_ids: list[int]
    method: str
    unit: str
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date


class ObjectiveChangeIn(Schema):
    reason: str
    statement: str | None = None
    competency_ids: list[int] | None = None
    method: str | None = None
    unit: str | None = None
    baseline_value: float | None = None
    baseline_date: dt.date | None = None
    target_value: float | None = None
    target_date: dt.date | None = None


class ReasonIn(Schema):
    reason: str


class RemovedOut(Schema):
    plan_id: int
    version: int


class DecisionOut(Schema):
    plan_id: int
    learner_id: int
    learner: str
    objective_id: int
    statement: str
    decision: str
    message: str


class SupportIn(Schema):
    reason: str = "Support added."
    kind: str
    provider: str
    focus: str = ""
    planned_minutes_per_week: int


class SupportChangeIn(Schema):
    reason: str
    kind: str | None = None
    provider: str | None = None
    focus: str | None = None
    planned_minutes_per_week: int | None = None


class SessionIn(Schema):
    on: dt.date
    minutes: int
    note: str = ""


class SessionOut(Schema):
    id: int
    on: dt.date
    minutes: int
    note: str


class SupportOut(Schema):
    id: int
    kind: str
    provider: str
    focus: str
    planned_minutes_per_week: int
    sessions: list[SessionOut]


class PlanOut(Schema):
    id: int
    learner_id: int
    title: str
    summary: str
    accommodations: list[str]
    time_multiplier: float
    review_dates: list[str]
    responsible: str
    responsible_note: str
    status: str
    version: int
    objectives: list[ObjectiveOut] = []
    supports: list[SupportOut] = []


class PlanSummaryOut(Schema):
    id: int
    learner_id: int
    title: str
    status: str
    version: int


class VersionOut(Schema):
    number: int
    at: dt.datetime
    changed_by: str
    reason: str
    changes: list[str]
    snapshot: dict


class ReadOut(Schema):
    at: dt.datetime
    reader_id: int
    reader: str
    via: str


class PointOut(Schema):
    date: dt.date
    value: float
    aim_value: float
    behind: bool


class ProgressOut(Schema):
    objective_id: int
    points: list[PointOut]
    trend_per_week: float | None
    decision: str
    message: str
    svg: str


class MeasurementIn(Schema):
    on: dt.date
    value: float
    note: str = ""


class ReportIn(Schema):
    learner_id: int
    assessment_id: int


class ReportOut(Schema):
    id: int
    learner_id: int
    assessment_id: int
    rows: list[dict]
    shared_with_guardians_at: dt.datetime | None


class SequenceIn(Schema):
    class_id: int
    title: str
    is_default: bool = True


class ModuleIn(Schema):
    sequence_id: int
    title: str
    competency_ids: list[int]
    resource_ids: list[int] = []
    practice: str = ""
    mastery_check_id: int | None = None
    threshold: float = 0.8


class ModuleOut(Schema):
    id: int
    sequence_id: int
    position: int
    title: str
    competency_ids: list[int]
    resource_ids: list[int]
    practice: str
    mastery_check_id: int | None
    threshold: float


class SequenceOut(Schema):
    id: int
    class_id: int
    title: str
    is_default: bool
    modules: list[ModuleOut]


class ModuleChangeIn(Schema):
    title: str | None = None
    competency_ids: list[int] | None = None
    resource_ids: list[int] | None = None
    practice: str | None = None
    mastery_check_id: int | None = None
    threshold: float | None = None


class MyModuleOut(Schema):
    class_id: int
    class_name: str
    sequence_id: int
    sequence: str
    module: ModuleOut | None
    position: int | None
    of: int
    start_after: dt.date | None
    finished_at: dt.datetime | None
    passed_module_ids: list[int]


class PaceIn(Schema):
    class_id: int
    learner_id: int
    sequence_id: int
    start_after: dt.date | None = None


class PaceOut(Schema):
    learner_id: int
    learner: str
    status: str
    sequence_id: int | None
    module_id: int | None
    position: int | None
    of: int
    days_on_module: int | None
    check: str
