from django.urls import path

from wijkverband.dashboard import views

urlpatterns = [
    path("r/<slug:region_slug>/dashboard/", views.region_dashboard, name="region_dashboard"),
    path("r/<slug:region_slug>/dashboard/report/", views.region_report, name="region_report"),
    path(
        "r/<slug:region_slug>/dashboard/<slug:table>.<str:fmt>",
        views.region_dashboard_export,
        name="region_dashboard_export",
    ),
]
