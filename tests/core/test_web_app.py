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


# --- Notices on the device (sw.js; the browser's side in tests/browser/test_device_notices.py) ---


@pytest.mark.parametrize("persona", ["anonymous", "maarten", "olga", "rosa"])
def test_the_service_worker_is_served_at_the_root_for_anyone_and_only_shows_notices(world, client_for, persona):
    """At /sw.js, so that its scope is every page; public, as browsers fetch it. It shows and takes
    away the notice, opens the notifications page on a tap, and keeps nothing of a page: no fetch
    handler, no cache."""
    response = client_for(persona).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-store" in response["Cache-Control"]  # a new release's worker is the next page's
    script = response.content.decode()
    for part in ('addEventListener("message"', "showNotification(", "notice.close()", '"notificationclick"'):
        assert part in script
    assert '"fetch"' not in script and "caches." not in script
    assert Client().post("/sw.js").status_code == 405


def test_the_notifications_page_has_the_devices_section_hidden_until_its_script_shows_it(world, client_for):
    """Without JavaScript there is nothing to turn on: the section is in the page, hidden, with its
    words in the person's language (the script shows the one that fits this browser)."""
    page = client_for("maarten").get("/notifications/").content.decode()
    section = re.search(r'<section[^>]*id="device-notices"[^>]*>(.*?)</section>', page, re.S)
    assert section and " hidden" in re.search(r'<section[^>]*id="device-notices"[^>]*>', page)[0]
    for words in (
        "Op dit apparaat",
        "nooit wie of wat",
        "Staat aan op dit apparaat.",
        "Staat uit op dit apparaat.",
        "Je browser staat Wijkverband niet toe",
        "zet Wijkverband eerst op je beginscherm",
        "Aanzetten op dit apparaat",
        "Uitzetten op dit apparaat",
    ):
        assert words in section[1], words


@pytest.mark.parametrize(
    ("language", "one", "other"),
    [
        ("nl", "Je hebt 1 ongelezen melding.", "Je hebt {count} ongelezen meldingen."),
        ("en", "You have 1 unread notification.", "You have {count} unread notifications."),
    ],
)
def test_every_signed_in_page_carries_the_words_of_the_notice_and_nothing_else(world, client_for, language, one, other):
    """The notice says the count only: the words every page gives its script for it, in the person's
    language, with the app's icons (named through static()); none before sign-in."""
    client = client_for("maarten")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/").content.decode()
    assert f'data-device-notice-one="{one}"' in page
    assert f'data-device-notice-other="{other}"' in page
    icon = re.search(r'data-device-notice-icon="([^"]+)"', page)[1]
    badge = re.search(r'data-device-notice-badge="([^"]+)"', page)[1]
    assert _png_size(client, icon) == (192, 192)
    assert _png_size(client, badge) == (96, 96)
    # Whose choice "on" is in this browser (a shared computer: the next person's is their own).
    assert f'data-device-notice-for="{world.maarten.pk}"' in page
    assert "data-device-notice" not in Client().get("/accounts/login/").content.decode()
