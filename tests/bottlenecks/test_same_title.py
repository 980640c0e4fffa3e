"""A report with the title of an open bottleneck of the team: a warning at the title, linking to it,
and a second send with "Toch een nieuw knelpunt melden" ticked that reports it all the same
(core.same_name). It is also what stops a report sent again after Back: the page, fetched anew,
carries a new token (core.once), and the browser restores what was typed."""

import re

from tests.bottlenecks.helpers import category, report
from tests.sent_twice import token
from wijkverband.bottlenecks import services
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.core import once

WARNING = "Er is al een open knelpunt met deze titel in dit wijkverband."
URL = "/t/oost/bottlenecks/new/"


def _form(title="Geen avondbereikbaarheid", **more):
    return {"title": title, "category": category("bereikbaarheid").pk, "impact": 3, **more}


def _titles(team) -> list[str]:
    return sorted(Bottleneck.objects.for_team(team).values_list("title", flat=True))


def test_back_and_send_again_is_stopped_at_the_title_with_the_first_linked(world, client_for):
    client = client_for("maarten")
    first = client.post(URL, {**_form(), once.FIELD: token(client.get(URL).content.decode())})
    assert first.status_code == 302
    made = Bottleneck.objects.get(title="Geen avondbereikbaarheid")
    # Back: the form fetched anew (a new token), what was typed restored by the browser, sent again.
    again = client.post(URL, {**_form(), once.FIELD: token(client.get(URL).content.decode())})
    assert again.status_code == 400
    page = again.content.decode()
    said = re.search(r'id="id_title_error">(.*?)</div>', page, re.S).group(1)
    assert WARNING in said
    assert 'aria-invalid="true"' in re.search(r'<input type="text" name="title"[^>]*>', page).group(0)
    assert f'href="/t/oost/bottlenecks/{made.pk}/"' in page
    assert _titles(world.team_a) == ["Geen avondbereikbaarheid"]
    # Meant as a second one: ticked and sent again, it is reported.
    go_on = client.post(URL, {**_form(), "same_name_ok": "Geen avondbereikbaarheid"})
    assert go_on.status_code == 302
    assert _titles(world.team_a) == ["Geen avondbereikbaarheid", "Geen avondbereikbaarheid"]


def test_a_title_of_a_resolved_or_other_bottleneck_is_reported_at_once(world, client_for):
    done = report(world, title="Geen avondbereikbaarheid")
    services.bottleneck_resolve(
        actor=world.carla, bottleneck=done, version=done.version, summary="Avonddienst geregeld"
    )
    response = client_for("maarten").post(URL, _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client_for("maarten").post(URL, _form(title="Geen weekendbereikbaarheid")).status_code == 302


def test_another_teams_bottleneck_of_that_title_is_never_mentioned(world, client_for):
    """Zuid's open bottleneck is not Oost's: Pieter, in both teams, reports Oost's at once, and no
    page names or links Zuid's."""
    theirs = report(world, actor=world.bram, team=world.team_b, title="Geen avondbereikbaarheid")
    client = client_for("pieter")
    response = client.post(URL, _form())
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"/t/zuid/bottlenecks/{theirs.pk}/" not in page and WARNING not in page
    assert _titles(world.team_a) == ["Geen avondbereikbaarheid"]
