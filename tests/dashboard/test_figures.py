"""The dashboard's figures: what an overseer reads per team, per category and per period."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.timezone import localdate
from openpyxl import load_workbook

from tests.agreements.conftest import add_external, endorse_all, version_data
from tests.bottlenecks.helpers import category, report
from wijkverband.agreements import selectors as agreement_selectors
from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import Agreement, PartyKind
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.dashboard import periods
from wijkverband.dashboard.selectors import region_dashboard

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _age(b, *, days: int, overdue: bool = False):
    """Make an item reported `days` ago (and past its targets when overdue)."""
    reported = datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM) - timedelta(days=days)
    due = date(2026, 2, 1) if overdue else date(2026, 12, 31)
    Bottleneck.objects.filter(pk=b.pk).update(
        created_at=reported, clock_started_at=reported, accept_due=due, resolve_due=due
    )


def _escalate(world, b, *, at=None):
    b = services.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Speelt overal")
    if at is not None:
        Bottleneck.objects.filter(pk=b.pk).update(escalated_at=at)
        b.refresh_from_db()
    return b


@pytest.fixture
def varied(world, clock):
    """Team A: a young item, an old overdue one, an internal one, an escalation past the region's
    target and a fresh one, one resolved in the quarter. Team B: one middle-aged item."""
    young = report(world, title="Jong")
    old = report(world, title="Oud")
    _age(old, days=120, overdue=True)
    internal = report(world, title="Intern", internal=True, internal_reason="Contract", category_key="capaciteit")
    _age(internal, days=40, overdue=True)
    late = _escalate(world, report(world, title="Wacht lang"), at=datetime(2026, 2, 16, 9, tzinfo=AMSTERDAM))
    _escalate(world, report(world, title="Net opgeschaald"))
    done = report(world, title="Opgelost")
    services.bottleneck_ask_owner(actor=world.maarten, bottleneck=done, version=done.version, candidate=world.maarten)
    done.refresh_from_db()
    services.bottleneck_resolve(actor=world.maarten, bottleneck=done, version=done.version, summary="Afgesproken")
    middle = report(world, actor=world.bram, team=world.team_b, title="Zuid")
    _age(middle, days=45)
    return {"young": young, "old": old, "internal": internal, "late": late, "middle": middle}


def _rows(world, *, include_internal=True, key="2026-Q1"):
    d = region_dashboard(region=world.region, period=periods.parse(key), include_internal=include_internal)
    return d, {row.team.slug: row for row in d.teams}


def test_each_team_shows_open_overdue_and_age_bands(world, varied):
    d, rows = _rows(world)
    a, b = rows["oost"].bottlenecks, rows["zuid"].bottlenecks
    # Oost: young, old, internal, two escalated (open) = 5 open; resolved one is not open.
    assert (a.open, a.overdue) == (5, 2)
    assert (a.young, a.middle, a.old) == (3, 1, 1)
    assert (b.open, b.young, b.middle, b.old) == (1, 0, 1, 0)
    # The old one was reported in November 2025, before the quarter.
    assert (a.reported, a.resolved) == (5, 1)
    assert d.open == 6 and d.overdue == 2


def test_the_age_bands_count_days_as_an_items_own_page_does(world, clock):
    """An item 30 days old is no longer "under 30 days" (its page says "30 dagen oud"); one 90
    days old is still "30 to 90 days"."""
    ages = {}
    for days in (0, 29, 30, 90, 91):
        item = report(world, actor=world.bram, team=world.team_b, title=f"{days} dagen")
        _age(item, days=days)
        item.refresh_from_db()
        ages[days] = item.age_days
    assert ages == {0: 0, 29: 29, 30: 30, 90: 90, 91: 91}
    _, rows = _rows(world)
    zuid = rows["zuid"].bottlenecks
    assert (zuid.young, zuid.middle, zuid.old) == (2, 2, 1)


def test_escalations_wait_against_the_regions_target(world, varied):
    d, rows = _rows(world)
    e = rows["oost"].escalations
    assert (e.waiting, e.overdue) == (2, 1)
    # Escalated on Monday 16 February: ten working days waited, against a target of five.
    assert rows["oost"].longest_wait == 10
    assert d.target_days == 5
    assert [b.title for b in d.escalations] == ["Wacht lang", "Net opgeschaald"]
    assert [b.escalation_overdue for b in d.escalations] == [True, False]
    assert e.escalated == 2 and e.answered == 0


def test_an_answered_escalation_no_longer_waits(world, varied):
    late = Bottleneck.objects.get(pk=varied["late"].pk)
    services.bottleneck_region_respond(actor=world.olga, bottleneck=late, version=late.version, note="Op de agenda")
    _d, rows = _rows(world)
    assert (rows["oost"].escalations.waiting, rows["oost"].escalations.overdue) == (1, 0)
    assert rows["oost"].escalations.answered == 1
    # A second reply to the same escalation is not a second answer (it counted twice).
    late.refresh_from_db()
    services.bottleneck_region_respond(actor=world.olga, bottleneck=late, version=late.version, note="Nog een reactie")
    assert _rows(world)[1]["oost"].escalations.answered == 1


def test_internal_items_are_left_out_of_every_figure_without_the_right(world, varied):
    with_internal, rows_in = _rows(world, include_internal=True)
    without, rows_out = _rows(world, include_internal=False)
    assert rows_in["oost"].bottlenecks.open - rows_out["oost"].bottlenecks.open == 1
    assert rows_in["oost"].bottlenecks.overdue - rows_out["oost"].bottlenecks.overdue == 1
    assert rows_in["oost"].bottlenecks.middle - rows_out["oost"].bottlenecks.middle == 1
    assert "capaciteit" in {f.category.key for f in with_internal.categories}
    assert "capaciteit" not in {f.category.key for f in without.categories}
    # An internal escalation does not wait in the figures or the list either.
    internal = Bottleneck.objects.get(pk=varied["internal"].pk)
    _escalate(world, internal)
    _d, rows_out = _rows(world, include_internal=False)
    d, rows_in = _rows(world, include_internal=True)
    assert rows_in["oost"].escalations.waiting == rows_out["oost"].escalations.waiting + 1
    assert "Intern" not in [b.title for b in _rows(world, include_internal=False)[0].escalations]
    assert "Intern" in [b.title for b in d.escalations]


def test_categories_count_open_items_across_teams(world, varied):
    d, _rows_ = _rows(world)
    by_key = {f.category.key: f for f in d.categories}
    medication = by_key["medicatie"]
    assert (medication.open, medication.teams, medication.overdue) == (5, 2, 1)
    assert by_key["capaciteit"].open == 1
    assert category("medicatie") == medication.category


def test_the_period_decides_what_counts_as_reported_and_resolved(world, varied):
    _d, now = _rows(world, key="2026-Q1")
    _d, before = _rows(world, key="2025-Q4")
    _d, year = _rows(world, key="2025")
    assert now["oost"].bottlenecks.reported == 5
    # The old item was reported 120 days before 2 March 2026: on 2 November 2025.
    assert before["oost"].bottlenecks.reported == 1
    assert year["oost"].bottlenecks.reported == 1
    # Open now stays open now, whatever the period.
    assert before["oost"].bottlenecks.open == now["oost"].bottlenecks.open


def test_an_unknown_period_falls_back_to_the_current_quarter(clock):
    assert periods.parse("2031-Q9").key == "2026-Q1"
    assert periods.parse("1999").key == "2026-Q1"
    assert periods.parse("2025-Q4").previous.key == "2025-Q3"
    assert periods.parse("2026-Q1").previous.key == "2025-Q4"
    assert periods.parse("2025").last_day == date(2025, 12, 31)


# --- agreements ------------------------------------------------------------------------------------


def _indicator(world, agreement, *, dimension="quality", baseline=None, target="80"):
    return agreement_services.indicator_create(
        actor=world.carla,
        agreement=agreement,
        name=f"Indicator {dimension}",
        dimension=dimension,
        unit="%",
        baseline=baseline,
        target=Decimal(target),
        frequency="quarterly",
    )


def _new(world, **overrides):
    agreement = agreement_services.agreement_create(
        actor=world.carla, team=world.team_a, data=version_data(world, **overrides)
    )
    for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
        agreement_services.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
    return agreement


def _adopt(world, agreement):
    agreement_services.agreement_propose(actor=world.carla, agreement=agreement)
    endorse_all(world, agreement)
    for party in agreement.parties.exclude(kind=PartyKind.PROVIDER):
        agreement_services.consent_record(
            actor=world.carla,
            agreement=agreement,
            party=party,
            version_number=1,
            given_on=localdate(),
            where_given="Overleg",
        )
    return Agreement.objects.get(pk=agreement.pk)


def _python_check(agreement):
    agreement = Agreement.objects.select_related("current_version").get(pk=agreement.pk)
    result = agreement_selectors.accountability_check(
        version=agreement.current_version,
        parties=agreement_selectors.party_rows(agreement=agreement),
        indicators=agreement_selectors.indicators_with_measurements(agreement=agreement),
    )
    return {rule.key for rule in result.failing}


def test_failing_accountability_rules_are_counted_as_the_agreement_page_checks_them(world, clock):
    complete = _new(world)
    add_external(world, complete)
    add_external(world, complete, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Oost")
    _indicator(world, complete)
    complete = _adopt(world, complete)
    # Only providers, no indicator for the claimed quality gain, no review date, no sources.
    lacking = _adopt(world, _new(world, title="Zonder", review_date=None, sources="   "))
    # Claims accessibility too, with only a quality indicator; insurer but no client representation.
    partial = _new(world, title="Half", gain_accessibility="Sneller een afspraak")
    add_external(world, partial)
    _indicator(world, partial)
    partial = _adopt(world, partial)
    # A concept is not adopted: it does not count, whatever it lacks.
    _new(world, title="Concept", need="")
    due = _adopt(world, _new(world, title="Binnenkort evalueren", review_date=date(2026, 3, 20)))

    expected = {key: 0 for key in agreement_selectors.RULE_LABELS}
    failing_any = 0
    for agreement in (complete, lacking, partial, due):
        failing = _python_check(agreement)
        failing_any += bool(failing)
        for key in failing:
            expected[key] += 1
    assert _python_check(complete) == set()
    assert _python_check(lacking) == {"need", "triangle", "indicators", "review_date"}

    _d, rows = _rows(world)
    figures = rows["oost"].agreements
    assert figures.failing_rules == expected
    assert figures.failing == failing_any == 3
    assert (figures.adopted, figures.review_due, figures.proposed) == (4, 1, 0)
    assert figures.adopted_in_period == 4
    assert rows["zuid"].agreements.adopted == 0


def test_a_past_periods_adoptions_stay_when_an_agreement_ends_or_is_adopted_again(world, clock):
    """Found by an exploratory test: ending an agreement adopted in a quarter took it out of that
    quarter's "adopted in the period", and adopting a new version moved it to the later quarter."""
    ended = _adopt(world, _new(world, title="Beëindigd"))
    again = _adopt(world, _new(world, title="Opnieuw vastgesteld"))
    clock.move_to(datetime(2026, 4, 14, 10, tzinfo=AMSTERDAM))  # the next quarter
    agreement_services.agreement_end(actor=world.carla, agreement=ended, reason="Opgegaan in een andere")
    agreement_services.agreement_edit(
        actor=world.carla,
        agreement=again,
        base_version=again.version_count,
        data=version_data(world, body="Nieuwe werkwijze", change_note="Bijgesteld"),
    )
    endorse_all(world, again)
    assert Agreement.objects.get(pk=again.pk).adopted_at.month == 4

    _d, q1 = _rows(world, key="2026-Q1")
    assert q1["oost"].agreements.adopted_in_period == 2
    assert q1["zuid"].agreements.adopted_in_period == 0
    _d, q2 = _rows(world, key="2026-Q2")
    assert q2["oost"].agreements.adopted_in_period == 1
    _d, year = _rows(world, key="2026")
    assert year["oost"].agreements.adopted_in_period == 2  # agreements, not adoptions
    assert year["oost"].agreements.adopted == 1  # now


def test_an_endorsement_by_a_party_removed_from_the_version_does_not_count(world, clock):
    """Buurtzorg endorsed version 2 and was then removed from it; the insurer added to it has not
    decided: version 2 is not endorsed by every party, though as many endorsements as parties exist."""
    agreement = _adopt(world, _new(world))
    agreement_services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, body="Versie 2")
    )
    agreement = Agreement.objects.get(pk=agreement.pk)
    agreement_services.endorsement_record(
        actor=world.maarten, agreement=agreement, version_number=2, decision="endorsed"
    )
    nursing = agreement.parties.get(organisation=world.nursing_a)
    agreement_services.party_remove(actor=world.carla, agreement=agreement, party=nursing)
    add_external(world, agreement)
    for person in (world.carla, world.pieter):
        agreement_services.endorsement_record(actor=person, agreement=agreement, version_number=2, decision="endorsed")
    assert "endorsed" in _python_check(agreement)
    _d, rows = _rows(world)
    assert rows["oost"].agreements.failing_rules["endorsed"] == 1


def test_indicator_trend_compares_the_end_of_the_period_with_the_end_of_the_one_before(world, clock):
    agreement = _new(world)
    higher = _indicator(world, agreement, target="80")
    lower = _indicator(world, agreement, dimension="accessibility", baseline=Decimal("20"), target="10")
    _adopt(world, agreement)
    record = agreement_services.measurement_record
    record(actor=world.carla, indicator=higher, value=Decimal("70"), measured_on=date(2025, 12, 1))
    record(actor=world.carla, indicator=higher, value=Decimal("85"), measured_on=date(2026, 2, 1))
    record(actor=world.carla, indicator=lower, value=Decimal("9"), measured_on=date(2025, 11, 1))
    record(actor=world.carla, indicator=lower, value=Decimal("12"), measured_on=date(2026, 1, 15))
    _d, rows = _rows(world)
    figures = rows["oost"].indicators
    assert (figures.indicators, figures.measured) == (2, 2)
    # End of Q4 2025: only the fewer-is-better one at target (9 <= 10); end of Q1 2026: only the other.
    assert (figures.at_target_before, figures.at_target) == (1, 1)
    _d, rows = _rows(world, key="2025-Q4")
    assert (rows["oost"].indicators.at_target_before, rows["oost"].indicators.at_target) == (0, 1)
    assert rows["oost"].indicators.measured == 2


# --- pages and files -------------------------------------------------------------------------------


def _table(html: str, key: str) -> str:
    start = html.index(f'data-table="{key}"')
    return html[start : html.index("</table>", start)]


def test_the_page_shows_the_tables_with_their_charts(world, varied, client_for):
    response = client_for("olga").get("/r/utrecht/dashboard/?period=2026-Q1")
    html = response.content.decode()
    assert response.status_code == 200
    for key in ("teams", "waiting", "escalations", "age", "categories", "period", "agreements", "indicators"):
        assert f'data-table="{key}"' in html
        assert f"/r/utrecht/dashboard/{key}.csv?period=2026-Q1" in html
        assert f"/r/utrecht/dashboard/{key}.xlsx?period=2026-Q1" in html
    # Six charts, each an <img> of our own SVG with alt text pointing at its table.
    assert html.count('src="data:image/svg+xml;base64,') == 6
    # Each with a drawing of its own for a phone.
    assert html.count('<source media="(max-width: 40rem)" srcset="data:image/svg+xml;base64,') == 6
    # Pages are read in Dutch, as people do.
    assert "De tabel onder de grafiek heeft dezelfde getallen." in html
    assert '<option value="2026-Q1" selected>' in html
    waiting = _table(html, "waiting")
    assert waiting.index("Wacht lang") < waiting.index("Net opgeschaald")


def test_past_the_target_answers_yes_or_no_on_the_page(world, varied, client_for):
    """A yes/no column says "ja" or "nee": it said "te laat" or "nee"."""
    html = client_for("olga").get("/r/utrecht/dashboard/?period=2026-Q1").content.decode()
    waiting = _table(html, "waiting")
    rows = {
        # the cell's value, without its column's name (shown before it on a phone only)
        title: re.sub(r"<[^>]+>", "", re.sub(r'<span class="wv-cell-label">.*?</span>', "", cells[-1])).strip()
        for title, cells in (
            (re.search(r"#\d+ ([^<]+)</a>", row).group(1), re.findall(r"<td[^>]*>(.*?)</td>", row))
            for row in waiting.split("<tr")[2:]
        )
    }
    assert rows == {"Wacht lang": "ja", "Net opgeschaald": "nee"}
    assert "te laat" not in waiting


def test_each_figure_carries_its_columns_name_for_a_phone(world, varied, client_for):
    """On a phone each row of a table is a block (wv-table--stacked) and the column headers are out of
    sight: each figure says what it is there ("Open knelpunten: 1"); the overview scrolled 1,500 px
    sideways in its box instead. The desktop's table hides these names (test_dashboard_phone.py)."""
    html = client_for("olga").get("/r/utrecht/dashboard/?period=2026-Q1").content.decode()
    assert html.count("wv-dash-table wv-table--stacked wv-table--figures") == 8
    # The three wider than a tablet are blocks there too (test_dashboard_tablet.py).
    assert html.count('wv-table--figures wv-dash-table--wide"') == 3
    oost = _table(html, "teams").split("Utrecht Oost</a></th>")[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", oost)
    names = [re.match(r'<span class="wv-cell-label">([^<]*): </span>', cell).group(1) for cell in cells]
    # The figures to steer on first, the region's plugged-in columns after them: on a desktop the
    # overview (1,546 px in the page's 1,120) showed the wijkkaart's, the sociale kaart's, the signals'
    # and the postcode areas' columns and put every figure after "Te laat" out of sight to the right.
    assert names[:9] == [
        "Gemeente",
        "Kernpartijen",
        "Open knelpunten",
        "Te laat",
        "Wachtende opschalingen",
        "Opschalingen te laat",
        "Afspraken vastgesteld",
        "Toe aan evaluatie",
        "Voldoet niet aan een verantwoordingsregel",
    ]
    assert names[9] == "Wijkkaart"
    body = b"".join(client_for("olga").get("/r/utrecht/dashboard/teams.csv").streaming_content).decode()
    assert body.lstrip("\ufeff").split("\r\n")[0].split(";")[:5] == [
        "Wijkverband",
        "Gemeente",
        "Kernpartijen",
        "Open knelpunten",
        "Te laat",
    ]


def test_an_escalation_is_dated_by_the_dutch_day(world, clock, client_for):
    """Escalated at 00:30 in Amsterdam (23:30 UTC the day before): the dashboard, its export and
    the item's own page all say the Dutch day."""
    b = _escalate(world, report(world, title="Na middernacht"), at=datetime(2026, 2, 24, 0, 30, tzinfo=AMSTERDAM))
    assert b.escalated_at.astimezone(ZoneInfo("UTC")).day == 23
    html = client_for("olga").get("/r/utrecht/dashboard/?period=2026-Q1").content.decode()
    assert "24 februari 2026" in _table(html, "waiting")
    assert "23 februari 2026" not in _table(html, "waiting")
    export = client_for("olga").get("/r/utrecht/dashboard/waiting.csv?period=2026-Q1")
    body = b"".join(export.streaming_content).decode("utf-8")
    assert "2026-02-24" in body and "2026-02-23" not in body  # as a date, as every file of ours writes one
    workbook = client_for("olga").get("/r/utrecht/dashboard/waiting.xlsx?period=2026-Q1")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert date(2026, 2, 24) in [cell.value.date() for cell in sheet["D"] if isinstance(cell.value, datetime)]


def test_the_csv_has_the_numbers_of_the_table_for_dutch_excel(world, varied, client_for):
    response = client_for("olga").get("/r/utrecht/dashboard/age.csv?period=2026-Q1")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert "knelpunten-naar-leeftijd-utrecht-2026-k1.csv" in response["Content-Disposition"]
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Wijkverband",
        "Jonger dan 30 dagen",
        "30 tot 90 dagen",
        "Ouder dan 90 dagen",
        "Open knelpunten",
        "Te laat",
    ]
    assert rows[1] == ["Utrecht Oost", "3", "1", "1", "5", "2"]
    assert rows[2] == ["Utrecht Zuid", "0", "1", "0", "1", "0"]


def test_the_xlsx_keeps_numbers_as_numbers(world, varied, client_for):
    response = client_for("olga").get("/r/utrecht/dashboard/escalations.xlsx?period=2026-Q1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Wijkverband"
    assert values[1][:4] == ("Utrecht Oost", 1, 1, 10)


def test_the_report_for_the_board_is_the_same_tables_without_links_to_download(world, varied, client_for):
    response = client_for("olga").get("/r/utrecht/dashboard/report/?period=2026-Q1")
    html = response.content.decode()
    assert "Kwartaalrapportage K1 2026" in html
    assert "dashboard-print.css" in html
    assert 'data-table="agreements"' in html
    assert ".csv" not in html
    year = client_for("olga").get("/r/utrecht/dashboard/report/?period=2025").content.decode()
    assert "Jaarrapportage 2025" in year


def test_the_region_home_leads_overseers_to_the_dashboard(world, client_for):
    assert "/r/utrecht/dashboard/" in client_for("olga").get("/r/utrecht/").content.decode()
    assert "/r/utrecht/dashboard/" in client_for("ada").get("/r/utrecht/").content.decode()
    assert "/r/utrecht/dashboard/" not in client_for("rik").get("/r/utrecht/").content.decode()


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/r/utrecht/dashboard/", "/r/utrecht/dashboard/report/", "/r/utrecht/dashboard/teams.xlsx"]
)
def test_the_number_of_queries_does_not_grow_with_teams_or_rows(world, varied, client_for, url, settings):
    from wijkverband.tenancy import services as tenancy_services

    settings.DASHBOARD_CACHE_SECONDS = 0  # count the figures' queries, not a kept copy
    client = client_for("olga")
    client.get(url)
    few = _count_queries(client, url)
    assert few > 10  # the figures are read, not skipped
    for number in range(3):
        team = tenancy_services.team_create(
            actor=world.ada, region=world.region, name=f"Extra {number}", slug=f"extra-{number}", municipality="Utrecht"
        )
        del team
    for number in range(5):
        b = report(world, title=f"Nog een {number}")
        _escalate(world, b)
    agreement = _new(world, title="Meer")
    _indicator(world, agreement)
    _adopt(world, agreement)
    # More adoptions in the period, in more teams: counted from the history, still in one query.
    for title in ("Nog meer", "Beëindigd"):
        _adopt(world, _new(world, title=title))
    agreement_services.agreement_end(
        actor=world.carla, agreement=Agreement.objects.get(current_version__title="Beëindigd"), reason="Klaar"
    )
    agreement_services.agreement_edit(
        actor=world.carla, agreement=agreement, base_version=1, data=version_data(world, title="Meer", body="Versie 2")
    )
    endorse_all(world, agreement)  # adopted a second time
    for title in ("Zuid een", "Zuid twee"):
        _adopt_in_zuid(world, title)
    figures = region_dashboard(region=world.region, period=periods.parse(""), include_internal=True)
    adopted = {row.team.slug: row.agreements.adopted_in_period for row in figures.teams}
    assert (adopted["oost"], adopted["zuid"]) == (3, 2)
    assert _count_queries(client, url) == few


def _adopt_in_zuid(world, title):
    """An agreement of team B (Zuid) adopted by its parties: Wijkzorg Zuid (bram) and the pharmacy (pieter)."""
    agreement = agreement_services.agreement_create(
        actor=world.bram, team=world.team_b, data=version_data(world, title=title, owner=world.bram)
    )
    for organisation in (world.nursing_b, world.pharmacy):
        agreement_services.party_add_organisation(actor=world.bram, agreement=agreement, organisation=organisation)
    agreement_services.agreement_propose(actor=world.bram, agreement=agreement)
    for person in (world.bram, world.pieter):
        agreement = Agreement.objects.get(pk=agreement.pk)
        agreement_services.endorsement_record(actor=person, agreement=agreement, version_number=1, decision="endorsed")
    return agreement


def test_figures_are_kept_for_a_minute_and_the_page_says_of_when(world, varied, client_for, clock):
    client = client_for("olga")
    url = "/r/utrecht/dashboard/?period=2026-Q1"
    first = client.get(url).content.decode()
    assert "Cijfers van 10:00 (een minuut bewaard)." in first
    uncached = _count_queries(client, "/r/utrecht/dashboard/?period=2025")
    clock.shift(timedelta(seconds=30))
    # Within the minute and nothing changed: the kept figures, without their queries, still of 10:00.
    again = client.get(url).content.decode()
    assert _table(again, "age") == _table(first, "age")
    assert "Cijfers van 10:00" in again
    assert _count_queries(client, url) < uncached - 5
    # A change in the region's bottlenecks (or agreements) shows at once, not a minute later.
    report(world, title="Net binnen")
    changed = client.get(url).content.decode()
    assert "Cijfers van 10:00 (een minuut bewaard)." in changed
    assert _table(changed, "age") != _table(first, "age")
    # After a minute the figures are made anew even without a change.
    clock.shift(timedelta(seconds=61))
    later = client.get(url).content.decode()
    assert "Cijfers van 10:01 (een minuut bewaard)." in later


def test_the_report_says_of_when_its_figures_are(world, varied, client_for, clock):
    html = client_for("olga").get("/r/utrecht/dashboard/report/?period=2026-Q1").content.decode()
    assert "Cijfers van" in html


def test_the_english_dashboard_says_as_of_and_is_missing(world, varied, client_for, clock):
    """Found by an exploratory test: "1 misses a core player", "Figures of 08:41 (kept for a
    minute)" and, in the quarterly report, "Figures of 6 December 2026"."""
    client = client_for("olga")
    client.cookies["django_language"] = "en"
    page = " ".join(client.get("/r/utrecht/dashboard/?period=2026-Q1").content.decode().split())
    assert "Figures as of 10:00 (cached for a minute)." in page
    assert '2 teams, <strong class="wv-warning">1 is missing a core player</strong>' in page
    assert "Figures of" not in page and "misses a core player" not in page
    report_page = client.get("/r/utrecht/dashboard/report/?period=2026-Q1").content.decode()
    assert "Figures as of" in report_page and "Figures of" not in report_page


def test_a_team_without_a_core_player_is_missing_one_in_english():
    from django.utils import translation

    with translation.override("en"):
        one = translation.ngettext("%(counter)s is missing a core player", "%(counter)s are missing a core player", 1)
    assert one % {"counter": 1} == "1 is missing a core player"
    with translation.override("nl"):
        two = translation.ngettext("%(counter)s is missing a core player", "%(counter)s are missing a core player", 2)
    assert two % {"counter": 2} == "2 missen een kernpartij"


def test_a_long_column_name_shows_short_and_is_read_whole(world, varied, client_for):
    """The overview's and the agreements' long names shortened on the page (the overview was wider
    than a desktop); a screen reader and a mouse's hover get the whole name, and so does the file."""
    html = client_for("olga").get("/r/utrecht/dashboard/?period=2026-Q1").content.decode()
    header = _table(html, "teams").split("</thead>")[0]
    assert (
        '<span aria-hidden="true" title="Voldoet niet aan een verantwoordingsregel">Voldoet niet</span>'
        '<span class="wv-visually-hidden">Voldoet niet aan een verantwoordingsregel</span>'
    ) in header
    agreements = _table(html, "agreements").split("</thead>")[0]
    assert ">Niet voldaan: zorgdriehoek</span>" in agreements
    # The note above the agreements says what the short name stands for, in its words.
    assert "Voldoet niet: vastgestelde afspraken waarvan de huidige versie niet aan elke" in html
    body = b"".join(client_for("olga").get("/r/utrecht/dashboard/teams.csv").streaming_content).decode()
    assert "Voldoet niet aan een verantwoordingsregel" in body.splitlines()[0]


def test_an_escalation_past_the_regions_target_is_te_laat_wherever_the_region_reads_it(world, varied, client_for):
    """One word for it: the escalation queue's rows and Mijn werk said "te laat", the queue's caption
    and the dashboard "over de termijn (van de regio)", paired with "binnen de termijn"."""
    olga = client_for("olga")
    pages = {
        "dashboard": olga.get("/r/utrecht/dashboard/?period=2026-Q1").content.decode(),
        "queue": olga.get("/r/utrecht/bottlenecks/escalations/").content.decode(),
        "mijn werk": olga.get("/my-work/").content.decode(),
        "export": b"".join(olga.get("/r/utrecht/dashboard/escalations.csv").streaming_content).decode(),
    }
    for name, page in pages.items():
        assert not re.search(r"(over|binnen) de termijn", page, re.IGNORECASE), name
    assert "Opgeschaalde knelpunten: eerst wat te laat is, dan wat het langst wacht" in pages["queue"]
    assert "1 te laat" in pages["dashboard"]  # "2 opschalingen wachten op de regio, 1 te laat"
    assert "Op tijd" in _table(pages["dashboard"], "escalations")
    assert "Opschalingen te laat" in _table(pages["dashboard"], "teams")
    assert "Op tijd;Te laat" in pages["export"]
