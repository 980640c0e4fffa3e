"""The pages as people use them: forms without JavaScript, conflicts, refusals, lists, charts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.agreements.conftest import add_external, endorse_all, version_data
from tests.agreements.helpers import form_post
from tests.headings import assert_outline, level_of
from tests.sessions import not_renewing
from tests.threads.helpers import post
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, AgreementVersion, Endorsement, Status
from wijkverband.threads import services as thread_services
from wijkverband.threads.models import SubjectKind, Thread
from wijkverband.threads.panels import DISCUSSION_MESSAGES


def _page(response) -> str:
    return response.content.decode()


def _indicator(world, agreement, *, name="Bezoeken", **changes):
    """An indicator of the agreement, by carla: "Bezoeken", quality, a count, monthly, target 10."""
    values = {
        "dimension": "quality",
        "unit": "aantal",
        "baseline": None,
        "target": Decimal("10"),
        "frequency": "monthly",
    }
    return services.indicator_create(actor=world.carla, agreement=agreement, name=name, **{**values, **changes})


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_a_member_creates_an_agreement_with_the_form(world, client_for):
    client = client_for("maarten")
    response = client.post("/t/oost/agreements/new/", form_post(world))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/t/oost/agreements/{agreement.pk}/"
    assert agreement.current_version.title == "Valpreventie"
    assert agreement.created_by == world.maarten


def test_an_invalid_form_says_what_is_wrong_and_saves_nothing(world, client_for):
    client = client_for("maarten")
    response = client.post(
        "/t/oost/agreements/new/",
        form_post(world, title="", start_date="2026-05-01", review_date="2026-04-01", owner=world.rosa.pk),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "owner", "review_date"}
    assert not Agreement.objects.exists()


def test_the_second_of_two_editors_gets_a_conflict_and_keeps_their_text(world, concept, client_for):
    carla, maarten = client_for("carla"), client_for("maarten")
    url = f"/t/oost/agreements/{concept.pk}/edit/"
    # Both open the form on version 1.
    assert 'name="base_version" value="1"' in _page(carla.get(url))
    assert 'name="base_version" value="1"' in _page(maarten.get(url))
    first = carla.post(url, form_post(world, body="Carla's versie", base_version=1))
    assert first.status_code == 302
    second = maarten.post(url, form_post(world, body="Maartens eigen tekst", base_version=1))
    assert second.status_code == 409
    html = _page(second)
    assert "Iemand anders heeft versie 2" in html
    assert "Maartens eigen tekst" in html  # nothing lost: the text is back in the form
    assert "Carla&#x27;s versie" in html or "Carla's versie" in html  # and theirs is shown beside it
    assert 'name="base_version" value="2"' in html
    agreement = Agreement.objects.get(pk=concept.pk)
    assert agreement.version_count == 2
    assert agreement.current_version.body == "Carla's versie"
    # Saving again, now knowingly on top of version 2, works.
    third = maarten.post(url, form_post(world, body="Maartens eigen tekst", base_version=2))
    assert third.status_code == 302
    assert Agreement.objects.get(pk=concept.pk).current_version.body == "Maartens eigen tekst"


def test_a_form_without_base_version_is_refused(world, concept, client_for):
    response = client_for("carla").post(f"/t/oost/agreements/{concept.pk}/edit/", form_post(world, body="x"))
    assert response.status_code == 400
    assert AgreementVersion.objects.filter(agreement=concept).count() == 1


def test_endorsing_through_the_page_and_adoption(world, proposed, client_for):
    url = f"/t/oost/agreements/{proposed.pk}/endorse/"
    for persona in ("carla", "maarten", "pieter"):
        response = client_for(persona).post(url, {"version": 1, "decision": "endorsed"}, follow=True)
        assert "Ingestemd namens" in _page(response)
    page = _page(client_for("rosa").get(f"/t/oost/agreements/{proposed.pk}/"))
    assert "Vastgesteld" in page
    assert Agreement.objects.get(pk=proposed.pk).status == Status.ADOPTED


def test_endorsing_an_outdated_version_through_the_page_explains_and_changes_nothing(world, proposed, client_for):
    services.agreement_edit(actor=world.carla, agreement=proposed, base_version=1, data=version_data(world, body="x"))
    response = client_for("maarten").post(
        f"/t/oost/agreements/{proposed.pk}/endorse/", {"version": 1, "decision": "endorsed"}, follow=True
    )
    assert "versie 2 is de huidige" in _page(response)
    assert not Endorsement.objects.exists()


def test_forcing_adoption_through_the_page_is_refused(world, proposed, client_for):
    response = client_for("carla").post(
        f"/t/oost/agreements/{proposed.pk}/transition/", {"action": "adopt"}, follow=True
    )
    assert "Ontbreekt nog" in _page(response)
    assert Agreement.objects.get(pk=proposed.pk).status == Status.PROPOSED


def test_an_unknown_transition_is_refused(world, concept, client_for):
    response = client_for("carla").post(
        f"/t/oost/agreements/{concept.pk}/transition/", {"action": "force"}, follow=True
    )
    assert "Onbekende actie" in _page(response)
    assert Agreement.objects.get(pk=concept.pk).status == Status.CONCEPT


def test_ending_through_the_page_needs_a_reason(world, adopted, client_for):
    url = f"/t/oost/agreements/{adopted.pk}/transition/"
    response = client_for("carla").post(url, {"action": "end", "reason": ""}, follow=True)
    assert "waarom de afspraak eindigt" in _page(response)
    assert Agreement.objects.get(pk=adopted.pk).status == Status.ADOPTED
    client_for("carla").post(url, {"action": "end", "reason": "Vervangen"})
    assert Agreement.objects.get(pk=adopted.pk).status == Status.ENDED


def test_readers_see_no_forms_to_change_anything(world, proposed, client_for):
    for persona in ("rosa", "olga"):
        html = _page(client_for(persona).get(f"/t/oost/agreements/{proposed.pk}/"))
        assert "/endorse/" not in html
        assert "/edit/" not in html
        assert "/transition/" not in html


def test_the_endorse_form_is_offered_only_to_members_of_a_party(world, client_for):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    services.agreement_propose(actor=world.carla, agreement=agreement)
    assert "/endorse/" in _page(client_for("carla").get(f"/t/oost/agreements/{agreement.pk}/"))
    assert "/endorse/" not in _page(client_for("maarten").get(f"/t/oost/agreements/{agreement.pk}/"))


def test_an_adopted_agreement_with_a_pending_version_says_which_is_in_force(world, adopted, client_for):
    services.agreement_edit(
        actor=world.carla, agreement=adopted, base_version=1, data=version_data(world, body="Nieuwe regel")
    )
    html = _page(client_for("maarten").get(f"/t/oost/agreements/{adopted.pk}/"))
    assert "Versie 1 is van kracht" in html
    assert "?a=1&amp;b=2" in html


def test_markdown_is_rendered_and_sanitised_on_the_page(world, client_for):
    body = (
        "**vet** [link](https://example.nl)\n\n<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n[klik](javascript:alert(3))\n\n<a href="#" onclick="alert(4)">x</a>'
    )
    agreement = services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, body=body, need="<iframe src=//evil>")
    )
    html = _page(client_for("rosa").get(f"/t/oost/agreements/{agreement.pk}/"))
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.nl"' in html
    lowered = html.lower()
    assert "alert(1)" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered


def test_the_chart_is_an_svg_with_the_numbers_in_a_table_beside_it(world, concept, client_for):
    indicator = _indicator(
        world,
        concept,
        name="Wachttijd <script>",
        dimension="accessibility",
        unit="dagen",
        baseline=Decimal("14"),
        target=Decimal("5"),
    )
    today = timezone.localdate()
    for months, value in ((3, "12"), (2, "9.5"), (1, "7")):
        services.measurement_record(
            actor=world.maarten,
            indicator=indicator,
            value=Decimal(value),
            measured_on=today - timedelta(days=30 * months),
        )
    client = client_for("olga")
    chart = client.get(f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/chart.svg")
    assert chart["Content-Type"].startswith("image/svg+xml")
    svg = chart.content.decode()
    assert svg.count("<rect") == 4  # background + three bars
    assert "<script" not in svg and "style=" not in svg
    assert "Wachttijd &lt;script&gt;" in svg
    html = _page(client.get(f"/t/oost/agreements/{concept.pk}/"))
    assert f'src="/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/chart.svg"' in html
    table = html[html.index("wv-measurements") :]
    # Each number after its cell's label, which a phone shows ("Waarde (dagen): 12").
    numbers = re.findall(r"numeric\">(?:<span class=\"wv-cell-label\">[^<]*</span>)?([0-9.,]+)</td>", table)
    assert numbers[:6] == ["12", "5", "9,50", "5", "7", "5"]


def test_measurements_in_the_future_or_not_numbers_are_refused(world, concept, client_for):
    indicator = _indicator(world, concept)
    url = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for("maarten")
    assert client.post(url, {"value": "3", "measured_on": tomorrow}).status_code == 400
    assert client.post(url, {"value": "veel", "measured_on": timezone.localdate().isoformat()}).status_code == 400
    assert client.post(url, {"value": "NaN", "measured_on": timezone.localdate().isoformat()}).status_code == 400
    assert not indicator.measurements.exists()


def test_compare_shows_a_readable_diff(world, concept, client_for):
    services.agreement_edit(
        actor=world.carla,
        agreement=concept,
        base_version=1,
        data=version_data(world, title="Medicatiebeoordeling thuis en in de wijk"),
    )
    response = client_for("rosa").get(f"/t/oost/agreements/{concept.pk}/compare/?a=1&b=2")
    html = _page(response)
    assert response.status_code == 200
    assert "Medicatiebeoordeling thuis en in de wijk</ins>" in html
    assert "Medicatiebeoordeling thuis</del>" in html
    bad = client_for("rosa").get(f"/t/oost/agreements/{concept.pk}/compare/?a=1&b=9")
    assert bad.status_code == 400
    assert "versies 1 tot en met 2" in _page(bad)


def test_the_print_page_holds_version_endorsements_indicators_and_history(world, adopted, client_for):
    html = _page(client_for("olga").get(f"/t/oost/agreements/{adopted.pk}/print/"))
    assert "agreements-print.css" in html and 'media="print"' in html
    assert "Verantwoordingscheck" in html
    for name in ("Huisarts Oost", "Buurtzorg Oost", "Apotheek Linde"):
        assert name in html
    assert "rondde de instemming af" in html  # history
    assert "Medicatiebeoordeling thuis" in html


def test_the_print_page_prints_the_version_in_force_and_marks_a_pending_one(world, adopted, client_for):
    services.agreement_edit(
        actor=world.maarten, agreement=adopted, base_version=1, data=version_data(world, body="Strengere afspraak")
    )
    html = _page(client_for("olga").get(f"/t/oost/agreements/{adopted.pk}/print/"))
    assert "Versie 2 wacht op instemming en is nog niet van kracht" in html
    body = html[html.index('id="body-heading"') :]
    body = body[: body.index("</section>")]
    assert "Strengere afspraak" not in body  # the pending text is not printed as the agreement
    # The endorsements shown are those of version 1, which all three gave.
    parties = html[html.index('id="parties-heading"') :]
    parties = parties[: parties.index("</section>")]
    assert parties.count("Ingestemd") >= 3 or parties.count("ingestemd") >= 3, parties


def test_the_team_home_shows_what_awaits_my_endorsement_and_what_is_due(world, proposed, client_for):
    services.agreement_edit(
        actor=world.carla,
        agreement=proposed,
        base_version=1,
        data=version_data(world, review_date=timezone.localdate() + timedelta(days=7)),
    )
    html = _page(client_for("maarten").get("/t/oost/"))
    panel = html[html.index("agreements-panel-heading") :]
    awaiting = panel[: panel.index("Toe aan evaluatie")]
    assert "Medicatiebeoordeling thuis" in awaiting
    assert "Medicatiebeoordeling thuis" in panel[panel.index("Toe aan evaluatie") :]
    services.endorsement_record(actor=world.maarten, agreement=proposed, version_number=2, decision="endorsed")
    html = _page(client_for("maarten").get("/t/oost/"))
    panel = html[html.index("agreements-panel-heading") :]
    assert "Niets wacht op jouw instemming" in panel
    # Client representatives see what is due, and no endorsement list.
    rosa = _page(client_for("rosa").get("/t/oost/"))
    assert "Wacht op jouw instemming" not in rosa and "Toe aan evaluatie" in rosa


def _many(world, count, start=0):
    for index in range(start, start + count):
        agreement = services.agreement_create(
            actor=world.carla, team=world.team_a, data=version_data(world, title=f"Afspraak {index:03d}")
        )
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)


def test_the_list_filters_by_status_party_owner_review_and_text(world, adopted, client_for):
    _many(world, 2)
    services.agreement_edit(
        actor=world.carla,
        agreement=adopted,
        base_version=1,
        data=version_data(world, owner=world.maarten, body="Met een valrisicotest"),
    )
    client = client_for("rosa")

    def titles(query):
        response = client.get("/t/oost/agreements/?" + query)
        assert response.status_code == 200
        return [a.current_version.title for a in response.context["page"].object_list]

    assert titles("status=adopted") == ["Medicatiebeoordeling thuis"]
    assert titles(f"party=org:{world.pharmacy.pk}") == ["Medicatiebeoordeling thuis"]
    assert sorted(titles(f"party=org:{world.gp_a.pk}")) == [
        "Afspraak 000",
        "Afspraak 001",
        "Medicatiebeoordeling thuis",
    ]
    assert titles(f"owner={world.maarten.pk}") == ["Medicatiebeoordeling thuis"]
    assert titles("q=afspraak 001") == ["Afspraak 001"]
    assert titles("q=valrisicotest") == ["Medicatiebeoordeling thuis"]  # body text
    assert titles("review_due=on") == []
    # Nonsense is ignored, never an error page (a page that is no page: the page shown, core/paging.py).
    assert client.get("/t/oost/agreements/?status=nonsense&page=abc", follow=True).status_code == 200


def test_the_filters_beyond_the_search_fold_away_until_used(world, adopted, client_for):
    """Found by an exploratory test at 390 × 844: the list's five filters stood open above it and
    its first agreement began at the bottom of the first screen. The search box stays; status,
    party, owner and "due for review" fold under "Meer filters", as the bottleneck list's do, and
    stay open, saying how many are set, while they filter."""
    client = client_for("carla")

    def folded(query=""):
        page = _page(client.get("/t/oost/agreements/" + query))
        details = re.search(
            r'<details class="wv-more-filters"( open)?>\s*<summary>([^<]*)</summary>(.*?)</details>', page, re.S
        )
        assert details, page
        fields = re.findall(r'name="([a-z_]+)"', details.group(3))
        return bool(details.group(1)), details.group(2), fields, page

    is_open, summary, fields, page = folded()
    assert (is_open, summary) == (False, "Meer filters")
    assert fields == ["status", "party", "owner", "review_due"]
    assert re.search(
        r'<input[^>]*name="q"', page.split('<details class="wv-more-filters"')[0]
    )  # the search is not folded
    assert folded("?status=adopted")[:2] == (True, "Meer filters (1 ingesteld)")
    assert folded(f"?status=adopted&owner={world.carla.pk}&review_due=on")[:2] == (True, "Meer filters (3 ingesteld)")
    assert folded("?q=thuis")[:2] == (False, "Meer filters")  # the search is in sight already


def test_another_teams_agreements_never_show_in_the_list(world, client_for):
    services.agreement_create(
        actor=world.bram, team=world.team_b, data=version_data(world, title="Zuid geheim", owner=world.bram)
    )
    assert "Zuid geheim" not in _page(client_for("carla").get("/t/oost/agreements/?q=Zuid"))


@pytest.mark.parametrize("persona", ["carla", "rosa"])
def test_the_list_uses_a_constant_number_of_queries_and_is_paginated(
    world, client_for, django_assert_num_queries, persona
):
    _many(world, 3)
    client = client_for(persona)
    with CaptureQueriesContext(connection) as few:
        client.get("/t/oost/agreements/")
    _many(world, 30, start=3)
    with not_renewing(), django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/t/oost/agreements/")
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.num_pages == 2
    assert len(client.get("/t/oost/agreements/?page=2").context["page"].object_list) == 8


def test_the_detail_page_uses_a_constant_number_of_queries(world, client_for, django_assert_num_queries):
    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    indicator = _indicator(world, agreement, name="A", unit="%", target=Decimal("1"))
    services.measurement_record(
        actor=world.carla, indicator=indicator, value=Decimal("1"), measured_on=timezone.localdate()
    )
    # The discussion: one message that asks for confirmation, so every query it can need is counted.
    thread = Thread.objects.get(subject_kind=SubjectKind.AGREEMENT, subject_id=agreement.pk)
    post(thread, world.maarten, "Graag bevestigen", asks_ack=True)
    client = client_for("carla")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/t/oost/agreements/{agreement.pk}/")
    authors = (world.maarten, world.pieter, world.sofie)
    for n in range(40):
        post(thread, authors[n % 3], f"Bericht {n}", asks_ack=n % 5 == 0)
        thread_services.read_marker_set(actor=authors[(n + 1) % 3], thread=thread, seq=n + 1)
    for number in range(2, 8):
        services.agreement_edit(
            actor=world.carla, agreement=agreement, base_version=number - 1, data=version_data(world, body=f"v{number}")
        )
    for organisation in (world.nursing_a, world.pharmacy, world.social_a):
        services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    for name in ("B", "C"):
        extra = _indicator(
            world, agreement, name=name, dimension="affordability", unit="euro", target=Decimal("5"), frequency="yearly"
        )
        for days in range(30):
            services.measurement_record(
                actor=world.carla,
                indicator=extra,
                value=Decimal(days),
                measured_on=timezone.localdate() - timedelta(days=days),
            )
    services.agreement_propose(actor=world.carla, agreement=agreement)
    with not_renewing(), django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"/t/oost/agreements/{agreement.pk}/")
    # The chart and table show the latest 24 measurements; the print page shows them all.
    assert "de laatste 24 van 30 metingen" in _page(response)
    assert _page(response).count('<article class="wv-message') == DISCUSSION_MESSAGES


def test_history_and_versions_are_paginated(world, concept, client_for):
    for number in range(2, 30):
        services.agreement_edit(
            actor=world.carla, agreement=concept, base_version=number - 1, data=version_data(world, body=f"v{number}")
        )
    client = client_for("rosa")
    versions = client.get(f"/t/oost/agreements/{concept.pk}/versions/")
    assert versions.context["page"].paginator.num_pages == 2
    history = client.get(f"/t/oost/agreements/{concept.pk}/history/")
    assert history.context["page"].paginator.count == 32  # created, three parties, 28 edits
    assert len(history.context["page"].object_list) == 32


def test_agreement_pages_have_no_inline_script_or_style(world, adopted, client_for):
    client = client_for("carla")
    for suffix in ("", "edit/", "parties/", "versions/", "history/", "print/", "indicators/new/"):
        html = _page(client.get(f"/t/oost/agreements/{adopted.pk}/{suffix}"))
        for match in re.finditer(r"<script\b([^>]*)>", html):
            assert "src=" in match.group(1) or 'type="application/json"' in match.group(1)
        assert not re.search(r"\sstyle\s*=", html), suffix
        assert not re.search(r"\son[a-z]+\s*=", html), suffix


def test_the_party_choice_offers_only_organisations_not_yet_a_party(world, concept, client_for):
    from tests.agreements.conftest import add_external

    add_external(world, concept)  # an external party has no organisation: it must not hide the rest
    html = _page(client_for("carla").get(f"/t/oost/agreements/{concept.pk}/parties/"))
    select = html[html.index('name="organisation"') :]
    select = select[: select.index("</select>")]
    party_names = {p.organisation.name for p in concept.parties.all() if p.organisation_id}
    assert party_names, "the fixture has organisation parties"
    for name in party_names:
        assert name not in select
    assert "Welzijn Oost" in select  # in the team, not yet a party


def test_the_agreement_text_is_required_once_proposed_and_optional_in_a_concept(world, concept, client_for):
    concept_form = _page(client_for("carla").get(f"/t/oost/agreements/{concept.pk}/edit/"))
    label = concept_form[concept_form.index('for="id_body"') :]
    assert "(niet verplicht)" in label[: label.index("</label>")]
    proposed = services.agreement_propose(actor=world.carla, agreement=concept)
    form = _page(client_for("carla").get(f"/t/oost/agreements/{proposed.pk}/edit/"))
    label = form[form.index('for="id_body"') :]
    assert "(niet verplicht)" not in label[: label.index("</label>")]
    data = {**version_data(world, body=""), "owner": world.carla.pk, "base_version": 1}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client_for("carla").post(f"/t/oost/agreements/{proposed.pk}/edit/", data)
    assert response.status_code == 400
    assert AgreementVersion.objects.filter(agreement=proposed).count() == 1


def test_an_empty_concept_cannot_be_proposed(world, client_for):
    from wijkverband.core.errors import ActionRefused

    agreement = services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, body=""))
    services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=world.gp_a)
    with pytest.raises(ActionRefused, match="parties endorse that text"):
        services.agreement_propose(actor=world.carla, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == Status.CONCEPT


def test_the_list_exports_to_xlsx_and_csv_with_review_dates_and_targets(world, adopted, client_for):
    import csv
    import io

    import openpyxl

    _indicator(world, adopted, name="Medicatiefouten", unit="%", target=Decimal("5"))
    review = adopted.current_version.review_date
    response = client_for("rosa").get("/t/oost/agreements/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[7] == "Evaluatiedatum" or header[7] == "Review date"
    assert row[1] == "Medicatiebeoordeling thuis"
    assert row[7].date() == review  # a date cell, not text
    assert "Medicatiefouten: 5 %" in row[10]
    response = client_for("rosa").get("/t/oost/agreements/export.csv?status=adopted")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][7] == review.isoformat() and "Medicatiefouten: 5 %" in rows[1][10]
    none = client_for("rosa").get("/t/oost/agreements/export.csv?status=ended")
    assert len(list(csv.reader(io.StringIO(b"".join(none.streaming_content).decode("utf-8-sig"))))) == 1


def test_the_history_reads_in_the_readers_language_whoever_wrote_it(world, proposed, client_for):
    """A Dutch member endorses and records; an English reader reads the line in English, with the
    one date format of English, and a Dutch reader in Dutch. (The sentence used to be stored in the
    language of whoever acted: "endorsed (version 1): namens Thuiszorg Oost".)"""
    from django.conf import settings
    from django.utils import formats, translation

    from tests.agreements.conftest import add_external

    url = f"/t/oost/agreements/{proposed.pk}/endorse/"
    client_for("maarten").post(url, {"version": 1, "decision": "declined", "reason": "Eerst de planning"})
    insurer = add_external(world, proposed)
    given_on = timezone.localdate()  # not before the version was proposed
    with translation.override("nl"):
        services.consent_record(
            actor=world.carla,
            agreement=proposed,
            party=insurer,
            version_number=1,
            given_on=given_on,
            where_given="Brief",
        )
    english = client_for("carla")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in (f"/t/oost/agreements/{proposed.pk}/history/", f"/t/oost/agreements/{proposed.pk}/"):
        html = _page(english.get(path))
        assert "namens" not in html, path
        assert re.search(r"declined \(version 1\): on behalf of [^<:]+: Eerst de planning", html), path
        with translation.override("en"):
            assert f"{insurer.name} ({formats.date_format(given_on)}, Brief)" in html, path
    # The facts are in the audit rows too, and every chain still verifies.
    from wijkverband.audit.models import AuditEvent
    from wijkverband.audit.selectors import audit_chains_verify

    consent = AuditEvent.objects.filter(action="agreement.consent_recorded").latest("pk")
    assert consent.data["given_on"] == given_on.isoformat() and consent.data["party"] == insurer.name
    assert all(check.broken is None for check in audit_chains_verify())
    dutch = _page(client_for("carla").get(f"/t/oost/agreements/{proposed.pk}/history/"))
    assert "on behalf of" not in dutch
    assert re.search(r"namens [^<:]+: Eerst de planning", dutch)
    with translation.override("nl"):
        assert f"{insurer.name} ({formats.date_format(given_on)}, Brief)" in dutch


def test_history_lines_from_before_their_facts_show_as_they_were_written(world, proposed, client_for):
    from wijkverband.agreements.models import Action, AgreementEvent

    AgreementEvent.objects.create(
        team=world.team_a,
        agreement=proposed,
        actor_label="Carla",
        action=Action.ENDORSED,
        detail="namens Huisarts Oost",
    )
    html = _page(client_for("carla").get(f"/t/oost/agreements/{proposed.pk}/history/"))
    assert "namens Huisarts Oost" in html


def test_a_refused_reason_to_end_stays_in_the_open_form_at_its_field(world, adopted, client_for):
    """Found by an exploratory test: the refusal showed only at the top, the form closed and the
    reason typed was gone."""
    url = f"/t/oost/agreements/{adopted.pk}/transition/"
    reason = "Jan Jansen 12-03-1954 is verhuisd"
    response = client_for("carla").post(url, {"action": "end", "reason": reason})
    assert response.status_code == 400
    page = _page(response)
    assert '<details class="wv-end" open>' in page
    error = re.search(r'id="end_reason_error">(.*?)</div>', page, re.S).group(1)
    assert "cliëntgegevens" in error
    assert re.search(r'<textarea name="reason"[^>]*id="end_reason"[^>]*>\s*' + re.escape(reason), page)
    assert 'aria-invalid="true"' in page.split('id="end_reason"')[0].rsplit("<textarea", 1)[1]
    assert Agreement.objects.get(pk=adopted.pk).status == Status.ADOPTED


def test_a_refused_reason_to_decline_is_kept_at_its_field(world, proposed, client_for):
    reason = "BSN 111222333 klopt niet"
    response = client_for("maarten").post(
        f"/t/oost/agreements/{proposed.pk}/endorse/", {"version": 1, "decision": "declined", "reason": reason}
    )
    assert response.status_code == 400
    page = _page(response)
    assert 'id="endorse_reason_error"' in page and reason in page.split('id="endorse_reason"')[1][:400]
    response = client_for("maarten").post(
        f"/t/oost/agreements/{proposed.pk}/endorse/", {"version": 1, "decision": "declined", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Geef aan waarom je organisatie afwijst" in _page(response).split('id="endorse_reason_error"')[1][:300]
    assert not Endorsement.objects.exists()


def test_only_those_who_may_end_an_agreement_are_offered_it(world, adopted, client_for):
    assert "Deze afspraak beëindigen" in _page(client_for("carla").get(f"/t/oost/agreements/{adopted.pk}/"))
    page = _page(client_for("pieter").get(f"/t/oost/agreements/{adopted.pk}/"))
    assert "Deze afspraak beëindigen" not in page
    response = client_for("pieter").post(
        f"/t/oost/agreements/{adopted.pk}/transition/", {"action": "end", "reason": "Wij stoppen"}
    )
    assert response.status_code == 403
    assert Agreement.objects.get(pk=adopted.pk).status == Status.ADOPTED


def test_the_reason_to_decline_is_not_marked_optional(world, proposed, client_for):
    """Found by an exploratory test: it read "Reden (nodig als je afwijst) (niet verplicht)"."""
    page = _page(client_for("maarten").get(f"/t/oost/agreements/{proposed.pk}/"))
    label = page.split('for="endorse_reason"')[1].split("</label>")[0]
    assert "Reden (nodig als je afwijst)" in label and "niet verplicht" not in label


def test_a_measurements_note_has_one_name_on_its_field_its_table_and_its_refusal(world, concept, client_for):
    indicator = _indicator(world, concept)
    url = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    client = client_for("maarten")
    form = _page(client.get(url))
    assert "Toelichting" in form and "Notitie" not in form
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"value": "3", "measured_on": today, "note": "Jan Jansen 12-03-1945 gebeld"})
    assert refused.status_code == 400
    assert "Toelichting lijkt cliëntgegevens te bevatten" in _page(refused)
    client.post(url, {"value": "3", "measured_on": today, "note": "Telefonisch spreekuur"})
    table = _page(client.get(f"/t/oost/agreements/{concept.pk}/"))
    assert "Toelichting</th>" in table and "Notitie" not in table


def test_compare_names_the_need_as_the_form_does_and_keeps_lines_single_spaced(world, concept, client_for):
    services.agreement_edit(
        actor=world.carla,
        agreement=concept,
        base_version=1,
        data=version_data(world, body="Regel een\nRegel twee\nRegel drie", need="Andere behoefte"),
    )
    html = _page(client_for("rosa").get(f"/t/oost/agreements/{concept.pk}/compare/?a=1&b=2"))
    assert "De behoefte waarop ze antwoordt" in html and "Behoefteanalyse" not in html
    diff = html[html.index('id="field-body"') :]
    diff = diff[diff.index('<div class="wv-diff">') : diff.index("</div>")]
    # The box keeps white space (pre-wrap) and each line is a block: nothing may stand between them.
    assert re.search(r"</(ins|del|span)>\s+<(ins|del|span) class=\"wv-diff__line", diff) is None, diff
    assert "Regel twee</ins><ins" in diff


def test_compare_without_a_choice_compares_the_two_newest_versions_without_errors(world, concept, client_for):
    """Found by an exploratory test: the page without a choice showed only the form."""
    services.agreement_edit(
        actor=world.carla, agreement=concept, base_version=1, data=version_data(world, body="Tweede tekst")
    )
    services.agreement_edit(
        actor=world.carla, agreement=concept, base_version=2, data=version_data(world, body="Derde tekst")
    )
    response = client_for("rosa").get(f"/t/oost/agreements/{concept.pk}/compare/")
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert "utrecht-form-field-error-message" not in _page(response) and "errorlist" not in _page(response)
    assert (response.context["before"].number, response.context["after"].number) == (2, 3)
    html = _page(response)
    assert "Derde tekst</ins>" in html and "Tweede tekst</del>" in html


def test_an_ended_agreement_shows_no_waiting_and_offers_no_form(world, adopted, client_for):
    party = adopted.parties.first()
    indicator = _indicator(world, adopted)
    services.agreement_edit(
        actor=world.carla, agreement=adopted, base_version=1, data=version_data(world, body="Nieuwe tekst")
    )
    services.agreement_end(actor=world.carla, agreement=adopted, reason="Opgegaan in de wijkaanpak")
    client = client_for("carla")
    base = f"/t/oost/agreements/{adopted.pk}/"
    parties = _page(client.get(f"{base}parties/"))
    assert "wacht nog" not in parties and "Verwijderen" not in parties
    assert "Organisatie toevoegen" not in parties
    assert "wacht nog" not in _page(client.get(base))
    for url in (f"{base}indicators/new/", f"{base}indicators/{indicator.pk}/measurements/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == base, url
        assert "Deze afspraak is beëindigd" in _page(client.get(url, follow=True))
    # Consent is not asked for once there is nothing to consent to.
    response = client.get(f"{base}parties/{party.pk}/consent/", follow=True)
    assert response.redirect_chain and "Deze afspraak is beëindigd" in _page(response)


def test_the_consent_form_is_not_offered_once_the_version_is_adopted(world, proposed, client_for):
    council = add_external(world, proposed, kind="client_representation", name="Cliëntenraad Oost")
    services.consent_record(
        actor=world.carla,
        agreement=proposed,
        party=council,
        version_number=1,
        given_on=timezone.localdate(),
        where_given="Overleg",
    )
    endorse_all(world, proposed)
    response = client_for("carla").get(f"/t/oost/agreements/{proposed.pk}/parties/{council.pk}/consent/", follow=True)
    assert response.redirect_chain
    assert "Deze versie is al vastgesteld" in _page(response)


def test_tables_name_themselves_above_their_scroll_box_for_a_phone(world, adopted, client_for):
    """On a 390 px phone the parties table (about 600 px) scrolls in its box: the box is reachable
    by keyboard and named, and the name stands above it, not as a caption centred over the table's
    full width (cut off)."""
    _indicator(world, adopted)
    html = _page(client_for("carla").get(f"/t/oost/agreements/{adopted.pk}/"))
    for caption_id in ("parties-caption", "measurements-"):
        name = html.index(f'id="{caption_id}')
        box = html.index('<div class="utrecht-table-container" tabindex="0" role="region"', name)
        assert "<table" not in html[name:box] and 'class="utrecht-paragraph wv-table-caption"' in html[name - 80 : name]
    assert '<caption class="utrecht-table__caption">' not in html


def test_headings_in_an_agreements_text_sit_below_its_sections_heading(world, client_for):
    """Found by a tester: "# Kop" in the agreement's text was an <h1> inside the page, a second
    title in the largest type. The text stands under the section's h2 ("The agreement"): its
    headings start at h3; the sources stand under an h3 ("Sources"): theirs at h4."""
    agreement = services.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data=version_data(world, body="# Werkwijze\n\ntekst\n\n## Wie belt", need="# Aanleiding", sources="# GGD"),
    )
    for url in (f"/t/oost/agreements/{agreement.pk}/", f"/t/oost/agreements/{agreement.pk}/print/"):
        html = _page(client_for("carla").get(url))
        assert_outline(html)
        assert level_of(html, "Werkwijze") == 3 and level_of(html, "Wie belt") == 4
        assert level_of(html, "Aanleiding") == 3 and level_of(html, "GGD") == 4


def test_headings_in_their_version_on_a_conflict_sit_below_its_title(world, concept, client_for):
    url = f"/t/oost/agreements/{concept.pk}/edit/"
    client_for("carla").post(url, form_post(world, body="# Carla’s kop\n\ntekst", base_version=1))
    html = _page(client_for("maarten").post(url, form_post(world, body="Maartens tekst", base_version=1)))
    assert level_of(html, "Carla’s kop") == 4  # under the h3 of their version's title
    assert_outline(html)


def test_a_measurement_in_the_future_is_refused_at_its_date(world, concept, client_for):
    """Found by a keyboard-only test: "Een meting kan niet in de toekomst gedateerd zijn." stood only
    in the error summary, not linked to the date and with nothing at the date field."""
    from bs4 import BeautifulSoup

    indicator = _indicator(world, concept)
    url = f"/t/oost/agreements/{concept.pk}/indicators/{indicator.pk}/measurements/new/"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for("maarten").post(url, {"value": "3", "measured_on": tomorrow})
    assert response.status_code == 400
    soup = BeautifulSoup(_page(response), "html.parser")
    box = soup.select_one("#id_measured_on")
    assert box["aria-invalid"] == "true" and "id_measured_on_error" in box["aria-describedby"].split()
    assert " ".join(soup.select_one("#id_measured_on_error").stripped_strings) == (
        "Een meting kan niet in de toekomst gedateerd zijn."
    )
    assert [a["href"] for a in soup.select("[data-error-summary] a")] == ["#id_measured_on"]
    assert not indicator.measurements.exists()


def test_the_exports_write_a_target_with_the_readers_decimal_comma(world, adopted, client_for):
    """A target of 80.5 read "80.5 %" in the CSV, where the dashboard's CSV and the agreement's page
    write 80,5 for a Dutch reader: the number inside the text reads as the page shows it, in Dutch
    with a comma (in English with a point). Dates stay ISO in the CSV and dates in the XLSX; counts
    stay numbers in the XLSX (core/exports.py)."""
    import csv
    import io

    import openpyxl
    from django.conf import settings

    _indicator(world, adopted, name="Opnames binnen 24 uur", unit="%", target=Decimal("80.50"))
    client = client_for("rosa")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get("/t/oost/agreements/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert "Opnames binnen 24 uur: 80,5 %" in rows[1][10]
    assert rows[1][7] == adopted.current_version.review_date.isoformat()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/t/oost/agreements/export.xlsx").content)).active
    row = [c.value for c in sheet[2]]
    assert "Opnames binnen 24 uur: 80,5 %" in row[10]
    assert isinstance(row[8], int)  # the parties: a number cell
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/t/oost/agreements/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert "Opnames binnen 24 uur: 80.5 %" in rows[1][10]
