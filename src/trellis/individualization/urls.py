from django.urls import path

from trellis.individualization.views import pacing, plans

urlpatterns = [
    path("plans/", plans.plan_list, name="plan-list"),
    path("learners/<int:learner_id>/plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/objectives/new/", plans.objective_add, name="objective-add"),
    path("plans/<int:plan_id>/supports/new/", plans.support_add, name="support-add"),
    path("plans/<int:plan_id>/reads/", plans.plan_reads, name="plan-reads"),
    path("supports/<int:support_id>/sessions/", plans.session_log, name="session-log"),
    path("supports/<int:support_id>/edit/", plans.support_edit, name="support-edit"),
    path("supports/<int:support_id>/delete/", plans.support_delete, name="support-delete"),
    path("objectives/<int:objective_id>/edit/", plans.objective_edit, name="objective-edit"),
    path("objectives/<int:objective_id>/delete/", plans.objective_delete, name="objective-delete"),
    path(
        "objectives/<int:objective_id>/measurements/", plans.measurement_add, name="measurement-add"
    ),
    path("learners/<int:learner_id>/reports/new/", plans.report_create, name="report-create"),
    path("reports/<int:report_id>/", plans.report_detail, name="report-detail"),
    path("reports/<int:report_id>/share/", plans.report_share, name="report-share"),
    path("classes/<int:class_id>/modules/", pacing.pacing_board, name="pacing-board"),
    path(
        "classes/<int:class_id>/modules/sequences/", pacing.sequence_create, name="sequence-create"
    ),
    path("classes/<int:class_id>/modules/place/", pacing.pace_place, name="pace-place"),
    path("sequences/<int:sequence_id>/modules/new/", pacing.module_add, name="module-add"),
    path("modules/<int:module_id>/edit/", pacing.module_edit, name="module-edit"),
    path("modules/mine/", pacing.my_modules, name="my-modules"),
]
