from django.urls import path

from wijkverband.threads import views

_thread = "t/<slug:team_slug>/threads/<str:thread_id>/"
_message = _thread + "messages/<str:message_id>/"

urlpatterns = [
    path("t/<slug:team_slug>/threads/", views.thread_list, name="thread_list"),
    path(_thread, views.thread_detail, name="thread_detail"),
    path(_thread + "post/", views.thread_post, name="thread_post"),
    path(_thread + "events/", views.thread_events, name="thread_events"),
    path(_thread + "read/", views.thread_read, name="thread_read"),
    path(_thread + "settings/", views.thread_settings, name="thread_settings"),
    path(_message + "edit/", views.message_edit, name="message_edit"),
    path(_message + "delete/", views.message_delete, name="message_delete"),
    path(_message + "redact/", views.message_redact, name="message_redact"),
    path(_message + "ack/", views.message_ack, name="message_ack"),
    path(_message + "history/", views.message_history, name="message_history"),
]
