"""A form sent with more than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): an exploratory walk pasted 2.7 MB
into an agreement and got a bare "address is not right" page. The page now says the text was too
long and that going back usually gives the text again."""

import re

import pytest
from django.conf import settings
from django.test import Client

TOO_LARGE = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


def _says_too_long(response) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "Te veel tekst verstuurd" in page
    assert "Ga terug" in page and "je browser" in page
    assert "Dit adres klopt niet" not in page


def test_a_too_large_form_gets_a_page_that_says_the_text_was_too_long(world, client_for):
    _says_too_long(client_for("maarten").post("/t/oost/agreements/new/", {"title": "Valpreventie", "body": TOO_LARGE}))


def test_so_does_one_the_csrf_check_reads_first(world):
    """As a browser sends it: with the form's token, which the CSRF check reads from the body."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.maarten)
    page = client.get("/t/oost/agreements/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    _says_too_long(client.post("/t/oost/agreements/new/", {"csrfmiddlewaretoken": token, "body": TOO_LARGE}))


@pytest.mark.parametrize("language", ["en"])
def test_the_page_speaks_the_persons_language(world, client_for, language):
    client = client_for("maarten")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/t/oost/agreements/new/", {"body": TOO_LARGE})
    assert response.status_code == 400 and "Too much text sent" in response.content.decode()
