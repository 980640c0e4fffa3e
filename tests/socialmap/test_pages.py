"""The kaart's pages: search and filters without JavaScript, query counts, links, freshness."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.socialmap.helpers import add, fresh
from wijkverband.socialmap import selectors, services


def _names(response) -> list[str]:
    return [entry.name for entry in response.context["results"].object_list]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _kaart(world):
    add(world, name="Buurthuis De Linde", dementia_friendly=True, wheelchair_accessible=False)
    add(world, name="Café Oost", kind="activity", street="", postcode="", place="", cost="price", price="€ 2",
        dementia_friendly=False)  # fmt: skip
    add(world, name="Wandelgroep", kind="activity", description="Rustig wandelen in het park",
        wheelchair_accessible=True, dementia_friendly=False)  # fmt: skip
    add(world, team=None, name="Alzheimer Café Utrecht", dementia_friendly=True, public=False)
    add(world, team="b", name="Buurthuis Zuid", postcode="3521 AA")


def test_search_and_filters_work_as_a_plain_get_form(world, client_for):
    _kaart(world)
    client = client_for("rosa")
    base = "/t/oost/sociale-kaart/"
    assert _names(client.get(base)) == ["Alzheimer Café Utrecht", "Buurthuis De Linde", "Café Oost", "Wandelgroep"]
    # Search over name, description and place; accents do not matter, every word must match.
    assert _names(client.get(base + "?q=cafe")) == ["Alzheimer Café Utrecht", "Café Oost"]
    assert _names(client.get(base + "?q=park")) == ["Wandelgroep"]
    assert _names(client.get(base + "?q=cafe+oost")) == ["Café Oost"]
    assert _names(client.get(base + "?kind=activity")) == ["Café Oost", "Wandelgroep"]
    assert _names(client.get(base + "?dementia_friendly=on")) == ["Alzheimer Café Utrecht", "Buurthuis De Linde"]
    assert _names(client.get(base + "?wheelchair_accessible=on")) == ["Wandelgroep"]
    assert _names(client.get(base + "?free=on&kind=activity")) == ["Wandelgroep"]
    assert _names(client.get(base + "?public=on")) == ["Buurthuis De Linde", "Café Oost", "Wandelgroep"]
    assert _names(client.get(base + "?scope=region")) == ["Alzheimer Café Utrecht"]
    assert "Alzheimer Café Utrecht" not in _names(client.get(base + "?scope=team"))
    # Nonsense in the query is ignored, never an error page.
    assert client.get(base + "?kind=bogus&scope=999&page=x", follow=True).status_code == 200


def test_the_regions_list_filters_by_wijk(world, client_for):
    _kaart(world)
    client = client_for("olga")
    base = "/r/utrecht/sociale-kaart/"
    assert len(_names(client.get(base))) == 5
    assert _names(client.get(base + f"?scope={world.team_b.pk}")) == ["Buurthuis Zuid"]
    assert _names(client.get(base + "?scope=region")) == ["Alzheimer Café Utrecht"]
    page = client.get(base).content.decode()
    assert "Utrecht Zuid" in page  # each entry says its wijk
    # Another region's team is no choice and filters nothing in.
    assert str(world.team_c.pk) not in [c for c, _l in client.get(base).context["form"].fields["scope"].choices]


def test_stale_entries_are_marked_in_words_and_filtered(world, client_for):
    old = add(world, name="Oud buurthuis")
    add(world, name="Nieuw buurthuis")
    old.confirmed_on = timezone.localdate() - timedelta(days=200)
    old.save(update_fields=["confirmed_on"])
    client = client_for("maarten")
    response = client.get("/t/oost/sociale-kaart/?stale=on")
    assert _names(response) == ["Oud buurthuis"]
    assert "verouderd: opnieuw te bevestigen" in response.content.decode()
    detail = client.get(f"/t/oost/sociale-kaart/{old.pk}/").content.decode()
    assert "Verouderd:" in detail
    client.post(f"/t/oost/sociale-kaart/{old.pk}/confirm/")
    assert not fresh(old).stale
    assert _names(client.get("/t/oost/sociale-kaart/?stale=on")) == []


def test_the_team_setting_decides_when_an_entry_is_stale(world):
    entry = add(world)
    entry.confirmed_on = timezone.localdate() - timedelta(days=100)
    entry.save(update_fields=["confirmed_on"])
    assert not fresh(entry).stale  # six months by default
    world.team_a.reconfirm_months = 3
    world.team_a.save(update_fields=["reconfirm_months"])
    assert fresh(entry).stale
    from wijkverband.socialmap.selectors import ListFilters, team_entries

    assert list(team_entries(team=world.team_a, filters=ListFilters(stale=True))) == [entry]


def test_the_list_costs_the_same_queries_for_few_or_many_entries(world, client_for):
    add(world)
    add(world, team=None, name="Regionaal")
    client = client_for("maarten")
    client.get("/t/oost/sociale-kaart/")  # warm the session and the rights
    few = _queries(lambda: client.get("/t/oost/sociale-kaart/?q=buurt&dementia_friendly=on"))
    # Without a search (on PostgreSQL a search also asks whether a typo needs correcting).
    few_unsearched = _queries(lambda: client.get("/t/oost/sociale-kaart/"))
    region_client = client_for("olga")
    region_client.get("/r/utrecht/sociale-kaart/")
    region_few = _queries(lambda: region_client.get("/r/utrecht/sociale-kaart/"))
    for n in range(60):
        add(world, name=f"Buurthuis {n}", maintainer=[world.maarten, world.sofie, world.carla][n % 3])
        add(world, team=None, name=f"Buurtactiviteit {n}")
        add(world, team="b", name=f"Buurthuis Zuid {n}", postcode="3521 AA")
    assert _queries(lambda: client.get("/t/oost/sociale-kaart/?q=buurt&dementia_friendly=on")) == few
    assert _queries(lambda: region_client.get("/r/utrecht/sociale-kaart/")) == region_few
    assert _queries(lambda: client.get("/t/oost/sociale-kaart/?page=2")) == few_unsearched


def test_the_detail_links_the_address_to_openstreetmap_and_says_who_confirmed(world, client_for):
    entry = add(world, street="Lindelaan 12", postcode="3581 AB", place="Utrecht")
    page = client_for("rosa").get(f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
    assert 'href="https://www.openstreetmap.org/search?query=Lindelaan%2012%2C%203581%20AB%20Utrecht"' in page
    assert "door Maarten Lid" in page
    assert "Correctie voorstellen" in page  # rosa may suggest
    assert f"/t/oost/sociale-kaart/{entry.pk}/edit/" not in page  # and changes nothing
    page = client_for("maarten").get(f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
    assert f"/t/oost/sociale-kaart/{entry.pk}/edit/" in page and "Correctie voorstellen" not in page


def test_a_suggestion_shows_to_its_author_and_to_the_keepers_with_its_answer(world, client_for):
    entry = add(world)
    rosa = client_for("rosa")
    response = rosa.post(f"/t/oost/sociale-kaart/{entry.pk}/suggest/", {"body": "Op vrijdag gesloten."})
    assert response.status_code == 302
    page = client_for("maarten").get(f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
    assert "Op vrijdag gesloten." in page and "Wacht op antwoord" in page and "Verwerkt" in page
    suggestion = entry.suggestions.get()
    client_for("maarten").post(
        f"/t/oost/sociale-kaart/{entry.pk}/suggestions/{suggestion.pk}/",
        {"decision": "declined", "answer": "Klopt nog."},
    )
    page = rosa.get(f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
    assert "Afgewezen" in page and "Klopt nog." in page


def test_a_member_suggests_a_correction_on_a_region_wide_entry_from_the_teams_page(world, client_for):
    """Found by an exploratory walk: the page said only that the region keeps the entry."""
    regional = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    url = f"/t/oost/sociale-kaart/{regional.pk}/"
    maarten = client_for("maarten")
    page = maarten.get(url).content.decode()
    assert "Correctie voorstellen" in page and f'action="{url}suggest/"' in page
    assert "Klopt er iets niet? Stel hieronder een correctie voor" in page
    assert f"/r/utrecht/sociale-kaart/{regional.pk}/edit/" not in page  # the region edits it
    response = maarten.post(f"{url}suggest/", {"body": "Het telefoonnummer is 030 765 4321."})
    assert response.status_code == 302 and response["Location"] == url
    page = maarten.get(url).content.decode()
    assert "Het telefoonnummer is 030 765 4321." in page and "Wacht op antwoord" in page
    # The region's administrator sees it on the region's page and answers it there.
    page = client_for("ada").get(f"/r/utrecht/sociale-kaart/{regional.pk}/").content.decode()
    assert "Het telefoonnummer is 030 765 4321." in page and "Maarten Lid" in page
    # A team's own entry: members edit it, there is nothing to suggest.
    own = add(world)
    page = maarten.get(f"/t/oost/sociale-kaart/{own.pk}/").content.decode()
    assert "Correctie voorstellen" not in page
    assert maarten.post(f"/t/oost/sociale-kaart/{own.pk}/suggest/", {"body": "Iets"}).status_code == 403


def test_a_suggestion_with_client_data_is_refused_at_the_field_and_kept(world, client_for):
    entry = add(world)
    response = client_for("rosa").post(f"/t/oost/sociale-kaart/{entry.pk}/suggest/", {"body": "Cliënt 111222333"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_body_error"' in page and "111222333" not in page.split("<textarea")[0]
    assert not entry.suggestions.exists()


def test_the_form_shows_refusals_at_their_field_and_keeps_the_input(world, client_for):
    from tests.socialmap.helpers import form_data

    response = client_for("maarten").post("/t/oost/sociale-kaart/new/", form_data(postcode="12345", name="Mijn plek"))
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "“12345” is geen Nederlandse postcode: gebruik vier cijfers en twee letters, zoals 3581 AB." in page
        and 'value="Mijn plek"' in page
    )


def test_client_data_is_refused_together_with_the_forms_other_errors(world, client_for):
    """It showed only once the other errors were mended (the guard ran at the save)."""
    from tests.socialmap.helpers import form_data

    response = client_for("maarten").post(
        "/t/oost/sociale-kaart/new/", form_data(postcode="12345", description="Voor mw. Jansen 12-03-1954")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_postcode_error"' in page and 'id="id_description_error"' in page
    assert "Beschrijving lijkt cliëntgegevens te bevatten" in page
    assert "Voor mw. Jansen 12-03-1954" in page  # kept, to mend


def test_an_edit_from_an_older_form_is_refused_with_409(world, client_for):
    from tests.socialmap.helpers import form_data

    entry = add(world)
    services.entry_confirm(actor=world.carla, entry=entry)  # version 2 now
    response = client_for("maarten").post(
        f"/t/oost/sociale-kaart/{entry.pk}/edit/", form_data(name="Oud formulier", version=1)
    )
    assert response.status_code == 409
    assert fresh(entry).name == "Buurthuis De Linde"


def test_the_team_tab_and_the_region_panel_lead_to_the_kaart(world, client_for):
    assert "/t/oost/sociale-kaart/" in client_for("maarten").get("/t/oost/").content.decode()
    assert "/r/utrecht/sociale-kaart/" in client_for("olga").get("/r/utrecht/").content.decode()


def test_a_suggested_correction_is_asked_of_the_entrys_keeper_in_mijn_werk(world, client_for):
    """Found by an exploratory test: the keeper got a notice, but Mijn werk had nothing to act on
    (the wijk card's corrections were there)."""
    from wijkverband.mywork.selectors import asked_count, my_work
    from wijkverband.socialmap import services

    entry = add(world, name="Repaircafé Oost")  # kept by maarten
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Nu op zaterdag")
    work = my_work(user=world.maarten)
    [item] = [i for i in work.asked if i.kind == "map_correction"]
    assert (item.title, item.team, item.who) == ("Repaircafé Oost", world.team_a, world.rosa.name)
    assert item.url == f"/t/oost/sociale-kaart/{entry.pk}/#suggestions-heading"
    assert asked_count(user=world.maarten) == 1
    page = client_for("maarten").get("/my-work/").content.decode()
    assert "Voorgestelde correctie" in page and "Repaircafé Oost" in page
    # What to do with it, as for a wijk card's correction: apply or decline it on the entry.
    assert (
        f'<a class="utrecht-link" href="/t/oost/sociale-kaart/{entry.pk}/#suggestions-heading">Verwerken of afwijzen'
        in page
    )
    # Not asked of anyone else, and gone once answered.
    assert not [i for i in my_work(user=world.carla).asked if i.kind == "map_correction"]
    services.suggestion_handle(actor=world.maarten, suggestion=suggestion, applied=True, answer="Aangepast")
    assert not [i for i in my_work(user=world.maarten).asked if i.kind == "map_correction"]


def test_a_region_wide_entrys_correction_is_asked_of_its_keeper_under_the_region(world):
    from wijkverband.mywork.selectors import my_work
    from wijkverband.socialmap import services

    entry = add(world, team=None, name="Mantelzorglijn")  # kept by ada, the region's administrator
    services.suggestion_create(actor=world.rik, entry=entry, team=None, body="Nieuw nummer")
    [item] = [i for i in my_work(user=world.ada).asked if i.kind == "map_correction"]
    assert item.team == world.region
    assert item.url == f"/r/utrecht/sociale-kaart/{entry.pk}/#suggestions-heading"


def test_who_saves_second_sees_the_other_save_and_can_save_again(world, client_for):
    """Found by an exploratory test: after "someone changed this entry", every save was refused
    again (the form kept the old version) and the other's change was not shown."""
    import re

    from tests.socialmap.helpers import form_data

    entry = add(world, name="Buurthuis De Linde")  # kept by maarten
    url = f"/t/oost/sociale-kaart/{entry.pk}/edit/"
    first = client_for("maarten").post(
        url, form_data(name="Buurthuis De Linde", opening_hours="WAARDE-MAARTEN", version=entry.version)
    )
    assert first.status_code == 302
    carla = client_for("carla")
    response = carla.post(
        url, form_data(name="Buurthuis De Linde", opening_hours="WAARDE-CARLA", version=entry.version)
    )
    assert response.status_code == 409
    page = response.content.decode()
    stale = page.split('id="stale-heading"')[1].split("</section>")[0]
    assert "WAARDE-MAARTEN" in stale and "Buurthuis De Linde" not in stale
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert int(version) == entry.version + 1
    assert (
        carla.post(url, form_data(name="Buurthuis De Linde", opening_hours="WAARDE-CARLA", version=version)).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.opening_hours == "WAARDE-CARLA"


def test_a_card_says_whom_to_call_and_the_checks_fold_away(world, client_for):
    """Found by an exploratory test on a phone: the list's cards had no phone number or e-mail
    (each took opening the entry), the whole filter form came before the results, and the detail's
    tel: link was written 0301234567 where the wijk card writes +31301234567."""
    entry = add(world, name="Welzijn op Recept aanmeldpunt", phone="030 200 7788")
    client = client_for("maarten")
    html = client.get("/t/oost/sociale-kaart/").content.decode()
    assert 'href="tel:+31302007788">030 200 7788' in html
    assert 'href="mailto:info@buurthuisdelinde.nl">info@buurthuisdelinde.nl' in html
    assert '<details class="wv-more-filters">' in html  # folded while no check is set
    checked = client.get("/t/oost/sociale-kaart/?free=on").content.decode()
    assert '<details class="wv-more-filters" open>' in checked and "Meer filters (1 ingesteld)" in checked
    detail = client.get(entry_url := f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
    assert 'href="tel:+31302007788"' in detail, entry_url


def test_the_list_and_the_public_section_put_t_hoekje_under_h(world, client_for):
    """ "'t Hoekje" came first, before every A (core/sorting.py)."""
    for name in ("Zorgcafé", "'t Hoekje", "Hoek van Holland", "Inloop", "Aandacht"):
        add(world, name=name)
    assert _names(client_for("rosa").get("/t/oost/sociale-kaart/")) == [
        "Aandacht", "Hoek van Holland", "'t Hoekje", "Inloop", "Zorgcafé"
    ]  # fmt: skip
    assert _names(client_for("ada").get("/r/utrecht/sociale-kaart/"))[:2] == ["Aandacht", "Hoek van Holland"]
    shown = [entry.name for entry in selectors.public_entries(teams=[world.team_a])[world.team_a.pk].entries]
    assert shown == ["Aandacht", "Hoek van Holland", "'t Hoekje", "Inloop", "Zorgcafé"]


def test_the_kaart_and_the_wijkkaart_word_confirming_alike(world, client_for):
    """Found by a tester: the wijkkaart's button said "Bevestigen: klopt nog", this page "Bevestig: klopt
    nog". Buttons say what they do in the infinitive ("Wijzigen", "Opslaan"), in English alike."""
    from tests.wijkcard.conftest import add_entry

    entry = add(world)
    add_entry(world)
    client = client_for("maarten")
    for lang, label in (("nl", "Bevestigen: klopt nog"), ("en", "Confirm: still right")):
        client.cookies["django_language"] = lang
        kaart = client.get(f"/t/oost/sociale-kaart/{entry.pk}/").content.decode()
        wijkkaart = client.get("/t/oost/wijkkaart/").content.decode()
        for page in (kaart, wijkkaart):
            buttons = re.findall(r'<button type="submit" class="utrecht-button[^"]*">([^<]*)', page)
            assert label in buttons, (lang, buttons)
        assert "Bevestig:" not in kaart


def _declined(world, client_for, answer: str, decision: str = "declined"):
    entry = add(world, name="Repaircafé Oost")  # kept by maarten
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, team=world.team_a, body="Nu op zaterdag")
    response = client_for("maarten").post(
        f"/t/oost/sociale-kaart/{entry.pk}/suggestions/{suggestion.pk}/", {"decision": decision, "answer": answer}
    )
    suggestion.refresh_from_db()
    return response, suggestion


def _answer_box(page: str, suggestion) -> str:
    return re.search(rf'<textarea[^>]*id="answer-{suggestion.pk}"[^>]*>(.*?)</textarea>', page, re.S).group(0)


def test_a_refused_answer_to_a_correction_comes_back_as_typed_with_the_error_at_it(world, client_for):
    """Found by an exploratory test: "Afwijzen" with client data in the answer redirected with a
    message at the top and an empty box: the keeper's text was lost, the error far from the field."""
    typed = "Niet voor mevrouw De Vries, geboren 12-03-1945, die belde."
    response, suggestion = _declined(world, client_for, typed)
    assert response.status_code == 400  # the page again, no redirect
    assert suggestion.status == "open" and suggestion.answer == ""  # nothing changed
    page = response.content.decode()
    box = _answer_box(page, suggestion)
    assert "mevrouw De Vries, geboren 12-03-1945" in box  # the text as typed
    assert 'aria-invalid="true"' in box
    assert f'aria-describedby="answer-{suggestion.pk}_helptext answer-{suggestion.pk}_error"' in box
    error = page.split(f'id="answer-{suggestion.pk}_error"')[1].split("</div>")[0]
    assert "lijkt cliëntgegevens te bevatten" in error
    # The error summary above the box, linked to it (app.js moves the focus to it).
    summary = page.split("data-error-summary")[1].split("</div>")[0]
    assert f'href="#answer-{suggestion.pk}"' in summary


def test_declining_without_a_reason_keeps_the_form_and_says_why_at_the_box(world, client_for):
    response, suggestion = _declined(world, client_for, "   ")
    assert response.status_code == 400 and suggestion.status == "open"
    page = response.content.decode()
    assert 'aria-invalid="true"' in _answer_box(page, suggestion)
    error = page.split(f'id="answer-{suggestion.pk}_error"')[1].split("</div>")[0]
    assert "Zeg waarom je het afwijst" in error
    assert "data-error-summary" in page


def test_an_accepted_answer_still_goes_back_to_the_entry(world, client_for):
    response, suggestion = _declined(world, client_for, "Aangepast, dank!", decision="applied")
    assert response.status_code == 302 and suggestion.status == "applied"
    response, suggestion = _declined(world, client_for, "x", decision="bogus")
    assert response.status_code == 400 and suggestion.status == "open"
    assert "Kies verwerkt of afgewezen." in response.content.decode()


def test_the_lists_filters_are_not_marked_optional_but_the_entry_form_is(world, client_for):
    page = client_for("maarten").get("/t/oost/sociale-kaart/").content.decode()
    start = page.index('<form method="get" class="wv-filters"')
    filters = page[start : page.index("</form>", start)]
    assert re.search(r'<label class="utrecht-form-label" for="id_q">Zoeken</label>', filters)
    assert "niet verplicht" not in filters
    assert "(niet verplicht)" in client_for("maarten").get("/t/oost/sociale-kaart/new/").content.decode()


def test_the_responsible_members_first_choice_says_the_entry_not_her(world, client_for):
    """Found by an exploratory walk: "— jijzelf, als je haar mag bijhouden —" above a list of people
    read as if "haar" were a woman of the list."""
    page = client_for("maarten").get("/t/oost/sociale-kaart/new/").content.decode()
    assert '<option value="" selected>— jijzelf, als je deze vermelding mag bijhouden —</option>' in page
    assert "haar mag bijhouden" not in page
    english = client_for("maarten")
    english.cookies["django_language"] = "en"
    page = english.get("/t/oost/sociale-kaart/new/").content.decode()
    assert "— you, when you may keep this entry —" in page


def test_the_answer_to_a_members_suggestion_is_not_called_the_representatives(world, client_for):
    """Since team members suggest on region-wide entries, the answer goes to whoever suggested it."""
    regional = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    services.suggestion_create(actor=world.maarten, entry=regional, team=world.team_a, body="Nieuw nummer.")
    ada = client_for("ada")
    page = ada.get(f"/r/utrecht/sociale-kaart/{regional.pk}/").content.decode()
    assert "Antwoord aan wie het voorstelde" in page and "vertegenwoordiger" not in page
    suggestion = regional.suggestions.get()
    response = ada.post(
        f"/r/utrecht/sociale-kaart/{regional.pk}/suggestions/{suggestion.pk}/",
        {"decision": "declined", "answer": ""},
    )
    assert "Zeg waarom je het afwijst: wie het voorstelde leest je antwoord." in response.content.decode()
    response = ada.post(
        f"/r/utrecht/sociale-kaart/{regional.pk}/suggestions/{suggestion.pk}/",
        {"decision": "declined", "answer": "Het oude nummer werkt nog."},
        follow=True,
    )
    assert "Wie het voorstelde krijgt je antwoord te zien." in response.content.decode()
