"""An address that only takes a form's POST, opened with a GET (a reload of a form shown again
with its errors, a bookmark, a language switch from there): a page that says why and leads back,
not a blank 405."""

import re


def test_a_get_at_a_post_only_address_says_why_and_leads_back(client_for):
    client = client_for("maarten")
    response = client.get("/notifications/preferences/", HTTP_REFERER="http://testserver/notifications/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">Dit adres open je vanuit een formulier</h1>' in html
    assert 'href="http://testserver/notifications/">Terug naar de pagina met het formulier</a>' in html
    assert 'href="/">Naar je startpagina</a>' in html


def test_the_way_back_is_only_to_a_page_of_ours(client_for):
    client = client_for("maarten")
    html = client.get("/notifications/preferences/", HTTP_REFERER="https://elders.example/x").content.decode()
    assert "elders.example" not in html and "Terug naar de pagina met het formulier" not in html
    # A bookmark (no Referer) has only the start page.
    html = client.get("/notifications/preferences/").content.decode()
    assert "Terug naar de pagina met het formulier" not in html and "Naar je startpagina" in html


def test_a_post_only_action_of_a_team_answers_a_get_the_same_way(client_for, world):
    from wijkverband.threads import services as threads

    thread = threads.thread_create(actor=world.maarten, team=world.team_a, title="Algemeen")
    response = client_for("maarten").get(f"/t/oost/threads/{thread.pk}/post/")
    assert response.status_code == 405
    assert "Dit adres open je vanuit een formulier" in response.content.decode()


def test_an_outsider_still_gets_404_not_the_page(client_for, world):
    from wijkverband.threads import services as threads

    thread = threads.thread_create(actor=world.maarten, team=world.team_a, title="Algemeen")
    response = client_for("chris").get(f"/t/oost/threads/{thread.pk}/post/")
    assert response.status_code == 404


def test_the_language_switch_on_a_form_shown_again_goes_back_to_the_form_page(client_for):
    client = client_for("maarten")
    response = client.post(
        "/notifications/preferences/", {"digest": "not-a-choice"}, HTTP_REFERER="http://testserver/notifications/"
    )
    assert response.status_code == 400
    found = re.search(r'<input type="hidden" name="next" value="([^"]*)">', response.content.decode())
    # The form page's path (and its query when that holds no client data: core/listfilters.py).
    assert found and found.group(1) == "/notifications/"
    switched = client.post("/i18n/setlang/", {"language": "en", "next": found.group(1)})
    assert switched.status_code == 302 and switched["Location"] == "/notifications/"
    # A page opened with a GET keeps its own address.
    page = client.get("/notifications/").content.decode()
    assert '<input type="hidden" name="next" value="/notifications/">' in page
