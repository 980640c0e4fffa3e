"""What each person sees of regional work, and what the pages cost."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bottlenecks.helpers import report
from tests.headings import assert_outline, level_of
from tests.regional.helpers import medication_pattern, offer, take_up
from tests.sessions import not_renewing
from wijkverband.regional import services

pytestmark = pytest.mark.usefixtures("clock")


def text(response) -> str:
    return html.unescape(response.content.decode())


def _grow(world, n: int) -> None:
    """n more of everything the regional pages list: patterns' bottlenecks, items with links and
    updates, offers with adoptions."""
    for i in range(n):
        a = report(world, title=f"Oost {i}", category_key="capaciteit")
        b = report(world, actor=world.bram, team=world.team_b, title=f"Zuid {i}", category_key="capaciteit")
        item = services.regional_item_create(
            actor=world.olga, region=world.region, title=f"Regionaal {i}", owner=world.ada, bottlenecks=[a, b]
        )
        services.regional_update_post(actor=world.olga, item=item, version=item.version, body=f"Stap {i}")
        o = offer(world)
        if i % 2 == 0:
            services.regional_agreement_adopt(
                actor=world.carla,
                team=world.team_a,
                offer=o,
                title=f"Oost {i}",
                organisations=[world.gp_a],
                externals=[],
            )


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/r/utrecht/regional/", "olga"),
        ("/r/utrecht/regional/", "rik"),
        ("/r/utrecht/regional/items/new/?category={category}", "olga"),
        ("/r/utrecht/", "olga"),
        ("/t/oost/regional-offers/", "carla"),
        ("/t/oost/", "maarten"),
    ],
)
def test_list_pages_use_a_constant_number_of_queries(world, client_for, path, persona, django_assert_num_queries):
    a, b = medication_pattern(world)
    take_up(world, a, b)
    path = path.format(category=a.category_id)
    client = client_for(persona)
    client.get(path)  # warm up sessions and caches
    _grow(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _grow(world, 12)
    with not_renewing(), django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(("path", "persona"), [("item", "olga"), ("item", "rik"), ("bottleneck", "maarten")])
def test_an_item_and_a_linked_bottleneck_use_a_constant_number_of_queries(
    world, client_for, path, persona, django_assert_num_queries
):
    a, b = medication_pattern(world)
    item = take_up(world, a, b)
    url = f"/r/utrecht/regional/items/{item.pk}/" if path == "item" else f"/t/oost/bottlenecks/{a.pk}/"
    client = client_for(persona)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        extra = report(world, actor=world.bram, team=world.team_b, title=f"Ook hier {i}")
        services.regional_item_link(actor=world.olga, item=item, bottlenecks=[extra])
        item.refresh_from_db()
        services.regional_update_post(actor=world.olga, item=item, version=item.version, body=f"Stap {i}")
    with not_renewing(), django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_overseer_sees_the_pattern_and_may_take_it_up(world, client_for):
    a, b = medication_pattern(world)
    page = text(client_for("olga").get("/r/utrecht/regional/"))
    assert "Medication" in page and "Utrecht Oost (1), Utrecht Zuid (1)" in page
    assert f"/r/utrecht/regional/items/new/?category={a.category_id}" in page
    form = text(client_for("olga").get(f"/r/utrecht/regional/items/new/?category={a.category_id}"))
    # Both teams' open items in that category are offered, ticked.
    assert f'value="{a.pk}" class="utrecht-checkbox utrecht-checkbox--html-input" id="id_bottlenecks_0" checked' in form
    assert a.title in form and b.title in form


def test_the_regions_representative_reads_without_acting(world, client_for):
    a, b = medication_pattern(world)
    item = take_up(world, a, b)
    page = text(client_for("rik").get("/r/utrecht/regional/"))
    assert "Medicatieoverdracht na ontslag" in page
    assert "/regional/items/new/" not in page and "/regional/agreements/new/" not in page
    detail = text(client_for("rik").get(f"/r/utrecht/regional/items/{item.pk}/"))
    assert "Post progress" not in detail and "Unlink" not in detail


def test_a_representative_sees_no_internal_item_in_any_count_or_list(world, client_for):
    internal = report(world, title="Intern: contract apotheek", internal=True, internal_reason="Onderhandeling")
    public = report(world, actor=world.bram, team=world.team_b, title="Zuid: medicatie")
    item = take_up(world, internal, public)
    # The overseer sees a pattern over two teams, and both links.
    assert "Utrecht Oost (1), Utrecht Zuid (1)" in text(client_for("olga").get("/r/utrecht/regional/"))
    assert "2 bottlenecks, 2 teams" in text(client_for("olga").get("/r/utrecht/regional/"))
    overview = text(client_for("rik").get("/r/utrecht/regional/"))
    assert "Utrecht Oost (1)" not in overview
    assert "1 bottleneck, 1 team" in overview
    detail = text(client_for("rik").get(f"/r/utrecht/regional/items/{item.pk}/"))
    assert "Intern: contract apotheek" not in detail and f"#{internal.pk}" not in detail
    assert "Zuid: medicatie" in detail


def test_a_team_member_sees_the_progress_on_their_own_bottleneck_and_only_what_is_for_teams(world, client_for):
    a, b = medication_pattern(world)
    item = take_up(world, a, b, owner=world.ada)
    services.regional_update_post(
        actor=world.ada, item=item, version=item.version, body="Afspraak met het ziekenhuis op 10 maart."
    )
    page = text(client_for("maarten").get(f"/t/oost/bottlenecks/{a.pk}/"))
    assert "Taken up by the region" in page
    assert "Medicatieoverdracht na ontslag" in page and "Ada Regiobeheer" in page
    assert "Afspraak met het ziekenhuis op 10 maart." in page
    assert "Linked to the bottlenecks of 2 teams." in page
    # Not the region's working note, not the other team's item, no link into the region's pages.
    assert "Werknotitie van de regio" not in page
    assert b.title not in page
    assert "/r/utrecht/" not in page


def test_the_team_panel_and_the_region_pages_say_wijkverbanden_in_dutch(world, client_for):
    """Found by an exploratory test: the panel on a team's bottleneck said "Gekoppeld aan de
    knelpunten van 2 teams" where the region's pages say "2 wijkverbanden" (one word per concept)."""
    a, b = medication_pattern(world)
    item = take_up(world, a, b)
    maarten = client_for("maarten")
    maarten.cookies["django_language"] = "nl"
    panel = text(maarten.get(f"/t/oost/bottlenecks/{a.pk}/"))
    assert "Gekoppeld aan de knelpunten van 2 wijkverbanden." in panel
    olga = client_for("olga")
    olga.cookies["django_language"] = "nl"
    for page in (text(olga.get("/r/utrecht/regional/")), text(olga.get(f"/r/utrecht/regional/items/{item.pk}/"))):
        assert "wijkverbanden" in page
        assert re.search(r"\bteams\b", re.sub(r"<[^>]+>", " ", page)) is None


def test_a_bottleneck_without_a_regional_item_shows_no_panel(world, client_for):
    a = report(world)
    assert "Taken up by the region" not in text(client_for("maarten").get(f"/t/oost/bottlenecks/{a.pk}/"))


def test_the_team_home_shows_the_regions_open_offers_until_adopted(world, client_for):
    o = offer(world)
    assert "Protocol medicatieoverdracht" in text(client_for("maarten").get("/t/oost/"))
    services.regional_agreement_adopt(
        actor=world.carla, team=world.team_a, offer=o, title="", organisations=[world.gp_a], externals=[]
    )
    assert "Protocol medicatieoverdracht" not in text(client_for("maarten").get("/t/oost/"))
    # Team B has not adopted it: its home still offers it.
    assert "Protocol medicatieoverdracht" in text(client_for("bram").get("/t/zuid/"))


def test_the_adoption_form_starts_from_the_regions_suggested_parties(world, client_for):
    o = offer(world)
    form = text(client_for("carla").get(f"/t/oost/regional-offers/{o.pk}/adopt/"))
    # Pharmacy and GP were suggested: the team's own organisations of those kinds are ticked.
    assert (
        f'value="{world.pharmacy.pk}" class="utrecht-checkbox utrecht-checkbox--html-input" id="id_organisations_'
        in form
    )
    assert 'value="Zorgverzekeraar Midden"' in form and 'value="Cliëntenraad Utrecht"' in form


def test_adopting_leads_to_the_teams_own_agreement_in_the_normal_flow(world, client_for):
    o = offer(world)
    response = client_for("carla").post(
        f"/t/oost/regional-offers/{o.pk}/adopt/",
        {
            "title": "Medicatieoverdracht Oost",
            "organisations": [world.pharmacy.pk, world.gp_a.pk],
            "external_kind_0": "insurer",
            "external_name_0": "Zorgverzekeraar Midden",
        },
    )
    assert response.status_code == 302
    page = text(client_for("carla").get(response["Location"]))
    assert "Medicatieoverdracht Oost" in page and "Zorgverzekeraar Midden" in page and "Apotheek Linde" in page
    # The team's agreement links back to the region's offer it came from.
    assert "from the region's offer:" in page and f"/t/oost/regional-offers/{o.pk}/" in page
    # The region sees which teams adopted it.
    assert "Utrecht Oost" in text(client_for("olga").get(f"/r/utrecht/regional/agreements/{o.pk}/"))


def test_client_data_in_a_progress_update_is_refused_at_the_field_with_the_text_kept(world, client_for):
    item = take_up(world, *medication_pattern(world))
    response = client_for("olga").post(
        f"/r/utrecht/regional/items/{item.pk}/update/",
        {"update-body": "Mevr. Jansen BSN 111222333 wacht", "update-version": item.version},
    )
    assert response.status_code == 400
    page = text(response)
    assert "seems to contain client data" in page and "Mevr. Jansen" in page
    assert not item.updates.exists()


def test_a_stale_edit_is_refused_with_409(world, client_for):
    item = take_up(world, *medication_pattern(world))
    services.regional_update_post(actor=world.ada, item=item, version=item.version, body="Tussendoor.")
    response = client_for("olga").post(
        f"/r/utrecht/regional/items/{item.pk}/edit/",
        {"title": "Nieuw", "owner": world.olga.pk, "version": item.version},
    )
    assert response.status_code == 409


def test_after_a_stale_edit_the_kept_text_can_be_saved_on_top(world, client_for):
    item = take_up(world, *medication_pattern(world))
    services.regional_update_post(actor=world.ada, item=item, version=item.version, body="Tussendoor.")
    client = client_for("olga")
    path = f"/r/utrecht/regional/items/{item.pk}/edit/"
    response = client.post(path, {"title": "Nieuwe titel", "owner": world.olga.pk, "version": item.version})
    assert response.status_code == 409
    form = response.context["form"]
    assert form["title"].value() == "Nieuwe titel"
    assert str(form["version"].value()) == str(item.version + 1)
    # Sending the form as it came back saves it.
    again = client.post(path, {"title": "Nieuwe titel", "owner": world.olga.pk, "version": form["version"].value()})
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.title == "Nieuwe titel"


def test_after_a_stale_progress_update_the_kept_text_can_be_sent_again(world, client_for):
    item = take_up(world, *medication_pattern(world))
    services.regional_update_post(actor=world.ada, item=item, version=item.version, body="Tussendoor.")
    client = client_for("olga")
    path = f"/r/utrecht/regional/items/{item.pk}/update/"
    response = client.post(path, {"update-body": "Overleg met de apotheken", "update-version": item.version})
    assert response.status_code == 409
    page = text(response)
    assert "Overleg met de apotheken" in page and "Tussendoor." in page
    form = response.context["update_form"]
    assert str(form["version"].value()) == str(item.version + 1)
    # Reloading the answer re-sends the first post, with the version it had: refused again, nothing
    # posted (the page stays on the POST address, as every refusal in the app does, 400 or 409).
    resent = client.post(path, {"update-body": "Overleg met de apotheken", "update-version": item.version})
    assert resent.status_code == 409 and not item.updates.filter(body="Overleg met de apotheken").exists()
    again = client.post(path, {"update-body": "Overleg met de apotheken", "update-version": form["version"].value()})
    assert again.status_code == 302
    assert item.updates.filter(body="Overleg met de apotheken").exists()


def test_the_owner_finds_an_open_regional_item_in_my_work_until_it_is_resolved(world, client_for):
    item = take_up(world, *medication_pattern(world), owner=world.ada)
    page = text(client_for("ada").get("/my-work/"))
    assert "Medicatieoverdracht na ontslag" in page and f"/r/utrecht/regional/items/{item.pk}/" in page
    assert "You own this regional item" in page
    assert f"/r/utrecht/regional/items/{item.pk}/" not in text(client_for("olga").get("/my-work/"))
    services.regional_update_post(
        actor=world.ada, item=item, version=item.version, body="Protocol vastgesteld.", status="resolved"
    )
    assert f"/r/utrecht/regional/items/{item.pk}/" not in text(client_for("ada").get("/my-work/"))


def test_my_works_team_filter_keeps_the_regional_items_of_that_team(world, client_for):
    a, _b = medication_pattern(world)
    item = take_up(world, a)
    path = f"/r/utrecht/regional/items/{item.pk}/"
    assert path in text(client_for("olga").get("/my-work/?team=oost"))
    assert path not in text(client_for("olga").get("/my-work/?team=zuid"))


def test_the_overview_pages_through_many_regional_items(world, client_for):
    a, _b = medication_pattern(world)
    for i in range(27):
        services.regional_item_create(actor=world.olga, region=world.region, title=f"Item {i:02d}", owner=world.olga)
    first = text(client_for("olga").get("/r/utrecht/regional/"))
    assert "Page 1 of 2" in first and "?page=2" in first
    second = text(client_for("olga").get("/r/utrecht/regional/?page=2"))
    assert "Page 2 of 2" in second and second.count("/r/utrecht/regional/items/") - second.count("/items/new/") == 2


def test_a_representative_on_a_linked_bottleneck_counts_no_team_by_an_internal_item(world, client_for):
    public = report(world, title="Oost: medicatie")
    internal = report(
        world, actor=world.bram, team=world.team_b, title="Zuid intern", internal=True, internal_reason="Contract"
    )
    take_up(world, public, internal)
    assert "Linked to the bottlenecks of 2 teams." in text(
        client_for("maarten").get(f"/t/oost/bottlenecks/{public.pk}/")
    )
    page = text(client_for("rosa").get(f"/t/oost/bottlenecks/{public.pk}/"))
    assert "Taken up by the region" in page and "Linked to the bottlenecks of 1 team." in page


def test_an_offer_is_not_adopted_without_one_of_the_teams_organisations(world, client_for):
    """Found by an exploratory test: with every organisation unticked the team's agreement had no
    party of its own, so nobody in the team could endorse it."""
    from wijkverband.agreements.models import Agreement

    o = offer(world)
    response = client_for("carla").post(
        f"/t/oost/regional-offers/{o.pk}/adopt/", {"title": "Medicatieoverdracht Oost", "organisations": []}
    )
    assert response.status_code == 400
    html = response.content.decode()
    fieldset = html[html.index('<fieldset class="utrecht-form-fieldset wv-choices utrecht-form-field--invalid"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "Choose at least one of your team&#x27;s organisations." in fieldset
    # The error summary's link leads to that fieldset (a group of boxes has no label of its own).
    assert 'href="#id_organisations"' in html and 'id="id_organisations"' in fieldset
    assert 'value="Medicatieoverdracht Oost"' in html  # kept
    assert not Agreement.objects.filter(team=world.team_a).exists()


def test_a_suggested_insurer_that_takes_part_in_the_team_is_ticked_not_typed(world, client_for):
    """Noticed before: an offer's insurer came as free text even when the team has that insurer as
    an organisation, so nobody of the insurer could endorse the team's agreement."""
    import re

    from wijkverband.agreements.models import PartyKind
    from wijkverband.tenancy.models import OrganisationKind, TeamOrganisation

    TeamOrganisation.objects.get_or_create(team=world.team_a, organisation=world.insurer)
    o = services.regional_agreement_offer(
        actor=world.olga,
        region=world.region,
        data={"title": "Wijkgericht werken", "body": "Wij werken wijkgericht samen."},
        parties=[
            (PartyKind.PROVIDER, OrganisationKind.PHARMACY, ""),
            (PartyKind.INSURER, "", "zorgverzekeraar domstad "),
            (PartyKind.CLIENT_REPRESENTATION, "", "Cliëntenraad Utrecht"),
        ],
    )
    form = text(client_for("carla").get(f"/t/oost/regional-offers/{o.pk}/adopt/"))
    ticked = re.search(rf'<input[^>]*value="{world.insurer.pk}"[^>]*>', form).group(0)
    assert "checked" in ticked
    assert 'value="zorgverzekeraar domstad' not in form  # not also as an external party by name
    assert 'value="Cliëntenraad Utrecht"' in form  # not in the team: still by name


def test_an_offers_target_takes_a_decimal_comma_and_a_bad_one_is_said_once(world, client_for):
    """Found by an exploratory test: "80,5" was refused with two messages under the field."""
    from wijkverband.regional.models import RegionalAgreement

    client = client_for("olga")
    form = {
        "title": "Terugkoppeling na verwijzing",
        "body": "De welzijnscoach koppelt terug aan de verwijzer.",
        "provider_kinds": ["apotheek"],
        "indicator_name_0": "Terugkoppeling",
        "indicator_unit_0": "%",
        "indicator_dimension_0": "quality",
        "indicator_frequency_0": "quarterly",
    }
    bad = client.post("/r/utrecht/regional/agreements/new/", {**form, "indicator_target_0": "tachtig"})
    assert bad.status_code == 400
    html = bad.content.decode()
    # One message (at the field and in the summary above the form), not two.
    assert html.count("Enter a number, such as 80.5.") == 2 and "Give the target as a number." not in html
    response = client.post("/r/utrecht/regional/agreements/new/", {**form, "indicator_target_0": "80,5"})
    assert response.status_code == 302, response.context["form"].errors
    offer = RegionalAgreement.objects.get(title="Terugkoppeling na verwijzing")
    assert [str(i.target) for i in offer.suggested_indicators.all()] == ["80.50"]


def test_client_data_in_an_adopted_offers_party_name_is_refused_at_its_field(world, client_for):
    """Found by an exploratory test: the refusal sat above the form naming a field the form does
    not have ("Naam"), with nothing marked at "External party 2: name"."""
    from wijkverband.agreements.models import Agreement

    o = offer(world)
    response = client_for("carla").post(
        f"/t/oost/regional-offers/{o.pk}/adopt/",
        {
            "title": "Medicatieoverdracht Oost",
            "organisations": [world.pharmacy.pk],
            "external_kind_1": "client_council",
            "external_name_1": "Cliëntenraad mevr. Jansen 12-03-1950",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "external_name_1" in errors and "External party 2: name" in errors["external_name_1"][0]
    assert not Agreement.objects.filter(team=world.team_a).exists()


def test_a_refused_party_name_is_said_once_not_also_as_missing(world, client_for):
    """Found by an exploratory test: "Jan Jansen 12-03-1945" got the client-data refusal and
    "Give the external party's name" too (the guard had taken the name out of the form's data)."""
    o = offer(world)
    response = client_for("carla").post(
        f"/t/oost/regional-offers/{o.pk}/adopt/",
        {
            "title": "Medicatieoverdracht Oost",
            "organisations": [world.pharmacy.pk],
            "external_kind_0": "client_representation",
            "external_name_0": "Jan Jansen 12-03-1945",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["external_name_0"]
    assert len(errors) == 1 and "client data" in errors[0], errors


def test_an_adopted_offer_has_no_sources_it_does_not_have(world, client_for):
    """The offer's origin ("Offered by the region: …") made the rule "the need is analysed, with
    sources" pass with no source at all."""
    from wijkverband.agreements.models import Agreement

    o = offer(world)
    response = client_for("carla").post(
        f"/t/oost/regional-offers/{o.pk}/adopt/",
        {"title": "Medicatieoverdracht Oost", "organisations": [world.pharmacy.pk]},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.for_team(world.team_a).get()
    assert agreement.current_version.sources == ""
    assert agreement.current_version.change_note  # where it comes from is still said
    from wijkverband.agreements import selectors as agreement_selectors

    check = agreement_selectors.accountability_check(
        version=agreement.current_version,
        parties=agreement_selectors.party_rows(agreement=agreement),
        indicators=agreement_selectors.indicators_with_measurements(agreement=agreement),
    )
    assert not next(rule for rule in check.rules if rule.key == "need").ok


def test_headings_in_the_regions_texts_sit_below_the_heading_they_stand_under(world, client_for):
    """Found by a tester: "# Kop" in a regional item's description was an <h1> inside the page.
    The description stands under the page's h1 (h2 and down), a progress update under "Progress"
    (h2: h3 and down; in the panel on a team's bottleneck under an h3: h4), an offer's text under
    "The agreement" (h2: h3 and down)."""
    a, b = medication_pattern(world)
    item = take_up(world, a, b, owner=world.olga)
    item.description = "# Stand van zaken\n\nOverleg gepland."
    item.save(update_fields=["description"])
    services.regional_update_post(actor=world.olga, item=item, version=item.version, body="# Voortgang\n\nGesproken.")
    page = text(client_for("olga").get(f"/r/utrecht/regional/items/{item.pk}/"))
    assert_outline(page)
    assert level_of(page, "Stand van zaken") == 2 and level_of(page, "Voortgang") == 3
    panel = text(client_for("maarten").get(f"/t/oost/bottlenecks/{a.pk}/"))
    assert_outline(panel)
    assert level_of(panel, "Voortgang") == 4
    o = offer(world)
    o.body = "# Werkwijze\n\n## Wie belt"
    o.save(update_fields=["body"])
    for page in (
        text(client_for("olga").get(f"/r/utrecht/regional/agreements/{o.pk}/")),
        text(client_for("maarten").get(f"/t/oost/regional-offers/{o.pk}/")),
    ):
        assert_outline(page)
        assert level_of(page, "Werkwijze") == 3 and level_of(page, "Wie belt") == 4


def test_an_offers_target_in_percent_is_never_negative(world, client_for):
    """A team could not adopt it: its indicator would be refused (found by an exploratory test:
    a team's indicator in % took the target -5)."""
    from wijkverband.regional.models import RegionalAgreement

    form = {
        "title": "Terugkoppeling na verwijzing",
        "body": "De welzijnscoach koppelt terug aan de verwijzer.",
        "provider_kinds": ["apotheek"],
        "indicator_name_0": "Terugkoppeling",
        "indicator_unit_0": "%",
        "indicator_dimension_0": "quality",
        "indicator_frequency_0": "quarterly",
        "indicator_target_0": "-5",
    }
    response = client_for("olga").post("/r/utrecht/regional/agreements/new/", form)
    assert response.status_code == 400
    assert response.context["form"].errors["indicator_target_0"] == [
        "A percentage cannot be negative: give the target as 0 or more."
    ]
    assert not RegionalAgreement.objects.exists()
