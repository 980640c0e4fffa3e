"""The admin shows a client-data refusal at the field, as the pages do, instead of a server error."""

import pytest
from django.contrib.auth import get_user_model

from tests.personas import make_user
from wijkverband.tenancy.models import Organisation, Team

BSN = "111222333"  # passes the eleven-test


@pytest.fixture
def superuser(db, no_world):
    user = make_user("root", "Beheer")  # with a second factor, as staff must have
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_an_organisation_with_a_bsn_in_its_name_is_refused_at_the_field(admin_client):
    response = admin_client.post("/admin/tenancy/organisation/add/", {"name": f"Praktijk {BSN}", "kind": "huisarts"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "name" in errors and "BSN" in errors["name"][0]
    assert BSN not in errors["name"][0]  # the refusal never repeats the number
    assert not Organisation.objects.filter(name__contains=BSN).exists()


def test_a_person_with_a_date_of_birth_in_the_name_is_refused_and_the_account_stays_as_it_was(admin_client, superuser):
    user = get_user_model().objects.create_user(email="jan@example.nl", password="x" * 20, name="Jan")
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "name": "Jan Jansen geboren 12-03-1948",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.name == "Jan"


def test_a_team_saved_in_the_admin_with_plain_text_goes_through(admin_client):
    team = Team.objects.create(region_id=_region().pk, name="Wijk 3581", slug="wijk-3581", municipality="Utrecht")
    response = admin_client.post(
        f"/admin/tenancy/team/{team.pk}/change/",
        {
            "region": team.region_id,
            "name": "Wijk 3581 en 3582",
            "slug": team.slug,
            "municipality": "Utrecht",
            "postcode_areas": "",
            "reconfirm_months": 6,
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
            "team_organisations-TOTAL_FORMS": 0,
            "team_organisations-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    team.refresh_from_db()
    assert team.name == "Wijk 3581 en 3582"


def _region():
    from wijkverband.tenancy.models import Region

    return Region.objects.create(name="ROSE Test", slug="rose-test")
