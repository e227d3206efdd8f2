from django.urls import path

from trellis.interop import views

urlpatterns = [
    path("interop/oneroster/", views.oneroster_import, name="oneroster-import"),
    path("interop/oneroster/confirm/", views.oneroster_confirm, name="oneroster-confirm"),
    path("interop/oneroster/export/", views.oneroster_export, name="oneroster-export"),
]
