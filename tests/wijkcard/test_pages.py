"""The wijk card's pages and its places elsewhere: the card, the exports, the team-home panel, the
region column, the public section and "Mijn werk". Pages are read in Dutch, as people see them."""

import csv
import io
import re
from datetime import datetime, timedelta

import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.wijkcard.conftest import add_entry, entry_post
from wijkverband.core.freshness import add_months
from wijkverband.core.registry import public_sections, region_column_cells
from wijkverband.mywork.selectors import asked_count, my_work
from wijkverband.wijkcard import selectors, services
from wijkverband.wijkcard.models import ContactEntry

BSN = "111222333"


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _fill(world, n: int, *, start: int = 0):
    organisations = [world.gp_a, world.pharmacy, world.nursing_a, world.social_a]
    for i in range(start, start + n):
        entry = add_entry(
            world,
            organisation=organisations[i % 4],
            contact_point=f"Lijn {i}",
            confirmed_on=add_months(timezone.localdate(), -8 if i % 2 else -1),
        )
        services.suggestion_create(actor=world.rosa, entry=entry, text=f"Klopt lijn {i} nog?")


# --- the card -------------------------------------------------------------------------------------------


def test_the_card_costs_the_same_queries_for_few_or_many_entries(world, client_for):
    _fill(world, 2)
    for persona in ("maarten", "rosa"):
        client = client_for(persona)
        client.get("/t/oost/wijkkaart/")  # warm the session and the rights
    few = {p: _queries(lambda p=p: client_for(p).get("/t/oost/wijkkaart/")) for p in ("maarten", "rosa")}
    _fill(world, 12, start=2)
    assert len(selectors.team_entries(team=world.team_a)) == 14
    for persona in ("maarten", "rosa"):
        assert _queries(lambda p=persona: client_for(p).get("/t/oost/wijkkaart/")) == few[persona]


def test_the_card_shows_every_time_of_day_and_marks_stale_entries_in_words(world, client_for):
    add_entry(world, contact_point="Actueel", night_phone="0900 1515", weekend_phone="088 000 1111")
    add_entry(world, contact_point="Verouderd", confirmed_on=add_months(timezone.localdate(), -7))
    page = client_for("maarten").get("/t/oost/wijkkaart/").content.decode()
    for text in ("Overdag", "’s Avonds", "’s Nachts", "In het weekend", "0900 1515", "088 000 1111"):
        assert text in page
    assert 'href="tel:+31301234567"' in page and 'href="tel:09001515"' in page
    assert "1 regel is verouderd" in page
    stale_card = page[page.index("Verouderd") : page.index("Verouderd") + 3000]
    assert "verouderd: had uiterlijk" in stale_card
    assert "Laatst bevestigd op" in page and "Maarten Lid" in page


def test_read_only_roles_see_no_buttons_and_representatives_may_suggest(world, client_for):
    add_entry(world)
    member = client_for("maarten").get("/t/oost/wijkkaart/").content.decode()
    assert "Regel toevoegen" in member and "Bevestigen: klopt nog" in member and "Correctie voorstellen" not in member
    for persona in ("rosa", "rik"):
        page = client_for(persona).get("/t/oost/wijkkaart/").content.decode()
        assert "Regel toevoegen" not in page and "Bevestigen: klopt nog" not in page and "/remove/" not in page
        assert "Correctie voorstellen" in page
    overseer = client_for("olga").get("/t/oost/wijkkaart/").content.decode()
    assert "Correctie voorstellen" not in overseer and "Regel toevoegen" not in overseer
    assert "/wijkkaart/settings/" in client_for("carla").get("/t/oost/wijkkaart/").content.decode()
    assert "/wijkkaart/settings/" not in member


def test_the_professionals_lines_are_not_shown_to_client_representatives(world, client_for):
    """Found by an exploratory test: a client representative read the direct line for
    professionals and the ZorgMail address on the card, while the printed card says they are for
    professionals only."""
    entry = add_entry(world, direct_phone="030 271 4419", secure_mail="oosterspoor@zorgmail.nl")
    secrets = ("030 271 4419", "0302714419", "+31302714419", "oosterspoor@zorgmail.nl")
    pages = [
        "/t/oost/wijkkaart/",
        "/t/oost/wijkkaart/print/",
        "/t/oost/wijkkaart/export.vcf",
        "/t/oost/wijkkaart/export.csv",
    ]
    for persona in ("rosa", "rik"):  # the team's and the region's client representative
        client = client_for(persona)
        for url in [*pages, f"/t/oost/wijkkaart/{entry.pk}/suggest/"]:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            body = response.content.decode("utf-8")
            assert not any(secret in body for secret in secrets), (persona, url)
            assert "Direct nummer voor professionals" not in body and "Beveiligd mailen" not in body, (persona, url)
        rows = list(csv.reader(io.StringIO(client.get(pages[3]).content.decode("utf-8")[1:]), delimiter=";"))
        assert all(len(row) == len(rows[0]) for row in rows)
    for persona in ("maarten", "olga"):  # a member; the region's overseer
        client = client_for(persona)
        for url in pages:
            body = client.get(url).content.decode("utf-8")
            assert "030 271 4419" in body or "+31302714419" in body, (persona, url)
            assert "oosterspoor@zorgmail.nl" in body, (persona, url)


def test_client_data_is_refused_at_the_field_with_the_input_kept(world, client_for):
    response = client_for("maarten").post("/t/oost/wijkkaart/new/", entry_post(world, notes=f"Mw. BSN {BSN}"))
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'id="id_notes_error">(.*?)</div>', page, re.S).group(1)
    assert "cliëntgegevens" in error and BSN not in error
    assert "Triagelijn praktijk" in page  # the rest of the input is kept
    assert not ContactEntry.objects.exists()


def test_a_wrong_phone_number_is_named_at_its_field(world, client_for):
    response = client_for("maarten").post("/t/oost/wijkkaart/new/", entry_post(world, weekend_phone="06 1234 5678"))
    assert response.status_code == 400
    error = re.search(r'id="id_weekend_phone_error">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert "mobiel nummer" in error


def test_every_wrong_phone_and_text_is_named_at_its_field_at_once(world, client_for):
    """Found by an exploratory test: one error showed per submit, and the error list called all
    four phones "Telefoon"."""
    response = client_for("maarten").post(
        "/t/oost/wijkkaart/new/",
        entry_post(
            world,
            day_phone="abc",
            evening_phone="xyz",
            night_phone="qqq",
            day_hours="Jan Jansen 12-03-1954",
            notes=f"BSN {BSN}",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    for name in ("day_phone", "evening_phone", "night_phone", "day_hours", "notes"):
        assert re.search(rf'id="id_{name}_error">', page), name
    labels = re.findall(r'<label class="utrecht-form-label" for="id_(\w+_phone)">([^<]*)<', page)
    assert dict(labels)["evening_phone"].strip() == "Telefoon ’s avonds"
    assert len({label for _name, label in labels}) == len(labels)  # each phone has its own name
    assert "Tijden overdag lijkt cliëntgegevens te bevatten" in page
    assert not ContactEntry.objects.exists()


def test_the_forms_checkboxes_are_not_labelled_optional(world, client_for):
    page = client_for("maarten").get("/t/oost/wijkkaart/new/").content.decode()
    for name in ("serves_wijk", "takes_lead", "public", "mobile_is_service"):
        label = page[page.index(f'for="id_{name}"') :]
        assert "niet verplicht" not in label[: label.index("</label>")], name
    label = page[page.index('for="id_notes"') :]
    assert "(niet verplicht)" in label[: label.index("</label>")]


def test_a_mobile_without_the_tick_and_a_wrong_secure_mail_are_named_with_the_rest_at_once(world, client_for):
    """Found by an exploratory test: three submits for one form; the phone error first, then
    "Dit is een mobiel nummer (06)…", then the e-mail (the service's checks, run once the form was
    otherwise valid)."""
    response = client_for("maarten").post(
        "/t/oost/wijkkaart/new/",
        entry_post(world, day_phone="06 1234 5678", evening_phone="12", secure_mail="avond@"),
    )
    assert response.status_code == 400
    page = response.content.decode()

    def error(name):
        return re.search(rf'id="id_{name}_error">(.*?)</div>', page, re.S).group(1)

    assert "Dit is een mobiel nummer (06)" in error("day_phone")
    assert "“12” is geen Nederlands telefoonnummer" in error("evening_phone")
    assert "als e-mailadres" in error("secure_mail")
    assert "06 1234 5678" in page and "avond@" in page  # what was typed is kept
    assert not ContactEntry.objects.exists()


def test_the_form_names_a_missing_way_to_reach_the_wrong_kind_and_a_missing_arrangement_at_once(world, client_for):
    response = client_for("maarten").post(
        "/t/oost/wijkkaart/new/",
        entry_post(world, day_phone="", day_hours="", serves_wijk="on", takes_lead="on"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Geef minstens één manier" in page
    assert re.search(r'id="id_serves_wijk_error">', page) and re.search(r'id="id_lead_arrangement_error">', page)
    assert not ContactEntry.objects.exists()


def test_a_missing_way_to_reach_is_shown_at_the_phone_fields_and_linked_from_the_summary(world, client_for):
    """Found by an exploratory walk: with every phone and secure-mail box empty, "Geef minstens één
    manier…" stood only in the summary, as plain text; no box said so and none was aria-invalid."""
    empty = {f"{key}_phone": "" for key in ("day", "evening", "night", "weekend", "direct")}
    response = client_for("maarten").post("/t/oost/wijkkaart/new/", entry_post(world, **empty, secure_mail=""))
    assert response.status_code == 400
    page = response.content.decode()
    summary = re.search(r"data-error-summary>(.*?)</div>", page, re.S).group(1)
    assert re.search(r'<a class="utrecht-link" href="#id_day_phone">[^<]*Geef minstens één manier', summary)
    assert "Geef minstens één manier" in re.search(r'id="id_day_phone_error">(.*?)</div>', page, re.S).group(1)
    for name in ("day_phone", "evening_phone", "night_phone", "weekend_phone", "direct_phone", "secure_mail"):
        box = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in box, name
        assert "id_day_phone_error" in box, name  # each box is described by the one message
    assert page.count("Geef minstens één manier") == 2  # the summary and the first phone box, not per box
    assert not ContactEntry.objects.exists()


def test_an_arrangement_without_the_lead_is_refused_not_dropped(world, client_for):
    """It was saved without the arrangement typed (only the lead keeps one), without a word."""
    response = client_for("maarten").post(
        "/t/oost/wijkkaart/new/",
        entry_post(world, takes_lead="", lead_arrangement="Wij bellen de huisarts binnen een uur"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_lead_arrangement_error"' in page and "vink dat ook aan" in page
    assert "Wij bellen de huisarts binnen een uur" in page
    assert not ContactEntry.objects.exists()


def test_the_form_names_who_takes_the_lead_now_and_saying_so_takes_it_over(world, client_for):
    """Found by an exploratory test: ticking "Deze organisatie neemt de regie…" silently took the
    lead (and its arrangement) from Welzijn Oost's entry; the page said only "… is opgeslagen en
    bevestigd"."""
    arrangement = "Het buurtteam neemt de regie: binnen twee werkdagen belt de welzijnscoach."
    social = add_entry(
        world, organisation=world.social_a, contact_point="Buurtteam", takes_lead=True, lead_arrangement=arrangement
    )
    gp = add_entry(world)
    client = client_for("maarten")
    page = client.get(f"/t/oost/wijkkaart/{gp.pk}/edit/").content.decode()
    help_text = page[page.index('id="id_takes_lead_helptext"') :]
    help_text = help_text[: help_text.index("</div>")]
    assert f"{social.title} neemt nu de regie" in help_text and arrangement in help_text
    assert "Als je dit aanvinkt, neemt deze organisatie het over" in help_text
    own = client.get(f"/t/oost/wijkkaart/{social.pk}/edit/").content.decode()
    assert "neemt nu de regie" not in own  # its own form does not name itself
    response = client.post(
        f"/t/oost/wijkkaart/{gp.pk}/edit/",
        entry_post(world, takes_lead="on", lead_arrangement="De huisarts belt het buurtteam.", version=gp.version),
        follow=True,
    )
    page = response.content.decode()
    assert f"“{gp.title}” neemt nu de regie, in plaats van “{social.title}”" in page
    social.refresh_from_db()
    assert not social.takes_lead and social.lead_arrangement == arrangement
    # The former holder's form shows the arrangement it kept, and saving it unchanged is no error.
    page = client.get(f"/t/oost/wijkkaart/{social.pk}/edit/").content.decode()
    assert arrangement in page and "Bewaard van toen deze organisatie de regie nam" in page
    assert f"{gp.title} neemt nu de regie" in page
    post = entry_post(
        world,
        organisation=world.social_a.pk,
        contact_point="Buurtteam",
        day_phone="030 240 5500",
        lead_arrangement=arrangement,
        version=social.version,
    )
    assert client.post(f"/t/oost/wijkkaart/{social.pk}/edit/", post).status_code == 302
    social.refresh_from_db()
    assert social.lead_arrangement == arrangement and not social.takes_lead


def test_a_form_open_on_the_former_lead_does_not_take_the_lead_back_unseen(world, client_for):
    social = add_entry(
        world, organisation=world.social_a, contact_point="Buurtteam", takes_lead=True, lead_arrangement="Wij bellen."
    )
    opened = social.version
    add_entry(world, takes_lead=True, lead_arrangement="De huisarts belt.")
    post = entry_post(
        world,
        organisation=world.social_a.pk,
        contact_point="Buurtteam",
        takes_lead="on",
        lead_arrangement="Wij bellen.",
        version=opened,
    )
    assert client_for("maarten").post(f"/t/oost/wijkkaart/{social.pk}/edit/", post).status_code == 409
    social.refresh_from_db()
    assert not social.takes_lead


def test_a_suggestion_with_client_data_is_refused_at_the_field(world, client_for):
    entry = add_entry(world)
    response = client_for("rosa").post(f"/t/oost/wijkkaart/{entry.pk}/suggest/", {"text": f"BSN {BSN} belde"})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not entry.suggestions.exists()


def test_the_representative_sees_the_status_of_their_suggestion(world, client_for):
    entry = add_entry(world)
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, text="Weekendnummer klopt niet")
    page = client_for("rosa").get("/t/oost/wijkkaart/").content.decode()
    assert "Weekendnummer klopt niet" in page and "Wacht op antwoord" in page
    assert "Weekendnummer klopt niet" not in client_for("rik").get("/t/oost/wijkkaart/").content.decode()
    member = client_for("maarten").get("/t/oost/wijkkaart/").content.decode()
    assert f"/t/oost/wijkkaart/suggestions/{suggestion.pk}/" in member
    services.suggestion_decline(actor=world.maarten, suggestion=suggestion, answer="Net nagebeld: klopt wel.")
    page = client_for("rosa").get("/t/oost/wijkkaart/").content.decode()
    assert "Afgewezen" in page and "Net nagebeld: klopt wel." in page


def test_the_print_page_is_one_table_for_one_a4_page(world, client_for):
    add_entry(world, takes_lead=True, lead_arrangement="De huisarts belt het buurtteam.")
    page = client_for("carla").get("/t/oost/wijkkaart/print/").content.decode()
    assert "wijkcard-print.css" in page and 'media="print"' in page
    assert page.count("<table") == 1 and "De huisarts belt het buurtteam." in page


def test_the_printed_cards_summary_marks_stale_lines_as_the_screen_does(world, client_for):
    """Found by an exploratory test: the printed card's top named a stale district-nursing team and
    lead without "(verouderd)"."""
    old = add_months(timezone.localdate(), -9)
    add_entry(world, organisation=world.nursing_a, contact_point="Team Zuid", serves_wijk=True, confirmed_on=old)
    add_entry(
        world,
        organisation=world.social_a,
        contact_point="Buurtteam",
        takes_lead=True,
        lead_arrangement="Het buurtteam belt binnen twee werkdagen.",
        confirmed_on=old,
    )
    page = client_for("maarten").get("/t/oost/wijkkaart/print/").content.decode()
    facts = page[page.index('<dl class="wv-facts">') : page.index("</dl>")]
    assert "Team Zuid (verouderd)" in facts
    assert f"{world.social_a.name} (verouderd): Het buurtteam belt binnen twee werkdagen." in facts


# --- exports -----------------------------------------------------------------------------------------


def _vcards(text: str) -> list[dict[str, list[str]]]:
    """A small vCard reader: unfold lines (RFC 2425), split cards, map property name -> values."""
    assert "\r\n" in text
    lines = text.replace("\r\n ", "").split("\r\n")
    cards, current = [], None
    for line in filter(None, lines):
        name, _sep, value = line.partition(":")
        if line == "BEGIN:VCARD":
            current = {}
        elif line == "END:VCARD":
            cards.append(current)
            current = None
        else:
            current.setdefault(name.split(".")[-1], []).append(value)
    assert current is None
    return cards


def test_the_vcard_export_has_one_card_per_entry(world, client_for):
    add_entry(
        world, secure_mail="oost@zorgmail.nl", notes="Vraag naar de triagist; ook voor spoed", night_phone="0900 1515"
    )
    add_entry(
        world, organisation=world.pharmacy, contact_point="Dienstapotheek", day_phone="0301112233", evening_phone=""
    )
    response = client_for("maarten").get("/t/oost/wijkkaart/export.vcf")
    assert response["Content-Type"].startswith("text/vcard")
    assert "attachment" in response["Content-Disposition"] and ".vcf" in response["Content-Disposition"]
    cards = _vcards(response.content.decode())
    assert len(cards) == 2
    gp = next(c for c in cards if c["ORG"] == ["Huisarts Oost;Triagelijn praktijk"])
    assert "TEL;TYPE=WORK,VOICE,PREF" in gp and gp["TEL;TYPE=WORK,VOICE,PREF"] == ["+31301234567"]
    assert sorted(gp["TEL;TYPE=WORK,VOICE"]) == ["09001234", "09001515"]  # service numbers as written
    assert gp["EMAIL;TYPE=INTERNET,WORK"] == ["oost@zorgmail.nl"]
    assert "Vraag naar de triagist\\; ook voor spoed" in gp["NOTE"][0]  # escaped
    assert all(c["VERSION"] == ["3.0"] and c["FN"] for c in cards)


def test_the_csv_export_is_for_dutch_excel(world, client_for):
    add_entry(world, notes="=1+1")
    add_entry(world, organisation=world.pharmacy, contact_point="Dienstapotheek; avond")
    response = client_for("rosa").get("/t/oost/wijkkaart/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert len(rows) == 3 and rows[0][:3] == ["Organisatie", "Soort", "Aanspreekpunt"]
    assert {r[2] for r in rows[1:]} == {"Triagelijn praktijk", "Dienstapotheek; avond"}
    assert all(len(r) == len(rows[0]) for r in rows)
    assert ";'=1+1;" in body  # a formula is defused


# --- the team home -------------------------------------------------------------------------------------


def test_the_team_home_starts_with_whom_to_call_now_and_the_stale_warning(world, client_for):
    add_entry(world, contact_point="Oud", confirmed_on=add_months(timezone.localdate(), -9))
    page = client_for("pieter").get("/t/oost/").content.decode()
    assert page.index("wijkcard-heading") < page.index("for-you-heading") < page.index("core-heading")
    assert "Wie je nu belt" in page and "1 regel is verouderd" in page
    assert "Wijkkaart" in page[page.index("wv-team-nav") :]


def test_whom_to_call_follows_the_time_of_day(world):
    add_entry(world, night_phone="0900 1515", weekend_phone="088 000 1111")
    tz = timezone.get_current_timezone()
    wednesday = datetime(2026, 12, 2, 10, 0, tzinfo=tz)
    cases = {
        wednesday: ("day", "030 123 4567"),
        wednesday.replace(hour=19): ("evening", "0900 1234"),
        wednesday.replace(hour=3): ("night", "0900 1515"),
        wednesday + timedelta(days=3): ("weekend", "088 000 1111"),  # Saturday
        datetime(2026, 12, 25, 10, 0, tzinfo=tz): ("weekend", "088 000 1111"),  # Christmas
    }
    for moment, (slot, phone) in cases.items():
        summary = selectors.summary(team=world.team_a, moment=moment)
        assert summary.slot == slot and [call.phone for call in summary.calls] == [phone]


def _calls(world, moment) -> dict[str, str]:
    return {call.entry.contact_point: call.phone for call in selectors.summary(team=world.team_a, moment=moment).calls}


def test_at_night_on_a_weekend_or_holiday_whom_to_call_is_the_night_line(world):
    """Found by an exploratory test: on Sunday 00:13 the team home gave the district-nursing team's
    day mobile (weekend hours 08:00–17:00) and left out its night line; a team without a weekend
    number but with a night line was left out altogether."""
    add_entry(
        world,
        organisation=world.nursing_a,
        contact_point="Team Oost-2",
        day_phone="06 1234 5601",
        day_hours="dagelijks 08:00–17:00",
        evening_phone="088 123 4500",
        night_phone="088 123 4599",
        night_hours="23:00–07:00",
        weekend_phone="06 1234 5601",
        weekend_hours="08:00–17:00, daarna de avond- en nachtdienst",
        mobile_is_service=True,
    )
    add_entry(
        world,
        organisation=world.nursing_a,
        contact_point="Team Hoograven",
        day_phone="030 288 4400",
        evening_phone="088 123 4500",
        night_phone="088 123 4599",
    )
    tz = timezone.get_current_timezone()
    sunday_night = datetime(2026, 12, 6, 0, 13, tzinfo=tz)
    assert selectors.slot_at(sunday_night) == "night"
    calls = _calls(world, sunday_night)
    assert calls["Team Oost-2"] == "088 123 4599" and calls["Team Hoograven"] == "088 123 4599"
    christmas_night = datetime(2026, 12, 25, 3, 0, tzinfo=tz)
    assert _calls(world, christmas_night)["Team Oost-2"] == "088 123 4599"
    saturday = datetime(2026, 12, 5, 0, 0, tzinfo=tz)
    # The card's boundaries: day (or the weekend's day) 08:00–17:00, evening 17:00–23:00, night 23:00–08:00.
    for hour, minute, slot, phone in [
        (7, 59, "night", "088 123 4599"),
        (8, 0, "weekend", "06 1234 5601"),
        (16, 59, "weekend", "06 1234 5601"),
        (17, 0, "evening", "088 123 4500"),
        (22, 59, "evening", "088 123 4500"),
        (23, 0, "night", "088 123 4599"),
    ]:
        moment = saturday.replace(hour=hour, minute=minute)
        assert selectors.slot_at(moment) == slot, (hour, minute)
        assert _calls(world, moment)["Team Oost-2"] == phone, (hour, minute)
    assert "Team Hoograven" not in _calls(world, saturday.replace(hour=10))  # no weekend number: not its day one


def test_without_a_night_number_the_weekend_number_answers_a_weekend_night_never_the_day_one(world, client_for):
    add_entry(world, contact_point="Praktijk", evening_phone="", weekend_phone="0900 450 1450", weekend_hours="HAP")
    tz = timezone.get_current_timezone()
    for moment in (
        datetime(2026, 12, 6, 0, 13, tzinfo=tz),  # Sunday
        datetime(2026, 12, 4, 23, 30, tzinfo=tz),  # Friday night, into Saturday
        datetime(2026, 12, 7, 3, 0, tzinfo=tz),  # Monday, the end of Sunday night
        datetime(2026, 12, 5, 19, 0, tzinfo=tz),  # Saturday evening
    ):
        summary = selectors.summary(team=world.team_a, moment=moment)
        assert [(call.phone, call.slot) for call in summary.calls] == [("0900 450 1450", "weekend")], moment
    for moment in (datetime(2026, 12, 3, 3, 0, tzinfo=tz), datetime(2026, 12, 3, 19, 0, tzinfo=tz)):  # Thursday
        assert selectors.summary(team=world.team_a, moment=moment).calls == [], moment
    with translation.override("nl"):
        html = render_to_string(
            "wijkcard/panel_team.html",
            {"panel": {"team": world.team_a, "summary": selectors.summary(
                team=world.team_a, moment=datetime(2026, 12, 6, 0, 13, tzinfo=tz)), "stale_rows": 5}},
        )  # fmt: skip
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Wie je nu belt (’s nachts)" in text and "0900 450 1450 (in het weekend en op feestdagen) · HAP" in text
    assert 'href="tel:09004501450"' in html


def test_the_evening_before_a_weekend_or_a_holiday_gives_the_weekend_number_without_an_evening_one(world):
    """Found by an exploratory test: a GP out-of-hours service entered as "vr 17:00 – ma 08:00 en
    feestdagen" (a weekend number only) was left out of "whom to call now" on Friday 20:00 and on
    Christmas Eve 20:00, and listed from 23:30 on."""
    add_entry(
        world,
        contact_point="Huisartsenpost",
        day_phone="",
        evening_phone="",
        weekend_phone="0900 450 1450",
        weekend_hours="vr 17:00 – ma 08:00 en feestdagen",
    )
    add_entry(world, contact_point="Avonddienst", weekend_phone="088 000 1111")  # has an evening number
    tz = timezone.get_current_timezone()
    for moment in (
        datetime(2026, 12, 11, 20, 0, tzinfo=tz),  # Friday evening
        datetime(2026, 12, 24, 20, 0, tzinfo=tz),  # Thursday, the evening before Christmas
        datetime(2026, 5, 13, 17, 0, tzinfo=tz),  # Wednesday, the evening before Ascension Day
    ):
        summary = selectors.summary(team=world.team_a, moment=moment)
        calls = {call.entry.contact_point: (call.phone, call.slot) for call in summary.calls}
        assert calls["Huisartsenpost"] == ("0900 450 1450", "weekend"), moment
        assert calls["Avonddienst"] == ("0900 1234", ""), moment  # its own evening number
    friday_night = datetime(2026, 12, 11, 23, 30, tzinfo=tz)  # as it was
    assert _calls(world, friday_night)["Huisartsenpost"] == "0900 450 1450"
    thursday_evening = datetime(2026, 12, 10, 20, 0, tzinfo=tz)  # an ordinary working week
    assert "Huisartsenpost" not in _calls(world, thursday_evening)


def test_on_good_friday_the_practice_answers_on_its_day_number(world):
    """Good Friday is no public holiday (Algemene termijnenwet): GP practices and pharmacies are open."""
    add_entry(world, contact_point="Praktijk", weekend_phone="0900 450 1450")
    good_friday = datetime(2026, 4, 3, 10, 0, tzinfo=timezone.get_current_timezone())
    assert selectors.slot_at(good_friday) == "day"
    assert _calls(world, good_friday) == {"Praktijk": "030 123 4567"}
    assert selectors.slot_at(good_friday.replace(day=6)) == "weekend"  # Easter Monday


def test_the_card_marks_as_now_the_number_the_team_home_gives(world, client_for):
    """Found by an exploratory test: on Sunday 03:00 the card said "’s Nachts (nu) — geen nummer"
    for an entry whose weekend number the team home (rightly) gave."""
    add_entry(world, contact_point="Huisartsenpost", evening_phone="", weekend_phone="0900 450 1450")
    add_entry(world, contact_point="Nachtlijn", night_phone="088 123 4599", weekend_phone="088 000 1111")

    def now_rows(page: str) -> dict[str, str]:
        rows = {}
        for name in ("Huisartsenpost", "Nachtlijn"):
            article = page[page.index(f">{name}") :]
            article = article[: article.index("</article>")]
            now = re.search(r'<div class="wv-wijkcard__now"><dt>(.*?)</dt><dd>(.*?)</dd>', article, re.S)
            rows[name] = re.sub(r"<[^>]+>", "", f"{now[1]} {now[2]}") if now else ""
        return rows

    with time_machine.travel(datetime(2026, 12, 6, 3, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        rows = now_rows(client_for("maarten").get("/t/oost/wijkkaart/").content.decode())
    assert "In het weekend en op feestdagen (nu)" in rows["Huisartsenpost"]
    assert "0900 450 1450" in rows["Huisartsenpost"]
    assert "’s Nachts (nu)" in rows["Nachtlijn"] and "088 123 4599" in rows["Nachtlijn"]
    with time_machine.travel(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        rows = now_rows(client_for("maarten").get("/t/oost/wijkkaart/").content.decode())
    assert "’s Nachts (nu)" in rows["Huisartsenpost"] and "geen nummer" in rows["Huisartsenpost"]  # a Tuesday


def test_on_a_holiday_the_weekend_number_is_named_so_that_it_is_true(world, client_for):
    """Found by an exploratory test: on Christmas Day (a Friday in 2026) the panel read "Wie je nu
    belt (in het weekend)"."""
    add_entry(world, contact_point="Praktijk", weekend_phone="0900 450 1450", weekend_hours="HAP")
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=timezone.get_current_timezone())
    with translation.override("nl"):
        html = render_to_string(
            "wijkcard/panel_team.html",
            {"panel": {"team": world.team_a, "summary": selectors.summary(team=world.team_a, moment=christmas)}},
        )
    assert "Wie je nu belt (in het weekend en op feestdagen):" in html and "0900 450 1450" in html
    with time_machine.travel(christmas, tick=False):
        client = client_for("maarten")
        card = client.get("/t/oost/wijkkaart/").content.decode()
        printed = client.get("/t/oost/wijkkaart/print/").content.decode()
        exported = client.get("/t/oost/wijkkaart/export.csv").content.decode("utf-8-sig")
        vcard = client.get("/t/oost/wijkkaart/export.vcf").content.decode()
    assert "In het weekend en op feestdagen" in card and "In het weekend en op feestdagen" in printed
    assert "In het weekend en op feestdagen: telefoon" in exported.splitlines()[0]
    assert "X-ABLabel:In het weekend en op feestdagen" in vcard
    for page in (card, printed, exported, vcard):
        assert "In het weekend<" not in page and "In het weekend:" not in page and "In het weekend;" not in page


def test_the_team_home_names_who_has_no_number_now_instead_of_leaving_them_out(world):
    """Found by an exploratory test: at the weekend the panel listed the GP's weekend line only; the
    pharmacy and the district nursing, without a weekend number, were left out without a word (the
    card itself said "geen nummer"). An organisation with another line that answers is not named."""
    add_entry(world, organisation=world.gp_a, contact_point="Praktijk", weekend_phone="0900 450 1450")
    add_entry(world, organisation=world.pharmacy, contact_point="Balie", day_phone="030 111 2233")
    add_entry(world, organisation=world.nursing_a, contact_point="Team Noord", day_phone="030 222 3344")
    add_entry(world, organisation=world.nursing_a, contact_point="Team Zuid", day_phone="030 222 3355")
    add_entry(world, organisation=world.social_a, contact_point="Buurtteam", day_phone="030 333 4455")
    add_entry(world, organisation=world.social_a, contact_point="Weekendlijn", weekend_phone="030 333 4466")
    sunday = datetime(2026, 12, 6, 11, 0, tzinfo=timezone.get_current_timezone())
    with translation.override("nl"):
        html = render_to_string(
            "wijkcard/panel_team.html",
            {"panel": {"team": world.team_a, "summary": selectors.summary(team=world.team_a, moment=sunday)}},
        )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "0900 450 1450" in text and "030 333 4466" in text
    assert f"Nu geen nummer: {world.pharmacy.name}, {world.nursing_a.name}." in text
    assert world.social_a.name not in text.split("Nu geen nummer:")[1]
    monday = datetime(2026, 12, 7, 11, 0, tzinfo=timezone.get_current_timezone())
    with translation.override("nl"):
        html = render_to_string(
            "wijkcard/panel_team.html",
            {"panel": {"team": world.team_a, "summary": selectors.summary(team=world.team_a, moment=monday)}},
        )
    assert "Nu geen nummer" not in html  # on a weekday every organisation has a line that answers


def test_hours_with_their_own_brackets_are_not_bracketed_twice_on_the_team_home(world):
    """Found by an exploratory test: the panel read "(23:00–08:00 (huisartsenpost))"."""
    add_entry(world, contact_point="Praktijk", night_phone="0900 450 1450", night_hours="23:00–08:00 (huisartsenpost)")
    night = datetime(2026, 12, 9, 3, 0, tzinfo=timezone.get_current_timezone())  # a Wednesday
    with translation.override("nl"):
        html = render_to_string(
            "wijkcard/panel_team.html",
            {"panel": {"team": world.team_a, "summary": selectors.summary(team=world.team_a, moment=night)}},
        )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Praktijk: 0900 450 1450 · 23:00–08:00 (huisartsenpost)" in text
    assert "((" not in text and "))" not in text


def test_the_team_home_panel_costs_the_same_queries_for_few_or_many_entries(world, client_for):
    _fill(world, 1)
    client = client_for("maarten")
    client.get("/t/oost/")
    few = _queries(lambda: client.get("/t/oost/"))
    _fill(world, 10, start=1)
    assert _queries(lambda: client.get("/t/oost/")) == few


# --- the region -------------------------------------------------------------------------------------------


def test_the_region_column_shows_each_teams_freshness_in_one_query(world, client_for):
    add_entry(world)
    add_entry(world, contact_point="Oud", confirmed_on=add_months(timezone.localdate(), -7))
    teams = [world.team_a, world.team_b]
    with CaptureQueriesContext(connection) as captured:
        cells = dict((column.key, values) for column, values in region_column_cells(teams=teams))["wijkcard"]
    assert len([q for q in captured if "wijkcard" in q["sql"]]) == 1
    assert cells[world.team_a.pk].text == "1 of 2 current" and cells[world.team_a.pk].tone == "warning"
    assert cells[world.team_b.pk].text == "no entries yet"
    page = client_for("olga").get("/r/utrecht/").content.decode()
    assert "Wijkkaart" in page and "1 van 2 actueel" in page


# --- the public lookup -----------------------------------------------------------------------------------


def test_the_public_section_shows_only_public_entries_and_no_person(world):
    add_entry(
        world,
        contact_point="Algemeen nummer",
        public=True,
        direct_phone="030 777 8888",
        secure_mail="oost@zorgmail.nl",
        notes="Intern: vraag naar Henk",
    )
    add_entry(world, contact_point="Geheime terugbellijn", day_phone="030 555 6666", public=False)
    add_entry(
        world,
        team=world.team_b,
        actor=world.bram,
        organisation=world.nursing_b,
        contact_point="Zuid",
        public=True,
        maintainer=world.bram,
    )
    section = next(s for s in public_sections() if s.key == "wijkcard")
    contexts = section.context(teams=[world.team_a, world.team_c])
    assert set(contexts) == {world.team_a.pk}  # a team without public entries has no section
    html = render_to_string(section.template, {"panel": contexts[world.team_a.pk]})
    assert "Algemeen nummer" in html and "030 123 4567" in html and "Huisarts Oost" in html
    for never in (
        "Geheime terugbellijn",
        "030 555 6666",  # a non-public entry
        "030 777 8888",  # the direct line
        "oost@zorgmail.nl",  # secure mail
        "Henk",  # notes
        "Maarten",
        "Carla",  # the responsible member, who confirmed it
        "Zuid",  # another team's entry
    ):
        assert never not in html, never
    fields = (
        {f for e in contexts[world.team_a.pk]["entries"] for f in vars(e)}
        if hasattr(contexts[world.team_a.pk]["entries"][0], "__dict__")
        else set()
    )
    assert not fields & {"maintainer", "confirmed_by", "notes", "direct_phone", "secure_mail"}


def test_the_public_sees_an_entry_the_team_marks_stale_marked_so(world):
    """The public lookup showed a stale number as if it were current, while the team's own card
    says "verouderd"."""
    from django.utils import formats, translation

    old = add_months(timezone.localdate(), -(world.team_a.reconfirm_months + 1))
    add_entry(world, contact_point="Oude lijn", public=True, confirmed_on=old)
    add_entry(world, contact_point="Verse lijn", public=True)
    section = next(s for s in public_sections() if s.key == "wijkcard")
    with translation.override("nl"):
        html = render_to_string(section.template, {"panel": section.context(teams=[world.team_a])[world.team_a.pk]})
        stale, fresh = html.split("Oude lijn")[1].split("</li>")[0], html.split("Verse lijn")[1].split("</li>")[0]
        assert f"Verouderd: laatst bevestigd op {formats.date_format(old)}" in stale
        assert f"Laatst bevestigd op {formats.date_format(timezone.localdate())}" in fresh
        assert "Verouderd" not in fresh


# --- Mijn werk --------------------------------------------------------------------------------------------


def test_my_work_lists_entries_to_confirm_again_and_suggestions(world, client_for):
    due = add_entry(world, contact_point="Te bevestigen", confirmed_on=add_months(timezone.localdate(), -7))
    add_entry(world, contact_point="Nog vers")
    suggestion = services.suggestion_create(actor=world.rosa, entry=due, text="Nummer veranderd?")
    work = my_work(user=world.maarten)
    assert [(i.kind, i.title) for i in work.mine if i.kind == "reconfirm"] == [
        ("reconfirm", "Huisarts Oost – Te bevestigen")
    ]
    assert [(i.kind, i.object_id) for i in work.asked if i.kind == "correction"] == [("correction", suggestion.pk)]
    assert asked_count(user=world.maarten) == 1
    rosa = my_work(user=world.rosa)
    assert [(i.kind, i.who) for i in rosa.waiting] == [("suggestion", "Maarten Lid")]
    page = client_for("maarten").get("/my-work/").content.decode()
    assert "Opnieuw bevestigen" in page and f"/t/oost/wijkkaart/{due.pk}/confirm/" in page
    assert f"/t/oost/wijkkaart/suggestions/{suggestion.pk}/" in page
    # Confirmed: it leaves the list.
    client_for("maarten").post(f"/t/oost/wijkkaart/{due.pk}/confirm/")
    assert not [i for i in my_work(user=world.maarten).mine if i.kind == "reconfirm"]


def test_my_work_costs_the_same_queries_with_many_entries_and_suggestions(world, client_for):
    _fill(world, 2)
    for persona in ("maarten", "rosa"):
        client_for(persona).get("/my-work/")
    few = {p: _queries(lambda p=p: client_for(p).get("/my-work/")) for p in ("maarten", "rosa")}
    _fill(world, 10, start=2)
    assert len([i for i in my_work(user=world.maarten).mine if i.kind == "reconfirm"]) == 6
    for persona in ("maarten", "rosa"):
        assert _queries(lambda p=persona: client_for(p).get("/my-work/")) == few[persona]


def test_who_saves_second_sees_the_other_save_and_can_save_again(world, client_for):
    """Found by an exploratory test: after "someone else changed this entry", every save was
    refused again (the form kept the old version) and the other's change was not shown."""
    client_for("maarten").post("/t/oost/wijkkaart/new/", entry_post(world))
    entry = ContactEntry.objects.get()
    url = f"/t/oost/wijkkaart/{entry.pk}/edit/"
    # Both opened the form at version 1; Maarten saves first.
    assert client_for("maarten").post(url, entry_post(world, notes="WAARDE-MAARTEN", version=1)).status_code == 302
    carla = client_for("carla")
    response = carla.post(url, entry_post(world, notes="WAARDE-CARLA", version=1))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Intussen door iemand anders opgeslagen" in page
    stale = page.split('id="stale-heading"')[1].split("</section>")[0]
    assert "WAARDE-MAARTEN" in stale and "Triagelijn praktijk" not in stale  # only where it differs
    assert "WAARDE-CARLA" in page.split('id="stale-heading"')[1]  # her text is kept in the form
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert version == "2"
    # Saving again, from the stored version, goes through: her text replaces his, knowingly.
    assert carla.post(url, entry_post(world, notes="WAARDE-CARLA", version=version)).status_code == 302
    entry.refresh_from_db()
    assert entry.notes == "WAARDE-CARLA"


def test_the_card_puts_t_hoekje_under_h_among_the_partners(world, client_for):
    """ "'t Hoekje" came before every other partner: it is under H (core/sorting.py)."""
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import OrganisationKind

    for name in ("Inloophuis", "'t Hoekje", "Gaandeweg"):
        organisation = tenancy_services.organisation_add(
            actor=None, team=world.team_a, name=name, kind=OrganisationKind.OTHER
        )
        add_entry(world, organisation=organisation, contact_point="Balie")
    names = [entry.organisation.name for entry in selectors.team_entries(team=world.team_a)]
    assert names == ["Gaandeweg", "'t Hoekje", "Inloophuis"]
    page = client_for("maarten").get("/t/oost/wijkkaart/").content.decode()
    positions = [page.index(name) for name in ("Gaandeweg", "&#x27;t Hoekje", "Inloophuis")]
    assert positions == sorted(positions)


def test_a_confirmation_is_said_in_its_entry_where_the_card_comes_back(world, client_for):
    """Found by a keyboard-only test: "Bevestigen: klopt nog" brought the card back at #entry-N with
    "… is bevestigd: klopt nog." at the top of the page, 2,600 px above the entry, never read out.
    It stands in the entry now, which it describes (without JavaScript the browser's move to the
    entry focuses it), and no longer at the top; the next visit shows it no more."""
    from bs4 import BeautifulSoup

    first = add_entry(world, contact_point="Eerste lijn")
    add_entry(world, contact_point="Tweede lijn")
    client = client_for("maarten")
    response = client.post(f"/t/oost/wijkkaart/{first.pk}/confirm/", follow=True)
    assert response.redirect_chain[-1][0] == f"/t/oost/wijkkaart/#entry-{first.pk}"
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    entry = soup.select_one(f"#entry-{first.pk}")
    said = entry.select_one("[data-done-here]")
    assert " ".join(said.stripped_strings) == f"“{first.title}” is bevestigd: klopt nog."
    assert entry["tabindex"] == "-1" and entry["aria-describedby"] == said["id"]
    assert soup.select_one("#messages").get_text(strip=True) == ""
    assert len(soup.select("[data-done-here]")) == 1
    again = BeautifulSoup(client.get("/t/oost/wijkkaart/").content.decode(), "html.parser")
    assert not again.select("[data-done-here]") and "is bevestigd" not in again.get_text()
