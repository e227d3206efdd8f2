from django.contrib import admin
from django.urls import include, path

from trellis.api.main import api

admin.site.site_header = "Trellis administration"
admin.site.site_title = "Trellis"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("trellis.individualization.urls")),
    path("", include("trellis.personalization.urls")),
    path("", include("trellis.differentiation.urls")),
    path("", include("trellis.reports.urls")),
    path("", include("trellis.family.urls")),
    path("", include("trellis.people.urls")),
    path("", include("trellis.interop.urls")),
    path("", include("trellis.curriculum.urls")),
    path("", include("trellis.evidence.urls")),
    path("", include("trellis.jobs.urls")),
]
