from django.contrib.auth import views as auth_views
from django.urls import path

from trellis.people import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("classes/<int:class_id>/", views.class_detail, name="class-detail"),
    path("learners/<int:learner_id>/", views.learner_detail, name="learner-detail"),
    path("schools/<int:school_id>/", views.school_detail, name="school-detail"),
]
