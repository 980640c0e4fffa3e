from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "wijkverband.signals"
    label = "signals"
    verbose_name = _("Signals")

    def ready(self):
        from wijkverband.signals.notices import signal_name
        from wijkverband.signals.panels import register
        from wijkverband.work.models import SubjectKind
        from wijkverband.work.serialise import register_subject_title

        register()
        register_subject_title(SubjectKind.SIGNAL, signal_name)
