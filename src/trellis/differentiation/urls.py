from django.urls import path

from trellis.differentiation.views import groupings, lesson, plans

urlpatterns = [
    path("differentiate/", groupings.differentiate_home, name="diff-home"),
    path("differentiate/classes/<int:class_id>/", groupings.class_grouping, name="diff-class"),
    path(
        "differentiate/classes/<int:class_id>/groupings/",
        groupings.grouping_create,
        name="diff-grouping-create",
    ),
    path(
        "differentiate/classes/<int:class_id>/history/",
        groupings.grouping_history,
        name="diff-grouping-history",
    ),
    path(
        "differentiate/classes/<int:class_id>/before/",
        lesson.before_lesson,
        name="diff-before-lesson",
    ),
    path("differentiate/classes/<int:class_id>/live/", lesson.live_view, name="diff-live-view"),
    path(
        "differentiate/classes/<int:class_id>/live/flags/",
        lesson.live_fragment,
        name="diff-live-flags",
    ),
    path(
        "differentiate/classes/<int:class_id>/live/handle/",
        lesson.live_handle,
        name="diff-live-handle",
    ),
    path(
        "differentiate/groupings/<int:grouping_id>/",
        groupings.grouping_detail,
        name="diff-grouping-detail",
    ),
    path(
        "differentiate/groupings/<int:grouping_id>/move/",
        groupings.grouping_move,
        name="diff-grouping-move",
    ),
    path(
        "differentiate/groupings/<int:grouping_id>/regroup/",
        groupings.grouping_regroup,
        name="diff-grouping-regroup",
    ),
    path("differentiate/groupings/<int:grouping_id>/plan/", plans.plan_edit, name="diff-plan-edit"),
    path("differentiate/plans/<int:plan_id>/stations/", plans.stations, name="diff-plan-stations"),
    path("my-group/", plans.my_group, name="diff-my-group"),
]
