"""A new entry with the name of one on the same kaart: a warning at the name, linking to it, and a
second send with "Toch een nieuwe vermelding toevoegen" ticked that adds it anyway (core.same_name)."""

import re

from tests.socialmap.helpers import add, form_data
from wijkverband.socialmap.models import Entry

WARNING = "Er staat al een vermelding met deze naam op deze sociale kaart."


def _count(name: str) -> int:
    return Entry.objects.filter(name__iexact=name).count()


def test_a_name_on_the_kaart_is_warned_about_at_the_field_and_linked(world, client_for):
    existing = add(world, name="Buurthuis De Linde")
    response = client_for("maarten").post("/t/oost/sociale-kaart/new/", form_data(name="buurthuis de linde"))
    assert response.status_code == 400
    page = response.content.decode()
    said = re.search(r'id="id_name_error">(.*?)</div>', page, re.S).group(1)
    assert WARNING in said
    summary = re.search(r"data-error-summary.*?</ul>", page, re.S).group(0)
    assert 'href="#id_name"' in summary and WARNING in summary
    assert f'href="/t/oost/sociale-kaart/{existing.pk}/"' in page
    assert 'value="buurthuis de linde"' in re.search(r'<input type="checkbox" name="same_name_ok"[^>]*>', page).group(0)
    assert 'value="Lindelaan 12"' in page  # what was typed stays
    assert _count("Buurthuis De Linde") == 1


def test_a_region_wide_entry_of_that_name_is_warned_about_on_the_teams_kaart(world, client_for):
    regional = add(world, team=None, name="Welzijn op Recept Utrecht")
    page = client_for("maarten").post("/t/oost/sociale-kaart/new/", form_data(name="Welzijn op Recept Utrecht"))
    assert page.status_code == 400
    assert f'href="/t/oost/sociale-kaart/{regional.pk}/"' in page.content.decode()


def test_going_on_anyway_adds_the_second_one(world, client_for):
    add(world, name="Buurthuis De Linde")
    client = client_for("maarten")
    response = client.post(
        "/t/oost/sociale-kaart/new/", form_data(name="Buurthuis De Linde", same_name_ok="Buurthuis De Linde")
    )
    assert response.status_code == 302
    assert _count("Buurthuis De Linde") == 2


def test_another_teams_entry_of_that_name_is_never_mentioned(world, client_for):
    """Zuid's "Buurthuis De Linde" is on Zuid's kaart, not Oost's: Oost's is added at once and its
    page names nothing of Zuid's; likewise another region's entry on the region's kaart."""
    theirs = add(world, team="b", name="Buurthuis De Linde")
    response = client_for("maarten").post("/t/oost/sociale-kaart/new/", form_data(name="Buurthuis De Linde"))
    assert response.status_code == 302
    page = client_for("maarten").get(response["Location"]).content.decode()
    assert f"/{theirs.pk}/" not in page and WARNING not in page
    assert _count("Buurthuis De Linde") == 2


def test_the_regions_kaart_warns_of_its_teams_entries_and_names_whose(world, client_for):
    ours = add(world, name="Buurthuis De Linde")
    response = client_for("ada").post("/r/utrecht/sociale-kaart/new/", form_data(name="Buurthuis De Linde"))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="/r/utrecht/sociale-kaart/{ours.pk}/"' in page and "Utrecht Oost" in page


def _edit(client, entry, **changes):
    return client.post(f"/t/oost/sociale-kaart/{entry.pk}/edit/", form_data(version=entry.version, **changes))


def test_renaming_to_a_name_on_the_kaart_is_warned_about_as_adding_is(world, client_for):
    existing = add(world, name="Buurthuis De Linde")
    renamed = add(world, name="Buurthuis Oost")
    client = client_for("maarten")
    response = _edit(client, renamed, name="buurthuis de linde")
    assert response.status_code == 400
    page = response.content.decode()
    assert WARNING in re.search(r'id="id_name_error">(.*?)</div>', page, re.S).group(1)
    assert f'href="/t/oost/sociale-kaart/{existing.pk}/"' in page
    assert f'href="/t/oost/sociale-kaart/{renamed.pk}/"' not in page.split('id="same-name"')[1]
    renamed.refresh_from_db()
    assert renamed.name == "Buurthuis Oost"
    # Going on anyway (without JavaScript: the checkbox, sent again) saves the new name.
    response = _edit(client, renamed, name="buurthuis de linde", same_name_ok="buurthuis de linde")
    assert response.status_code == 302
    renamed.refresh_from_db()
    assert renamed.name == "buurthuis de linde"


def test_an_entry_is_no_duplicate_of_itself(world, client_for):
    entry = add(world, name="Buurthuis De Linde")
    client = client_for("maarten")
    # Its own name, another spelling of it, or another field changed: saved at once.
    assert _edit(client, entry, name="Buurthuis de Linde").status_code == 302
    entry.refresh_from_db()
    assert _edit(client, entry, name="Buurthuis de Linde", place="Amersfoort").status_code == 302
