"""Every paged list shows what Django's get_page shows (nonsense in the address is ignored, never an
error page; a page past the end is the last), and an address that names another page than the
one shown is sent on to it (core/paging.py): "?page=3" of a list of two pages showed page 2 under
an address that said 3, "?page=0" too, "?page=abc" page 1 under "abc"."""

import pytest

from tests.threads.helpers import topic
from wijkverband.threads.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

LISTS = [
    ("carla", "/t/oost/threads/"),
    ("carla", "/t/oost/agreements/"),
    ("carla", "/t/oost/bottlenecks/"),
    ("carla", "/t/oost/signals/"),
    ("carla", "/t/oost/sociale-kaart/"),
    ("carla", "/t/oost/wijkkaart/"),
    ("carla", "/t/oost/welzijn-op-recept/records/"),
    ("olga", "/r/utrecht/bottlenecks/escalations/"),
    ("olga", "/r/utrecht/regional/"),
]


@pytest.mark.parametrize(("persona", "url"), LISTS)
def test_an_address_that_names_no_page_of_a_list_goes_to_the_page_shown(world, client_for, persona, url):
    client = client_for(persona)
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?page=1").status_code == 200
    for page in ("0", "2", "abc", "-1", "01", "99999999999999999999"):
        response = client.get(f"{url}?page={page}")
        assert (response.status_code, response["Location"]) == (302, url), page
    # The rest of the address stays.
    response = client.get(f"{url}?q=zorg&page=7")
    assert (response.status_code, response["Location"]) == (302, f"{url}?q=zorg"), url


def test_the_thread_lists_page_past_the_end_goes_to_its_last_page(world, client_for):
    for n in range(PAGE_SIZE + 1):
        topic(world, title=f"Onderwerp {n}")
    client = client_for("maarten")
    page = client.get("/t/oost/threads/?page=2")
    assert page.status_code == 200 and "Onderwerp 0" in page.content.decode()
    for asked in ("3", "99"):
        response = client.get(f"/t/oost/threads/?page={asked}")
        assert (response.status_code, response["Location"]) == (302, "/t/oost/threads/?page=2")
    # What the live list fetches (thread_list.js) follows the same rule.
    response = client.get("/t/oost/threads/?page=3&part=table")
    assert (response.status_code, response["Location"]) == (302, "/t/oost/threads/?page=2&part=table")
    assert client.get(response["Location"]).status_code == 200
