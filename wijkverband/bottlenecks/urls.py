from django.urls import path

from wijkverband.bottlenecks import views

urlpatterns = [
    path("t/<slug:team_slug>/bottlenecks/", views.bottleneck_list, name="bottleneck_list"),
    path("t/<slug:team_slug>/bottlenecks/export.<str:fmt>", views.bottleneck_export, name="bottleneck_export"),
    path("t/<slug:team_slug>/bottlenecks/new/", views.bottleneck_create, name="bottleneck_create"),
    path("t/<slug:team_slug>/bottlenecks/settings/", views.bottleneck_settings, name="bottleneck_settings"),
    path(
        "t/<slug:team_slug>/bottlenecks/settings/categories/",
        views.bottleneck_category_add,
        name="bottleneck_category_add",
    ),
    path("t/<slug:team_slug>/bottlenecks/<str:bottleneck_id>/", views.bottleneck_detail, name="bottleneck_detail"),
    path("t/<slug:team_slug>/bottlenecks/<str:bottleneck_id>/edit/", views.bottleneck_edit, name="bottleneck_edit"),
    path(
        "t/<slug:team_slug>/bottlenecks/<str:bottleneck_id>/do/<slug:action>/",
        views.bottleneck_action,
        name="bottleneck_action",
    ),
    path("r/<slug:region_slug>/bottlenecks/escalations/", views.region_escalations, name="region_escalations"),
    path("r/<slug:region_slug>/bottlenecks/patterns/", views.region_patterns, name="region_patterns"),
    path(
        "r/<slug:region_slug>/bottlenecks/<str:bottleneck_id>/do/<slug:action>/",
        views.region_bottleneck_action,
        name="region_bottleneck_action",
    ),
]
