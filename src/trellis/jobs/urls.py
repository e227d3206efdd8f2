from django.urls import path

from trellis.jobs import views

urlpatterns = [
    path("tasks/<uuid:run_id>/", views.task_run, name="task-run"),
    path("healthz", views.healthz, name="healthz"),
]
