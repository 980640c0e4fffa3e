"""The lists' own search boxes pass the client-data guard, as the site's search does
(tests/search/test_search.py): /t/oost/agreements/?q=111222333 searched the list with a BSN and
showed it back in the box, the pager's and export's links and the language form's `next` (an
exploring tester; so did the bottleneck log, the sociale kaart and the postcode lookup's error).
Now a filter with a BSN or a name with a date of birth is refused: status 400, the list not
searched with it, nothing of it anywhere on the page, the guard's message (naming only the kind of
client data) at the box."""

import re
from urllib.parse import urlencode

import pytest

from tests.search.conftest import agreement, bottleneck, map_entry
from wijkverband.bottlenecks import views as bottleneck_views
from wijkverband.socialmap import views as socialmap_views

pytestmark = pytest.mark.django_db

CLIENT_DATA = ["111222333", "BSN 123 456 782", "mevrouw Jansen 12-03-1945", "J. de Vries geb. 3 mei 1950"]

#: (who, the list, its export) for every list with a search box.
LISTS = [
    ("carla", "/t/oost/agreements/", "/t/oost/agreements/export.csv"),
    ("carla", "/t/oost/bottlenecks/", "/t/oost/bottlenecks/export.csv"),
    ("carla", "/t/oost/sociale-kaart/", "/t/oost/sociale-kaart/export.csv"),
    ("olga", "/r/utrecht/sociale-kaart/", "/r/utrecht/sociale-kaart/export.csv"),
]


@pytest.fixture
def items(world, monkeypatch):
    """One item on each list, two pages of each (with a pager), named "Medicatie …"."""
    monkeypatch.setattr(bottleneck_views, "PAGE_SIZE", 1)
    monkeypatch.setattr(socialmap_views, "PAGE_SIZE", 1)
    monkeypatch.setattr("wijkverband.agreements.selectors.PAGE_SIZE", 1)
    for n in (1, 2):
        agreement(world, title=f"Medicatie bij ontslag {n}")
        bottleneck(world, title=f"Medicatie komt te laat {n}")
        map_entry(world, actor=world.carla, team=world.team_a, name=f"Medicatiecafé {n}")
        map_entry(world, actor=world.ada, region=world.region, name=f"Medicatiepunt regio {n}")


def _english(client):
    client.cookies["django_language"] = "en"
    return client


#: What a page carries at random (a form's CSRF token and sent-once token, a script's nonce): "782" in
#: a token is not the BSN's (a CI run found three of its digits in a CSRF token).
_RANDOM = re.compile(r'(name="(?:csrfmiddlewaretoken|sent_once)" value="|nonce=")[^"]*"')


def _nothing_of(q: str, page: str) -> None:
    page = _RANDOM.sub(r'\1"', page)
    digits = "".join(ch for ch in q if ch.isdigit())
    for shown in (q, digits, q.replace(" ", "+"), q.replace(" ", "%20"), "Jansen", "Vries", "••••••"):
        assert shown not in page, shown
    # No date of the query, in any writing, either.
    for number in re.findall(r"[0-9]+", q):
        if len(number) >= 3:
            assert number not in page, number


@pytest.mark.parametrize(("persona", "url", "export"), LISTS)
@pytest.mark.parametrize("q", CLIENT_DATA)
def test_a_list_filtered_with_client_data_is_refused_and_shows_none_of_it(
    world, client_for, items, persona, url, export, q
):
    client = _english(client_for(persona))
    response = client.get(url, {"q": q})
    assert response.status_code == 400
    page = response.content.decode()
    _nothing_of(q, page)
    assert "seems to contain client data" in page
    assert "BSN" in page if "BSN" in q or q.isdigit() else "date of birth" in page
    # The box is there, empty, with the message at it.
    box = re.search(r'<input[^>]*name="q"[^>]*>', page.split('id="header-search"', 1)[1]).group(0)
    assert "value=" not in box or 'value=""' in box
    assert re.search(r'utrecht-form-field-error-message" id="id_q_error"', page)
    # The language form goes back to the list without the query.
    assert re.search(rf'name="next" value="{re.escape(url)}"', page)
    # The list was not searched with it: it shows what the other filters give (everything here),
    # with its pager, whose links carry nothing of the query.
    assert "Medicatie" in page
    assert 'rel="next"' in page


@pytest.mark.parametrize(("persona", "url", "export"), LISTS)
def test_a_refused_filter_does_not_page_on_to_another_address(world, client_for, items, persona, url, export):
    """?q=<BSN>&page=99 was sent on to the last page, the BSN in the new address."""
    client = _english(client_for(persona))
    response = client.get(url, {"q": "111222333", "page": "99"})
    assert response.status_code == 400
    _nothing_of("111222333", response.content.decode())


@pytest.mark.parametrize(("persona", "url", "export"), LISTS)
@pytest.mark.parametrize("q", CLIENT_DATA)
def test_an_export_filtered_with_client_data_is_refused(world, client_for, items, persona, url, export, q):
    client = _english(client_for(persona))
    response = client.get(export, {"q": q})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "seems to contain client data" in page
    _nothing_of(q, page)


@pytest.mark.parametrize(("persona", "url", "export"), LISTS)
def test_another_filter_of_the_address_with_client_data_is_refused_too(world, client_for, items, persona, url, export):
    """A select's "not one of the available choices" repeated the value it did not know."""
    client = _english(client_for(persona))
    response = client.get(url, {"kind": "111222333", "status": "111222333", "owner": "111222333"})
    assert response.status_code == 400
    _nothing_of("111222333", response.content.decode())


@pytest.mark.parametrize(("persona", "url", "export"), LISTS)
def test_an_ordinary_filter_still_searches(world, client_for, items, persona, url, export):
    client = _english(client_for(persona))
    response = client.get(url, {"q": "Medicatie"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Medicatie" in page and 'value="Medicatie"' in page
    # The pager keeps the query.
    assert re.search(r'rel="next" href="\?q=Medicatie&amp;page=2"', page)
    assert client.get(url, {"q": "Kwzrtplx"}).status_code == 200
    assert "Medicatie" not in client.get(url, {"q": "Kwzrtplx"}).content.decode().split("<main", 1)[1]
    # A supplier's number is no BSN (docs/privacy.md): searched as typed.
    response = client.get(url, {"q": "Order 111222333"})
    assert response.status_code == 200
    assert 'value="Order 111222333"' in response.content.decode()
    assert client.get(export, {"q": "Medicatie"}).status_code == 200


@pytest.mark.parametrize("entered", CLIENT_DATA)
def test_the_postcode_lookup_refuses_client_data_and_shows_none_of_it(world, client_for, entered):
    """/postcode/?postcode=111222333 answered "“111222333” is not a Dutch postcode", the BSN in the
    message, the box and the language form's `next` of a public page."""
    client = _english(client_for("anonymous"))
    response = client.get("/postcode/", {"postcode": entered})
    assert response.status_code == 400
    page = response.content.decode()
    assert "seems to contain client data" in page
    _nothing_of(entered, page)
    assert 'name="next" value="/postcode/"' in page
    # A postcode still finds its team; a wrong one is still named back.
    assert client.get("/postcode/", {"postcode": "3581 AB"}).status_code == 200
    wrong = client.get("/postcode/", {"postcode": "12345"})
    assert wrong.status_code == 400 and "“12345” is not a Dutch postcode" in wrong.content.decode()


def test_the_search_refuses_client_data_in_its_other_filters_too(world, client_for):
    """/search/?q=zorg&kind=111222333: "Select a valid choice. 111222333 is not one of the available
    choices." repeated the BSN at the filters (the search checked only its box)."""
    client = _english(client_for("maarten"))
    response = client.get("/search/", {"q": "zorg", "kind": "111222333", "team": "mevrouw Jansen 12-03-1945"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "seems to contain client data" in page
    _nothing_of("111222333", page)
    _nothing_of("mevrouw Jansen 12-03-1945", page)


def _pager_links(page: str) -> list[str]:
    return re.findall(r'rel="(?:next|prev)" href="([^"]*)"', page)


def test_the_wijkcards_pager_keeps_only_its_own_parameters(world, client_for, monkeypatch):
    """The wijk card has no filters: its pager copied the whole address, so ?x=111222333 came back
    in its links."""
    from tests.wijkcard.conftest import add_entry
    from wijkverband.wijkcard import views as wijkcard_views

    monkeypatch.setattr(wijkcard_views, "PAGE_SIZE", 1)
    for n in range(3):
        add_entry(world, organisation=world.gp_a, contact_point=f"Lijn {n}")
    client = client_for("maarten")
    page = client.get("/t/oost/wijkkaart/?x=111222333&page=2").content.decode()
    assert _pager_links(page) == ["?page=1", "?page=3"]


def test_the_referral_records_pager_and_export_keep_only_the_filters(world, client_for, monkeypatch):
    """The record list copied the whole address into its pager and its export link; a status with
    client data was answered in Django's words, which repeat the value."""
    from tests.referrals.conftest import last_month, record

    monkeypatch.setattr("wijkverband.referrals.selectors.PAGE_SIZE", 1)
    for _n in range(3):
        record(world, day=last_month().replace(day=5))
    client = client_for("carla")
    url = "/t/oost/welzijn-op-recept/records/"
    page = client.get(url + "?status=referred&x=111222333&page=2").content.decode()
    assert "111222333" not in page.split("<footer", 1)[0]
    assert [link for link in _pager_links(page) if "x=" in link] == []
    assert all("status=referred" in link for link in _pager_links(page))
    export = re.search(r'href="([^"]*records/export\.csv[^"]*)"', page).group(1)
    assert "status=referred" in export and "x=" not in export
    refused = client.get(url + "?status=111222333")
    assert refused.status_code == 400
    _nothing_of("111222333", refused.content.decode())
    assert client.get(url + "export.csv?status=111222333").status_code == 400


def _language_next(page: str) -> str:
    form = page.split('class="wv-language', 1)[1]
    return re.search(r'name="next" value="([^"]*)"', form).group(1)


@pytest.mark.parametrize("q", CLIENT_DATA)
def test_the_language_form_never_repeats_client_data_of_the_address(world, client_for, q):
    """Every page's language form sent the person back to the whole address: a crafted one with a
    BSN in any parameter was shown in the page. Now the path, and the query only without client data."""
    from urllib.parse import urlencode

    client = client_for("maarten")
    for path in ("/t/oost/", "/t/oost/wijkkaart/", "/"):
        page = client.get(f"{path}?{urlencode({'note': q, 'page': '1'})}").content.decode()
        assert _language_next(page) == path
        _nothing_of(q, page)
    anonymous = client_for("anonymous").get(f"/accounts/login/?{urlencode({'next': '/t/oost/', 'x': q})}")
    assert _language_next(anonymous.content.decode()) == "/accounts/login/"
    # A page shown again after a POST goes back to the page the form was on: its address checked too.
    refused = client_for("carla").post(
        "/t/oost/members/invite/",
        {"email": "", "role": "member"},
        HTTP_REFERER=f"http://testserver/t/oost/members/invite/?{urlencode({'x': q})}",
    )
    assert refused.status_code == 400
    assert _language_next(refused.content.decode()) == "/t/oost/members/invite/"
    _nothing_of(q, refused.content.decode())


def test_the_language_form_keeps_an_address_without_client_data(world, client_for):
    page = client_for("maarten").get("/t/oost/wijkkaart/?page=1&view=compact").content.decode()
    assert _language_next(page) == "/t/oost/wijkkaart/?page=1&amp;view=compact"


#: (who, the list, a filter with a value the list does not know, that filter's label) for every list with filters.
BAD_FILTERS = [
    ("carla", "/t/oost/agreements/", "status", "Status"),
    ("carla", "/t/oost/bottlenecks/", "status", "Status"),
    ("carla", "/t/oost/sociale-kaart/", "kind", "Kind"),
    ("olga", "/r/utrecht/sociale-kaart/", "kind", "Kind"),
]


@pytest.mark.parametrize(("persona", "url", "name", "label"), BAD_FILTERS)
def test_a_filter_with_an_unknown_value_is_left_out_and_the_others_still_apply(
    world, client_for, persona, url, name, label
):
    """/t/oost/agreements/?status=bogus&q=medicatie showed every agreement: one value the list did
    not know dropped all its filters, without a word. The bottleneck log and the sociale kaart left
    out only that one and said so; now every list does."""
    agreement(world, title="Medicatie bij ontslag")
    agreement(world, title="Wondzorg in de wijk")
    bottleneck(world, title="Medicatie komt te laat")
    bottleneck(world, title="Wondzorg zonder materiaal")
    for n, entry in enumerate(("Medicatiecafé", "Wondzorgpunt")):
        if persona == "olga":
            map_entry(world, actor=world.ada, region=world.region, name=f"{entry} regio {n}")
        else:
            map_entry(world, actor=world.carla, team=world.team_a, name=entry)
    client = _english(client_for(persona))
    response = client.get(url, {name: "bogus", "q": "medicatie"})
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1]
    # The search still applies.
    assert "Medicatie" in main
    assert "Wondzorg" not in main
    # The page says which filter was left out, in the words the lists share.
    assert re.search(rf"{label}: Select a valid choice\. bogus is not one of the available choices\.", main)
    assert "There is a problem with this form" in main


def test_the_referral_records_keep_their_period_when_the_status_is_unknown(world, client_for):
    """The record list, too: ?start=…&end=…&status=bogus showed the last twelve months instead of the
    period asked for, and said nothing of the status it left out."""
    from tests.referrals.conftest import months_ago, record

    record(world, day=months_ago(3).replace(day=5), offer="Beweegmaatje")
    record(world, day=months_ago(1).replace(day=5), offer="Taalcafé")
    client = _english(client_for("carla"))
    month = months_ago(3).strftime("%Y-%m")
    response = client.get("/t/oost/welzijn-op-recept/records/", {"start": month, "end": month, "status": "bogus"})
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1]
    assert "Beweegmaatje" in main and "Taalcafé" not in main
    assert "Status: Select a valid choice. bogus is not one of the available choices." in main


#: A BSN and a name with a date of birth in one query (found by an exploratory walk: the search and
#: the postcode lookup named the BSN only, while the guard's refusal at a form names both).
BOTH = "Mevrouw de Vries, geboren 12-03-1950, BSN 123456782"
BOTH_NAMED = {
    "en": "This text seems to contain client data: a number that passes the BSN eleven-test and what looks like a "
    "date of birth with a name.",
    "nl": "Deze tekst lijkt cliëntgegevens te bevatten: een nummer dat de elfproef voor een BSN doorstaat en iets wat "
    "lijkt op een geboortedatum met een naam.",
}


def _said(page: str) -> str:
    return re.sub(r"\s+", " ", page)


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(
    ("persona", "url", "params"),
    [
        ("maarten", "/search/", lambda q: {"q": q}),
        ("anonymous", "/postcode/", lambda q: {"postcode": q}),
    ],
)
def test_the_search_and_the_postcode_lookup_name_every_kind_they_found(
    world, client_for, language, persona, url, params
):
    client = client_for(persona)
    client.cookies["django_language"] = language
    response = client.get(url, params(BOTH))
    assert response.status_code == 400
    page = response.content.decode()
    assert BOTH_NAMED[language] in _said(page)
    _nothing_of(BOTH, page)
    # Each kind once, however often it was found, and still nothing of any of it.
    twice = f"{BOTH}; BSN 111222333, mevrouw Jansen 12-03-1945"
    page = client.get(url, params(twice)).content.decode()
    assert _said(page).count("eleven-test" if language == "en" else "elfproef") == 1
    _nothing_of(twice, page)


def test_the_search_names_what_it_found_in_every_value_of_a_parameter(world, client_for):
    """?q=<a BSN>&q=<a name with a date of birth>: the first value's finding only was named."""
    client = _english(client_for("maarten"))
    response = client.get("/search/?" + urlencode([("q", "BSN 123456782"), ("q", "mevrouw Jansen 12-03-1945")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "a number that passes the BSN eleven-test and what looks like a date of birth with a name" in page
    _nothing_of("BSN 123456782", page)
    _nothing_of("mevrouw Jansen 12-03-1945", page)


def test_a_refused_export_names_every_kind_in_any_of_its_filters(world, client_for):
    client = _english(client_for("carla"))
    response = client.get(
        "/t/oost/bottlenecks/export.csv", {"q": "BSN 123456782", "owner": "mevrouw Jansen 12-03-1945"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    said = re.search(r"seems to contain client data: (.*?)\. Wijkverband", page).group(1)
    assert sorted(said.split(" and ")) == [
        "a number that passes the BSN eleven-test",
        "what looks like a date of birth with a name",
    ]
    _nothing_of("BSN 123456782", page)
    _nothing_of("mevrouw Jansen 12-03-1945", page)
