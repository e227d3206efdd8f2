from django.urls import path

from trellis.interop import data_views, views
from trellis.interop.qti import pages as qti_pages
from trellis.interop.xapi import pages as xapi_pages
from trellis.interop.xapi import views as xapi_views

urlpatterns = [
    path("interop/oneroster/", views.oneroster_import, name="oneroster-import"),
    path("interop/oneroster/confirm/", views.oneroster_confirm, name="oneroster-confirm"),
    path("interop/oneroster/export/", views.oneroster_export, name="oneroster-export"),
    path("data/", data_views.data_tools, name="data-tools"),
    path("data/exports/", data_views.data_exports, name="data-exports"),
    path("data/learners/", data_views.data_learner_records, name="data-learner-record"),
    path(
        "data/learners/<int:learner_id>/record.zip",
        data_views.data_learner_archive,
        name="data-learner-archive",
    ),
    path(
        "data/learners/<int:learner_id>/erase/",
        data_views.data_learner_erase,
        name="data-learner-erase",
    ),
    path("interop/qti/", qti_pages.qti_items, name="qti-items"),
    path("interop/qti/export/", qti_pages.qti_download, name="qti-export"),
    path("interop/datasets/", views.dataset_import, name="dataset-import"),
    path("xapi/statements", xapi_views.statements, name="xapi-statements"),
    path("interop/activity/", xapi_pages.activity_overview, name="xapi-activity-overview"),
    path(
        "interop/learners/<int:learner_id>/activity/",
        xapi_pages.learner_activity,
        name="learner-xapi-activity",
    ),
]
