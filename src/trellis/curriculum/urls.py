from django.urls import path

from trellis.curriculum import views

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework-list"),
    path("frameworks/<int:framework_id>/", views.framework_detail, name="framework-detail"),
    path("frameworks/<int:framework_id>/case.json", views.framework_case, name="framework-case"),
    path(
        "schools/<int:school_id>/frameworks/import/",
        views.framework_import,
        name="framework-import",
    ),
    path("items/", views.item_list, name="item-list"),
    path("items/new/", views.item_create, name="item-create"),
    path("resources/new/", views.resource_create, name="resource-create"),
]
