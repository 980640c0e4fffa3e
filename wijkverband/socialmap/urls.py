from django.urls import path

from wijkverband.socialmap import views

# The same pages for a team's kaart and the region's (views.Page).
PAGES = [
    ("", views.team_list, views.region_list, "list"),
    ("export.csv", views.team_export, views.region_export, "export"),
    ("import/", views.team_import, views.region_import, "import"),
    ("new/", views.team_create, views.region_create, "create"),
    ("<str:entry_id>/", views.team_detail, views.region_detail, "detail"),
    ("<str:entry_id>/edit/", views.team_edit, views.region_edit, "edit"),
    ("<str:entry_id>/remove/", views.team_remove, views.region_remove, "remove"),
    ("<str:entry_id>/confirm/", views.team_confirm, views.region_confirm, "confirm"),
    ("<str:entry_id>/suggest/", views.team_suggest, views.region_suggest, "suggest"),
    ("<str:entry_id>/suggestions/<str:suggestion_id>/", views.team_handle, views.region_handle, "handle"),
]

urlpatterns = [
    path(f"t/<slug:team_slug>/sociale-kaart/{route}", team, name=f"socialmap_{name}")
    for route, team, _region, name in PAGES
] + [
    path(f"r/<slug:region_slug>/sociale-kaart/{route}", region, name=f"socialmap_region_{name}")
    for route, _team, region, name in PAGES
]
