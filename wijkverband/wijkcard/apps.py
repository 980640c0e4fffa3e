from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WijkCardConfig(AppConfig):
    name = "wijkverband.wijkcard"
    label = "wijkcard"
    verbose_name = _("Wijk card")
