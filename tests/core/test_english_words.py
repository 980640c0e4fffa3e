"""The English interface says each thing in English, with one word per concept, and the Dutch stays
as it was.

Found by an exploratory walk of the English interface: "set up tweestapsverificatie", a panel
"Discussion" of a thread, "Wijk card" and "All wijken and the region", "Referrals to welzijn", a
"Voorzorgcirkel", the lead "between two chairs" (a Dutch idiom) and "Forgotten your password?"
after a link "Forgot your password?". The words chosen (docs/DESIGN's domain words): thread
(gesprek), notification (melding), neighbourhood (wijk), neighbourhood card (wijkkaart), wellbeing
coach (welzijnscoach), two-factor authentication (tweestapsverificatie)."""

import html
import re

from django.conf import settings
from django.test import Client

from tests.search.conftest import bottleneck, card_entry, thread
from wijkverband.wijkcard.models import ContactEntry

#: Dutch words that leaked into English texts (a word of the programme name "Welzijn op Recept"
#: and the product name "Wijkverband" are no leak).
DUTCH = re.compile(
    r"\b(wijk|wijken|wijkkaart|welzijn|welzijnscoach|tweestapsverificatie|voorzorgcirkels?|kaart|gesprek)\b",
    re.IGNORECASE,
)


def _text(response) -> str:
    """What a person reads: the page without its tags, scripts' data kept (the live labels)."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    page = re.sub(r"<(style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _in(language: str, client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _leaks(text: str) -> list[str]:
    """The Dutch words of the interface in `text`; the names of people, organisations and teams
    (Dutch, as the people gave them) are left out."""
    from django.contrib.auth import get_user_model

    from wijkverband.tenancy.models import Organisation, Team

    for user in get_user_model().objects.all():
        text = text.replace(user.name, "").replace(user.email, "")
    for name in [*Organisation.objects.values_list("name", flat=True), *Team.objects.values_list("name", flat=True)]:
        text = text.replace(name, "")
    text = text.replace("Welzijn op Recept", "")
    text = re.sub(r'"search": \[[^\]]*\]', "", text)  # the composer's suggestions: names, folded
    return sorted({match.group(0) for match in DUTCH.finditer(text)})


def test_the_thread_page_says_two_factor_authentication_and_shows_the_handles_the_composer_inserts(world, client_for):
    t = thread(world)
    url = f"/t/oost/threads/{t.pk}/"
    english = _text(_in("en", client_for("carla")).get(url))
    assert "Finish signing in first: set up two-factor authentication, then reload the page." in english
    assert "@coördinator" in english and "@iedereen" in english and "@coordinator" not in english
    assert not _leaks(english), _leaks(english)
    dutch = _text(_in("nl", client_for("carla")).get(url))
    assert "stel eerst je tweestapsverificatie in" in dutch.lower() or "tweestapsverificatie" in dutch
    assert "@coördinator" in dutch and "@iedereen" in dutch


def test_a_threads_panel_says_thread_like_the_threads_page(world, client_for):
    b = bottleneck(world, title="Overdracht loopt vast")
    url = f"/t/oost/bottlenecks/{b.pk}/"
    page = _in("en", client_for("maarten")).get(url).content.decode()
    assert 'id="discussion-heading">Thread</h2>' in page
    english = _text(_in("en", client_for("maarten")).get(url))
    assert "discussion" not in english.replace("case discussion", "").lower()
    assert "Open the thread page" in english or "Read the whole thread" in english
    dutch = _in("nl", client_for("maarten")).get(url).content.decode()
    assert 'id="discussion-heading">Gesprek</h2>' in dutch


def test_removing_a_member_says_their_threads_close(world, client_for):
    membership = world.maarten.memberships.get(team=world.team_a)
    url = f"/t/oost/members/{membership.pk}/remove/"
    english = _text(_in("en", client_for("carla")).get(url))
    assert "its agreements, bottlenecks and threads close for them at once" in english
    assert "discussion" not in english.lower()


def test_the_neighbourhood_card_is_english_and_names_the_lead_without_a_dutch_idiom(world, client_for):
    card_entry(world, organisation=world.social_a)
    ContactEntry.objects.filter(team=world.team_a).update(takes_lead=True, lead_arrangement="Het buurtteam belt.")
    for url in ("/t/oost/wijkkaart/", "/t/oost/wijkkaart/print/", "/t/oost/wijkkaart/new/"):
        english = _text(_in("en", client_for("maarten")).get(url))
        assert "Neighbourhood card" in english, url
        assert "two chairs" not in english and "Wijk card" not in english, url
        assert not _leaks(english), (url, _leaks(english))
    card = _text(_in("en", client_for("maarten")).get("/t/oost/wijkkaart/"))
    assert "Whom to call in this neighbourhood" in card
    assert "Lead when a client falls through the gaps" in card
    form = _text(_in("en", client_for("maarten")).get("/t/oost/wijkkaart/new/"))
    assert "This organisation takes the lead when a client falls through the gaps" in form
    export = _in("en", client_for("maarten")).get("/t/oost/wijkkaart/export.csv").getvalue().decode("utf-8-sig")
    assert "Serves the neighbourhood" in export and "wijk" not in export.split("\n")[0].lower()
    dutch = _text(_in("nl", client_for("maarten")).get("/t/oost/wijkkaart/"))
    assert "Wijkkaart" in dutch and "Wie je belt in deze wijk" in dutch and "Regie tussen wal en schip" in dutch


def test_the_social_map_filters_by_neighbourhood_in_english(world, client_for):
    english = _text(_in("en", client_for("maarten")).get("/t/oost/sociale-kaart/"))
    assert "Neighbourhood" in english and "This neighbourhood and the region" in english
    assert "Precaution circle" in english
    assert not _leaks(english), _leaks(english)
    dutch = _text(_in("nl", client_for("maarten")).get("/t/oost/sociale-kaart/"))
    assert "Voorzorgcirkel" in dutch and "Deze wijk en de regio" in dutch


def test_the_welzijn_op_recept_counts_are_described_in_english(world, client_for):
    english = _text(_in("en", client_for("sofie")).get("/t/oost/welzijn-op-recept/counts/"))
    assert "Referrals to the wellbeing coach" in english
    assert not _leaks(english), _leaks(english)
    assert "wellbeing coach" in english
    dutch = _text(_in("nl", client_for("sofie")).get("/t/oost/welzijn-op-recept/counts/"))
    assert "welzijnscoach" in dutch


def test_the_team_home_says_team_not_hecht_wijkverband_in_english(world, client_for):
    english = _text(_in("en", client_for("carla")).get("/t/oost/"))
    assert "hecht wijkverband" not in english
    assert not _leaks(english), _leaks(english)


def test_forgot_your_password_is_one_wording_from_the_link_to_its_page(world):
    login = _text(_in("en", Client()).get("/accounts/login/"))
    assert "Forgot your password?" in login
    reset = _text(_in("en", Client()).get("/accounts/password/reset/"))
    assert "Forgot your password? Enter your e-mail address below" in reset
    assert "Forgotten" not in reset
    dutch = _text(_in("nl", Client()).get("/accounts/password/reset/"))
    assert "Wachtwoord vergeten?" in dutch
