"""Postcode areas kept by the region: the overlap rule, the region's pages and "create a team"."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.utils import translation

from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy import services
from wijkverband.tenancy.models import PostcodeArea, Team


def codes(team):
    return sorted(PostcodeArea.objects.filter(team=team).values_list("code", flat=True))


def set_areas(world, team, text, actor=None):
    return services.team_postcode_areas_set(actor=actor or world.ada, team=team, postcode_areas=text)


# --- the rule ------------------------------------------------------------------------------------


def test_the_world_keeps_its_areas_as_rows(world):
    assert codes(world.team_a) == ["3581"] and codes(world.team_b) == ["3521"] and codes(world.team_c) == []
    assert world.team_a.postcode_area_list == ["3581"]


def test_an_administrator_replaces_a_teams_areas_and_it_is_audited(world):
    assert set_areas(world, world.team_a, "3582, 3581, 3584 ab") == ["3581", "3582", "3584AB"]
    assert codes(world.team_a) == ["3581", "3582", "3584AB"]
    event = AuditEvent.objects.filter(action="team.postcode_areas_changed").latest("pk")
    assert event.data == {"added": ["3582", "3584AB"], "removed": []}
    set_areas(world, world.team_a, "3582")
    assert codes(world.team_a) == ["3582"]


def test_only_the_regions_administrator_keeps_the_areas(world):
    for persona in (world.olga, world.carla, world.rik, world.chris):
        with pytest.raises(PermissionDenied):
            set_areas(world, world.team_a, "3582", actor=persona)
    assert codes(world.team_a) == ["3581"]


def test_two_teams_of_a_region_may_not_share_an_area_and_the_refusal_names_the_team(world):
    with translation.override("nl"), pytest.raises(ActionRefused) as refused:
        set_areas(world, world.team_b, "3521, 3581")
    assert "3581" in refused.value.message and "Utrecht Oost" in refused.value.message
    assert refused.value.field == "postcode_areas"
    assert codes(world.team_b) == ["3521"]  # nothing changed


def test_a_region_that_allows_it_lets_teams_share_an_area(world):
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    world.team_b.region.refresh_from_db()
    set_areas(world, world.team_b, "3521, 3581")
    assert codes(world.team_b) == ["3521", "3581"]


def test_a_team_of_another_region_never_shares_even_when_the_region_allows_it(world):
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    services.team_postcode_areas_set(actor=None, team=world.team_c, postcode_areas="3825")
    with translation.override("nl"), pytest.raises(ActionRefused) as refused:
        set_areas(world, world.team_a, "3581, 3825")
    assert "Vathorst" in refused.value.message and "ROSE Eemland" in refused.value.message
    # Nor the other way round, nor a full postcode inside the other region's area, nor an area
    # around the other region's full postcode.
    with pytest.raises(ActionRefused):
        services.team_postcode_areas_set(actor=None, team=world.team_c, postcode_areas="3825, 3581")
    with pytest.raises(ActionRefused):
        set_areas(world, world.team_a, "3825 AB")
    services.team_postcode_areas_set(actor=None, team=world.team_c, postcode_areas="3825, 3590 AB")
    with pytest.raises(ActionRefused):
        set_areas(world, world.team_a, "3590")
    assert codes(world.team_a) == ["3581"]


def test_a_full_postcode_carves_a_street_out_of_another_teams_area_in_the_same_region(world):
    """No overlap: every postcode still has one team, and the lookup prefers the full postcode."""
    set_areas(world, world.team_b, "3521, 3581 AB")
    assert codes(world.team_b) == ["3521", "3581AB"]
    # The same full postcode twice is an overlap.
    with pytest.raises(ActionRefused):
        set_areas(world, world.team_a, "3581, 3581AB")


def test_keeping_its_own_areas_is_no_overlap_with_itself(world):
    set_areas(world, world.team_a, "3581, 3582")
    set_areas(world, world.team_a, "3581, 3582, 3583")
    assert codes(world.team_a) == ["3581", "3582", "3583"]


def test_a_region_cannot_stop_sharing_while_two_teams_share_an_area(world):
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    set_areas(world, world.team_b, "3521, 3581")
    with translation.override("nl"), pytest.raises(ActionRefused) as refused:
        services.region_area_sharing_set(actor=world.ada, region=world.region, allow=False)
    assert "3581" in refused.value.message and "Utrecht Oost" in refused.value.message
    assert "Utrecht Zuid" in refused.value.message
    world.region.refresh_from_db()
    assert world.region.allow_overlapping_areas
    set_areas(world, world.team_b, "3521")
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=False)
    world.region.refresh_from_db()
    assert not world.region.allow_overlapping_areas
    with pytest.raises(PermissionDenied):
        services.region_area_sharing_set(actor=world.olga, region=world.region, allow=True)


# --- "create a team" keeps working, under the same rule -----------------------------------------------


def test_create_a_team_with_areas_and_full_postcodes(world, client_for):
    response = client_for("ada").post(
        "/r/utrecht/teams/new/",
        {"name": "Utrecht West", "slug": "west", "municipality": "Utrecht", "postcode_areas": "3531, 3532 ab"},
    )
    assert response.status_code == 302
    assert codes(Team.objects.get(slug="west")) == ["3531", "3532AB"]


def test_create_a_team_refuses_an_area_of_another_team_at_the_field(world, client_for):
    response = client_for("ada").post(
        "/r/utrecht/teams/new/",
        {"name": "Utrecht West", "slug": "west", "municipality": "Utrecht", "postcode_areas": "3531, 3521"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Utrecht Zuid" in page and 'id="id_postcode_areas_error"' in page
    assert not Team.objects.filter(slug="west").exists()


def test_create_a_team_refuses_an_area_of_another_region(world):
    services.team_postcode_areas_set(actor=None, team=world.team_c, postcode_areas="3825")
    with pytest.raises(ActionRefused):
        services.team_create(
            actor=world.ada, region=world.region, name="Noord", slug="noord", municipality="Utrecht",
            postcode_areas="3825",
        )  # fmt: skip
    assert not Team.objects.filter(slug="noord").exists()


# --- the region's pages ----------------------------------------------------------------------------


def test_the_region_page_lists_each_teams_areas_and_the_overlaps(world, client_for):
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    set_areas(world, world.team_b, "3521, 3581, 3584 AB")
    page = client_for("olga").get("/r/utrecht/postcode-areas/").content.decode()
    assert "3521, 3581, 3584 AB" in page
    assert "Deze postcodegebieden horen bij meer dan één wijkverband" in page
    assert "Vathorst" not in page  # another region's team
    assert "/postcode-areas/sharing/" not in page and "Bewerken" not in page  # overseers read only
    admin_page = client_for("ada").get("/r/utrecht/postcode-areas/").content.decode()
    assert f"/r/utrecht/postcode-areas/{world.team_a.pk}/" in admin_page
    assert "/r/utrecht/postcode-areas/sharing/" in admin_page


def test_the_region_home_shows_the_areas_and_links_to_the_page(world, client_for):
    page = client_for("olga").get("/r/utrecht/").content.decode()
    assert "3581" in page and "3521" in page
    assert 'href="/r/utrecht/postcode-areas/"' in page


def test_a_refused_stop_to_sharing_is_said_at_the_box_and_the_summary_leads_there(world, client_for):
    """Found in a check of the settings pages after a keyboard-only test: "3581 hoort bij Utrecht Oost,
    Utrecht Zuid …" came back at the top of the page, above the table, with nothing at the box it
    was about and no error summary to take the focus."""
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    set_areas(world, world.team_b, "3521, 3581")
    response = client_for("ada").post("/r/utrecht/postcode-areas/sharing/", {})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    box = soup.select_one("#id_allow")
    assert box["aria-invalid"] == "true" and "id_allow_error" in box["aria-describedby"].split()
    error = " ".join(soup.select_one("#id_allow_error").stripped_strings)
    assert "3581" in error and "Utrecht Oost" in error and "Utrecht Zuid" in error
    assert [a["href"] for a in soup.select("[data-error-summary] a")] == ["#id_allow"]
    world.region.refresh_from_db()
    assert world.region.allow_overlapping_areas


def test_the_edit_page_shows_the_refusal_at_the_field_and_keeps_the_input(world, client_for):
    response = client_for("ada").post(f"/r/utrecht/postcode-areas/{world.team_b.pk}/", {"postcode_areas": "3521, 3581"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "3581 hoort al bij Utrecht Oost" in page
    assert 'aria-describedby="id_postcode_areas_helptext id_postcode_areas_error"' in page
    assert 'id="id_postcode_areas_error"' in page and "3521, 3581</textarea>" in page
    assert codes(world.team_b) == ["3521"]


def test_the_edit_page_refuses_what_is_no_area(world, client_for):
    response = client_for("ada").post(f"/r/utrecht/postcode-areas/{world.team_b.pk}/", {"postcode_areas": "35x1"})
    assert response.status_code == 400 and "geen postcodegebied" in response.content.decode()


def test_the_edit_page_shows_the_current_areas(world, client_for):
    set_areas(world, world.team_a, "3581, 3584 AB")
    page = client_for("ada").get(f"/r/utrecht/postcode-areas/{world.team_a.pk}/").content.decode()
    assert "3581, 3584 AB</textarea>" in page


def test_the_sharing_switch_reports_a_refusal(world, client_for):
    services.region_area_sharing_set(actor=world.ada, region=world.region, allow=True)
    set_areas(world, world.team_b, "3521, 3581")
    response = client_for("ada").post("/r/utrecht/postcode-areas/sharing/", {}, follow=True)
    assert "Geef elk postcodegebied één wijkverband" in response.content.decode()


def test_the_team_home_keeps_showing_the_areas(world, client_for):
    set_areas(world, world.team_a, "3581, 3584 AB")
    assert "3581, 3584 AB" in client_for("maarten").get("/t/oost/").content.decode()


@pytest.mark.parametrize("path", ["/r/utrecht/postcode-areas/", "/r/utrecht/"])
def test_the_region_pages_take_the_same_queries_for_more_teams_and_areas(world, client_for, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("ada")
    client.get(path)  # warm: the session, the person's rights

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = count()
    for n in range(4):
        services.team_create(
            actor=None, region=world.region, name=f"Wijk {n}", slug=f"wijk-{n}", municipality="Utrecht",
            postcode_areas=", ".join(f"{3700 + 10 * n + k}" for k in range(5)) + f", 3800 A{'BCEF'[n]}",
        )  # fmt: skip
    assert count() == before
