"""The Welzijn op Recept pages as people use them: the monthly tables (counts and records together),
the period filter, the chart, the exports, refusals at the field, and constant query counts."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.referrals.conftest import counts, last_month, months_ago, record
from wijkverband.referrals import services as record_services
from wijkverband.referrals.models import Referral, ReferralMonth
from wijkverband.referrals.months import add_months, this_month

W = "/t/oost/welzijn-op-recept/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def figures(world):
    """Two months from the GP as counts, last month from the GP as records, and one from the social domain."""
    counts(world, month=months_ago(3), referrals=10, intakes=8, feedback=6)
    counts(world, month=months_ago(2), referrals=4, intakes=2, feedback=1)
    day = last_month().replace(day=5)
    record(world, day=day, status="intake_held", feedback_on=day)
    record(world, day=day, status="completed")
    record(world, day=day, status="not_started", feedback_on=day)
    record(world, day=day, referrer=world.social_a, status="referred")


def test_the_overview_adds_counts_and_records_per_month_and_per_referrer(world, figures, client_for):
    response = client_for("rosa").get(W)
    assert response.status_code == 200
    page = text(response)
    assert "Verwezen door Huisarts Oost" in page and "Verwezen door Welzijn Oost" in page
    total = response.context["total"]
    by_month = {line.month: line.figures for line in total.lines}
    assert (by_month[months_ago(3)].referrals, by_month[months_ago(3)].feedback) == (10, 6)
    assert (by_month[last_month()].referrals, by_month[last_month()].intakes, by_month[last_month()].feedback) == (
        4,
        2,
        2,
    )
    assert by_month[last_month()].kind == "records"
    assert total.total.kind == "mixed"  # the period holds months of both
    assert not by_month[this_month()].entered  # not entered is not zero
    assert (total.total.referrals, total.total.intakes, total.total.feedback) == (18, 12, 9)
    assert str(total.total.feedback_rate) == "50.0"
    gp = next(t for t in response.context["tables"] if t.referrer_id == world.gp_a.pk)
    assert (gp.total.referrals, gp.total.intakes, gp.total.feedback) == (17, 12, 9)
    assert "niet ingevoerd" in page
    assert "50,0&nbsp;%" in response.content.decode()


def test_representatives_and_overseers_see_figures_but_no_records_and_no_entry(world, figures, client_for):
    for persona in ("rosa", "olga", "rik"):
        page = client_for(persona).get(W).content.decode()
        assert "/records/" not in page and "/counts/" not in page
        assert "Alleen lezen" in page
    page = client_for("maarten").get(W).content.decode()
    assert f"{W}records/new/" in page and f"{W}counts/" in page


def test_the_period_is_a_get_form_that_works_without_javascript(world, figures, client_for):
    client = client_for("carla")
    start, end = months_ago(3), months_ago(2)
    response = client.get(W, {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"})
    assert [line.month for line in response.context["total"].lines] == [start, end]
    assert response.context["total"].total.referrals == 14
    page = response.content.decode()
    assert f"chart.svg?start={start:%Y-%m}&amp;end={end:%Y-%m}" in page
    assert f'<option value="{start:%Y-%m}" selected>' in page
    # An end before the start: an error at the field, and the default period instead.
    response = client.get(W, {"start": f"{end:%Y-%m}", "end": f"{start:%Y-%m}"})
    assert "kan niet vóór het begin liggen" in response.content.decode()
    assert len(response.context["total"].lines) == 12


def test_the_default_period_is_the_last_twelve_months(world, client_for):
    response = client_for("carla").get(W)
    months = [line.month for line in response.context["total"].lines]
    assert months[0] == add_months(this_month(), -11) and months[-1] == this_month()
    assert "Geen cijfers van" in response.content.decode()


def test_the_chart_is_an_svg_with_a_dutch_title_and_the_same_numbers(world, figures, client_for):
    response = client_for("olga").get(W + "chart.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<script" not in svg and "style=" not in svg
    assert "Welzijn op Recept in Utrecht Oost" in svg
    assert "in totaal 18 verwijzingen, 12 intakes, 9 met terugkoppeling" in svg


def test_a_phone_gets_the_chart_drawn_for_its_width(world, figures, client_for):
    """On a phone the 720 px chart shrank to half, its labels to 6.5 px: below 40rem the page
    offers a 360 px drawing of the same period (a <picture> source, as the dashboard does)."""
    client = client_for("olga")
    start, end = months_ago(3), last_month()
    period = f"start={start:%Y-%m}&amp;end={end:%Y-%m}"
    page = client.get(W, {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}).content.decode()
    assert f'<source media="(max-width: 40rem)" srcset="{W}chart-narrow.svg?{period}"' in page
    response = client.get(W + "chart-narrow.svg", {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"})
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert 'viewBox="0 0 360 ' in svg and "<script" not in svg and "style=" not in svg
    assert "in totaal 18 verwijzingen, 12 intakes, 9 met terugkoppeling" in svg


def test_the_figures_export_is_semicolon_separated_utf8_with_a_bom(world, figures, client_for):
    response = client_for("rosa").get(
        W + "export.csv", {"start": f"{months_ago(3):%Y-%m}", "end": f"{last_month():%Y-%m}"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Maand", "Verwijzende organisatie", "Ingevoerd als", "Verwijzingen"]
    assert [f"{months_ago(3):%Y-%m}", "Huisarts Oost", "aantallen", "10", "8", "6", "60,0", "80,0"] in rows
    assert [f"{last_month():%Y-%m}", "Welzijn Oost", "losse verwijzingen", "1", "0", "0", "0,0", "0,0"] in rows
    assert len(rows) == 1 + 4


def test_the_records_export_is_for_professionals_and_holds_no_client(world, figures, client_for):
    response = client_for("sofie").get(W + "records/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Datum van verwijzing",
        "Verwijzende organisatie",
        "Aanbod",
        "Status",
        "Intake gehad",
        "Terugkoppeling gestuurd op",
    ]
    assert len(rows) == 1 + 4
    assert client_for("rosa").get(W + "records/export.csv").status_code == 403


def test_a_formula_in_an_offer_is_defused_in_the_export(world, client_for):
    record(world, offer='=HYPERLINK("x")')
    body = b"".join(client_for("carla").get(W + "records/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body and ";=HYPERLINK" not in body


def test_client_data_in_the_offer_is_refused_at_the_field_and_the_input_kept(world, client_for):
    offer = "mevrouw Jansen geb. 12-03-1948"
    response = client_for("sofie").post(
        W + "records/new/",
        {
            "referred_on": last_month().replace(day=3).isoformat(),
            "referrer": world.gp_a.pk,
            "offer": offer,
            "status": "referred",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "cliëntgegevens" in " ".join(form.errors["offer"])
    page = response.content.decode()
    assert 'id="id_offer_error"' in page
    assert f'value="{offer}"' in page
    assert not Referral.objects.exists() and not ReferralMonth.objects.exists()


def test_a_bsn_in_the_offer_is_refused_over_http_too(world, client_for):
    response = client_for("maarten").post(
        W + "records/new/",
        {
            "referred_on": last_month().replace(day=3).isoformat(),
            "referrer": world.gp_a.pk,
            "offer": "BSN 111 222 333",
            "status": "referred",
        },
    )
    assert response.status_code == 400
    assert "BSN" in " ".join(response.context["form"].errors["offer"])
    assert "111 222 333" not in " ".join(response.context["form"].errors["offer"])
    assert not Referral.objects.exists()


def test_impossible_counts_get_their_error_at_the_field(world, client_for):
    response = client_for("carla").post(
        W + "counts/",
        {"month": f"{last_month():%Y-%m}", "referrer": world.gp_a.pk, "referrals": 3, "intakes": 4, "feedback": -1},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "intakes" in errors and "feedback" in errors
    assert not ReferralMonth.objects.exists()


def test_a_future_month_is_not_offered_and_refused_when_posted(world, client_for):
    client = client_for("carla")
    future = f"{add_months(this_month(), 1):%Y-%m}"
    assert f'value="{future}"' not in client.get(W + "counts/").content.decode()
    response = client.post(
        W + "counts/", {"month": future, "referrer": world.gp_a.pk, "referrals": 3, "intakes": 1, "feedback": 1}
    )
    assert response.status_code == 400 and "month" in response.context["form"].errors


def test_counts_over_a_month_kept_as_records_say_so_at_the_month(world, client_for):
    record(world)
    response = client_for("carla").post(
        W + "counts/",
        {"month": f"{last_month():%Y-%m}", "referrer": world.gp_a.pk, "referrals": 3, "intakes": 1, "feedback": 1},
    )
    assert response.status_code == 400
    assert "losse verwijzingen" in " ".join(response.context["form"].errors["month"])
    assert ReferralMonth.objects.get().referrals == 1


def test_a_conflicting_save_shows_the_others_figures_and_saves_on_the_second_try(world, client_for):
    counts(world, referrals=10, intakes=8, feedback=6)
    client = client_for("maarten")
    data = {"month": f"{last_month():%Y-%m}", "referrer": world.gp_a.pk, "referrals": 11, "intakes": 8, "feedback": 6}
    response = client.post(W + "counts/", {**data, "version": 0})
    assert response.status_code == 400
    assert "zijn al ingevoerd" in response.content.decode()
    assert 'name="version" value="1"' in response.content.decode()
    assert ReferralMonth.objects.get().referrals == 10
    assert client.post(W + "counts/", {**data, "version": 1}).status_code == 302
    assert ReferralMonth.objects.get().referrals == 11


def test_saving_and_adding_another_returns_to_an_empty_form(world, client_for):
    response = client_for("sofie").post(
        W + "records/new/",
        {
            "referred_on": last_month().replace(day=3).isoformat(),
            "referrer": world.gp_a.pk,
            "status": "referred",
            "another": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == W + "records/new/"


def test_the_overview_and_the_record_list_use_a_constant_number_of_queries(world, client_for):
    client = client_for("carla")

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    record(world, day=months_ago(1).replace(day=1), referrer=world.social_a)
    small = queries(W), queries(W + "records/")
    for back in range(1, 12):
        counts(world, month=months_ago(back), referrer=world.gp_a, referrals=back, intakes=0, feedback=0)
        record(world, day=months_ago(back).replace(day=2), referrer=world.social_a)
        record(world, day=months_ago(back).replace(day=9), referrer=world.pharmacy)
    assert (queries(W), queries(W + "records/")) == small
    assert small[0] <= 20, small


def test_changing_counts_keeps_their_month_and_referrer(world, client_for):
    row = counts(world, referrals=10, intakes=8, feedback=6)
    client = client_for("carla")
    page = client.get(f"{W}counts/{row.pk}/").content.decode()
    assert re.search(r'<select name="month"[^>]*disabled', page)
    response = client.post(
        f"{W}counts/{row.pk}/",
        {
            "month": f"{months_ago(3):%Y-%m}",
            "referrer": world.social_a.pk,
            "referrals": 9,
            "intakes": 8,
            "feedback": 6,
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert ReferralMonth.objects.get().referrals == 9
    assert (
        ReferralMonth.objects.get().month == last_month() and ReferralMonth.objects.get().referrer_id == world.gp_a.pk
    )


def test_a_record_changed_meanwhile_shows_the_refusal_and_saves_on_the_second_try(world, client_for):
    first = record(world)
    data = {
        "referred_on": first.referred_on.isoformat(),
        "referrer": world.gp_a.pk,
        "offer": "Taalcafé",
        "status": "intake_held",
        "version": 1,
    }
    record_services.referral_edit(
        actor=world.carla,
        team=world.team_a,
        record=first,
        version=1,
        referred_on=first.referred_on,
        referrer=world.gp_a,
        offer="Wandelgroep",
        status="not_started",
        feedback_on=None,
    )
    client = client_for("sofie")
    response = client.post(f"{W}records/{first.pk}/", data)
    assert response.status_code == 400
    assert 'name="version" value="2"' in response.content.decode()
    assert Referral.objects.get().status == "not_started"
    assert client.post(f"{W}records/{first.pk}/", {**data, "version": 2}).status_code == 302
    assert Referral.objects.get().status == "intake_held"


def test_the_forms_ask_to_choose_an_organisation_in_the_usual_words(world, client_for):
    """Every other form's empty choice reads "— kies een organisatie —", not Django's "---------"."""
    page = client_for("sofie").get(W + "records/new/").content.decode()
    assert '<option value="" selected>— kies een organisatie —</option>' in page
    assert "---------" not in page


def test_a_count_with_a_comma_or_a_point_is_refused_at_its_field_never_read_as_another_number(world, client_for):
    """Found by an exploratory test: number boxes drop a typed comma in a Dutch browser ("12,5" came in
    as 125), and the server read "1.000" (a thousand, in Dutch) as 1. Counts are whole numbers, typed
    in a text box, and a comma or point in them is an error at the field."""
    client = client_for("carla")
    page = client.get(W + "counts/").content.decode()
    box = re.search(r'<input[^>]*name="referrals"[^>]*>', page).group(0)
    assert 'type="text"' in box and 'inputmode="numeric"' in box
    response = client.post(
        W + "counts/",
        {"month": f"{last_month():%Y-%m}", "referrer": world.gp_a.pk, "referrals": "1.000", "intakes": "12,5"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    whole = ["Geef een heel getal, zonder komma of punt, zoals 12 of 1000."]
    assert errors["referrals"] == whole and errors["intakes"] == whole
    html = response.content.decode()
    assert 'value="1.000"' in html and 'value="12,5"' in html
    assert not ReferralMonth.objects.exists()


def _ahead(years: int) -> str:
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from wijkverband.core.dates import years_after

    with translation.override("nl"):
        return date_format(years_after(timezone.localdate(), years))


@pytest.mark.parametrize(
    ("field", "typed"), [("referred_on", "0001-01-01"), ("referred_on", "9999-12-31"), ("feedback_on", "9999-12-31")]
)
def test_a_referral_date_in_an_implausible_year_is_refused_at_its_field(world, client_for, field, typed):
    """The window of a typed date (core/dates.py), from the first month the figures go back to."""
    day = last_month().replace(day=3).isoformat()
    data = {"referred_on": day, "referrer": world.gp_a.pk, "offer": "Taalcafé", "status": "referred"}
    client = client_for("sofie")
    response = client.post(W + "records/new/", {**data, field: typed})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [f"Vul een datum in tussen 1 januari 2015 en {_ahead(10)}."]
    assert not Referral.objects.exists()
    # A change, too, leaves the record as it was.
    saved = record(world)
    response = client.post(f"{W}records/{saved.pk}/", {**data, field: typed, "version": 1})
    assert response.status_code == 400 and field in response.context["form"].errors
    saved.refresh_from_db()
    assert saved.offer == "Wandelgroep" and saved.feedback_on is None
    # A plausible date is still taken.
    assert client.post(W + "records/new/", {**data, "feedback_on": day}).status_code == 302
    assert Referral.objects.count() == 2


def test_each_referrer_has_one_visible_heading_and_its_table_keeps_a_name(world, figures, client_for):
    """Found by an exploratory walk: "Verwezen door Huisarts Oost" stood directly above "Verwijzingen van
    Huisarts Oost per maand". The heading says it; the table's caption stays for screen readers (its
    name in a list of tables, and the name of its scroll box), hidden from sight."""
    from tests.headings import headings

    html = client_for("carla").get(W).content.decode()
    visible = re.sub(r'<caption class="[^"]*wv-visually-hidden[^"]*"[^>]*>.*?</caption>', " ", html, flags=re.S)
    visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", visible))
    for name in ("Huisarts Oost", "Welzijn Oost"):
        assert visible.count(f"Verwezen door {name}") == 1
        assert f"Verwijzingen van {name} per maand" not in visible
        caption = re.search(
            rf'<caption class="([^"]*)" id="(caption-\d+)">Verwijzingen van {name} per maand</caption>', html
        )
        assert caption and "wv-visually-hidden" in caption.group(1)
        assert f'role="region" aria-labelledby="{caption.group(2)}"' in html
    # The whole team's table keeps its caption in sight (its heading says whose, not what).
    assert "Alle verwijzende organisaties samen, per maand" in visible
    levels = [level for level, said in headings(html) if said.startswith("Verwezen door")]
    assert levels == [2, 2]
