from django.urls import path

from wijkverband.wijkcard import views

urlpatterns = [
    path("t/<slug:team_slug>/wijkkaart/", views.wijkcard, name="wijkcard"),
    path("t/<slug:team_slug>/wijkkaart/print/", views.wijkcard_print, name="wijkcard_print"),
    path("t/<slug:team_slug>/wijkkaart/export.vcf", views.wijkcard_vcard, name="wijkcard_vcard"),
    path("t/<slug:team_slug>/wijkkaart/export.csv", views.wijkcard_csv, name="wijkcard_csv"),
    path("t/<slug:team_slug>/wijkkaart/settings/", views.wijkcard_settings, name="wijkcard_settings"),
    path("t/<slug:team_slug>/wijkkaart/new/", views.wijkcard_entry_create, name="wijkcard_entry_create"),
    path("t/<slug:team_slug>/wijkkaart/<str:entry_id>/edit/", views.wijkcard_entry_edit, name="wijkcard_entry_edit"),
    path(
        "t/<slug:team_slug>/wijkkaart/<str:entry_id>/confirm/",
        views.wijkcard_entry_confirm,
        name="wijkcard_entry_confirm",
    ),
    path(
        "t/<slug:team_slug>/wijkkaart/<str:entry_id>/remove/", views.wijkcard_entry_delete, name="wijkcard_entry_delete"
    ),
    path(
        "t/<slug:team_slug>/wijkkaart/<str:entry_id>/suggest/",
        views.wijkcard_entry_suggest,
        name="wijkcard_entry_suggest",
    ),
    path(
        "t/<slug:team_slug>/wijkkaart/suggestions/<str:suggestion_id>/",
        views.wijkcard_suggestion,
        name="wijkcard_suggestion",
    ),
]
