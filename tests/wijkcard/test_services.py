"""The wijk card's writes: validation (phones, organisations, client data), freshness, the
reconfirmation notice, suggestions and who may do what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.wijkcard.conftest import add_entry
from wijkverband.audit.models import AuditEvent
from wijkverband.core.errors import ActionRefused
from wijkverband.core.freshness import add_months
from wijkverband.core.phones import dial_phone
from wijkverband.socialmap.models import Entry as SocialMapEntry
from wijkverband.wijkcard import notices, selectors, services
from wijkverband.wijkcard.models import ContactEntry, SuggestionStatus
from wijkverband.wijkcard.phones import PhoneError, display_phone, normalise_phone
from wijkverband.wijkcard.services import EntryData
from wijkverband.work.models import Notice, NoticeKind
from wijkverband.work.selectors import unread_notice_count

BSN = "111222333"  # passes the eleven-test


# --- phone numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored", "shown"),
    [
        ("030 123 4567", "0301234567", "030 123 4567"),
        ("030-1234567", "0301234567", "030 123 4567"),
        ("+31 30 123 4567", "0301234567", "030 123 4567"),
        ("+31 (0)30 123 4567", "0301234567", "030 123 4567"),
        ("0031301234567", "0301234567", "030 123 4567"),
        ("0345 123456", "0345123456", "0345 12 34 56"),
        ("088 123 4567", "0881234567", "088 123 4567"),
        ("0800 1234", "08001234", "0800 1234"),
        ("0900-1234567", "09001234567", "0900 123 4567"),
        ("14 030", "14030", "14 030"),
        ("06 1234 5678", "0612345678", "06 1234 5678"),
        ("", "", ""),
    ],
)
def test_it_accepts_dutch_numbers_in_their_common_writings(written, stored, shown):
    assert normalise_phone(written) == stored
    assert display_phone(stored) == shown


@pytest.mark.parametrize(
    "written", ["12345", "030 123 456", "+32 2 123 45 67", "0044 20 1234 5678", "bel 030 1234567", "112", "06 1234"]
)
def test_it_refuses_what_is_not_a_dutch_number_with_a_clear_message(written):
    with pytest.raises(PhoneError) as refused:
        normalise_phone(written)
    assert written in str(refused.value)


def test_numbers_are_dialled_internationally():
    assert dial_phone("0301234567") == "+31301234567"
    assert dial_phone("14030") == "14030"


def test_service_numbers_are_dialled_nationally():
    """Found by an exploratory test: tel:+319004501450 and tel:+318001205; 0800 and 090x numbers
    are generally not reachable as +31."""
    for typed, dialled in [
        ("0900 450 1450", "09004501450"),
        ("0800 1205", "08001205"),
        ("+31 800 1205", "08001205"),
        ("0906 1234", "09061234"),
        ("0909 1234567", "09091234567"),
    ]:
        assert dial_phone(typed) == dialled, typed
    assert dial_phone("088 123 4599") == "+31881234599"  # a company number is an ordinary one
    assert SocialMapEntry(phone="0800-1205").dial == "08001205"  # the sociale kaart: the same rule


def test_a_refused_phone_is_named_at_its_field_and_nothing_is_saved(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, evening_phone="030 12")
    assert refused.value.field == "evening_phone"
    assert not ContactEntry.objects.exists()


def test_a_mobile_number_needs_the_team_to_say_it_is_a_service_phone(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, night_phone="06 1234 5678")
    assert refused.value.field == "night_phone"
    assert "own" in refused.value.message
    entry = add_entry(world, night_phone="06 1234 5678", mobile_is_service=True)
    assert entry.night_phone == "0612345678" and entry.mobile_is_service


def test_an_entry_needs_a_way_to_reach_it(world):
    with pytest.raises(ActionRefused):
        add_entry(world, day_phone="", evening_phone="")
    assert add_entry(world, day_phone="", evening_phone="", secure_mail="praktijk@zorgmail.nl").secure_mail


def test_the_secure_mail_address_is_an_email_address(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, secure_mail="zorgmail praktijk")
    assert refused.value.field == "secure_mail"


def test_the_organisation_must_be_one_of_the_team(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, organisation=world.nursing_b)
    assert refused.value.field == "organisation"


def test_the_responsible_member_must_be_a_member_of_the_team(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, maintainer=world.rosa)
    assert refused.value.field == "maintainer"


# --- client data -------------------------------------------------------------------------------------


def test_client_data_in_the_notes_is_refused_at_the_field(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, notes=f"Terugbellen over BSN {BSN}")
    assert refused.value.field == "notes"
    assert BSN not in refused.value.message
    assert not ContactEntry.objects.exists()


def test_client_data_in_a_suggestion_is_refused_at_the_field(world):
    entry = add_entry(world)
    with pytest.raises(ActionRefused) as refused:
        services.suggestion_create(actor=world.rosa, entry=entry, text=f"Mevrouw met BSN {BSN} kon niemand bereiken")
    assert refused.value.field == "text"
    assert not entry.suggestions.exists()


# --- the card's facts ----------------------------------------------------------------------------------


def test_one_entry_takes_the_lead_and_it_states_the_arrangement(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, takes_lead=True)
    assert refused.value.field == "lead_arrangement"
    first = add_entry(world, takes_lead=True, lead_arrangement="De huisarts belt binnen een dag het buurtteam.")
    second = add_entry(
        world,
        organisation=world.social_a,
        contact_point="Buurtteam",
        takes_lead=True,
        lead_arrangement="Het buurtteam coördineert.",
    )
    first.refresh_from_db()
    assert not first.takes_lead
    assert (
        selectors.card(
            team=world.team_a, user=world.maarten, can_edit=True, can_suggest=False, professional_lines=True
        ).lead
        == second
    )


def test_taking_over_the_lead_keeps_the_other_entrys_arrangement_and_records_it(world):
    """Found by an exploratory test: ticking the lead on one entry emptied Welzijn Oost's
    arrangement ("Het buurtteam neemt de regie: …"), without a word."""
    social = add_entry(
        world,
        organisation=world.social_a,
        contact_point="Buurtteam",
        takes_lead=True,
        lead_arrangement="Het buurtteam neemt de regie: binnen twee werkdagen belt de welzijnscoach.",
    )
    gp = add_entry(world, takes_lead=True, lead_arrangement="De huisarts belt het buurtteam.")
    social.refresh_from_db()
    assert not social.takes_lead and social.version == 2  # an open form on it meets the change
    assert social.lead_arrangement == "Het buurtteam neemt de regie: binnen twee werkdagen belt de welzijnscoach."
    handed = AuditEvent.objects.get(action="wijkcard.lead_handed_over")
    assert handed.data["previous"] == [social.pk] and handed.object_id == str(gp.pk)
    # Editing the former holder keeps its arrangement without the lead; ticking the lead again
    # brings it back on the card.
    data = EntryData(
        organisation=world.social_a,
        contact_point="Buurtteam",
        day_phone="030 240 5500",
        lead_arrangement=social.lead_arrangement,
    )
    social = services.entry_edit(actor=world.maarten, entry=social, data=data, version=2)
    assert not social.takes_lead and social.lead_arrangement.startswith("Het buurtteam neemt de regie")
    data.takes_lead = True
    services.entry_edit(actor=world.maarten, entry=social, data=data, version=3)
    gp.refresh_from_db()
    assert not gp.takes_lead and gp.lead_arrangement == "De huisarts belt het buurtteam."


def test_only_district_nursing_serves_the_wijk(world):
    with pytest.raises(ActionRefused) as refused:
        add_entry(world, serves_wijk=True)
    assert refused.value.field == "serves_wijk"
    assert add_entry(world, organisation=world.nursing_a, contact_point="Team Oost-2", serves_wijk=True).serves_wijk


# --- freshness -----------------------------------------------------------------------------------------


def test_an_entry_is_stale_after_the_teams_interval(world):
    today = timezone.localdate()
    fresh = add_entry(world, contact_point="Vers", confirmed_on=add_months(today, -6) + timedelta(days=1))
    old = add_entry(world, contact_point="Oud", confirmed_on=add_months(today, -6) - timedelta(days=1))
    entries = {e.pk: e for e in selectors.team_entries(team=world.team_a)}
    assert not entries[fresh.pk].stale and entries[old.pk].stale
    assert entries[fresh.pk].due_on == add_months(fresh.confirmed_on, 6)
    world.team_a.reconfirm_months = 12
    entries = {e.pk: e for e in selectors.team_entries(team=world.team_a)}
    assert not entries[old.pk].stale


def test_a_confirmation_cannot_lie_in_the_future(world):
    with pytest.raises(ActionRefused):
        add_entry(world, confirmed_on=timezone.localdate() + timedelta(days=1))


def test_editing_confirms_the_entry_and_a_stale_version_is_refused(world):
    entry = add_entry(world, confirmed_on=timezone.localdate() - timedelta(days=400))
    data = services.EntryData(organisation=world.gp_a, contact_point="Nieuwe naam", day_phone="0301234567")
    edited = services.entry_edit(actor=world.carla, entry=entry, data=data, version=entry.version)
    assert edited.confirmed_on == timezone.localdate() and edited.confirmed_by == world.carla
    with pytest.raises(ActionRefused) as refused:
        services.entry_edit(actor=world.carla, entry=entry, data=data, version=entry.version)  # the old version
    assert refused.value.code == "stale"


def test_the_interval_is_a_coordinators_setting(world):
    with pytest.raises(ActionRefused) as refused:
        services.reconfirm_months_set(actor=world.maarten, team=world.team_a, months=3)
    assert refused.value.code == "forbidden"
    with pytest.raises(ActionRefused):
        services.reconfirm_months_set(actor=world.carla, team=world.team_a, months=30)
    services.reconfirm_months_set(actor=world.carla, team=world.team_a, months=3)
    world.team_a.refresh_from_db()
    assert world.team_a.reconfirm_months == 3


# --- confirming again --------------------------------------------------------------------------------


def _reconfirm_notices(entry):
    return Notice.objects.filter(kind=NoticeKind.RECONFIRM_DUE, subject_id=entry.pk)


def test_the_responsible_member_is_asked_once_per_due_date(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = add_entry(world, confirmed_on=add_months(today, -7))
    not_due = add_entry(world, contact_point="Vers", confirmed_on=add_months(today, -5))
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.time_check(today) == 1
        assert notices.time_check(today) == 0  # the hourly job again: nothing twice
        assert notices.time_check(today + timedelta(days=1)) == 0  # the same due date
    assert list(_reconfirm_notices(due).values_list("user_id", flat=True)) == [world.maarten.pk]
    assert not _reconfirm_notices(not_due).exists()
    # Confirming settles the request; the next due date is a new one.
    services.entry_confirm(actor=world.maarten, entry=due)
    assert _reconfirm_notices(due).get().read_at is not None
    assert notices.time_check(add_months(today, 6)) == 2  # both entries due half a year on


def test_an_entry_without_a_responsible_member_goes_to_the_coordinators(world):
    today = timezone.localdate()
    entry = add_entry(world, maintainer=None, confirmed_on=add_months(today, -7))
    notices.time_check(today)
    assert list(_reconfirm_notices(entry).values_list("user_id", flat=True)) == [world.carla.pk]


def test_a_reconfirm_notice_carries_no_free_text(world):
    entry = add_entry(
        world, notes="Vraag naar de dienstdoende assistent", confirmed_on=add_months(timezone.localdate(), -7)
    )
    notices.time_check(timezone.localdate())
    notice = _reconfirm_notices(entry).get()
    assert notice.title == "Huisarts Oost – Triagelijn praktijk"
    assert "assistent" not in notice.title + notice.path


# --- suggestions -----------------------------------------------------------------------------------------


def test_a_suggestion_reaches_the_responsible_member_who_applies_it(world):
    entry = add_entry(world)
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, text="Het avondnummer is nu 030 999 8888.")
    asked = Notice.objects.get(kind=NoticeKind.CORRECTION_SUGGESTED)
    assert asked.user == world.maarten and asked.actor == world.rosa
    data = services.EntryData(
        organisation=world.gp_a,
        contact_point=entry.contact_point,
        day_phone="030 123 4567",
        evening_phone="030 999 8888",
        maintainer=world.maarten,
    )
    services.suggestion_apply(
        actor=world.maarten, suggestion=suggestion, data=data, version=entry.version, answer="Dank je!"
    )
    suggestion.refresh_from_db()
    entry.refresh_from_db()
    assert suggestion.status == SuggestionStatus.APPLIED and suggestion.answered_by == world.maarten
    assert entry.evening_phone == "0309998888" and entry.confirmed_by == world.maarten
    handled = Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED)
    assert handled.user == world.rosa
    asked.refresh_from_db()
    assert asked.read_at is not None
    with pytest.raises(ActionRefused):
        services.suggestion_decline(actor=world.maarten, suggestion=suggestion, answer="Toch niet")


def test_a_declined_suggestion_says_why(world):
    entry = add_entry(world)
    suggestion = services.suggestion_create(actor=world.rik, entry=entry, text="Klopt het weekendnummer nog?")
    with pytest.raises(ActionRefused) as refused:
        services.suggestion_decline(actor=world.maarten, suggestion=suggestion, answer=" ")
    assert refused.value.field == "answer"
    services.suggestion_decline(actor=world.maarten, suggestion=suggestion, answer="Ja, gisteren nagebeld.")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DECLINED
    assert Notice.objects.get(kind=NoticeKind.CORRECTION_HANDLED).user == world.rik


def test_representatives_suggest_and_never_change_the_card(world):
    entry = add_entry(world)
    data = services.EntryData(organisation=world.gp_a, contact_point="Anders", day_phone="0301234567")
    for person in (world.rosa, world.rik, world.olga):
        with pytest.raises(ActionRefused) as refused:
            services.entry_edit(actor=person, entry=entry, data=data, version=None)
        assert refused.value.code == "forbidden"
    for person in (world.maarten, world.carla, world.olga):
        with pytest.raises(ActionRefused) as refused:
            services.suggestion_create(actor=person, entry=entry, text="Zelf aanpassen")
        assert refused.value.code == "forbidden"


def test_the_notices_page_shows_a_reconfirm_request_and_a_handled_suggestion(world, client_for):
    """Time notices have no actor: the page names nobody (it failed on them before; then it signed
    them "Wijkverband", which read as the team's doing)."""
    entry = add_entry(world, confirmed_on=add_months(timezone.localdate(), -7))
    notices.time_check(timezone.localdate())
    suggestion = services.suggestion_create(actor=world.rosa, entry=entry, text="Klopt het nummer nog?")
    services.suggestion_decline(actor=world.maarten, suggestion=suggestion, answer="Ja, nagebeld.")
    response = client_for("maarten").get("/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Contactgegevens opnieuw bevestigen ·" in page and "/t/oost/wijkkaart/?entry=" in page
    assert "Wijkverband · " not in page
    page = client_for("rosa").get("/notifications/").content.decode()
    assert "Maarten Lid · " in page and "Huisarts Oost – Triagelijn praktijk" in page


def test_a_member_who_left_is_not_asked_and_the_coordinators_are(world):
    from wijkverband.tenancy import services as tenancy_services
    from wijkverband.tenancy.models import Membership

    entry = add_entry(world, confirmed_on=add_months(timezone.localdate(), -7))
    services.suggestion_create(actor=world.rosa, entry=entry, text="Klopt het nummer nog?")
    tenancy_services.membership_remove(
        actor=world.carla, membership=Membership.objects.get(team=world.team_a, user=world.maarten)
    )
    notices.time_check(timezone.localdate())
    assert list(_reconfirm_notices(entry).values_list("user_id", flat=True)) == [world.carla.pk]
    assert not selectors.reconfirm_due_for(user=world.maarten)
    assert not selectors.corrections_asked_of(user=world.maarten).exists()


def test_removing_an_entry_settles_what_waited_on_it(world):
    entry = add_entry(world, confirmed_on=add_months(timezone.localdate(), -7))
    notices.time_check(timezone.localdate())
    services.suggestion_create(actor=world.rosa, entry=entry, text="Bestaat deze lijn nog?")
    services.entry_delete(actor=world.maarten, entry=entry)
    assert not Notice.objects.filter(subject_id=entry.pk, read_at__isnull=True).exists()


def test_answering_one_suggestion_leaves_the_notice_of_another_still_open(world):
    """Found by a walk of what waits on people: answering one suggestion read the notices of every
    suggestion on the entry, while Mijn werk still listed the one not answered yet."""
    entry = add_entry(world)
    first = services.suggestion_create(actor=world.rosa, entry=entry, text="Klopt het nummer nog?")
    services.suggestion_create(actor=world.rik, entry=entry, text="Het weekendnummer is veranderd.")
    assert unread_notice_count(user=world.maarten) == 2
    services.suggestion_decline(actor=world.maarten, suggestion=first, answer="Ja, nagebeld.")
    assert selectors.corrections_asked_of(user=world.maarten).count() == 1
    still = Notice.objects.get(kind=NoticeKind.CORRECTION_SUGGESTED, read_at__isnull=True)
    assert still.user == world.maarten and still.actor == world.rik
    assert unread_notice_count(user=world.maarten) == 1
