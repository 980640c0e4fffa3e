"""System checks of work's settings (run by migrate, runserver, qcluster, seed_demo, check)."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def site_url_is_absolute(app_configs=None, **kwargs):
    """Links in e-mails start with SITE_URL (the worker has no request): it must be absolute."""
    from wijkverband.core.links import site_url

    try:
        site_url()
    except ImproperlyConfigured as problem:
        return [
            Error(
                str(problem),
                hint="Set SITE_URL to the address people open, such as https://wijkverband.example.nl.",
                id="work.E001",
            )
        ]
    return []
