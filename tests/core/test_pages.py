import re

from django.test import Client

from wijkverband.core.middleware import CONTENT_SECURITY_POLICY

PAGES = ["/", "/t/oost/", "/t/oost/members/invite/", "/r/utrecht/", "/r/utrecht/teams/new/"]


def test_every_page_sends_a_strict_content_security_policy(world):
    client = Client()
    client.force_login(world.ada)
    for path in PAGES + ["/accounts/login/"]:
        response = client.get(path)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_pages_contain_no_inline_script_style_or_event_handlers(world):
    client = Client()
    client.force_login(world.ada)
    anonymous = Client()
    pages = [client.get(path) for path in PAGES] + [anonymous.get("/accounts/login/")]
    for response in pages:
        html = response.content.decode()
        for match in re.finditer(r"<script\b([^>]*)>", html):
            attributes = match.group(1)
            assert "src=" in attributes or 'type="application/json"' in attributes, match.group(0)
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)


def test_the_interface_is_dutch_first_even_for_an_english_browser(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    client.force_login(world.maarten)
    response = client.get("/t/oost/")
    assert '<html lang="nl"' in response.content.decode()
    assert "Kernpartijen" in response.content.decode()


def test_the_language_switch_changes_to_english_and_back(world):
    client = Client()
    client.force_login(world.maarten)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/t/oost/"})
    assert response.status_code == 302 and response["Location"] == "/t/oost/"
    content = client.get("/t/oost/").content.decode()
    assert '<html lang="en"' in content and "Core players" in content
    client.post("/i18n/setlang/", {"language": "nl", "next": "/t/oost/"})
    assert "Kernpartijen" in client.get("/t/oost/").content.decode()


def test_the_skip_link_points_at_the_main_content(world):
    client = Client()
    client.force_login(world.maarten)
    html = client.get("/t/oost/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html


def test_security_headers(world):
    client = Client()
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_form_without_a_valid_csrf_token_gets_our_dutch_page_and_changes_nothing(world):
    from django.test import Client

    from wijkverband.bottlenecks.models import Bottleneck

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.maarten)
    before = Bottleneck.objects.count()
    response = client.post("/t/oost/bottlenecks/new/", {"title": "Zonder token"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Het formulier kon niet worden verstuurd" in text
    assert "CSRF" not in text
    assert Bottleneck.objects.count() == before


def test_a_phones_keyboard_makes_the_page_smaller_as_the_browser_tests_do(client_for):
    """The browser tests take a phone with its keyboard open for a 390 × 500 page, and the thread's
    composer sticks to the bottom of the page: Chrome on Android (108 and later) shrinks only what
    is in sight unless the page asks it to resize the page (`interactive-widget`), so the composer
    stood behind the keyboard until the browser panned to it."""
    page = client_for("maarten").get("/t/oost/").content.decode()
    viewport = re.search(r'<meta name="viewport" content="([^"]*)">', page).group(1)
    assert [part.strip() for part in viewport.split(",")] == [
        "width=device-width",
        "initial-scale=1",
        "interactive-widget=resizes-content",
    ]
