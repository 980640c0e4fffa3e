"""On the home screen: the web app manifest that lets a phone (or a desktop browser) install
Wijkverband as an app, its icons, and the unread count before the page's title, as chat apps
show it. The browser's own verdict (installable, no manifest errors) is in
tests/browser/test_phone_layout.py; the title following live in tests/browser/test_threads_live.py."""

import json
import re
import struct

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from tests.work.test_digests import notice
from wijkverband.work.models import Notice


def _manifest(client: Client) -> dict:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def _png_size(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200, url
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", url
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("persona", ["anonymous", "maarten", "olga", "rosa"])
def test_the_manifest_installs_the_app_at_its_start_page_for_anyone(world, client_for, persona):
    """A browser fetches it whoever is signed in (or nobody): it names the app and nothing of anyone."""
    manifest = _manifest(client_for(persona))
    assert manifest["name"] == manifest["short_name"] == "Wijkverband"
    assert manifest["description"] == "De gezamenlijke werkplek van een hecht wijkverband."
    assert manifest["lang"] == "nl"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert resolve(manifest["start_url"]).url_name == "home"
    # Long-pressing the icon: the three places people check, each one of our pages.
    shortcuts = {shortcut["name"]: shortcut["url"] for shortcut in manifest["shortcuts"]}
    assert shortcuts == {"Mijn werk": "/my-work/", "Meldingen": "/notifications/", "Zoeken": "/search/"}
    assert {resolve(url).url_name for url in shortcuts.values()} == {"my_work", "notification_list", "search"}
    text = json.dumps(manifest)
    for person in ("maarten", "Maarten", "Utrecht Oost", "olga", "rosa"):
        assert person not in text


def test_every_icon_the_manifest_names_is_there_at_its_size(db):
    client = Client()
    icons = _manifest(client)["icons"]
    purposes = {icon["purpose"] for icon in icons}
    assert purposes == {"any", "maskable"}
    for icon in icons:
        if icon["type"] == "image/svg+xml":
            assert icon["sizes"] == "any" and client.get(icon["src"]).status_code == 200
            continue
        width, height = (int(side) for side in icon["sizes"].split("x"))
        assert _png_size(client, icon["src"]) == (width, height), icon
    # What Android asks of an installable app: a 192 and a 512 px icon, and one it may cut to its shape.
    png = {(icon["sizes"], icon["purpose"]) for icon in icons if icon["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= png


def test_the_manifest_is_in_the_language_chosen_and_takes_only_a_get(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    manifest = _manifest(client)
    assert manifest["lang"] == "en"
    assert manifest["description"] == "The shared workplace of a neighbourhood care team."
    assert [shortcut["name"] for shortcut in manifest["shortcuts"]] == ["My work", "Notifications", "Search"]
    assert Client().head("/manifest.webmanifest").status_code == 200
    assert Client().post("/manifest.webmanifest").status_code == 405


@pytest.mark.parametrize("persona", ["anonymous", "maarten"])
def test_every_page_names_the_manifest_the_icon_for_ios_and_the_headers_colour(world, client_for, persona):
    client = client_for(persona)
    page = client.get("/" if persona != "anonymous" else "/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in page
    theme = re.search(r'<meta name="theme-color" content="(#[0-9a-f]{6})">', page).group(1)
    assert theme == _manifest(client)["theme_color"]
    # The header's own colour (theme.css), so the phone's status bar runs on into it.
    assert f"--wv-brand: {theme};" in (settings.BASE_DIR / "frontend/static/wijkverband/css/theme.css").read_text()
    apple = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page).group(1)
    assert _png_size(client, apple) == (180, 180)
    # iOS names the icon after this, not after the title, which may start with a count ("(3) Start").
    assert '<meta name="apple-mobile-web-app-title" content="Wijkverband">' in page


def _title(client: Client, url: str) -> str:
    return re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1).strip()


def test_the_title_starts_with_the_unread_count_and_loses_it_once_read(world, client_for):
    client = client_for("maarten")
    assert _title(client, "/t/oost/") == "Utrecht Oost · Wijkverband"
    notice(world, world.maarten, title="Medicatieoverdracht", n=1)
    notice(world, world.maarten, title="Huisbezoeken", n=2)
    assert _title(client, "/t/oost/") == "(2) Utrecht Oost · Wijkverband"
    assert _title(client, "/notifications/") == "(2) Meldingen · Wijkverband"
    # Someone else's notices are not counted in their title, nor is anything before sign-in.
    assert _title(client_for("carla"), "/t/oost/") == "Utrecht Oost · Wijkverband"
    assert _title(Client(), "/accounts/login/") == "Aanmelden · Wijkverband"
    Notice.objects.across_teams().filter(user=world.maarten).update(read_at=world.maarten.date_joined)
    assert _title(client, "/t/oost/") == "Utrecht Oost · Wijkverband"


def test_the_count_stands_before_an_error_in_the_title(world, client_for):
    notice(world, world.maarten, n=1)
    page = client_for("maarten").post("/t/oost/bottlenecks/new/", {"title": ""}).content.decode()
    assert re.search(r"<title>\(1\) Fout: ", page)
