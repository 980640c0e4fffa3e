"""Browsers and bookmarks ask for /favicon.ico whatever the page names: it answered 404 (and the
404 page); it leads to the icon the pages name."""

from django.test import Client


def test_favicon_ico_leads_to_the_icon_the_pages_name(db, world):
    for client in (Client(), _signed_in(world.carla)):
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == "/static/wijkverband/favicon.svg"
        icon = client.get(response["Location"])
        assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
        assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/static/wijkverband/favicon.svg"' in page  # the same icon as the pages name


def test_favicon_ico_takes_no_more_than_a_get_or_head(db):
    assert Client().head("/favicon.ico").status_code == 302
    assert Client().post("/favicon.ico").status_code == 405


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client
