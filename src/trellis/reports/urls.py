from django.urls import path

from trellis.reports import views

urlpatterns = [
    path("reports/continuum/", views.continuum, name="continuum"),
    path("reports/continuum/about/", views.continuum_about, name="continuum-about"),
    path(
        "reports/continuum/records/<slug:key>/",
        views.continuum_records,
        name="continuum-records",
    ),
]
