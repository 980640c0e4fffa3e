from django.urls import path

from wijkverband.lookup import views

urlpatterns = [
    path("postcode/", views.postcode_lookup, name="postcode_lookup"),
    path("r/<slug:region_slug>/postcode-areas/", views.region_areas, name="region_postcode_areas"),
    path("r/<slug:region_slug>/postcode-areas/sharing/", views.region_area_sharing, name="region_area_sharing"),
    path("r/<slug:region_slug>/postcode-areas/<str:team_id>/", views.team_areas_edit, name="team_postcode_areas"),
]
