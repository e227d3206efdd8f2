from django.urls import path

from trellis.personalization.views import goals, misc, profile, proposals

app_name = "personalization"

urlpatterns = [
    path("profile/", profile.my_profile, name="profile"),
    path("learners/<int:learner_id>/profile/", profile.learner_profile, name="learner-profile"),
    path("goals/", goals.my_goals, name="goals"),
    path("goals/<int:goal_id>/", goals.goal_detail, name="goal-detail"),
    path("goals/<int:goal_id>/edit/", goals.goal_edit, name="goal-edit"),
    path("learners/<int:learner_id>/goals/", goals.learner_goals, name="learner-goals"),
    path("guidance/", proposals.guidance, name="guidance"),
    path("family/", proposals.family, name="family"),
    path("choices/", proposals.choice_list, name="choices"),
    path("classes/<int:class_id>/choices/new/", proposals.choice_create, name="choice-create"),
    path("choices/<int:choice_id>/", proposals.choice_detail, name="choice-detail"),
    path("proposals/<int:proposal_id>/", proposals.proposal_detail, name="proposal-detail"),
    path("reflections/", misc.my_reflections, name="reflections"),
    path("responses/<int:response_id>/reflect/", misc.reflect, name="reflect"),
    path(
        "learners/<int:learner_id>/reflections/",
        misc.learner_reflections,
        name="learner-reflections",
    ),
    path("path/", misc.my_path, name="path"),
    path("learners/<int:learner_id>/path/", misc.learner_path, name="learner-path"),
    path("portfolio/", misc.my_portfolio, name="portfolio"),
    path("learners/<int:learner_id>/portfolio/", misc.learner_portfolio, name="learner-portfolio"),
    path("portfolio/<int:entry_id>/file/", misc.entry_file, name="entry-file"),
    path("portfolio/<int:entry_id>/feedback/", misc.entry_feedback, name="entry-feedback"),
    path("network/", misc.network, name="network"),
    path("help/<int:request_id>/", misc.help_detail, name="help-detail"),
    path("learners/<int:learner_id>/help/", misc.learner_help, name="learner-help"),
    path(
        "experts/welcome/<uidb64>/<token>/",
        misc.ExpertWelcomeView.as_view(),
        name="expert-welcome",
    ),
    path("notifications/", misc.notifications, name="notifications"),
    path("notifications/count/", misc.notification_count, name="notification-count"),
]
