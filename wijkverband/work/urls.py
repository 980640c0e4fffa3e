from django.urls import path

from wijkverband.work import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("unsubscribe/<str:token>/", views.notice_unsubscribe, name="notice_unsubscribe"),
]
