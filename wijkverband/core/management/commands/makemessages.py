"""`makemessages` that keeps each app's strings in the app's own catalogue.

The templates live under `frontend/templates/<app>/`, outside the apps, so Django's command puts
their strings in the root `locale/` (the nearest locale directory above the file). Ours belong
to the app that renders them: `frontend/templates/threads/...` → `wijkverband/threads/locale/`,
when that app has a catalogue. Templates of apps without one (core, tenancy, allauth, the base
layout) stay in the root catalogue, as before.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

TEMPLATES_DIR = Path(settings.BASE_DIR) / "frontend" / "templates"
APPS_DIR = Path(settings.BASE_DIR) / "wijkverband"


def app_locale_dir(dirpath) -> str | None:
    """The app catalogue for a file under frontend/templates/<app>/, or None."""
    try:
        relative = Path(dirpath).resolve().relative_to(TEMPLATES_DIR.resolve())
    except ValueError:
        return None
    if not relative.parts:
        return None
    locale = APPS_DIR / relative.parts[0] / "locale"
    return str(locale) if locale.is_dir() else None


class Command(makemessages.Command):
    def find_files(self, root):
        files = super().find_files(root)
        for translatable in files:
            locale_dir = app_locale_dir(translatable.dirpath)
            if locale_dir is not None:
                translatable.locale_dir = locale_dir
        return files
