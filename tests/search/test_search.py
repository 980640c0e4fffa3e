"""What a search finds and how it shows it: the kinds, the version in force first, filters,
highlighting, Dutch words, the link to a message far back in its thread."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.search.conftest import agreement, agreement_edit, bottleneck, card_entry, map_entry, post, signed_in, thread
from wijkverband.agreements import services as agreement_services
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.core.dates import years_after
from wijkverband.core.textsearch.backend import corrected, widened
from wijkverband.core.textsearch.query import parse
from wijkverband.threads.models import Message

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming, accents and typos need PostgreSQL's full-text search"
)


def _search(user, **params):
    client = signed_in(user)
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def _titles(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t) for t in re.findall(r'class="utrecht-link wv-search-hit__title"[^>]*>(.*?)</a>', page)
    ]


def _links(page: str) -> list[str]:
    return re.findall(r'class="utrecht-link wv-search-hit__title" href="([^"]+)"', page)


@pytest.mark.django_db
def test_one_search_finds_every_kind_and_marks_the_words(world):
    agreement(world, title="Medicatie bij ontslag", body="De apotheek krijgt de ontslagmedicatie.")
    bottleneck(world, title="Apotheek mist het overzicht", description="Het overzicht komt niet bij de apotheek.")
    post(thread(world, title="Weekend"), actor=world.carla, body="Bel de apotheek op zaterdag.")
    card_entry(world, organisation=world.pharmacy, notes="Dienstapotheek na 17 uur: apotheek Linde")
    map_entry(
        world,
        actor=world.maarten,
        team=world.team_a,
        name="Apotheekcafé",
        description="Praten over apotheek en medicijnen",
    )
    page = _search(world.maarten, q="apotheek")
    for label in ("Agreements", "Bottlenecks", "Messages", "Neighbourhood card", "Social map"):
        assert f">{label} <span" in page
    assert "<mark>apotheek</mark>" in page
    assert "Bel de <mark>apotheek</mark> op zaterdag." in page


@pytest.mark.django_db
def test_the_version_in_force_comes_first_and_an_earlier_text_says_so(world):
    adopted = agreement(world, title="Overdracht bij ontslag", body="Kwartaaloverleg met de apotheek.")
    agreement_services.party_add_organisation(actor=world.carla, agreement=adopted, organisation=world.gp_a)
    agreement_services.agreement_propose(actor=world.carla, agreement=adopted)
    adopted.refresh_from_db()
    agreement_services.endorsement_record(
        actor=world.carla, agreement=adopted, version_number=adopted.version_count, decision="endorsed"
    )
    adopted.refresh_from_db()
    assert adopted.adopted_version_id == adopted.current_version_id
    older = agreement(world, title="Oude afspraak", body="Kwartaaloverleg in het wijkcentrum.")
    agreement_edit(older, actor=world.carla, body="Maandelijks overleg in het wijkcentrum.")
    page = _search(world.maarten, q="kwartaaloverleg")
    assert _titles(page) == ["Overdracht bij ontslag", "Oude afspraak"]
    assert "In force" in page
    assert "An earlier text (version 1)" in page
    assert f"/t/oost/agreements/{older.pk}/versions/" in _links(page)[1]


@pytest.mark.django_db
def test_a_compound_finds_its_parts_written_apart_or_with_a_hyphen(world):
    bottleneck(world, title="Medicatie-overdracht loopt vast")
    bottleneck(world, title="Wie gaat de medicatie bij ontslag overdragen?")
    bottleneck(world, title="Medicatie is op")
    page = _search(world.maarten, q="medicatieoverdracht")
    assert sorted(_titles(page)) == ["Medicatie-overdracht loopt vast", "Wie gaat de medicatie bij ontslag overdragen?"]
    assert "<mark>Medicatie</mark>-<mark>overdracht</mark>" in page


@pytest.mark.django_db
def test_a_word_finds_the_compounds_that_end_in_it_and_marks_them(world):
    # PostgreSQL's full text matches a word whole or by its start: the word list gives the
    # compounds that hold it after their first letters (SQLite's "contains" finds them as it is).
    bottleneck(world, title="Medicatieoverdracht loopt vast")
    bottleneck(world, title="De ontslagbrief komt te laat")
    bottleneck(world, title="Twee ontslagbrieven zoek")
    for q in ("overdracht", "overdragen", "Overdracht loopt"):
        page = _search(world.maarten, q=q)
        assert _titles(page) == ["Medicatieoverdracht loopt vast"], q
        assert "<mark>Medicatieoverdracht</mark>" in page
    page = _search(world.maarten, q="brief")
    assert sorted(_titles(page)) == ["De ontslagbrief komt te laat", "Twee ontslagbrieven zoek"]
    assert "<mark>ontslagbrief</mark>" in page and "<mark>ontslagbrieven</mark>" in page
    # Not a word's first letters: those are the word's own start, not a compound's later part.
    bottleneck(world, title="Een afwijking in de planning")
    page = _search(world.maarten, q="wijk")
    if connection.vendor == "postgresql":
        assert "Nothing found" in page
    assert "<mark>" not in page  # (SQLite's "contains" finds it, and marks it no more than the other would)


@pytest.mark.django_db
def test_the_compounds_of_every_word_cost_one_query_on_the_word_list(world):
    bottleneck(world, title="Medicatieoverdracht en ontslagbrief")
    with CaptureQueriesContext(connection) as queries:
        query = widened(parse("overdracht brief de zorg xylofoon"))
    if connection.vendor != "postgresql":
        assert len(queries) == 0 and not any(term.inside for term in query.terms)
        return
    assert len(queries) == 1
    inside = {term.word: term.inside for term in query.terms}
    assert inside == {"overdracht": ("medicatieoverdracht",), "brief": ("ontslagbrief",), "zorg": (), "xylofoon": ()}


@pytest.mark.parametrize(
    ("word", "q", "ends"),
    [
        ("medicatieoverdracht", "overdracht", True),
        ("medicatieoverdracht", "overdragen", True),  # by its prefix "overdra…"
        ("zorgoverdrachten", "overdracht", True),  # an ending
        ("ontslagbrief", "brief", True),
        ("valpreventie", "preventie", True),
        ("thuiszorgoverleg", "overleg", True),  # two known words first
        ("huisartsenpost", "post", True),  # "huis" + "artsen"
        ("overdrachtsformulier", "overdracht", False),  # the word is not its last part
        ("medicatieoverdrachtsformulier", "overdracht", False),
        ("afwijking", "wijk", False),  # "af" is no first part
        ("plezieoverdracht", "overdracht", False),  # "plezie" is no known word
        ("ontslagbrieven", "brief", True),  # the plural's f becomes a v
        ("zorghuizen", "huis", True),  # and its s a z
        ("ontslagbrievenbus", "brief", False),  # a third part after it
    ],
)
def test_a_compound_ends_in_a_word_after_a_known_first_part(word, q, ends):
    term = parse(q).terms[0]
    assert term.ends(word) is ends
    assert parse(q).marks(word) is (ends or word.startswith(term.inner))  # marked by the same rules


@pytest.mark.django_db
def test_a_compound_from_a_text_one_may_not_read_widens_the_query_and_finds_nothing(world):
    # The word list spans every team: another team's compound, or an internal item's, is searched
    # for on behalf of someone who may not read it, and shows to them as nothing, not even a count.
    bottleneck(world, team=world.team_b, actor=world.pieter, title="Zorgkwaxtrilbon in Zuid")
    bottleneck(world, title="Wijkquvelstramp intern", internal=True)
    if connection.vendor == "postgresql":
        assert widened(parse("kwaxtrilbon quvelstramp")).terms[0].inside == ("zorgkwaxtrilbon",)
    for user, q in ((world.maarten, "kwaxtrilbon"), (world.rosa, "quvelstramp")):
        page = _search(user, q=q)
        assert "Nothing found" in page and "wv-search-group" not in page, user
    assert _titles(_search(world.pieter, q="kwaxtrilbon")) == ["Zorgkwaxtrilbon in Zuid"]
    assert _titles(_search(world.maarten, q="quvelstramp")) == ["Wijkquvelstramp intern"]


@postgres_only
@pytest.mark.django_db
def test_dutch_stemming_accents_and_typos_on_postgresql(world):
    bottleneck(world, title="De cliëntenraad wil meepraten")
    bottleneck(world, title="Huisartsen overleggen te weinig")
    assert _titles(_search(world.maarten, q="clientenraad")) == ["De cliëntenraad wil meepraten"]
    assert _titles(_search(world.maarten, q="huisarts")) == ["Huisartsen overleggen te weinig"]
    assert _titles(_search(world.maarten, q="overleg")) == ["Huisartsen overleggen te weinig"]
    typo = _search(world.maarten, q="clientenrad")
    assert _titles(typo) == ["De cliëntenraad wil meepraten"]  # a typo
    assert "<mark>cliëntenraad</mark>" in typo  # marked as the word it found


@pytest.mark.django_db
def test_a_typo_is_corrected_only_to_a_word_some_text_holds(world):
    bottleneck(world, title="Dementievriendelijke wijk")
    if connection.vendor != "postgresql":
        assert corrected(parse("dementievriendelijk")) is None  # SQLite: no word list, no correction
        return
    assert corrected(parse("dementievriendelijke wijk")) is None  # every word is known
    assert corrected(parse("dementievriendleijke")).terms[0].similar == ("dementievriendelijke",)
    assert corrected(parse("xylofoon")) is None  # nothing like it anywhere
    assert "Nothing found" in _search(world.maarten, q="xylofoon")


@pytest.mark.django_db
def test_filters_kind_team_author_dates_and_status(world):
    mine = bottleneck(world, actor=world.pieter, title="Baxterrol te laat")
    bottleneck(world, actor=world.maarten, title="Baxterrol kwijt")
    bottleneck(world, team=world.team_b, actor=world.pieter, title="Baxterrol in Zuid")
    post(thread(world), actor=world.pieter, body="Baxterrol besproken")
    assert len(_titles(_search(world.pieter, q="baxterrol"))) == 4
    assert len(_titles(_search(world.pieter, q="baxterrol", kind="bottleneck"))) == 3
    assert len(_titles(_search(world.pieter, q="baxterrol", team="oost"))) == 3
    assert sorted(_titles(_search(world.pieter, q="baxterrol", team="oost", author=world.pieter.pk))) == [
        "Baxterrol te laat",
        "Overleg",
    ]
    mine.refresh_from_db()
    bottleneck_services.bottleneck_close(actor=world.carla, bottleneck=mine, version=mine.version, reason="Opgelost")
    assert _titles(_search(world.pieter, q="baxterrol", status="done")) == ["Baxterrol te laat"]
    assert len(_titles(_search(world.pieter, q="baxterrol", status="open"))) == 2  # messages have no status
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _titles(_search(world.pieter, q="baxterrol", since=tomorrow)) == []
    assert len(_titles(_search(world.pieter, q="baxterrol", until=tomorrow))) == 4


@pytest.mark.django_db
def test_the_header_searches_the_current_team_and_the_page_offers_all_teams(world):
    client = signed_in(world.pieter)
    home = client.get("/t/oost/").content.decode()
    assert '<input type="hidden" name="team" value="oost">' in home
    assert 'action="/search/"' in home
    page = _search(world.pieter, q="iets", team="oost")
    assert '<option value="" >All my teams</option>' in page or ">All my teams</option>" in page
    assert '<option value="zuid">Utrecht Zuid</option>' in page


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_few_or_many_results(world):
    def queries():
        client = signed_in(world.maarten)
        client.get("/search/", {"q": "rolstoel"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "rolstoel"}).status_code == 200
        return len(captured)

    bottleneck(world, title="Rolstoel 1")
    post(thread(world), actor=world.carla, body="Rolstoel nodig")
    few = queries()
    for n in range(8):
        bottleneck(world, title=f"Rolstoel {n + 2}")
        post(thread(world, title=f"Overleg {n}"), actor=world.carla, body="Rolstoel nodig")
    assert queries() == few


@pytest.mark.django_db
def test_an_overseers_search_costs_the_same_queries_with_more_teams(world):
    """Found by an exploratory test: the author filter read each team's professionals on its own,
    one query a team (57 queries for an overseer of 33 teams)."""
    from tests.personas import make_user
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership

    bottleneck(world, title="Medicatie bij ontslag")

    def queries():
        client = signed_in(world.olga)
        client.get("/search/", {"q": "medicatie"})
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/search/", {"q": "medicatie"})
            assert page.status_code == 200
        return len(captured), page.content.decode()

    few, _page = queries()
    for n in range(3):
        team = tenancy_services.team_create(
            actor=world.ada, region=world.region, name=f"Extra {n}", slug=f"extra-{n}", municipality="Utrecht"
        )
        nursing = tenancy_services.organisation_add(
            actor=world.ada, team=team, name=f"Wijkverpleging Extra {n}", kind="wijkverpleging"
        )
        person = make_user(f"extra{n}", f"Extra Lid {n}")
        tenancy_services.membership_create(
            actor=None, team=team, user=person, role=Membership.Role.MEMBER, organisation=nursing
        )
    more, page = queries()
    assert more == few
    # The new teams' people are in the author filter, each once; pieter works in two teams.
    assert "Extra Lid 2" in page and page.count(f'value="{world.pieter.pk}"') == 1


@pytest.mark.django_db
def test_a_message_far_back_opens_its_thread_around_it(world):
    talk = thread(world, title="Lang overleg")
    target = post(talk, actor=world.carla, body="Het rooster van de dienstapotheek staat hier")
    # 300 later messages (written directly: the post service limits posts per minute).
    now = timezone.now()
    Message.objects.bulk_create(
        Message(team=world.team_a, thread=talk, author=world.maarten, body=f"later {n}", body_html=f"<p>later {n}</p>",
                seq=target.seq + 1 + n, created_at=now)
        for n in range(300)
    )  # fmt: skip
    type(talk).objects.filter(pk=talk.pk).update(seq=target.seq + 300)
    page = _search(world.maarten, q="dienstapotheek rooster")
    link = _links(page)[0]
    assert link == f"/t/oost/threads/{talk.pk}/?at={target.seq}#message-{target.pk}"
    client = signed_in(world.maarten)
    newest = client.get(f"/t/oost/threads/{talk.pk}/").content.decode()
    assert f'id="message-{target.pk}"' not in newest
    around = client.get(link.split("#")[0]).content.decode()
    assert f'id="message-{target.pk}"' in around
    assert "later 9<" in around and "later 10<" not in around
    assert client.get(f"/t/oost/threads/{talk.pk}/?at=x").status_code == 400


@pytest.mark.django_db
def test_someone_without_a_team_finds_nothing_and_is_told_why(world):
    from tests.personas import make_user

    bottleneck(world, title="Rolstoel")
    page = _search(make_user("nobody", "Niemand"), q="rolstoel")
    assert "Nothing found" in page and "You are not in a team yet" in page


def test_the_query_is_folded_split_and_stripped_of_syntax():
    query = parse("Cliënt & medicatieoverdracht | 'de' !!")
    assert [t.word for t in query.terms] == ["client", "medicatieoverdracht"]
    assert query.terms[1].parts == ("medica", "overdra")
    assert not parse("de het een")


def test_a_search_with_nothing_to_search_for_says_why(world):
    """What was typed decides the answer: "type one or more words" only when nothing was typed."""
    bottleneck(world, title="Baxterrol te laat")
    short = _search(world.pieter, q="a de")
    assert "Nothing to search for in “a de”" in short and "Type one or more words" not in short
    empty = _search(world.pieter, q="")
    assert "Type one or more words" in empty and "Nothing to search for" not in empty
    signs = _search(world.pieter, q="🏥 ?!")
    assert "search with letters or digits; signs and emoji are left out" in signs
    assert "single letters and very common words" not in signs
    assert "single letters and very common words" in short
    long = _search(world.pieter, q="baxterrol " * 30)
    assert "Search with at most 200 characters; this text has 299." in long  # core.listfilters.SearchField
    assert "Type one or more words" not in long and _titles(long) == []


def test_words_after_the_sixth_are_named_as_not_searched(world):
    """Found by an exploratory test: eight words gave "Nothing found for" all eight, though only
    six were searched."""
    bottleneck(world, title="Wachtlijst dementie")
    words = "wachtlijst zorgvolume overleg dementie apotheek huisarts ontslag mantelzorg"
    assert parse(words).left_out == ("ontslag", "mantelzorg")
    page = _search(world.pieter, q=words)
    assert "Only the first 6 words are searched for, not: ontslag, mantelzorg." in page
    assert "Only the first" not in _search(world.pieter, q="wachtlijst dementie")
    client = Client()
    client.force_login(world.pieter)
    page = client.get("/search/", {"q": words + " nachtzorg"}).content.decode()
    assert "Alleen op de eerste 6 woorden is gezocht, niet op: ontslag, mantelzorg, nachtzorg." in page


def test_dates_that_cannot_be_searched_are_named_and_the_filters_shown(world):
    bottleneck(world, title="Baxterrol te laat")
    today = timezone.localdate()
    backwards = _search(
        world.pieter, q="baxterrol", since=today.isoformat(), until=(today - timedelta(days=3)).isoformat()
    )
    assert "This date is before “From”: left out of the search." in backwards
    assert _titles(backwards) == ["Baxterrol te laat"]  # from today on, as if "up to" was empty
    assert re.search(r'<details class="wv-search-page__filters" open>', backwards)
    impossible = _search(world.pieter, q="baxterrol", since="2026-13-45")
    assert "Enter a valid date." in impossible
    assert re.search(r'<details class="wv-search-page__filters" open>', impossible)
    assert _titles(impossible) == ["Baxterrol te laat"]
    plain = _search(world.pieter, q="baxterrol")
    assert re.search(r'<details class="wv-search-page__filters">', plain)


def test_the_search_page_says_why_in_dutch(world):
    client = Client()
    client.force_login(world.pieter)
    with translation.override("nl"):
        page = client.get("/search/", {"q": "a"}).content.decode()
        assert "Niets om op te zoeken in “a”" in page
        today = timezone.localdate()
        page = client.get(
            "/search/", {"q": "x1", "since": today.isoformat(), "until": (today - timedelta(days=1)).isoformat()}
        ).content.decode()
        assert "Deze datum ligt vóór “Van”" in page


@pytest.mark.django_db
def test_a_word_with_an_accent_is_found_typed_with_or_without_it_on_either_database(world):
    """Found by an exploratory test: on SQLite (`make run`) "cliënt", "client" or "coördinatie"
    found nothing, though readable texts held them (the query was folded, the text was not)."""
    bottleneck(world, title="Overleg over een kwetsbare cliënt", description="De coördinatie loopt vast.")
    for q in ("cliënt", "client", "CLIËNT", "coördinatie", "coordinatie"):
        assert _titles(_search(world.maarten, q=q, kind="bottleneck")) == ["Overleg over een kwetsbare cliënt"], q


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page_and_the_search_box_is_a_search_box(world):
    """Found by an exploratory test: ?page=5 of two showed "Berichten (28)" above an empty list; and
    the page's own box rendered type="text" before type="search" (a text box, to assistive technology)."""
    from tests.threads.helpers import post as thread_post
    from wijkverband.search.selectors import PAGE_ROWS
    from wijkverband.threads import services as thread_services

    topic = thread(world, title="Paginaproef")
    limit = thread_services.POSTS_PER_MINUTE
    thread_services.POSTS_PER_MINUTE = 10_000
    try:
        for i in range(PAGE_ROWS + 3):
            thread_post(topic, world.carla, f"paginaproef nummer {i}")
    finally:
        thread_services.POSTS_PER_MINUTE = limit
    page = _search(world.maarten, q="paginaproef", kind="message", page=5)
    assert len(_titles(page)) == 3
    assert 'rel="prev"' in page or "Vorige" in page
    box = re.search(r"<input[^>]*name=\"q\"[^>]*>", page).group(0)
    assert box.count("type=") == 1 and 'type="search"' in box


@pytest.mark.django_db
def test_an_ended_agreement_says_which_text_was_in_force_until_the_end_and_which_never_was(world):
    """Found by an exploratory test: a word of version 1 of an ended agreement was tagged "Van
    kracht"; a word only in its never-adopted version 2 was tagged "Beëindigd" and led to the
    agreement's page, which shows version 1, where that word is not."""
    ended = agreement(world, title="Overdracht na opname", body="Kwartaaloverleg met de apotheek.")
    agreement_services.party_add_organisation(actor=world.carla, agreement=ended, organisation=world.gp_a)
    agreement_services.agreement_propose(actor=world.carla, agreement=ended)
    agreement_services.endorsement_record(actor=world.carla, agreement=ended, version_number=1, decision="endorsed")
    ended.refresh_from_db()
    agreement_edit(ended, actor=world.carla, body="Kwartaaloverleg en een weekendrooster met de apotheek.")
    ended.refresh_from_db()
    agreement_services.agreement_end(actor=world.carla, agreement=ended, reason="Opgegaan in de regio")
    page = _search(world.maarten, q="kwartaaloverleg")
    assert "In force until the end" in page and "· In force<" not in page
    assert _links(page) == [f"/t/oost/agreements/{ended.pk}/"]
    page = _search(world.maarten, q="weekendrooster")
    assert "Never adopted (version 2)" in page and "Ended" not in page
    (link,) = _links(page)
    assert link == f"/t/oost/agreements/{ended.pk}/compare/?a=1&amp;b=2"
    # There the word is shown (the agreement's page shows version 1, without it).
    shown = signed_in(world.maarten).get(link.replace("&amp;", "&")).content.decode()
    assert "weekendrooster" in shown
    assert "weekendrooster" not in signed_in(world.maarten).get(f"/t/oost/agreements/{ended.pk}/").content.decode()
    with translation.override("nl"):
        dutch = signed_in(world.maarten)
        dutch.cookies["django_language"] = "nl"
        html = dutch.get("/search/", {"q": "weekendrooster"}).content.decode()
    assert "Nooit vastgesteld (versie 2)" in html


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["111222333", "BSN 123 456 782", "mevrouw Jansen 12-03-1945"])
def test_a_search_for_client_data_is_refused_and_not_shown_back(world, q):
    """/search/?q=111222333 put a BSN into the page title, the box, the language form's `next` and
    the links (an exploring tester): refused with the guard's message, nothing of it echoed."""
    client = signed_in(world.maarten)
    response = client.get("/search/", {"q": q, "kind": "agreement"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "seems to contain client data" in page
    assert 'name="q"' in page  # the form is there to search again
    digits = "".join(ch for ch in q if ch.isdigit())
    for shown in (q, digits, q.replace(" ", "+"), "Jansen"):
        assert shown not in page, shown
    assert re.search(r'name="next" value="/search/"', page)
    # The title says the page came back refused (as every page with a refused form), and names nothing of it.
    assert "<title>Error: Search" in page.replace("\n", "")


@pytest.mark.django_db
def test_an_ordinary_search_still_shows_its_words(world):
    page = _search(world.maarten, q="Order 111222333")
    assert "Order 111222333" in page  # a supplier's number is no BSN (docs/privacy.md)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q, part",
    [
        ("mevrouw Jansen geboren 12-03-1950", "12-03-1950"),
        ("J. de Vries 3 mei 1950", "3 mei 1950"),
        ("mw. Jansen 1950-03-12", "1950-03-12"),
        ("BSN 111222333", "••••••333"),
    ],
)
def test_a_refused_search_says_what_it_found_without_repeating_any_of_it(world, q, part):
    """/search/?q=mevrouw Jansen geboren 12-03-1950 answered "… met een naam (12-03-1950)": the date of
    birth from the address bar in full (a tester). The refusal names what kind of client data it saw,
    and shows nothing of the query: neither the date, the name, nor a BSN's last digits."""
    for language, kind in (("en", "date of birth"), ("nl", "geboortedatum")):
        client = signed_in(world.maarten)
        client.cookies["django_language"] = language
        with translation.override(language):
            response = client.get("/search/", {"q": q})
        assert response.status_code == 400
        page = response.content.decode()
        if "BSN" in q:
            kind = "BSN"
        assert kind in page
        for shown in (part, "Jansen", "Vries", "••••••"):
            assert shown not in page, (language, shown)


def _snippets(page: str) -> list[str]:
    return re.findall(r'<p class="[^"]*wv-search-hit__snippet[^"]*">(.*?)</p>', page, re.DOTALL)


@pytest.mark.django_db
def test_a_snippet_reads_as_the_text_shows_not_as_its_markdown(world):
    post(
        thread(world, title="Buurthuis"),
        actor=world.carla,
        body="## Agenda\n\nVolgende week donderdag is het **wijkoverleg** in het buurthuis.\n\n"
        "- Zie [het verslag](https://example.org/verslag) en `agenda.pdf`\n- _Koffie_ staat klaar",
    )
    bottleneck(world, title="Vervoer", description="Het *wijkoverleg* heeft geen vervoer: 5 < 6 & meer")
    agreement(world, title="Bijeenkomst", body="1. Het __wijkoverleg__ komt > één keer per maand bijeen")
    page = _search(world.maarten, q="wijkoverleg")
    snippets = _snippets(page)
    assert len(snippets) == 3, snippets
    assert (
        "Agenda Volgende week donderdag is het <mark>wijkoverleg</mark> in het buurthuis. "
        "Zie het verslag en agenda.pdf Koffie staat klaar"
    ) in snippets
    assert "Het <mark>wijkoverleg</mark> heeft geen vervoer: 5 &lt; 6 &amp; meer" in snippets
    assert any("komen. Het <mark>wijkoverleg</mark> komt &gt; één keer per maand bijeen" in s for s in snippets)
    for marks in ("*", "##", "](", "`", "__", "- ", "1. "):
        assert not any(marks in s for s in snippets), marks


def test_a_date_far_back_or_far_ahead_is_named_at_its_box_and_the_rest_still_searches(world):
    """Found by an exploratory test of the date boxes: "From 1 January 0001" failed with a 500 (the
    day's midnight in Amsterdam is before the first moment Python holds in UTC). Then a date before
    2000 was moved up to 1 January 2000 without a word: the box said 1999 and the search ran from
    2000. Now the box says the window, as every date box does (core/dates.py), and the search runs
    without that date, with the other filters."""
    bottleneck(world, title="Baxterrol te laat")
    latest = date_format(years_after(timezone.localdate(), 10))
    window = f"Give a date between 1 January 2000 and {latest}."
    for since, until in (("0001-01-01", "9999-12-31"), ("1999-12-31", ""), ("", "0001-01-01")):
        params = {"q": "baxterrol", "kind": "bottleneck", "since": since, "until": until}
        page = _search(world.pieter, **{name: value for name, value in params.items() if value})
        for name, value in (("since", since), ("until", until)):
            error = re.search(rf'id="id_{name}_error">(.*?)</p>', page)
            assert (error.group(1) if error else None) == (window if value else None), (name, value)
            if value:
                # What was typed stays in the box, as typed: not moved to another date.
                assert re.search(rf'<input type="date" name="{name}" value="{value}"', page), name
        assert "2000-01-01" not in page
        assert re.search(r'<details class="wv-search-page__filters" open>', page)
        assert _titles(page) == ["Baxterrol te laat"]
        assert re.search(r'<option value="bottleneck" selected>', page)  # the other filters kept
    with translation.override("nl"):
        dutch = signed_in(world.pieter)
        dutch.cookies["django_language"] = "nl"
        page = dutch.get("/search/", {"q": "baxterrol", "since": "1999-12-31"}).content.decode()
    assert "Vul een datum in tussen 1 januari 2000 en " in page


def test_the_first_day_of_2000_and_today_still_search(world):
    bottleneck(world, title="Baxterrol te laat")
    today = timezone.localdate().isoformat()
    page = _search(world.pieter, q="baxterrol", since="2000-01-01", until=today)
    assert "Give a date" not in page
    assert _titles(page) == ["Baxterrol te laat"]
    assert _titles(_search(world.pieter, q="baxterrol", until="2000-01-01")) == []
