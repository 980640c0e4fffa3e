"""The card on screen is paged (a team with hundreds of entries rendered them all); the printed
card and the exports stay whole: they are the one-page overview and the address book
(docs/wijkcard.md, "Pages")."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.wijkcard.conftest import add_entry
from wijkverband.wijkcard import selectors
from wijkverband.wijkcard.views import PAGE_SIZE

CARD = "/t/oost/wijkkaart/"


def _fill(world, n: int, **fields) -> list:
    organisations = [world.gp_a, world.pharmacy, world.nursing_a, world.social_a]
    return [
        add_entry(world, organisation=organisations[i % 4], contact_point=f"Lijn {i:03}", **fields) for i in range(n)
    ]


def _shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="entry-(\d+)"', response.content.decode())]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_card_shows_a_page_of_entries_in_the_cards_order_with_links_to_the_others(world, client_for):
    _fill(world, 2 * PAGE_SIZE + 3)
    order = [entry.pk for entry in selectors.team_entries(team=world.team_a)]
    client = client_for("maarten")
    first = client.get(CARD)
    assert _shown(first) == order[:PAGE_SIZE]
    page = first.content.decode()
    assert 'rel="next" href="?page=2"' in page and 'rel="prev"' not in page
    assert "Page 1 of 3" in page or "Pagina 1 van 3" in page
    assert _shown(client.get(CARD + "?page=2")) == order[PAGE_SIZE : 2 * PAGE_SIZE]
    last = client.get(CARD + "?page=3")
    assert _shown(last) == order[2 * PAGE_SIZE :]
    assert 'rel="prev" href="?page=2"' in last.content.decode()


def test_every_page_costs_the_same_queries_as_a_card_of_one_page(world, client_for):
    _fill(world, 3)
    client = client_for("maarten")
    client.get(CARD)  # warm the session and the rights
    few = _queries(client, CARD)
    _fill(world, 2 * PAGE_SIZE)
    assert [_queries(client, f"{CARD}?page={n}") for n in (1, 2, 3)] == [few, few, few]
    rosa = client_for("rosa")
    rosa.get(CARD)
    assert _queries(rosa, CARD) == _queries(rosa, CARD + "?page=3")


def test_an_address_past_the_last_page_goes_to_the_last_and_keeps_the_rest(world, client_for):
    _fill(world, PAGE_SIZE + 1)
    client = client_for("maarten")
    assert client.get(CARD + "?page=9")["Location"] == CARD + "?page=2"
    assert client.get(CARD + "?page=abc")["Location"] == CARD
    assert client.get(CARD + "?page=9&view=x")["Location"] == CARD + "?page=2&view=x"
    # The pager keeps only the page: the card has no filters (tests/core/test_list_filter_guard.py).
    nxt = client.get(CARD + "?view=x").content.decode()
    assert 'rel="next" href="?page=2"' in nxt


def test_the_printed_card_and_the_exports_stay_whole(world, client_for):
    entries = _fill(world, PAGE_SIZE + 5)
    client = client_for("maarten")
    printed = client.get(CARD + "print/").content.decode()
    assert all(entry.contact_point in printed for entry in entries)
    assert client.get(CARD + "export.csv").content.decode().count("Lijn ") == PAGE_SIZE + 5


def test_a_link_to_an_entry_opens_the_page_that_holds_it(world, client_for):
    entries = _fill(world, PAGE_SIZE + 5)
    order = [entry.pk for entry in selectors.team_entries(team=world.team_a)]
    late = order[-1]
    client = client_for("maarten")
    assert client.get(f"{CARD}?entry={late}")["Location"] == f"{CARD}?page=2#entry-{late}"
    assert client.get(f"{CARD}?entry={order[0]}")["Location"] == f"{CARD}#entry-{order[0]}"
    # Another team's entry, or none: the card's first page, the same for both.
    other = add_entry(world, actor=world.bram, team=world.team_b, organisation=world.nursing_b, maintainer=world.bram)
    assert client.get(f"{CARD}?entry={other.pk}")["Location"] == CARD
    assert client.get(f"{CARD}?entry=999999")["Location"] == CARD
    # Saving an entry on the second page goes back to it there.
    entry = next(e for e in entries if e.pk == late)
    response = client.post(f"{CARD}{entry.pk}/confirm/")
    assert response["Location"] == f"{CARD}?page=2#entry-{late}"


def test_the_facts_link_to_the_page_of_their_entry(world, client_for):
    _fill(world, 2 * PAGE_SIZE)
    nursing = add_entry(world, organisation=world.nursing_a, contact_point="Zzz wijkteam", serves_wijk=True)
    order = [entry.pk for entry in selectors.team_entries(team=world.team_a)]
    assert order.index(nursing.pk) >= PAGE_SIZE
    page = client_for("maarten").get(CARD).content.decode()
    assert f'href="?page=2#entry-{nursing.pk}"' in page
