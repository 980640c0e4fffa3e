from django.urls import path

from wijkverband.mywork import views

urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("my-work/count/", views.my_work_count, name="my_work_count"),
    path("t/<slug:team_slug>/my-work/endorse/<str:agreement_id>/", views.my_work_endorse, name="my_work_endorse"),
    path(
        "t/<slug:team_slug>/my-work/own/<str:bottleneck_id>/<slug:answer>/",
        views.my_work_ownership,
        name="my_work_ownership",
    ),
    path(
        "t/<slug:team_slug>/my-work/confirm/<str:thread_id>/<str:message_id>/",
        views.my_work_confirm,
        name="my_work_confirm",
    ),
]
