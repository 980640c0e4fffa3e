from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (`manage.py seed_demo`): the top layer, the only app that knows every feature."""

    name = "wijkverband.demo"
    label = "demo"
    verbose_name = "Demo data"
