from django.urls import path

from wijkverband.signals import views

S = "t/<slug:team_slug>/signals/"
ONE = S + "<str:signal_id>/"

urlpatterns = [
    path(S, views.signal_list, name="signal_list"),
    path(S + "new/", views.signal_create, name="signal_create"),
    path(ONE, views.signal_detail, name="signal_detail"),
    path(ONE + "answer/", views.signal_answer, name="signal_answer"),
    path(ONE + "review/", views.signal_review, name="signal_review"),
    path(ONE + "bottleneck/", views.signal_bottleneck, name="signal_bottleneck"),
    path("r/<slug:region_slug>/signals/", views.region_signals, name="region_signals"),
]
