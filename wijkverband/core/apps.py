from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wijkverband.core"
    label = "core"
    verbose_name = "Wijkverband"
