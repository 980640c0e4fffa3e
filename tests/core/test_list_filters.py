"""The filter forms of the lists speak one language: one word for applying them, one for clearing
them, and a button that does not compete with the list's own action."""

import re

import pytest

LISTS = [
    # (who, the list, a filter that is set, the list's own action)
    ("carla", "/t/oost/bottlenecks/", "status=open", "Knelpunt melden"),
    ("carla", "/t/oost/agreements/", "status=adopted", "Nieuwe afspraak"),
    ("carla", "/t/oost/sociale-kaart/", "free=on", "Vermelding toevoegen"),
    ("carla", "/t/oost/welzijn-op-recept/records/", "status=open", "Verwijzing toevoegen"),
]


def _filter_form(html: str) -> str:
    forms = re.findall(r'<form method="get"(.*?)</form>', html, re.S)
    forms = [form for form in forms if "wv-header-search" not in form]  # not the header's search box
    assert len(forms) == 1, forms
    return forms[0]


@pytest.mark.parametrize(("person", "address", "query", "action"), LISTS)
def test_a_lists_filter_is_applied_and_cleared_in_the_same_words_on_every_list(
    world, client_for, person, address, query, action
):
    """Found by a walk through the lists at 390 × 844: the agreements list said "Filteren" and "Alles
    tonen", the referral records "Filter", the bottleneck list "Filters toepassen" and "Filters
    wissen": four words for two things. And the bottleneck list's filter button was as loud as
    "Knelpunt melden" (two primary buttons on one screen)."""
    client = client_for(person)
    html = client.get(address).content.decode()
    form = _filter_form(html)
    buttons = re.findall(r'<button type="submit" class="([^"]*)">([^<]*)<', form)
    assert len(buttons) == 1, buttons
    classes, words = buttons[0]
    if "sociale-kaart" in address:
        assert words == "Zoeken"  # a search box first: the button searches, as on the search page
    else:
        assert words == "Filters toepassen", (address, words)
    assert "secondary-action" in classes and "primary-action" not in classes.replace("secondary-action", "")
    primary = re.findall(r'--primary-action"[^>]*>([^<]*)<', html)
    assert primary == [action], (address, primary)

    filtered = _filter_form(client.get(f"{address}?{query}").content.decode())
    clear = re.findall(r'<a class="utrecht-link" href="([^"]*)">([^<]*)</a>', filtered)
    if "welzijn-op-recept" in address:
        return  # a period is always set: the records have no unfiltered state to go back to
    assert clear == [(address, "Filters wissen")], (address, clear)


def test_a_team_page_with_one_tab_the_pages_own_has_none(world, client_for):
    """Found by an exploratory test at 390 × 844: an external party (an insurer) may open only the
    agreements; its team page had one tab, "Samenwerkingsafspraken", right under the heading
    "Samenwerkingsafspraken". It has no tabs now; from an agreement the breadcrumb leads back. A
    member keeps all of them, the current one marked."""
    from wijkverband.agreements import services as agreements
    from wijkverband.agreements.models import PartyKind

    agreement = agreements.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={"title": "Avondzorg", "body": "De wijkverpleging is bereikbaar.", "owner": world.carla},
    )
    agreements.party_add_external(
        actor=world.carla, agreement=agreement, kind=PartyKind.INSURER, name=world.insurer.name
    )
    agreements.agreement_propose(actor=world.carla, agreement=agreement)
    insurer = client_for("ines")
    page = insurer.get("/t/oost/agreements/").content.decode()
    assert "Avondzorg" in page and "wv-team-nav" not in page
    detail = insurer.get(f"/t/oost/agreements/{agreement.pk}/").content.decode()
    assert "wv-team-nav" not in detail
    assert re.search(r'class="wv-breadcrumb">.*?href="/t/oost/agreements/">Samenwerkingsafspraken</a>', detail, re.S)
    member = client_for("maarten").get("/t/oost/agreements/").content.decode()
    tabs = re.findall(r'class="utrecht-link wv-team-nav__link" href="([^"]*)"( aria-current="page")?', member)
    assert len(tabs) > 3 and ("/t/oost/agreements/", ' aria-current="page"') in tabs
