from django.urls import path

from trellis.family import views

urlpatterns = [
    path("family/children/", views.family_home, name="family"),
    path("family/children/<int:child_id>/", views.family_child, name="family-child"),
    path("family/children/<int:child_id>/live/", views.family_child_live, name="family-live"),
    path("family/digest/", views.digest_preference, name="family-digest"),
]
