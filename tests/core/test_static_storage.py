"""The production static files (STATIC_MANIFEST=true): our modules import each other by hashed name."""

import json
import re
from pathlib import Path

from django.core.management import call_command
from django.test import Client, override_settings


def test_collectstatic_points_our_modules_at_the_hashed_files_they_import(db, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "wijkverband.core.storage.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)  # the packages' scripts do not stop it
    js = Path(tmp_path, "wijkverband", "js")
    reconnect = [p.name for p in js.glob("reconnect.*.js")]
    assert len(reconnect) == 1, reconnect
    for client in ("app", "threads", "thread_list"):
        (hashed,) = [p for p in js.glob(f"{client}.*.js") if re.fullmatch(rf"{client}\.[0-9a-f]{{12}}\.js", p.name)]
        assert f'from "./{reconnect[0]}";' in hashed.read_text()
    # The web app manifest names its icons by their hashed names too, each one collected.
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        manifest = json.loads(Client().get("/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/static/")
        assert re.search(r"\.[0-9a-f]{12}\.(png|svg)$", name) and Path(tmp_path, name).is_file(), icon
