from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "wijkverband.realtime"
    label = "realtime"
    verbose_name = "Real time"

    def ready(self):
        from wijkverband.realtime import signals  # noqa: F401 - connects user_logged_out
