"""The demo's Welzijn op Recept figures and the indicator fed from them (wijkverband/demo/referrals.py)."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from wijkverband.agreements.models import Indicator, Measurement
from wijkverband.demo.management.commands.seed_demo import demo_email
from wijkverband.referrals.models import Kind, Referral, ReferralMonth
from wijkverband.tenancy.models import Team


def test_the_demo_has_six_months_partly_counts_partly_records_behind_an_indicator(no_world):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # loaded once
    oost = Team.objects.get(slug="utrecht-oost")
    months = list(ReferralMonth.objects.for_team(oost).order_by("month"))
    assert [m.kind for m in months] == [Kind.COUNTS] * 3 + [Kind.RECORDS] * 3
    assert {m.referrer.name for m in months} == {"Huisartsenpraktijk Oosterspoor"}
    assert Referral.objects.for_team(oost).count() == sum(m.referrals for m in months[3:])
    indicator = Indicator.objects.for_team(oost).get(name="Terugkoppeling Welzijn op Recept")
    assert indicator.source == "referrals.feedback_rate" and indicator.agreement.status == "adopted"
    assert Measurement.objects.filter(indicator=indicator).count() == 6
    client = Client()
    client.force_login(get_user_model().objects.get(email=demo_email("representative")))
    page = client.get("/t/utrecht-oost/welzijn-op-recept/").content.decode()
    assert "Verwezen door Huisartsenpraktijk Oosterspoor" in page
    assert not Team.objects.exclude(slug="utrecht-oost").filter(pk__in=[m.team_id for m in months]).exists()
