"""The notices page: one notice marked read on its own, and an unsubscribe link followed again."""

import re

import pytest

from tests.work.conftest import amsterdam
from tests.work.test_digests import notice
from wijkverband.work.models import Notice
from wijkverband.work.services import notice_preferences_set
from wijkverband.work.services.mail import unsubscribe_token


def _unread(user) -> set[int]:
    return set(Notice.objects.across_teams().filter(user=user, read_at__isnull=True).values_list("pk", flat=True))


def test_one_notice_is_marked_read_and_the_others_stay_unread(world, client_for):
    notice(world, world.maarten, title="Medicatieoverdracht", n=1)
    notice(world, world.maarten, title="Huisbezoeken", n=2)
    first, second = sorted(_unread(world.maarten))
    client = client_for("maarten")
    page = client.get("/notifications/").content.decode()
    assert page.count('name="notice"') == 2
    # Each button says which notice it is for (four in one minute all said "de melding van 21:20").
    assert page.count('Als gelezen markeren<span class="wv-visually-hidden">: “') == 2
    labels = re.findall(r'Als gelezen markeren<span class="wv-visually-hidden">: “([^”]*)”', page)
    assert len(set(labels)) == 2 and any("Huisbezoeken" in label for label in labels)
    response = client.post("/notifications/", {"notice": first})
    # At the word that it is done (#done), not at "#notices", whose move took the focus off it.
    assert response.status_code == 302 and response["Location"] == "/notifications/#done"
    assert _unread(world.maarten) == {second}
    page = client.get("/notifications/").content.decode()
    assert "1 ongelezen melding" in page and page.count('name="notice"') == 1


def test_nobody_marks_anothers_notice_read(world, client_for):
    notice(world, world.maarten, n=1)
    (theirs,) = _unread(world.maarten)
    for name in ("carla", "pieter", "rosa", "olga"):  # their own team, another team, a representative, the region
        client = client_for(name)
        assert client.post("/notifications/", {"notice": theirs}).status_code == 302
    assert _unread(world.maarten) == {theirs}


def test_a_notice_marked_read_in_place_comes_back_as_its_card_with_the_new_count(world, client_for):
    """With JavaScript the button marks it read without a new page (htmx): its card comes back without
    its button, the count and the word that it is done go to their places in the page, the header's
    count is asked again. Without, the page came back at its top, away from the list."""
    notice(world, world.maarten, title="Medicatieoverdracht", n=1)
    notice(world, world.maarten, title="Huisbezoeken", n=2)
    first, second = sorted(_unread(world.maarten))
    response = client_for("maarten").post("/notifications/", {"notice": first}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "wv-work-changed"
    page = response.content.decode()
    card = re.search(r'<li class="([^"]*)" id="notice-(\d+)" data-notice-marked>(.*?)</li>', page, re.S)
    assert card is not None and int(card.group(2)) == first
    assert "wv-notification--unread" not in card.group(1) and 'name="notice"' not in card.group(3)
    assert "Nieuw" not in card.group(3)
    assert '<div id="notices-summary" hx-swap-oob="innerHTML">' in page and "1 ongelezen melding" in page
    assert "Alles als gelezen markeren" in page  # one is still unread
    assert '<div id="messages" hx-swap-oob="innerHTML">' in page
    assert "De melding is als gelezen gemarkeerd." in page
    assert _unread(world.maarten) == {second}
    # The last one: no "mark all" any more.
    page = client_for("maarten").post("/notifications/", {"notice": second}, HTTP_HX_REQUEST="true").content.decode()
    assert "0 ongelezen meldingen" in page and "Alles als gelezen markeren" not in page
    assert _unread(world.maarten) == set()


def test_nobody_marks_anothers_notice_read_in_place(world, client_for):
    """404 in place (htmx swaps nothing), and the notice stays unread: nobody learns of it."""
    notice(world, world.maarten, title="Medicatieoverdracht", n=1)
    (theirs,) = _unread(world.maarten)
    for name in ("carla", "pieter", "rosa", "olga"):  # their own team, another team, a representative, the region
        response = client_for(name).post("/notifications/", {"notice": theirs}, HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert "Medicatieoverdracht" not in response.content.decode()
    for bad in ("abc", "-1", "99999999999999999999"):
        assert client_for("maarten").post("/notifications/", {"notice": bad}, HTTP_HX_REQUEST="true").status_code == 404
    assert _unread(world.maarten) == {theirs}


def test_a_notice_that_is_not_a_number_marks_nothing(world, client_for):
    notice(world, world.maarten, n=1)
    before = _unread(world.maarten)
    client = client_for("maarten")
    for bad in ("abc", "-1", "1 OR 1=1", "99999999"):
        assert client.post("/notifications/", {"notice": bad}).status_code == 302
    assert _unread(world.maarten) == before


def test_marking_read_asks_a_visitor_to_sign_in(world, client_for):
    notice(world, world.maarten, n=1)
    (theirs,) = _unread(world.maarten)
    response = client_for("anonymous").post("/notifications/", {"notice": theirs})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert _unread(world.maarten) == {theirs}


def test_an_unsubscribe_link_followed_again_says_it_is_off_and_does_not_ask_again(world, client):
    link = f"/unsubscribe/{unsubscribe_token(user_id=world.maarten.pk, category='email_mentions')}/"
    page = client.get(link).content.decode()
    assert "Stop deze e-mails" in page
    client.post(link)
    page = client.get(link).content.decode()
    assert "Deze e-mails staan al uit." in page and "Stop deze e-mails" not in page
    assert 'href="/notifications/"' in page


def test_an_unsubscribe_link_after_turning_them_off_on_the_page_does_not_ask(world, client):
    notice_preferences_set(actor=world.maarten, digest="off")
    page = client.get(f"/unsubscribe/{unsubscribe_token(user_id=world.maarten.pk, category='digest')}/")
    assert "Deze e-mails staan al uit." in page.content.decode()


def test_older_notices_are_reached_page_by_page(world, client_for):
    """Found by an exploratory test: 1,680 unread, the page showed the newest 100 and no way to
    older ones."""
    for n in range(105):
        notice(world, world.maarten, title=f"Melding {n:03}", n=n)
    client = client_for("maarten")
    page = client.get("/notifications/").content.decode()
    assert page.count('name="notice"') == 100
    older = re.search(r'href="(\?before=\d+)#notices" rel="prev"', page).group(1)
    rest = client.get("/notifications/" + older).content.decode()
    assert rest.count('name="notice"') == 5
    assert 'rel="prev"' not in rest and "Nieuwste meldingen" in rest
    # Marking one read on the older page comes back to that page.
    one = re.search(r'name="notice" value="(\d+)"', rest).group(1)
    back = client.post("/notifications/" + older, {"notice": one})
    assert back["Location"] == "/notifications/" + older + "#done"
    shown = set(re.findall(r"Melding \d{3}", page)) | set(re.findall(r"Melding \d{3}", rest))
    assert len(shown) == 105
    assert client.get("/notifications/?before=abc").status_code == 200


def test_a_middle_page_of_notices_leads_one_page_newer(world, client_for):
    """Found by an exploratory test: page 3 of 238 offered only "Nieuwste meldingen" (page 1)."""
    for n in range(230):
        notice(world, world.maarten, title=f"Melding {n:03}", n=n)
    client = client_for("maarten")
    first = client.get("/notifications/").content.decode()
    to_second = re.search(r'href="(\?before=\d+)#notices" rel="prev"', first).group(1)
    second = client.get("/notifications/" + to_second).content.decode()
    to_third = re.search(r'href="(\?before=\d+)#notices" rel="prev"', second).group(1)
    third = client.get("/notifications/" + to_third).content.decode()
    back = re.search(r'href="(\?before=\d+)#notices" rel="next"', third).group(1)
    assert back == to_second
    # From the second page, one newer is the newest: its link is "Nieuwste meldingen".
    assert 'rel="next"' not in second and "Nieuwste meldingen" in second


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("maarten", {"email_mentions", "email_ownership"}),  # a member of a team
        ("rosa", {"email_mentions"}),  # a client representative: named in a thread, never an owner
        ("olga", {"email_escalations"}),  # the region's overseer
        ("ines", set()),  # an external party: only the digest
    ],
)
def test_the_settings_offer_only_the_mails_that_can_reach_the_person(world, client_for, persona, offered):
    """Found by an exploratory test: client representatives, the insurer and the privacy officer
    were offered mails about owning bottlenecks and escalations to their region."""
    page = client_for(persona).get("/notifications/").content.decode()
    for name in ("email_mentions", "email_ownership", "email_escalations"):
        assert (f'name="{name}"' in page) == (name in offered), name
    # Saving the form leaves what it does not show as it was.
    from wijkverband.work.selectors import notice_preference

    before = notice_preference(user=world.persona(persona))
    client_for(persona).post("/notifications/preferences/", {"digest": "weekly"})
    after = notice_preference(user=world.persona(persona))
    for name in {"email_mentions", "email_ownership", "email_escalations"} - offered:
        assert getattr(after, name) == getattr(before, name), name


def test_an_unsubscribe_link_opens_in_the_language_of_the_mail_it_came_in(world, client):
    """Found by an exploratory test: an English account's digest link opened a Dutch page (signed
    out, in a mail client's browser), also after the click."""
    world.maarten.language = "en"
    world.maarten.save(update_fields=["language"])
    link = f"/unsubscribe/{unsubscribe_token(user_id=world.maarten.pk, category='digest')}/"
    response = client.get(link)
    page = response.content.decode()
    assert "Stop the digest e-mail of what is new for you?" in page and "Stop these e-mails" in page
    assert '<html lang="en"' in page and response["Content-Language"] == "en"
    page = client.post(link).content.decode()
    assert "Done: you no longer get these e-mails." in page
    # Someone who chose Dutch in this browser (the switch on the page) reads Dutch.
    client.cookies["django_language"] = "nl"
    assert "Deze e-mails staan al uit." in client.get(link).content.decode()


def test_an_unsubscribe_link_of_an_account_without_a_language_is_dutch(world, client):
    link = f"/unsubscribe/{unsubscribe_token(user_id=world.maarten.pk, category='digest')}/"
    page = client.get(link).content.decode()
    assert '<html lang="nl"' in page and "Stop deze e-mails" in page


def test_a_notice_that_quotes_its_title_is_not_quoted_again_in_its_buttons_label(world, client_for):
    """Found by an exploratory test: the hidden label of "mark as read" put a sentence that quotes
    the title in quotes once more: ": ““Overdracht vanuit het ziekenhuis komt laat” wacht na …”"."""
    from django.test import TestCase

    from wijkverband.bottlenecks.notices import NEED_OWNER
    from wijkverband.work.models import NoticeKind
    from wijkverband.work.services import Subject, notices_create

    notice(world, world.carla, kind=NoticeKind.STILL_WAITING, title="Overdracht vanuit het ziekenhuis", n=1)
    notice(world, world.carla, title="Huisbezoeken", n=2)  # a bare title: quoted
    subject = Subject(team=world.team_a, kind="team", id=world.team_a.pk, title="", path="/t/oost/bottlenecks/")
    with TestCase.captureOnCommitCallbacks(execute=True):  # someone left: a phrase of ours, without a sentence
        notices_create(
            kind=NoticeKind.MEMBER_LEFT,
            subject=subject,
            recipients=[world.carla.pk],
            key="test:left",
            params={"phrase": NEED_OWNER, "count": 2},
        )
    page = client_for("carla").get("/notifications/").content.decode()
    labels = re.findall(r'Als gelezen markeren<span class="wv-visually-hidden">: ([^<]*)</span>', page)
    assert len(labels) == 3, labels
    assert not any("““" in label or "””" in label for label in labels), labels
    assert any(label.startswith("“Overdracht vanuit het ziekenhuis” wacht na twee herinneringen") for label in labels)
    assert any(label.startswith("2 open knelpunten hebben een nieuwe eigenaar nodig, ") for label in labels), labels
    assert any(label.startswith("“Huisbezoeken”, ") for label in labels), labels


@pytest.mark.parametrize("part", ["", "?part=list"])
def test_the_page_reads_as_many_queries_for_fifty_notices_as_for_two(world, client_for, part):
    """One query for the notices with their teams and authors, however many (the page and the list
    the newest page fetches again after a notice frame)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("maarten")
    counts = []
    for total in (2, 50):
        for n in range(len(_unread(world.maarten)) + 1, total + 1):
            notice(world, world.maarten, title=f"Afspraak {n}", n=n, actor=world.carla if n % 2 else world.pieter)
        client.get("/notifications/" + part)  # the session and its person read once
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/notifications/" + part).content.decode()
        assert f"Afspraak {total}" in page
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_notices_stand_under_their_day_each_with_its_clock_time(world, client_for, clock):
    """Found by an exploratory test at 390 × 844: every notice said "Wijkverband Utrecht Oost · 7
    december 2026, 20:39", two lines of the card, ten times for one day. Now the notices stand under
    "Vandaag", "Gisteren" or the date (as a thread's messages), each with its clock time alone. The
    day is Amsterdam's: 23:30 UTC on 30 November is 1 December there. Without JavaScript the same:
    the server groups them."""
    clock.to(amsterdam(2027, 11, 28, 9, 5))
    notice(world, world.maarten, title="Eerder", n=1)
    clock.to(amsterdam(2027, 11, 30, 23, 50))
    notice(world, world.maarten, title="Gisteravond", n=2)
    clock.to(amsterdam(2027, 12, 1, 0, 30))
    notice(world, world.maarten, title="Vannacht", n=3)
    clock.to(amsterdam(2027, 12, 1, 10, 0))
    notice(world, world.maarten, title="Vanochtend", n=4)
    page = client_for("maarten").get("/notifications/").content.decode()
    days = re.findall(
        r'<h2 class="[^"]*wv-notices-day" id="(notices-[\d-]+)"><time datetime="([\d-]+)">([^<]*)</time>', page
    )
    assert [(day, label) for _id, day, label in days] == [
        ("2027-12-01", "Vandaag"),
        ("2027-11-30", "Gisteren"),
        ("2027-11-28", "28 november 2027"),
    ]
    lists = {
        label: re.findall(r"Als gelezen markeren<span[^>]*>: “([^”]*)”", body)
        for label, body in re.findall(r'aria-labelledby="notices-([\d-]+)">(.*?)</ul>', page, re.S)
    }
    assert lists == {"2027-12-01": ["Vanochtend", "Vannacht"], "2027-11-30": ["Gisteravond"], "2027-11-28": ["Eerder"]}
    shown = re.findall(r'<time datetime="[^"]+T[^"]+">([^<]*)</time>', page)
    assert shown == ["10:00", "00:30", "23:50", "09:05"]
    # A button still says the whole date to a screen reader, which may land on it from elsewhere.
    assert "Vannacht”, 1 december 2027, 00:30" in page


def test_no_notices_says_so(world, client_for):
    page = client_for("maarten").get("/notifications/").content.decode()
    assert "Geen meldingen." in page and "wv-notices-day" not in page
