"""A new discussion with the title of one the team has: a warning at the title, linking to it, and a
second send with "Toch een nieuw gesprek beginnen" ticked that opens it anyway (core.same_name)."""

import re

from wijkverband.threads import services
from wijkverband.threads.models import Thread

WARNING = "Er is al een gesprek met deze titel in dit wijkverband."


def _titles(team) -> list[str]:
    return list(Thread.objects.for_team(team).filter(subject_kind="topic").values_list("title", flat=True))


def test_a_title_the_team_has_is_warned_about_at_the_field_and_linked(world, client_for):
    existing = services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    client = client_for("maarten")
    response = client.post("/t/oost/threads/", {"title": "  algemeen "})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r"<title>Fout: Gesprekken", page)
    said = re.search(r'id="id_title_error">(.*?)</div>', page, re.S).group(1)
    assert WARNING in said
    field = re.search(r'<input type="text" name="title"[^>]*>', page).group(0)
    assert 'value="  algemeen "' in field and 'aria-invalid="true"' in field  # as typed
    summary = re.search(r"data-error-summary.*?</ul>", page, re.S).group(0)
    assert 'href="#id_title"' in summary and WARNING in summary
    assert f'href="/t/oost/threads/{existing.pk}/"' in page  # the one there is, linked
    box = re.search(r'<input type="checkbox" name="same_name_ok"[^>]*>', page).group(0)
    assert 'value="algemeen"' in box and "checked" not in box
    assert "Toch een nieuw gesprek beginnen" in page
    assert _titles(world.team_a) == ["Algemeen"]  # nothing made


def test_going_on_anyway_opens_the_second_one(world, client_for):
    services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    client = client_for("maarten")
    response = client.post("/t/oost/threads/", {"title": "Algemeen", "same_name_ok": "Algemeen"})
    assert response.status_code == 302
    assert sorted(_titles(world.team_a)) == ["Algemeen", "Algemeen"]
    # Ticked for another title than the one sent (changed after the warning): warned again.
    response = client.post("/t/oost/threads/", {"title": "algemeen", "same_name_ok": "Overleg"})
    assert response.status_code == 400 and WARNING in response.content.decode()
    assert len(_titles(world.team_a)) == 2


def test_a_new_title_is_opened_at_once(world, client_for):
    services.thread_create(actor=world.carla, team=world.team_a, title="Algemeen")
    response = client_for("maarten").post("/t/oost/threads/", {"title": "Algemeen overleg"})
    assert response.status_code == 302
    assert "same_name_ok" not in client_for("maarten").get("/t/oost/threads/").content.decode()


def test_another_teams_discussion_of_that_title_is_never_mentioned(world, client_for):
    """Zuid's "Wachtlijst thuiszorg" (Pieter reads Zuid too) is not Oost's: Oost's new one opens at
    once, and nothing on the page names or links Zuid's, also not for someone in both teams."""
    theirs = services.thread_create(actor=world.bram, team=world.team_b, title="Wachtlijst thuiszorg")
    client = client_for("pieter")
    response = client.post("/t/oost/threads/", {"title": "Wachtlijst thuiszorg"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"/t/zuid/threads/{theirs.pk}/" not in page and WARNING not in page
    assert _titles(world.team_a) == ["Wachtlijst thuiszorg"]
