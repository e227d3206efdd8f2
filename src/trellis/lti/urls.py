from django.urls import path

from trellis.lti import views

urlpatterns = [
    path("lti/jwks/", views.jwks, name="lti-jwks"),
    path("lti/login/", views.oidc_login, name="lti-login"),
    path("lti/launch/", views.launch, name="lti-launch"),
    path("lti/deep-link/", views.deep_link, name="lti-deep-link"),
    path("lti/platforms/", views.platform_list, name="lti-platforms"),
    path("lti/platforms/<int:platform_id>/", views.platform_edit, name="lti-platform-edit"),
    path("lti/keys/rotate/", views.key_rotate, name="lti-key-rotate"),
    path("classes/<int:class_id>/lms/", views.class_courses, name="lti-class-courses"),
]
