from django.urls import path

from wijkverband.tenancy import views

urlpatterns = [
    path("t/<slug:team_slug>/", views.team_home, name="team_home"),
    path("t/<slug:team_slug>/members/", views.team_members, name="team_members"),
    path("t/<slug:team_slug>/members/invite/", views.member_invite, name="member_invite"),
    path("t/<slug:team_slug>/members/leave/", views.member_leave, name="member_leave"),
    path("t/<slug:team_slug>/members/<str:membership_id>/role/", views.member_change_role, name="member_change_role"),
    path("t/<slug:team_slug>/members/<str:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "t/<slug:team_slug>/invitations/<str:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("r/<slug:region_slug>/", views.region_home, name="region_home"),
    path("r/<slug:region_slug>/teams/new/", views.team_create, name="team_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
